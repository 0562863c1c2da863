"""``drillsim info FILE``: what a scenario holds (map, places, units, hazards, injects)."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from drillsim.cli.common import apply_lang, print_json
from drillsim.core.i18n import pick, tr
from drillsim.exercise.wording import HAZARDS, PLACE_KINDS, label, unit_type_label
from drillsim.hazards.registry import build_hazard
from drillsim.scenario import load_scenario

NAME = "info"
HELP = "describe a scenario: map, places, units, hazards, injects (场景信息)"
ORDER = 15


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")


def info(path: Path) -> dict:
    sc = load_scenario(path)
    m = sc.map.load()
    x0, y0, x1, y1 = m.bounds
    places = Counter(d["kind"] for d in m.places)
    for p in sc.places:
        places[p.kind] += 0 if any(d["id"] == p.id for d in m.places) else 1
    return {
        "name": sc.meta.name,
        "description": sc.meta.description,
        "region": sc.meta.region,
        "start": sc.meta.start.isoformat(),
        "duration_min": sc.meta.duration_min,
        "seed": sc.meta.seed,
        "map": {"name": m.name, "nodes": m.graph.number_of_nodes(), "roads": m.graph.number_of_edges(),
                "width_m": round(x1 - x0), "height_m": round(y1 - y0)},
        "places": dict(sorted(places.items())),
        "units": len(sc.units),
        "unit_types": dict(sorted(Counter(u.type for u in sc.units).items())),
        "incidents": len(sc.incidents),
        "hazards": [build_hazard(h, None).info() for h in sc.hazards],
        "injects": len(sc.injects),
    }


def run(args: argparse.Namespace) -> int:
    apply_lang(args)
    d = info(args.file)
    if args.json:
        print_json(d)
        return 0
    print(f"{pick(d['name'])}  ({d['start']}, {d['duration_min'] / 60:.0f} h)")
    print(pick(d["description"]))
    print(f"{tr('地图', 'Map')}: {pick(d['map']['name'])} — {d['map']['nodes']:,} {tr('节点', 'nodes')}, "
          f"{d['map']['roads']:,} {tr('路段', 'roads')}, {d['map']['width_m'] / 1000:.1f} x {d['map']['height_m'] / 1000:.1f} km")
    sep = tr("，", ", ")
    print(f"{tr('地点', 'Places')}: " + sep.join(f"{label(PLACE_KINDS, k)} {v}" for k, v in d["places"].items()))
    print(f"{tr('队伍', 'Units')}: {d['units']} ({sep.join(f'{unit_type_label(k)} {v}' for k, v in d['unit_types'].items())})")
    print(f"{tr('事件', 'Incidents')}: {d['incidents']}   {tr('情况导入', 'Injects')}: {d['injects']}")
    for h in d["hazards"]:
        when = (tr("由灾害链触发", "started by a chain trigger") if h["start_min"] == "triggered"
                else tr(f"第 {h['start_min']:g} 分钟开始", f"from minute {h['start_min']:g}"))
        print(f"{tr('灾害', 'Hazard')}: {label(HAZARDS, h['type'])} {h['id']} {tr('位于', 'at')} {h['at']}{tr('，', ', ')}{when}")
    return 0
