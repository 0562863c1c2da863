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


def _lowest(score: np.ndarray, tasks: list[Task]) -> tuple[float, Task] | None:
    """The finite lowest score and its task (ties: created first, then id); None if none is finite."""
    ok = np.flatnonzero(np.isfinite(score))
    if not ok.size:
        return None
    s = score[ok]
    low = s.min()
    tied = ok[s == low].tolist()
    task = tasks[tied[0]] if len(tied) == 1 else min((tasks[i] for i in tied), key=lambda t: (t.created, t.id))
    return float(low), task


def _hub_ranks(hub_nodes: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Index in ``hub_nodes`` (unsorted, distinct) of each of ``nodes`` (all among them)."""
    order = np.argsort(hub_nodes, kind="stable")
    return order[np.searchsorted(hub_nodes[order], nodes)]


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
        self._free_of: dict[str, np.ndarray] = {}
        """Per kind, whether each unit of ``capable`` is free (kept by :meth:`unit_changed`)."""
        self._static_of: dict[str, tuple[np.ndarray, np.ndarray, list[tuple[str, bool]]]] = {}
        """Per kind: each capable unit's vehicle class code and id rank, and the (vehicle, ppe) of each code."""
        self._hub_mask: tuple[int, int, np.ndarray] | None = None
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
            self._pos_of[kind] = {u: i for i, u in enumerate(units)}
            self._free_of[kind] = np.array([u.free for u in units], dtype=bool)
            vks = sorted({(u.spec.vehicle, u.spec.ppe) for u in units})
            code = {vk: i for i, vk in enumerate(vks)}
            rank = {uid: i for i, uid in enumerate(sorted(u.id for u in units))}
            self._static_of[kind] = (np.array([code[(u.spec.vehicle, u.spec.ppe)] for u in units], dtype=np.int64),
                                     np.array([rank[u.id] for u in units], dtype=np.int64), vks)
        return units

    def free_positions(self, kind: str) -> np.ndarray:
        """Places in :meth:`capable` of the free units (ascending), from a running index: no scan of units."""
        self.capable(kind)
        return np.flatnonzero(self._free_of[kind])

    def free_capable(self, kind: str) -> list[Unit]:
        """The free units of :meth:`capable` (same order)."""
        units = self.capable(kind)
        return [units[i] for i in self.free_positions(kind).tolist()]

    def unit_changed(self, unit: Unit, free: bool) -> None:
        """A unit became free or busy (called by the unit when ``unit.free`` flips)."""
        for kind, mask in self._free_of.items():
            i = self._pos_of[kind].get(unit)
            if i is not None:
                mask[i] = free

    def _is_hub(self) -> np.ndarray:
        """Boolean per node: a hub of the router (rebuilt if the hub set is replaced or grows)."""
        hubs = self.sim.world.router.hubs
        cached = self._hub_mask
        if cached is None or cached[0] != id(hubs) or cached[1] != len(hubs):
            mask = np.zeros(self.sim.world.net.n_nodes, dtype=bool)
            mask[np.fromiter(hubs, dtype=np.int64, count=len(hubs))] = True
            cached = self._hub_mask = (id(hubs), len(hubs), mask)
        return cached[2]

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
        Units are sorted into these groups with numpy (static per unit: vehicle
        class and id rank; per call: where each free unit is).
        """
        pos = self.free_positions(task.kind)
        if pos.size == 0:
            return None
        router = self.sim.world.router
        capable = self._capable_of[task.kind]
        codes_all, rank_all, vks = self._static_of[task.kind]
        units = [capable[i] for i in pos.tolist()]
        codes, rank = codes_all[pos], rank_all[pos]
        class_of = [router.class_scale(*vk) for vk in vks]
        code_scale = np.array([cs[1] for cs in class_of])
        scale = code_scale[codes]
        nodes = np.array([u.node if u.route is None else -1 for u in units], dtype=np.int64)
        moving = np.flatnonzero(nodes < 0)
        for i in moving.tolist():
            nodes[i] = units[i].current_node()
        at_hub = self._is_hub()[nodes]
        at_hub[moving] = False
        best, best_t = None, math.inf
        extra: list[int] = []  # units at hubs without a cached tree: they join the searches
        hub_idx = np.flatnonzero(at_hub)
        if hub_idx.size:
            # hubs nearest first by lower bound: once a bound exceeds the best time, stop
            hub_nodes, first = np.unique(nodes[hub_idx], return_index=True)
            order = np.argsort(first, kind="stable")  # hubs in order of their first unit
            hub_nodes = hub_nodes[order]
            # units by hub (in that order), then in capable order; hub h's are members[bounds[h]:bounds[h + 1]]
            members = hub_idx[np.lexsort((hub_idx, _hub_ranks(hub_nodes, nodes[hub_idx])))]
            bounds = np.searchsorted(_hub_ranks(hub_nodes, nodes[members]), np.arange(hub_nodes.size + 1))
            seen = np.unique(codes)
            lbs = router.lower_bounds(task.node, hub_nodes) * float(code_scale[seen].min())
            for h in np.argsort(lbs, kind="stable").tolist():
                if lbs[h] > best_t:
                    break
                n = int(hub_nodes[h])
                hub_t: dict[tuple[str, bool], float] = {}
                for i in members[bounds[h]:bounds[h + 1]].tolist():
                    cls = class_of[codes[i]][0]
                    t = hub_t.get(cls)
                    if t is None:
                        dist = router.times_from_hub(n, *cls, exact=False)
                        if dist is not None and not router.hub_time_exact(n, task.node, *cls):
                            dist = router.times_from_hub(n, *cls)  # the path meets a slower road: repair
                        t = hub_t[cls] = math.nan if dist is None else float(dist[task.node])
                    if t != t:  # nan: no tree cached for this hub, search for it
                        extra.append(i)
                        continue
                    t *= float(scale[i])
                    u = units[i]
                    if t < best_t or (t == best_t and best is not None and u.id < best.id):
                        best, best_t = u, t
        others = np.flatnonzero(~at_hub)
        if extra:
            others = np.concatenate([others, np.array(extra, dtype=np.int64)])
        if others.size:
            lbs = router.lower_bounds(task.node, nodes[others]) * scale[others]
            if float(lbs.min()) <= best_t:  # else no unit off a hub can beat or tie the best
                groups: dict[tuple[str, bool], np.ndarray] = {}
                cls_of_unit = [class_of[c][0] for c in codes[others].tolist()]
                for cls in sorted(set(cls_of_unit)):
                    groups[cls] = others[np.array([c == cls for c in cls_of_unit])]
                found, found_t = self._nearest_by_search(task, groups, units, nodes, scale, rank, best_t,
                                                         float(lbs.min()), reach)
                if found is not None and (found_t < best_t or (found_t == best_t and found.id < best.id)):
                    best, best_t = found, found_t
        return best

    def _nearest_by_search(self, task: Task, groups: dict[tuple[str, bool], np.ndarray], units: list[Unit],
                           nodes: np.ndarray, scale: np.ndarray, rank: np.ndarray, bound: float, lb: float,
                           reach: dict | None) -> tuple[Unit | None, float]:
        """Nearest unit of ``groups`` (indices into ``units``) by growing backward searches; none beyond ``bound``."""
        limit = min(max(5.0, 2.0 * lb), bound)
        reach = {} if reach is None else reach
        while True:
            best, best_t, best_rank = None, math.inf, -1
            complete = True
            for cls, idx in groups.items():  # sorted by class
                # in class minutes, the ball must cover ``limit`` real minutes for every unit in it
                dist, done = self._times_to(task.node, cls, limit / float(scale[idx].min()), reach)
                t = dist[nodes[idx]] * scale[idx]
                tmin = float(t.min())
                if tmin < best_t or (tmin == best_t and best is not None):
                    tied = idx[t == tmin]
                    j = int(tied[np.argmin(rank[tied])])
                    if tmin < best_t or rank[j] < best_rank:
                        best, best_t, best_rank = units[j], tmin, int(rank[j])
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
            finished = []
            for t in tasks.values():  # needy(t) with wanted_units inlined: this runs for every open task
                if t.finished is not None:
                    finished.append(t.id)
                    continue
                n = len(t.units)
                if n < max_units and not t.blocked_reason and t.quantity - t.done_qty - t.claimed > 1e-9:
                    remaining = t.quantity - t.done_qty
                    if remaining > 1e-9 and n < max(1, ceil(remaining / per)):
                        candidates.append(t)
            for tid in finished:
                del tasks[tid]
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
                lowest = _lowest(dist[nodes] * scale + penalty, candidates)
                if lowest is None:
                    return None
                best = lowest[1]
                if exact or router.hub_time_exact(src, best.node, *cls):
                    return best
        # a task outside a ball of radius ``limit`` scores more than limit + its penalty >= limit + p_min;
        # the first ball guesses travel times at twice their lower bounds (penalties are exact, not doubled)
        p_min = float(penalty.min())
        limit = max(5.0, float((2.0 * router.lower_bounds(src, nodes) + penalty).min()) - p_min)
        reached_before = -1
        while True:
            dist = router.times_from(src, unit.vehicle, unit.spec.ppe, limit=limit)
            best = _lowest(dist[nodes] + penalty, candidates)
            if best is not None and best[0] <= limit + p_min:  # the best inside the ball is the best overall
                return best[1]
            reached = int(np.count_nonzero(np.isfinite(dist)))
            if reached == dist.size or reached == reached_before or limit > 1e6:
                return best[1] if best else None
            reached_before = reached
            limit *= 2.0
