"""Fastest routes over the live road network, by scipy.sparse.csgraph Dijkstra.

scipy's C Dijkstra on a CSR view is ~20x faster than networkx on 100k-node
graphs (measured, bench/router.py). Searches are bounded with ``limit``: a lower
bound on the trip time (straight line at the fastest speed) times a growing
factor, so a short trip explores a small ball of the graph, not the whole city.
Path costs equal networkx's (property-tested with hypothesis).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from drillsim.world.network import RoadNetwork


@dataclass
class Route:
    """A path through the network with cumulative travel time at each node."""

    nodes: np.ndarray
    """Node indices, origin first."""
    arcs: np.ndarray
    """CSR arc positions between consecutive nodes (len(nodes) - 1)."""
    roads: np.ndarray
    """Road index of each arc."""
    times: np.ndarray
    """Cumulative minutes from the origin at each node (times[0] == 0)."""

    @property
    def minutes(self) -> float:
        return float(self.times[-1]) if len(self.times) else 0.0

    def position(self, net: RoadNetwork, elapsed: float) -> tuple[float, float, int]:
        """(x, y, index of the last node passed) after ``elapsed`` minutes along the route."""
        if len(self.nodes) == 1 or elapsed <= 0:
            n = int(self.nodes[0])
            return float(net.x[n]), float(net.y[n]), 0
        if elapsed >= self.times[-1]:
            n = int(self.nodes[-1])
            return float(net.x[n]), float(net.y[n]), len(self.nodes) - 1
        k = int(np.searchsorted(self.times, elapsed, side="right")) - 1
        a, b = int(self.nodes[k]), int(self.nodes[k + 1])
        span = self.times[k + 1] - self.times[k]
        f = 0.0 if span <= 0 else (elapsed - self.times[k]) / span
        return float(net.x[a] + f * (net.x[b] - net.x[a])), float(net.y[a] + f * (net.y[b] - net.y[a])), k


class Router:
    def __init__(self, net: RoadNetwork) -> None:
        self.net = net
        classes_speed = net._base_speed.max() if net.n_roads else 1.0
        self._max_speed = float(classes_speed)  # m/min, fastest road, factor 1

    def lower_bound(self, a: int, b: int) -> float:
        """Straight-line minutes at the fastest speed: never more than the true time."""
        d = float(np.hypot(self.net.x[a] - self.net.x[b], self.net.y[a] - self.net.y[b]))
        return d / self._max_speed

    def times_from(self, src: int, vehicle: str = "ordinary", ppe: bool = False,
                   limit: float = np.inf) -> np.ndarray:
        """Minutes from ``src`` to every node (inf beyond ``limit`` or unreachable)."""
        return dijkstra(self.net.matrix(vehicle, ppe), indices=src, limit=limit)

    def times_to(self, dst: int, vehicle: str = "ordinary", ppe: bool = False,
                 limit: float = np.inf, predecessors: bool = False):
        """Minutes from every node to ``dst`` (searching the transposed graph)."""
        m = self.net.matrix(vehicle, ppe, transposed=self.net.directed)
        return dijkstra(m, indices=dst, limit=limit, return_predecessors=predecessors)

    def route(self, src: int, dst: int, vehicle: str = "ordinary", ppe: bool = False) -> Route | None:
        """Fastest route src -> dst for a vehicle class, or None if unreachable."""
        if src == dst:
            return Route(np.array([src]), np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.zeros(1))
        m = self.net.matrix(vehicle, ppe)
        limit = max(self.lower_bound(src, dst) * 2.0, 5.0)
        reached_before = -1
        while True:
            dist, pred = dijkstra(m, indices=src, limit=limit, return_predecessors=True)
            if np.isfinite(dist[dst]):
                return self._build(src, dst, pred, dist)
            reached = int(np.isfinite(dist).sum())
            if reached == self.net.n_nodes:
                return None
            if reached == reached_before:  # growth stalled: settle it with one unbounded search
                dist, pred = dijkstra(m, indices=src, return_predecessors=True)
                return self._build(src, dst, pred, dist) if np.isfinite(dist[dst]) else None
            reached_before = reached
            limit *= 3.0

    def route_from_tree(self, src: int, dst: int, pred_to_dst: np.ndarray, vehicle: str,
                        ppe: bool = False) -> Route:
        """Route src -> dst from a predecessor tree grown backwards from dst (``times_to``)."""
        nodes = [src]
        n = src
        while n != dst:
            n = int(pred_to_dst[n])
            if n < 0:
                raise ValueError("src is not in the tree")
            nodes.append(n)
        return self._with_times(np.array(nodes, dtype=np.int64), vehicle, ppe)

    def _build(self, src: int, dst: int, pred: np.ndarray, dist: np.ndarray) -> Route:
        nodes = [dst]
        n = dst
        while n != src:
            n = int(pred[n])
            nodes.append(n)
        nodes.reverse()
        arr = np.array(nodes, dtype=np.int64)
        arcs = np.array([self.net.arc_between(int(a), int(b)) for a, b in zip(arr[:-1], arr[1:], strict=True)],
                        dtype=np.int64)
        times = dist[arr]
        return Route(arr, arcs, self.net.arc_road[arcs], times - times[0])

    def _with_times(self, nodes: np.ndarray, vehicle: str, ppe: bool) -> Route:
        arcs = np.array([self.net.arc_between(int(a), int(b)) for a, b in zip(nodes[:-1], nodes[1:], strict=True)],
                        dtype=np.int64)
        w = self.net.matrix(vehicle, ppe).data[arcs] if arcs.size else np.array([])
        times = np.concatenate([[0.0], np.cumsum(w)])
        return Route(nodes, arcs, self.net.arc_road[arcs] if arcs.size else arcs, times)
