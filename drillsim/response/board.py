"""The task board: incidents, their tasks, and when they were first reached and finished.

Every ``incident.new`` is a report; the board makes tasks from its needs. A report that gives
no task is not an incident (:mod:`drillsim.response.incidents`): it is not kept in
:attr:`TaskBoard.incidents`, which is what the GUI's queue, map and counts read.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from drillsim.response.incidents import is_incident, report_id
from drillsim.response.tasks import Incident, Task
from drillsim.scenario.model import text

if TYPE_CHECKING:
    from drillsim.response.simulation import Simulation
    from drillsim.response.units import Unit


class TaskBoard:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.incidents: dict[str, Incident] = {}
        """The incidents: reports that gave responders at least one task."""
        self.reports: set[str] = set()
        """Every report's id (as the board named it), incidents or not."""
        self.tasks: dict[str, Task] = {}
        self._closed: set[str] = set()
        self._open: dict[str, Task] = {}
        self._evacuation: dict[str, Task] = {}
        """The latest evacuate task per community (an older one was finished before it was made)."""
        self._clearing: dict[int, Task] = {}
        """The latest clear_road task per road (an older one was finished before it was made)."""

    def open_tasks(self) -> list[Task]:
        """Unfinished tasks in creation order (from a running index: no scan of finished ones)."""
        return [t for t in self._open.values() if t.open]

    # ------------------------------------------------------------------ creation
    def add_incident(self, data: dict[str, Any]) -> Incident | None:
        """Create an incident and its tasks from an ``incident.new`` payload (kept in :attr:`incidents`
        only if it gave a task)."""
        world = self.sim.world
        iid = report_id(data["id"], self.reports)
        at = data.get("at")
        place = data.get("place")
        if at is None and place in world.places:
            at = world.places[place].at
        if at is None:
            at = self._where(data.get("needs") or {})
        if at is None:
            self.sim.events.emit(self.sim.env.now, "incident.rejected", id=iid,
                                 reason={"zh": "事件缺少位置", "en": "incident has no location"})
            return None
        x, y = float(at[0]), float(at[1])
        node = world.node_of(place) if place in world.place_node else world.net.nearest_node(x, y)
        inc = Incident(iid, text(data.get("name", iid)), (x, y), node, self.sim.env.now,
                       int(data.get("priority", 3)), str(data.get("cause", "")),
                       place=place if place in world.places else None)
        self.reports.add(iid)
        now = self.sim.env.now
        for kind, need in (data.get("needs") or {}).items():
            task = self._task_for(inc, kind, need, now)
            if task is None:
                continue
            self.tasks[task.id] = self._open[task.id] = task
            inc.tasks.append(task.id)
            self.sim.events.emit(now, "task.new", task=task.id, incident=iid, kind=kind,
                                 quantity=None if math.isinf(task.quantity) else round(task.quantity, 4),
                                 priority=task.priority,
                                 at=[round(task.at[0], 1), round(task.at[1], 1)],
                                 items=task.items or None, road=None if task.road is None
                                 else world.net.road_ids[task.road], community=task.community)
            if kind == "deliver":
                for i, q in task.items.items():
                    self.sim.supplies.requested_total[i] = self.sim.supplies.requested_total.get(i, 0.0) + q
        if is_incident(inc.tasks):
            self.incidents[iid] = inc
        return inc

    def _where(self, needs: dict[str, Any]) -> tuple[float, float] | None:
        """A location implied by the needs (the road to clear, the community to evacuate)."""
        w = self.sim.world
        road = w.net.road_index.get(str(needs.get("clear_road")))
        if road is not None:
            return float(w.net.mid_x[road]), float(w.net.mid_y[road])
        ev = needs.get("evacuate")
        cid = ev.get("community") if isinstance(ev, dict) else ev
        if cid in w.places:
            return w.places[cid].at
        return None

    def _task_for(self, inc: Incident, kind: str, need: Any, now: float) -> Task | None:
        world = self.sim.world
        tid = f"{inc.id}/{kind}"
        base = dict(id=tid, kind=kind, incident=inc.id, node=inc.node, at=inc.at,
                    priority=inc.priority, created=now, origin=inc.place)
        if kind in ("rescue", "transport"):
            q = float(need)
            return Task(quantity=q, **base) if q > 0 else None
        if kind == "evacuate":
            if isinstance(need, dict):
                cid, people = need.get("community"), need.get("people")
                dest = need.get("shelter")
            else:
                cid, people, dest = str(need), None, None
            if cid not in world.residents:
                return None
            current = self._evacuation.get(cid)
            if current is not None and current.open:
                return None  # already being evacuated: one task per community
            q = float(people if people is not None else world.residents[cid])
            p = world.places[cid]
            base.update(node=world.node_of(cid), at=p.at)
            if q <= 0:
                return None
            task = self._evacuation[cid] = Task(quantity=q, community=cid, destination=dest, **base)
            return task
        if kind == "deliver":
            items = {str(k): float(v) for k, v in (need.get("items", need) if isinstance(need, dict) else {}).items()
                     if k not in ("items", "from", "to")}
            if isinstance(need, dict) and "items" in need:
                items = {str(k): float(v) for k, v in need["items"].items()}
            src = need.get("from") if isinstance(need, dict) else None
            dest = need.get("to") if isinstance(need, dict) else None
            if dest in world.places:
                base.update(node=world.node_of(dest), at=world.places[dest].at)
            q = self.sim.supplies.weight_t(items)
            return Task(quantity=q, items=dict(items), source=src, destination=dest, **base) if items else None
        if kind == "suppress":
            hid = need.get("hazard") if isinstance(need, dict) else str(need)
            h = self.sim.hazards.get(str(hid))
            if h is None or not hasattr(h, "suppress"):
                return None
            # open-ended: done when the fire is contained (quantity is fireline metres built)
            return Task(quantity=float("inf"), hazard=h.id, **base)
        if kind == "clear_road":
            road = world.net.road_index.get(str(need))
            if road is None:
                return None
            current = self._clearing.get(road)
            if current is not None and current.open:
                return None  # already being cleared: one task per road (its team reopens the road)
            a = int(world.net.u[road])
            base.update(node=a, at=(float(world.net.x[a]), float(world.net.y[a])))
            task = self._clearing[road] = Task(quantity=1.0, road=road, **base)
            return task
        return None

    # ------------------------------------------------------------------ progress
    def arrived(self, task: Task, unit: Unit) -> None:
        now = self.sim.env.now
        if task.first_arrival is None:
            task.first_arrival = now
            self.sim.events.emit(now, "task.first_response", task=task.id, unit=unit.id,
                                 minutes=round(now - task.created, 3))
        inc = self.incidents[task.incident]
        if inc.first_response is None:
            inc.first_response = now
            self.sim.events.emit(now, "incident.first_response", incident=inc.id, unit=unit.id,
                                 minutes=round(now - inc.reported, 3))

    def check_done(self, task: Task) -> None:
        if task.kind == "suppress" and task.finished is not None and task.id not in self._closed:
            self._closed.add(task.id)
            self._finish(task)
            return
        if task.open and task.done_qty >= task.quantity - 1e-9:
            task.finished = self.sim.env.now
            self._finish(task)

    def _finish(self, task: Task) -> None:
        now = self.sim.env.now
        self._open.pop(task.id, None)
        self.sim.events.emit(now, "task.done", task=task.id, kind=task.kind,
                             minutes=round(now - task.created, 3))
        inc = self.incidents[task.incident]
        if inc.resolved is None and all(not self.tasks[t].open for t in inc.tasks):
            inc.resolved = now
            self.sim.events.emit(now, "incident.resolved", incident=inc.id,
                                 minutes=round(now - inc.reported, 3))
