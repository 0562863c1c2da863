"""Networked drill benchmark: many scripted seats ordering at once on loopback.

Serves the demo earthquake drill with ``--seats`` extra played township seats
(``drillsim serve`` in a subprocess, as a director would run it), joins every seat
from this process (asyncio clients) and has each give one order per second for
``--minutes`` wall minutes (warnings, support requests, shelters opened and closed:
real orders, some refused by the drill, all recorded). Then it stops the server,
checks that every order sent was acknowledged and is in the archive exactly once,
and re-runs the archive (``verify``) to the served drill's digest.

Goals (issue 11): 50 seats x 1 order/s x 10 min, no order lost, p95 order-to-ack <= 100 ms.
Figures: order-to-ack percentiles (client wall clock, send to ack), the server
process's CPU seconds and peak RSS (getrusage of the finished child).

``--timed LEAD`` sends every order as a scripted seat does: with ``at`` = the seat's estimate of
the server's clock + LEAD wall seconds (at the drill's speed), so the server holds it and applies
it at exactly that minute. Then ``timed_exact`` counts the acks applied at their ``at`` and
``timed_late`` those that arrived after it; the order-to-ack figures include the hold (about LEAD
seconds), and ``server_ack_ms`` is from the minute coming to the ack.

Usage: python bench/net.py [--seats 50] [--minutes 10] [--speed 1] [--timed LEAD] [--no-verify]
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drillsim.net.client import SeatClient  # noqa: E402
from drillsim.record.archive import Archive  # noqa: E402
from drillsim.record.rerun import verify  # noqa: E402

SCENARIO = ROOT / "scenarios" / "lanxi_earthquake.yaml"
SHELTERS = ("sh01", "sh02", "sh03", "sh04", "sh05", "sh06", "sh07")


def scenario_with_seats(n: int, folder: Path) -> Path:
    """The demo drill plus ``n`` played township seats under the county HQ."""
    doc = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    for k in range(1, n + 1):
        doc["seats"].append({"id": f"seat{k:02d}", "level": "乡镇", "parent": "county_hq",
                             "name": {"zh": f"第{k}号乡镇席位", "en": f"Township seat {k}"}})
    out = folder / "net_bench.yaml"
    out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def order_for(seat: int, k: int) -> tuple[str, dict]:
    kind = (seat + k) % 4
    if kind == 0:
        return "issue_warning", {"color": "blue", "communities": "town1" if k % 2 else "town2"}
    if kind == 1:
        return "request_support", {"to": "city_hq", "units": ["quake"]}
    shelter = SHELTERS[(seat + k) % len(SHELTERS)]
    return ("open_shelter" if kind == 2 else "close_shelter"), {"shelter": shelter}


async def seat_loop(client: SeatClient, seat: int, n_orders: int, t0: float, offset: float,
                    sent: list[int], timed: float | None = None) -> None:
    await client.join()
    reader = asyncio.create_task(client.run())
    for k in range(n_orders):
        delay = t0 + offset + k - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        op, args = order_for(seat, k)
        if timed is None:
            await client.order(op, **args)
        else:
            at = round(client.view.sim_now() + timed * client.view.speed, 3)
            await client.send("order", op=op, args=args, at=at)
        sent[seat] += 1
    await client.wait_acked(timeout=60)
    await client.close()
    await reader


async def drive(target: str, codes: dict[str, str], seats: int, minutes: float,
                timed: float | None = None) -> tuple[list[SeatClient], list[int], float]:
    clients = [SeatClient(f"ws://{target}", codes[f"seat{k + 1:02d}"]) for k in range(seats)]
    sent = [0] * seats
    n_orders = int(round(minutes * 60))
    t0 = time.monotonic() + 2.0
    progress = asyncio.create_task(report(clients, t0, n_orders))
    start = time.perf_counter()
    await asyncio.gather(*(seat_loop(c, k, n_orders, t0, k / seats, sent, timed) for k, c in enumerate(clients)))
    progress.cancel()
    return clients, sent, time.perf_counter() - start


async def report(clients: list[SeatClient], t0: float, n_orders: int) -> None:
    """Progress once a minute. Also moves the clients' received views out of the GC's reach:
    here 50 seats share one process, where each would have its own (so 50x fewer objects)."""
    while True:
        await asyncio.sleep(60)
        gc.freeze()
        lat = np.array([x for c in clients for x in c.latency]) * 1000
        done = len(lat)
        print(f"  {time.monotonic() - t0:5.0f} s: {done} acks, p95 {np.percentile(lat, 95) if done else 0:.1f} ms",
              file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seats", type=int, default=50)
    ap.add_argument("--minutes", type=float, default=10.0, help="wall minutes of ordering (default 10)")
    ap.add_argument("--speed", type=float, default=1.0, help="sim minutes per wall second (default 1)")
    ap.add_argument("--timed", type=float, default=None, metavar="LEAD",
                    help="send orders with 'at' LEAD wall seconds ahead (held by the server until then)")
    ap.add_argument("--no-verify", action="store_true", help="skip re-running the archive")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="drillsim-net-bench-"))
    scen = scenario_with_seats(args.seats, tmp)
    archive = tmp / "bench.drill"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DRILLSIM_LANG": "en"}
    out_path, err_path = tmp / "serve.out", tmp / "serve.err"
    # files, not pipes: a pipe nobody reads fills up and blocks the server's log lines
    with open(out_path, "w") as out_f, open(err_path, "w") as err_f:
        serve = subprocess.Popen([sys.executable, "-m", "drillsim.cli.main", "serve", str(scen), "--port", "0",
                                  "--speed", str(args.speed), "--record", str(archive), "--json"],
                                 stdout=out_f, stderr=err_f, stdin=subprocess.DEVNULL, env=env, cwd=tmp)
    ready = None
    while ready is None and serve.poll() is None:
        time.sleep(0.2)
        for line in out_path.read_text(encoding="utf-8").splitlines():
            if line.startswith("{") and json.loads(line).get("type") == "ready":
                ready = json.loads(line)
    if ready is None:
        sys.exit(f"server did not start: {err_path.read_text(encoding='utf-8')}")
    print(f"serving {args.seats} seats at {ready['target']}; {args.minutes:g} min of orders", file=sys.stderr)
    clients, sent, wall = asyncio.run(drive(ready["target"], ready["codes"], args.seats, args.minutes,
                                             args.timed))
    serve.send_signal(signal.SIGINT)
    serve.wait(timeout=120)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = out_path.read_text(encoding="utf-8").strip().splitlines()
    err = err_path.read_text(encoding="utf-8")
    result = json.loads(lines[-1])
    rejoins = sum(1 for x in lines if "rejoined: " in x)
    lat = np.array([x for c in clients for x in c.latency]) * 1000.0
    acked = sum(len(c.acks) for c in clients)
    accepted = sum(1 for c in clients for a in c.acks.values() if a.get("accepted"))
    rejects = sum(len(c.rejects) for c in clients)
    with Archive.open(archive) as arc:
        by_seat: dict[str, int] = {}
        for i in arc.inputs():
            if i.kind == "order":
                by_seat[i.data["by"]] = by_seat.get(i.data["by"], 0) + 1
        in_archive = sum(by_seat.values())
        per_seat_ok = all(by_seat.get(f"seat{k + 1:02d}", 0) == sent[k] for k in range(args.seats))
        verified, verify_s = None, None
        if not args.no_verify:
            t = time.perf_counter()
            res = verify(arc)
            verified, verify_s = res.ok and arc.meta.get("digest") == result["digest"], time.perf_counter() - t
    total = sum(sent)
    timed_acks = [a for c in clients for a in c.acks.values() if a.get("at") is not None]
    figures = {
        "bench": "net", "seats": args.seats, "minutes": args.minutes, "speed": args.speed,
        "orders_sent": total, "orders_acked": acked, "orders_accepted_by_drill": accepted,
        "protocol_rejects": rejects, "seat_rejoins": rejoins, "orders_in_archive": in_archive, "per_seat_counts_match": per_seat_ok,
        "orders_lost": total - min(acked, in_archive),
        "ack_ms_p50": round(float(np.percentile(lat, 50)), 2), "ack_ms_p95": round(float(np.percentile(lat, 95)), 2),
        "ack_ms_p99": round(float(np.percentile(lat, 99)), 2), "ack_ms_max": round(float(lat.max()), 2),
        "p95_goal_ms": 100,
        "p95_ok": None if args.timed is not None else bool(np.percentile(lat, 95) <= 100.0),  # timed: held
        "server_ack_ms": result.get("server_ack_ms"),
        "timed_lead_s": args.timed, "timed_exact": sum(1 for a in timed_acks if a["t"] == a["at"]),
        "timed_late": sum(1 for a in timed_acks if a["t"] > a["at"]),
        "timed_early": sum(1 for a in timed_acks if a["t"] < a["at"]),
        "scheduled_unrun": result.get("scheduled_unrun"),
        "wall_s": round(wall, 1), "server_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "server_cpu_share": round((usage.ru_utime + usage.ru_stime) / wall, 3),
        "server_peak_rss_mb": round(usage.ru_maxrss / 1024.0, 1),
        "sim_minutes": result.get("sim_minutes"), "events": result.get("events"),
        "replay_digest_ok": verified, "verify_s": None if verify_s is None else round(verify_s, 1),
        "archive_mb": round(archive.stat().st_size / 2**20, 1),
    }
    if serve.returncode != 0:
        figures["server_error"] = err[-2000:]
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
