"""``drillsim validate FILE...``: check scenario files and report every problem.

Problems go to stderr as ``FILE:LINE:COL: message``, sorted by file and line;
a clean file prints ``FILE: OK (n units, n incidents, n hazards)`` on stdout (1 unit, 1 incident, 1 hazard: singular).
Exit code 0 if every file is clean, 2 if any has a problem.
"""

from __future__ import annotations

import argparse
import sys

from drillsim.core.errors import Problem
from drillsim.exercise.wording import count

NAME = "validate"
HELP = "check scenario files (syntax, schema, units of measure, ranges, references) / 检查想定文件"
ORDER = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="scenario .yaml files to check")
    parser.add_argument("--schema", action="store_true",
                        help="print the path of the scenario JSON Schema (for editors) and exit")


def _check_orders(path: str) -> tuple[list[Problem], str]:
    """An orders file (``*.orders.yaml``) is checked as orders, not as a scenario, and then against
    the scenario it is for (``X.yaml`` beside ``X.orders.yaml``): its seats, units, places, supplies."""
    from pathlib import Path

    from drillsim.core.errors import InputError
    from drillsim.exercise.order_file import load_orders, reference_problems
    from drillsim.exercise.session import Session
    from drillsim.scenario import load_scenario

    try:
        load_orders(path)
    except InputError as e:
        return list(e.problems), ""
    p = Path(path)
    scen = p.with_name(p.name[: -len(".orders.yaml")] + ".yaml")
    if not scen.is_file():
        return [], f"orders file; no {scen.name} beside it to check its units and places against"
    try:
        session = Session(load_scenario(scen))
    except InputError:
        return [], f"orders file; {scen.name} has problems, so its references were not checked"
    return reference_problems(p, session), f"orders file for {scen.name}"


def _check_variants(path: str) -> tuple[list[Problem], str]:
    """A batch variants file (``*.variants.yaml``): its syntax, and every plan applied to the
    scenario it is for (``X.yaml`` beside it or one folder up) and checked like a scenario."""
    from pathlib import Path

    from drillsim.batch.planfile import load_plans
    from drillsim.batch.variants import build_variants
    from drillsim.core.errors import InputError
    from drillsim.scenario.loader import read_text
    from drillsim.scenario.validate import check_text

    p = Path(path)
    stem = p.name[: -len(".variants.yaml")]
    try:
        plans = load_plans(p)
        for cand in (p.with_name(stem + ".yaml"), p.parent.parent / (stem + ".yaml")):
            if cand.is_file():
                data, positions, problems = check_text(read_text(cand), str(cand), cand.parent)
                if problems:
                    return problems, ""
                build_variants([], data, str(cand), cand.parent, positions, plans)
                return [], f"{len(plans)} variants of {cand}"
    except InputError as e:
        return list(e.problems), ""
    return [], f"{len(plans)} variants; no {stem}.yaml beside it or one folder up to apply them to"


def run(args: argparse.Namespace) -> int:
    from drillsim.cli.common import apply_lang
    from drillsim.scenario.validate import check_file, schema_path, summary

    apply_lang(args)
    if args.schema:
        print(schema_path())
        return 0
    if not args.files:
        print("drillsim validate: give one or more scenario files (or --schema)", file=sys.stderr)
        return 2
    problems: list[Problem] = []
    for f in args.files:
        if f.endswith(".orders.yaml"):
            found, what = _check_orders(f)
            problems.extend(found)
            if not found:
                print(f"{f}: OK ({what})")
            continue
        if f.endswith(".variants.yaml"):
            found, what = _check_variants(f)
            problems.extend(found)
            if not found:
                print(f"{f}: OK ({what})")
            continue
        try:
            data, found = check_file(f)
        except Exception as e:  # last resort: a bug in the checks, never a traceback
            found = [Problem(f, 1, 1, f"internal error while checking ({type(e).__name__}: {e}); "
                                      f"please report this with the scenario file")]
            data = None
        if found:
            problems.extend(found)
        else:
            n = summary(data)
            print(f"{f}: OK ({count(n['units'], '', 'unit', lang='en')}, {count(n['incidents'], '', 'incident', lang='en')}, "
                  f"{count(n['hazards'], '', 'hazard', lang='en')})")
    for p in sorted(problems, key=lambda p: (p.file, p.line, p.col)):
        print(str(p), file=sys.stderr)
    if problems:
        files = len({p.file for p in problems})
        print(f"{len(problems)} problem(s) in {files} file(s)", file=sys.stderr)
        return 2
    return 0
