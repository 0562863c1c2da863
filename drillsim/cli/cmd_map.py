"""``drillsim map import FILE -o MAP_DIR``: a map folder from an OpenStreetMap extract (+ DEM)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drillsim.cli.common import apply_lang, print_json
from drillsim.core.i18n import pick, tr

NAME = "map"
HELP = "real maps: import OpenStreetMap roads, places and a DEM (导入真实地图)"
ORDER = 60


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="map_command", metavar="ACTION")
    imp = sub.add_parser("import", help="import an .osm / .osm.bz2 / .osm.pbf extract into a map folder",
                         description="Import roads, places and elevation into MAP_DIR (docs/maps.md).")
    imp.add_argument("file", type=Path, metavar="FILE", help="OSM extract: .osm, .osm.bz2 or .osm.pbf")
    imp.add_argument("-o", "--output", type=Path, required=True, metavar="MAP_DIR",
                     help="map folder to write (a scenario names it with map: {dir: MAP_DIR})")
    imp.add_argument("--bbox", metavar="W,S,E,N", help="keep roads inside this box (degrees; write "
                     "--bbox=W,S,E,N when W is negative)")
    imp.add_argument("--dem", type=Path, metavar="DEM.tif", help="GeoTIFF elevation model of the area")
    imp.add_argument("--name", metavar="TEXT", help="map name (default: the file name)")
    imp.add_argument("--force", action="store_true", help="replace an existing, non-empty MAP_DIR")
    imp.add_argument("--json", action="store_true", help="print the import report as one JSON line")


def run(args: argparse.Namespace) -> int:
    apply_lang(args)
    if getattr(args, "map_command", None) != "import":
        print(tr("用法: drillsim map import FILE -o MAP_DIR [--bbox W,S,E,N] [--dem DEM.tif]",
                 "usage: drillsim map import FILE -o MAP_DIR [--bbox W,S,E,N] [--dem DEM.tif]"), file=sys.stderr)
        return 2
    from drillsim.osm.importer import import_map, parse_bbox

    bbox = parse_bbox(args.bbox) if args.bbox else None
    say = None if args.json or not sys.stderr.isatty() else (lambda m: print(f"… {m}", file=sys.stderr))
    name = {"zh": args.name, "en": args.name} if args.name else None
    report = import_map(args.file, args.output, bbox=bbox, dem=args.dem, name=name, force=args.force,
                        progress=say)
    if args.json:
        print_json({"map_dir": str(args.output), **report})
        return 0
    print(summary(args.output, report))
    return 0


KIND_NAMES = {
    "station:fire_rescue": ("消防站", "fire stations"), "station:armed_police": ("派出所", "police stations"),
    "station:army": ("驻军营区", "barracks"), "hospital": ("医院", "hospitals"),
    "shelter": ("避难场所候选", "shelter candidates"), "plant": ("工业/化工企业", "industrial / chemical sites"),
    "forest": ("林地", "forests"), "community": ("居民点", "settlements"),
}


def summary(out: Path, m: dict) -> str:
    """The import report as a few lines of text (Chinese or English)."""
    r, p, t = m["roads"], m["places"], m["terrain"]
    d = r["dropped"]
    kinds = ", ".join(f"{tr(*KIND_NAMES.get(k, (k, k)))} {v}" for k, v in sorted(p["places"].items())) or "-"
    lines = [
        tr(f"地图已写入 {out}（{m['crs']}，{m['size_m'][0]} x {m['size_m'][1]} m，用时 {m['seconds']} s）",
           f"map written to {out} ({m['crs']}, {m['size_m'][0]} x {m['size_m'][1]} m, {m['seconds']} s)"),
        tr(f"道路: {r['nodes']} 个节点, {r['edges']} 条单向路段, {r['road_km']} km"
           f"（单行 {r['oneway_edges']}，桥梁 {r['bridges']}，隧道 {r['tunnels']}，标注限速 {r['speed_tagged_edges']}）",
           f"roads: {r['nodes']} nodes, {r['edges']} directed edges, {r['road_km']} km "
           f"(one-way {r['oneway_edges']}, bridges {r['bridges']}, tunnels {r['tunnels']}, "
           f"tagged speed {r['speed_tagged_edges']})"),
        tr(f"不连通而舍弃: {d['nodes']} 个节点, {d['edges']} 条路段, {d['road_km']} km",
           f"dropped (not strongly connected): {d['nodes']} nodes, {d['edges']} edges, {d['road_km']} km"),
        tr(f"地点: {kinds}; 行政区 {p['admin']}, 河流 {p['rivers']}, 水域 {p['water']}"
           f"（离路网过远舍弃 {p['dropped_far_from_roads']}）",
           f"places: {kinds}; admin areas {p['admin']}, rivers {p['rivers']}, water {p['water']} "
           f"(dropped, far from roads: {p['dropped_far_from_roads']})"),
        tr(f"高程: {t['shape'][1]} x {t['shape'][0]} 格, {t['cell_m']:g} m, {t['min_m']}..{t['max_m']} m",
           f"elevation: {t['shape'][1]} x {t['shape'][0]} cells of {t['cell_m']:g} m, {t['min_m']}..{t['max_m']} m"),
    ]
    lines += [tr("警告: ", "warning: ") + pick(w) for w in m["warnings"]]
    return "\n".join(lines)
