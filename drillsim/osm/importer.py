"""``drillsim map import``: an OSM extract (+ optional DEM) to a map folder, all or nothing.

Everything is built in memory and written to a temporary folder next to the
target, which is renamed into place only at the end: a failure leaves no
half-written map, and an existing map folder is replaced only with ``force``
(and only once the new one is complete).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import yaml

from drillsim.core.errors import InputError, Problem
from drillsim.osm.fuel import fuel_grid
from drillsim.osm.places import build_places
from drillsim.osm.roads import build_roads
from drillsim.osm.source import kind_of, read_osm
from drillsim.osm.terrain import flat_grid, load_dem
from drillsim.osm.writer import write_roads
from drillsim.scenario.map_dir import FORMAT, MANIFEST, PLACES, ROADS, ROADS_TWIN, TERRAIN

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def parse_bbox(text: str, file: str = "--bbox") -> tuple[float, float, float, float]:
    """``W,S,E,N`` in degrees (longitude, latitude)."""
    try:
        w, s, e, n = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(Problem(file, 1, 1, f"--bbox {text!r}: expected W,S,E,N in degrees, "
                                             f"e.g. 116.30,39.90,116.45,40.00")) from None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InputError(Problem(file, 1, 1, f"--bbox {text!r}: need -180 <= W < E <= 180 and "
                                             f"-90 <= S < N <= 90 (longitude first)"))
    return w, s, e, n


def check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(Problem(str(out), 1, 1, "exists and is not a folder; choose another -o MAP_DIR"))
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(Problem(str(out), 1, 1, "the map folder exists and is not empty; "
                                                 "use --force to replace it or choose another -o"))


def import_map(src: Path, out: Path, bbox: tuple[float, float, float, float] | None = None,
               dem: Path | None = None, name: dict[str, str] | None = None, force: bool = False,
               progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Import ``src`` into the map folder ``out``; return the manifest (statistics, warnings)."""
    src, out = Path(src), Path(out)
    say = progress or (lambda _msg: None)
    check_target(out, force)
    t0 = time.perf_counter()
    say("reading OSM")
    data = read_osm(src)
    say("building roads")
    roads = build_roads(data.graph, str(src), bbox)
    xy = np.array([[d["x"], d["y"]] for _, d in roads.graph.nodes(data=True)])
    say("placing places")
    places = build_places(data.features, roads.crs, roads.origin, xy)
    bounds = (float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max()))
    warnings: list[dict[str, str]] = []
    if dem is not None:
        say("resampling DEM")
        grid, w = load_dem(Path(dem), roads.crs, roads.origin, bounds)
        warnings += w
    else:
        grid = flat_grid(bounds)
        warnings.append({"zh": "未给出 --dem：地形按平地（0 m）处理；地震滑坡、洪水淹没深度和林火坡度需要高程数据",
                         "en": "no --dem given: the terrain is flat (0 m); earthquake landslides, flood "
                               "depths and fire slopes need a DEM"})
    fuel = fuel_grid(data.features, roads.crs, roads.origin, grid)
    if not any(p["kind"] == "station" for p in places.places):
        warnings.append({"zh": "未找到消防站或派出所：请在想定的 places 中添加队伍驻地",
                         "en": "no fire or police stations found: add unit bases in the scenario's places"})
    stem = src.name.split(".")[0]
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "name": name or {"zh": stem, "en": stem},
        "source": {"file": src.name, "kind": kind_of(src), "bbox": list(bbox) if bbox else None,
                   "dem": Path(dem).name if dem else None},
        "crs": roads.crs, "origin": [roads.origin[0], roads.origin[1]],
        "size_m": [round(bounds[2]), round(bounds[3])],
        "roads": roads.stats, "places": places.stats,
        "terrain": {"cell_m": grid.cell, "shape": list(grid.shape), "from_dem": dem is not None,
                    "min_m": round(float(grid.values.min()), 1), "max_m": round(float(grid.values.max()), 1),
                    "fuel_cells": {int(k): int(v) for k, v in zip(*np.unique(fuel.values, return_counts=True),
                                                                   strict=True)}},
        "warnings": warnings,
    }
    say("writing")
    _write(out, roads.graph, {"places": places.places, "admin": places.admin, "rivers": places.rivers,
                              "water": places.water}, grid, fuel, manifest, force)
    manifest["seconds"] = round(time.perf_counter() - t0, 2)
    return manifest


def _write(out: Path, graph: nx.DiGraph, places: dict[str, Any], grid, fuel, manifest: dict[str, Any],
           force: bool) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        manifest["roads_sha256"] = write_roads(graph, tmp / ROADS, tmp / ROADS_TWIN)
        (tmp / PLACES).write_text(yaml.dump(places, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                                            width=120, default_flow_style=None), encoding="utf-8")
        np.savez_compressed(tmp / TERRAIN, x0=grid.x0, y0=grid.y0, cell=grid.cell,
                            elevation=grid.values.astype(np.float32), fuel=fuel.values.astype(np.int16))
        (tmp / MANIFEST).write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=120),
                                    encoding="utf-8")
        check_target(out, force)  # still free (or replaceable) now that the new map is complete
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{int(time.time() * 1000)}")
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
