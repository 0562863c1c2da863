"""Small worlds built in code, so engine tests do not depend on the demo city."""

from __future__ import annotations

from datetime import datetime

import networkx as nx

from drillsim.scenario.loader import build_units
from drillsim.scenario.maps import MapData
from drillsim.scenario.model import MapSpec, Meta, Place, Scenario, Supply


def grid_map(n: int = 10, spacing: float = 500.0, road_class: str = "local") -> MapData:
    """An n x n grid of two-way roads; node (i, j) at (j*spacing, i*spacing)."""
    g = nx.Graph()
    for i in range(n):
        for j in range(n):
            g.add_node(f"{i}_{j}", x=j * spacing, y=i * spacing)
    k = 0
    for i in range(n):
        for j in range(n):
            for di, dj in ((0, 1), (1, 0)):
                a, b = i + di, j + dj
                if a < n and b < n:
                    g.add_edge(f"{i}_{j}", f"{a}_{b}", length=spacing, road_class=road_class, id=f"r{k}")
                    k += 1
    return MapData(name={"zh": "网格", "en": "grid"}, graph=g)


def node_of(m: MapData, i: int, j: int) -> str:
    return f"{i}_{j}"


def scenario(places: list[Place], units: list[dict], incidents: list | None = None,
             duration_min: float = 1440, seed: int = 1, hazards: list | None = None) -> Scenario:
    supplies = {
        "tent": Supply("tent", {"zh": "帐篷", "en": "Tent"}, {"zh": "顶", "en": "pcs"}, 30.0),
        "water": Supply("water", {"zh": "饮用水", "en": "Water"}, {"zh": "箱", "en": "cases"}, 10.0),
    }
    return Scenario(
        meta=Meta({"zh": "测试", "en": "test"}, {"zh": "", "en": ""}, {"zh": "", "en": ""},
                  datetime(2026, 1, 1, 8), duration_min, seed),
        map=MapSpec(), places=places, units=build_units(units), supplies=supplies,
        incidents=incidents or [], hazards=hazards or [],
    )


def place(pid: str, kind: str, x: float, y: float, **kw) -> Place:
    return Place.from_dict(kind, {"id": pid, "name": pid, "at": [x, y], **kw})
