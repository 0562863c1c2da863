"""Networked drill on loopback: several seats at once, own views with report delays,
authority, and the archive re-running to the networked drill's digest."""

from __future__ import annotations

import asyncio
import json

from net_support import ServerThread
from net_support import until as _until

from drillsim.net.client import SeatClient
from drillsim.net.protocol import check_server
from drillsim.record.archive import Archive
from drillsim.record.rerun import verify
from drillsim.record.seat_replay import seat_view_at


def test_several_seats_own_views_authority_and_replayed_digest(tmp_path, capsys):
    seen_types: list[dict] = []
    with ServerThread(tmp_path, until=60, speed=40, start_paused=True) as s:
        async def main():
            ids = ("county_hq", "town_e", "town_w", "director")
            cl = {i: SeatClient(s.url, s.code(i), on_message=seen_types.append) for i in ids}
            for c in cl.values():
                w = await c.join()
                assert w["seat"] in ids and w["last_seq"] == 0 and w["paused"] is True
            readers = [asyncio.create_task(c.run()) for c in cl.values()]
            # every seat starts with only its own units and depots
            assert [u["id"] for u in cl["town_w"].view.state["units"]] == ["truck"]
            assert sorted(u["id"] for u in cl["town_e"].view.state["units"]) == ["f1-1", "f1-2"]
            assert list(cl["county_hq"].view.state["supplies"]) == ["dep_c"]
            assert cl["town_w"].view.state["supplies"] == {}
            assert len(cl["director"].view.state["units"]) == 5
            await cl["director"].send("director", action="resume")
            await _until(lambda: cl["county_hq"].view.sim_now() >= 8)
            a = await cl["county_hq"].order("set_response_level", level="IV")
            b = await cl["town_e"].order("set_response_level", level="II")       # above a township's authority
            c = await cl["town_w"].order("dispatch", unit="f1-1", task="i1/rescue")  # a sibling's unit
            r = await cl["town_w"].order("request_support", to="county_hq", units=["m1"])
            for x in cl.values():
                await x.wait_acked()
            ok = await cl["county_hq"].order("approve_request", request="req1")
            await cl["county_hq"].wait_acked()
            await cl["director"].send("note", text="东镇越权调派被拒 / East town order refused", seat="town_w")
            await cl["director"].wait_acked()
            await asyncio.gather(*readers)
            return cl, (a, b, c, r, ok)

        cl, (a, b, c, r, ok) = asyncio.run(main())
        result = s.wait_end()
    acks = {k: v.acks for k, v in cl.items()}
    assert acks["county_hq"][a]["accepted"] is True
    refused = acks["town_e"][b]
    assert refused["accepted"] is False and "市" in refused["reason"]["zh"] and "level II" in refused["reason"]["en"]
    foreign = acks["town_w"][c]
    assert foreign["accepted"] is False and "town_e" in foreign["reason"]["en"]
    assert acks["town_w"][r]["accepted"] is True and acks["county_hq"][ok]["accepted"] is True
    # the grant shows up in the requesting seat's own view
    assert sorted(u["id"] for u in cl["town_w"].view.state["units"]) == ["m1", "truck"]
    for m in seen_types:
        assert check_server(m) == [], m
    # views: a sibling's orders never reach a seat; the county above sees them
    def orders_by(seat, who):
        return [e for e in cl[seat].view.events.values() if e["type"].startswith("order.") and e["data"].get("by") == who]
    assert orders_by("town_e", "town_w") == []
    assert len(orders_by("county_hq", "town_w")) == 2
    assert orders_by("town_w", "town_w") and orders_by("town_e", "town_e")
    # reports climb the chain with a delay per level: village -> township 15 min, township -> county 20 min
    with Archive.open(tmp_path / "net.drill") as arc:
        i1 = next(e for e in arc.events() if e.type == "incident.new" and e.data["id"] == "i1")
        assert cl["town_e"].view.learned[i1.seq] >= i1.t + 15 - 1e-6
        assert cl["county_hq"].view.learned[i1.seq] >= i1.t + 35 - 1e-6
        assert cl["director"].view.learned[i1.seq] < i1.t + 5  # at once (within a clock slice)
        # each seat got exactly what replay --seat shows for it (the same filter)
        for seat in ("county_hq", "town_e", "town_w"):
            want = [e["seq"] for e in seat_view_at(arc, seat)["events"]]
            assert sorted(cl[seat].view.events) == sorted(want), seat
        assert sorted(cl["director"].view.events) == list(range(arc.event_count))
        # every seat's inputs are in the archive, at the sim time the server took them
        inputs = [i for i in arc.inputs() if i.kind == "order"]
        assert [(i.data["by"], i.data["op"]) for i in inputs] == [
            ("county_hq", "set_response_level"), ("town_e", "set_response_level"), ("town_w", "dispatch"),
            ("town_w", "request_support"), ("county_hq", "approve_request")]
        assert inputs[0].t == acks["county_hq"][a]["t"]
        # the archive re-runs to the networked drill's digest
        assert arc.meta["digest"] == result["digest"]
        res = verify(arc)
        assert res.ok, res.divergence.describe() if res.divergence else res.chain.message
        assert res.rerun_events == result["events"]
    # the command line shows the same seat view
    from drillsim.cli.main import main

    capsys.readouterr()
    assert main(["replay", str(tmp_path / "net.drill"), "--seat", "town_w", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert sorted(e["seq"] for e in shown["events"]) == sorted(cl["town_w"].view.events)
    assert [u["id"] for u in shown["state"]["units"]] == ["m1", "truck"]


def test_serving_an_archive_continues_that_drill(tmp_path):
    """drillsim serve A.drill: the recorded drill is re-run to its end and goes on live, into a new
    archive whose parent is the old one; the new one re-runs to its own digest."""
    async def one(url: str, code: str, op: str, **args) -> dict:
        c = SeatClient(url, code)
        await c.join()
        reader = asyncio.create_task(c.run())
        seq = await c.order(op, **args)
        await c.wait_acked([seq], timeout=10)
        await reader  # to the end of the drill
        return c.acks[seq]

    with ServerThread(tmp_path, until=20, speed=20, start_paused=True) as s:
        s.call(s.server.control, "resume")
        first = asyncio.run(one(s.url, s.code("county_hq"), "set_response_level", level="IV"))
        s.wait_end()
    assert first["accepted"] is True
    with ServerThread(tmp_path, source=tmp_path / "net.drill", until=40, speed=20, name="more.drill") as s:
        assert s.drill.session.now >= 20 - 1e-6  # picked up where the recording ended
        more = asyncio.run(one(s.url, s.code("town_e"), "set_response_level", level="III"))
        result = s.wait_end()
    assert more["accepted"] is False  # a township may not declare level III
    with Archive.open(tmp_path / "more.drill") as arc:
        assert arc.meta["parent"] == str((tmp_path / "net.drill").resolve())
        orders = [(i.data["by"], i.data["op"]) for i in arc.inputs() if i.kind == "order"]
        assert orders == [("county_hq", "set_response_level"), ("town_e", "set_response_level")]
        res = verify(arc)
        assert res.ok and arc.meta["digest"] == result["digest"]
