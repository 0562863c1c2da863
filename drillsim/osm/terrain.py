"""Elevation grid of a map from a GeoTIFF DEM (rasterio), on the map's own metres.

The DEM, in any CRS rasterio knows, is resampled bilinearly onto a square grid
in the map's projection (its UTM zone, shifted by the map origin) covering the
roads plus a margin. Cells the DEM does not cover take the nearest covered
cell's height (with a warning); a DEM that misses the map entirely, or that
rasterio cannot read, is an input error. Without a DEM the map gets a flat
0 m grid and a warning: hazards then see no slopes.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from drillsim.core.errors import InputError, Problem
from drillsim.core.grid import Grid

MARGIN_M = 500.0
MIN_CELL_M, MAX_CELL_M = 10.0, 200.0
MAX_CELLS = 4_000_000
FLAT_CELL_M = 100.0
NODATA_BELOW_M = -1000.0
"""Heights below this are voids (e.g. SRTM's -32768 without a nodata tag)."""


def _frame(bounds: tuple[float, float, float, float], cell: float) -> tuple[float, float, int, int]:
    x0, y0, x1, y1 = bounds
    w, h = x1 - x0 + 2 * MARGIN_M, y1 - y0 + 2 * MARGIN_M
    while (w / cell) * (h / cell) > MAX_CELLS:
        cell *= 1.5
    gx0 = math.floor((x0 - MARGIN_M) / cell) * cell
    gy0 = math.floor((y0 - MARGIN_M) / cell) * cell
    return gx0, gy0, math.ceil((x1 + MARGIN_M - gx0) / cell), math.ceil((y1 + MARGIN_M - gy0) / cell)


def flat_grid(bounds: tuple[float, float, float, float]) -> Grid:
    gx0, gy0, nx, ny = _frame(bounds, FLAT_CELL_M)
    return Grid(gx0, gy0, FLAT_CELL_M, np.zeros((ny, nx)))


def load_dem(path: Path, crs: str, origin: tuple[float, float],
             bounds: tuple[float, float, float, float]) -> tuple[Grid, list[dict[str, str]]]:
    """(elevation grid in map metres, warnings) from a GeoTIFF DEM."""
    import rasterio
    from rasterio.errors import RasterioError
    from rasterio.transform import Affine
    from rasterio.warp import Resampling, reproject

    file = str(path)
    if not path.exists():
        raise InputError(Problem(file, 1, 1, "DEM file not found; check --dem"))
    warnings: list[dict[str, str]] = []
    try:
        with rasterio.open(path) as ds:
            if ds.crs is None:
                raise InputError(Problem(file, 1, 1, "the DEM has no coordinate reference system; "
                                                     "save it as a GeoTIFF with its CRS (e.g. EPSG:4326)"))
            native = abs(ds.res[0]) * (111_320.0 if ds.crs.is_geographic else 1.0)
            cell = float(min(MAX_CELL_M, max(MIN_CELL_M, native)))
            gx0, gy0, nx, ny = _frame(bounds, cell)
            ox0, oy0 = origin
            dst = np.full((ny, nx), np.nan, dtype=np.float32)
            transform = Affine(cell, 0.0, ox0 + gx0, 0.0, -cell, oy0 + gy0 + ny * cell)
            reproject(source=rasterio.band(ds, 1), destination=dst, src_nodata=ds.nodata,
                      dst_transform=transform, dst_crs=crs, dst_nodata=np.nan,
                      resampling=Resampling.bilinear)
    except InputError:
        raise
    except (RasterioError, OSError, ValueError) as e:
        raise InputError(Problem(file, 1, 1, f"cannot read the DEM as a GeoTIFF: {e}")) from None
    z = dst[::-1].astype(float)  # raster rows run north to south; Grid rows south to north
    z[z < NODATA_BELOW_M] = np.nan
    bad = ~np.isfinite(z)
    if bad.all():
        raise InputError(Problem(file, 1, 1, "the DEM does not cover the map area (no heights there); "
                                             "use a DEM of this area"))
    if bad.any():
        from scipy.ndimage import distance_transform_edt

        idx = distance_transform_edt(bad, return_distances=False, return_indices=True)
        z = z[tuple(idx)]
        pct = f"{100 * (1 - bad.mean()):.0f}%"
        warnings.append({"zh": f"高程数据只覆盖地图网格的 {pct}；其余格取最近的高程值",
                         "en": f"the DEM covers {pct} of the map grid; the rest takes the nearest DEM height"})
    return Grid(gx0, gy0, cell, z), warnings
