"""``drillsim map import``: OSM XML / PBF extracts and a GeoTIFF DEM made here, never downloaded."""

from __future__ import annotations

import bz2
import json
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import yaml
from osm_extract import LAT0, LON0, M_PER_DEG_LAT, M_PER_DEG_LON, town, write_dem
from pyproj import Geod, Transformer

from drillsim.cli.main import main
from drillsim.scenario.maps import load_map
from drillsim.world.network import RoadNetwork
from drillsim.world.router import Router


def haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    r = 6_371_009.0  # osmnx's mean earth radius
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("osm")
    e = town()
    e.write_xml(d / "town.osm")
    e.write_pbf(d / "town.osm.pbf")
    (d / "town.osm.bz2").write_bytes(bz2.compress((d / "town.osm").read_bytes()))
    return d


def _import(args: list[str], capsys) -> tuple[int, str, str]:
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(scope="module")
def xml_map(work) -> Path:
    out = work / "xml_map"
    assert main(["map", "import", str(work / "town.osm"), "-o", str(out), "--json"]) == 0
    return out


def _roads(folder: Path) -> nx.DiGraph:
    return nx.read_graphml(folder / "roads.graphml")


def _edge(g: nx.DiGraph, a: int, b: int) -> dict | None:
    return g.edges[str(a), str(b)] if g.has_edge(str(a), str(b)) else None


def test_xml_import_roads_lengths_oneway_and_dropped_parts(xml_map, work):
    m = yaml.safe_load((xml_map / "map.yaml").read_text(encoding="utf-8"))
    assert m["crs"] == "EPSG:32651"  # 120.0 E starts UTM zone 51
    r = m["roads"]
    # the spur (one way out, no way back) and the island street are dropped
    assert r["dropped"] == {"nodes": 3, "edges": 3, "road_km": pytest.approx(0.80, abs=0.01)}
    g = _roads(xml_map)
    assert not ({"40", "41", "50", "51", "60", "61"} & set(g.nodes))  # spur end, island, footway
    assert r["nodes"] == g.number_of_nodes() == 23  # two grid corners are not intersections
    e = town()
    # every edge's length is the great-circle length of the way (osmnx); the projected
    # straight segments agree with it within 0.5 % (sphere vs ellipsoid) and with the
    # WGS84 geodesic within the UTM scale error (< 0.1 %)
    geod = Geod(ellps="WGS84")
    for u, v, d in g.edges(data=True):
        if d["highway"] == "residential" and d["length"] < 250:
            (lo1, la1, _), (lo2, la2, _) = e.nodes[int(u)], e.nodes[int(v)]
            assert d["length"] == pytest.approx(haversine(lo1, la1, lo2, la2), abs=0.05)
            a, b = g.nodes[u], g.nodes[v]
            projected = math.hypot(a["x"] - b["x"], a["y"] - b["y"])
            assert projected == pytest.approx(d["length"], rel=5e-3)
            assert projected == pytest.approx(geod.inv(lo1, la1, lo2, la2)[2], rel=1e-3)
    # one-way: 12 -> 13 only (oneway=yes), 18 -> 17 only (oneway=-1: against the node order)
    assert _edge(g, 12, 13)["oneway"] and _edge(g, 13, 12) is None
    assert _edge(g, 18, 17)["oneway"] and _edge(g, 17, 18) is None
    assert not _edge(g, 7, 8)["oneway"] and _edge(g, 8, 7) is not None
    # classes, speeds (tagged or Chinese defaults), lanes, bridge
    south = _edge(g, 2, 3)
    assert (south["highway"], south["road_class"], south["speed_kmh"], south["maxspeed"]) == ("primary", "arterial", 60.0, "60")
    res = _edge(g, 7, 8)
    assert (res["road_class"], res["speed_kmh"], res["maxspeed"]) == ("local", 30.0, "")
    assert _edge(g, 10, 15)["lanes"] == 2
    bridge = _edge(g, 18, 23)
    assert bridge["bridge"] and bridge["highway"] == "tertiary" and bridge["speed_kmh"] == 40.0
    assert r["bridges"] == 2 and r["oneway_edges"] == 2


