"""Archive benchmark: recording overhead, seek time, bytes per event, on a scaled drill.

Builds a ``grid_city`` map and a scenario in code (units of mixed types at the
map's stations, incidents spread over the drill), runs the same 72 h drill
twice in this process -- once plain, once recorded into a ``.drill`` archive --
and reports the CPU-time ratio (goal <= 1.2; on a loaded shared machine the
paired ratio swings, so the CPU time spent inside the recorder over the plain
run's is reported too), then seeks the archive to random times (goal p95 <=
100 ms) and reports bytes per event.

Usage: python bench/replay.py [--nodes 10000] [--units 200] [--incidents 600] [--hours 72] [--seeks 200]
The last line is one JSON object with the figures and the scale parameters.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drillsim.exercise.session import Session  # noqa: E402
from drillsim.record import Archive, Recorder  # noqa: E402
from drillsim.response.simulation import Simulation  # noqa: E402
from drillsim.scenario.loader import build_units, default_supplies  # noqa: E402
from drillsim.scenario.model import IncidentSpec, MapSpec, Meta, Scenario  # noqa: E402
from drillsim.scenario.synthetic import grid_city  # noqa: E402

UNIT_MIX = [("fire_rescue", 0.3, {}), ("medical", 0.2, {"people": 2}), ("transport", 0.2, {"people": 45, "cargo_t": 8}),
            ("army", 0.15, {"people": 20, "cargo_t": 5}), ("militia", 0.15, {"people": 20})]


def scaled_scenario(m, n_units: int, n_incidents: int, hours: float, seed: int = 1) -> Scenario:
    rng = np.random.default_rng(seed)
    stations = [p["id"] for p in m.places if p["kind"] == "station"]
    comms = [p["id"] for p in m.places if p["kind"] == "community"]
    units, k = [], 0
    for utype, share, cap in UNIT_MIX:
        for _ in range(max(1, round(n_units * share))):
            k += 1
            units.append({"id": f"u{k:05d}", "type": utype, "base": stations[int(rng.integers(len(stations)))],
                          "size": 12, "capacity": dict(cap)})
    xs = np.array([d["x"] for _, d in m.graph.nodes(data=True)])
    ys = np.array([d["y"] for _, d in m.graph.nodes(data=True)])
    incidents = []
    for i in range(n_incidents):
        t = float(rng.uniform(0, hours * 60 * 0.9))
        r = rng.random()
        if r < 0.6:
            n = int(rng.integers(len(xs)))
            needs = {"rescue": int(rng.integers(1, 11))}
            if r < 0.25:
                needs["transport"] = int(rng.integers(1, 4))
            incidents.append(IncidentSpec(f"i{i:05d}", {"zh": "倒塌", "en": "collapse"}, (float(xs[n]), float(ys[n])),
                                          None, t, int(rng.integers(1, 5)), needs))
        else:
            c = comms[int(rng.integers(len(comms)))]
            incidents.append(IncidentSpec(f"i{i:05d}", {"zh": "转移", "en": "evacuate"}, None, c, t,
                                          int(rng.integers(1, 5)),
                                          {"evacuate": {"community": c, "people": int(rng.integers(20, 200))}}))
    return Scenario(meta=Meta({"zh": "存档规模测试", "en": "archive bench"}, {"zh": "", "en": ""}, {"zh": "", "en": ""},
                              datetime(2026, 6, 12, 8), hours * 60.0, seed),
                    map=MapSpec(builtin=None), places=[], units=build_units(units[:n_units]),
                    supplies=default_supplies(), incidents=incidents)


class TimedRecorder(Recorder):
    """A Recorder that adds up the CPU time spent inside it (its own cost, whatever the machine's load):
    on the drill's thread (``cpu_s``) and in its writer thread (``writer.cpu_s``)."""

    cpu_s = 0.0

    def _on_event(self, ev, line) -> None:
        c = time.thread_time()
        super()._on_event(ev, line)
        TimedRecorder.cpu_s += time.thread_time() - c

    def flush(self) -> None:
        c = time.thread_time()
        super().flush()
        TimedRecorder.cpu_s += time.thread_time() - c

    def close(self) -> None:
        c = time.thread_time()
        super().close()
        TimedRecorder.cpu_s += time.thread_time() - c


WRITER_CPU = [0.0]


THREAD_WRITER = [False]


def run_once(sc: Scenario, m, record_to: Path | None) -> tuple[tuple[float, float, float], Session]:
    """(wall s, CPU s of this process, CPU s of the drill's thread) for one 72 h drill, recorded or not."""
    t0, c0, m0 = time.perf_counter(), time.process_time(), time.thread_time()
    s = Session(sc, sim=Simulation(sc, map_data=m))
    TimedRecorder.cpu_s = 0.0
    rec = TimedRecorder(s, record_to, background_writer=THREAD_WRITER[0]) if record_to else None
    s.run(step=30.0)
    if rec:
        rec.close()
        WRITER_CPU[0] = rec.writer.cpu_s
    return (time.perf_counter() - t0, time.process_time() - c0, time.thread_time() - m0), s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--incidents", type=int, default=600)
    ap.add_argument("--hours", type=float, default=72.0)
    ap.add_argument("--seeks", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=2,
                    help="plain/recorded pairs after one warm-up run (the ratio uses the best of each)")
    ap.add_argument("--thread-writer", action="store_true",
                    help="write the archive on a background thread (Recorder(background_writer=True)), to compare")
    a = ap.parse_args()
    THREAD_WRITER[0] = a.thread_writer
    t0 = time.perf_counter()
    m = grid_city(a.nodes, seed=1)
    sc = scaled_scenario(m, a.units, a.incidents, a.hours)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.drill"
        plain, recorded, own = [], [], []
        run_once(sc, m, None)  # warm-up: first-run caches (catalogues, router set-up) would count against plain
        for k in range(a.repeats):  # interleaved, order alternating, so load drift hits both alike
            for rec in ((False, True) if k % 2 == 0 else (True, False)):
                w, s = run_once(sc, m, path if rec else None)
                (recorded if rec else plain).append(w)
                if rec:  # a writer on the drill's thread is already inside TimedRecorder.cpu_s
                    own.append((TimedRecorder.cpu_s, WRITER_CPU[0] if a.thread_writer else 0.0))
                if rec:
                    s_rec = s
                else:
                    s_plain = s
        assert s_plain.events.digest == s_rec.events.digest, "recording changed the drill"
        n_events = len(s_rec.events)
        size = path.stat().st_size
        t_open = time.perf_counter()
        archive = Archive.open(path)
        open_ms = (time.perf_counter() - t_open) * 1000
        rnd = random.Random(7)
        archive.state_at(1.0)  # first call loads node coordinates
        gc_log: list[tuple[int, float]] = []  # (generation, ms) of each collector pass during the seeks

        def on_gc(phase: str, info: dict) -> None:
            if phase == "start":
                on_gc.t0 = time.perf_counter()
            else:
                gc_log.append((info["generation"], (time.perf_counter() - on_gc.t0) * 1000))

        parts = getattr(archive._snapshots, "_parts", {})  # decoded snapshots the reader keeps
        ms, seeks = [], []
        gc.callbacks.append(on_gc)
        try:
            for i in range(a.seeks):
                t = rnd.uniform(0, archive.duration)
                n_gc, n_parts = len(gc_log), len(parts)
                t1 = time.perf_counter()
                st = archive.state_at(t)
                ms.append((time.perf_counter() - t1) * 1000)
                seeks.append({"index": i, "t": round(t, 2), "ms": round(ms[-1], 2),
                              "gc_passes": [[g, round(x, 2)] for g, x in gc_log[n_gc:]],
                              "snapshots_decoded": len(parts) - n_parts, "last_seq": st["last_seq"]})
        finally:
            gc.callbacks.remove(on_gc)
        assert st["units"]
        slow = max(seeks, key=lambda r: r["ms"])
        snap = archive.con.execute("SELECT t, seq FROM snapshots WHERE t <= ? ORDER BY t DESC LIMIT 1",
                                   (slow["t"],)).fetchone()
        slow["snapshot_t"], slow["events_replayed"] = (snap[0], slow["last_seq"] - snap[1]) if snap else (None, None)
        t1 = time.perf_counter()
        chain = archive.verify_chain()
        chain_s = time.perf_counter() - t1
        n_snap = archive.con.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]
        snap_bytes = archive.con.execute("SELECT SUM(LENGTH(state)) FROM snapshots").fetchone()[0]
        archive.close()
    res = {
        "bench": "replay",
        "scale": {"nodes": a.nodes, "units": len(sc.units), "incidents": a.incidents, "hours": a.hours,
                  "note": "full 100k-node / 1000-unit scale not used by default: the engine run dominates "
                          "(run with --nodes 100000 --units 1000 --incidents 8000 --repeats 1 for it)"},
        "events": n_events, "writer": "thread" if a.thread_writer else "sync",
        "run_plain_s": round(min(w for w, _, _ in plain), 3),
        "run_recorded_s": round(min(w for w, _, _ in recorded), 3),
        "runs_plain_wall_cpu_thread_s": [[round(x, 2) for x in r] for r in plain],
        "runs_recorded_wall_cpu_thread_s": [[round(x, 2) for x in r] for r in recorded],
        "recording_overhead_ratio": round(min(c for _, c, _ in recorded) / min(c for _, c, _ in plain), 3),
        "recording_overhead_ratio_wall": round(min(w for w, _, _ in recorded) / min(w for w, _, _ in plain), 3),
        "recording_overhead_ratio_drill_thread": round(min(d for _, _, d in recorded) / min(d for _, _, d in plain), 3),
        "recording_overhead_basis": "CPU time of this process (all threads), best of each (wall time on a shared "
                                    "2-core machine varies by +-50 % between identical runs; wall ratio and the "
                                    "drill thread's CPU ratio, without the writer thread, also given)",
        "recording_overhead_goal": 1.2,
        "recorder_cpu_s": [round(a + b, 2) for a, b in own],
        "recorder_cpu_drill_thread_s": [round(a, 2) for a, _ in own],
        "recorder_cpu_writer_thread_s": [round(b, 2) for _, b in own],  # 0 without --thread-writer
        "recording_overhead_own": round(1 + min(a + b for a, b in own) / min(c for _, c, _ in plain), 3),
        "recording_overhead_own_drill_thread": round(1 + min(a for a, _ in own) / min(c for _, c, _ in plain), 3),
        "recording_overhead_own_basis": "1 + CPU seconds spent by the recorder (its stream tap, snapshots; its "
                                        "writer thread: packing, compression, inserts, commits) / CPU seconds of "
                                        "the plain run; _drill_thread: the tap's part only",
        "seek_ms_p50": round(float(np.percentile(ms, 50)), 2), "seek_ms_p95": round(float(np.percentile(ms, 95)), 2),
        "seek_ms_max": round(max(ms), 2), "seek_goal_p95_ms": 100, "seeks": a.seeks,
        "seek_ms_max_context": slow,
        "seek_gc_passes": {f"gen{g}": sum(1 for x, _ in gc_log if x == g) for g in range(3)},
        "seek_gc_full_ms": round(sum(x for g, x in gc_log if g == 2), 1),
        "open_ms": round(open_ms, 2),
        "archive_bytes": size, "bytes_per_event": round(size / max(1, n_events), 1),
        "snapshots": n_snap, "snapshot_bytes": snap_bytes,
        "verify_chain_s": round(chain_s, 3), "chain_ok": chain.ok,
        "total_s": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(res, sort_keys=True))


if __name__ == "__main__":
    main()
