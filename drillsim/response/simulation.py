"""A drill's simulation: world + hazards + units + supplies + tasks on one SimPy clock.

This is the engine every front end drives: ``drillsim run`` runs it to the end,
the exercise session and the GUI advance it in slices with :meth:`run_until`.
Inputs (scenario, seed, timed orders) fully determine the event stream.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy

from drillsim.core.events import Event, EventStream
from drillsim.core.rng import RandomStreams
from drillsim.hazards.base import Hazard, HazardContext
from drillsim.hazards.chains import ChainWatcher
from drillsim.hazards.registry import build_hazard
from drillsim.response.board import TaskBoard
from drillsim.response.dispatcher import Dispatcher
from drillsim.response.displaced import DisplacedPeople
from drillsim.response.jobs import UNREACHABLE, Jobs
from drillsim.response.kpis import KpiTracker
from drillsim.response.orders import Orders
from drillsim.response.supplies import SupplySystem
from drillsim.response.units import Unit
from drillsim.scenario.maps import MapData
from drillsim.scenario.model import Place, Scenario
from drillsim.world.world import World


class Simulation:
    def __init__(self, scenario: Scenario, seed: int | None = None, auto_dispatch: bool = True,
                 map_data: MapData | None = None, auto_shelters: bool | None = None) -> None:
        self.scenario = scenario
        self.seed = scenario.meta.seed if seed is None else int(seed)
        self.env = simpy.Environment()
        self.events = EventStream()
        self.rng = RandomStreams(self.seed)
        self.map = map_data or scenario.map.load()
        self.world = World(self.map, scenario, self.events, now=lambda: self.env.now, rng=self.rng)
        self.kpis = KpiTracker(self)
        self.board = TaskBoard(self)
        self.supplies = SupplySystem(self)
        self.dispatcher = Dispatcher(self, enabled=auto_dispatch)
        self.jobs = Jobs(self)
        self.displaced = DisplacedPeople(self)
        self.orders = Orders(self)
        self.units: dict[str, Unit] = {}
        self.duration = scenario.meta.duration_min
        self.auto_shelters = auto_dispatch if auto_shelters is None else auto_shelters
        """Open shelters on demand when no trainee decides it (pure auto runs)."""
        self.events.subscribe(self._on_event)
        self.events.emit(0.0, "sim.start", scenario=scenario.meta.name, seed=self.seed,
                         auto_dispatch=auto_dispatch, auto_shelters=self.auto_shelters,
                         units=len(scenario.units), duration_min=self.duration)
        for spec in scenario.units:
            self.units[spec.id] = Unit(spec, self)
        self.hazard_ctx = HazardContext(self.env, self.world, self.events)
        self.hazards: dict[str, Hazard] = {}
        for spec in scenario.hazards:
            h = build_hazard(spec, self.hazard_ctx)
            self.hazards[h.id] = h
        self.hazard_ctx.hazards = self.hazards
        for h in self.hazards.values():
            h.schedule()
        ChainWatcher(self.hazard_ctx, self.hazards)
        for inc in scenario.incidents:
            self.env.process(self._incident_at(inc))
        self._ended = False

    # ------------------------------------------------------------------ clock
    @property
    def now(self) -> float:
        return float(self.env.now)

    def run_until(self, t: float) -> None:
        """Advance to sim minute ``t`` (no-op if ``t`` <= now; capped at the duration)."""
        t = min(float(t), self.duration)
        if t > self.env.now:
            self.env.run(until=t)
        if self.env.now >= self.duration and not self._ended:
            self._ended = True
            self.kpis.t = self.env.now  # utilisation up to the end, not the last event
            self.events.emit(self.env.now, "sim.end", kpis=self.kpis.summary())

    def run(self, progress: Callable[[float], None] | None = None, step: float = 60.0) -> None:
        """Run to the scenario's end, calling ``progress(now)`` every ``step`` sim minutes."""
        while self.env.now < self.duration:
            self.run_until(min(self.duration, self.env.now + step))
            if progress:
                progress(self.env.now)
        self.run_until(self.duration)

    def at(self, t: float, action: Callable[[], Any]) -> None:
        """Run ``action`` at sim minute ``t`` (an order or inject given ahead of time)."""
        def waiter() -> Generator:
            yield self.env.timeout(max(0.0, t - self.env.now))
            action()

        self.env.process(waiter())

    # ------------------------------------------------------------------ internals
    def _incident_at(self, inc) -> Generator:
        yield self.env.timeout(inc.start_min)
        self.events.emit(self.env.now, "incident.new", id=inc.id, name=inc.name,
                         at=list(inc.at) if inc.at else None, place=inc.place, needs=inc.needs,
                         priority=inc.priority, cause="scenario")

    def _on_event(self, ev: Event) -> None:
        if ev.type == "incident.new":
            need = (ev.data.get("needs") or {}).get("shelter")
            if isinstance(need, dict):  # a report of displaced people (scenario or inject): say it as hazards do
                self.displaced.report(str(need.get("community")), int(need.get("people", 0)),
                                      cause=str(ev.data.get("cause", "")))
            inc = self.board.add_incident(ev.data)
            if inc is not None:
                for tid in inc.tasks:
                    self.dispatcher.task_added(self.board.tasks[tid])
        elif ev.type == "people.displaced":
            self.displaced.add(str(ev.data.get("place")), int(ev.data.get("people") or 0))
        elif ev.type == "shelter.opened":
            self.dispatcher.unblock("evacuate")
        elif ev.type == "road.state" and ev.data.get("status") == "open":
            self.dispatcher.unblock(None, reason=UNREACHABLE)
        elif ev.type == "road.state" and ev.data.get("status") != "open":
            idx = self.world.net.road_index
            roads = {idx[r] for r in ev.data["roads"] if r in idx}
            for u in self.units.values():
                u.road_closed(roads)

    # ------------------------------------------------------------------ helpers
    def places_by_time(self, unit: Unit, kind: str, need: int = 1,
                       exclude: set[str] | frozenset[str] = frozenset()) -> str | None:
        """The place of ``kind`` with room for ``need`` people nearest to the unit by travel time."""
        world = self.world
        if kind == "hospital":
            ok = [p.id for p in world.of_kind("hospital") if world.beds_free(p.id) >= min(need, 1)]
        else:
            ok = [p.id for p in world.of_kind("shelter") if world.shelter_free(p.id) >= min(need, 1)]
        ok = [p for p in ok if p not in exclude]
        if not ok:
            return None
        times = dict(zip(ok, world.router.times_from_nearest(
            unit.node, [world.node_of(p) for p in ok], unit.vehicle, unit.spec.ppe).tolist(), strict=True))
        best = min(ok, key=lambda pid: (times[pid], pid))
        return best if times[best] < float("inf") else None

    def openable_shelters(self) -> list[Place]:
        """Closed shelters with room that auto mode may open (not those closed by a decision)."""
        world = self.world
        return [p for p in world.of_kind("shelter")
                if not world.shelter_open[p.id] and p.capacity > world.occupancy[p.id]
                and p.id not in world.shelters_held_closed]

    def open_shelter_auto(self, pid: str) -> None:
        """Auto mode stands in for the trainee and opens a shelter."""
        self.world.shelter_open[pid] = True
        self.events.emit(self.env.now, "shelter.opened", place=pid, by="auto")

    def auto_open_shelter(self, unit: Unit) -> str | None:
        """Auto mode stands in for the trainee: open the closed shelter nearest to a unit by travel time."""
        world = self.world
        closed = [p.id for p in self.openable_shelters()]
        if not closed:
            return None
        times = dict(zip(closed, world.router.times_from_nearest(
            unit.node, [world.node_of(p) for p in closed], unit.vehicle, unit.spec.ppe).tolist(), strict=True))
        best = min(closed, key=lambda pid: (times[pid], pid))
        if not times[best] < float("inf"):
            return None
        self.open_shelter_auto(best)
        return best

    def state(self) -> dict[str, Any]:
        """JSON-able live state (units, incidents, world, hazards) for GUI and snapshots."""
        return {
            "t": self.now,
            "units": [u.state() for u in self.units.values()],
            "incidents": [
                {"id": i.id, "name": i.name, "at": list(i.at), "priority": i.priority,
                 "reported": i.reported, "first_response": i.first_response, "resolved": i.resolved,
                 "tasks": [self.board.tasks[t].summary() for t in i.tasks]}
                for i in self.board.incidents.values()],
            "world": self.world.snapshot(),
            "hazards": [h.summary(self.now) for h in self.hazards.values()],
        }