def test_places_found_and_snapped(xml_map):
    pl = yaml.safe_load((xml_map / "places.yaml").read_text(encoding="utf-8"))
    by = {p["id"]: p for p in pl["places"]}
    assert by["hos_n80"]["kind"] == "hospital" and by["hos_n80"]["beds"] == 80
    assert by["st_w400"]["unit_type"] == "fire_rescue" and by["st_w400"]["name"]["zh"] == "城关消防救援站"
    assert by["st_n85"]["unit_type"] == "armed_police"
    school = by["sh_w401"]
    assert school["name"] == {"zh": "实验小学", "en": "Experimental School"}
    # 100 m x 100 m site, 30 % usable, 2 m2 per person (GB 51143-2015)
    assert school["area_m2"] == pytest.approx(10_000, rel=0.01)
    assert school["capacity"] == pytest.approx(1500, abs=20)
    assert by["sh_w402"]["shelter_type"] == "park"
    assert by["plant_w403"]["chemical"] is True
    assert by["forest_w404"]["kind"] == "forest" and len(by["forest_w404"]["polygon"]) == 4
    village, hamlet = by["c_n102"], by["c_n103"]
    assert (village["population"], village["population_source"], village["level"]) == (1234, "osm", "村")
    assert (hamlet["population"], hamlet["population_source"]) == (150, "estimate")
    # each place sits on a road node (units start there) and remembers its own point
    g = _roads(xml_map)
    nodes = np.array([[d["x"], d["y"]] for _, d in g.nodes(data=True)])
    for p in pl["places"]:
        gap = np.hypot(*(nodes - p["at"]).T).min()
        assert gap < 0.1, p["id"]
        assert p["snap_m"] == pytest.approx(math.dist(p["at"], p["osm_at"]), abs=0.2)
    (county,) = pl["admin"]
    assert county["level"] == "县" and county["name"] == {"zh": "测试县", "en": "Test County"}
    assert "footway" not in json.dumps(pl)


def test_pbf_and_bz2_give_the_same_map_as_xml(xml_map, work):
    for src, name in (("town.osm.pbf", "pbf_map"), ("town.osm.bz2", "bz2_map")):
        out = work / name
        assert main(["map", "import", str(work / src), "-o", str(out), "--json"]) == 0
        a, b = _roads(xml_map), _roads(out)
        assert sorted(a.nodes) == sorted(b.nodes)
        assert {(u, v): d for u, v, d in a.edges(data=True)} == {(u, v): d for u, v, d in b.edges(data=True)}
        pa = yaml.safe_load((xml_map / "places.yaml").read_text(encoding="utf-8"))
        pb = yaml.safe_load((out / "places.yaml").read_text(encoding="utf-8"))
        assert pa == pb


def test_array_twin_loads_the_same_graph_and_yields_to_an_edited_graphml(work, xml_map):
    import shutil

    from drillsim.scenario.map_dir import _twin_graph

    copy = work / "twin_check"
    shutil.copytree(xml_map, copy)
    fast = _twin_graph(copy)
    assert fast is not None
    slow = load_map(graphml=copy / "roads.graphml").graph
    keys = ("id", "length", "road_class", "speed_kmh", "lanes", "oneway", "bridge", "tunnel", "name")
    assert {(u, v): tuple(d[k] for k in keys) for u, v, d in fast.edges(data=True)} == \
        {(u, v): tuple(d[k] for k in keys) for u, v, d in slow.edges(data=True)}
    assert {n: (d["x"], d["y"]) for n, d in fast.nodes(data=True)} == {n: (d["x"], d["y"]) for n, d in slow.nodes(data=True)}
    gml = copy / "roads.graphml"
    gml.write_text(gml.read_text(encoding="utf-8").replace(">30.0<", ">45.0<"), encoding="utf-8")
    assert _twin_graph(copy) is None  # edited by hand: the GraphML is read
    assert {d["speed_kmh"] for _, _, d in load_map(folder=copy).graph.edges(data=True)} >= {45.0}


def test_imported_map_loads_and_routes_respect_one_way(xml_map):
    m = load_map(folder=xml_map)
    assert m.graph.is_directed() and m.elevation is not None and float(np.abs(m.elevation.values).max()) == 0
    assert {p["kind"] for p in m.places} >= {"hospital", "station", "shelter", "community", "forest", "plant"}
    # fuel grid from land cover: forest 9 (Albini hardwood litter), built-up 0, unmapped land 1
    by = {p["id"]: p for p in m.places}
    forest = np.array(by["forest_w404"]["polygon"]).mean(axis=0)
    assert m.fuel.sample(*forest) == 9
    assert m.fuel.sample(*by["hos_n80"]["osm_at"]) == 0
    assert m.fuel.sample(*by["c_n102"]["osm_at"]) == 1
    net = RoadNetwork(m.graph)
    router = Router(net)
    a, b = net.node_index["12"], net.node_index["13"]
    fwd = router.route(a, b)
    back = router.route(b, a)
    assert fwd.nodes.tolist() == [a, b]
    assert len(back.nodes) > 2  # 13 -> 12 is a one-way against us: a detour round the block
    # speed: 200 m of residential street at the default 30 km/h
    k = net.road_index[m.graph.edges["12", "13"]["id"]]
    assert net.road_minutes()[k] == pytest.approx(m.graph.edges["12", "13"]["length"] / (30 / 0.06), rel=1e-6)


