"""The scipy router gives the same path costs as networkx Dijkstra, under live road state."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drillsim.world.network import RoadNetwork
from drillsim.world.router import Router

CLASSES = ["expressway", "arterial", "collector", "local", "rural", "track"]


@st.composite
def road_graphs(draw):
    n = draw(st.integers(2, 40))
    directed = draw(st.booleans())
    g = nx.DiGraph() if directed else nx.Graph()
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    for i in range(n):
        g.add_node(i, x=float(rng.uniform(0, 5000)), y=float(rng.uniform(0, 5000)))
    m = draw(st.integers(1, n * 3))
    for k in range(m):
        a, b = int(rng.integers(n)), int(rng.integers(n))
        if a == b or g.has_edge(a, b):
            continue
        g.add_edge(a, b, length=float(rng.uniform(10, 2000)), road_class=CLASSES[int(rng.integers(6))],
                   id=f"r{k}")
    closed = draw(st.lists(st.integers(0, max(0, g.number_of_edges() - 1)), max_size=3))
    vehicle = draw(st.sampled_from(["ordinary", "high_clearance", "heavy"]))
    return g, closed, vehicle


def _nx_weights(g, net: RoadNetwork, vehicle: str):
    mins = net.road_minutes(vehicle)
    h = g.__class__()
    h.add_nodes_from(g.nodes)
    for r in range(net.n_roads):
        if math.isfinite(mins[r]):
            h.add_edge(net.node_ids[net.u[r]], net.node_ids[net.v[r]], w=float(mins[r]))
    return h


@settings(max_examples=60, deadline=None)
@given(road_graphs())
def test_route_costs_equal_networkx(case):
    g, closed, vehicle = case
    net = RoadNetwork(g)
    router = Router(net)
    net.matrix(vehicle)  # build before the change, so the incremental update is exercised
    if net.n_roads:
        net.set_state(sorted(set(closed)), status="closed")
        net.set_state([0], speed_factor=0.5, status="damaged")
    h = _nx_weights(g, net, vehicle)
    src = net.node_ids[0]
    expected = nx.single_source_dijkstra_path_length(h, src, weight="w")
    for dst_i in range(net.n_nodes):
        dst = net.node_ids[dst_i]
        route = router.route(0, dst_i, vehicle)
        if dst not in expected:
            assert route is None
        else:
            assert route is not None
            assert math.isclose(route.minutes, expected[dst], rel_tol=1e-9, abs_tol=1e-9)
            # the path is a real path whose edges sum to its cost
            w = sum(h.edges[net.node_ids[a], net.node_ids[b]]["w"]
                    for a, b in zip(route.nodes[:-1], route.nodes[1:], strict=True))
            assert math.isclose(w, route.minutes, rel_tol=1e-9, abs_tol=1e-9)
    times_to = router.times_to(0, vehicle)
    exp_to = nx.single_source_dijkstra_path_length(h.reverse() if h.is_directed() else h, src, weight="w")
    for i in range(net.n_nodes):
        e = exp_to.get(net.node_ids[i], math.inf)
        assert math.isclose(times_to[i], e, rel_tol=1e-9) or (math.isinf(e) and math.isinf(times_to[i]))


def test_flooded_road_blocks_ordinary_not_high_clearance():
    g = nx.Graph()
    g.add_node("a", x=0, y=0)
    g.add_node("b", x=1000, y=0)
    g.add_edge("a", "b", length=1000, road_class="local", id="r0")
    net = RoadNetwork(g)
    router = Router(net)
    net.set_state([0], status="flooded", water_depth=0.45)
    assert router.route(0, 1, "ordinary") is None
    assert router.route(0, 1, "high_clearance") is not None
    assert router.route(0, 1, "heavy") is not None  # 0.5 m limit
    net.set_state([0], water_depth=0.55)
    assert router.route(0, 1, "heavy") is None


def test_contaminated_road_needs_ppe():
    g = nx.Graph()
    g.add_node("a", x=0, y=0)
    g.add_node("b", x=1000, y=0)
    g.add_edge("a", "b", length=1000, road_class="arterial", id="r0")
    net = RoadNetwork(g)
    router = Router(net)
    net.set_state([0], status="contaminated", contaminated=True)
    assert router.route(0, 1, "heavy", ppe=False) is None
    r = router.route(0, 1, "heavy", ppe=True)
    assert r is not None and math.isclose(r.minutes, 1.0 / (50 * 0.8) * 60)


@settings(max_examples=60, deadline=None)
@given(road_graphs())
def test_lower_bound_never_exceeds_the_true_time(case):
    """The dispatcher prunes units by Router.lower_bound; it must be admissible even where a
    road's recorded length is shorter than the straight line between its ends (random lengths)."""
    g, _closed, vehicle = case
    net = RoadNetwork(g)
    router = Router(net)
    h = _nx_weights(g, net, vehicle)
    for src in list(g.nodes)[:5]:
        times = nx.single_source_dijkstra_path_length(h, src, weight="w")
        a = net.node_index[src]
        for dst, t in times.items():
            b = net.node_index[dst]
            assert router.lower_bound(a, b) <= t * (1 + 1e-9) + 1e-9


def test_route_from_a_tree_with_a_cycle_raises_instead_of_looping():
    g = nx.Graph()
    for i in range(4):
        g.add_node(i, x=100.0 * i, y=0.0)
    for i in range(3):
        g.add_edge(i, i + 1, length=100.0, road_class="local", id=f"r{i}")
    net = RoadNetwork(g)
    router = Router(net)
    good = np.array([1, 2, 3, -9999], dtype=np.int32)  # every node's next hop towards node 3
    assert list(router.route_from_tree(0, 3, good, "ordinary").nodes) == [0, 1, 2, 3]
    bad = np.array([1, 0, 3, -9999], dtype=np.int32)  # 0 -> 1 -> 0 -> ...
    with pytest.raises(RuntimeError, match="cycle"):
        router.route_from_tree(0, 3, bad, "ordinary")
