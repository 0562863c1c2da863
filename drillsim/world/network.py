"""Road network as arrays, with live per-road state and per-vehicle CSR weights.

A *road* is one graph edge (both directions of a two-way road share it); an
*arc* is one direction. Travel time on an arc, in minutes, is

    length / (road speed * vehicle factor * road speed factor)

where the road speed is the edge's own ``speed_kmh`` (an imported posted limit)
or else its class speed (resources/data/roads.yaml)

and infinite where the road is closed, or flooded deeper than the vehicle class
can drive, or contaminated for a vehicle without protective equipment. The CSR
matrices keep a fixed structure; a state change rewrites only the changed arcs'
weights (incremental, O(changed arcs)).
"""

from __future__ import annotations

from enum import StrEnum

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from drillsim.scenario import catalog


class RoadStatus(StrEnum):
    OPEN = "open"
    DAMAGED = "damaged"
    CLOSED = "closed"
    FLOODED = "flooded"
    CONTAMINATED = "contaminated"


VEHICLE_CLASSES = ("ordinary", "high_clearance", "heavy")


class RoadNetwork:
    def __init__(self, graph: nx.Graph) -> None:
        classes = catalog.road_classes()
        vehicles = catalog.vehicles()
        self.class_names = list(classes)
        self.node_ids = list(graph.nodes)
        self.node_index = {n: i for i, n in enumerate(self.node_ids)}
        self.x = np.array([float(graph.nodes[n]["x"]) for n in self.node_ids])
        self.y = np.array([float(graph.nodes[n]["y"]) for n in self.node_ids])
        self.n_nodes = len(self.node_ids)
        self._kdtree = cKDTree(np.column_stack([self.x, self.y]))

        u, v, length, cls, bridge, ids, names, own_speed = [], [], [], [], [], [], [], []
        seen_pairs: set[tuple[int, int]] = set()
        seen_ids: set[str] = set()
        directed = graph.is_directed()
        for a, b, d in graph.edges(data=True):
            ia, ib = self.node_index[a], self.node_index[b]
            if ia == ib:
                continue
            key = (ia, ib) if directed else (min(ia, ib), max(ia, ib))
            if key in seen_pairs:
                continue  # parallel edges: keep the first
            seen_pairs.add(key)
            rid = str(d.get("id", f"r{len(ids)}"))
            if rid in seen_ids:
                rid = f"{rid}_{len(ids)}"
            seen_ids.add(rid)
            u.append(ia)
            v.append(ib)
            length.append(float(d.get("length", 1.0)))
            c = d.get("road_class", "local")
            cls.append(self.class_names.index(c) if c in self.class_names else self.class_names.index("local"))
            bridge.append(bool(d.get("bridge", False)))
            ids.append(rid)
            names.append(str(d.get("name", "")))
            own_speed.append(float(d.get("speed_kmh") or 0.0))
        self.directed = directed
        self.u = np.array(u, dtype=np.int64)
        self.v = np.array(v, dtype=np.int64)
        self.length = np.array(length)
        self.road_class = np.array(cls, dtype=np.int16)
        self.bridge = np.array(bridge, dtype=bool)
        self.road_ids = ids
        self.road_names = names
        self.road_index = {r: i for i, r in enumerate(ids)}
        self.n_roads = len(ids)
        self.mid_x = (self.x[self.u] + self.x[self.v]) / 2
        self.mid_y = (self.y[self.u] + self.y[self.v]) / 2
        self._mid_tree = cKDTree(np.column_stack([self.mid_x, self.mid_y])) if self.n_roads else None

        # live state
        self.status = np.array([RoadStatus.OPEN.value] * self.n_roads, dtype=object)
        self.speed_factor = np.ones(self.n_roads)
        self.water_depth = np.zeros(self.n_roads)
        self.contaminated = np.zeros(self.n_roads, dtype=bool)
        self.closed = np.zeros(self.n_roads, dtype=bool)
        self.version = 0

        # arcs, sorted by (src, dst) -> CSR positions
        if directed:
            src, dst, road = self.u, self.v, np.arange(self.n_roads)
        else:
            src = np.concatenate([self.u, self.v])
            dst = np.concatenate([self.v, self.u])
            road = np.concatenate([np.arange(self.n_roads)] * 2)
        order = np.lexsort((dst, src))
        self.arc_src, self.arc_dst, self.arc_road = src[order], dst[order], road[order]
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.arc_src, minlength=self.n_nodes), out=indptr[1:])
        self.indptr = indptr
        # transpose structure: arcs sorted by (dst, src), positions into the forward data
        t_order = np.lexsort((self.arc_src, self.arc_dst))
        self.t_perm = t_order
        self._arc_key = self.arc_src * self.n_nodes + self.arc_dst  # sorted: arcs are in (src, dst) order
        # road -> its arcs (one or two), for O(changed roads) weight updates
        self._road_arc_order = np.argsort(self.arc_road, kind="stable")
        self._road_arc_ptr = np.zeros(self.n_roads + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.arc_road, minlength=self.n_roads), out=self._road_arc_ptr[1:])
        self.changes: list[tuple[int, np.ndarray]] = []
        """(version, roads) of every state change, so caches can check what changed since."""
        t_indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.arc_dst, minlength=self.n_nodes), out=t_indptr[1:])
        self.t_indptr = t_indptr
        self.t_indices = self.arc_src[t_order]
        self.t_inverse = np.empty_like(t_order)
        self.t_inverse[t_order] = np.arange(t_order.size)

        speeds = np.array([classes[c]["speed_kmh"] for c in self.class_names]) * 1000.0 / 60.0
        own = np.array(own_speed, dtype=float) * 1000.0 / 60.0
        self._base_speed = np.where(own > 0, own, speeds[self.road_class])  # m/min per road
        self._vehicle = {name: vehicles[name] for name in VEHICLE_CLASSES}
        self._weights: dict[tuple[str, bool], np.ndarray] = {}
        self._matrices: dict[tuple[str, bool, bool], sp.csr_matrix] = {}
        self._class_version = -1
        self._classes: dict[tuple[str, bool], tuple[str, bool]] = {}

    # ------------------------------------------------------------------ lookup
    def nearest_node(self, x: float, y: float) -> int:
        return int(self._kdtree.query([x, y])[1])

    def nearest_road(self, x: float, y: float) -> int:
        return int(self._mid_tree.query([x, y])[1])

    def roads_within(self, x: float, y: float, radius: float) -> list[int]:
        return sorted(self._mid_tree.query_ball_point([x, y], radius)) if self._mid_tree else []

    def road(self, road_id: str) -> int:
        return self.road_index[road_id]

    def arc_between(self, a: int, b: int) -> int:
        """CSR position of the arc a -> b (raises KeyError if none)."""
        lo, hi = self.indptr[a], self.indptr[a + 1]
        k = lo + int(np.searchsorted(self.arc_dst[lo:hi], b))
        if k < hi and self.arc_dst[k] == b:
            return k
        raise KeyError((a, b))

    def arcs_along(self, nodes: np.ndarray) -> np.ndarray:
        """CSR positions of the arcs between consecutive ``nodes`` (one vectorised search)."""
        nodes = np.asarray(nodes, dtype=np.int64)
        if nodes.size < 2:
            return np.array([], dtype=np.int64)
        keys = nodes[:-1] * self.n_nodes + nodes[1:]
        k = np.searchsorted(self._arc_key, keys)
        if (k >= self._arc_key.size).any() or (self._arc_key[np.minimum(k, self._arc_key.size - 1)] != keys).any():
            raise KeyError("no arc between some consecutive nodes")
        return k.astype(np.int64)

    def arcs_of(self, roads: np.ndarray) -> np.ndarray:
        """CSR positions of all arcs of ``roads`` (sorted)."""
        roads = np.asarray(roads, dtype=np.int64)
        lo, hi = self._road_arc_ptr[roads], self._road_arc_ptr[roads + 1]
        pos = np.concatenate([self._road_arc_order[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]) \
            if roads.size else np.array([], dtype=np.int64)
        return np.unique(pos)

    def roads_changed_since(self, version: int) -> np.ndarray:
        """Roads whose state changed after ``version``."""
        out = []
        for v, r in reversed(self.changes):
            if v <= version:
                break
            out.append(r)
        return np.unique(np.concatenate(out)) if out else np.array([], dtype=np.int64)

    def weight_class(self, vehicle: str, ppe: bool = False) -> tuple[str, bool]:
        """The first (vehicle, ppe) class whose weights are proportional to this one's.

        Per road, weight = length / (base speed * vehicle factor * speed factor), so
        two classes differ by a constant factor unless they differ in which roads
        they may use (water depth between their limits, contamination without
        PPE). Proportional classes have the same fastest paths, so they can share
        search trees.
        """
        vehicle = vehicle if vehicle in self._vehicle else "ordinary"
        if self._class_version != self.version:
            self._class_version = self.version
            self._classes = {}
        key = (vehicle, bool(ppe))
        if key not in self._classes:
            mine = self._blocked(*key)
            self._classes[key] = key
            for other in ((v, p) for p in (False, True) for v in VEHICLE_CLASSES):
                if other == key:
                    break
                if np.array_equal(self._blocked(*other), mine):
                    self._classes[key] = other
                    break
        return self._classes[key]

    def _blocked(self, vehicle: str, ppe: bool) -> np.ndarray:
        veh = self._vehicle[vehicle]
        blocked = self.closed | (self.water_depth > veh["max_water_depth_m"])
        return blocked if ppe else blocked | self.contaminated

    # ------------------------------------------------------------------ state
    def set_state(
        self,
        roads: list[int] | np.ndarray,
        status: RoadStatus | str | None = None,
        speed_factor: float | None = None,
        water_depth: float | np.ndarray | None = None,
        contaminated: bool | None = None,
    ) -> None:
        """Change live state of some roads and update weights incrementally."""
        roads = np.asarray(roads, dtype=np.int64)
        if roads.size == 0:
            return
        if status is not None:
            self.status[roads] = RoadStatus(status).value
            self.closed[roads] = RoadStatus(status) == RoadStatus.CLOSED
            if RoadStatus(status) == RoadStatus.OPEN:
                self.speed_factor[roads] = 1.0
                self.water_depth[roads] = 0.0
                self.contaminated[roads] = False
        if speed_factor is not None:
            self.speed_factor[roads] = max(0.01, float(speed_factor))
        if water_depth is not None:
            self.water_depth[roads] = water_depth
        if contaminated is not None:
            self.contaminated[roads] = contaminated
        self.version += 1
        self.changes.append((self.version, roads))
        if self._weights:
            pos = self.arcs_of(roads)
            for (vehicle, ppe), w in self._weights.items():
                w[pos] = self._arc_weights(vehicle, ppe, self.arc_road[pos])
            for (vehicle, ppe, transposed), m in self._matrices.items():
                w = self._weights[(vehicle, ppe)]
                m.data[self.t_inverse[pos] if transposed else pos] = w[pos]

    def road_minutes(self, vehicle: str = "ordinary", ppe: bool = False) -> np.ndarray:
        """Travel time (min) of every road for a vehicle class; inf if impassable."""
        return self._road_weights(vehicle, ppe, np.arange(self.n_roads))

    def passable(self, road: int, vehicle: str, ppe: bool = False) -> bool:
        return bool(np.isfinite(self._road_weights(vehicle, ppe, np.array([road]))[0]))

    def _road_weights(self, vehicle: str, ppe: bool, roads: np.ndarray) -> np.ndarray:
        veh = self._vehicle.get(vehicle, self._vehicle["ordinary"])
        speed = self._base_speed[roads] * veh["factor"] * self.speed_factor[roads]
        w = self.length[roads] / speed
        blocked = self.closed[roads] | (self.water_depth[roads] > veh["max_water_depth_m"])
        if not ppe:
            blocked |= self.contaminated[roads]
        return np.where(blocked, np.inf, w)

    def _arc_weights(self, vehicle: str, ppe: bool, roads: np.ndarray) -> np.ndarray:
        return self._road_weights(vehicle, ppe, roads)

    def matrix(self, vehicle: str = "ordinary", ppe: bool = False, transposed: bool = False) -> sp.csr_matrix:
        """CSR travel-time matrix (minutes) for a vehicle class; kept in sync with state."""
        vehicle = vehicle if vehicle in self._vehicle else "ordinary"
        key = (vehicle, ppe, transposed)
        if key not in self._matrices:
            if (vehicle, ppe) not in self._weights:
                self._weights[(vehicle, ppe)] = self._arc_weights(vehicle, ppe, self.arc_road)
            w = self._weights[(vehicle, ppe)]
            if transposed:
                m = sp.csr_matrix((w[self.t_perm].copy(), self.t_indices, self.t_indptr),
                                  shape=(self.n_nodes, self.n_nodes))
            else:
                m = sp.csr_matrix((w.copy(), self.arc_dst, self.indptr), shape=(self.n_nodes, self.n_nodes))
            self._matrices[key] = m
        return self._matrices[key]
