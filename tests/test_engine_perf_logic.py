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


def test_tree_survives_unrelated_change_and_drops_on_relevant_one(city):
    net, router = _fresh(city)
    dst, src = 10, net.n_nodes - 1
    router.route(src, dst)
    for _ in range(3):
        router.route(src, dst)  # enough requests build the tree
    assert router.cached_times_to(dst, "ordinary") is not None
    r = router.route(src, dst)
    # a road far off the path and not a shortcut: tree kept, answer unchanged
    used = set(r.roads.tolist())
    off = next(k for k in range(net.n_roads - 1, 0, -1) if k not in used)
    net.set_state([off], status="closed")
    tree = router.cached_times_to(dst, "ordinary")
    if tree is not None:
        assert math.isclose(router.route(src, dst).minutes, Router(net).route(src, dst).minutes, rel_tol=1e-9)
    # closing a road on the path must drop the tree and give the new fastest route
    net.set_state([int(r.roads[len(r.roads) // 2])], status="closed")
    assert router.cached_times_to(dst, "ordinary") is None
    assert math.isclose(router.route(src, dst).minutes, Router(net).route(src, dst).minutes, rel_tol=1e-9)
    # reopening it is a shortcut again: a rebuilt tree must not survive
    for _ in range(4):
        router.route(src, dst)
    net.set_state([int(r.roads[len(r.roads) // 2])], status="open")
    assert math.isclose(router.route(src, dst).minutes, r.minutes, rel_tol=1e-9)


def test_times_from_nearest_picks_the_same_target_as_a_full_search(city):
    net, router = _fresh(city)
    rng = np.random.default_rng(2)
    for _ in range(20):
        src = int(rng.integers(net.n_nodes))
        targets = rng.choice(net.n_nodes, size=5, replace=False)
        full = router.times_from(src)
        near = router.times_from_nearest(src, targets)
        assert int(targets[np.argmin(full[targets])]) == int(targets[np.argmin(near[targets])])
        assert math.isclose(full[targets].min(), near[targets].min(), rel_tol=1e-9)
        for t in targets[:2]:  # build trees for some targets, then ask again
            for _ in range(4):
                router.route(src, int(t))
        near = router.times_from_nearest(src, targets)
        assert math.isclose(full[targets].min(), near[targets].min(), rel_tol=1e-9)


def test_arcs_along_matches_arc_between(city):
    net, router = _fresh(city)
    r = router.route(0, net.n_nodes - 1)
    expected = [net.arc_between(int(a), int(b)) for a, b in zip(r.nodes[:-1], r.nodes[1:], strict=True)]
    assert net.arcs_along(r.nodes).tolist() == expected
    with pytest.raises(KeyError):
        net.arcs_along(np.array([0, net.n_nodes - 1]))
