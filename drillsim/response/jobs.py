"""What a unit does on each kind of task, as SimPy generators.

- rescue: work on site in batches; each batch frees ``batch`` trapped people.
- transport: carry casualties from the site to the nearest hospital with free beds.
- evacuate: carry residents from a community to the nearest open shelter with room.
- deliver: load supplies at a depot holding them, bring them to the site.
- clear_road: work on the road, then reopen it.

Units *claim* part of a task before doing it, so several units share a task
without doing the same part twice; a claim is released if the unit is recalled.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

from drillsim.response.units import TRANSPORTING, Unit, Unreachable, work_minutes
from drillsim.scenario import catalog

if TYPE_CHECKING:
    from drillsim.response.simulation import Simulation
    from drillsim.response.tasks import Task


UNREACHABLE = "no open road to the task site"


class Jobs:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim

    def run(self, unit: Unit, task: Task) -> Generator:
        try:
            yield from getattr(self, "_" + task.kind)(unit, task)
        except Unreachable:
            return

    # ------------------------------------------------------------------ claims
    def _claim(self, unit: Unit, task: Task, amount: float) -> float:
        amount = min(amount, task.unclaimed)
        task.claimed += amount
        unit.claimed += amount
        return amount

    def _complete(self, unit: Unit, task: Task, amount: float, **detail) -> None:
        task.claimed -= amount
        unit.claimed -= amount
        task.done_qty += amount
        self.sim.events.emit(self.sim.env.now, "task.progress", task=task.id, unit=unit.id,
                             kind=task.kind, amount=round(amount, 4), done=round(task.done_qty, 4),
                             quantity=task.quantity, **detail)
        self.sim.board.check_done(task)

    def release(self, unit: Unit, task: Task) -> None:
        if unit.claimed:
            task.claimed = max(0.0, task.claimed - unit.claimed)
            unit.claimed = 0.0
        task.units.discard(unit.id)
        unit.load_people = 0
        unit.load_items = {}

    def _arrive(self, unit: Unit, task: Task, node: int) -> Generator:
        """Drive to the task site; if it stays cut off, mark the task blocked and give up."""
        try:
            yield from unit.travel(node, patience=1)
        except Unreachable:
            self._block(task, unit, UNREACHABLE, "任务地点道路不通")
            raise
        self.sim.board.arrived(task, unit)

    # ------------------------------------------------------------------ kinds
    def _rescue(self, unit: Unit, task: Task) -> Generator:
        batch = float(catalog.task_params()["rescue"].get("batch", 5))
        yield from self._arrive(unit, task, task.node)
        first = True
        while task.unclaimed > 0:
            n = self._claim(unit, task, min(batch, task.unclaimed))
            minutes = work_minutes("rescue", n, unit.spec.size)
            if not first:
                minutes -= float(catalog.task_params()["rescue"]["setup_min"])
            first = False
            yield from unit.work(minutes)
            self._complete(unit, task, n, rescued=n)

    def _suppress(self, unit: Unit, task: Task) -> Generator:
        """Build fireline at the burning edge nearest the crew, an hour at a time.

        Each hour a crew of n people builds ``line_m_per_person_h * n`` metres of line
        (tasks.yaml); the hazard then treats the unburned cells along that stretch of
        the edge as non-burnable from now on and recomputes the spread.
        """
        p = catalog.task_params()["suppress"]
        fire = self.sim.hazards[task.hazard]
        world = self.sim.world
        first = True
        while task.open:
            x, y = unit.position()
            front = fire.front_near(x, y, self.sim.env.now)
            if front is None:
                task.finished = self.sim.env.now
                self.sim.board.check_done(task)
                return
            node = world.net.nearest_node(*front)
            yield from self._arrive(unit, task, node)
            minutes = float(p["shift_min"]) + (float(p["setup_min"]) if first else 0.0)
            first = False
            yield from unit.work(minutes)
            line = float(p["line_m_per_person_h"]) * unit.spec.size * float(p["shift_min"]) / 60.0
            front = fire.front_near(*unit.position(), self.sim.env.now)
            if front is not None:
                line = fire.build_line(front[0], front[1], line, self.sim.env.now)
            task.done_qty += line
            self.sim.events.emit(self.sim.env.now, "task.progress", task=task.id, unit=unit.id, kind="suppress",
                                 amount=round(line, 1), done=round(task.done_qty, 1), quantity=None)

    def _clear_road(self, unit: Unit, task: Task) -> Generator:
        yield from self._arrive(unit, task, task.node)
        n = self._claim(unit, task, 1.0)
        if n <= 0:
            return
        net = self.sim.world.net
        damaged = task.road is not None and net.status[task.road] in ("closed", "damaged")
        held = task.road is not None and self.sim.world.road_closed_by_order(task.road)
        if damaged and not held:  # debris or damage: work, then reopen
            yield from unit.work(work_minutes("clear_road", 1.0, unit.spec.size))
            if not self.sim.world.road_closed_by_order(task.road):
                self.sim.world.set_roads([task.road], "open", cause=f"cleared by {unit.id}")
        self._complete(unit, task, n, road=self.sim.world.net.road_ids[task.road] if task.road is not None else None)

    def _transport(self, unit: Unit, task: Task) -> Generator:
        world = self.sim.world
        while task.unclaimed > 0:
            yield from self._arrive(unit, task, task.node)
            n = self._claim(unit, task, min(unit.spec.capacity_people, task.unclaimed))
            if n <= 0:
                return
            yield from unit.work(work_minutes("transport", n, unit.spec.size))
            unit.load_people = int(n)
            origin = {task.origin} if task.origin else set()  # a transfer out of an overloaded hospital
            hospital = self.sim.places_by_time(unit, "hospital", need=int(n), exclude=origin)
            if hospital is None:
                task.blocked_reason = "no hospital with free beds reachable"
                self.sim.events.emit(self.sim.env.now, "task.blocked", task=task.id, unit=unit.id,
                                     reason={"zh": "无可达且有空床的医院", "en": task.blocked_reason})
                return
            unit._set_status(TRANSPORTING)
            yield from unit.travel(world.node_of(hospital))
            admitted = min(int(n), world.beds_free(hospital))
            world.beds_used[hospital] += admitted
            unit.load_people = 0
            self.sim.events.emit(self.sim.env.now, "hospital.admit", place=hospital, people=admitted,
                                 unit=unit.id, beds_used=world.beds_used[hospital])
            self._complete(unit, task, n, delivered_to=hospital)

    def _evacuate(self, unit: Unit, task: Task) -> Generator:
        world = self.sim.world
        while task.unclaimed > 0:
            if self._shelter_for(unit, task) is None:
                self._block(task, unit, "no open shelter with room reachable", "无可达且有余位的避难场所")
                return
            yield from self._arrive(unit, task, task.node)
            n = self._claim(unit, task, min(unit.spec.capacity_people, task.unclaimed))
            if n <= 0:
                return
            yield from unit.work(work_minutes("evacuate", n, unit.spec.size))
            shelter = self._shelter_for(unit, task)
            if shelter is None:  # filled up while loading: people stay put
                self._block(task, unit, "no open shelter with room reachable", "无可达且有余位的避难场所")
                return
            unit.load_people = int(n)
            if task.community in world.residents:
                world.residents[task.community] = max(0, world.residents[task.community] - int(n))
            unit._set_status(TRANSPORTING)
            aboard = int(n)
            tried: set[str] = set()
            while aboard > 0:  # a shelter may close or fill while the bus is on its way: try the next
                try:
                    yield from unit.travel(world.node_of(shelter), patience=1)
                    placed = min(aboard, world.shelter_free(shelter))
                except Unreachable:  # cut off (fire, flood, debris)
                    placed = 0
                if placed > 0:
                    world.occupancy[shelter] += placed
                    aboard -= placed
                    unit.load_people = aboard
                    self.sim.events.emit(self.sim.env.now, "shelter.admit", place=shelter, people=placed,
                                         unit=unit.id, occupancy=world.occupancy[shelter],
                                         community=task.community)
                    self._complete(unit, task, placed, delivered_to=shelter)
                    continue
                tried.add(shelter)
                shelter = self.sim.places_by_time(unit, "shelter", need=1, exclude=tried)
                if shelter is None:  # nowhere to go: the people are driven back and wait at home
                    try:
                        yield from unit.travel(task.node, patience=1)
                    except Unreachable:
                        pass  # they get off where the bus is stuck; counted back home all the same
                    if task.community in world.residents:
                        world.residents[task.community] += aboard
                    task.claimed -= aboard
                    unit.claimed -= aboard
                    unit.load_people = 0
                    self._block(task, unit, "no reachable shelter with room", "无可达且有余位的避难场所")
                    return

    def _shelter_for(self, unit: Unit, task: Task) -> str | None:
        world = self.sim.world
        if task.destination and world.shelter_free(task.destination) > 0 and world.router.route(
                world.node_of(task.community) if task.community else task.node,
                world.node_of(task.destination), unit.vehicle, unit.spec.ppe) is not None:
            return task.destination
        shelter = self.sim.places_by_time(unit, "shelter", need=1)
        if shelter is None and self.sim.auto_shelters:
            shelter = self.sim.auto_open_shelter(unit)
        return shelter

    def _block(self, task: Task, unit: Unit, en: str, zh: str) -> None:
        """The task cannot go on until something changes (a shelter opens, stock arrives)."""
        task.blocked_reason = en
        self.sim.events.emit(self.sim.env.now, "task.blocked", task=task.id, unit=unit.id,
                             reason={"zh": zh, "en": en})

    def _deliver(self, unit: Unit, task: Task) -> Generator:
        supplies = self.sim.supplies
        world = self.sim.world
        while task.unclaimed > 1e-9:
            depot, items = supplies.pick_load(unit, task)
            if depot is None:
                task.blocked_reason = "no stock of the requested supplies"
                self.sim.events.emit(self.sim.env.now, "task.blocked", task=task.id, unit=unit.id,
                                     reason={"zh": "所需物资无库存", "en": task.blocked_reason})
                supplies.request_replenishment(task)
                return
            claimed = self._claim(unit, task, supplies.weight_t(items))
            for item, q in items.items():
                task.in_transit[item] = task.in_transit.get(item, 0.0) + q
            try:
                yield from unit.travel(world.node_of(depot))
                taken = supplies.take(depot, items, by=unit.id)
                unit.load_items = taken
                yield from unit.work(work_minutes("deliver", supplies.weight_t(taken), unit.spec.size) / 2)
                unit._set_status(TRANSPORTING)
                yield from self._arrive(unit, task, task.node)
                yield from unit.work(work_minutes("deliver", supplies.weight_t(taken), unit.spec.size) / 2)
            finally:
                for item, q in items.items():
                    task.in_transit[item] = max(0.0, task.in_transit.get(item, 0.0) - q)
            for item, q in taken.items():
                task.items[item] = max(0.0, task.items.get(item, 0.0) - q)
            supplies.delivered(task, taken, by=unit.id)
            unit.load_items = {}
            done_t = min(supplies.weight_t(taken), claimed)
            shortfall = claimed - done_t
            task.claimed -= shortfall
            unit.claimed -= shortfall
            self._complete(unit, task, done_t, items={k: round(v, 3) for k, v in taken.items()})
            if all(v <= 1e-9 for v in task.items.values()):
                task.done_qty = task.quantity
                self.sim.board.check_done(task)
                return

