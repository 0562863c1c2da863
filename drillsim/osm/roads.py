"""From raw OSM roads to a DrillSim road graph in local metres.

Steps: cut to the bounding box, simplify to intersections (osmnx's rules, :mod:`simplify`; bridges,
tunnels and class changes stay edge ends so a damaged bridge closes only the
bridge), project the nodes to the UTM zone of the area (pyproj), keep the largest strongly
connected part (every node reachable from every other: a drill never strands a
unit), then one plain ``DiGraph`` edge per direction with the attributes
:mod:`drillsim.scenario.maps` reads. Lengths are great-circle lengths along the
way's geometry (osmnx), not the projected ones.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from drillsim.core.errors import InputError, Problem
from drillsim.osm.simplify import simplify
from drillsim.scenario import catalog

DIFFER = ("highway", "bridge", "tunnel")
"""A change of these along a street ends an edge (a bridge stays its own edge)."""
ORIGIN_STEP_M = 100.0
"""Map (0, 0) sits on a 100 m multiple of the projected coordinates, just south-west of the roads."""


@dataclass
class RoadResult:
    graph: nx.DiGraph
    crs: str
    origin: tuple[float, float]
    stats: dict[str, Any] = field(default_factory=dict)


def build_roads(raw: nx.MultiDiGraph, file: str, bbox: tuple[float, float, float, float] | None) -> RoadResult:
    g = raw
    where = " inside the --bbox" if bbox else ""
    if bbox is not None:
        w, s, e, n = bbox
        g = g.subgraph([k for k, d in g.nodes(data=True) if w <= d["x"] <= e and s <= d["y"] <= n]).copy()
    if g.number_of_edges() == 0:
        raise InputError(Problem(file, 1, 1, f"no drivable roads{where}: the extract has no ways tagged "
                                             f"highway=motorway..track (check the file and the --bbox W,S,E,N "
                                             f"in degrees)"))
    g = simplify(g, DIFFER)
    out = _plain(g)
    crs_text = _project(out)
    before_n, before_e, before_km = out.number_of_nodes(), out.number_of_edges(), _km(out)
    keep = max(nx.strongly_connected_components(out), key=len)
    out = out.subgraph(keep).copy()
    if out.number_of_edges() == 0:
        raise InputError(Problem(file, 1, 1, f"the drivable roads{where} form no connected network "
                                             f"(no two places reachable from each other)"))
    xs = [d["x"] for _, d in out.nodes(data=True)]
    ys = [d["y"] for _, d in out.nodes(data=True)]
    ox0 = math.floor(min(xs) / ORIGIN_STEP_M) * ORIGIN_STEP_M
    oy0 = math.floor(min(ys) / ORIGIN_STEP_M) * ORIGIN_STEP_M
    for _, d in out.nodes(data=True):
        d["x"] = round(d["x"] - ox0, 2)
        d["y"] = round(d["y"] - oy0, 2)
    for k, (_, _, d) in enumerate(out.edges(data=True)):
        d["id"] = f"r{k}"
    stats = {
        "nodes": out.number_of_nodes(), "edges": out.number_of_edges(), "road_km": round(_km(out), 2),
        "dropped": {"nodes": before_n - out.number_of_nodes(), "edges": before_e - out.number_of_edges(),
                    "road_km": round(before_km - _km(out), 2)},
        "oneway_edges": sum(1 for _, _, d in out.edges(data=True) if d["oneway"]),
        "bridges": sum(1 for _, _, d in out.edges(data=True) if d["bridge"]),
        "tunnels": sum(1 for _, _, d in out.edges(data=True) if d["tunnel"]),
        "speed_tagged_edges": sum(1 for _, _, d in out.edges(data=True) if d["maxspeed"]),
    }
    return RoadResult(out, crs_text, (ox0, oy0), stats)


def utm_crs(lon: float, lat: float) -> str:
    """The WGS 84 / UTM zone of a point (what osmnx ``project_graph`` picks for the area's centre)."""
    zone = min(60, int((lon + 180.0) // 6.0) + 1)
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def _project(g: nx.DiGraph) -> str:
    """Node x/y from lon/lat to the area's UTM zone, in one vectorised pyproj call; returns the CRS."""
    from pyproj import Transformer

    lon = np.array([d["x"] for _, d in g.nodes(data=True)])
    lat = np.array([d["y"] for _, d in g.nodes(data=True)])
    crs = utm_crs((lon.min() + lon.max()) / 2, (lat.min() + lat.max()) / 2)
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    for (_, d), xi, yi in zip(g.nodes(data=True), x.tolist(), y.tolist(), strict=True):
        d["x"], d["y"] = xi, yi
    return crs


def _km(g: nx.DiGraph) -> float:
    """Road length: a two-way road counts once."""
    total = 0.0
    for u, v, d in g.edges(data=True):
        if not (g.has_edge(v, u) and str(v) < str(u)):
            total += d["length"]
    return total / 1000.0


def _plain(g: nx.MultiDiGraph) -> nx.DiGraph:
    """One edge per direction (the shortest of parallel ways), DrillSim attributes, no self-loops."""
    rules = catalog.load_data("osm")["highways"]
    out = nx.DiGraph()
    for n, d in g.nodes(data=True):
        out.add_node(str(n), x=float(d["x"]), y=float(d["y"]), osmid=str(n))
    for u, v, d in g.edges(data=True):
        if u == v:
            continue
        length = float(d.get("length") or 0.0)
        su, sv = str(u), str(v)
        if out.has_edge(su, sv) and out[su][sv]["length"] <= length:
            continue
        hw = _best_highway(d.get("highway"), rules)
        tagged = _maxspeed(d.get("maxspeed"))
        out.add_edge(
            su, sv, length=round(max(length, 0.1), 2), highway=hw, road_class=rules[hw]["class"],
            speed_kmh=float(tagged or rules[hw]["speed_kmh"]),
            maxspeed=f"{tagged:g}" if tagged else "",
            lanes=_lanes(d.get("lanes")), oneway=bool(d.get("oneway", False)),
            bridge=_yes(d.get("bridge")), tunnel=_yes(d.get("tunnel")),
            name=_name(d), osmid=str(_first(d.get("osmid"))),
        )
    return out


def _first(v: Any) -> Any:
    return v[0] if isinstance(v, list) and v else v


def _best_highway(v: Any, rules: dict[str, Any]) -> str:
    order = list(rules)
    vals = [x for x in (v if isinstance(v, list) else [v]) if x in rules]
    return min(vals, key=order.index) if vals else "road"


_SPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")


def _maxspeed(v: Any) -> float | None:
    """A numeric ``maxspeed`` in km/h (lowest of several), or None (e.g. ``CN:urban``, ``none``)."""
    speeds = []
    for part in (v if isinstance(v, list) else [v]):
        for s in str(part if part is not None else "").split(";"):
            m = _SPEED.match(s)
            if m:
                kmh = float(m.group(1)) * (1.609344 if m.group(2) == "mph" else 1.0)
                if 5 <= kmh <= 150:
                    speeds.append(round(kmh, 1))
    return min(speeds) if speeds else None


def _lanes(v: Any) -> int:
    got = []
    for part in (v if isinstance(v, list) else [v]):
        for s in str(part if part is not None else "").split(";"):
            try:
                got.append(int(float(s)))
            except ValueError:
                pass
    return min(got) if got else 0


def _yes(v: Any) -> bool:
    vals = v if isinstance(v, list) else [v]
    return any(str(x).lower() not in ("", "no", "none", "nan", "false", "0") for x in vals if x is not None)


def _name(d: dict[str, Any]) -> str:
    for key in ("name:zh", "name", "ref"):
        v = d.get(key)
        if v:
            vals = list(dict.fromkeys(v if isinstance(v, list) else [v]))
            return "/".join(str(x) for x in vals)
    return ""
