"""Drill sessions: clock, inputs at their sim times, injects, authority, re-run determinism."""

from __future__ import annotations

from drillsim.exercise.inputs import Input
from drillsim.exercise.session import Session
from drillsim.response.simulation import Simulation
from drillsim.scenario.model import IncidentSpec
from tests.helpers import grid_map, place, scenario


def _scenario(injects=None, seats=None):
    places = [
        place("st1", "station", 0, 0), place("st2", "station", 4500, 4500),
        place("hos1", "hospital", 4500, 0, beds=50), place("sh1", "shelter", 0, 4500, capacity=1000),
        place("c1", "community", 2500, 2500, population=600),
        place("dep_r", "depot", 500, 0, tier="区", stock={"tent": 100}),
        place("dep_c", "depot", 1000, 0, tier="县", stock={"tent": 100}),
    ]
    units = [
        {"id": "f1", "type": "fire_rescue", "base": "st1", "size": 20, "owner": "county_hq"},
        {"id": "a1", "type": "army", "base": "st2", "size": 40, "owner": "army_cmd"},
        {"id": "truck", "type": "transport", "base": "st1", "size": 4, "capacity": {"cargo_t": 5},
         "owner": "county_hq"},
    ]
    incs = [IncidentSpec("i1", {"zh": "i1", "en": "i1"}, (2000, 2000), None, 5.0, 1, {"rescue": 20})]
    sc = scenario(places, units, incs)
    sc.seats = seats or [
        {"id": "region_hq", "level": "区"},
        {"id": "county_hq", "level": "县", "parent": "region_hq"},
        {"id": "army_cmd", "level": "市", "parent": "region_hq", "kind": "team", "played": False},
    ]
    sc.injects = injects or []
    return sc


def _session(sc, **kw):
    return Session(sc, sim=Simulation(sc, map_data=grid_map(), **kw))


def test_clock_pause_resume_speed_and_tick():
    s = _session(_scenario())
    assert s.paused and s.tick(10) == 0.0
    s.resume()
    s.set_speed(600)  # 600 sim seconds per wall second = 10 sim min per wall second
    assert s.tick(1.5) == 15.0 and s.now == 15.0
    s.pause()
    assert s.tick(5) == 0.0
    assert [e.type for e in s.events.of_type("director")] == ["director.resume", "director.speed", "director.pause"]


def test_county_cannot_dispatch_army_without_approved_request():
    s = _session(_scenario(), auto_dispatch=False)
    s.run_until(10)
    r = s.order("dispatch", by="county_hq", unit="a1", task="i1/rescue")
    assert not r and "request" in r.reason["en"]
    assert s.order("request_support", by="county_hq", to="army_cmd", units=["a1"])
    s.run_until(39)
    assert not s.order("dispatch", by="county_hq", unit="a1", task="i1/rescue")
    s.run_until(41)  # army seat is not played: auto-approved after 30 min
    assert s.events.of_type("support.approved")
    assert s.order("dispatch", by="county_hq", unit="a1", task="i1/rescue")


def test_region_stock_needs_request():
    s = _session(_scenario(), auto_dispatch=False)
    r = s.order("move_supplies", by="county_hq", items={"tent": 10}, to="sh1", **{"from": "dep_r"})
    assert not r and "region" not in r.reason["en"] or "区" in r.reason["zh"]
    assert s.order("move_supplies", by="county_hq", items={"tent": 10}, to="sh1", **{"from": "dep_c"})
    assert s.order("move_supplies", by="region_hq", items={"tent": 10}, to="sh1", **{"from": "dep_r"})


def test_inject_sent_answered_and_missed():
    injects = [
        {"id": "M1", "time_min": 20, "to": "county_hq", "message": {"zh": "需要预警", "en": "warn"},
         "expected_action": {"op": "issue_warning"}, "deadline_min": 30},
        {"id": "M2", "time_min": 30, "to": "county_hq", "message": "close road",
         "expected_action": {"op": "set_response_level"}, "deadline_min": 10,
         "effect": {"close_road": "r3"}},
    ]
    s = _session(_scenario(injects))
    s.run_until(25)
    assert s.msel.injects["M1"].status == "sent"
    assert s.order("issue_warning", by="county_hq", color="orange", communities=["c1"])
    assert s.msel.injects["M1"].status == "answered"
    s.run_until(60)
    assert s.msel.injects["M2"].status == "missed"
    assert s.sim.world.net.status[s.sim.world.net.road_index["r3"]] == "closed"
    received = s.events.of_type("warning.received")
    assert received and received[0].t == 25 + 10  # loudspeaker delay dominates
    assert received[0].data["people"] == round(600 * (1 - 0.1 * 0.15))


def test_director_fires_inject_early_and_it_does_not_fire_twice():
    injects = [{"id": "M1", "time_min": 100, "to": "county_hq", "message": "x"}]
    s = _session(_scenario(injects))
    s.run_until(10)
    assert s.fire_inject("M1")
    s.run_until(200)
    assert len(s.events.of_type("inject.sent")) == 1


def test_rerun_of_recorded_inputs_gives_identical_stream():
    injects = [{"id": "M1", "time_min": 15, "to": "county_hq", "message": "x",
                "effect": {"incident": {"id": "x1", "at": [3000, 500], "needs": {"rescue": 7}}}}]
    live = _session(_scenario(injects), auto_dispatch=False)
    live.run_until(7.3)
    live.order("dispatch", by="county_hq", unit="f1", task="i1/rescue")
    live.run_until(16)
    live.order("request_support", by="county_hq", to="army_cmd", units=["a1"])
    live.run_until(50)
    live.order("dispatch", by="county_hq", unit="a1", task="x1/rescue")
    live.adhoc_inject({"message": "bridge down", "effect": {"close_road": "r10"}})
    live.run_until(600)
    again = _session(_scenario(injects), auto_dispatch=False)
    again.replay_inputs(live.inputs, until=600)
    assert again.events.digest == live.events.digest
    # and an orders list given ahead of time (headless --orders) gives the same again
    ahead = Session(_scenario(injects), sim=Simulation(_scenario(injects), map_data=grid_map(), auto_dispatch=False),
                    inputs=[Input.from_dict(i.to_dict()) for i in live.inputs])
    ahead.run_until(600)
    assert ahead.events.digest == live.events.digest


def test_comms_down_seat_learns_late():
    injects = [{"id": "M1", "time_min": 1, "message": "断网", "effect": {"comms_down": "county_hq"}}]
    s = _session(_scenario(injects))
    s.run_until(30)
    inc = [e for e in s.events.events if e.type == "incident.new"][0]
    assert s.seats.visible_at("director", inc) == inc.t
    assert s.seats.visible_at("county_hq", inc) == 1 + 60  # fallback channel after 60 min
    assert inc not in s.seats.view("county_hq")
    assert inc in s.seats.view("director")


def test_evacuate_area_and_warn_a_town():
    sc = _scenario()
    sc.places.append(place("c2", "community", 3000, 3000, population=200, town="t9"))
    sc.places[4].attrs["town"] = "t9"
    s = _session(sc, auto_dispatch=False)
    assert s.order("issue_warning", by="county_hq", color="red", communities="t9")
    assert s.events.of_type("warning.issued")[0].data["communities"] == ["c1", "c2"]
    assert s.order("evacuate_area", by="county_hq", area="t9")
    assert sorted(t.community for t in s.sim.board.tasks.values() if t.kind == "evacuate") == ["c1", "c2"]
    r = s.order("evacuate_area", by="county_hq", area="nowhere")
    assert not r and "nowhere" in r.reason["en"]
