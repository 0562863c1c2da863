"""One batch run: a headless drill (as ``drillsim run``) of one variant with one seed.

:func:`run_one` is what a pool process or a Dask worker executes. It gets
everything in a picklable :class:`RunSpec` (the variant's validated scenario
document, the seed, the orders) and returns the KPIs and the event digest, so the
same spec gives the same row wherever it runs.
"""

from __future__ import annotations

import copy
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drillsim.exercise.inputs import Input
from drillsim.exercise.session import Session
from drillsim.scenario.loader import build, build_map_spec

MAP_ENV = "DRILLSIM_BATCH_MAP"
"""The map the pool's forkserver builds before forking workers (see :mod:`drillsim.batch.preload`)."""
KILL_HOOK_ENV = "DRILLSIM_TEST_KILL_WORKER"
"""Test-only: ``SEED:MARKER_FILE`` kills the process running that seed the first time
(while MARKER_FILE does not exist yet), as a crashed or OOM-killed worker would die;
``SEED:`` kills it every time."""


@dataclass(frozen=True)
class RunSpec:
    variant: int
    run: int
    seed: int
    data: dict[str, Any] = field(repr=False, hash=False, compare=False)
    base_dir: str = "."
    file: str = ""
    until: float | None = None
    inputs: tuple[Input, ...] = field(default=(), hash=False, compare=False)
    auto_dispatch: bool = True

    @property
    def key(self) -> tuple[int, int]:
        return (self.variant, self.run)


def run_one(spec: RunSpec) -> dict[str, Any]:
    """Run one drill to its end (or ``until``); return kpis, digest, events, sim minutes, and the
    wall and CPU seconds it took (CPU well below wall: the worker waited for a busy machine)."""
    _maybe_die(spec.seed)
    t0, c0 = time.perf_counter(), time.process_time()
    scenario = build(copy.deepcopy(spec.data), Path(spec.base_dir))
    scenario.path = Path(spec.file) if spec.file else None
    session = Session(scenario, seed=spec.seed, auto_dispatch=spec.auto_dispatch, inputs=spec.inputs)
    if spec.until is not None:
        session.sim.duration = min(session.sim.duration, max(0.0, float(spec.until)))
    session.run()
    return {"kpis": session.kpis(), "digest": session.events.digest, "events": len(session.events),
            "sim_minutes": session.now, "wall_s": round(time.perf_counter() - t0, 4),
            "cpu_s": round(time.process_time() - c0, 4), "pid": os.getpid()}


def warm(data: dict[str, Any], base_dir: str) -> None:
    """Load the scenario's map once in a fresh worker (the built-in city takes ~1.5 s to build)."""
    try:
        build_map_spec(data, Path(base_dir)).load()
    except Exception:  # noqa: BLE001 - a run reports the real error; warming is only a speed-up
        pass


def _maybe_die(seed: int) -> None:
    hook = os.environ.get(KILL_HOOK_ENV)
    if not hook:
        return
    want, _, marker = hook.partition(":")
    if want.strip() == str(seed) and not (marker and os.path.exists(marker)):
        if marker:
            Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
