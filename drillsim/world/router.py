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
destination is wanted often enough (``TREE_AFTER``; ``HUB_AFTER`` for *hubs*:
bases, hospitals, shelters, depots) and walks it for every later request. On a two-way
network a hub's tree also gives routes and times *from* the hub.

Trees are kept exact under road changes by repair, not rebuilt: a tree edge
that got slower marks its node dirty (paths through it are not trusted; the
dirty subtrees are recomputed by a restricted Dijkstra when a path meets one),
and an arc that became a shortcut is propagated (a pruned Dijkstra) before the
tree is used again. A large dirty subtree is recomputed by one scipy search on
its induced subgraph (reversed, with a virtual source holding each node's best
time through the unchanged rest of the tree); a small one, and shortcuts, by a
heap in Python. A repair larger than ``REPAIR_CAP`` nodes rebuilds instead.
Vehicle classes whose weights are proportional (same passable roads) share trees.

The last few bounded searches (dispatcher balls, nearest hospital/shelter/depot)
are kept too: the route to the unit or place they found is walked from their
predecessors, with no second search.
"""

from __future__ import annotations

import heapq
from array import array
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
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

    def index_at(self, elapsed: float) -> int:
        """Index of the last node passed after ``elapsed`` minutes (:meth:`position`'s third value)."""
        if len(self.nodes) == 1 or elapsed <= 0:
            return 0
        if elapsed >= self.times[-1]:
            return len(self.nodes) - 1
        return int(self.times.searchsorted(elapsed, side="right")) - 1

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
HUB_AFTER = 2
"""Requests to a hub (base, hospital, shelter, depot) before its tree is built."""
MAX_TREES = 192
"""Cached backward trees (int32 predecessors + float64 times: 1.2 MB each at 100k nodes)."""
MAX_BALLS = 6
"""Recent bounded searches kept per direction, so the route after a nearest-X search needs no search."""
REPAIR_CAP = 10000
"""Nodes a tree repair may touch in Python before a full scipy rebuild (~30 ms at 100k nodes) is cheaper."""
EPS = 1e-9
START_DETOUR, MAX_DETOUR = 1.7, 8.0
SCIPY_REPAIR_MIN = 400
"""Dirty subtrees at least this large are recomputed by one scipy search (below, Python's heap is faster)."""


def straight_line_speed(net: RoadNetwork) -> float:
    """The fastest any vehicle covers straight-line distance on ``net`` (m/min).

    The fastest road speed is not enough: a road whose recorded length is shorter than the
    straight line between its ends (generated maps, rounded or hand-edited GraphML lengths)
    gains ground faster than its speed, and a bound at the road speed would then overestimate
    and let the dispatcher prune the unit that is really nearest.
    """
    if not net.n_roads:
        return 1.0
    straight = np.hypot(net.x[net.u] - net.x[net.v], net.y[net.u] - net.y[net.v])
    stretch = np.maximum(1.0, straight / np.maximum(net.length, 1e-9))
    fastest_vehicle = max(1.0, max(float(v["factor"]) for v in net._vehicle.values()))
    return float((net._base_speed * stretch).max()) * fastest_vehicle


class Router:
    def __init__(self, net: RoadNetwork, shared_trees: bool = True) -> None:
        self.net = net
        self.shared_trees = shared_trees
        """False: every route is its own bounded search (for comparisons)."""
        self._max_speed = straight_line_speed(net)
        """m/min: no trip covers straight-line distance faster (makes :meth:`lower_bound` admissible)."""
        self._trees: OrderedDict[tuple[int, str, bool], _Tree] = OrderedDict()
        self._demand: dict[tuple[int, str, bool], int] = {}
        self._balls: OrderedDict[tuple[str, int, str, bool], tuple] = OrderedDict()
        self.hubs: set[int] = set()
        """Nodes many trips go to (bases, hospitals, shelters, depots): their tree is built on the first request."""
        self.stats: dict[str, int] = {}
        self._local = np.full(net.n_nodes, -1, dtype=np.int64)
        """Scratch: node -> index in a repair's subgraph (-1 outside); reset after each use."""
        """Counters (searches, tree builds, repairs, ball reuses) for benchmarks."""
        self._detour = START_DETOUR
        """First search radius of a point-to-point route, as a multiple of the lower bound: learnt
        from the routes found (on maps whose fastest roads are much faster than the usual ones,
        e.g. imported motorways at 120 km/h, the bound is loose and 1.7x would search again and again)."""

    def lower_bound(self, a: int, b: int) -> float:
        """Straight-line minutes at the fastest speed: never more than the true time."""
        d = float(np.hypot(self.net.x[a] - self.net.x[b], self.net.y[a] - self.net.y[b]))
        return d / self._max_speed

    def lower_bounds(self, src: int, nodes: np.ndarray) -> np.ndarray:
        """:meth:`lower_bound` from ``src`` to many nodes at once."""
        nodes = np.asarray(nodes, dtype=np.int64)
        return np.hypot(self.net.x[nodes] - self.net.x[src], self.net.y[nodes] - self.net.y[src]) / self._max_speed

    def _count(self, key: str) -> None:
        self.stats[key] = self.stats.get(key, 0) + 1

    def _vkey(self, vehicle: str, ppe: bool) -> tuple[str, bool]:
        return self.net.weight_class(vehicle, ppe)

    def _vkey_exact(self, vehicle: str, ppe: bool) -> tuple[str, bool]:
        return (vehicle if vehicle in self.net._vehicle else "ordinary", bool(ppe))

    def class_scale(self, vehicle: str, ppe: bool = False) -> tuple[tuple[str, bool], float]:
        """(weight class, s): the vehicle's times are s x the class's (same fastest paths)."""
        cls = self.net.weight_class(vehicle, ppe)
        veh = self.net._vehicle
        return cls, veh[cls[0]]["factor"] / veh[vehicle if vehicle in veh else "ordinary"]["factor"]

    # ------------------------------------------------------------------ recent balls
    def _remember(self, direction: str, node: int, vehicle: str, ppe: bool, dist: np.ndarray,
                  pred: np.ndarray, limit: float = np.inf) -> None:
        """Keep a bounded search's tree: a route inside its ball needs no second search.

        Every node with a finite time in a bounded scipy search is settled, so its
        predecessor chain is a fastest path (valid while the network version holds).
        """
        if not self.shared_trees:
            return
        key = (direction, int(node), *self._vkey(vehicle, ppe))
        self._balls[key] = (self.net.version, dist, pred, self._vkey_exact(vehicle, ppe), limit)
        self._balls.move_to_end(key)
        while len(self._balls) > 2 * MAX_BALLS:
            self._balls.popitem(last=False)

    def _kept(self, direction: str, node: int, vehicle: str, ppe: bool,
              limit: float) -> tuple[np.ndarray, np.ndarray] | None:
        """A kept search from ``node`` at least as large as ``limit``, cut to it: exactly a new search's answer.

        (A bounded search reaches exactly the nodes within ``limit``.)
        """
        ball = self._balls.get((direction, int(node), *self._vkey(vehicle, ppe)))
        if ball is None or ball[0] != self.net.version or ball[3] != self._vkey_exact(vehicle, ppe) \
                or ball[4] < limit:
            return None
        self._count("search_kept")
        inside = ball[1] <= limit
        return np.where(inside, ball[1], np.inf), np.where(inside, ball[2], -9999).astype(ball[2].dtype)

    def _route_from_balls(self, src: int, dst: int, vehicle: str, ppe: bool) -> Route | None:
        v, p = self._vkey(vehicle, ppe)
        ver = self.net.version
        ball = self._balls.get(("to", dst, v, p))
        if ball is not None and ball[0] == ver and ball[1][src] < np.inf:
            self._count("route_from_ball")
            return self.route_from_tree(src, dst, ball[2], vehicle, ppe)
        ball = self._balls.get(("from", src, v, p))
        if ball is not None and ball[0] == ver and ball[1][dst] < np.inf:
            self._count("route_from_ball")
            if ball[3] == self._vkey_exact(vehicle, ppe):  # the search's own times
                return self._build(src, dst, ball[2], ball[1])
            return self._with_times(self._build(src, dst, ball[2], ball[1]).nodes, vehicle, ppe)
        return None

    def times_from(self, src: int, vehicle: str = "ordinary", ppe: bool = False,
                   limit: float = np.inf) -> np.ndarray:
        """Minutes from ``src`` to every node (inf beyond ``limit`` or unreachable)."""
        kept = self._kept("from", src, vehicle, ppe, limit) if self._balls else None
        if kept is not None:
            return kept[0]
        self._count("search")
        dist, pred = dijkstra(self.net.matrix(vehicle, ppe), indices=src, limit=limit, return_predecessors=True)
        self._remember("from", src, vehicle, ppe, dist, pred, limit)
        return dist

    def times_to(self, dst: int, vehicle: str = "ordinary", ppe: bool = False,
                 limit: float = np.inf, predecessors: bool = False):
        """Minutes from every node to ``dst`` (searching the transposed graph)."""
        kept = self._kept("to", dst, vehicle, ppe, limit) if self._balls else None
        if kept is not None:
            return kept if predecessors else kept[0]
        self._count("search")
        m = self.net.matrix(vehicle, ppe, transposed=self.net.directed)
        dist, pred = dijkstra(m, indices=dst, limit=limit, return_predecessors=True)
        self._remember("to", dst, vehicle, ppe, dist, pred, limit)
        return (dist, pred) if predecessors else dist

    def times_from_nearest(self, src: int, targets: list[int] | np.ndarray, vehicle: str = "ordinary",
                           ppe: bool = False) -> np.ndarray:
        """Minutes from ``src`` to each target (same order), exact for every target up to the nearest.

        A growing bounded search instead of a full one: targets farther than the
        final limit are inf, but the limit is never below the nearest target's
        time, so ``min`` over targets (with any tie-break) gives the same answer
        as the full :meth:`times_from`. The last search is kept, so the route to
        the chosen target costs no search.
        """
        targets = np.asarray(targets, dtype=np.int64)
        if targets.size == 0:
            return np.full(0, np.inf)
        known = self._times_from_trees(src, targets, vehicle, ppe)
        if known is not None:
            return known
        limit = max(float(self.lower_bounds(src, targets).min()) * 2.0, 5.0)
        reached_before = -1
        while True:
            dist = self.times_from(src, vehicle, ppe, limit=limit)
            if np.isfinite(dist[targets]).any():
                return dist[targets]
            reached = int(np.count_nonzero(np.isfinite(dist)))
            if reached == self.net.n_nodes or reached == reached_before:
                return dist[targets]  # every reachable node is settled: no target is reachable
            reached_before = reached
            limit *= 2.0

    def _times_from_trees(self, src: int, targets: np.ndarray, vehicle: str, ppe: bool) -> np.ndarray | None:
        """Times to ``targets`` from their backward trees (built once a target is wanted ``TREE_AFTER`` times).

        Targets are taken nearest first by lower bound; once the best time found
        is below the next lower bound, the rest cannot be nearer or tie and stay
        inf. None (search instead) if a target that could be nearest has no tree.
        Times are the weight class's (proportional to the vehicle's: same order).
        """
        if not self.shared_trees:
            return None
        out = np.full(targets.size, np.inf)
        lbs = self.lower_bounds(src, targets)
        best = np.inf
        for i in np.argsort(lbs, kind="stable").tolist():
            if lbs[i] > best:
                break
            t = int(targets[i])
            tree = self._shared_tree(t, vehicle, ppe)  # queued shortcuts are propagated
            if tree is None or (tree.dirty and self._meets_dirty(tree, src, t)
                                and not self._repair(tree, self._tree_key(t, vehicle, ppe))):
                return None
            out[i] = tree.dist[src]
            best = min(best, out[i])
        return out if best < np.inf else None

    # ------------------------------------------------------------------ shared trees
    def _tree_key(self, dst: int, vehicle: str, ppe: bool) -> tuple[int, str, bool]:
        """Cache key: the destination and the weight class."""
        v, p = self.net.weight_class(vehicle, ppe)
        return (int(dst), v, p)

    def _get(self, key: tuple[int, str, bool]) -> _Tree | None:
        """The cached tree for ``key``, with the road changes since it was last used noted.

        A backward tree (next hop ``pred``, time to the root ``dist``) stays exact
        after arc u->v changes weight unless (a) it is a tree edge (pred[u] == v)
        that got slower: u is marked dirty (its subtree's times may be too low), or
        (b) it now gives a shortcut (dist[v] + w < dist[u]): the arc is queued.
        A dirty tree edge whose weight is back to its old value is clean again.
        Dirty subtrees and queued shortcuts are repaired when the tree is used.
        Changes are noted per tree when it is used (cheap, vectorised; only the
        net effect of several changes matters), so idle trees cost nothing.
        """
        tree = self._trees.get(key)
        if tree is None or tree.version == self.net.version:
            return tree
        net = self.net
        roads = net.roads_changed_since(tree.version)
        tree.version = net.version
        if roads.size:
            pos = net.arcs_of(roads)
            with np.errstate(invalid="ignore"):  # inf - inf (unreachable nodes) compares False, as wanted
                self._note_changes(tree, key, pos, net.arc_src[pos], net.arc_dst[pos])
        return tree

    def _note_changes(self, tree: _Tree, key: tuple[int, str, bool], pos: np.ndarray, u: np.ndarray,
                      v: np.ndarray) -> None:
        net = self.net
        pred = np.frombuffer(tree.pred, dtype=np.int32)
        dist = tree.dist
        w = net.matrix(key[1], key[2]).data[pos]
        on_tree = pred[u] == v
        step = dist[u] - dist[v]
        slower = on_tree & (w > step + EPS)
        tree.dirty.update(u[slower].tolist())
        if tree.dirty:
            tree.dirty.difference_update(u[on_tree & (np.abs(w - step) <= EPS)].tolist())
        shortcut = dist[v] + w < dist[u] - EPS
        if shortcut.any():
            tree.pending.update(pos[shortcut].tolist())

    @staticmethod
    def _meets_dirty(tree: _Tree, src: int, dst: int) -> bool:
        """Whether src's path in the tree passes a dirty node (then its time may be too low)."""
        pred, dirty = tree.pred, tree.dirty
        n = src
        while n != dst and n >= 0:
            if n in dirty:
                return True
            n = pred[n]
        return False

    def _lists(self) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
        """The CSR structure as Python lists (fast scalar access for the repairs)."""
        if not hasattr(self, "_csr_lists"):
            net = self.net
            self._csr_lists = (net.indptr.tolist(), net.arc_dst.tolist(), net.t_indptr.tolist(),
                               net.t_indices.tolist(), net.t_perm.tolist())
        return self._csr_lists

    def _repair(self, tree: _Tree, key: tuple[int, str, bool], dirty: bool = True) -> bool:
        """Make a tree exact again: recompute dirty subtrees, then propagate queued shortcuts.

        Both are Dijkstra restricted to the nodes whose times change; False (tree
        dropped) if that would touch more than ``REPAIR_CAP`` nodes. ``dirty=False``
        only propagates shortcuts: enough before a walk, as values derived from a
        dirty node's (too low) time have paths through it, which the walk checks.
        """
        if not (tree.dirty and dirty) and not tree.pending:
            return True
        ok = (not dirty or self._repair_dirty(tree, key)) and self._propagate(tree, key)
        if not ok:
            self._trees.pop(key, None)
            self._count("tree_dropped")
        return ok

    def _repair_dirty(self, tree: _Tree, key: tuple[int, str, bool]) -> bool:
        if not tree.dirty:
            return True
        self._count("tree_repair_dirty")
        sub = self._dirty_subtrees(tree)
        if sub is None:
            return False
        if len(sub) < SCIPY_REPAIR_MIN or not self._recompute_scipy(tree, key, sub):
            self._recompute_python(tree, key, sub)
        tree.dirty.clear()
        return True

    def _dirty_subtrees(self, tree: _Tree) -> set[int] | None:
        """Nodes whose next-hop chain passes a dirty node (None if more than ``REPAIR_CAP``)."""
        _, _, tptr, tsrc, _ = self._lists()
        pred = tree.pred
        sub = set(tree.dirty)
        stack = list(sub)
        while stack:
            x = stack.pop()
            for k in range(tptr[x], tptr[x + 1]):
                y = tsrc[k]
                if pred[y] == x and y not in sub:
                    sub.add(y)
                    stack.append(y)
            if len(sub) > REPAIR_CAP:
                return None
        return sub

    def _recompute_python(self, tree: _Tree, key: tuple[int, str, bool], sub: set[int]) -> None:
        """Times and next hops of ``sub`` from the rest of the tree: Dijkstra restricted to ``sub``."""
        ptr, dst, tptr, tsrc, tpos = self._lists()
        pred, dist = tree.pred, memoryview(tree.dist)  # memoryviews index to Python floats ~3x faster
        w = memoryview(self.net.matrix(key[1], key[2]).data)
        inf = np.inf
        heap = []
        for x in sub:
            best, hop = inf, -9999
            for k in range(ptr[x], ptr[x + 1]):
                y = dst[k]
                if y not in sub:
                    d = w[k] + dist[y]
                    if d < best:
                        best, hop = d, y
            dist[x] = best
            pred[x] = hop
            if best < inf:
                heap.append((best, x))
        heapq.heapify(heap)
        while heap:
            d, x = heapq.heappop(heap)
            if d > dist[x]:
                continue
            for k in range(tptr[x], tptr[x + 1]):
                y = tsrc[k]
                if y in sub:
                    nd = d + w[tpos[k]]
                    if nd < dist[y]:
                        dist[y] = nd
                        pred[y] = x
                        heapq.heappush(heap, (nd, y))

    def _recompute_scipy(self, tree: _Tree, key: tuple[int, str, bool], sub: set[int]) -> bool:
        """:meth:`_recompute_python` for a large ``sub``, as one scipy search on its induced subgraph.

        The subgraph's arcs are reversed (times flow from a node's next hop to
        the node) and a virtual source links to each node of ``sub`` with its best
        time through a neighbour outside ``sub`` (whose time is exact).
        """
        net = self.net
        m = net.matrix(key[1], key[2])
        idx = np.fromiter(sub, dtype=np.int64, count=len(sub))
        idx.sort()
        k = idx.size
        local = self._local
        local[idx] = np.arange(k)
        try:
            lo = net.indptr[idx]
            counts = net.indptr[idx + 1] - lo
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            pos = np.repeat(lo - starts, counts) + np.arange(int(counts.sum()))
            row = np.repeat(np.arange(k), counts)
            y = net.arc_dst[pos]
            w = m.data[pos]
            ly = local[y]
        finally:
            local[idx] = -1
        if not counts.all():
            return False  # a node without arcs (not expected in a tree): the Python path handles it
        inside = ly >= 0
        dist = tree.dist
        cand = np.where(inside, np.inf, w + dist[y])
        init = np.minimum.reduceat(cand, starts)  # every node of sub has an arc (to its old next hop)
        first = np.flatnonzero(cand == init[row])
        rows_hit, at = np.unique(row[first], return_index=True)  # first best arc per node, in arc order
        hop = np.full(k, -9999, dtype=np.int64)
        hop[rows_hit] = y[first[at]]
        fin = np.flatnonzero(np.isfinite(init))
        g = csr_matrix((np.concatenate([init[fin], w[inside]]),
                        (np.concatenate([np.full(fin.size, k), ly[inside]]), np.concatenate([fin, row[inside]]))),
                       shape=(k + 1, k + 1))
        d, p = dijkstra(g, indices=k, return_predecessors=True)
        dist[idx] = d[:k]
        p = p[:k]
        new_pred = np.where(p == k, hop, np.where(p >= 0, idx[np.clip(p, 0, k - 1)], -9999))
        np.frombuffer(tree.pred, dtype=np.int32)[idx] = new_pred
        self._count("tree_repair_scipy")
        return True

    def _propagate(self, tree: _Tree, key: tuple[int, str, bool]) -> bool:
        if not tree.pending:
            return True
        self._count("tree_repair_shortcut")
        net = self.net
        _, _, tptr, tsrc, tpos = self._lists()
        pred, dist = tree.pred, memoryview(tree.dist)
        w = memoryview(net.matrix(key[1], key[2]).data)
        heap = []
        for k in sorted(tree.pending):
            u, v = int(net.arc_src[k]), int(net.arc_dst[k])
            d = dist[v] + w[k]
            if d < dist[u] - EPS:
                dist[u] = d
                pred[u] = v
                heap.append((d, u))
        tree.pending.clear()
        heapq.heapify(heap)
        settled = 0
        while heap:
            d, x = heapq.heappop(heap)
            if d > dist[x]:
                continue
            settled += 1
            if settled > REPAIR_CAP:
                return False
            for k in range(tptr[x], tptr[x + 1]):
                y = tsrc[k]
                nd = d + w[tpos[k]]
                if nd < dist[y] - EPS:
                    dist[y] = nd
                    pred[y] = x
                    heapq.heappush(heap, (nd, y))
        return True

    def expect(self, dst: int, vehicle: str = "ordinary", ppe: bool = False) -> None:
        """Note that a unit will soon ask for a route to ``dst`` (e.g. it must re-route).

        Counts as several requests: two expected units are enough for a shared tree.
        """
        key = self._tree_key(dst, vehicle, ppe)
        self._demand[key] = self._demand.get(key, 0) + TREE_AFTER // 2

    def _shared_tree(self, dst: int, vehicle: str, ppe: bool, build: bool = True) -> _Tree | None:
        """The cached backward tree to ``dst`` (exact), built once enough routes were wanted there."""
        if not self.shared_trees:
            return None
        key = self._tree_key(dst, vehicle, ppe)
        tree = self._get(key)
        if tree is not None and tree.pending and not self._repair(tree, key, dirty=False):
            tree = None
        if tree is not None:
            self._trees.move_to_end(key)
            return tree
        if not build:
            return None
        self._demand[key] = self._demand.get(key, 0) + 1
        if self._demand[key] >= (HUB_AFTER if key[0] in self.hubs else TREE_AFTER):
            if len(self._trees) >= MAX_TREES:
                self._evict()
            self._count("tree_built")
            m = self.net.matrix(key[1], key[2], transposed=self.net.directed)
            dist, pred = dijkstra(m, indices=dst, return_predecessors=True)
            # array('i') indexes to plain ints faster than numpy, at the same 4 bytes/node
            tree = self._trees[key] = _Tree(array("i", pred.astype(np.int32).tobytes()), dist, self.net.version)
        return tree

    def _evict(self) -> None:
        """Drop the least recently used tree, preferring one that is not a hub's."""
        self._count("tree_evicted")
        for key in self._trees:
            if key[0] not in self.hubs:
                del self._trees[key]
                self._demand[key] = 0  # wanted again TREE_AFTER times before it is rebuilt
                return
        self._trees.popitem(last=False)

    def times_from_hub(self, hub: int, vehicle: str = "ordinary", ppe: bool = False,
                       exact: bool = True) -> np.ndarray | None:
        """Times from a hub to every node, from its tree if one is cached (None: search instead).

        Only on two-way networks (a backward tree is then also a forward one).
        Times are the weight class's: multiply by :meth:`class_scale`'s scale.
        ``exact=False`` skips repairing dirty subtrees: times there may be too
        low (lower bounds); :meth:`hub_time_exact` tells whether a node's is exact.
        """
        if self.net.directed or not self.shared_trees or hub not in self.hubs:
            return None
        tree = self._shared_tree(hub, vehicle, ppe, build=False)  # queued shortcuts are propagated
        if tree is not None and exact and tree.dirty and not self._repair(tree, self._tree_key(hub, vehicle, ppe)):
            tree = self._shared_tree(hub, vehicle, ppe)  # dropped: rebuilt at once (it was in use)
        return None if tree is None else tree.dist

    def hub_time_exact(self, hub: int, node: int, vehicle: str = "ordinary", ppe: bool = False) -> bool:
        """Whether the hub tree's time for ``node`` is exact (its path meets no dirty node)."""
        tree = self._get(self._tree_key(hub, vehicle, ppe))
        return tree is not None and not tree.pending and (not tree.dirty or not self._meets_dirty(tree, node, hub))

    def cached_times_to(self, dst: int, vehicle: str, ppe: bool = False) -> np.ndarray | None:
        """Times from every node to ``dst`` if a tree for it is cached (repaired if needed; no search)."""
        key = self._tree_key(dst, vehicle, ppe)
        tree = self._get(key)
        if tree is None or not self._repair(tree, key):
            return None
        return tree.dist

    def reroute_many(self, trips: list[tuple[int, int, str]], ppe: bool = False) -> list[Route | None]:
        """Routes for many (src, dst, vehicle) trips: one backward search per destination."""
        for _, dst, vehicle in trips:
            self.expect(dst, vehicle, ppe)
        return [self.route(src, dst, vehicle, ppe) for src, dst, vehicle in trips]

    def clear_cache(self) -> None:
        self._trees.clear()
        self._demand.clear()
        self._balls.clear()

    # ------------------------------------------------------------------ point to point
    def route(self, src: int, dst: int, vehicle: str = "ordinary", ppe: bool = False) -> Route | None:
        """Fastest route src -> dst for a vehicle class, or None if unreachable."""
        if src == dst:
            return Route(np.array([src]), np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.zeros(1))
        if self._balls:
            route = self._route_from_balls(src, dst, vehicle, ppe)
            if route is not None:
                return route
        # on a two-way network a tree rooted at a hub also gives routes *from* the hub (reversed)
        root, leaf = dst, src
        if (self.shared_trees and not self.net.directed and src in self.hubs and dst not in self.hubs
                and self._tree_key(dst, vehicle, ppe) not in self._trees):
            skey = self._tree_key(src, vehicle, ppe)
            if skey in self._trees or self._demand.get(skey, 0) + 1 >= HUB_AFTER:
                root, leaf = src, dst
            else:
                self._demand[skey] = self._demand.get(skey, 0) + 1  # trips from the hub count too
        tree = self._shared_tree(root, vehicle, ppe)
        if tree is not None:
            route = self.route_from_tree(leaf, root, tree.pred, vehicle, ppe, avoid=tree.dirty)
            if route is None and tree.dirty:  # the path met a tree edge that got slower: repair, walk again
                route = False
                if self._repair(tree, self._tree_key(root, vehicle, ppe)):
                    route = self.route_from_tree(leaf, root, tree.pred, vehicle, ppe)
            if route is not False:  # a clean tree is exact: None means src cannot reach dst
                self._count("route_from_tree")
                if route is not None and root == src:
                    route = self._with_times(route.nodes[::-1].copy(), vehicle, ppe)
                return route
        self._count("route_search")
        m = self.net.matrix(vehicle, ppe)
        bound = self.lower_bound(src, dst)
        limit = max(bound * self._detour, 5.0)  # fastest paths take ~1.3-2x the bound on the demo map
        reached_before = -1
        while True:
            dist, pred = dijkstra(m, indices=src, limit=limit, return_predecessors=True)
            if np.isfinite(dist[dst]):
                if bound > 0:  # the same answer whatever the radius: only the search effort is learnt
                    seen = min(MAX_DETOUR, float(dist[dst]) / bound * 1.1)
                    self._detour = max(START_DETOUR, 0.9 * self._detour + 0.1 * seen)
                return self._build(src, dst, pred, dist)
            reached = int(np.isfinite(dist).sum())
            if reached == self.net.n_nodes:
                return None
            if reached == reached_before:  # growth stalled: settle it with one unbounded search
                dist, pred = dijkstra(m, indices=src, return_predecessors=True)
                return self._build(src, dst, pred, dist) if np.isfinite(dist[dst]) else None
            reached_before = reached
            limit *= 1.5

    def route_from_tree(self, src: int, dst: int, pred_to_dst: np.ndarray | array, vehicle: str,
                        ppe: bool = False, avoid: set[int] | None = None) -> Route | None:
        """Route src -> dst from a predecessor tree grown backwards from dst (``times_to``).

        None if src is not in the tree (unreachable), or if the path passes a node
        in ``avoid`` (its next hop is no longer known to be fastest). A cycle in the
        tree (a repair bug) raises instead of growing the path until memory runs out.
        """
        nodes = [src]
        append = nodes.append
        n = src
        avoid = avoid or ()
        step = pred_to_dst.__getitem__ if isinstance(pred_to_dst, array) else lambda k: int(pred_to_dst[k])
        for _ in range(self.net.n_nodes):  # a path visits each node at most once
            if n == dst:
                break
            if n in avoid:
                return None
            n = step(n)
            if n < 0:
                return None
            append(n)
        else:
            if n != dst:
                raise RuntimeError(f"predecessor tree to node {dst} has a cycle through node {src}")
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


class _Tree:
    """A cached backward tree: next hop and time to the root per node, plus what road changes spoiled."""

    __slots__ = ("pred", "dist", "dirty", "pending", "version")

    def __init__(self, pred: array, dist: np.ndarray, version: int) -> None:
        self.pred = pred
        self.dist = dist
        self.version = version
        """The network version whose changes the tree has noted."""
        self.dirty: set[int] = set()
        """Nodes whose tree edge got slower (their subtree's times may be too low)."""
        self.pending: set[int] = set()
        """Arcs (CSR positions) that became shortcuts, to propagate before the times are used."""
