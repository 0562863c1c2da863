"""Engine benchmark: the demo drill's kind of response scaled up.

A 100,000-node ``grid_city`` map, 1,000 units of mixed types (every task kind
has capable units), about 10,000 tasks (rescue, transport, evacuate, deliver,
clear_road) from incidents spread over 72 h, auto-dispatch, 72 h of sim time.
Reports wall seconds, events/s, peak RSS, and the ratio to a plain SimPy script
that schedules as many timeouts as the engine emitted events (run right after,
in the same process), plus the event-stream digest (fixed seeds: two runs give
the same digest), process CPU seconds (the machine may be shared: compare
``cpu_s`` and note ``load_avg``) and the router's counters (searches, tree
builds and repairs, routes walked from trees and kept searches). It also times
emitting the same events again with nothing simulated (``event_stream_floor_s``):
plain SimPy plus that is a floor no engine emitting this stream can beat
(``floor_ratio_to_plain_simpy``).

Usage: python bench/engine.py [--nodes 100000] [--units 1000] [--tasks 10000] [--hours 72]
       [--profile out.prof [--profile-after-hours H]] [--stop-after-hours H]
The last line is one JSON object with all figures and the scale parameters.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import time
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit_json, env_info, peak_rss_mb, scaled_scenario  # noqa: E402

from drillsim.core.events import EventStream  # noqa: E402
from drillsim.response.simulation import Simulation  # noqa: E402
from drillsim.scenario.synthetic import grid_city  # noqa: E402


def plain_simpy(n_timeouts: int, n_procs: int = 1000) -> float:
    """Wall seconds for SimPy alone to process ``n_timeouts`` timeouts in ``n_procs`` processes."""
    env = simpy.Environment()
    per = max(1, n_timeouts // n_procs)

    def proc(k: int):
        for i in range(per):
            yield env.timeout(1.0 + (k * 7 + i) % 13)

    for k in range(n_procs):
        env.process(proc(k))
    t0 = time.perf_counter()
    env.run()
    return time.perf_counter() - t0


def event_stream_floor(events) -> float:
    """Wall seconds to emit the run's events again, with nothing simulated.

    Each event is built, canonically JSON-encoded and hashed into the digest, as
    the issue requires of every change; no listener, no routing, no SimPy. With
    :func:`plain_simpy` it is a lower bound for any engine that emits this stream.
    """
    stream = EventStream()
    emit = stream.emit
    t0 = time.perf_counter()
    for ev in events:
        emit(ev.t, ev.type, **ev.data)
    return time.perf_counter() - t0


def schedule_closures(sim: Simulation, closures: list[tuple[float, str]]) -> None:
    """Close each clear_road incident's road just before the incident is reported."""
    for t, road in closures:
        idx = sim.world.net.road_index[road]
        sim.at(max(0.0, t - 1e-3), lambda idx=idx: sim.world.set_roads([idx], "closed", cause="debris"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--hours", type=float, default=72.0)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--stop-after-hours", type=float, default=None,
                    help="simulate only this many hours of the drill (for slow baselines)")
    ap.add_argument("--profile", default=None, help="write a cProfile of the run to this file")
    ap.add_argument("--profile-after-hours", type=float, default=0.0,
                    help="start the profile at this sim hour (later hours are busier)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    m = grid_city(args.nodes, seed=args.seed)
    sc, closures = scaled_scenario(m, args.units, args.tasks, args.hours, args.seed)
    sim = Simulation(sc, map_data=m)
    schedule_closures(sim, closures)
    t_build = time.perf_counter() - t0
    end = args.hours * 60.0 if args.stop_after_hours is None else args.stop_after_hours * 60.0
    prof = cProfile.Profile() if args.profile else None
    last = [time.perf_counter()]
    profiling = [False]

    def progress(now: float) -> None:
        if now % 360 < 60:
            wall = time.perf_counter() - t0
            print(f"  sim {now / 60:5.1f} h  events {len(sim.events):8d}  wall {wall:6.1f} s", flush=True)
        last[0] = time.perf_counter()

    t1 = time.perf_counter()
    c1 = time.process_time()
    while sim.now < end:
        if prof and sim.now >= args.profile_after_hours * 60.0 and not profiling[0]:
            prof.enable()
            profiling[0] = True
        sim.run_until(min(end, sim.now + 60.0))
        progress(sim.now)
    if prof:
        prof.disable()
        prof.dump_stats(args.profile)
    wall = time.perf_counter() - t1
    cpu = time.process_time() - c1
    n_events = len(sim.events)
    rss = peak_rss_mb()
    simpy_wall = plain_simpy(n_events)
    floor_wall = event_stream_floor(sim.events)
    kpis = sim.kpis.summary()
    res = {
        "nodes": sim.world.net.n_nodes, "units": len(sim.units), "tasks": len(sim.board.tasks),
        "incidents": len(sc.incidents), "hours": args.hours, "simulated_hours": round(sim.now / 60, 2),
        "seed": args.seed, "build_s": round(t_build, 2), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "events": n_events, "events_per_s": round(n_events / wall), "peak_rss_mb": round(rss, 1),
        "plain_simpy_s": round(simpy_wall, 3),
        "ratio_to_plain_simpy": round(wall / simpy_wall, 1),
        "event_stream_floor_s": round(floor_wall, 3),
        "floor_ratio_to_plain_simpy": round((simpy_wall + floor_wall) / simpy_wall, 1),
        "goals": {"wall_s<=60": wall <= 60, "rss<=1GB": rss <= 1024,
                  "ratio<=5": wall / simpy_wall <= 5},
        "tasks_done": sum(1 for t in sim.board.tasks.values() if not t.open),
        "dispatches": kpis["dispatches"], "unit_utilisation": kpis["unit_utilisation"],
        "digest": sim.events.digest[:16], "router": dict(sorted(sim.world.router.stats.items())),
        "load_avg": [round(x, 2) for x in os.getloadavg()], **env_info(),
    }
    print(f"{n_events} events in {wall:.1f} s ({res['events_per_s']}/s), peak RSS {rss:.0f} MB, "
          f"plain SimPy {simpy_wall:.2f} s -> {res['ratio_to_plain_simpy']}x; "
          f"emitting the same events alone {floor_wall:.2f} s (plain SimPy + that: "
          f"{res['floor_ratio_to_plain_simpy']}x)", flush=True)
    emit_json(res)


if __name__ == "__main__":
    main()
