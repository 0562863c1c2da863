"""The response engine on a 10 x 10 grid city (500 m blocks, local roads at 25 km/h).

Travel time per block = 0.5 km / (25 km/h * vehicle factor) * 60 = 1.2 min / factor.
"""

from __future__ import annotations

import pytest

from drillsim.response.simulation import Simulation
from drillsim.scenario.model import IncidentSpec
from tests.helpers import grid_map, place, scenario

BLOCK_MIN = 0.5 / 25 * 60  # ordinary vehicle, local road


def _places():
    return [
        place("st1", "station", 0, 0),
        place("st2", "station", 4500, 4500),
        place("hos1", "hospital", 4500, 0, beds=50),
        place("sh1", "shelter", 0, 4500, capacity=1000),
        place("c1", "community", 2500, 2500, population=600),
        place("dep1", "depot", 500, 0, tier="县", stock={"tent": 100, "water": 500}),
    ]


def _inc(iid, x, y, needs, t=0.0, prio=2):
    return IncidentSpec(iid, {"zh": iid, "en": iid}, (x, y), None, t, prio, needs)


def _sim(incidents, units=None, auto=True, seed=1):
    units = units or [
        {"id": "f1", "type": "fire_rescue", "base": "st1", "size": 20, "vehicle": "ordinary"},
        {"id": "f2", "type": "fire_rescue", "base": "st2", "size": 20, "vehicle": "ordinary"},
    ]
    sc = scenario(_places(), units, incidents, seed=seed)
    return Simulation(sc, map_data=grid_map(), auto_dispatch=auto)


def test_nearest_unit_goes_and_arrives_after_route_time():
    sim = _sim([_inc("i1", 1000, 0, {"rescue": 3})])  # 3 people: one team is enough (tasks.yaml)
    sim.run_until(200)
    disp = sim.events.of_type("dispatch")
    assert [e.data["unit"] for e in disp] == ["f1"]  # st1 is 2 blocks away, st2 is 11
    arrive = [e for e in sim.events.of_type("unit.arrive") if e.data["unit"] == "f1"][0]
    assert arrive.t == pytest.approx(2 * BLOCK_MIN, rel=1e-6)
    # 3 people, 300 person-min each, team of 20, plus 15 min setup
    done = sim.events.of_type("task.done")[0]
    assert done.t == pytest.approx(2 * BLOCK_MIN + 15 + 3 * 300 / 20, rel=1e-6)


def test_same_inputs_same_digest_and_different_seed_same_without_randomness():
    a = _sim([_inc("i1", 1000, 0, {"rescue": 30}), _inc("i2", 3000, 3000, {"rescue": 10}, t=5)])
    b = _sim([_inc("i1", 1000, 0, {"rescue": 30}), _inc("i2", 3000, 3000, {"rescue": 10}, t=5)])
    a.run_until(600)
    b.run_until(600)
    assert a.events.digest == b.events.digest
    assert len(a.events) > 20


def test_units_share_a_large_rescue():
    sim = _sim([_inc("i1", 2500, 2500, {"rescue": 40})])
    sim.run_until(1440)
    assert {e.data["unit"] for e in sim.events.of_type("dispatch")} == {"f1", "f2"}
    prog = sim.events.of_type("task.progress")
    assert sum(e.data["amount"] for e in prog) == pytest.approx(40)
    assert sim.kpis.summary()["rescued"] == 40


def test_reroute_when_road_on_route_closes():
    # f1 drives from (0,0) to (4500,0) along the bottom row; close a road ahead mid-trip
    sim = _sim([_inc("i1", 4500, 0, {"rescue": 1})])
    sim.run_until(2.0)  # past the first block (1.2 min)
    u = sim.units["f1"]
    assert u.route is not None
    ahead = int(u.route.roads[-2])
    sim.world.set_roads([ahead], "closed", cause="test")
    sim.run_until(120)
    assert sim.events.of_type("unit.reroute"), "unit should re-route"
    arrive = [e for e in sim.events.of_type("unit.arrive") if e.data["unit"] == "f1"][0]
    assert arrive.t > 9 * BLOCK_MIN  # detour is longer than the straight 9 blocks
    assert sim.board.tasks["i1/rescue"].finished is not None


def test_transport_casualties_to_hospital_within_beds():
    units = [{"id": "amb", "type": "medical", "base": "st1", "size": 3, "capacity": {"people": 4}}]
    sim = _sim([_inc("i1", 2000, 2000, {"transport": 10})], units=units)
    sim.run_until(1440)
    admits = sim.events.of_type("hospital.admit")
    assert sum(e.data["people"] for e in admits) == 10
    assert [e.data["people"] for e in admits] == [4, 4, 2]
    assert sim.world.beds_used["hos1"] == 10


def test_evacuation_fills_shelter_up_to_capacity_then_blocks():
    units = [{"id": "bus", "type": "transport", "base": "st1", "size": 2, "capacity": {"people": 50, "cargo_t": 5}}]
    places = _places()
    places[3] = place("sh1", "shelter", 0, 4500, capacity=120)
    sc = scenario(places, units, [_inc("e1", 2500, 2500, {"evacuate": "c1"})])
    sim = Simulation(sc, map_data=grid_map())
    sim.run_until(1440)
    assert sim.world.occupancy["sh1"] == 120
    assert sim.events.of_type("task.blocked")


