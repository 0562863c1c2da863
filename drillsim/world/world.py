"""The live world: road network + router + places with their live state.

Hazards and the response change the world only through its methods, and every
change is emitted on the event stream (``road.state``, ``place.*``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from drillsim.core.events import EventStream
from drillsim.core.rng import RandomStreams
from drillsim.scenario.maps import MapData
from drillsim.scenario.model import Place, Scenario
from drillsim.world.network import RoadNetwork, RoadStatus
from drillsim.world.router import Router


class World:
    def __init__(self, map_data: MapData, scenario: Scenario, events: EventStream,
                 now: Callable[[], float], rng: RandomStreams | None = None) -> None:
        self.map = map_data
        self.scenario = scenario
        self.events = events
        self.now = now
        self.rng = rng or RandomStreams(scenario.meta.seed)
        self.net = RoadNetwork(map_data.graph)
        self.router = Router(self.net)
        self.places: dict[str, Place] = {}
        for d in map_data.places:
            d = dict(d)
            kind = d.pop("kind")
            self.places[str(d["id"])] = Place.from_dict(kind, d)
        for p in scenario.places:
            self.places[p.id] = p
        self.place_node = {pid: self.net.nearest_node(*p.at) for pid, p in self.places.items()}
        self.router.hubs = {self.place_node[pid] for pid, p in self.places.items()
                            if p.kind in ("station", "hospital", "shelter", "depot")}
        # live state
        self.stock: dict[str, dict[str, float]] = {
            pid: dict(p.stock) for pid, p in self.places.items() if p.kind == "depot"}
        self.occupancy: dict[str, int] = {pid: 0 for pid, p in self.places.items() if p.kind == "shelter"}
        # shelters are closed until someone opens them (or the scenario starts them open)
        opened = set(scenario.initial.get("open_shelters") or [])
        self.shelter_open: dict[str, bool] = {
            pid: bool(p.attrs.get("open", False)) or pid in opened
            for pid, p in self.places.items() if p.kind == "shelter"}
        self._order_closed: set[int] = set()
        self.shelters_held_closed: set[str] = set()
        """Shelters closed by a decision (an order or inject): auto mode never reopens them."""
        self.beds_used: dict[str, int] = {pid: 0 for pid, p in self.places.items() if p.kind == "hospital"}
        self.residents: dict[str, int] = {
            pid: p.population for pid, p in self.places.items() if p.kind == "community"}
        closed = [self.net.road_index[r] for r in scenario.initial.get("closed_roads") or []
                  if r in self.net.road_index]
        if closed:
            self.net.set_state(closed, status=RoadStatus.CLOSED)
        self.flags: dict[str, dict[str, Any]] = {}
        """Per-place hazard flags, e.g. {'c3': {'flood_hazard': 'H3'}}."""
        self._by_kind: tuple[int, dict[str, list[Place]]] | None = None

    # ------------------------------------------------------------------ places
    def of_kind(self, kind: str) -> list[Place]:
        """Places of a kind, in place order (indexed; rebuilt if places were added)."""
        by_kind = self._by_kind
        if by_kind is None or by_kind[0] != len(self.places):
            index: dict[str, list[Place]] = {}
            for p in self.places.values():
                index.setdefault(p.kind, []).append(p)
            by_kind = self._by_kind = (len(self.places), index)
        return list(by_kind[1].get(kind, ()))

    def node_of(self, place_id: str) -> int:
        return self.place_node[place_id]

    def shelter_free(self, pid: str) -> int:
        if not self.shelter_open.get(pid, False):
            return 0
        return max(0, self.places[pid].capacity - self.occupancy[pid])

    def beds_free(self, pid: str) -> int:
        return max(0, self.places[pid].capacity - self.beds_used[pid])

    def set_flag(self, place_id: str, key: str, value: Any) -> None:
        old = self.flags.setdefault(place_id, {}).get(key)
        if old != value:
            self.flags[place_id][key] = value
            self.events.emit(self.now(), "place.flag", place=place_id, key=key, value=value)

    # ------------------------------------------------------------------ roads
    def set_roads(self, roads: list[int] | np.ndarray, status: RoadStatus | str, cause: str,
                  **state: Any) -> None:
        """Change road state and emit one ``road.state`` event naming the roads."""
        roads = [int(r) for r in roads]
        if not roads:
            return
        self.net.set_state(roads, status=status, **state)
        for r in roads:  # remember which closures are decisions (orders, injects), not damage
            if RoadStatus(status) == RoadStatus.OPEN:
                self._order_closed.discard(r)
            elif RoadStatus(status) == RoadStatus.CLOSED and cause.startswith(("order:", "inject:")):
                self._order_closed.add(r)
        payload: dict[str, Any] = {"roads": [self.net.road_ids[r] for r in roads],
                                   "status": RoadStatus(status).value, "cause": cause}
        for k, v in state.items():
            if np.isscalar(v):
                payload[k] = v
        self.events.emit(self.now(), "road.state", **payload)

    def road_closed_by_order(self, road: int) -> bool:
        """True while a road is closed by a decision (traffic control), which teams leave alone."""
        return road in self._order_closed

    def snapshot(self) -> dict[str, Any]:
        """JSON-able live state of the world (for replay snapshots and the GUI)."""
        changed = np.nonzero(self.net.status != RoadStatus.OPEN.value)[0]
        return {
            "roads": {self.net.road_ids[r]: self.net.status[r] for r in changed},
            "stock": self.stock, "occupancy": self.occupancy, "beds_used": self.beds_used,
            "residents": self.residents, "flags": self.flags,
        }
