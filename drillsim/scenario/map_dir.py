"""A map folder (``map: {dir: PATH}``): roads, places and terrain of a real area.

``drillsim map import`` writes one from OpenStreetMap (docs/maps.md). The folder holds

- ``map.yaml``: manifest: name, source, projection (``crs`` + ``origin``: the
  projected coordinates of map point (0, 0)), import statistics and warnings;
- ``roads.graphml``: the road graph in map metres (see :mod:`maps` for attributes),
  and ``roads.npz``, the same as arrays with the GraphML's sha256 (read instead
  of the GraphML while the hash matches: seconds instead of minutes for a city);
- ``places.yaml``: place records by kind (``kind``, ``id``, ``name``, ``at``, ...),
  plus ``admin`` areas and ``rivers`` polylines;
- ``terrain.npz``: ``x0``, ``y0``, ``cell``, ``elevation`` (m, rows south to
  north) and optionally ``fuel`` (Albini fuel model per cell).

Only numpy, yaml and networkx are needed to read it (no GIS libraries).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import yaml

from drillsim.core.errors import InputError, Problem
from drillsim.core.grid import Grid

MANIFEST = "map.yaml"
ROADS = "roads.graphml"
PLACES = "places.yaml"
TERRAIN = "terrain.npz"
ROADS_TWIN = "roads.npz"
FORMAT = "drillsim-map/1"
NODE_FIELDS = (("x", float), ("y", float), ("osmid", str))
EDGE_FIELDS = (("id", str), ("length", float), ("highway", str), ("road_class", str), ("speed_kmh", float),
               ("maxspeed", str), ("lanes", int), ("oneway", bool), ("bridge", bool), ("tunnel", bool),
               ("name", str), ("osmid", str))
"""Road attributes a map folder carries (GraphML keys and ``roads.npz`` columns)."""


def read_manifest(folder: Path) -> dict[str, Any]:
    f = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(Problem(str(folder), 1, 1, "map folder not found; check 'map: dir:' in the scenario "
                                                    "or run 'drillsim map import' first"))
    if not f.exists():
        raise InputError(Problem(str(f), 1, 1, "not a DrillSim map folder (no map.yaml); "
                                               "make one with 'drillsim map import'"))
    try:
        m = yaml.safe_load(f.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InputError(Problem(str(f), 1, 1, f"unreadable map manifest: {e}")) from None
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise InputError(Problem(str(f), 1, 1, f"not a map manifest (expected 'format: {FORMAT}')"))
    return m


def load_map_dir(folder: Path):
    """Read a map folder into :class:`~drillsim.scenario.maps.MapData`."""
    from drillsim.scenario.maps import MapData, load_graphml

    folder = Path(folder)
    m = read_manifest(folder)
    graph = _twin_graph(folder)
    if graph is None:
        graph = load_graphml(folder / ROADS).graph
    pf = folder / PLACES
    try:
        pl = (yaml.load(pf.read_text(encoding="utf-8"), Loader=_Loader) or {}) if pf.exists() else {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InputError(Problem(str(pf), 1, 1, f"unreadable places file: {e}")) from None
    elevation = fuel = None
    tf = folder / TERRAIN
    if tf.exists():
        try:
            with np.load(tf) as z:
                x0, y0, cell = float(z["x0"]), float(z["y0"]), float(z["cell"])
                elevation = Grid(x0, y0, cell, z["elevation"].astype(float))
                if "fuel" in z.files:
                    fuel = Grid(x0, y0, cell, z["fuel"].astype(float))
        except Exception as e:  # numpy raises many types on a damaged archive
            raise InputError(Problem(str(tf), 1, 1, f"unreadable terrain file: {e}")) from None
    name = m.get("name") or {"zh": folder.name, "en": folder.name}
    return MapData(
        name={"zh": str(name.get("zh", folder.name)), "en": str(name.get("en", folder.name))},
        graph=graph, places=list(pl.get("places") or []),
        rivers=[[(float(x), float(y)) for x, y in line] for line in pl.get("rivers") or []],
        admin=list(pl.get("admin") or []), elevation=elevation, fuel=fuel,
    )


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _twin_graph(folder: Path) -> nx.DiGraph | None:
    """The road graph from ``roads.npz`` if it matches ``roads.graphml`` byte for byte, else None."""
    twin, gml = folder / ROADS_TWIN, folder / ROADS
    if not (twin.exists() and gml.exists()):
        return None
    h = hashlib.sha256()
    with open(gml, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    try:
        with np.load(twin) as z:
            if str(z["graphml_sha256"]) != h.hexdigest():
                return None
            ids = z["node_id"].tolist()
            g = nx.DiGraph()
            g.add_nodes_from((n, {"x": x, "y": y}) for n, x, y in
                             zip(ids, z["node_x"].tolist(), z["node_y"].tolist(), strict=True))
            cols = [(name, z[f"edge_{name}"].tolist()) for name, _ in EDGE_FIELDS]
            names = [c[0] for c in cols]
            rows = zip(*(c[1] for c in cols), strict=True)
            g.add_edges_from((ids[u], ids[v], dict(zip(names, row, strict=True))) for u, v, row in
                             zip(z["edge_u"].tolist(), z["edge_v"].tolist(), rows, strict=True))
    except (OSError, KeyError, ValueError):
        return None  # damaged twin: the GraphML is the truth
    return g
