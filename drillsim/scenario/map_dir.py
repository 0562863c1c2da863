"""A map folder (``map: {dir: PATH}``): roads, places and terrain of a real area.

``drillsim map import`` writes one from OpenStreetMap (docs/maps.md). The folder holds

- ``map.yaml``: manifest: name, source, projection (``crs`` + ``origin``: the
  projected coordinates of map point (0, 0)), import statistics and warnings;
- ``roads.graphml``: the road graph in map metres (see :mod:`maps` for attributes);
- ``places.yaml``: place records by kind (``kind``, ``id``, ``name``, ``at``, ...),
  plus ``admin`` areas and ``rivers`` polylines;
- ``terrain.npz``: ``x0``, ``y0``, ``cell``, ``elevation`` (m, rows south to
  north) and optionally ``fuel`` (Albini fuel model per cell).

Only numpy, yaml and networkx are needed to read it (no GIS libraries).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml

from drillsim.core.errors import InputError, Problem
from drillsim.core.grid import Grid

MANIFEST = "map.yaml"
ROADS = "roads.graphml"
PLACES = "places.yaml"
TERRAIN = "terrain.npz"
FORMAT = "drillsim-map/1"


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
    data = load_graphml(folder / ROADS)
    pf = folder / PLACES
    try:
        pl = (yaml.safe_load(pf.read_text(encoding="utf-8")) or {}) if pf.exists() else {}
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
        graph=data.graph, places=list(pl.get("places") or []),
        rivers=[[(float(x), float(y)) for x, y in line] for line in pl.get("rivers") or []],
        admin=list(pl.get("admin") or []), elevation=elevation, fuel=fuel,
    )
