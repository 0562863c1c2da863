"""Hazard types by name. Each hazard module registers itself here."""

from __future__ import annotations

from typing import Any

from drillsim.hazards.base import Hazard, HazardContext

HAZARD_TYPES: dict[str, type[Hazard]] = {}


def register(cls: type[Hazard]) -> type[Hazard]:
    HAZARD_TYPES[cls.type] = cls
    return cls


def _load_all() -> None:
    import importlib

    for mod in ("earthquake", "flood", "chemical", "wildfire"):
        try:
            importlib.import_module(f"drillsim.hazards.{mod}")
        except ModuleNotFoundError as e:
            if e.name != f"drillsim.hazards.{mod}":
                raise


def build_hazard(spec: dict[str, Any], ctx: HazardContext | None) -> Hazard:
    _load_all()
    cls = HAZARD_TYPES.get(str(spec.get("type")))
    if cls is None:
        raise ValueError(f"unknown hazard type {spec.get('type')!r}; known: {sorted(HAZARD_TYPES)}")
    return cls(spec, ctx)
