"""``drillsim scenario new --map MAP_DIR --hazard TYPE --at X,Y -o FILE.yaml``: a starting scenario."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drillsim.cli.common import apply_lang
from drillsim.core.i18n import tr

NAME = "scenario"
HELP = "start a scenario on an imported map (在导入地图上新建想定)"
ORDER = 61


def add_arguments(p: argparse.ArgumentParser) -> None:
    from drillsim.osm.starter import HAZARDS

    sub = p.add_subparsers(dest="scenario_command", metavar="ACTION")
    new = sub.add_parser("new", help="write a starting scenario on a map folder (drillsim map import)",
                         description="Units at the map's bases, tiered depots, shelters, a hazard at X,Y.")
    new.add_argument("--map", type=Path, required=True, metavar="MAP_DIR", help="map folder from 'drillsim map import'")
    new.add_argument("--hazard", required=True, choices=HAZARDS)
    new.add_argument("--at", required=True, metavar="X,Y", help="hazard point in map metres")
    new.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.yaml")
    new.add_argument("--force", action="store_true", help="replace an existing FILE.yaml")


def run(args: argparse.Namespace) -> int:
    apply_lang(args)
    if getattr(args, "scenario_command", None) != "new":
        print(tr("用法: drillsim scenario new --map MAP_DIR --hazard TYPE --at X,Y -o FILE.yaml",
                 "usage: drillsim scenario new --map MAP_DIR --hazard TYPE --at X,Y -o FILE.yaml"), file=sys.stderr)
        return 2
    from drillsim.osm.starter import new_scenario, parse_point, write_scenario
    from drillsim.scenario.validate import check_text, summary

    text = new_scenario(args.map, args.hazard, parse_point(args.at), args.output)
    folder = args.output.resolve().parent
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)  # the map path in the text is relative to it
    data, _, problems = check_text(text, str(args.output), folder)
    if problems:  # a generator bug: say so, write nothing
        if made:
            folder.rmdir()
        for p in problems:
            print(str(p), file=sys.stderr)
        print(tr("内部错误：生成的想定未通过检查，未写入文件", "internal error: the generated scenario does not "
                 "validate; nothing written"), file=sys.stderr)
        return 1
    write_scenario(text, args.output, force=args.force)
    n = summary(data)
    print(tr(f"已写入 {args.output}：{n['units']} 支队伍，{n['hazards']} 个灾害，{n['incidents']} 个事件",
             f"wrote {args.output}: {n['units']} units, {n['hazards']} hazard(s), {n['incidents']} incident(s)"))
    return 0
