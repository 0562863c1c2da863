"""Regenerate scenarios/maps/hillside.graphml, a small user map for GraphML scenarios.

A hillside village cluster (about 400 nodes) in osmnx-like form: node attributes
``x``, ``y`` (map metres), edge attributes ``length`` (m), ``highway`` (OSM tag:
primary, secondary, tertiary, unclassified, residential, track), ``id`` and
``name``. ``drillsim.scenario.maps.load_graphml`` maps the OSM tags to road
classes (resources/data/roads.yaml). Run: ``python bench/make_hillside_map.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np

OUT = Path(__file__).resolve().parent.parent / "scenarios" / "maps" / "hillside.graphml"


def build(seed: int = 7) -> nx.Graph:
    rng = np.random.default_rng(seed)
    g = nx.Graph()
    pos: list[tuple[float, float]] = []

    def node(x: float, y: float) -> str:
        pos.append((x, y))
        n = f"n{len(pos) - 1}"
        g.add_node(n, x=round(x, 2), y=round(y, 2))
        return n

    def edge(a: str, b: str, highway: str, name: str = "") -> None:
        if a == b or g.has_edge(a, b):
            return
        (xa, ya), (xb, yb) = pos[int(a[1:])], pos[int(b[1:])]
        g.add_edge(a, b, length=round(max(1.0, math.hypot(xb - xa, yb - ya)), 1), highway=highway,
                   id=f"w{g.number_of_edges() + 1}", name=name)

    def road(points: list[tuple[float, float]], highway: str, name: str, start: str | None = None) -> list[str]:
        nodes = [start] if start else [node(*points[0])]
        for p in points[1:]:
            nodes.append(node(*p))
            edge(nodes[-2], nodes[-1], highway, name)
        return nodes

    # the valley road (primary) winding up the hillside, 4 km
    t = np.linspace(0, 1, 41)
    main = road([(4000 * s, 400 + 250 * math.sin(6 * s) + 600 * s) for s in t], "primary", "岭下公路")
    villages = []
    for k, at in enumerate((8, 18, 28, 36)):
        # a village: a residential grid of 6x6 at 60 m beside the main road
        cx, cy = pos[int(main[at][1:])]
        cy += 220 if k % 2 == 0 else -220
        ang = rng.uniform(-0.3, 0.3)
        grid = {}
        for i in range(6):
            for j in range(6):
                u, v = (j - 2.5) * 60, (i - 2.5) * 60
                grid[i, j] = node(cx + u * math.cos(ang) - v * math.sin(ang) + rng.normal(0, 4),
                                  cy + u * math.sin(ang) + v * math.cos(ang) + rng.normal(0, 4))
        vname = ["上坪村", "中岭村", "下湾村", "石岩村"][k]
        for (i, j), a in grid.items():
            if (i, j + 1) in grid and rng.random() > 0.1:
                edge(a, grid[i, j + 1], "residential", vname)
            if (i + 1, j) in grid:
                edge(a, grid[i + 1, j], "residential", vname)
        # village link (tertiary) from the road to the village edge
        near = grid[0, 2] if k % 2 == 0 else grid[5, 2]
        (xa, ya), (xb, yb) = pos[int(main[at][1:])], pos[int(near[1:])]
        link = road([(xa + (xb - xa) * s, ya + (yb - ya) * s) for s in (0.0, 0.35, 0.7)], "tertiary",
                    f"{vname}连接线", start=main[at])
        edge(link[-1], near, "tertiary", f"{vname}连接线")
        villages.append(grid)
    # a secondary road climbing north from the middle of the valley road
    x0, y0 = pos[int(main[20][1:])]
    sec = road([(x0 + 150 * math.sin(3 * s), y0 + 2200 * s) for s in np.linspace(0, 1, 23)],
               "secondary", "岭上路", start=main[20])
    # unclassified lanes between villages uphill, and tracks into the forest
    for grid, k in ((villages[0], 0), (villages[2], 2)):
        a = grid[5, 5] if k == 0 else grid[5, 0]
        xa, ya = pos[int(a[1:])]
        xb, yb = pos[int(sec[8 + 6 * (k // 2)][1:])]
        pts = [(xa + (xb - xa) * s, ya + (yb - ya) * s + 80 * math.sin(math.pi * s))
               for s in np.linspace(0, 1, 9)]
        lane = road(pts[:-1], "unclassified", "村道", start=a)
        edge(lane[-1], sec[8 + 6 * (k // 2)], "unclassified", "村道")
    for start in (sec[-1], sec[15], villages[1][0, 0], villages[3][5, 5]):
        x, y = pos[int(start[1:])]
        heading = rng.uniform(0, 2 * math.pi)
        prev = start
        for _ in range(12):
            heading += rng.normal(0, 0.4)
            x, y = x + 150 * math.cos(heading), y + 150 * math.sin(heading)
            cur = node(x, y)
            edge(prev, cur, "track", "林道")
            prev = cur
    return g


def main() -> None:
    g = build()
    assert nx.is_connected(g)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(g, OUT)
    print(f"wrote {OUT}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")


if __name__ == "__main__":
    main()
