"""The contract every hazard follows.

A hazard is built from its scenario spec (one item of the scenario's ``hazards``
list, a dict with at least ``type``, ``id``, ``at`` [x, y] and ``start_min``) and a
:class:`HazardContext`. It offers:

- ``fields(x, y, t)``: the hazard's field values at a map point and sim minute,
  used by ``drillsim probe`` and GUI tooltips; pure (no world change).
- ``process()``: a SimPy generator started at ``start_min`` that changes the world
  through ``ctx.world`` (roads, place flags), reports what responders must do
  through ``ctx.incident(...)`` (which emits an ``incident.new`` event that the
  response layer turns into tasks; a report only counts as an incident when it does,
  see :mod:`drillsim.response.incidents`) and people who lost their homes through
  ``ctx.displaced(...)`` (a ``people.displaced`` event: they walk to open shelters
  themselves, which is not an incident).
- ``overlay(t)``: what the map draws (a grid or contours), JSON-able.
- ``summary(t)``: a small JSON-able dict for KPIs, replay and reports.

Hazards never import the response layer: they talk to it through events.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from drillsim.core.events import EventStream
from drillsim.world.world import World


@dataclass
class HazardContext:
    env: simpy.Environment
    world: World
    events: EventStream
    hazards: dict[str, Hazard] = field(default_factory=dict)
    """All hazards of the drill by id (chains look each other up here)."""

    def rng(self, name: str) -> np.random.Generator:
        return self.world.rng.get(name)

    def emit(self, type: str, /, **data: Any) -> None:
        self.events.emit(self.env.now, type, **data)

    def incident(self, id: str, name: dict[str, str], at: tuple[float, float], needs: dict[str, Any],
                 priority: int = 2, cause: str = "", place: str | None = None) -> None:
        """Report a new incident for the responders (rescue, transport, evacuate, ...)."""
        self.emit("incident.new", id=id, name=name, at=[float(at[0]), float(at[1])], needs=needs,
                  priority=priority, cause=cause, place=place)

    def displaced(self, place: str, people: int, cause: str = "") -> None:
        """Report ``people`` residents of ``place`` who lost their homes and need a public shelter.

        Not an incident: no unit goes to them; they walk to an open shelter on their own
        (:mod:`drillsim.response.displaced`) and the displacement KPIs count them.
        """
        if people > 0:
            self.emit("people.displaced", place=place, people=int(people), cause=cause)

    def trigger(self, hazard_id: str, cause: str) -> None:
        """Start a hazard declared with ``start: triggered`` (a chain, 灾害链)."""
        h = self.hazards.get(hazard_id)
        if h is not None and not h.started:
            h.start(cause)


class Hazard:
    type: str = ""

    def __init__(self, spec: dict[str, Any], ctx: HazardContext | None = None) -> None:
        self.spec = spec
        self.ctx = ctx
        self.id = str(spec.get("id", self.type))
        self.at = (float(spec["at"][0]), float(spec["at"][1])) if "at" in spec else (0.0, 0.0)
        start = spec.get("start_min", 0)
        self.triggered_only = start == "triggered"
        self.start_min = None if self.triggered_only else float(start)
        self.started = False
        self.started_at: float | None = None

    # -- lifecycle -----------------------------------------------------------
    def schedule(self) -> None:
        """Start the process at ``start_min`` (or wait for a trigger)."""
        if self.ctx is None or self.triggered_only:
            return
        env = self.ctx.env

        def waiter() -> Generator:
            yield env.timeout(max(0.0, self.start_min - env.now))
            if not self.started:
                self.start("scheduled")

        env.process(waiter())

    def start(self, cause: str) -> None:
        assert self.ctx is not None
        self.started = True
        self.started_at = self.ctx.env.now
        self.ctx.emit("hazard.started", id=self.id, hazard=self.type, at=list(self.at), cause=cause)
        self.ctx.env.process(self.process())

    def process(self) -> Generator:
        yield from ()

    # -- queries -------------------------------------------------------------
    def fields(self, x: float, y: float, t: float) -> dict[str, Any]:
        raise NotImplementedError

    def overlay(self, t: float) -> dict[str, Any]:
        return {}

    def map_cells(self, n: int) -> tuple[float, float, float, np.ndarray, np.ndarray] | None:
        """(x0, y0, cell, X, Y): centres of an n x n grid of square cells over the map, for overlays
        of fields computed anywhere (intensity, plume); None without a world."""
        if self.ctx is None:
            return None
        x0, y0, x1, y1 = self.ctx.world.map.bounds
        cell = max(x1 - x0, y1 - y0) / n
        X, Y = np.meshgrid(x0 + (np.arange(n) + 0.5) * cell, y0 + (np.arange(n) + 0.5) * cell)
        return x0, y0, cell, X, Y

    def summary(self, t: float) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "started": self.started}

    def info(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "at": list(self.at),
                "start_min": self.start_min if not self.triggered_only else "triggered"}