def test_dem_is_resampled_onto_the_map_grid(work, capsys):
    dem = write_dem(work / "dem.tif")
    out = work / "dem_map"
    rc, _, err = _import(["map", "import", str(work / "town.osm.pbf"), "--dem", str(dem), "-o", str(out), "--json"],
                         capsys)
    assert rc == 0, err
    m = load_map(folder=out)
    man = yaml.safe_load((out / "map.yaml").read_text(encoding="utf-8"))
    to_lonlat = Transformer.from_crs(man["crs"], "EPSG:4326", always_xy=True)
    grid = m.elevation
    # the DEM's plane z = 100 + 0.05 x + 0.1 y (x, y metres east / north of 120 E, 30 N),
    # checked at the centre of the cell under each road node
    for _, d in list(m.graph.nodes(data=True))[:12]:
        i, j = grid.index(d["x"], d["y"])
        cx, cy = grid.x0 + (j + 0.5) * grid.cell, grid.y0 + (i + 0.5) * grid.cell
        lon, lat = to_lonlat.transform(cx + man["origin"][0], cy + man["origin"][1])
        want = 100 + 0.05 * (lon - LON0) * M_PER_DEG_LON + 0.1 * (lat - LAT0) * M_PER_DEG_LAT
        assert grid.values[i, j] == pytest.approx(want, abs=0.3)
    assert m.elevation.cell == pytest.approx(55.66, abs=0.1)  # the DEM's own 0.0005 deg


def test_dem_partly_outside_warns_and_fills(work, capsys):
    dem = write_dem(work / "dem_part.tif", lon_range=(120.004, 120.03))
    out = work / "dem_part_map"
    rc, stdout, _ = _import(["map", "import", str(work / "town.osm"), "--dem", str(dem), "-o", str(out), "--json"],
                            capsys)
    assert rc == 0
    rep = json.loads(stdout)
    assert any("DEM covers" in w["en"] for w in rep["warnings"])
    assert np.isfinite(load_map(folder=out).elevation.values).all()


@pytest.mark.parametrize("case", ["truncated_xml", "truncated_pbf", "no_roads_in_bbox", "broken_dem",
                                  "dem_elsewhere", "bad_bbox", "not_osm"])
def test_bad_input_exits_2_and_writes_nothing(work, tmp_path, capsys, case):
    out = tmp_path / "map"
    src = work / "town.osm"
    extra: list[str] = []
    if case == "truncated_xml":
        src = tmp_path / "cut.osm"
        src.write_bytes((work / "town.osm").read_bytes()[:3000])
    elif case == "truncated_pbf":
        src = tmp_path / "cut.osm.pbf"
        data = (work / "town.osm.pbf").read_bytes()
        src.write_bytes(data[: len(data) // 2])
    elif case == "no_roads_in_bbox":
        extra = ["--bbox", "121.0,31.0,121.1,31.1"]
    elif case == "broken_dem":
        bad = tmp_path / "bad.tif"
        bad.write_bytes(b"II*\x00" + b"\x00garbage" * 50)
        extra = ["--dem", str(bad)]
    elif case == "dem_elsewhere":
        extra = ["--dem", str(write_dem(tmp_path / "far.tif", lon_range=(100.0, 100.02), lat_range=(20.0, 20.02)))]
    elif case == "bad_bbox":
        extra = ["--bbox", "120.1,30,120.0,30.1"]
    elif case == "not_osm":
        src = tmp_path / "notes.osm"
        src.write_text("hello, not xml", encoding="utf-8")
    rc, _, err = _import(["map", "import", str(src), "-o", str(out), *extra], capsys)
    assert rc == 2
    assert "Traceback" not in err and err.count("\n") == 1
    named = {"broken_dem": "bad.tif", "dem_elsewhere": "far.tif", "bad_bbox": "--bbox"}.get(case, src.name)
    assert named in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".map.")]  # no temp folder left
    if case == "truncated_xml":
        assert "truncated" in err and f"{src}:1:" not in err  # the line of the break is given


