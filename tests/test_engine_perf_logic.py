"""Speed-ups must not change answers: shared trees, bounded nearest searches, arc lookup."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drillsim.scenario.synthetic import grid_city
from drillsim.world.network import RoadNetwork
from drillsim.world.router import Router


@pytest.fixture(scope="module")
def city():
    return grid_city(2500, seed=3)


def _fresh(city):
    net = RoadNetwork(city.graph)
    return net, Router(net)


def test_grouped_reroute_matches_per_unit_routes(city):
    net, router = _fresh(city)
    rng = np.random.default_rng(1)
    dests = rng.integers(0, net.n_nodes, 4)
    trips = [(int(rng.integers(net.n_nodes)), int(dests[k % 4]), ("ordinary", "heavy", "high_clearance")[k % 3])
             for k in range(60)]
    net.set_state([5, 17, 400], status="closed")
    net.set_state([9], water_depth=0.4)  # blocks ordinary only: classes no longer proportional
    plain = Router(net)
    grouped = router.reroute_many(trips)
    for (src, dst, veh), g in zip(trips, grouped, strict=True):
        p = plain.route(src, dst, veh)
        assert (p is None) == (g is None)
        if p is not None:
            assert math.isclose(p.minutes, g.minutes, rel_tol=1e-9)
            assert g.nodes[0] == src and g.nodes[-1] == dst
            assert np.allclose(np.diff(g.times), net.matrix(veh).data[g.arcs])


def test_tree_is_repaired_not_dropped_and_stays_exact(city):
    net, router = _fresh(city)
    dst, src = 10, net.n_nodes - 1
    for _ in range(4):
        router.route(src, dst)  # enough requests build the tree
    assert router.cached_times_to(dst, "ordinary") is not None
    r = router.route(src, dst)
    used = set(r.roads.tolist())
    off = next(k for k in range(net.n_roads - 1, 0, -1) if k not in used)
    mid = int(r.roads[len(r.roads) // 2])
    # off the path, on the path (tree edge slower), reopen (shortcut): the tree is kept and exact
    for roads, status in (([off], "closed"), ([mid], "closed"), ([mid], "open"), ([off, mid], "closed"),
                          ([off], "open")):
        net.set_state(roads, status=status)
        fresh = Router(net, shared_trees=False)
        assert math.isclose(router.route(src, dst).minutes, fresh.route(src, dst).minutes, rel_tol=1e-9)
        cached = router.cached_times_to(dst, "ordinary")
        assert cached is not None
        assert np.allclose(cached, fresh.times_to(dst), rtol=1e-9, equal_nan=False)
    assert router.stats.get("tree_built") == 1


@pytest.mark.parametrize("scipy_from", [None, 1])
def test_tree_repairs_match_fresh_searches_under_random_changes(city, monkeypatch, scipy_from):
    """Repairs stay exact, with dirty subtrees recomputed in Python or (``scipy_from`` 1: all) by scipy."""
    import drillsim.world.router as router_mod

    if scipy_from is not None:
        monkeypatch.setattr(router_mod, "SCIPY_REPAIR_MIN", scipy_from)
    net, router = _fresh(city)
    rng = np.random.default_rng(7)
    dests = [int(d) for d in rng.integers(0, net.n_nodes, 3)]
    for d in dests:
        for _ in range(4):
            router.route(int(rng.integers(net.n_nodes)), d, "heavy")
    closed: set[int] = set()
    for _ in range(25):
        if closed and rng.random() < 0.4:
            batch = [closed.pop() for _ in range(min(len(closed), int(rng.integers(1, 4))))]
            net.set_state(batch, status="open")
        else:
            batch = [int(r) for r in rng.integers(0, net.n_roads, int(rng.integers(1, 6)))]
            closed.update(batch)
            net.set_state(batch, status="closed")
        fresh = Router(net, shared_trees=False)
        for d in dests:
            for src in rng.integers(0, net.n_nodes, 5).tolist():
                a, b = router.route(int(src), d, "heavy"), fresh.route(int(src), d, "heavy")
                assert (a is None) == (b is None)
                if a is not None:
                    assert math.isclose(a.minutes, b.minutes, rel_tol=1e-9)
                    assert np.allclose(np.diff(a.times), net.matrix("heavy").data[a.arcs])
            cached = router.cached_times_to(d, "heavy")
            if cached is not None:
                exp = fresh.times_to(d, *net.weight_class("heavy"))  # trees hold the class's times
                assert np.array_equal(np.isinf(cached), np.isinf(exp))
                fin = np.isfinite(exp)
                assert np.allclose(cached[fin], exp[fin], rtol=1e-9)
    assert router.stats.get("tree_repair_dirty", 0) > 3
    assert (router.stats.get("tree_repair_scipy", 0) > 3) == (scipy_from is not None)


def test_route_after_a_bounded_search_reuses_its_tree(city):
    net, router = _fresh(city)
    fresh = Router(net, shared_trees=False)
    dst = 1234
    router.times_to(dst, limit=30.0)
    searches = router.stats["search"]
    for src in (1200, 1300, 1250):
        r = router.route(src, dst)
        assert math.isclose(r.minutes, fresh.route(src, dst).minutes, rel_tol=1e-9)
    assert router.stats["search"] == searches and router.stats.get("route_search", 0) == 0
    router.times_from(77, limit=30.0)
    r = router.route(77, 140)
    assert math.isclose(r.minutes, fresh.route(77, 140).minutes, rel_tol=1e-9)
    assert router.stats.get("route_search", 0) == 0
    net.set_state([3], status="closed")  # a new network version: the balls are stale
    router.route(77, 140)
    assert router.stats.get("route_search", 0) == 1


def test_times_from_nearest_picks_the_same_target_as_a_full_search(city):
    net, router = _fresh(city)
    rng = np.random.default_rng(2)
    for _ in range(20):
        src = int(rng.integers(net.n_nodes))
        targets = rng.choice(net.n_nodes, size=5, replace=False)
        full = router.times_from(src)
        near = router.times_from_nearest(src, targets)
        assert near.shape == targets.shape
        assert int(targets[np.argmin(full[targets])]) == int(targets[np.argmin(near)])
        assert math.isclose(full[targets].min(), near.min(), rel_tol=1e-9)
        for t in targets[:2]:  # build trees for some targets, then ask again
            for _ in range(4):
                router.route(src, int(t))
        near = router.times_from_nearest(src, targets)
        assert int(targets[np.argmin(full[targets])]) == int(targets[np.argmin(near)])
        assert math.isclose(full[targets].min(), near.min(), rel_tol=1e-9)


def test_arcs_along_matches_arc_between(city):
    net, router = _fresh(city)
    r = router.route(0, net.n_nodes - 1)
    expected = [net.arc_between(int(a), int(b)) for a, b in zip(r.nodes[:-1], r.nodes[1:], strict=True)]
    assert net.arcs_along(r.nodes).tolist() == expected
    with pytest.raises(KeyError):
        net.arcs_along(np.array([0, net.n_nodes - 1]))


def test_event_encoding_fast_paths_keep_the_digest():
    """A fixed stream's digest, computed with the original (general) encoder: fast paths must not change it."""
    from drillsim.core.events import EventStream

    s = EventStream()
    s.emit(0.0, "sim.start", scenario={"zh": "演练", "en": "drill"}, seed=np.int64(7), flag=True, none=None)
    s.emit(1.23456789, "unit.depart", unit="u1", dest=np.int32(5), eta=12.3456789,
           path=[1, 2, 3, 100000], times=[0.0, 0.1234567, 1.5, 2.0000001])
    s.emit(2.5, "x.y", tup=(1, 2.5, "a"), st={3, 1, 2}, fs=frozenset({"b", "a"}),
           nested={"a": [np.float64(0.1) * 3, {"k": (np.int16(3), [True, False])}], 5: "five"},
           big=2 ** 70, neg=-0.0, arr=[np.float32(1.5), np.int64(-3)], mixed=[1, 2.5, "s", None, True])
    s.emit(3.0, "list.ints", path=list(range(300)), times=[k * 0.333 for k in range(300)], empty=[],
           bools=[True, 1, 0.0])
    assert s.digest == "c0f5b0da57883def23dd342deda2365409c0f743b55fb8caf0e88718fdae6c8e"
    assert s.events[1].data["times"] == [0.0, 0.123457, 1.5, 2.0]


