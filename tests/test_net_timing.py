"""Timed (scripted) orders over the network: an order scripted for sim minute t takes effect at
exactly t on the server's clock, never before (QA: at --speed 2 a seat's minute-9 order ran at 8.8
and its minute-12 order at 10.1, because the seat guessed the server's clock). The seat sends it
ahead with ``at``; the server holds it and applies it when its clock reaches t. Interactive orders
(no ``at``) are still applied at the server's time when they arrive."""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from net_support import ServerThread, json_line
from net_support import until as _until

import drillsim.net.server as server_mod
from drillsim.exercise.inputs import Input
from drillsim.net.client import SeatClient
from drillsim.net.protocol import check_server, msg
from drillsim.net.scripted import Script, play
from drillsim.record.archive import Archive
from drillsim.record.rerun import verify

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "data" / "net" / "drill.yaml"

TIMED = [0.0, 4.0, 7.5, 9.0, 12.0, 12.0, 15.25, 33.0, 47.0]
ORDERS = """orders:
  - {t: 0, by: county_hq, op: set_response_level, level: IV}
  - {t: 4, by: county_hq, op: open_shelter, shelter: sh1}
  - {t: 7.5, by: town_w, op: open_shelter, shelter: sh1}
  - {t: 7.5, by: county_hq, op: issue_warning, color: blue, communities: all}
  - {t: 9, by: county_hq, op: close_shelter, shelter: sh1}
  - {t: 12, by: county_hq, op: open_shelter, shelter: sh1}
  - {t: 12, by: county_hq, op: dispatch, unit: f1-2, task: i1/rescue}
  - {t: 15.25, by: county_hq, op: request_support, to: city_hq, units: [a1]}
  - {t: 33, by: county_hq, op: recall, unit: f1-2}
  - {t: 47, by: county_hq, op: set_response_level, level: III}
"""


