"""A regular raster over the map (elevation, fuel, flood depth, ...)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Grid:
    """Values on cell centres: cell (i, j) is row i (y), column j (x).

    Cell centre x = x0 + (j + 0.5) * cell, y = y0 + (i + 0.5) * cell.
    """

    x0: float
    y0: float
    cell: float
    values: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape  # type: ignore[return-value]

    @property
    def extent(self) -> tuple[float, float, float, float]:
        ny, nx = self.values.shape
        return (self.x0, self.y0, self.x0 + nx * self.cell, self.y0 + ny * self.cell)

    def index(self, x: float, y: float) -> tuple[int, int] | None:
        """Cell (i, j) containing map point (x, y), or None outside the grid."""
        j = int(np.floor((x - self.x0) / self.cell))
        i = int(np.floor((y - self.y0) / self.cell))
        ny, nx = self.values.shape
        if 0 <= i < ny and 0 <= j < nx:
            return i, j
        return None

    def sample(self, x: float, y: float, default: float = float("nan")) -> float:
        ij = self.index(x, y)
        return default if ij is None else float(self.values[ij])

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Meshgrids X, Y of cell centres, same shape as values."""
        ny, nx = self.values.shape
        xs = self.x0 + (np.arange(nx) + 0.5) * self.cell
        ys = self.y0 + (np.arange(ny) + 0.5) * self.cell
        return np.meshgrid(xs, ys)

    def like(self, values: np.ndarray) -> Grid:
        return Grid(self.x0, self.y0, self.cell, values)