def test_existing_map_dir_is_kept_unless_forced(work, xml_map, capsys):
    target = work / "kept"
    target.mkdir()
    (target / "mine.txt").write_text("keep me", encoding="utf-8")
    rc, _, err = _import(["map", "import", str(work / "town.osm"), "-o", str(target)], capsys)
    assert rc == 2 and "--force" in err
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    rc, out, _ = _import(["map", "import", str(work / "town.osm"), "-o", str(target), "--force"], capsys)
    assert rc == 0 and "不连通而舍弃: 3 个节点" in out
    assert sorted(p.name for p in target.iterdir()) == ["map.yaml", "places.yaml", "roads.graphml", "roads.npz",
                                                             "terrain.npz"]


# ---------------------------------------------------------------- drillsim scenario new


@pytest.fixture(scope="module")
def dem_map(work) -> Path:
    out = work / "dem_map_sc"
    dem = write_dem(work / "dem_sc.tif")
    assert main(["map", "import", str(work / "town.osm"), "--dem", str(dem), "-o", str(out), "--json"]) == 0
    return out


@pytest.mark.parametrize("hazard", ["earthquake", "flood", "chemical", "wildfire"])
def test_scenario_new_validates_with_units_at_imported_bases(dem_map, tmp_path, capsys, hazard):
    from drillsim.scenario.validate import check_file

    f = tmp_path / "drills" / f"{hazard}.yaml"
    rc, out, err = _import(["scenario", "new", "--map", str(dem_map), "--hazard", hazard, "--at", "400,400",
                            "-o", str(f)], capsys)
    assert rc == 0, err
    data, problems = check_file(f)
    assert problems == []
    assert data["map"] == {"dir": Path("..").joinpath("..", dem_map.parent.name, dem_map.name).as_posix()} or \
        (f.parent / data["map"]["dir"]).resolve() == dem_map.resolve()
    bases = {u["type"]: u["base"] for u in data["units"]}
    assert bases["fire_rescue"] == "st_w400" and bases["armed_police"] == "st_n85" and bases["medical"] == "hos_n80"
    depots = {d["tier"]: d for d in data["places"]["depots"]}
    assert set(depots) == {"区", "市", "县"}
    for item, region in depots["区"]["stock"].items():
        total = region + depots["市"]["stock"][item] + depots["县"]["stock"][item]
        assert region == int(total * 0.5) and depots["市"]["stock"][item] == int(total * 0.3)
    assert depots["区"]["stock"]["tent"] + depots["市"]["stock"]["tent"] + depots["县"]["stock"]["tent"] == 500
    shelters = {p["id"]: p for p in load_map(folder=dem_map).places if p["kind"] == "shelter"}
    assert set(data["initial"]["open_shelters"]) <= set(shelters)
    (h,) = data["hazards"]
    assert (h["type"], h["at"]) == (hazard, [400.0, 400.0])
    assert data["meta"]["name"]["zh"].endswith("应急演练") and data["meta"]["name"]["en"].endswith("drill")
    if hazard == "flood":  # stages are metres above the imported DEM's ground at the point
        ground = load_map(folder=dem_map).elevation.sample(400, 400)
        assert ground > 100
        assert h["hydrograph"][0]["stage_m"] == pytest.approx(ground + 1.5, abs=0.01)
        assert h["breach"]["bottom_elevation_m"] == pytest.approx(ground, abs=0.01)
    if hazard == "chemical":
        assert {"hazmat"} <= set(bases) and bases["hazmat"] == "st_w400"


@pytest.mark.parametrize("hazard", ["chemical", "flood"])
def test_scenario_new_runs(dem_map, tmp_path, capsys, hazard):
    f = tmp_path / f"{hazard}.yaml"
    assert main(["scenario", "new", "--map", str(dem_map), "--hazard", hazard, "--at", "400,400", "-o", str(f)]) == 0
    capsys.readouterr()
    rc, out, err = _import(["run", str(f), "--json", "--until", "240"], capsys)
    assert rc == 0, err
    k = json.loads(out.strip().splitlines()[-1])["kpis"]
    if hazard == "chemical":
        assert k["chemical_release"] and k["casualties_transported"] == 6
    else:  # water from the breach runs down the DEM's slope and floods roads there
        assert k["roads_blocked"] > 0


