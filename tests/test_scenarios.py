"""Every shipped scenario: valid, bilingual, a real MSEL, and its orders file is a sensible trainee's.

Each drill runs to the end with its orders file: no order may be refused (the file
shows correct use), the score must beat the auto-dispatcher alone (deciding well
matters), and the drill must exercise its hazard's effects on roads and people.
"""

from __future__ import annotations

from functools import cache

import pytest

from drillsim.core.paths import shipped_scenarios
from drillsim.exercise.order_file import load_orders
from drillsim.exercise.session import Session
from drillsim.scenario import load_scenario

SCENARIOS = shipped_scenarios()
IDS = [p.stem for p in SCENARIOS]


def test_at_least_one_scenario_per_hazard_and_a_chain():
    types = [{h["type"] for h in load_scenario(p).hazards} for p in SCENARIOS]
    for t in ("earthquake", "flood", "chemical", "wildfire"):
        assert any(t in s for s in types), f"no shipped {t} scenario"
    assert any(any(h.get("trigger") for h in load_scenario(p).hazards) for p in SCENARIOS)


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_bilingual_with_msel_and_orders_file(path):
    sc = load_scenario(path)
    for text in (sc.meta.name, sc.meta.description):
        assert text["zh"] and text["en"] and text["zh"] != text["en"]
    assert len(sc.injects) >= 5
    for inj in sc.injects:
        assert inj["message"]["zh"] and inj["message"]["en"]
    orders = path.with_name(path.stem + ".orders.yaml")
    assert orders.exists(), f"missing {orders.name}"
    assert load_orders(orders)


@cache
def _run(path, with_orders: bool):
    sc = load_scenario(path)
    inputs = load_orders(path.with_name(path.stem + ".orders.yaml")) if with_orders else []
    s = Session(sc, inputs=inputs)
    s.run(step=240)
    return s


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_orders_file_is_accepted_and_beats_auto_alone(path):
    trained = _run(path, True)
    rejected = trained.events.of_type("order.rejected")
    assert not rejected, [e.data for e in rejected]
    auto = _run(path, False)
    assert trained.kpis()["score"] > auto.kpis()["score"]


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_hazard_changes_roads_and_people(path):
    s = _run(path, True)
    k = s.kpis()
    assert s.events.of_type("road.state"), "the hazard never touched a road"
    assert k["incidents"] >= 2
    assert k["rescued"] + k["people_evacuated"] + k["casualties_transported"] > 0
    assert all(i.status != "ready" for i in s.msel.injects.values())
