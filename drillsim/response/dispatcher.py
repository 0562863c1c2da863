"""The auto-dispatcher: stands in for the trainees when nobody is deciding.

Policy (documented in docs/models.md): when a task appears, send the nearest free
capable units by travel time until enough are on it (``tasks.yaml: dispatch``);
when a unit becomes free, give it the open task that minimises
``travel minutes + priority_penalty_min * (priority - 1)``. Searches are bounded
Dijkstra balls that grow until a candidate is found, so cost follows distance,
not map size. The first ball is sized from straight-line lower bounds, and a
ball is only accepted once it covers the best candidate's score, so the choice
is the same as with an unbounded search. Capable units per task kind and open
tasks per kind are indexed, so a choice does not scan every unit and task.
"""

from __future__ import annotations

import itertools
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
        self._capable_n = -1
        self._capable_of: dict[str, list[Unit]] = {}
        self._pos_of: dict[str, dict[Unit, int]] = {}
        self._free_of: dict[str, dict[Unit, int]] = {}
        """Free capable units per kind (unit -> its place in ``capable``), kept by :meth:`unit_changed`."""
        self._indexed = 0
        self._open: dict[str, dict[str, Task]] = {}

    # ------------------------------------------------------------------ indexes
    def capable(self, kind: str) -> list[Unit]:
        """Units that can do ``kind`` (skills and capacity are fixed; rebuilt if units are added)."""
        if self._capable_n != len(self.sim.units):
            self._capable_n = len(self.sim.units)
            self._capable_of = {}
            self._free_of = {}
            self._pos_of = {}
        units = self._capable_of.get(kind)
        if units is None:
            units = self._capable_of[kind] = [u for u in self.sim.units.values() if u.can(kind)]
            pos = self._pos_of[kind] = {u: i for i, u in enumerate(units)}
            self._free_of[kind] = {u: i for u, i in pos.items() if u.free}
        return units

    def free_capable(self, kind: str) -> list[Unit]:
        """The free units of :meth:`capable` (same order), from a running index: no scan of busy units."""
        self.capable(kind)
        free = self._free_of[kind]
        return [u for _, u in sorted((i, u) for u, i in free.items())] if len(free) > 1 else list(free)

    def unit_changed(self, unit: Unit, free: bool) -> None:
        """A unit became free or busy (called by the unit when ``unit.free`` flips)."""
        for kind, index in self._free_of.items():
            if free:
                i = self._pos_of[kind].get(unit)
                if i is not None:
                    index[unit] = i
            else:
                index.pop(unit, None)

    def open_by_kind(self) -> dict[str, dict[str, Task]]:
        """Open tasks per kind: new board tasks are indexed incrementally, finished ones dropped lazily."""
        tasks = self.sim.board.tasks
        if len(tasks) != self._indexed:
            for t in itertools.islice(tasks.values(), self._indexed, None):
                self._open.setdefault(t.kind, {})[t.id] = t
            self._indexed = len(tasks)
        return self._open

    # ------------------------------------------------------------------ policy
    def wanted_units(self, task: Task) -> int:
        """How many units this task should have now."""
        p = self.params[task.kind]
        if task.kind == "suppress":  # open-ended: every crew helps until the fire is contained
            return int(p["max_units"]) if task.open else 0
        remaining = task.quantity - task.done_qty
        if remaining <= 1e-9 or task.blocked_reason:
            return 0
        per = float(p.get("per_unit", p.get("per_unit_t", 1)))
        return min(int(p["max_units"]), max(1, math.ceil(remaining / per)))

    def needy(self, task: Task) -> bool:
        if task.finished is not None or (task.blocked_reason and task.kind != "suppress"):
            return False  # cheap rejections first (wanted_units would be 0): called per open task
        return task.unclaimed > 1e-9 and len(task.units) < self.wanted_units(task)

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

    def unblock(self, kind: str | None, reason: str | None = None) -> None:
        """Something blocked tasks waited for changed (a shelter opened, a road reopened): retry.

        ``kind`` None means every kind; ``reason`` limits it to tasks blocked for that reason.
        """
        for task in self.sim.board.open_tasks():
            if (kind is None or task.kind == kind) and task.blocked_reason and (
                    reason is None or task.blocked_reason == reason):
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
        reach: dict = {}  # searches from the task, reused while the network stands still
        while self.needy(task):
            unit = self.nearest_free_unit(task, reach)
            if unit is None:
                return
            self.assign(unit, task, by="auto")

    def nearest_free_unit(self, task: Task, reach: dict | None = None) -> Unit | None:
        """The free capable unit with the least travel time to the task (ties: lowest id).

        Units at a hub (their base, a hospital...) read their time from the hub's
        tree. The others share one backward search per weight class (units whose
        vehicles have proportional times: a unit's time is its class's x its
        scale), only as large as needed to beat or tie the best hub unit.
        """
        router = self.sim.world.router
        best, best_t = None, math.inf
        groups: dict[tuple[str, bool], list[tuple[Unit, int, float]]] = {}
        at_hub: dict[int, list[tuple[Unit, tuple[str, bool], float]]] = {}
        scales: dict[tuple[str, bool], tuple[tuple[str, bool], float]] = {}
        hubs = router.hubs
        for u in self.free_capable(task.kind):
            vk = (u.spec.vehicle, u.spec.ppe)
            cs = scales.get(vk)
            if cs is None:
                cs = scales[vk] = router.class_scale(*vk)
            cls, scale = cs
            if u.route is None:
                n = u.node
                if n in hubs:
                    at_hub.setdefault(n, []).append((u, cls, scale))
                    continue
            else:
                n = u.current_node()
            groups.setdefault(cls, []).append((u, n, scale))
        if at_hub:
            # hubs nearest first by lower bound: once a bound exceeds the best time, stop
            hub_nodes = list(at_hub)
            lbs = router.lower_bounds(task.node, np.array(hub_nodes)) * min(s for _, s in scales.values())
            for i in np.argsort(lbs, kind="stable").tolist():
                if lbs[i] > best_t:
                    break
                n = hub_nodes[i]
                hub_t: dict[tuple[str, bool], float] = {}
                for u, cls, scale in at_hub[n]:
                    t = hub_t.get(cls)
                    if t is None:
                        dist = router.times_from_hub(n, *cls, exact=False)
                        if dist is not None and not router.hub_time_exact(n, task.node, *cls):
                            dist = router.times_from_hub(n, *cls)  # the path meets a slower road: repair
                        t = hub_t[cls] = math.nan if dist is None else float(dist[task.node])
                    if t != t:  # nan: no tree cached for this hub, search for it
                        groups.setdefault(cls, []).append((u, n, scale))
                        continue
                    t *= scale
                    if t < best_t or (t == best_t and best is not None and u.id < best.id):
                        best, best_t = u, t
        if groups:
            nodes = np.array([n for g in groups.values() for _, n, _ in g])
            scales = np.array([s for g in groups.values() for _, _, s in g])
            lbs = router.lower_bounds(task.node, nodes) * scales
            if float(lbs.min()) <= best_t:  # else no unit off a hub can beat or tie the best
                found, found_t = self._nearest_by_search(task, groups, best_t, float(lbs.min()), reach)
                if found is not None and (found_t < best_t or (found_t == best_t and found.id < best.id)):
                    best, best_t = found, found_t
        return best

    def _nearest_by_search(self, task: Task, groups: dict, bound: float, lb: float,
                           reach: dict | None) -> tuple[Unit | None, float]:
        """Nearest unit of ``groups`` by growing backward searches; none needed beyond ``bound``."""
        limit = min(max(5.0, 2.0 * lb), bound)
        reach = {} if reach is None else reach
        while True:
            best, best_t = None, math.inf
            complete = True
            for cls, units in sorted(groups.items(), key=lambda kv: kv[0]):
                # in class minutes, the ball must cover ``limit`` real minutes for every unit in it
                dist, done = self._times_to(task.node, cls, limit / min(s for _, _, s in units), reach)
                for u, n, scale in units:
                    t = float(dist[n]) * scale
                    if t < best_t or (t == best_t and best is not None and u.id < best.id):
                        best, best_t = u, t
                complete = complete and done
            # every group's ball covers ``limit``: a unit found within it is the nearest overall
            if (best is not None and best_t <= limit) or limit >= bound:
                return best, best_t
            if complete or limit > 1e6:
                return best, best_t
            limit = min(limit * 2.0, bound)

    def _times_to(self, node: int, cls: tuple[str, bool], limit: float,
                  reach: dict) -> tuple[np.ndarray, bool]:
        """Backward times to ``node`` covering ``limit`` (cached in ``reach``); and whether complete."""
        cached = reach.get(cls)
        if cached is not None and (cached[0] >= limit or cached[3]):
            return cached[1], cached[3]
        dist = self.sim.world.router.times_to(node, cls[0], cls[1], limit=limit)
        n_reached = int(np.count_nonzero(np.isfinite(dist)))
        # complete: everything reachable is settled (all nodes, or the ball stopped growing)
        complete = n_reached == dist.size or (cached is not None and cached[2] == n_reached)
        reach[cls] = (limit, dist, n_reached, complete)
        return dist, complete

    def best_task_for(self, unit: Unit) -> Task | None:
        """The needy task minimising travel minutes + priority penalty (ties: created, id)."""
        candidates = []
        for kind, tasks in self.open_by_kind().items():
            if not unit.can(kind):
                continue
            if kind == "suppress":
                for t in list(tasks.values()):
                    if t.finished is not None:
                        del tasks[t.id]
                    elif self.needy(t):
                        candidates.append(t)
                continue
            p = self.params[kind]
            max_units = int(p["max_units"])
            per = float(p.get("per_unit", p.get("per_unit_t", 1)))
            ceil = math.ceil
            for t in list(tasks.values()):  # needy(t) with wanted_units inlined: this runs for every open task
                if t.finished is not None:
                    del tasks[t.id]
                    continue
                n = len(t.units)
                if n < max_units and not t.blocked_reason and t.quantity - t.done_qty - t.claimed > 1e-9:
                    remaining = t.quantity - t.done_qty
                    if remaining > 1e-9 and n < max(1, ceil(remaining / per)):
                        candidates.append(t)
        if not candidates:
            return None
        router = self.sim.world.router
        src = unit.current_node()
        nodes = np.array([t.node for t in candidates], dtype=np.int64)
        penalty = np.array([self.penalty * (t.priority - 1) for t in candidates])
        if unit.route is None and src in router.hubs:  # at a hub: its tree has every task's time
            cls, scale = router.class_scale(unit.vehicle, unit.spec.ppe)
            for exact in (False, True):
                # unrepaired times are exact or too low: if the best is exact, it beats every other
                dist = router.times_from_hub(src, *cls, exact=exact)
                if dist is None:
                    break
                score = dist[nodes] * scale + penalty
                ok = np.flatnonzero(np.isfinite(score))
                if not ok.size:
                    return None
                best = min(((float(score[i]), candidates[i].created, candidates[i].id, candidates[i])
                            for i in ok.tolist()), key=lambda s: s[:3])[3]
                if exact or router.hub_time_exact(src, best.node, *cls):
                    return best
        # a task outside a ball of radius ``limit`` scores more than limit + its penalty >= limit + p_min;
        # the first ball guesses travel times at twice their lower bounds (penalties are exact, not doubled)
        p_min = float(penalty.min())
        limit = max(5.0, float((2.0 * router.lower_bounds(src, nodes) + penalty).min()) - p_min)
        reached_before = -1
        while True:
            dist = router.times_from(src, unit.vehicle, unit.spec.ppe, limit=limit)
            score = dist[nodes] + penalty
            ok = np.flatnonzero(np.isfinite(score))
            best = None
            if ok.size:
                best = min(((float(score[i]), candidates[i].created, candidates[i].id, candidates[i])
                            for i in ok.tolist()), key=lambda s: s[:3])
                if best[0] <= limit + p_min:  # the best inside the ball is the best overall
                    return best[3]
            reached = int(np.count_nonzero(np.isfinite(dist)))
            if reached == dist.size or reached == reached_before or limit > 1e6:
                return best[3] if best else None
            reached_before = reached
            limit *= 2.0
