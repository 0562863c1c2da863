"""``drillsim probe FILE --at X,Y --time MIN``: hazard field values at a point and time.

The drill runs (headless, auto-dispatch, with its injects) to MIN so hazards that depend on the
history (chains, flood, fire with suppression) are in the state they would have
in the drill; then each hazard reports its fields at (X, Y). Documented in docs/cli.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from drillsim.cli.common import apply_lang, print_json
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import tr
from drillsim.exercise.session import Session
from drillsim.scenario import load_scenario

NAME = "probe"
HELP = "hazard field values at a map point and sim minute (灾害场取值)"
ORDER = 30


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path)
    p.add_argument("--at", required=True, metavar="X,Y", help="map metres, x east, y north")
    p.add_argument("--time", type=float, required=True, metavar="MIN", help="sim minute")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--json", action="store_true")


def _point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(Problem("--at", 1, 1, f"expected X,Y in map metres, e.g. --at 5200,4100 (got {text!r})")) from None
    return x, y


def probe(path: Path, x: float, y: float, t: float, seed: int | None = None) -> dict:
    sc = load_scenario(path)
    if t < 0:
        raise InputError(Problem("--time", 1, 1, "time must be >= 0 sim minutes"))
    session = Session(sc, seed=seed)  # injects fire too: an inject may start or trigger a hazard
    sim = session.sim
    sim.duration = max(sim.duration, t)
    session.run_until(t)
    fields: dict[str, dict] = {}
    for h in sim.hazards.values():
        key = h.id if sum(1 for o in sim.hazards.values() if o.type == h.type) > 1 else h.type
        entry = {"type": h.type, "id": h.id, "started": h.started}
        entry.update(h.fields(x, y, t) if h.started else {})
        fields[key] = entry
    return {"time_min": t, "at": [x, y], "fields": fields}


def run(args: argparse.Namespace) -> int:
    apply_lang(args)
    x, y = _point(args.at)
    out = probe(args.file, x, y, args.time, args.seed)
    if args.json:
        print_json(out)
        return 0
    print(f"{tr('位置', 'At')} ({x:.0f}, {y:.0f})  {tr('时刻', 'time')} {args.time:g} min")
    for key, f in out["fields"].items():
        vals = ", ".join(f"{k}={v}" for k, v in f.items() if k not in ("type", "id"))
        print(f"  {key}: {vals}")
    return 0
