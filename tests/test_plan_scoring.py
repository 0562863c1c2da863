"""Plans (预案) and the score: level due from measured triggers, actions on time, weights."""

from __future__ import annotations

import pytest

from drillsim.exercise.scoring import score
from drillsim.exercise.session import Session
from drillsim.response.simulation import Simulation
from drillsim.scenario.model import IncidentSpec
from tests.helpers import grid_map, place, scenario

PLAN = {
    "raise_within_min": 30,
    "levels": {"IV": {"trapped": 1}, "III": {"affected": 500}},
    "actions": {"IV": [{"op": "issue_warning", "within_min": 20}],
                "III": [{"op": "open_shelter", "within_min": 15}]},
}


def _session(orders=()):
    places = [place("st1", "station", 0, 0), place("sh1", "shelter", 0, 4500, capacity=1000),
              place("c1", "community", 2500, 2500, population=600)]
    units = [{"id": "f1", "type": "fire_rescue", "base": "st1", "size": 20, "owner": "county_hq"}]
    incs = [IncidentSpec("i1", {"zh": "i", "en": "i"}, (2000, 2000), None, 5.0, 1, {"evacuate": "c1"})]
    sc = scenario(places, units, incs)
    sc.plan = PLAN
    sc.seats = [{"id": "county_hq", "level": "县"}]
    return Session(sc, sim=Simulation(sc, map_data=grid_map(), auto_shelters=False))


def test_level_due_and_actions_tracked_on_time_and_late():
    s = _session()
    s.run_until(6)
    due = s.events.of_type("plan.level_due")
    assert [(e.t, e.data["level"]) for e in due] == [(5.0, "III")]  # 600 to evacuate >= 500
    s.order("set_response_level", by="county_hq", level="III")
    s.run_until(10)
    s.order("issue_warning", by="county_hq", color="orange", communities=["c1"])
    s.run_until(40)  # open_shelter was due by 6 + 15 = 21
    s.order("open_shelter", by="county_hq", shelter="sh1")
    st = s.plan.status()
    assert st["level_due"] == "III" and st["level_on_time"] is True
    done = {a["op"]: a["on_time"] for a in st["actions"]}
    assert done == {"issue_warning": True, "open_shelter": False}
    k = s.kpis()
    assert k["response_level_on_time"] is True
    assert (k["plan_actions_done_on_time"], k["plan_actions_total"]) == (1, 2)
    assert k["score_components"]["plan"] == pytest.approx((1.0 + 0.5) / 2)


def test_score_weights_and_renormalisation():
    k = {"trapped": 10, "rescued_within_72h_share": 1.0, "first_response_min_mean": 15,
         "casualties_to_transport": 0, "people_to_evacuate": 0, "supplies_requested_t": 0}
    assert score(k)["score"] == 100.0  # only rescue applies: full marks
    k["first_response_min_mean"] = 120
    assert score(k)["score"] == 70.0  # 0.7 x share + 0.3 x speed(0)
    k.update(casualties_to_transport=10, casualties_transported=5)
    # rescue 0.7 (w 20) and medical 0.5 (w 10): (14 + 5) / 30
    assert score(k)["score"] == pytest.approx(100 * 19 / 30, abs=0.05)
    assert set(score(k)["components"]) == {"rescue", "medical"}