def test_route_from_a_hub_uses_its_tree_reversed(city):
    net, router = _fresh(city)
    fresh = Router(net, shared_trees=False)
    router.hubs = {5}
    for dst in (2000, 1777, 40):
        r = router.route(5, dst, "heavy")
        assert r.nodes[0] == 5 and r.nodes[-1] == dst
        assert math.isclose(r.minutes, fresh.route(5, dst, "heavy").minutes, rel_tol=1e-9)
        assert np.allclose(np.diff(r.times), net.matrix("heavy").data[r.arcs])
    # the first trip from the hub is a search; from the second (HUB_AFTER) its tree serves
    assert router.stats.get("route_search", 0) == 1 and router.stats["tree_built"] == 1
    assert router.stats["route_from_tree"] == 2


def test_hub_times_lazy_values_are_exact_or_lower_bounds(city):
    net, router = _fresh(city)
    rng = np.random.default_rng(11)
    hub = 1300
    router.hubs = {hub}
    assert router.times_from_hub(hub) is None  # no tree yet: the caller searches
    for _ in range(2):
        router.route(0, hub)  # wanted HUB_AFTER times: its tree is built
    assert router.times_from_hub(hub) is not None
    for _ in range(15):
        net.set_state([int(r) for r in rng.integers(0, net.n_roads, 3)], status="closed")
        exp = Router(net, shared_trees=False).times_to(hub)
        lazy = router.times_from_hub(hub, exact=False).copy()
        assert np.all((lazy <= exp * (1 + 1e-9)) | np.isinf(exp))
        for node in rng.integers(0, net.n_nodes, 40).tolist():
            if router.hub_time_exact(hub, node):
                assert math.isclose(lazy[node], exp[node], rel_tol=1e-9) or lazy[node] == exp[node] == np.inf
        fin = np.isfinite(exp)
        assert np.allclose(router.times_from_hub(hub)[fin], exp[fin], rtol=1e-9)


