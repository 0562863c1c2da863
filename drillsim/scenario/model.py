"""Scenario objects: what a drill starts from (format v1, see docs/scenario-format.md).

Coordinates are map metres (x east, y north) in the scenario's own projected system;
times are sim minutes from the scenario start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

LEVELS = ("区", "市", "县", "乡镇", "村")
"""The five command levels: region (自治区/省), city, county, township, village."""
LEVEL_EN = {"区": "region", "市": "city", "县": "county", "乡镇": "township", "村": "village"}
TIERS = ("区", "市", "县")
"""Supply reserve tiers (region / city / county hold 50 / 30 / 20 % of stock)."""

PLACE_KINDS = (
    "depot", "shelter", "hospital", "community", "plant", "forest", "reservoir",
    "command_post", "station",
)
"""Place kinds; ``station`` is a team's home base (fire station, barracks, ...)."""
PLACE_SECTIONS = {
    "depots": "depot", "shelters": "shelter", "hospitals": "hospital", "communities": "community",
    "plants": "plant", "forests": "forest", "reservoirs": "reservoir",
    "command_posts": "command_post", "stations": "station",
}

NEED_KINDS = ("rescue", "transport", "deliver", "clear_road", "evacuate", "shelter")

ORDER_OPS = ("dispatch", "move_supplies", "open_shelter", "close_shelter", "evacuate", "evacuate_area",
             "close_road", "open_road", "recall", "activate_contract", "start_production",
             "set_response_level", "issue_warning", "request_support", "approve_request")
"""Every order a trainee can give (docs/exercise.md); injects name one as their expected action."""

INJECT_KEYS = ("id", "time_min", "from", "to", "type", "delivery", "message", "expected_action", "expected",
               "deadline_min", "effect", "objective", "evaluator_notes", "controller", "name")
INJECT_EFFECTS = ("close_road", "open_road", "incident", "start_hazard", "trigger_hazard", "comms_down",
                  "comms_up", "shelter_full", "close_shelter")
SEAT_KEYS = ("id", "name", "level", "parent", "kind", "town", "played", "units", "depots")


def text(value: Any) -> dict[str, str]:
    """A bilingual text {zh, en}; a plain string is used for both."""
    if isinstance(value, dict):
        zh = str(value.get("zh") or value.get("en") or "")
        return {"zh": zh, "en": str(value.get("en") or zh)}
    return {"zh": str(value or ""), "en": str(value or "")}


@dataclass
class Place:
    id: str
    kind: str
    name: dict[str, str]
    at: tuple[float, float]
    capacity: int = 0
    """Shelter capacity (people) or hospital beds."""
    population: int = 0
    tier: str | None = None
    level: str | None = None
    stock: dict[str, float] = field(default_factory=dict)
    contracts: list[dict[str, Any]] = field(default_factory=list)
    production: list[dict[str, Any]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, kind: str, d: dict[str, Any]) -> Place:
        known = {"id", "name", "at", "capacity", "beds", "population", "tier", "level",
                 "stock", "contracts", "production"}
        return cls(
            id=str(d["id"]), kind=kind, name=text(d.get("name", d["id"])),
            at=(float(d["at"][0]), float(d["at"][1])),
            capacity=int(d.get("capacity", d.get("beds", 0)) or 0),
            population=int(d.get("population", 0) or 0),
            tier=d.get("tier"), level=d.get("level"),
            stock={str(k): float(v) for k, v in (d.get("stock") or {}).items()},
            contracts=list(d.get("contracts") or []),
            production=list(d.get("production") or []),
            attrs={k: v for k, v in d.items() if k not in known},
        )


@dataclass
class UnitSpec:
    id: str
    name: dict[str, str]
    type: str
    base: str
    size: int
    vehicle: str
    skills: list[str]
    capacity_people: int = 0
    capacity_cargo_t: float = 0.0
    owner: str = ""
    level: str = "县"
    ppe: bool = False
    """Has protective equipment: may enter chemical red zones."""


@dataclass
class Supply:
    id: str
    name: dict[str, str]
    unit: dict[str, str]
    weight_kg: float


@dataclass
class IncidentSpec:
    id: str
    name: dict[str, str]
    at: tuple[float, float] | None
    place: str | None
    start_min: float
    priority: int
    needs: dict[str, Any]


@dataclass
class MapSpec:
    builtin: str | None = "lanxi"
    graphml: Path | None = None
    dir: Path | None = None
    """A map folder written by ``drillsim map import`` (docs/maps.md)."""

    def load(self):
        """The map's :class:`~drillsim.scenario.maps.MapData`."""
        from drillsim.scenario.maps import load_map

        return load_map(self.builtin, self.graphml, self.dir)


@dataclass
class Meta:
    name: dict[str, str]
    description: dict[str, str]
    region: dict[str, str]
    start: datetime
    duration_min: float
    seed: int = 0


@dataclass
class Scenario:
    meta: Meta
    map: MapSpec
    places: list[Place]
    units: list[UnitSpec]
    supplies: dict[str, Supply]
    incidents: list[IncidentSpec]
    hazards: list[dict[str, Any]] = field(default_factory=list)
    injects: list[dict[str, Any]] = field(default_factory=list)
    seats: list[dict[str, Any]] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)
    checklists: list[dict[str, Any]] = field(default_factory=list)
    initial: dict[str, Any] = field(default_factory=dict)
    """Start state: open_shelters, closed_roads."""
    raw: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    text: str = ""

    @property
    def name(self) -> dict[str, str]:
        return self.meta.name
