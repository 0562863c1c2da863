"""Defra / EA flood hazard rating HR = d (v + 0.5) + DF (FD2321/TR1 2006; Defra 2008)."""

from __future__ import annotations

import numpy as np

from drillsim.scenario import catalog


def _p():
    return catalog.load_data("flood")["hazard_rating"]


def debris_factor(depth_m, velocity_m_s):
    p = _p()
    d = np.asarray(depth_m, dtype=float)
    v = np.asarray(velocity_m_s, dtype=float)
    return np.where((d > p["debris_depth_m"]) | (v > p["debris_velocity_m_s"]), p["debris_factor"], 0.0)


def hazard_rating(depth_m, velocity_m_s, df=None):
    """HR for depth (m), velocity (m/s) and debris factor (computed from the rule if None)."""
    d = np.asarray(depth_m, dtype=float)
    v = np.asarray(velocity_m_s, dtype=float)
    if df is None:
        df = debris_factor(d, v)
    hr = d * (v + 0.5) + df
    return np.where(d > 0, hr, 0.0)


def hazard_class(hr: float) -> str:
    for k, c in enumerate(_p()["classes"]):
        top = float(c["max"])
        if hr < top or (k > 0 and hr <= top):  # low: HR < 0.75; others: upper bound inclusive
            return str(c["class"])
    return "extreme"
