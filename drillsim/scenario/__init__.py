"""Scenario layer: YAML -> validated :class:`Scenario` objects, and the maps they name."""

from drillsim.scenario.loader import load_scenario, load_scenario_text
from drillsim.scenario.model import Scenario

__all__ = ["Scenario", "load_scenario", "load_scenario_text"]
