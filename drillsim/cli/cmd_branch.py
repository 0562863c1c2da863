"""``drillsim branch A.drill --at MIN -o B.drill [--orders ORDERS.yaml]``: a what-if from a recorded drill."""

from __future__ import annotations

import argparse
from pathlib import Path

from drillsim.cli.common import apply_lang, check_output, print_json
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import tr

NAME = "branch"
HELP = "what-if: re-run a drill's inputs up to MIN, then other orders to the end (推演分支)"
ORDER = 42


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true", help="overwrite the -o file if it exists")
    p.add_argument("file", type=Path, help="parent drill archive (.drill)")
    p.add_argument("--at", type=float, required=True, metavar="MIN", help="branch at this sim minute")
    p.add_argument("-o", "--out", type=Path, required=True, metavar="B.drill", help="archive to write")
    p.add_argument("--orders", type=Path, default=None, metavar="ORDERS.yaml",
                   help="orders after MIN (those at or before MIN are ignored); none: no further inputs")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from drillsim.exercise.order_file import load_orders
    from drillsim.record.archive import Archive
    from drillsim.record.rerun import branch

    apply_lang(args)
    check_output(args.out, "-o", force=bool(getattr(args, "force", False)))
    orders = load_orders(args.orders) if args.orders else []
    with Archive.open(args.file) as a:
        if not 0 <= args.at <= a.duration:
            raise InputError(Problem(str(args.file), 1, 1, f"--at {args.at:g} is outside the recording "
                                                          f"(0 to {a.duration:g} sim minutes)"))
        if args.orders:
            from drillsim.exercise.order_file import reference_problems
            from drillsim.record.rerun import new_session

            if problems := reference_problems(args.orders, new_session(a)):
                raise InputError(problems)
        session = branch(a, args.at, args.out, orders)
    res = {"parent": str(args.file), "out": str(args.out), "branch_at": args.at, "events": len(session.events),
           "digest": session.events.digest, "kpis": session.sim.kpis.summary()}
    if args.json:
        print_json(res)
    else:
        print(tr(f"已从 {args.file} 第 {args.at:g} 分钟分支，写入 {args.out}（{len(session.events)} 个事件）",
                 f"branched {args.file} at minute {args.at:g} into {args.out} ({len(session.events)} events)"))
    return 0
