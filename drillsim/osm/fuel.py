"""Fuel grid for wildfires from OSM land cover (rules: resources/data/osm.yaml ``landcover``).

Each land-cover area is burnt into the map's terrain grid (rasterio) with the
Albini (1976) fuel model of its last matching rule, areas of later rules over
earlier ones, so built-up land and water (last) never burn; cells no area
covers take ``fuel_default``.
"""

from __future__ import annotations

import numpy as np
from rasterio.features import rasterize
from rasterio.transform import Affine
from shapely.geometry import MultiPolygon, Polygon

from drillsim.core.grid import Grid
from drillsim.osm.places import projector
from drillsim.osm.source import Feature
from drillsim.scenario import catalog


def fuel_grid(features: list[Feature], crs: str, origin: tuple[float, float], like: Grid) -> Grid:
    rules = catalog.load_data("osm")
    cover = rules["landcover"]
    project = projector(crs, origin)
    shapes: list[tuple[int, object, int]] = []
    for f in features:
        if not isinstance(f.geometry, Polygon | MultiPolygon):
            continue
        hits = [k for k, r in enumerate(cover) if f.tags.get(r["tag"]) in r["values"]]
        if hits:
            k = max(hits)
            shapes.append((k, project(f.geometry), int(cover[k]["fuel"])))
    ny, nx = like.shape
    values = np.full((ny, nx), int(rules["fuel_default"]), dtype=np.int16)
    if shapes:
        shapes.sort(key=lambda s: s[0])  # later rules painted last
        top = Affine(like.cell, 0.0, like.x0, 0.0, -like.cell, like.y0 + ny * like.cell)
        painted = rasterize([(g, v) for _, g, v in shapes], out_shape=(ny, nx), transform=top,
                            fill=-1, dtype="int16")
        painted = painted[::-1]  # raster rows run north to south; Grid rows south to north
        values = np.where(painted >= 0, painted, values).astype(np.int16)
    return like.like(values)
