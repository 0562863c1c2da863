"""Maps a scenario can name: the built-in demo city, a user GraphML file, or a map folder.

A map is a road graph (networkx) plus what is drawn and modelled around it:
places, rivers, dikes, admin boundaries, an elevation grid and a fuel grid.

Graph contract (what the world layer reads):
- nodes: ``x``, ``y`` (map metres, float)
- edges: ``length`` (m), ``road_class`` (see resources/data/roads.yaml), ``id``
  (a stable road id string, e.g. ``r1234``; both directions of a two-way road
  share it), optional ``bridge`` / ``tunnel`` (bool), ``name``, ``speed_kmh``
  (free-flow speed of this road, e.g. its posted limit; else the class speed),
  ``lanes`` (int, 0 = unknown), ``oneway`` (bool).
Undirected graphs are two-way roads; directed graphs (osmnx) keep their direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from drillsim.core.errors import InputError, Problem
from drillsim.core.grid import Grid
from drillsim.scenario import catalog

BUILTIN_MAPS = ("lanxi",)


@dataclass
class MapData:
    name: dict[str, str]
    graph: nx.Graph
    places: list[dict[str, Any]] = field(default_factory=list)
    """Place records as in a scenario's ``places`` section, each with a ``kind``."""
    rivers: list[list[tuple[float, float]]] = field(default_factory=list)
    dikes: list[dict[str, Any]] = field(default_factory=list)
    admin: list[dict[str, Any]] = field(default_factory=list)
    """Admin areas: {id, level, name{zh,en}, polygon [[x, y], ...]}."""
    elevation: Grid | None = None
    fuel: Grid | None = None
    """Fuel model number per cell (Albini 13; 0 = non-burnable)."""

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        xs = [d["x"] for _, d in self.graph.nodes(data=True)]
        ys = [d["y"] for _, d in self.graph.nodes(data=True)]
        return (min(xs), min(ys), max(xs), max(ys))


def load_map(builtin: str | None = None, graphml: Path | None = None, folder: Path | None = None) -> MapData:
    if folder is not None:
        from drillsim.scenario.map_dir import load_map_dir

        return load_map_dir(folder)
    if graphml is not None:
        return load_graphml(graphml)
    name = builtin or "lanxi"
    if name not in BUILTIN_MAPS:
        raise InputError(f"unknown built-in map {name!r}; choose one of {', '.join(BUILTIN_MAPS)}")
    return _builtin(name)


@cache
def _builtin(name: str) -> MapData:
    from drillsim.scenario.demo_city import build_demo_city

    return build_demo_city()


def load_graphml(path: Path) -> MapData:
    """Load a user road map from GraphML (plain or osmnx-style) and normalise attributes."""
    file = str(path)
    if not path.exists():
        raise InputError(Problem(file, 1, 1, "map file not found; check 'map: graphml:' in the scenario"))
    try:
        g = nx.read_graphml(path)
    except Exception as e:  # networkx raises many types on bad XML
        raise InputError(Problem(file, 1, 1, f"not a readable GraphML file: {e}")) from None
    speeds = catalog.road_classes()
    osm = catalog.load_data("roads")["osm_highway"]
    out = nx.DiGraph() if g.is_directed() else nx.Graph()
    for n, d in g.nodes(data=True):
        try:
            out.add_node(str(n), x=float(d["x"]), y=float(d["y"]))
        except (KeyError, ValueError):
            raise InputError(Problem(file, 1, 1, f"node {n!r} needs numeric 'x' and 'y' attributes (map metres)")) from None
    for k, (u, v, d) in enumerate(g.edges(data=True)):
        cls = str(d.get("road_class") or "")
        if cls not in speeds:
            hw = str(d.get("highway", "")).strip("[]'\" ").split("'")[0]
            cls = osm.get(hw, "local")
        try:
            length = float(d.get("length", 0.0))
        except ValueError:
            length = 0.0
        if length <= 0:
            a, b = out.nodes[str(u)], out.nodes[str(v)]
            length = max(1.0, ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5)
        rid = str(d.get("id") or d.get("osmid") or f"e{k}")
        if out.has_edge(str(u), str(v)):
            continue  # keep the first of parallel edges
        out.add_edge(str(u), str(v), length=length, road_class=cls, id=rid,
                     bridge=_flag(d.get("bridge")), tunnel=_flag(d.get("tunnel")),
                     oneway=_flag(d.get("oneway")), name=str(d.get("name", "")),
                     speed_kmh=_number(d.get("speed_kmh")), lanes=int(_number(d.get("lanes"))))
    if out.number_of_nodes() == 0:
        raise InputError(Problem(file, 1, 1, "the map has no nodes"))
    return MapData(name={"zh": path.stem, "en": path.stem}, graph=out)


def _flag(v: object) -> bool:
    return str(v if v is not None else "").lower() in ("true", "yes", "1")


def _number(v: object) -> float:
    """A positive number, or 0 for missing / unparsable / non-positive."""
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return f if f > 0 and f == f else 0.0