def test_deliver_supplies_from_depot():
    units = [{"id": "truck", "type": "transport", "base": "st1", "size": 4, "capacity": {"people": 0, "cargo_t": 2}}]
    sim = _sim([_inc("d1", 3000, 3000, {"deliver": {"tent": 50, "water": 100}})], units=units)
    sim.run_until(1440)
    # 50 tents * 30 kg + 100 water * 10 kg = 2.5 t -> two trips with a 2 t truck
    assert sim.world.stock["dep1"] == {"tent": 50, "water": 400}
    assert sim.board.tasks["d1/deliver"].finished is not None
    assert len(sim.events.of_type("supply.loaded")) == 2


def test_clear_road_reopens_it():
    sim = _sim([])
    sim.world.set_roads([5], "closed", cause="debris")
    sim.events.emit(0, "incident.new", id="cr", name="x", at=None, place=None,
                    needs={"clear_road": sim.world.net.road_ids[5]}, priority=1, cause="test")
    sim.run_until(600)
    assert sim.world.net.status[5] == "open"
    assert sim.kpis.summary()["roads_cleared"] == 1


def test_orders_validate_and_reject_with_reason():
    sim = _sim([_inc("i1", 1000, 0, {"rescue": 5}, t=0)], auto=False)
    sim.run_until(1)
    assert not sim.events.of_type("dispatch")  # no auto-dispatch
    bad = sim.orders.dispatch("nope", "i1/rescue")
    assert not bad and "no unit" in bad.reason["en"]
    ok = sim.orders.apply({"op": "dispatch", "unit": "f2", "task": "i1/rescue", "by": "county"})
    assert ok
    rej = sim.orders.apply({"op": "fly", "by": "x"})
    assert not rej
    assert [e.type for e in sim.events.of_type("order")] == ["order.rejected", "order.accepted", "order.rejected"]
    sim.run_until(600)
    assert sim.board.tasks["i1/rescue"].finished is not None


def test_recall_returns_unit_home_and_releases_task():
    sim = _sim([_inc("i1", 4500, 0, {"rescue": 50})], auto=False)
    sim.run_until(1)
    sim.orders.dispatch("f1", "i1/rescue")
    sim.run_until(5)
    sim.orders.recall("f1")
    sim.run_until(60)
    u = sim.units["f1"]
    assert u.status == "idle" and u.node == u.base_node
    assert sim.board.tasks["i1/rescue"].claimed == 0


def test_move_supplies_order_and_stock_shortage():
    units = [{"id": "truck", "type": "transport", "base": "st1", "size": 4, "capacity": {"cargo_t": 5}}]
    sim = _sim([], units=units, auto=False)
    assert not sim.orders.move_supplies({"tent": 1000}, to="sh1", **{"from": "dep1"})
    assert sim.orders.move_supplies({"tent": 20}, to="sh1", **{"from": "dep1"})
    task = [t for t in sim.board.tasks.values() if t.kind == "deliver"][0]
    sim.orders.dispatch("truck", task.id)
    sim.run_until(600)
    assert task.finished is not None
    assert sim.world.stock["dep1"]["tent"] == 80


def test_run_until_guards_past_times():
    sim = _sim([])
    sim.run_until(10)
    sim.run_until(5)  # no error
    assert sim.now == 10


def test_displaced_people_walk_to_open_shelters_only():
    places = _places() + [place("sh2", "shelter", 2500, 1000, capacity=100)]
    sc = scenario(places, [], [])
    sim = Simulation(sc, map_data=grid_map(), auto_dispatch=False)
    sim.events.emit(0, "incident.new", id="d", name="x", at=[2500, 2500], place="c1",
                    needs={"shelter": {"community": "c1", "people": 120}}, priority=2, cause="test")
    sim.run_until(60)
    assert sim.displaced.unsheltered() == 120  # every shelter is closed: nobody can go
    assert [(e.data["place"], e.data["people"]) for e in sim.events.of_type("people.displaced")] == [("c1", 120)]
    assert not sim.board.incidents and sim.kpis.summary()["incidents"] == 0  # walking to a shelter is no incident
    sim.orders.open_shelter("sh2")   # 1,500 m away; sh1 is 3.2 km away, beyond the 3 km walk
    sim.orders.open_shelter("sh1")
    sim.run_until(300)
    admits = [e for e in sim.events.of_type("shelter.admit") if e.data.get("on_foot")]
    assert [(e.data["place"], e.data["people"]) for e in admits] == [("sh2", 100)]
    walk = 1500 / (4000 / 60)  # 22.5 min at 4 km/h
    assert 60 + walk - 1e-6 <= admits[0].t <= 70 + walk + 1e-6
    assert sim.displaced.unsheltered() == 20  # sh2 is full and sh1 is out of walking reach
    assert sim.kpis.summary()["people_sheltered"] == 100