def test_kept_search_cut_to_a_smaller_limit_equals_a_new_search(city):
    net, router = _fresh(city)
    fresh = Router(net, shared_trees=False)
    big = router.times_from(321, limit=40.0)
    assert router.stats["search"] == 1
    for lim in (3.0, 12.5, 40.0):
        a, b = router.times_from(321, limit=lim), fresh.times_from(321, limit=lim)
        assert np.array_equal(a, b)
        d1, p1 = router.times_to(99, limit=lim, predecessors=True)
        d2, p2 = fresh.times_to(99, limit=lim, predecessors=True)
        assert np.array_equal(d1, d2) and np.array_equal(p1, p2)
    assert router.stats["search"] == 4 and np.isfinite(big).sum() >= np.isfinite(a).sum()  # to: 3 growing
    assert router.stats["search_kept"] == 3


def _small_drill(hours: float = 12.0):
    import sys
    from pathlib import Path

    bench = str(Path(__file__).resolve().parents[1] / "bench")
    sys.path.insert(0, bench)
    try:
        from common import scaled_scenario
    finally:
        sys.path.remove(bench)

    from drillsim.response.simulation import Simulation

    m = grid_city(2500, seed=5)
    sc, closures = scaled_scenario(m, 80, 400, hours, 5)
    sim = Simulation(sc, map_data=m)
    for t, road in closures:
        idx = sim.world.net.road_index[road]
        sim.at(max(0.0, t - 1e-3), lambda idx=idx: sim.world.set_roads([idx], "closed", cause="debris"))
    return sim


