"""Reference data shipped in resources/data: unit types, road classes, task parameters."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from drillsim.core.paths import resources


@cache
def load_data(name: str) -> dict[str, Any]:
    """Load resources/data/NAME.yaml (cached; treat the result as read-only)."""
    with open(resources("data", f"{name}.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def unit_types() -> dict[str, Any]:
    return load_data("unit_types")


def unit_type_id(value: str) -> str | None:
    """Map a type given as id (``fire_rescue``) or Chinese name (``综合消防救援``) to its id."""
    types = unit_types()
    if value in types:
        return value
    for tid, t in types.items():
        if value in (t["name"]["zh"], t["name"]["en"]):
            return tid
    return None


def road_classes() -> dict[str, Any]:
    return load_data("roads")["road_classes"]


def vehicles() -> dict[str, Any]:
    return load_data("roads")["vehicles"]


def task_params() -> dict[str, Any]:
    return load_data("tasks")
