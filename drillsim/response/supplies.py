"""Emergency supplies (应急物资): tiered depot stock, contract and production reserves.

Three kinds of reserve, as in Chinese provincial plans:
- physical stock (实物储备): in a depot, available at once, moved by transport units;
- contract reserve (协议储备): a supplier delivers ``quantity`` to the depot
  ``lead_time_min`` after the contract is activated;
- production capacity (产能储备): once started, adds ``rate_per_h`` per hour up to ``max``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drillsim.response.simulation import Simulation
    from drillsim.response.tasks import Task
    from drillsim.response.units import Unit


class SupplySystem:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.world = sim.world
        self.catalog = sim.scenario.supplies
        self.delivered_total: dict[str, float] = {}
        self.requested_total: dict[str, float] = {}
        self._contracts_used: set[tuple[str, int]] = set()
        self._production_on: set[tuple[str, int]] = set()
        self._reserves = [(depot, place) for depot, place in self.world.places.items()
                          if place.contracts or place.production]
        """Places with contract or production reserves, in place order (places are fixed for a drill)."""

    # ------------------------------------------------------------------ queries
    def weight_t(self, items: dict[str, float]) -> float:
        return sum(q * self._kg(i) for i, q in items.items()) / 1000.0

    def _kg(self, item: str) -> float:
        s = self.catalog.get(item)
        return s.weight_kg if s else 1.0

    def total_stock(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for stock in self.world.stock.values():
            for i, q in stock.items():
                out[i] = out.get(i, 0.0) + q
        return out

    def pick_load(self, unit: Unit, task: Task) -> tuple[str | None, dict[str, float]]:
        """Choose the depot to load at and what to load (fits the unit's cargo capacity).

        The depot is ``task.source`` if given, else the one with the most useful stock
        per minute of detour (nearest first among depots holding any needed item).
        """
        need = {i: task.items.get(i, 0.0) - task.in_transit.get(i, 0.0) for i in task.items}
        need = {i: q for i, q in need.items() if q > 1e-9}
        if not need:
            return None, {}
        candidates = [task.source] if task.source else list(self.world.stock)
        candidates = [d for d in candidates if d in self.world.stock
                      and any(self.world.stock[d].get(i, 0.0) >= 1 for i in need)
                      and d != task.destination]
        if not candidates:
            return None, {}
        times = self.world.router.times_from_nearest(
            unit.node, [self.world.node_of(d) for d in candidates], unit.vehicle, unit.spec.ppe)
        reachable = list(zip(times.tolist(), candidates, strict=True))
        reachable = [(t, d) for t, d in reachable if t < float("inf")]
        if not reachable:
            return None, {}
        _, depot = min(reachable)
        cap_kg = unit.spec.capacity_cargo_t * 1000.0
        load: dict[str, float] = {}
        for item in sorted(need):
            avail = self.world.stock[depot].get(item, 0.0)
            kg = self._kg(item)
            room = cap_kg - sum(q * self._kg(i) for i, q in load.items())
            q = min(need[item], avail, room // kg if kg > 0 else need[item])
            if q >= 1:
                load[item] = float(int(q))
            elif q > 0 and need[item] < 1:
                load[item] = q
        return (depot, load) if load else (None, {})

    # ------------------------------------------------------------------ changes
    def take(self, depot: str, items: dict[str, float], by: str) -> dict[str, float]:
        stock = self.world.stock[depot]
        taken = {}
        for i, q in items.items():
            t = min(q, stock.get(i, 0.0))
            if t > 0:
                stock[i] = stock.get(i, 0.0) - t
                taken[i] = t
        self.sim.events.emit(self.sim.env.now, "supply.loaded", depot=depot, items=taken, unit=by,
                             tier=self.world.places[depot].tier)
        return taken

    def delivered(self, task: Task, items: dict[str, float], by: str) -> None:
        for i, q in items.items():
            self.delivered_total[i] = self.delivered_total.get(i, 0.0) + q
        if task.destination and task.destination in self.world.stock:
            dest = self.world.stock[task.destination]
            for i, q in items.items():
                dest[i] = dest.get(i, 0.0) + q
        self.sim.events.emit(self.sim.env.now, "supply.delivered", task=task.id, items=items, unit=by,
                             to=task.destination)

    def add(self, depot: str, item: str, quantity: float, cause: str) -> None:
        stock = self.world.stock[depot]
        stock[item] = stock.get(item, 0.0) + quantity
        self.sim.events.emit(self.sim.env.now, "supply.added", depot=depot, item=item,
                             quantity=quantity, cause=cause, stock=stock[item])
        self.sim.dispatcher.supplies_changed()

    def activate_contract(self, depot: str, index: int, by: str = "auto") -> bool:
        place = self.world.places[depot]
        if index >= len(place.contracts) or (depot, index) in self._contracts_used:
            return False
        self._contracts_used.add((depot, index))
        c = place.contracts[index]
        lead = float(c.get("lead_time_min", 0))
        self.sim.events.emit(self.sim.env.now, "supply.contract_activated", depot=depot, item=c["item"],
                             quantity=c["quantity"], lead_time_min=lead, by=by)

        def arrive() -> Generator:
            yield self.sim.env.timeout(lead)
            self.add(depot, c["item"], float(c["quantity"]), cause="contract")

        self.sim.env.process(arrive())
        return True

    def start_production(self, depot: str, index: int, by: str = "auto") -> bool:
        place = self.world.places[depot]
        if index >= len(place.production) or (depot, index) in self._production_on:
            return False
        self._production_on.add((depot, index))
        p = place.production[index]
        rate, cap = float(p["rate_per_h"]), float(p.get("max", float("inf")))
        self.sim.events.emit(self.sim.env.now, "supply.production_started", depot=depot, item=p["item"],
                             rate_per_h=rate, max=cap, by=by)

        def produce() -> Generator:
            made = 0.0
            while made < cap:
                yield self.sim.env.timeout(60.0)
                q = min(rate, cap - made)
                made += q
                self.add(depot, p["item"], q, cause="production")

        self.sim.env.process(produce())
        return True

    def request_replenishment(self, task: Task) -> None:
        """Auto mode: activate contracts / production for items a task lacks."""
        if not self.sim.dispatcher.enabled:
            return
        for depot, place in self._reserves:
            for k, c in enumerate(place.contracts):
                if c["item"] in task.items and task.items[c["item"]] > 0:
                    self.activate_contract(depot, k)
            for k, p in enumerate(place.production):
                if p["item"] in task.items and task.items[p["item"]] > 0:
                    self.start_production(depot, k)

    def state(self) -> dict[str, Any]:
        return {"stock": self.world.stock, "delivered": self.delivered_total,
                "requested": self.requested_total}
