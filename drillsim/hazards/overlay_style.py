"""Colours of hazard overlays (``Hazard.overlay(t)`` grids) as RGBA arrays, without Qt.

The desktop map (drillsim.gui.mapview) and the report's map snapshots
(drillsim.report.maps) colour a hazard the same way: intensity VI+ in yellow to
dark red, AEGL zones 1-3 yellow / orange / red, flood depth pale to deep blue
(saturating at 3 m), burnt area orange fading with age with hourly isochrone bands
and a dark perimeter. Row 0 of a grid is its south edge.
"""

from __future__ import annotations

from typing import Any

import numpy as np

INTENSITY_COLORS = {6: "#fff176", 7: "#ffb74d", 8: "#ff7043", 9: "#e53935", 10: "#8e0000", 11: "#4a0000"}
AEGL_COLORS = {1: "#fdd835", 2: "#fb8c00", 3: "#d50000"}


def _hex(c: str) -> tuple[int, int, int]:
    c = c.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def overlay_rgba(ov: dict[str, Any], t: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Colour a hazard overlay grid; returns (values, rgba)."""
    kind = ov.get("kind")
    if kind == "grid":
        v = np.array(ov["values"], dtype=float)
        if v.ndim != 2 or v.size == 0:
            return None
        rgba = np.zeros((*v.shape, 4), dtype=np.uint8)
        field = ov.get("field")
        if field == "intensity":
            for lvl, col in INTENSITY_COLORS.items():
                m = v >= lvl
                rgba[m, :3] = _hex(col)
                rgba[m, 3] = min(150, 25 + 25 * (lvl - 6))
        elif field == "aegl_zone":
            for z, col in AEGL_COLORS.items():
                m = v == z
                rgba[m, :3] = _hex(col)
                rgba[m, 3] = 150
        elif field == "depth_m":
            m = v > 0.02
            d = np.clip(v / 3.0, 0, 1)
            rgba[..., 0] = (179 * (1 - d) + 1 * d).astype(np.uint8)
            rgba[..., 1] = (229 * (1 - d) + 87 * d).astype(np.uint8)
            rgba[..., 2] = (252 * (1 - d) + 155 * d).astype(np.uint8)
            rgba[..., 3] = np.where(m, 170, 0)
        else:
            mx = float(np.nanmax(v)) if np.isfinite(v).any() else 0
            m = v > 0
            rgba[m, 0] = 255
            rgba[m, 3] = (np.clip(v[m] / (mx or 1), 0, 1) * 160).astype(np.uint8)
        return v, rgba
    if kind == "isochrones":
        a = np.array(ov["arrival_min"], dtype=float)  # None (not burnt) -> NaN
        if a.ndim != 2 or a.size == 0:
            return None
        rgba = np.zeros((*a.shape, 4), dtype=np.uint8)
        burnt = np.isfinite(a) & (a <= t)
        if burnt.any():
            first = float(a[burnt].min())
            arr = np.where(burnt, a, first)  # no NaN reaches a cast (numpy warns on NaN -> int)
            age = np.clip((t - arr) / max(60.0, t - first), 0, 1)
            band = (np.floor((arr - first) / 60.0) % 2).astype(bool) & burnt  # hourly isochrone bands
            rgba[..., 0] = (255 * (1 - 0.5 * age)).astype(np.uint8)
            rgba[..., 1] = (140 * (1 - age) + np.where(band, 30, 0)).clip(0, 255).astype(np.uint8)
            rgba[..., 2] = 0
            rgba[..., 3] = np.where(burnt, 170, 0)
            # perimeter: burnt cells next to unburnt ones
            edge = burnt & ~(np.roll(burnt, 1, 0) & np.roll(burnt, -1, 0) & np.roll(burnt, 1, 1) & np.roll(burnt, -1, 1))
            rgba[edge] = (90, 0, 0, 255)
        return a, rgba
    return None
