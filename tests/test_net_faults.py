"""Faults on loopback: a seat's connection cut (in process) or its process killed (CLI), then
rejoining with its code: the drill pauses for a key seat and resumes when it is back, the seat
gets its current view again, and no acknowledged order is lost or applied twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from net_support import SCENARIO, ServerThread, json_line
from net_support import until as _until

from drillsim.net.client import SeatClient
from drillsim.record.archive import Archive
from drillsim.record.rerun import verify

ROOT = Path(__file__).resolve().parent.parent



def _connected(director: SeatClient, seat: str) -> bool | None:
    st = director.view.status
    if st is None:
        return None
    return next(x["connected"] for x in st["seats"] if x["id"] == seat)


def test_cut_seat_rejoins_resumes_view_and_loses_no_acknowledged_order(tmp_path):
    with ServerThread(tmp_path, until=5000, speed=5, pause_on_drop=("county_hq",)) as s:
        async def main():
            d = SeatClient(s.url, s.code("director"))
            await d.join()
            dr = asyncio.create_task(d.run())
            c = SeatClient(s.url, s.code("county_hq"))
            await c.join()
            cr = asyncio.create_task(c.run())
            await _until(lambda: _connected(d, "county_hq") is True)
            first = [await c.order("set_response_level", level="IV"),
                     await c.order("issue_warning", color="blue", communities="all"),
                     await c.order("open_shelter", shelter="sh1")]
            await c.wait_acked(first)
            # acknowledged means committed: a separate reader already sees them in the archive
            with Archive.open(tmp_path / "net.drill") as arc:
                committed = [i.data["op"] for i in arc.inputs() if i.kind == "order"]
            assert committed == ["set_response_level", "issue_warning", "open_shelter"]
            events_before = len(c.view.events)
            # one more order, then the network is cut before its ack can arrive
            last = await c.order("request_support", to="city_hq", units=["a1"])
            c.ws.transport.abort()
            await _until(lambda: d.view.paused and _connected(d, "county_hq") is False)
            paused_at = d.view.t
            # the same app reconnects by itself, learns what was recorded, resends only the rest
            await _until(lambda: c.joined.is_set() and not c.unacked and _connected(d, "county_hq") is True)
            await _until(lambda: not d.view.paused)
            assert c.welcome["rejoin"] is True and c.welcome["last_seq"] in (first[-1], last)
            assert len(c.view.events) >= events_before  # the current view came back with the rejoin
            assert any(e["type"] == "order.accepted" and e["data"]["op"] == "open_shelter"
                       for e in c.view.events.values())
            # a restarted app (a new client with the same code) resumes after the last recorded seq
            c2 = SeatClient(s.url, s.code("county_hq"))
            w = await c2.join()
            assert w["last_seq"] == last and c2.next_seq == last + 1
            c2r = asyncio.create_task(c2.run())
            await _until(lambda: c.ws is None or c.rejects)  # the old connection was replaced
            nxt = await c2.order("close_shelter", shelter="sh1")
            await c2.wait_acked([nxt])
            for task, cl in ((c2r, c2), (dr, d)):
                await cl.close()
                await task
            cr.cancel()
            return paused_at

        paused_at = asyncio.run(main())
        s.stop()
    with Archive.open(tmp_path / "net.drill") as arc:
        inputs = arc.inputs()
        ops = [i.data["op"] for i in inputs if i.kind == "order"]
        assert ops == ["set_response_level", "issue_warning", "open_shelter", "request_support", "close_shelter"]
        pauses = [i.data for i in inputs if i.kind == "director"]
        assert {"action": "pause", "reason": "seat_dropped", "seat": "county_hq"} in pauses
        assert {"action": "resume", "reason": "seat_rejoined", "seat": "county_hq"} in pauses
        drop = next(e for e in arc.events() if e.type == "director.pause")
        assert abs(drop.t - paused_at) < 1.0
        res = verify(arc)
        assert res.ok, res.divergence.describe() if res.divergence else res.chain.message


def _cli(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DRILLSIM_LANG": "en"}
    return subprocess.Popen([sys.executable, "-m", "drillsim.cli.main", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, cwd=ROOT, **kw)


@pytest.mark.slow
def test_killed_seat_process_restarts_without_losing_or_repeating_orders(tmp_path):
    orders = tmp_path / "county.orders.yaml"
    orders.write_text("orders:\n"
                      "  - {t: 0, by: county_hq, op: set_response_level, level: IV}\n"
                      "  - {t: 0, by: town_w, op: open_shelter, shelter: sh1}\n"
                      "  - {t: 20, by: county_hq, op: issue_warning, color: blue, communities: all}\n"
                      "  - {t: 21, by: county_hq, op: open_shelter, shelter: sh1}\n"
                      "  - {t: 22, by: county_hq, op: request_support, to: city_hq, units: [a1]}\n", encoding="utf-8")
    archive = tmp_path / "cli.drill"
    serve = _cli("serve", str(SCENARIO), "--port", "0", "--speed", "4", "--until", "3000", "--record", str(archive),
                 "--json", "--pause-on-drop", "county_hq")
    try:
        ready = json_line(serve, lambda m: m.get("type") == "ready")
        target, code = ready["target"], ready["codes"]["county_hq"]
        seat = _cli("seat", target, "--code", code, "--orders", str(orders), "--json")
        ack = json_line(seat, lambda m: m.get("type") == "ack")
        assert ack["seq"] == 1 and ack["accepted"] is True
        seat.send_signal(signal.SIGKILL)  # the app is killed: no goodbye
        seat.wait(10)
        json_line(serve, lambda m: "paused" in str(m.get("message")))
        again = _cli("seat", target, "--code", code, "--orders", str(orders), "--json", "--leave-when-done")
        out, err = again.communicate(timeout=60)
        assert again.returncode == 0, err
        lines = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
        welcome = next(m for m in lines if m["type"] == "welcome")
        last = welcome["last_seq"]  # what the server recorded from the killed process (at least #1)
        assert welcome["rejoin"] is True and last >= 1
        held = welcome["scheduled"]  # sent by the killed process for later minutes: the server still holds them
        mine = [1, 3, 4, 5]  # entry 2 is town_w's
        assert set(held) <= {3, 4, 5} and all(k <= last for k in held)
        assert [m["seq"] for m in lines if m["type"] == "already_recorded"] == [k for k in mine
                                                                                if k <= last and k not in held]
        assert [m["seq"] for m in lines if m["type"] == "already_scheduled"] == held
        assert sorted(m["seq"] for m in lines if m["type"] == "ack") == [k for k in mine if k > last or k in held]
        assert any(m["type"] == "skipped" and m["by"] == "town_w" for m in lines)
    finally:
        serve.send_signal(signal.SIGTERM)
        out, err = serve.communicate(timeout=30)
    assert serve.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["orders_acked"] == 4
    with Archive.open(archive) as arc:
        orders = [i for i in arc.inputs() if i.kind == "order"]
        ops = [(i.data["by"], i.data["op"]) for i in orders]
        assert ops == [("county_hq", "set_response_level"), ("county_hq", "issue_warning"),
                       ("county_hq", "open_shelter"), ("county_hq", "request_support")]
        # the timed entries ran at exactly their minutes, whichever process sent them
        assert [i.t for i in orders[1:]] == [20.0, 21.0, 22.0]
        assert arc.meta["digest"] == result["digest"]
    from drillsim.cli.main import main

    assert main(["verify", str(archive)]) == 0