def _cli(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DRILLSIM_LANG": "en"}
    return subprocess.Popen([sys.executable, "-m", "drillsim.cli.main", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)


@pytest.mark.slow
def test_scripted_seat_orders_run_at_exactly_their_minutes(tmp_path):
    """``drillsim serve --speed 4`` and ``drillsim seat --orders`` as separate processes."""
    orders = tmp_path / "county.orders.yaml"
    orders.write_text(ORDERS, encoding="utf-8")
    archive = tmp_path / "timed.drill"
    serve = _cli("serve", str(SCENARIO), "--port", "0", "--speed", "4", "--until", "50", "--paused",
                 "--record", str(archive), "--json")
    seen: list[dict] = []
    seat = None
    try:
        ready = json_line(serve, lambda m: m.get("type") == "ready")
        seat = _cli("seat", ready["target"], "--code", ready["codes"]["county_hq"], "--orders", str(orders),
                    "--json", "--leave-when-done")
        json_line(serve, lambda m: "joined: county_hq" in str(m.get("message")))

        async def director() -> SeatClient:
            d = SeatClient(f"ws://{ready['target']}", ready["codes"]["director"], on_message=seen.append)
            await d.join()
            reader = asyncio.create_task(d.run())
            await d.send("director", action="resume")
            await reader  # the server's whole event stream, to the end of the drill
            return d

        d = asyncio.run(director())
        out, err = seat.communicate(timeout=60)
        assert seat.returncode == 0, err
        sout, serr = serve.communicate(timeout=60)  # the drill ended at --until: the server exits by itself
        assert serve.returncode == 0, serr
    finally:
        for proc in (serve, seat):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=30)
    lines = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
    acks = sorted((m for m in lines if m["type"] == "ack"), key=lambda m: m["seq"])
    assert [m["seq"] for m in acks] == [1, 2, 4, 5, 6, 7, 8, 9, 10]  # entry 3 is town_w's
    # each ack says it ran at exactly the minute it was meant for
    assert [(m["at"], m["t"]) for m in acks] == [(t, t) for t in TIMED]
    assert [m["seq"] for m in acks if not m["accepted"]] == [], acks
    held = [m for m in lines if m["type"] == "scheduled"]
    assert held and all(m["t"] < m["at"] for m in held)  # sent ahead, held by the server
    # the server's stream (as the director received it, and as recorded) carries the scripted minutes
    streamed = sorted((e["seq"], e["t"]) for e in d.view.events.values()
                      if e["type"].startswith("order.") and e["data"].get("by") == "county_hq")
    assert [t for _, t in streamed] == TIMED
    for m in seen:
        assert check_server(m) == [], m
    result = json.loads(sout.strip().splitlines()[-1])
    with Archive.open(archive) as arc:
        events = [e for e in arc.events() if e.type.startswith("order.")]
        assert [e.type for e in events] == ["order.accepted"] * len(TIMED)
        assert [e.t for e in events] == TIMED
        assert [i.t for i in arc.inputs() if i.kind == "order"] == TIMED
        assert arc.meta["digest"] == result["digest"]
        res = verify(arc)
        assert res.ok, res.divergence.describe() if res.divergence else res.chain.message


def test_timed_messages_held_late_refused_and_interactive_orders_unchanged(tmp_path):
    seen: list[dict] = []
    with ServerThread(tmp_path, until=200, speed=3) as s:
        async def main():
            c = SeatClient(s.url, s.code("county_hq"), on_message=seen.append)
            w = await c.join()
            assert w["features"] == ["at"] and w["scheduled"] == [] and c.timed
            reader = asyncio.create_task(c.run())
            await _until(lambda: c.view.t >= 3)
            # an interactive order (no at): applied at the server's time when it arrives
            now = await c.order("set_response_level", level="IV")
            await c.wait_acked([now])
            assert "at" not in c.acks[now]
            # a timed order whose minute has passed: applied at once; the ack says both minutes
            late = await c.send("order", op="open_shelter", args={"shelter": "sh1"}, at=1.0)
            await c.wait_acked([late])
            assert c.acks[late]["at"] == 1.0 and c.acks[late]["t"] > 1.0
            # a timed order ahead: taken ('scheduled'), held, applied at exactly its minute
            at = math.floor(c.view.sim_now()) + 12.5
            held = await c.send("order", op="issue_warning", args={"color": "blue", "communities": "all"}, at=at)
            await _until(lambda: held in c.held)
            assert held in c.unacked
            # resending it (an app unsure whether it arrived) is refused as a duplicate; it stays held
            await c._send_raw(c.unacked[held].message)
            await _until(lambda: any(r["seq"] == held and r["code"] == "replayed" for r in c.rejects))
            assert held in c.unacked and held in c.held
            # the network is cut: the rejoin says the server still holds it; it is not resent
            c.ws.transport.abort()
            await _until(lambda: c.joined.is_set() and c.welcome.get("rejoin"))
            assert c.welcome["scheduled"] == [held] and c.welcome["last_seq"] == held
            await c.wait_acked([held], timeout=20)
            assert c.acks[held]["t"] == at == c.acks[held]["at"]
            # after the end of the drill: refused with a reason
            after = await c.send("order", op="recall", args={"unit": "m1"}, at=500.0)
            await _until(lambda: after not in c.unacked)
            after_end = next(r for r in c.rejects if r["seq"] == after)
            # not a finite minute (Python's json reads NaN): refused
            nan = c.next_seq
            c.next_seq += 1
            await c.ws.send(json.dumps(msg("order", token=c.token, seq=nan, op="recall", args={"unit": "m1"},
                                           at=float("nan"))))
            await _until(lambda: any(r["seq"] == nan for r in c.rejects))
            bad = next(r for r in c.rejects if r["seq"] == nan)
            # a message held when the drill is stopped never runs: its sender is told
            last = await c.send("order", op="close_shelter", args={"shelter": "sh1"}, at=c.view.sim_now() + 150)
            await _until(lambda: last in c.held)
            s.call(s.server.stop)
            await reader
            return c, (now, late, held), after_end, bad, last

        c, seqs, after_end, bad, last = asyncio.run(main())
    assert after_end["code"] == "after_end" and "200" in after_end["reason"]["en"]
    assert bad["code"] == "schema"
    over = next(r for r in c.rejects if r["seq"] == last)
    assert over["code"] == "over" and "before minute" in over["reason"]["en"]
    assert s.server.scheduled_unrun == 1
    for m in seen:
        assert check_server(m) == [], m
    with Archive.open(tmp_path / "net.drill") as arc:
        inputs = [i for i in arc.inputs() if i.kind == "order"]
        assert [i.data["op"] for i in inputs] == ["set_response_level", "open_shelter", "issue_warning"]
        assert [i.t for i in inputs] == [c.acks[k]["t"] for k in seqs]
        res = verify(arc)
        assert res.ok, res.divergence.describe() if res.divergence else res.chain.message


def test_scripted_seat_with_an_older_server_is_never_early(tmp_path, monkeypatch):
    """A server without ``at`` (no ``features`` in its welcome): the seat waits until the server
    reports its clock has reached the entry's minute, then sends it (late by up to about a wall
    second, never early)."""
    monkeypatch.setattr(server_mod, "FEATURES", ())
    script = [Script(k, Input(t, "order", {"op": "set_response_level", "by": "county_hq", "args": {"level": lv}}))
              for k, (t, lv) in enumerate([(6.0, "IV"), (9.0, "III"), (12.0, "II")], start=1)]
    with ServerThread(tmp_path, until=16, speed=3) as s:
        async def main():
            c = SeatClient(s.url, s.code("county_hq"))
            w = await c.join()
            assert w["features"] == [] and not c.timed
            missing = await play(c, script)
            return c, missing

        c, missing = asyncio.run(main())
    assert missing == []
    assert all("at" not in c.acks[e.seq] for e in script)
    assert all(c.acks[e.seq]["t"] >= e.inp.t for e in script)
    with Archive.open(tmp_path / "net.drill") as arc:
        times = [i.t for i in arc.inputs() if i.kind == "order"]
    assert [t >= e.inp.t for t, e in zip(times, script, strict=True)] == [True] * 3


def test_clock_estimate_does_not_jump_ahead_on_events(monkeypatch):
    """The QA run's cause: an ``events`` message moved the seat's clock to the server's time but
    kept the wall time of the last ``clock`` message, so the estimate ran up to a second ahead."""
    wall = [100.0]
    monkeypatch.setattr("drillsim.net.client.time.monotonic", lambda: wall[0])
    c = SeatClient("ws://127.0.0.1:9", "code")
    c._on({"v": 1, "type": "clock", "t": 10.0, "paused": False, "speed": 2.0})
    wall[0] = 100.5
    c._on({"v": 1, "type": "events", "t": 11.0, "catchup": False, "events": []})
    assert c.view.sim_now() == 11.0  # was 12.0
    wall[0] = 100.75
    assert c.view.sim_now() == 11.5


def test_scripted_seat_sends_at_most_ten_ahead(tmp_path):
    """The 5 s lead at 10 sim minutes per wall second covers 50 minutes: 20 entries of a script
    with one every 2.5 minutes. At most 10 go out ahead (held by the server), so the lead never
    adds a burst for the rate limit (5/s, bursts of 20) to refuse; all run at their minutes."""
    script = [Script(k, Input(k * 2.5, "order", {"op": "set_response_level", "by": "county_hq",
                                                 "args": {"level": "IV" if k % 2 else "III"}}))
              for k in range(1, 31)]
    with ServerThread(tmp_path, until=80, speed=10, start_paused=True) as s:
        async def main():
            d = SeatClient(s.url, s.code("director"))
            await d.join()
            c = SeatClient(s.url, s.code("county_hq"))
            await c.join()
            player = asyncio.create_task(play(c, script))
            await _until(lambda: len(c.held) == 10)  # paused at minute 0: ten sent ahead and held
            await asyncio.sleep(0.3)
            assert len(c.unacked) == 10
            await d.send("director", action="resume")
            dr = asyncio.create_task(d.run())
            missing = await player
            await dr
            return c, missing

        c, missing = asyncio.run(main())
    assert c.rejects == []
    assert missing == []
    assert [(c.acks[e.seq]["t"], c.acks[e.seq]["at"]) for e in script] == [(e.inp.t, e.inp.t) for e in script]
