"""Breach geometry over time and Froehlich (2008) parameter estimates."""

from __future__ import annotations

import numpy as np


def breach_geometry(t_s: float, final_width_m: float, bottom_m: float, crest_m: float,
                    formation_s: float) -> tuple[float, float]:
    """(width, bottom elevation) at t seconds after breach start.

    Linear growth of width and linear lowering of the bottom from the crest over the
    formation time: the simplification of NWS DAMBRK / BREACH (Fread 1988).
    """
    frac = 1.0 if formation_s <= 0 else min(1.0, max(0.0, t_s / formation_s))
    return final_width_m * frac, crest_m - (crest_m - bottom_m) * frac


def froehlich_2008(volume_m3: float, height_m: float, overtopping: bool = True,
                   g: float = 9.81) -> dict[str, float]:
    """Froehlich (2008): mean breach width (m) and formation time (s)."""
    k0 = 1.3 if overtopping else 1.0
    width = 0.27 * k0 * volume_m3 ** 0.32 * height_m ** 0.04
    tf = 63.2 * np.sqrt(volume_m3 / (g * height_m ** 2))
    return {"width_m": float(width), "formation_s": float(tf)}
