"""The built-in demo city (澜溪市), the synthetic grid city and the hillside GraphML map."""

from __future__ import annotations

import collections
import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from scipy.spatial import cKDTree

from drillsim.core.paths import scenarios_dir
from drillsim.scenario import catalog
from drillsim.scenario.demo_city import TOTAL_STOCK, build_demo_city
from drillsim.scenario.maps import load_graphml, load_map
from drillsim.scenario.model import LEVELS, Place
from drillsim.scenario.synthetic import grid_city
from drillsim.world.network import RoadNetwork
from drillsim.world.router import Router


@pytest.fixture(scope="module")
def demo():
    return build_demo_city()


def _kinds(m):
    return collections.Counter(p["kind"] for p in m.places)


def test_graph_contract(demo):
    g = demo.graph
    assert not g.is_directed() and not g.is_multigraph()
    assert g.number_of_nodes() >= 2000
    assert nx.is_connected(g)
    assert nx.number_of_selfloops(g) == 0
    classes = set(catalog.road_classes())
    ids = [d["id"] for *_, d in g.edges(data=True)]
    assert len(ids) == len(set(ids))
    for *_, d in g.edges(data=True):
        assert d["road_class"] in classes
        assert d["length"] > 0 and isinstance(d["bridge"], bool) and isinstance(d["name"], str)
    used = {d["road_class"] for *_, d in g.edges(data=True)}
    assert used == classes  # every class appears, expressway to track
    for _, d in g.nodes(data=True):
        assert isinstance(d["x"], float) and isinstance(d["y"], float)
    x0, y0, x1, y1 = demo.bounds
    assert 12000 < x1 - x0 <= 14000 and 10000 < y1 - y0 <= 12000


def test_places(demo):
    k = _kinds(demo)
    assert k["shelter"] >= 10 and k["hospital"] >= 3 and k["community"] >= 30
    assert k["plant"] >= 2 and k["forest"] >= 1 and k["reservoir"] >= 1 and k["depot"] >= 3
    ids = [p["id"] for p in demo.places]
    assert len(ids) == len(set(ids))
    places = [Place.from_dict(p["kind"], {q: v for q, v in p.items() if q != "kind"}) for p in demo.places]
    assert all(p.capacity > 0 for p in places if p.kind in ("shelter", "hospital"))
    pop = sum(p.population for p in places if p.kind == "community")
    assert 200_000 <= pop <= 300_000
    assert {p.level for p in places if p.kind == "command_post"} == set(LEVELS)
    assert sum(p.level == "乡镇" for p in places if p.kind == "command_post") == 5
    assert all(p.level in ("村", "社区") and p.attrs.get("town") for p in places if p.kind == "community")
    stations = collections.Counter(p.attrs["unit_type"] for p in places if p.kind == "station")
    assert stations["fire_rescue"] >= 3
    for t in ("hazmat", "forest_fire", "army", "militia", "medical", "transport"):
        assert stations[t] >= 1
    for p in places:
        if p.kind == "plant":
            assert p.attrs["substances"] and all(s["inventory_kg"] > 0 for s in p.attrs["substances"])
        if p.kind == "reservoir":
            assert p.attrs["capacity_m3"] > 0
            assert p.attrs["crest_elevation_m"] > p.attrs["normal_level_m"]
    assert {a["level"] for a in demo.admin} == {"县", "乡镇"}
    assert sum(a["level"] == "乡镇" for a in demo.admin) == 5


def test_tiered_stock_splits_50_30_20(demo):
    depots = [p for p in demo.places if p["kind"] == "depot"]
    assert {p["tier"] for p in depots} == {"区", "市", "县"}
    for item, total in TOTAL_STOCK.items():
        by_tier = collections.defaultdict(float)
        for p in depots:
            by_tier[p["tier"]] += p["stock"].get(item, 0.0)
        assert sum(by_tier.values()) == pytest.approx(total)
        assert by_tier["区"] == pytest.approx(0.5 * total, rel=1e-9)
        assert by_tier["市"] == pytest.approx(0.3 * total, rel=1e-9)
        assert by_tier["县"] == pytest.approx(0.2 * total, rel=1e-9)
    assert any(p.get("contracts") for p in depots) and any(p.get("production") for p in depots)


def test_bridges_lie_on_the_river(demo):
    g = demo.graph
    river = np.vstack([np.array(r) for r in demo.rivers])
    tree = cKDTree(river)
    bridges = [(u, v) for u, v, d in g.edges(data=True) if d["bridge"]]
    assert len(bridges) >= 5
    for u, v in bridges:
        a = np.array([g.nodes[u]["x"], g.nodes[u]["y"]])
        b = np.array([g.nodes[v]["x"], g.nodes[v]["y"]])
        samples = a + np.linspace(0, 1, 21)[:, None] * (b - a)
        assert tree.query(samples)[0].min() < 80.0
    assert len(demo.dikes) >= 2
    for dk in demo.dikes:
        line = dk["polyline"]
        ground = max(demo.elevation.sample(x, y) for x, y in line)
        assert dk["crest_elevation_m"] > ground  # a dike stands above the land it protects


