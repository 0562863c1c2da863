"""Batch throughput: runs per minute of the demo drill with 1 and 2 local workers.

The demo drill (scenarios/lanxi_earthquake.yaml with its orders file, full
4320-minute duration unless ``--until``) runs N times with seeds base..base+N-1,
first on a pool of 1 worker, then on 2, in this same process, so the two figures
share the machine's conditions. Two figures each:

- ``batch``: the whole batch as ``drillsim batch`` does it, pool start-up and each
  worker's map build included;
- ``steady``: after every worker delivered its first run, (N - W) runs divided by
  the time to the last one (start-up excluded);

and the mean CPU seconds of a run on its worker, so a busy machine (wall much
longer than CPU) can be told from workers slowing each other down.

The speedup goal is >= 1.8x with 2 workers; it needs two free cores. A control
measured in the same run says how many the machine gives: 2 processes of plain
Python arithmetic against 1 (``machine_control_speedup``: ~2.0 on an idle 2-core
machine, ~1.0 on a shared one that gives this session one core's share). Both
worker counts must give identical digests.
The pair is measured in ``--rounds`` rounds, the order alternating, and the
medians reported, so a load that comes and goes hits both sides alike.
Usage: ``python bench/batch.py [--runs 8] [--rounds 3] [--until MIN]``; last line JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from drillsim.batch.evaluate import Batch, execute  # noqa: E402
from drillsim.batch.executors import pool_context  # noqa: E402
from drillsim.batch.results import ResultsFile  # noqa: E402


def measure(batch: Batch, workers: int, folder: Path) -> dict:
    times: list[float] = []
    res = ResultsFile(folder / f"w{workers}.csv")
    t0 = time.perf_counter()
    out = execute(batch, batch.specs, res, workers=workers,
                  progress=lambda what, spec, why: times.append(time.perf_counter()) if what == "done" else None)
    wall = time.perf_counter() - t0
    n = len(batch.specs)
    assert out.done == n and not out.failed, out.failed
    k = min(workers, n) - 1
    steady = (n - 1 - k) / (times[-1] - times[k]) * 60 if n - 1 > k and times[-1] > times[k] else None
    return {"workers": workers, "runs": n, "wall_s": round(wall, 2), "runs_per_min": round(n / wall * 60, 2),
            "steady_runs_per_min": round(steady, 2) if steady else None,
            "run_wall_s_mean": round(sum(r["wall_s"] for r in res.rows) / n, 3),
            "run_cpu_s_mean": round(sum(r["cpu_s"] for r in res.rows) / n, 3),
            "digests": {(r["seed"]): r["digest"] for r in res.rows}}


def _spin(_: int) -> float:
    t = time.perf_counter()
    s = 0
    for i in range(4_000_000):
        s += i
    return time.perf_counter() - t


def machine_speedup(first) -> float:
    """Control: what 2 processes of plain Python arithmetic gain over 1 on this machine right now
    (about 2.0 on 2 free cores; about 1.0 when the machine gives this session one core's share)."""
    ctx = pool_context(first)  # the batch's own context: its forkserver starts here, map built
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        list(ex.map(_spin, [0, 0]))  # start both workers
        t = time.perf_counter()
        list(ex.map(_spin, [0]))
        one = time.perf_counter() - t
        t = time.perf_counter()
        list(ex.map(_spin, [0, 1]))
        two = time.perf_counter() - t
    return round(2 * one / two, 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=8, help="runs per measurement (default 8)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds of (1 worker, 2 workers), order alternating, to even out a busy machine")
    ap.add_argument("--until", type=float, default=None, help="sim minutes per run (default: full drill)")
    a = ap.parse_args()
    scen = ROOT / "scenarios" / "lanxi_earthquake.yaml"
    batch = Batch(scen, a.runs, orders=scen.with_suffix("").with_suffix(".orders.yaml"), until=a.until)
    load_before = os.getloadavg()[0]
    control = [machine_speedup(batch.specs[0])]
    rounds = []
    digests = set()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.rounds):
            pair = {}
            for w in ((1, 2) if i % 2 == 0 else (2, 1)):
                r = measure(batch, w, Path(tmp))
                digests.add(tuple(sorted(r.pop("digests").items())))
                pair[w] = r
                print(f"round {i + 1}, {w} worker(s): {r['runs']} runs in {r['wall_s']} s = {r['runs_per_min']} "
                      f"runs/min (steady {r['steady_runs_per_min']}; a run takes {r['run_wall_s_mean']} s on its "
                      f"worker, {r['run_cpu_s_mean']} s of CPU)")
            rounds.append(pair)
            control.append(machine_speedup(batch.specs[0]))
    same = len(digests) == 1

    def med(xs: list[float]) -> float:
        return round(statistics.median(xs), 2)

    speed = med([p[2]["runs_per_min"] / p[1]["runs_per_min"] for p in rounds])
    steady = med([p[2]["steady_runs_per_min"] / p[1]["steady_runs_per_min"] for p in rounds
                  if p[1]["steady_runs_per_min"] and p[2]["steady_runs_per_min"]] or [math.nan])
    # CPU seconds per run show whether two workers slow each other down beyond sharing the cores
    cpu_ratio = med([p[2]["run_cpu_s_mean"] / p[1]["run_cpu_s_mean"] for p in rounds])
    one = {k: med([p[1][k] for p in rounds]) for k in ("runs_per_min", "steady_runs_per_min", "run_wall_s_mean",
                                                      "run_cpu_s_mean")}
    two = {k: med([p[2][k] for p in rounds]) for k in one}
    print(f"median over {a.rounds} rounds: 1 worker {one['runs_per_min']} runs/min, 2 workers {two['runs_per_min']} "
          f"runs/min; speedup batch {speed}x, steady {steady}x (goal >= 1.8x)")
    print(f"control: 2 processes of plain arithmetic do {med(control)}x the work of 1 on this machine now "
          f"(each round: {control}; 2.0 on two free cores)")
    print(f"CPU per run, 2 workers / 1 worker: {cpu_ratio} (1.0: no contention between workers; wall >> CPU: "
          f"the machine is busy with other work); identical digests: {same}; load average before "
          f"{load_before:.2f}, after {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(json.dumps({"scenario": scen.name, "sim_minutes": a.until or 4320, "runs": a.runs, "rounds": a.rounds,
                      "one_worker": one, "two_workers": two, "speedup_batch": speed, "speedup_steady": steady,
                      "goal_speedup": 1.8, "machine_control_speedup": med(control), "cpu_per_run_ratio_2_vs_1": cpu_ratio, "identical_digests": same,
                      "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
                      "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
