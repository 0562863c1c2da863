"""Wang Zhengfei (王正非) forest fire spread model: R = R0 Ks Kw Kphi.

Coefficients live in resources/data/wangzhengfei.yaml (with their sources and the
caveat that they are as reproduced in the secondary literature). Directional form
used on the grid (common in Chinese cellular-automaton fire models): the wind factor
uses the wind component along the spread direction, Kw = exp(0.1783 V cos(theta)),
and the slope factor the slope along it, Kphi = exp(+/-3.533 |tan phi_theta|^1.2).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from drillsim.scenario import catalog


def params() -> dict[str, Any]:
    return catalog.load_data("wangzhengfei")


def initial_rate(t_max_c: float, wind_level: float, rh_min_pct: float) -> float:
    """R0 (m/min) = a T + b V + c h - d, floored at 0."""
    p = params()["r0"]
    r0 = p["a_temp"] * t_max_c + p["b_wind_level"] * wind_level + p["c_humidity"] * rh_min_pct - p["d_const"]
    return max(0.0, float(r0))


def kw(wind_m_s: np.ndarray | float) -> np.ndarray | float:
    return np.exp(params()["kw_exp_coef"] * np.asarray(wind_m_s, dtype=float))


def kphi(slope_tan: np.ndarray | float) -> np.ndarray | float:
    """Slope factor; negative tan means downslope."""
    p = params()
    t = np.asarray(slope_tan, dtype=float)
    return np.exp(np.sign(t) * p["kphi_coef"] * np.abs(t) ** p["kphi_exp"])


def ks(fuel_class: str) -> float:
    return float(params()["ks"][fuel_class]["value"])


def rate(r0: float, ks_value: float, wind_m_s: float, slope_tan: float) -> float:
    """Head spread rate R = R0 Ks Kw Kphi (m/min), wind and slope aligned with spread."""
    return float(r0 * ks_value * kw(wind_m_s) * kphi(slope_tan))


def directional_rate(r0: float, ks_values: np.ndarray, wind_m_s: float, wind_to_rad: float,
                     theta: float, slope_along: np.ndarray) -> np.ndarray:
    """Rate in direction theta (per cell arrays)."""
    v_along = wind_m_s * np.cos(theta - wind_to_rad)
    return r0 * ks_values * kw(v_along) * kphi(slope_along)
