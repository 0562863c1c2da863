"""Fastest routes over the live road network, by scipy.sparse.csgraph Dijkstra.

scipy's C Dijkstra on a CSR view is ~20x faster than networkx on 100k-node
graphs (measured, bench/router.py). Searches are bounded with ``limit``: a lower
bound on the trip time (straight line at the fastest speed) times a growing
factor, so a short trip explores a small ball of the graph, not the whole city.
Path costs equal networkx's (property-tested with hypothesis).

When several units need routes to the same destination (a road closed under
1,000 units in transit; units returning to a base; casualties to a hospital),
one backward search from the destination serves all of them: :meth:`Router.expect`
registers demand, and :meth:`Router.route` builds a predecessor tree once a
destination is wanted often enough (``TREE_AFTER``) and walks it for every later request. A tree
survives road changes that cannot alter it (a changed road off the tree that
offers no shortcut); a shortcut drops it, and a path through a changed tree
edge falls back to a search and drops it. Vehicle classes whose weights
are proportional (same passable roads) share trees.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
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


TREE_AFTER = 4
"""Requests to one destination before a full backward tree (~2-3 bounded searches' cost) pays off."""
MAX_TREES = 128
"""Cached backward trees (int32 predecessors + float64 times: 1.2 MB each at 100k nodes)."""


class Router:
    def __init__(self, net: RoadNetwork, shared_trees: bool = True) -> None:
        self.net = net
        self.shared_trees = shared_trees
        """False: every route is its own bounded search (for comparisons)."""
        classes_speed = net._base_speed.max() if net.n_roads else 1.0
        self._max_speed = float(classes_speed)  # m/min, fastest road, factor 1
        self._tree_version = net.version
        self._trees: OrderedDict[tuple[int, str, bool], tuple[array, np.ndarray, set[int]]] = OrderedDict()
        self._demand: dict[tuple[int, str, bool], int] = {}

    def lower_bound(self, a: int, b: int) -> float:
        """Straight-line minutes at the fastest speed: never more than the true time."""
        d = float(np.hypot(self.net.x[a] - self.net.x[b], self.net.y[a] - self.net.y[b]))
        return d / self._max_speed

    def lower_bounds(self, src: int, nodes: np.ndarray) -> np.ndarray:
        """:meth:`lower_bound` from ``src`` to many nodes at once."""
        nodes = np.asarray(nodes, dtype=np.int64)
        return np.hypot(self.net.x[nodes] - self.net.x[src], self.net.y[nodes] - self.net.y[src]) / self._max_speed

    def times_from(self, src: int, vehicle: str = "ordinary", ppe: bool = False,
                   limit: float = np.inf) -> np.ndarray:
        """Minutes from ``src`` to every node (inf beyond ``limit`` or unreachable)."""
        return dijkstra(self.net.matrix(vehicle, ppe), indices=src, limit=limit)

    def times_to(self, dst: int, vehicle: str = "ordinary", ppe: bool = False,
                 limit: float = np.inf, predecessors: bool = False):
        """Minutes from every node to ``dst`` (searching the transposed graph)."""
        m = self.net.matrix(vehicle, ppe, transposed=self.net.directed)
        return dijkstra(m, indices=dst, limit=limit, return_predecessors=predecessors)

    def times_from_nearest(self, src: int, targets: list[int] | np.ndarray, vehicle: str = "ordinary",
                           ppe: bool = False) -> np.ndarray:
        """Minutes from ``src``, exact for every node up to the nearest reachable target.

        A growing bounded search instead of a full one: nodes farther than the
        final limit are inf, but the limit is never below the nearest target's
        time, so ``min`` over targets (with any tie-break) gives the same answer
        as the full :meth:`times_from`.
        """
        targets = np.asarray(targets, dtype=np.int64)
        if targets.size == 0:
            return np.full(self.net.n_nodes, np.inf)
        known = self._times_from_trees(src, targets, vehicle, ppe)
        if known is not None:
            return known
        limit = max(float(self.lower_bounds(src, targets).min()) * 2.0, 5.0)
        m = self.net.matrix(vehicle, ppe)
        reached_before = -1
        while True:
            dist = dijkstra(m, indices=src, limit=limit)
            if np.isfinite(dist[targets]).any():
                return dist
            reached = int(np.count_nonzero(np.isfinite(dist)))
            if reached == self.net.n_nodes or reached == reached_before:
                return dist  # every reachable node is settled: no target is reachable
            reached_before = reached
            limit *= 3.0

    def _times_from_trees(self, src: int, targets: np.ndarray, vehicle: str, ppe: bool) -> np.ndarray | None:
        """Target times from cached trees, if they settle the nearest target without a search.

        Targets without a tree get inf; that is safe only when the best known time
        is below their lower bounds (so none of them can be nearer or tie).
        """
        out = np.full(self.net.n_nodes, np.inf)
        unknown = []
        for t in targets.tolist():
            dist = self.cached_times_to(t, vehicle, ppe)
            if dist is None:
                unknown.append(t)
            else:
                out[t] = dist[src]
        best = float(out[targets].min())
        if not np.isfinite(best):
            return None
        if unknown and float(self.lower_bounds(src, np.array(unknown)).min()) <= best:
            return None
        return out

    # ------------------------------------------------------------------ shared trees
    def _tree_key(self, dst: int, vehicle: str, ppe: bool) -> tuple[int, str, bool]:
        """Cache key: the destination and the weight class; stale trees are dropped first."""
        if self._tree_version != self.net.version:
            self._drop_stale_trees()
        v, p = self.net.weight_class(vehicle, ppe)
        return (int(dst), v, p)

    def _drop_stale_trees(self) -> None:
        """Keep only trees that the road changes since they were built cannot have altered.

        A backward tree (next hop ``pred``, time to the root ``dist``) stays exact
        after arc u->v changes weight if the arc does not now give a shortcut
        (dist[v] + w >= dist[u]), except for paths through a changed tree edge
        (pred[u] == v): such u are marked dirty and paths through them are not used.
        """
        net = self.net
        roads = net.roads_changed_since(self._tree_version)
        self._tree_version = net.version
        if not self._trees or roads.size == 0:
            return
        pos = net.arcs_of(roads)
        u, v = net.arc_src[pos], net.arc_dst[pos]
        for key in list(self._trees):
            pred_arr, dist, dirty = self._trees[key]
            pred = np.frombuffer(pred_arr, dtype=np.int32)
            w = net.matrix(key[1], key[2]).data[pos]
            if (dist[v] + w < dist[u]).any():
                del self._trees[key]  # a shortcut may improve any node: rebuild when wanted
                continue
            # a changed tree edge u->v spoils the paths through u only; they fall back to a search
            dirty.update(u[pred[u] == v].tolist())

    def expect(self, dst: int, vehicle: str = "ordinary", ppe: bool = False) -> None:
        """Note that a unit will soon ask for a route to ``dst`` (e.g. it must re-route).

        Counts as several requests: two expected units are enough for a shared tree.
        """
        key = self._tree_key(dst, vehicle, ppe)
        tree = self._trees.get(key)
        if tree is not None and tree[2]:
            del self._trees[key]  # units re-route because roads changed: regrow the tree for all of them
        self._demand[key] = self._demand.get(key, 0) + TREE_AFTER // 2

    def _shared_tree(self, dst: int, vehicle: str, ppe: bool) -> tuple[array, np.ndarray, set[int]] | None:
        """The cached backward tree to ``dst``, built once enough routes were wanted there."""
        if not self.shared_trees:
            return None
        key = self._tree_key(dst, vehicle, ppe)
        tree = self._trees.get(key)
        if tree is not None:
            self._trees.move_to_end(key)
            return tree
        self._demand[key] = self._demand.get(key, 0) + 1
        if self._demand[key] >= TREE_AFTER:
            if len(self._trees) >= MAX_TREES:
                self._trees.popitem(last=False)
            dist, pred = self.times_to(dst, key[1], key[2], predecessors=True)
            # array('i') indexes to plain ints faster than numpy, at the same 4 bytes/node
            tree = self._trees[key] = (array("i", pred.astype(np.int32).tobytes()), dist, set())
        return tree

    def cached_times_to(self, dst: int, vehicle: str, ppe: bool = False) -> np.ndarray | None:
        """Times from every node to ``dst`` if a valid tree for it is cached (no search)."""
        key = self._tree_key(dst, vehicle, ppe)
        tree = self._trees.get(key)
        return None if tree is None or tree[2] else tree[1]

    def reroute_many(self, trips: list[tuple[int, int, str]], ppe: bool = False) -> list[Route | None]:
        """Routes for many (src, dst, vehicle) trips: one backward search per destination."""
        for _, dst, vehicle in trips:
            self.expect(dst, vehicle, ppe)
        return [self.route(src, dst, vehicle, ppe) for src, dst, vehicle in trips]

    def clear_cache(self) -> None:
        self._trees.clear()
        self._demand.clear()

    # ------------------------------------------------------------------ point to point
    def route(self, src: int, dst: int, vehicle: str = "ordinary", ppe: bool = False) -> Route | None:
        """Fastest route src -> dst for a vehicle class, or None if unreachable."""
        if src == dst:
            return Route(np.array([src]), np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.zeros(1))
        tree = self._shared_tree(dst, vehicle, ppe)
        if tree is not None:
            if tree[0][src] < 0:
                return None
            route = self.route_from_tree(src, dst, tree[0], vehicle, ppe, avoid=tree[2])
            if route is not None:
                return route
            # the path met a changed tree edge: drop the tree; regrow it only if still in demand
            key = self._tree_key(dst, vehicle, ppe)
            del self._trees[key]
            self._demand[key] = 0
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

    def route_from_tree(self, src: int, dst: int, pred_to_dst: np.ndarray | array, vehicle: str,
                        ppe: bool = False, avoid: set[int] | None = None) -> Route | None:
        """Route src -> dst from a predecessor tree grown backwards from dst (``times_to``).

        None if the path passes a node in ``avoid`` (its next hop is no longer known to be fastest).
        """
        nodes = [src]
        n = src
        while n != dst:
            if avoid and n in avoid:
                return None
            n = pred_to_dst[n]
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
        arcs = self.net.arcs_along(arr)
        times = dist[arr]
        return Route(arr, arcs, self.net.arc_road[arcs], times - times[0])

    def _with_times(self, nodes: np.ndarray, vehicle: str, ppe: bool) -> Route:
        arcs = self.net.arcs_along(nodes)
        w = self.net.matrix(vehicle, ppe).data[arcs] if arcs.size else np.array([])
        times = np.concatenate([[0.0], np.cumsum(w)])
        return Route(nodes, arcs, self.net.arc_road[arcs] if arcs.size else arcs, times)
