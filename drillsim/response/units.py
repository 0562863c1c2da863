"""Response units (teams with vehicles) as SimPy processes.

A unit waits at its base, is dispatched to a task, drives there along the
fastest route for its vehicle class (re-routing if a road on its route closes
mid-trip), works for a time that depends on the task and its team size, and
then takes its next task or drives home. Its position at any time is
interpolated along the current route, for display.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from drillsim.scenario import catalog
from drillsim.scenario.model import UnitSpec
from drillsim.world.routecode import encode_path, encode_times
from drillsim.world.router import Route

if TYPE_CHECKING:
    from drillsim.response.simulation import Simulation
    from drillsim.response.tasks import Task

IDLE, ENROUTE, WORKING, TRANSPORTING, RETURNING, STUCK = (
    "idle", "enroute", "working", "transporting", "returning", "stuck")


class Recall(Exception):
    """The unit was recalled or re-tasked while busy."""


class Unreachable(Exception):
    """No open route to the destination for longer than the caller was willing to wait."""


class Unit:
    def __init__(self, spec: UnitSpec, sim: Simulation) -> None:
        self.spec = spec
        self.id = spec.id
        self.sim = sim
        self.base_node = sim.world.node_of(spec.base)
        self.node = self.base_node
        self.status = IDLE
        self.task: Task | None = None
        self.route: Route | None = None
        self.route_t0 = 0.0
        self.eta: float | None = None
        self.load_people = 0
        self.load_items: dict[str, float] = {}
        self.claimed = 0.0
        self._wake = sim.env.event()
        self._next: Task | None = None
        self._reroute = False
        self._recalled = False
        self._dest: int | None = None
        self._route_roads: frozenset[int] = frozenset()
        self._can: dict[str, bool] = {}
        self._was_free = True  # what the dispatcher's index of free units was last told
        self.proc = sim.env.process(self._run())

    # ------------------------------------------------------------------ queries
    @property
    def vehicle(self) -> str:
        return self.spec.vehicle

    @property
    def free(self) -> bool:
        """Available for a new task: idle at base or driving home."""
        return self.status in (IDLE, RETURNING) and self._next is None and not self._recalled

    def _sync_free(self) -> None:
        """Tell the dispatcher's free-unit index when :attr:`free` flips (call after changing its inputs)."""
        free = self.status in (IDLE, RETURNING) and self._next is None and not self._recalled
        if free is not self._was_free:
            self._was_free = free
            self.sim.dispatcher.unit_changed(self, free)

    def can(self, kind: str) -> bool:
        """Whether the unit has the skill and capacity for a task kind (fixed per unit, cached)."""
        ok = self._can.get(kind)
        if ok is None:
            ok = self._can[kind] = self._can_uncached(kind)
        return ok

    def _can_uncached(self, kind: str) -> bool:
        skill = catalog.task_params()[kind]["skill"]
        if skill not in self.spec.skills:
            return False
        if kind in ("transport", "evacuate") and self.spec.capacity_people <= 0:
            return False
        if kind == "deliver" and self.spec.capacity_cargo_t <= 0:
            return False
        return True

    def current_node(self) -> int:
        """The last node passed (the node the unit is at when not moving)."""
        if self.route is not None:
            return int(self.route.nodes[self.route.index_at(self.sim.env.now - self.route_t0)])
        return int(self.node)

    def position(self, t: float | None = None) -> tuple[float, float]:
        net = self.sim.world.net
        if self.route is not None:
            x, y, _ = self.route.position(net, (self.sim.env.now if t is None else t) - self.route_t0)
            return x, y
        return float(net.x[self.node]), float(net.y[self.node])

    def state(self) -> dict[str, Any]:
        x, y = self.position()
        return {"id": self.id, "type": self.spec.type, "status": self.status,
                "task": self.task.id if self.task else None, "x": round(x, 1), "y": round(y, 1),
                "eta": None if self.eta is None else round(self.eta, 2),
                "load_people": self.load_people}

    # ------------------------------------------------------------------ commands
    def assign(self, task: Task) -> None:
        """Give the unit its next task (it must be free); wakes or diverts it."""
        self._next = task
        self._sync_free()
        if self.sim.env.active_process is self.proc:
            return  # the unit is choosing its own next task: its loop picks it up
        if self.status == IDLE:
            if not self._wake.triggered:
                self._wake.succeed()
        else:  # returning home, or re-tasked by an order while busy
            self.proc.interrupt("assign")

    def recall(self) -> None:
        self._recalled = True
        self._next = None
        self._sync_free()
        if self.status == IDLE:
            if not self._wake.triggered:
                self._wake.succeed()
        else:
            self.proc.interrupt("recall")

    def road_closed(self, roads: set[int]) -> None:
        """Re-route if a road still ahead on the current route became impassable."""
        if self.route is None or self._reroute or roads.isdisjoint(self._route_roads):
            return  # the set test is O(closed roads): most units are not affected
        _, _, k = self.route.position(self.sim.world.net, self.sim.env.now - self.route_t0)
        ahead = self.route.roads[k:]
        if roads.intersection(ahead.tolist()):
            self._reroute = True
            if self._dest is not None:  # routes to a shared destination come from one search
                self.sim.world.router.expect(self._dest, self.vehicle, self.spec.ppe)
            self.proc.interrupt("reroute")

    # ------------------------------------------------------------------ process
    def _emit(self, type: str, **data: Any) -> None:
        self.sim.events.emit(self.sim.env.now, type, unit=self.id, **data)

    def _set_status(self, status: str) -> None:
        if status != self.status:
            self.status = status
            self._sync_free()
            self._emit("unit.status", status=status, task=self.task.id if self.task else None)

    def _drive_home(self) -> Generator:
        """Return to base; False if a new task or a recall diverted the unit on the way."""
        if self.node != self.base_node:
            self._set_status(RETURNING)
            try:
                yield from self.travel(self.base_node, interruptible=True)
            except Recall:
                return False
        return True

    def _run(self) -> Generator:
        env = self.sim.env
        while True:
            if self._next is None and not self._recalled:
                if not (yield from self._drive_home()):
                    continue
                if self._next is None and not self._recalled:
                    self._set_status(IDLE)
                    self.sim.dispatcher.unit_free(self)
                if self._next is None and not self._recalled:
                    self._wake = env.event()
                    yield self._wake
            if self._recalled:
                self._recalled = False
                self.task = None
                self._emit("unit.recalled")
                self._next = None
                self._sync_free()
                if not (yield from self._drive_home()):
                    continue
                self._set_status(IDLE)
                continue
            task, self._next = self._next, None
            self._sync_free()
            if task is None:
                continue
            self.task = task
            try:
                yield from self.sim.jobs.run(self, task)
            except (Recall, simpy.Interrupt):
                pass
            finally:
                self.sim.jobs.release(self, task)
                self.task = None
            if not self._recalled and self._next is None:
                self._set_status(RETURNING if self.node != self.base_node else IDLE)
                self.sim.dispatcher.unit_free(self)

    def travel(self, dest: int, interruptible: bool = False, patience: int | None = None) -> Generator:
        """Drive to node ``dest``; re-route on closures. Raises Recall on recall/assign.

        With no route, the unit waits 30 min and tries again; after ``patience`` failed
        tries it raises :class:`Unreachable` so the job can choose another destination.
        """
        tries = 0
        env = self.sim.env
        router = self.sim.world.router
        net = self.sim.world.net
        if self.status not in (RETURNING, TRANSPORTING):
            self._set_status(ENROUTE)
        self._dest = dest
        while self.node != dest:
            route = router.route(self.node, dest, self.vehicle, self.spec.ppe)
            if route is None:
                tries += 1
                if patience is not None and tries > patience:
                    raise Unreachable()
                before = self.status
                self._set_status(STUCK)
                self._emit("unit.stuck", at_node=int(self.node), dest=int(dest))
                # wait for roads to change, then try again
                try:
                    yield env.timeout(30.0)
                except simpy.Interrupt as intr:
                    if intr.cause in ("recall", "assign"):
                        raise Recall() from None
                self._set_status(before)
                if self._recalled or (interruptible and self._next is not None):
                    raise Recall()
                continue
            self.route, self.route_t0 = route, env.now
            self._route_roads = frozenset(route.roads.tolist())
            self.eta = env.now + route.minutes
            self._emit("unit.depart", dest=int(dest), eta=round(self.eta, 3),
                       path=encode_path(route.nodes), times=encode_times(route.times))
            try:
                yield env.timeout(route.minutes)
                self.node = dest
                self.route = None
                self.eta = None
                self._emit("unit.arrive", node=int(dest))
                return
            except simpy.Interrupt as intr:
                elapsed = env.now - self.route_t0
                _, _, k = route.position(net, elapsed)
                self._reroute = False
                if k >= len(route.nodes) - 1:
                    self.node = int(route.nodes[-1])
                    self.route = None
                    continue
                # finish the current edge, or turn back if it is itself impassable
                road = int(route.roads[k])
                ahead_ok = net.passable(road, self.vehicle, self.spec.ppe)
                if ahead_ok:
                    target, leg = int(route.nodes[k + 1]), float(route.times[k + 1] - elapsed)
                else:
                    target, leg = int(route.nodes[k]), float(elapsed - route.times[k])
                self.route = None
                self.eta = None
                yield from self._partial_leg(target, max(0.0, leg))
                self._emit("unit.reroute" if intr.cause == "reroute" else "unit.diverted",
                           node=int(self.node), reason=str(intr.cause))
                if intr.cause in ("recall", "assign") or self._recalled or (
                        interruptible and self._next is not None):
                    raise Recall() from None

    def _partial_leg(self, node: int, minutes: float) -> Generator:
        """Finish (or back out of) the edge the unit is on; not interruptible for re-routes."""
        env = self.sim.env
        end = env.now + minutes
        while env.now < end:
            try:
                yield env.timeout(end - env.now)
            except simpy.Interrupt as intr:
                if intr.cause in ("recall", "assign"):
                    # remember and honour after the edge is finished
                    if intr.cause == "recall":
                        self._recalled = True
                        self._sync_free()
                self._reroute = False
        self.node = node

    def work(self, minutes: float) -> Generator:
        self._set_status(WORKING)
        yield self.sim.env.timeout(max(0.0, minutes))


def work_minutes(kind: str, quantity: float, team_size: int) -> float:
    """On-site work time: setup + person-minutes per item x quantity / team size."""
    p = catalog.task_params()[kind]
    return float(p["setup_min"]) + float(p["per_item_person_min"]) * quantity / max(1, team_size)

