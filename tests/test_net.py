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


def _plain(payload: dict) -> str:
    """The map payload as text without its base64 arrays (which could spell anything)."""
    return json.dumps({**payload, "nodes": {}, "roads": {**payload["roads"], "u": "", "v": "", "class": ""}},
                      ensure_ascii=False)


def test_map_message_holds_only_what_a_player_may_see():
    """Boundary on a scenario with hazards and injects: roads, public places, the seat's own depots;
    no inject text, no hazard parameters, no units, no stock."""
    import yaml

    from drillsim.exercise.session import Session
    from drillsim.net.seatmap import MapAssembly, SeatMap, map_frames, map_payload
    from drillsim.scenario import load_scenario

    path = "scenarios/lanxi_earthquake.yaml"
    session = Session(load_scenario(path))
    sim = session.sim
    raw = yaml.safe_load(open(path, encoding="utf-8"))
    seats = {s.id: s.summary() for s in session.seats.seats.values()}
    own = set(seats["county_hq"]["depots"])
    payload = map_payload(sim, "county_hq", frozenset(own))
    text = _plain(payload)
    for inj in raw["injects"]:
        for lang in ("zh", "en"):
            msg_text = (inj.get("message") or {}).get(lang) if isinstance(inj.get("message"), dict) else inj.get("message")
            if msg_text:
                assert msg_text[:12] not in text, inj["id"]
        assert f'"{inj["id"]}"' not in text
    for h in raw["hazards"]:
        assert h["id"] not in text and h["name"]["zh"] not in text
        for key in ("magnitude", "depth_km", "strike_deg", "epicentre", "start_min"):
            assert f'"{key}"' not in text
    for u in sim.units.values():
        assert f'"{u.id}"' not in text
    assert '"stock"' not in text and '"units"' not in text
    depots = {p["id"] for p in payload["places"] if p["kind"] == "depot"}
    all_depots = {pid for pid, p in sim.world.places.items() if p.kind == "depot"}
    assert depots == own & all_depots and all_depots - own  # others' depots stay hidden
    shelters = {pid for pid, p in sim.world.places.items() if p.kind == "shelter"}
    assert shelters <= {p["id"] for p in payload["places"]}
    # the client rebuilds the same road network from the parts
    asm = MapAssembly()
    for part in map_frames(payload):
        asm.add(part)
    sm = SeatMap(asm.payload)
    net = sim.world.net
    assert sm.net.n_roads == net.n_roads and sm.net.road_ids == list(net.road_ids)
    assert (sm.net.x == net.x).all() and (sm.net.u == net.u).all() and (sm.net.bridge == net.bridge).all()
    assert [sm.net.class_names[c] for c in sm.net.road_class[:50]] == [net.class_names[c] for c in net.road_class[:50]]


def test_server_sends_each_seat_its_map_and_units_move_on_it(tmp_path):
    from drillsim.net.seatmap import PART_CHARS, SeatMap

    frames: dict[str, list[dict]] = {"town_w": [], "county_hq": []}
    with ServerThread(tmp_path, until=40, speed=20, start_paused=True) as s:
        net = s.drill.session.sim.world.net

        async def main():
            cl = {i: SeatClient(s.url, s.code(i), on_message=lambda m, i=i: frames[i].append(m)) for i in frames}
            for c in cl.values():
                await c.join()
                assert c.view.map is not None  # complete before the seat's first state
            readers = [asyncio.create_task(c.run()) for c in cl.values()]
            await cl["town_w"].order("dispatch", unit="truck", task="i1/transport")
            await cl["town_w"].wait_acked()
            s.call(s.server.control, "resume")
            await asyncio.gather(*readers)
            return cl

        cl = asyncio.run(main())
    for got in frames.values():
        kinds = [m["type"] for m in got]
        assert kinds.index("map") == 1 and kinds.index("view") > kinds.index("map")  # welcome, map, view
        parts = [m for m in got if m["type"] == "map"]
        assert all(check_server(m) == [] and len(m["data"]) <= PART_CHARS for m in parts)
    wmap, cmap = cl["town_w"].view.map, cl["county_hq"].view.map
    assert wmap["roads"]["n"] == net.n_roads == 180
    assert {p["id"] for p in wmap["places"]} == {"sh1", "hos1", "c1", "st1", "st2"}  # no county depot
    assert {p["id"] for p in cmap["places"]} == {"sh1", "hos1", "c1", "st1", "st2", "dep_c"}
    text = _plain(wmap)
    for word in ("需要预警", "Issue a warning", "桥梁受损", "f1-1", "m1", "a1", "truck", "tent"):
        assert word not in text, word
    # the seat's truck leaves its station: it moves along the route it was sent, between its view updates
    events = sorted(cl["town_w"].view.events.values(), key=lambda e: e["seq"])
    depart = next(e for e in events if e["type"] == "unit.depart" and e["data"]["unit"] == "truck")
    sm = SeatMap(wmap)
    for e in events:
        if e["seq"] <= depart["seq"]:  # on its first leg
            sm.observe(e)
    t0 = depart["t"]
    st = {"units": [{"id": "truck", "status": "enroute", "x": -1.0, "y": -1.0}]}
    leg = [sm.state_at(t0 + dt, st)["units"][0] for dt in (0.0, 0.5, 2.0)]
    start = int(depart["data"]["path"].partition(":")[0])
    assert (leg[0]["x"], leg[0]["y"]) == (round(net.x[start], 1), round(net.y[start], 1))
    assert len({(u["x"], u["y"]) for u in leg}) == 3
    for e in events:  # all it learned: it is back at a node the truck reached last
        sm.observe(e)
    last = max((e for e in events if e["type"].startswith("unit.") and e["data"].get("unit") == "truck"
                and e["type"] != "unit.status"), key=lambda e: e["seq"])
    if last["type"] == "unit.arrive":
        end = sm.state_at(last["t"] + 1, st)["units"][0]
        assert (end["x"], end["y"]) == (round(net.x[last["data"]["node"]], 1), round(net.y[last["data"]["node"]], 1))


def test_seat_whose_output_is_closed_stops_instead_of_rejoining(tmp_path):
    """`drillsim seat ... | head`: a closed stdout is not a network drop (it rejoined every 2 s)."""
    with ServerThread(tmp_path, until=60, speed=40) as s:
        armed = []

        def printer(m):
            if armed:
                raise BrokenPipeError

        async def main():
            c = SeatClient(s.url, s.code("county_hq"), on_message=printer)
            await c.join()
            armed.append(True)
            try:
                await asyncio.wait_for(c.run(), 10)  # before the fix: rejoins until the timeout
            except BrokenPipeError:
                return c
            raise AssertionError("the client went on after its output closed")

        c = asyncio.run(main())
        assert c.ended is None  # stopped mid-drill, at once
