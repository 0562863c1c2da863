"""Breach outflow: broad-crested weir with tailwater submergence (Fread 1988)."""

from __future__ import annotations

import numpy as np


def broad_crested_coefficient(g: float = 9.81) -> float:
    """Theoretical free-flow coefficient (2/3)^1.5 sqrt(g) (Chow 1959; Henderson 1966)."""
    return (2.0 / 3.0) ** 1.5 * np.sqrt(g)


def weir_discharge(c: float, width_m: float, head_m: float) -> float:
    """Q = C b H^1.5 (m3/s); zero for non-positive head or width."""
    if head_m <= 0 or width_m <= 0:
        return 0.0
    return float(c * width_m * head_m ** 1.5)


def submergence_factor(upstream_wse: float, tail_wse: float, crest: float,
                       threshold: float = 0.67, coef: float = 27.8) -> float:
    """Fread (1988) DAMBRK tailwater correction k_s (1 = free flow, 0 = drowned)."""
    head = upstream_wse - crest
    if head <= 0:
        return 0.0
    hs = (tail_wse - crest) / head
    if hs <= threshold:
        return 1.0
    return float(max(0.0, 1.0 - coef * (hs - threshold) ** 3))


def breach_outflow(c: float, width_m: float, upstream_wse: float, tail_wse: float, bottom: float,
                   threshold: float = 0.67, coef: float = 27.8) -> float:
    ks = submergence_factor(upstream_wse, tail_wse, bottom, threshold, coef)
    return ks * weir_discharge(c, width_m, upstream_wse - bottom)