def test_terrain(demo):
    elev, fuel = demo.elevation, demo.fuel
    assert elev.shape == fuel.shape and elev.cell == pytest.approx(50.0)
    for _, d in demo.graph.nodes(data=True):
        assert elev.index(d["x"], d["y"]) is not None
    assert 600 <= np.nanmax(elev.values) <= 850
    river = np.array(demo.rivers[0])
    # the river bed lies lower than the land 500 m to either side
    for x, y in river[10:-10:10]:
        bed = elev.sample(x, y)
        assert bed < elev.sample(x, y + 500) or bed < elev.sample(x, y - 500)
    assert set(np.unique(fuel.values)) <= set(range(14))
    assert {8, 9, 10} & set(np.unique(fuel.values)) and 0 in fuel.values


def test_deterministic(demo):
    again = build_demo_city()
    assert list(demo.graph.nodes(data=True)) == list(again.graph.nodes(data=True))
    assert [d["id"] for *_, d in demo.graph.edges(data=True)] == [d["id"] for *_, d in again.graph.edges(data=True)]
    assert demo.places == again.places
    assert np.array_equal(demo.elevation.values, again.elevation.values)


def test_places_near_roads(demo):
    g = demo.graph
    tree = cKDTree([[d["x"], d["y"]] for _, d in g.nodes(data=True)])
    for p in demo.places:
        assert tree.query(p["at"])[0] <= 200.0, p["id"]


def test_graphml_round_trip(demo, tmp_path: Path):
    path = tmp_path / "lanxi.graphml"
    nx.write_graphml(demo.graph, path)
    m = load_graphml(path)
    assert m.graph.number_of_nodes() == demo.graph.number_of_nodes()
    assert m.graph.number_of_edges() == demo.graph.number_of_edges()
    before = collections.Counter(d["road_class"] for *_, d in demo.graph.edges(data=True))
    after = collections.Counter(d["road_class"] for *_, d in m.graph.edges(data=True))
    assert before == after
    assert sum(d["bridge"] for *_, d in m.graph.edges(data=True)) == sum(
        d["bridge"] for *_, d in demo.graph.edges(data=True))


def test_hillside_graphml_loads():
    m = load_map(graphml=scenarios_dir() / "maps" / "hillside.graphml")
    g = m.graph
    assert 200 <= g.number_of_nodes() <= 600
    assert nx.is_connected(g)
    assert {"arterial", "collector", "local", "track"} <= {d["road_class"] for *_, d in g.edges(data=True)}


def test_builtin_map_is_the_demo_city():
    m = load_map("lanxi")
    assert m is load_map()  # cached
    assert m.graph.number_of_nodes() >= 2000


def test_route_between_far_communities(demo):
    net = RoadNetwork(demo.graph)
    router = Router(net)
    comms = [p for p in demo.places if p["kind"] == "community"]
    a, b = max(itertools.combinations(comms, 2),
               key=lambda ab: np.hypot(*(np.array(ab[0]["at"]) - ab[1]["at"])))
    dist = float(np.hypot(*(np.array(a["at"]) - b["at"])))
    assert dist > 10_000
    r = router.route(net.nearest_node(*a["at"]), net.nearest_node(*b["at"]))
    assert r is not None
    assert dist / (90_000 / 60) < r.minutes < dist / (10_000 / 60)


def test_grid_city_20000():
    m = grid_city(20000, seed=1)
    g = m.graph
    assert abs(g.number_of_nodes() - 20000) <= 200
    assert nx.is_connected(g)
    kinds = _kinds(m)
    for kind in ("depot", "shelter", "hospital", "community", "station", "command_post"):
        assert kinds[kind] >= 1, kind
    assert kinds["shelter"] >= 15
    assert any(d["bridge"] for *_, d in g.edges(data=True))
    assert {d["road_class"] for *_, d in g.edges(data=True)} == {"arterial", "collector", "local"}
    depots = [p for p in m.places if p["kind"] == "depot"]
    tier = collections.defaultdict(float)
    for p in depots:
        tier[p["tier"]] += p["stock"]["tent"]
    total = sum(tier.values())
    assert tier["区"] == pytest.approx(0.5 * total) and tier["县"] == pytest.approx(0.2 * total)
    assert grid_city(500, seed=3).graph.nodes(data=True)[7] == grid_city(500, seed=3).graph.nodes(data=True)[7]
