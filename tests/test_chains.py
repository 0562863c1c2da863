"""Hazard chains (灾害链): a declared trigger starts one hazard from another's field at a place."""

from __future__ import annotations

from typing import Any

from drillsim.hazards.base import Hazard
from drillsim.hazards.chains import condition_met
from drillsim.hazards.registry import HAZARD_TYPES, register
from drillsim.response.simulation import Simulation
from tests.helpers import grid_map, place, scenario


class Ramp(Hazard):
    """A test source whose field grows 1 unit per minute after it starts."""

    type = "test_ramp"

    def fields(self, x: float, y: float, t: float) -> dict[str, Any]:
        return {"level": t - (self.started_at or 0.0), "arrival_min": 30.0 if t >= 30 else None}


class Sink(Hazard):
    type = "test_sink"

    def fields(self, x: float, y: float, t: float) -> dict[str, Any]:
        return {}


def setup_module():
    register(Ramp)
    register(Sink)


def teardown_module():
    HAZARD_TYPES.pop("test_ramp", None)
    HAZARD_TYPES.pop("test_sink", None)


def _sim(trigger: dict[str, Any]) -> Simulation:
    hazards = [{"type": "test_ramp", "id": "src", "at": [0, 0], "start_min": 10},
               {"type": "test_sink", "id": "dst", "at": [0, 0], "start_min": "triggered", "trigger": trigger}]
    sc = scenario([place("p1", "plant", 1000, 1000), place("st", "station", 0, 0)], [], hazards=hazards)
    return Simulation(sc, map_data=grid_map())


def test_threshold_trigger_fires_when_the_source_field_crosses_it():
    sim = _sim({"by": "src", "place": "p1", "field": "level", ">=": 7})
    sim.run_until(60)
    chain = sim.events.of_type("hazard.chain")
    assert [(e.t, e.data["source"], e.data["target"]) for e in chain] == [(17.0, "src", "dst")]
    started = [e for e in sim.events.of_type("hazard.started") if e.data["id"] == "dst"]
    assert started and started[0].data["cause"] == "chain:src"


def test_reached_trigger_and_untriggered_hazard_stays_off():
    sim = _sim({"by": "src", "place": "p1", "field": "arrival_min", "reached": True})
    sim.run_until(29)
    assert not sim.hazards["dst"].started
    sim.run_until(31)
    assert sim.hazards["dst"].started


def test_condition_operators():
    assert condition_met({"field": "f", ">": 1, "<": 3}, {"f": 2})
    assert not condition_met({"field": "f", ">": 1, "<": 3}, {"f": 3})
    assert not condition_met({"field": "f"}, {"f": 3})  # no condition given: never fires
    assert not condition_met({"field": "f", ">=": 0}, {"f": None})