def test_scenario_new_bad_input(xml_map, tmp_path, capsys):
    f = tmp_path / "s.yaml"
    rc, _, err = _import(["scenario", "new", "--map", str(xml_map), "--hazard", "flood", "--at", "90000,400",
                          "-o", str(f)], capsys)
    assert rc == 2 and "outside the map" in err and not f.exists()
    rc, _, err = _import(["scenario", "new", "--map", str(tmp_path / "nomap"), "--hazard", "flood", "--at", "4,4",
                          "-o", str(f)], capsys)
    assert rc == 2 and "map folder not found" in err and not f.exists()
    f.write_text("mine", encoding="utf-8")
    rc, _, err = _import(["scenario", "new", "--map", str(xml_map), "--hazard", "flood", "--at", "400,400",
                          "-o", str(f)], capsys)
    assert rc == 2 and "--force" in err and f.read_text(encoding="utf-8") == "mine"


def test_simplification_matches_osmnx(work):
    """drillsim.osm.simplify follows osmnx.simplify_graph's rules (minus the edge geometry)."""
    import osmnx as ox

    from drillsim.osm.roads import DIFFER
    from drillsim.osm.simplify import simplify
    from drillsim.osm.source import read_osm

    raw = read_osm(work / "town.osm.pbf").graph
    for a, b in ((900, 901), (901, 902), (902, 900)):  # an isolated one-way ring: removed by both
        raw.add_edge(a, b, osmid=77, highway="residential", oneway=True, length=5.0)
    for n, x in ((900, 121.0), (901, 121.001), (902, 121.002)):
        raw.nodes[n].update(x=x, y=30.0 + (n == 901) * 0.001)
    ours, theirs = simplify(raw, DIFFER), ox.simplify_graph(raw, edge_attrs_differ=list(DIFFER))
    assert set(ours.nodes) == set(theirs.nodes) and 900 not in ours

    def edges(g):
        out = []
        for u, v, d in g.edges(data=True):
            attrs = {k: frozenset(map(str, val)) if isinstance(val, list) else str(val)
                     for k, val in d.items() if k not in ("geometry", "length")}
            out.append((u, v, round(d["length"], 6), tuple(sorted(attrs.items()))))
        return sorted(out)

    assert edges(ours) == edges(theirs)


def test_bbox_keeps_only_the_roads_inside(work, tmp_path, capsys):
    e = town()
    w, s = e.nodes[1][0] - 1e-4, e.nodes[1][1] - 1e-4  # the south-west corner node
    east, north = e.nodes[13][0] + 1e-4, e.nodes[13][1] + 1e-4  # to the grid's centre
    out = tmp_path / "cut"
    rc, _, err = _import(["map", "import", str(work / "town.osm"), "--bbox", f"{w},{s},{east},{north}", "-o", str(out)],
                         capsys)
    assert rc == 0, err
    assert {int(n) for n in _roads(out).nodes} <= {1, 2, 3, 6, 7, 8, 11, 12, 13}


def test_earthquake_on_an_imported_steep_dem_closes_roads_by_landslide(work, tmp_path, capsys):
    """The hazards read the imported elevation: the same quake closes roads by landslide only on steep
    ground (56 degrees: Newmark factor of safety ~1.07 with the shipped soil, resources/data/earthquake.yaml)."""
    closed = {}
    for name, z in (("flat", lambda x, y: 0 * x + 200.0), ("steep", lambda x, y: 200.0 + 1.5 * x)):
        dem = write_dem(tmp_path / f"{name}.tif", z_of=z)
        out = tmp_path / f"{name}_map"
        assert main(["map", "import", str(work / "town.osm"), "--dem", str(dem), "-o", str(out), "--json"]) == 0
        f = tmp_path / f"{name}.yaml"
        assert main(["scenario", "new", "--map", str(out), "--hazard", "earthquake", "--at", "450,450",
                     "-o", str(f)]) == 0
        ev = tmp_path / f"{name}.jsonl"
        assert main(["run", str(f), "--until", "5", "--events", str(ev), "--json"]) == 0
        closed[name] = [json.loads(line) for line in ev.read_text(encoding="utf-8").splitlines()
                        if '"road.state"' in line and "landslide" in line]
    capsys.readouterr()
    assert closed["flat"] == [] and closed["steep"]
