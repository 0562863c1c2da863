"""The auto-dispatcher: stands in for the trainees when nobody is deciding.

Policy (documented in docs/models.md): when a task appears, send the nearest free
capable units by travel time until enough are on it (``tasks.yaml: dispatch``);
when a unit becomes free, give it the open task that minimises
``travel minutes + priority_penalty_min * (priority - 1)``. Searches are bounded
Dijkstra balls that grow until a candidate is found, so cost follows distance,
not map size.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from drillsim.scenario import catalog

if TYPE_CHECKING:
    from drillsim.response.simulation import Simulation
    from drillsim.response.tasks import Task
    from drillsim.response.units import Unit


class Dispatcher:
    def __init__(self, sim: Simulation, enabled: bool = True) -> None:
        self.sim = sim
        self.enabled = enabled
        p = catalog.task_params()["dispatch"]
        self.params = p
        self.penalty = float(p.get("priority_penalty_min", 60))

    # ------------------------------------------------------------------ policy
    def wanted_units(self, task: Task) -> int:
        """How many units this task should have now."""
        p = self.params[task.kind]
        remaining = task.quantity - task.done_qty
        if remaining <= 1e-9 or task.blocked_reason:
            return 0
        per = float(p.get("per_unit", p.get("per_unit_t", 1)))
        return min(int(p["max_units"]), max(1, math.ceil(remaining / per)))

    def needy(self, task: Task) -> bool:
        return task.open and task.unclaimed > 1e-9 and len(task.units) < self.wanted_units(task)

    # ------------------------------------------------------------------ hooks
    def task_added(self, task: Task) -> None:
        if self.enabled:
            self.fill(task)

    def unit_free(self, unit: Unit) -> None:
        if not self.enabled or not unit.free:
            return
        task = self.best_task_for(unit)
        if task is not None:
            self.assign(unit, task, by="auto")

    def unblock(self, kind: str) -> None:
        """Something a blocked task of ``kind`` waited for changed: try again."""
        for task in self.sim.board.open_tasks():
            if task.kind == kind and task.blocked_reason:
                task.blocked_reason = None
                if self.enabled:
                    self.fill(task)

    def supplies_changed(self) -> None:
        if not self.enabled:
            return
        for task in self.sim.board.open_tasks():
            if task.kind == "deliver" and task.blocked_reason:
                task.blocked_reason = None
                self.fill(task)

    # ------------------------------------------------------------------ actions
    def assign(self, unit: Unit, task: Task, by: str) -> None:
        task.units.add(unit.id)
        self.sim.events.emit(self.sim.env.now, "dispatch", unit=unit.id, task=task.id, by=by)
        unit.assign(task)

    def fill(self, task: Task) -> None:
        while self.needy(task):
            unit = self.nearest_free_unit(task)
            if unit is None:
                return
            self.assign(unit, task, by="auto")

    def nearest_free_unit(self, task: Task) -> Unit | None:
        groups: dict[tuple[str, bool], list[Unit]] = {}
        for u in self.sim.units.values():
            if u.free and u.can(task.kind):
                groups.setdefault((u.vehicle, u.spec.ppe), []).append(u)
        if not groups:
            return None
        router = self.sim.world.router
        limit = 20.0
        while True:
            best, best_t = None, math.inf
            complete = True
            for (vehicle, ppe), units in sorted(groups.items()):
                dist = router.times_to(task.node, vehicle, ppe, limit=limit)
                for u in units:
                    t = float(dist[u.current_node()])
                    if t < best_t or (t == best_t and best is not None and u.id < best.id):
                        best, best_t = u, t
                if np.isinf(dist).sum() > 0:
                    complete = False
            if best is not None:
                return best
            if complete or limit > 1e6:
                return None
            limit *= 4.0

    def best_task_for(self, unit: Unit) -> Task | None:
        candidates = [t for t in self.sim.board.open_tasks() if unit.can(t.kind) and self.needy(t)]
        if not candidates:
            return None
        router = self.sim.world.router
        limit = 30.0
        while True:
            dist = router.times_from(unit.current_node(), unit.vehicle, unit.spec.ppe, limit=limit)
            scored = [(float(dist[t.node]) + self.penalty * (t.priority - 1), t.created, t.id, t)
                      for t in candidates if np.isfinite(dist[t.node])]
            if scored:
                best = min(scored, key=lambda s: s[:3])
                # a better-priority task may lie just beyond the ball: widen once to be fair
                if best[0] <= limit:
                    return best[3]
            if np.isfinite(dist).all() or limit > 1e6:
                return min(scored, key=lambda s: s[:3])[3] if scored else None
            limit *= 4.0
