"""People who lost their homes walk to shelters (避难安置) on their own.

A ``people.displaced`` event ``{place, people, cause}`` puts people on the street: a
hazard says it (an earthquake's residents of uninhabitable homes,
:meth:`drillsim.hazards.base.HazardContext.displaced`), and so does the simulation for a
scenario or inject incident with the need ``shelter: {community, people}``. Displaced
people are not an incident (no unit goes to them, :mod:`drillsim.response.incidents`);
the KPIs ``people_displaced`` / ``people_sheltered`` count them. Every ``check_min`` minutes
they walk to the nearest *open* shelter with room within ``max_walk_m`` straight-line
distance, at ``walk_speed_kmh``; those who find none wait unsheltered. So opening
shelters in time (and in the right places) is what brings them in — the decision the
drill tests. Parameters: resources/data/tasks.yaml ``shelter``.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING

from drillsim.scenario import catalog

if TYPE_CHECKING:
    from drillsim.response.simulation import Simulation


class DisplacedPeople:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.p = catalog.task_params()["shelter"]
        self.waiting: dict[str, int] = {}
        self._running = False

    def report(self, community: str, people: int, cause: str) -> None:
        """Say that ``people`` of ``community`` lost their homes (a ``people.displaced`` event, which :meth:`add`s them)."""
        if community not in self.sim.world.places or people <= 0:
            return
        self.sim.events.emit(self.sim.env.now, "people.displaced", place=community, people=int(people), cause=cause)

    def add(self, community: str, people: int) -> None:
        """Put ``people`` of ``community`` on the street (from a ``people.displaced`` event)."""
        if community not in self.sim.world.places or people <= 0:
            return
        self.waiting[community] = self.waiting.get(community, 0) + int(people)
        if not self._running:
            self._running = True
            self.sim.env.process(self._loop())

    def unsheltered(self) -> int:
        return sum(self.waiting.values())

    def _loop(self) -> Generator:
        while True:
            self._move()
            yield self.sim.env.timeout(float(self.p["check_min"]))

    def _move(self) -> None:
        world = self.sim.world
        reach = float(self.p["max_walk_m"])
        speed = float(self.p["walk_speed_kmh"]) * 1000.0 / 60.0  # m/min
        for cid in sorted(self.waiting):
            n = self.waiting[cid]
            if n <= 0:
                continue
            cx, cy = world.places[cid].at
            if self.sim.auto_shelters:
                self._auto_open(cx, cy, reach)
            options = sorted(
                (math.hypot(p.at[0] - cx, p.at[1] - cy), p.id) for p in world.of_kind("shelter")
                if world.shelter_free(p.id) > 0)
            for dist, sid in options:
                if dist > reach or n <= 0:
                    break
                k = min(n, world.shelter_free(sid))
                world.occupancy[sid] += k  # places are held now; people arrive after the walk
                n -= k
                self.sim.env.process(self._arrive(cid, sid, k, dist / speed))
            self.waiting[cid] = n

    def _auto_open(self, x: float, y: float, reach: float) -> None:
        """Auto mode stands in for the trainee: open the nearest closed shelter in reach if none has room."""
        world = self.sim.world
        shelters = world.of_kind("shelter")
        if any(world.shelter_free(p.id) > 0 and math.hypot(p.at[0] - x, p.at[1] - y) <= reach for p in shelters):
            return
        closed = sorted((math.hypot(p.at[0] - x, p.at[1] - y), p.id) for p in self.sim.openable_shelters())
        if closed and closed[0][0] <= reach:
            self.sim.open_shelter_auto(closed[0][1])

    def _arrive(self, cid: str, sid: str, people: int, minutes: float) -> Generator:
        yield self.sim.env.timeout(minutes)
        self.sim.events.emit(self.sim.env.now, "shelter.admit", place=sid, people=people, unit=None,
                             occupancy=self.sim.world.occupancy[sid], community=cid, on_foot=True)
