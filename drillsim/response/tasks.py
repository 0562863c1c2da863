"""Incidents and the tasks they need (rescue, transport, deliver, clear_road, evacuate).

An incident is what happened somewhere; each of its needs becomes one task with a
quantity (people, casualties, tonnes of supplies, one road). Units *claim* parts of
a task's quantity before working on it, so several units can share one task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Task:
    id: str
    kind: str
    incident: str
    node: int
    at: tuple[float, float]
    priority: int
    quantity: float
    """People (rescue, transport, evacuate), tonnes (deliver) or 1 (clear_road)."""
    created: float
    items: dict[str, float] = field(default_factory=dict)
    """deliver: item -> quantity still to bring."""
    road: int | None = None
    community: str | None = None
    source: str | None = None
    """deliver: a depot to load from (move_supplies), else the nearest with stock."""
    origin: str | None = None
    """The place the incident is at (a hospital sending patients on, for instance)."""
    hazard: str | None = None
    """suppress: the hazard (fire) the crews fight."""
    destination: str | None = None
    """deliver/evacuate: a place to bring things or people to."""
    in_transit: dict[str, float] = field(default_factory=dict)
    """deliver: item -> quantity loaded or claimed by units on the way."""
    done_qty: float = 0.0
    claimed: float = 0.0
    units: set[str] = field(default_factory=set)
    first_arrival: float | None = None
    finished: float | None = None
    blocked_reason: str | None = None

    @property
    def open(self) -> bool:
        return self.finished is None

    @property
    def unclaimed(self) -> float:
        return max(0.0, self.quantity - self.done_qty - self.claimed)

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "incident": self.incident, "priority": self.priority,
                "quantity": None if self.quantity == float("inf") else self.quantity, "done": self.done_qty, "units": sorted(self.units),
                "open": self.open}


@dataclass
class Incident:
    id: str
    name: dict[str, str]
    at: tuple[float, float]
    node: int
    reported: float
    priority: int
    cause: str = ""
    place: str | None = None
    tasks: list[str] = field(default_factory=list)
    first_response: float | None = None
    resolved: float | None = None