def test_free_unit_index_matches_a_scan(monkeypatch):
    from drillsim.response.dispatcher import Dispatcher

    orig = Dispatcher.free_positions
    checked = [0]

    def checking(self, kind):
        got = orig(self, kind)
        units = self.capable(kind)
        assert [units[i] for i in got.tolist()] == [u for u in units if u.free]
        checked[0] += 1
        return got

    monkeypatch.setattr(Dispatcher, "free_positions", checking)
    sim = _small_drill()
    sim.run_until(150.0)
    for u in list(sim.units.values())[::7]:  # recalls (idle, driving, working) must keep the index right
        u.recall()
    sim.run_until(12 * 60.0)
    assert checked[0] > 50
    for kind in sim.dispatcher._free_of:
        assert sim.dispatcher.free_capable(kind) == [u for u in sim.dispatcher.capable(kind) if u.free]


def test_best_task_for_matches_a_full_search():
    sim = _small_drill()
    sim.run_until(6 * 60.0)
    d, router = sim.dispatcher, sim.world.router
    fresh = Router(sim.world.net, shared_trees=False)
    compared = 0
    for u in sim.units.values():
        if u.route is None and u.node in router.hubs:
            continue  # hub units read hub trees (class-scaled times): covered by the engine tests
        got = d.best_task_for(u)
        cands = [t for kind, ts in d.open_by_kind().items() if u.can(kind) for t in ts.values() if d.needy(t)]
        dist = fresh.times_from(u.current_node(), u.vehicle, u.spec.ppe)
        scored = [(float(dist[t.node]) + d.penalty * (t.priority - 1), t.created, t.id, t) for t in cands
                  if np.isfinite(dist[t.node])]
        exp = min(scored, key=lambda s: s[:3])[3] if scored else None
        assert got is exp
        compared += exp is not None
    assert compared >= 5


def test_route_index_at_matches_position(city):
    net, router = _fresh(city)
    r = router.route(0, net.n_nodes - 1)
    for elapsed in [-1.0, 0.0, *r.times.tolist(), *(r.times[:-1] + np.diff(r.times) / 2).tolist(), r.minutes + 5]:
        assert r.index_at(elapsed) == r.position(net, elapsed)[2]
    one = router.route(7, 7)
    assert one.index_at(3.0) == one.position(net, 3.0)[2] == 0


def test_nearest_free_unit_matches_a_full_search(monkeypatch):
    """Every auto-dispatch picks a unit with the least travel time (full searches; ties within rounding)."""
    from drillsim.response.dispatcher import Dispatcher

    orig = Dispatcher.nearest_free_unit
    checked = [0]

    def checking(self, task, reach=None):
        got = orig(self, task, reach)
        fresh = Router(self.sim.world.net, shared_trees=False)
        times = []
        for u in self.free_capable(task.kind):
            cls, scale = fresh.class_scale(u.vehicle, u.spec.ppe)
            t = float(fresh.times_to(task.node, *cls)[u.current_node()]) * scale
            if np.isfinite(t):
                times.append((t, u.id, u))
        if not times:
            assert got is None
        else:
            best_t = min(times, key=lambda x: x[:2])[0]
            got_t = next(t for t, _, u in times if u is got)
            assert math.isclose(got_t, best_t, rel_tol=1e-9, abs_tol=1e-9)
            # the lowest id among the (near-)tied fastest units
            assert got.id == min(uid for t, uid, _ in times if math.isclose(t, best_t, rel_tol=1e-9, abs_tol=1e-9))
        checked[0] += 1
        return got

    monkeypatch.setattr(Dispatcher, "nearest_free_unit", checking)
    sim = _small_drill(hours=4.0)
    sim.run_until(4 * 60.0)
    assert checked[0] > 30
