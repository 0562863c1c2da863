"""OSM import benchmark: a synthetic ~100,000-node city extract (.osm.pbf) imported, then routed on.

1. Writes a city extract with pyosmium: a jittered ~100 m street grid of
   ``--side`` x ``--side`` intersections with one shape node bending every block
   (180 -> 32,400 intersections + 64,440 shape nodes + places ~ 100,000 OSM
   nodes; real extracts have about two nodes per intersection), ways of ten
   blocks each, classes motorway / primary / secondary / tertiary / residential
   with lanes, maxspeed and one-way tags, a river crossed only on primary bridges,
   footways (not roads), one-way spurs the strongly connected filter drops, and
   places (fire stations, police, hospitals, schools and parks as areas,
   chemical works, villages with population).
2. Imports it with ``drillsim.osm.importer.import_map`` in a child process and
   reports the child's wall time and peak RSS (``resource.getrusage``). Goals:
   <= 60 s and <= 2 GB.
3. Loads the map folder and checks the router on it, side by side with networkx
   on the same weights (bench/router.py's ``bench_queries`` and
   ``bench_one_to_all``). Goal: >= 10x networkx bidirectional Dijkstra.

Usage: python bench/osm_import.py [--side 317] [--queries 200] [--nx-queries 20] [--keep DIR]
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, emit_json, env_info, peak_rss_mb  # noqa: E402
from router import bench_one_to_all, bench_queries, nx_graph  # noqa: E402

LON0, LAT0 = 114.0, 30.5  # a Chinese city's latitude (UTM zone 50)
SPACING_M = 100.0


def write_city(path: Path, side: int, seed: int = 0) -> dict:
    """Write the synthetic extract; return counts."""
    import osmium
    from osmium.osm.mutable import Node, Way

    rng = np.random.default_rng(seed)
    m_lon = 111_320.0 * math.cos(math.radians(LAT0))
    m_lat = 110_574.0

    def ll(x: float, y: float) -> tuple[float, float]:
        return LON0 + x / m_lon, LAT0 + y / m_lat

    river = side // 2  # no street crosses between rows river and river+1 except primary bridges
    jit = rng.uniform(-15, 15, size=(side, side, 2))
    nid = lambda i, j: 1 + i * side + j  # noqa: E731
    h0, v0 = side * side + 1, 2 * side * side + 1
    hid = lambda i, j: h0 + i * side + j  # noqa: E731  shape node of block (i, j)-(i, j+1)
    vid = lambda i, j: v0 + i * side + j  # noqa: E731  shape node of block (i, j)-(i+1, j)
    if path.exists():
        path.unlink()
    w = osmium.SimpleWriter(str(path))
    n_nodes = n_ways = 0
    next_node = 3 * side * side + 10
    next_way = 1

    def cls(k: int) -> dict[str, str]:
        if k % 50 == 25:
            return {"highway": "motorway", "maxspeed": "120", "lanes": "3"}
        if k % 10 == 0:
            return {"highway": "primary", "lanes": "2", **({"maxspeed": "60"} if k % 20 == 0 else {})}
        if k % 5 == 0:
            return {"highway": "secondary" if k % 3 else "tertiary"}
        return {"highway": "residential"}

    for i in range(side):
        for j in range(side):
            x, y = j * SPACING_M + jit[i, j, 0], i * SPACING_M + jit[i, j, 1]
            w.add_node(Node(id=nid(i, j), location=ll(x, y), version=1))
            n_nodes += 1
    bend = rng.uniform(-8, 8, size=(side, side, 2))
    for i in range(side):
        for j in range(side):
            x, y = j * SPACING_M + jit[i, j, 0], i * SPACING_M + jit[i, j, 1]
            if j + 1 < side:
                w.add_node(Node(id=hid(i, j), location=ll((x + (j + 1) * SPACING_M + jit[i, j + 1, 0]) / 2,
                                                          (y + i * SPACING_M + jit[i, j + 1, 1]) / 2 + bend[i, j, 0]),
                                version=1))
                n_nodes += 1
            if i + 1 < side:
                w.add_node(Node(id=vid(i, j), location=ll((x + j * SPACING_M + jit[i + 1, j, 0]) / 2 + bend[i, j, 1],
                                                          (y + (i + 1) * SPACING_M + jit[i + 1, j, 1]) / 2),
                                version=1))
                n_nodes += 1
    # east-west ways, ten blocks each
    for i in range(side):
        tags = cls(i)
        if tags["highway"] == "residential" and i % 7 == 3:
            tags = {**tags, "oneway": "yes" if i % 2 else "-1"}
        for j0 in range(0, side - 1, 10):
            js = range(j0, min(side, j0 + 11))
            refs = [r for j in js for r in ((nid(i, j), hid(i, j)) if j + 1 < js.stop else (nid(i, j),))]
            w.add_way(Way(id=next_way, nodes=refs, tags={**tags, "name": f"东西{i}路"}, version=1))
            next_way += 1
            n_ways += 1
    # north-south ways; at the river only primary columns cross, on bridges
    for j in range(side):
        tags = cls(j)
        if j % 13 == 6 and tags["highway"] == "residential":
            tags = {"highway": "footway"}
        for i0 in range(0, side - 1, 10):
            run: list[int] = []
            stop = min(side, i0 + 11)
            for i in range(i0, stop):
                run.append(nid(i, j))
                if i == river and i + 1 < stop:
                    if tags["highway"] == "primary":
                        if len(run) > 1:
                            w.add_way(Way(id=next_way, nodes=run, tags={**tags, "name": f"南北{j}路"}, version=1))
                            next_way += 1
                        w.add_way(Way(id=next_way, nodes=[nid(i, j), vid(i, j), nid(i + 1, j)],
                                      tags={**tags, "bridge": "yes", "layer": "1", "name": f"{j}号桥"}, version=1))
                        next_way += 1
                        n_ways += 2
                    elif len(run) > 1:
                        w.add_way(Way(id=next_way, nodes=run, tags={**tags, "name": f"南北{j}路"}, version=1))
                        next_way += 1
                        n_ways += 1
                    run = []
                    continue
                if i + 1 < stop:
                    run.append(vid(i, j))
            if len(run) > 1:
                w.add_way(Way(id=next_way, nodes=run, tags={**tags, "name": f"南北{j}路"}, version=1))
                next_way += 1
                n_ways += 1
    # one-way spurs out of the grid: dropped as not strongly connected
    for k in range(20):
        i = int(rng.integers(1, side - 1))
        a = next_node
        x, y = (side - 1) * SPACING_M + 150 + 50 * k % 100, i * SPACING_M
        w.add_node(Node(id=a, location=ll(x, y), version=1))
        w.add_way(Way(id=next_way, nodes=[nid(i, side - 1), a], tags={"highway": "residential", "oneway": "yes"},
                      version=1))
        next_node += 1
        next_way += 1
        n_nodes += 1
    # places
    size = side * SPACING_M

    def point(tags: dict[str, str]) -> None:
        nonlocal next_node, n_nodes
        x, y = rng.uniform(0, size, 2)
        w.add_node(Node(id=next_node, location=ll(x, y), tags=tags, version=1))
        next_node += 1
        n_nodes += 1

    def area(tags: dict[str, str], half: float) -> None:
        nonlocal next_node, next_way, n_nodes
        cx, cy = rng.uniform(half, size - half, 2)
        ids = []
        for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            w.add_node(Node(id=next_node, location=ll(cx + dx * half, cy + dy * half), version=1))
            ids.append(next_node)
            next_node += 1
            n_nodes += 1
        w.add_way(Way(id=next_way, nodes=ids + [ids[0]], tags=tags, version=1))
        next_way += 1

    for k in range(40):
        point({"amenity": "fire_station", "name": f"第{k + 1}消防救援站"})
    for k in range(30):
        point({"amenity": "police", "name": f"第{k + 1}派出所"})
    for k in range(20):
        point({"amenity": "hospital", "name": f"第{k + 1}人民医院", "beds": str(int(rng.integers(100, 800)))})
    for k in range(300):
        point({"place": "village" if k % 3 else "neighbourhood", "name": f"村{k + 1}",
               **({"population": str(int(rng.integers(300, 5000)))} if k % 2 else {})})
    for k in range(200):
        area({"amenity": "school", "name": f"第{k + 1}中学"}, 60.0)
    for k in range(50):
        area({"leisure": "park", "name": f"公园{k + 1}"}, 150.0)
    for k in range(10):
        area({"industrial": "chemical", "landuse": "industrial", "name": f"化工厂{k + 1}"}, 100.0)
    w.close()
    return {"osm_nodes": n_nodes, "osm_ways": next_way - 1, "road_ways": n_ways, "file_mb": round(path.stat().st_size / 2**20, 2)}


CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from drillsim.osm.importer import import_map
t1 = time.perf_counter()
m = import_map(sys.argv[1], sys.argv[2])
t2 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"import_s": round(t2 - t1, 2), "library_load_s": round(t1 - t0, 2), "manifest": m,
                  "cpu_s": round(ru.ru_utime + ru.ru_stime, 2), "peak_rss_mb": round(ru.ru_maxrss / 1024, 1)}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=int, default=180, help="grid side: side^2 street intersections")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--nx-queries", type=int, default=40)
    ap.add_argument("--keep", type=Path, default=None, help="keep the extract and the map folder here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="drillsim-osm-bench-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        src, out = work / "city.osm.pbf", work / "city_map"
        shutil.rmtree(out, ignore_errors=True)
        t0 = time.perf_counter()
        extract = write_city(src, args.side)
        extract["write_s"] = round(time.perf_counter() - t0, 2)
        print(f"extract: {extract}", flush=True)
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", CHILD, str(src), str(out)], capture_output=True, text=True,
                           cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        wall = time.perf_counter() - t0
        if r.returncode:
            sys.exit(f"import failed:\n{r.stderr}")
        child = json.loads(r.stdout.strip().splitlines()[-1])
        man = child["manifest"]
        print(f"import: {child['import_s']} s in the child ({wall:.1f} s wall with library load), "
              f"CPU {child['cpu_s']} s, peak RSS {child['peak_rss_mb']} MB; roads {man['roads']}", flush=True)

        from drillsim.scenario.maps import load_map
        from drillsim.world.network import RoadNetwork
        from drillsim.world.router import Router

        t0 = time.perf_counter()
        m = load_map(folder=out)
        net = RoadNetwork(m.graph)
        load_s = time.perf_counter() - t0
        router = Router(net)
        g = nx_graph(net, "ordinary")
        rng = np.random.default_rng(1)
        q = bench_queries(net, router, g, args.queries, args.nx_queries, rng)
        o = bench_one_to_all(net, router, g, rng)
        print(f"router on the imported map: {q}; {o}", flush=True)
        emit_json({
            "bench": "osm_import", **env_info(), "extract": extract,
            "import_s": child["import_s"], "import_wall_s": round(wall, 2),
            "library_load_s": child["library_load_s"], "import_cpu_s": child["cpu_s"],
            "import_peak_rss_mb": child["peak_rss_mb"], "load_avg_1min": round(os.getloadavg()[0], 2),
            "goal_import_s": 60, "goal_peak_rss_mb": 2048,
            "map_nodes": man["roads"]["nodes"], "map_edges": man["roads"]["edges"], "road_km": man["roads"]["road_km"],
            "dropped": man["roads"]["dropped"], "places": man["places"]["places"],
            "map_load_s": round(load_s, 2), **q, **o, "goal_speedup_vs_networkx": 10,
            "bench_peak_rss_mb": round(peak_rss_mb(), 1),
        })
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
