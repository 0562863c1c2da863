"""``drillsim run FILE``: a headless drill with the auto-dispatcher (or timed orders)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from drillsim.cli.common import apply_lang, check_output, print_json
from drillsim.cli.summary import print_summary
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import tr
from drillsim.exercise.order_file import load_orders, reference_problems
from drillsim.exercise.session import Session
from drillsim.scenario import load_scenario

NAME = "run"
HELP = "run a drill headless and print its KPI summary (无界面运行演练)"
ORDER = 20


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="scenario YAML")
    p.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    p.add_argument("--until", type=float, default=None, metavar="MIN",
                   help="stop at this sim minute (default: the scenario's duration)")
    p.add_argument("--events", type=Path, default=None, metavar="OUT.jsonl",
                   help="write every event as one JSON line")
    p.add_argument("--json", action="store_true", help="last line of output is a JSON result")
    p.add_argument("--orders", type=Path, default=None, metavar="ORDERS.yaml",
                   help="timed orders to apply (see docs/exercise.md)")
    p.add_argument("--no-auto", action="store_true", help="turn the auto-dispatcher off: only orders act")
    p.add_argument("--record", type=Path, default=None, metavar="OUT.drill",
                   help="record the drill into a .drill archive (see docs/archive.md)")
    p.add_argument("--force", action="store_true", help="replace the --record archive if it exists")
    p.add_argument("--speed", type=float, default=None, metavar="X",
                   help="pace the drill like a live one: X sim minutes per wall second")


def run(args: argparse.Namespace) -> int:
    apply_lang(args)
    # a negative --speed paced the drill at 1e-6 sim min per second (it seemed to hang, silently);
    # a negative --until ran nothing and printed an empty summary with exit 0
    if args.speed is not None and not args.speed > 0:
        raise InputError(Problem("--speed", 1, 1, f"--speed {args.speed:g}: give sim minutes per wall second "
                                                  "above 0 (e.g. --speed 30), or leave it out to run flat out"))
    if args.until is not None and not args.until > 0:
        raise InputError(Problem("--until", 1, 1, f"--until {args.until:g}: give a sim minute above 0"))
    if args.seed is not None and args.seed < 0:
        raise InputError(Problem("--seed", 1, 1, f"--seed {args.seed}: a seed is an integer >= 0 "
                                                 "(as meta.seed in the scenario)"))
    # outputs are checked before the drill runs: a typo in a folder must not cost a long run,
    # and an existing archive (a recorded drill) is never replaced without --force
    if args.events:
        check_output(args.events, "--events")
    if args.record:
        check_output(args.record, "--record", force=args.force)
    scenario = load_scenario(args.file)
    inputs = load_orders(args.orders) if args.orders else []
    session = Session(scenario, seed=args.seed, auto_dispatch=not args.no_auto, inputs=inputs)
    if args.orders and (problems := reference_problems(args.orders, session)):
        raise InputError(problems)  # a unit or place the drill lacks: say so now, not as a rejected order
    sim = session.sim
    if args.until is not None:
        sim.duration = min(sim.duration, max(0.0, args.until))
    out = None
    if args.events:
        out = open(args.events, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        for ev in sim.events.events:
            out.write(ev.to_json() + "\n")
        sim.events.subscribe(lambda ev: out.write(ev.to_json() + "\n"))
    recorder = None
    if args.record:
        from drillsim.record.recorder import Recorder

        recorder = Recorder(session, args.record, scenario_path=args.file)
    try:
        if args.speed:
            from drillsim.record.live import run_paced

            run_paced(session, args.speed, poll=recorder.poll if recorder else None)
        else:
            _drive(session, show_progress=sys.stderr.isatty() and not args.json)
    finally:
        if out:
            out.close()
        if recorder:
            recorder.close()
    result = session.result()
    if args.json:
        print_json(result)
    else:
        print_summary(scenario.meta.name, result)
    return 0


def _drive(sim: Session, show_progress: bool) -> None:
    if not show_progress:
        sim.run()
        return
    console = Console(stderr=True)
    with Progress(TextColumn(tr("模拟中", "Simulating")), BarColumn(), TextColumn("{task.completed:.0f}/{task.total:.0f} min"),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task("sim", total=sim.duration)
        sim.run(progress=lambda t: bar.update(task, completed=t), step=30.0)

