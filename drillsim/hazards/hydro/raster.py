"""Resampling map rasters onto a hazard's own working grid (shared by flood and fire)."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import map_coordinates

from drillsim.core.grid import Grid


def working_grid(extent: tuple[float, float, float, float], cell: float, max_cells: int = 1000) -> Grid:
    """An empty Grid covering extent (x0, y0, x1, y1) with square cells of ``cell`` metres.

    The cell grows if the grid would exceed max_cells on a side (keeps run time bounded).
    """
    x0, y0, x1, y1 = extent
    cell = max(float(cell), (x1 - x0) / max_cells, (y1 - y0) / max_cells)
    nx = max(3, int(np.ceil((x1 - x0) / cell)))
    ny = max(3, int(np.ceil((y1 - y0) / cell)))
    return Grid(x0, y0, cell, np.zeros((ny, nx)))


def resample(src: Grid | None, dst: Grid, order: int = 1, default: float = 0.0) -> np.ndarray:
    """Values of ``src`` at the cell centres of ``dst`` (bilinear: order=1; nearest: order=0)."""
    ny, nx = dst.shape
    if src is None:
        return np.full((ny, nx), default, dtype=float)
    xs = dst.x0 + (np.arange(nx) + 0.5) * dst.cell
    ys = dst.y0 + (np.arange(ny) + 0.5) * dst.cell
    cols = (xs - src.x0) / src.cell - 0.5
    rows = (ys - src.y0) / src.cell - 0.5
    rr, cc = np.meshgrid(rows, cols, indexing="ij")
    if order == 0:
        sy, sx = src.shape
        ri = np.clip(np.rint(rr).astype(int), 0, sy - 1)
        ci = np.clip(np.rint(cc).astype(int), 0, sx - 1)
        return np.asarray(src.values)[ri, ci].astype(float)
    return map_coordinates(np.asarray(src.values, dtype=float), [rr, cc], order=1, mode="nearest")


def rasterize_polylines(grid: Grid, lines: list, width_m: float = 0.0) -> np.ndarray:
    """Boolean mask of cells touched by polylines [[x, y], ...] (4-connected, optional width)."""
    ny, nx = grid.shape
    mask = np.zeros((ny, nx), dtype=bool)
    step = grid.cell / 3.0
    half = max(0.0, width_m / 2.0)
    for line in lines or []:
        pts = np.asarray(line, dtype=float).reshape(-1, 2)
        for (xa, ya), (xb, yb) in zip(pts[:-1], pts[1:], strict=False):
            n = max(2, int(np.hypot(xb - xa, yb - ya) / step) + 2)
            xs = np.linspace(xa, xb, n)
            ys = np.linspace(ya, yb, n)
            r = int(np.ceil(half / grid.cell))
            for di in range(-r, r + 1):
                for dj in range(-r, r + 1):
                    if r and (di * di + dj * dj) * grid.cell ** 2 > (half + grid.cell / 2) ** 2:
                        continue
                    j = np.floor((xs - grid.x0) / grid.cell).astype(int) + dj
                    i = np.floor((ys - grid.y0) / grid.cell).astype(int) + di
                    ok = (i >= 0) & (i < ny) & (j >= 0) & (j < nx)
                    mask[i[ok], j[ok]] = True
    return mask


def cells_of(grid: Grid, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Flat cell index of each point, -1 outside the grid."""
    ny, nx = grid.shape
    j = np.floor((np.asarray(xs) - grid.x0) / grid.cell).astype(int)
    i = np.floor((np.asarray(ys) - grid.y0) / grid.cell).astype(int)
    ok = (i >= 0) & (i < ny) & (j >= 0) & (j < nx)
    return np.where(ok, i * nx + j, -1)


def map_extent(map_data) -> tuple[float, float, float, float]:
    for g in (getattr(map_data, "elevation", None), getattr(map_data, "fuel", None)):
        if g is not None:
            return g.extent
    x0, y0, x1, y1 = map_data.bounds
    pad = 0.05 * max(x1 - x0, y1 - y0, 100.0)
    return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
