"""Rothermel (1972) surface fire spread with the Albini (1976) 13 fuel models.

Equations as collected in Andrews (2018), RMRS-GTR-371 (the form BehavePlus uses):
reaction intensity, propagating flux ratio, heat sink, no-wind no-slope rate
R0 = I_R xi / (rho_b eps Q_ig), wind factor phi_w = C U^B (beta/beta_op)^-E, slope
factor phi_s = 5.275 beta^-0.3 tan^2(slope); wind and slope vectors summed for the
direction of maximum spread; the effective wind speed is the wind that alone gives
the same phi; the wind limit U_e <= 0.9 I_R (Rothermel 1972) is applied by default.
The elliptical shape follows Anderson (1983) length-to-breadth ratio; the rate in a
direction at angle psi from the head, from a point ignition, is
R(psi) = R_head (1 - e) / (1 - e cos psi)  (Andrews 2018, section 6; BehavePlus).
Byram's fireline intensity I_B = I_R t_r R / 60 with residence time t_r = 384/sigma
(Anderson 1969) and flame length L = 0.45 I_B^0.46 (ft, Btu/ft/s) = 0.0775 I_B^0.46
(m, kW/m) (Byram 1959).

Internally all arithmetic is in the model's own English units (lb, ft, Btu, min);
the public functions take and return SI.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from drillsim.scenario import catalog

FT = 0.3048
TONS_AC_TO_LB_FT2 = 2000.0 / 43560.0
CH_PER_H_TO_M_MIN = 20.1168 / 60.0
MPH_TO_FT_MIN = 88.0
M_S_TO_FT_MIN = 1.0 / FT * 60.0
BTU_FT_S_TO_KW_M = 1.05506 / FT  # 3.4613


@dataclass(frozen=True)
class FuelModel:
    number: int
    loads: tuple[float, float, float, float, float]
    """lb/ft2: dead 1h, 10h, 100h, live herb, live woody."""
    savs: tuple[float, float, float, float, float]
    depth: float
    """ft"""
    mx_dead: float
    """fraction"""
    heat: float
    rho_p: float
    st: float
    se: float
    name: dict[str, str]


@cache
def fuel_models() -> dict[int, FuelModel]:
    data = catalog.load_data("fuel_models")
    c = data["constants"]
    out: dict[int, FuelModel] = {}
    for num, m in data["models"].items():
        l1, l10, l100, live = (float(v) * TONS_AC_TO_LB_FT2 for v in m["load"])
        herb = live if m["live_kind"] == "herb" else 0.0
        woody = live if m["live_kind"] == "woody" else 0.0
        out[int(num)] = FuelModel(
            number=int(num), loads=(l1, l10, l100, herb, woody),
            savs=(float(m["sav_1h"]), float(c["sav_10h_per_ft"]), float(c["sav_100h_per_ft"]),
                  float(c["live_sav_per_ft"]), float(c["live_sav_per_ft"])),
            depth=float(m["depth_ft"]), mx_dead=float(m["mx_dead_pct"]) / 100.0,
            heat=float(c["heat_btu_lb"]), rho_p=float(c["particle_density_lb_ft3"]),
            st=float(c["total_mineral"]), se=float(c["effective_mineral"]), name=m["name"])
    return out


@dataclass(frozen=True)
class FuelState:
    """Per-fuel-model quantities that do not depend on wind or slope."""

    r0: float
    """no-wind no-slope rate, ft/min"""
    ir: float
    """reaction intensity, Btu/ft2/min"""
    sigma: float
    beta_ratio: float
    beta: float
    c: float
    b: float
    e: float
    tr: float
    """residence time, min"""
    waf: float
    """unsheltered wind adjustment factor (20-ft wind -> midflame)"""
    mx_live: float = 0.0
    """live fuel moisture of extinction (fraction; 0 without live fuel), Albini (1976) p. 89"""


def _moisture_damping(rm: float) -> float:
    rm = min(1.0, rm)
    return 1.0 - 2.59 * rm + 5.11 * rm ** 2 - 3.52 * rm ** 3


def fuel_state(model: int | FuelModel, moisture: dict[str, float]) -> FuelState:
    """Rothermel quantities for a fuel model at given moistures (fractions).

    moisture keys: d1h, d10h, d100h, live_herb, live_woody.
    """
    fm = model if isinstance(model, FuelModel) else fuel_models()[int(model)]
    m = np.array([moisture["d1h"], moisture["d10h"], moisture["d100h"],
                  moisture["live_herb"], moisture["live_woody"]], dtype=float)
    w = np.array(fm.loads)
    s = np.array(fm.savs)
    dead = np.array([True, True, True, False, False])
    present = w > 0
    a = np.where(present, s * w / fm.rho_p, 0.0)
    a_dead, a_live = a[dead].sum(), a[~dead].sum()
    a_tot = a_dead + a_live
    f = np.zeros(5)
    if a_dead > 0:
        f[dead] = a[dead] / a_dead
    if a_live > 0:
        f[~dead] = a[~dead] / a_live
    f_cat = np.array([a_dead / a_tot, a_live / a_tot])
    sig_cat = np.array([(f[dead] * s[dead]).sum(), (f[~dead] * s[~dead]).sum()])
    sigma = float((f_cat * sig_cat).sum())
    rho_b = w.sum() / fm.depth
    beta = rho_b / fm.rho_p
    beta_op = 3.348 * sigma ** -0.8189
    ratio = beta / beta_op
    a_exp = 133.0 * sigma ** -0.7913
    gmax = sigma ** 1.5 / (495.0 + 0.0594 * sigma ** 1.5)
    gamma = gmax * ratio ** a_exp * np.exp(a_exp * (1.0 - ratio))
    # net loads (f_ij weighting; for the 13 models each size subclass holds one particle)
    wn_cat = np.array([(f[dead] * w[dead]).sum(), (f[~dead] * w[~dead]).sum()]) * (1.0 - fm.st)
    # moisture of extinction: dead from the model; live from Albini (1976) / Andrews eq.
    eps = np.where(present, np.exp(-138.0 / s), 0.0)
    mx_live = fm.mx_dead
    if a_live > 0:
        wd = (w[dead] * np.exp(-138.0 / s[dead])).sum()
        wl = (w[~dead] * np.exp(-500.0 / s[~dead])).sum()
        mf_dead = (w[dead] * np.exp(-138.0 / s[dead]) * m[dead]).sum() / wd
        mx_live = max(fm.mx_dead, 2.9 * (wd / wl) * (1.0 - mf_dead / fm.mx_dead) - 0.226)
    mf_cat = np.array([(f[dead] * m[dead]).sum(), (f[~dead] * m[~dead]).sum()])
    eta_m = np.array([_moisture_damping(mf_cat[0] / fm.mx_dead),
                      _moisture_damping(mf_cat[1] / mx_live) if a_live > 0 else 0.0])
    eta_s = min(1.0, 0.174 * fm.se ** -0.19)
    ir = float(gamma * (wn_cat * fm.heat * eta_m * eta_s).sum())
    xi = np.exp((0.792 + 0.681 * sigma ** 0.5) * (beta + 0.1)) / (192.0 + 0.2595 * sigma)
    qig = 250.0 + 1116.0 * m
    heat_sink = rho_b * float((f_cat[np.where(dead, 0, 1)] * f * eps * qig).sum())
    r0 = ir * xi / heat_sink if heat_sink > 0 else 0.0
    c = 7.47 * np.exp(-0.133 * sigma ** 0.55)
    b = 0.02526 * sigma ** 0.54
    e = 0.715 * np.exp(-3.59e-4 * sigma)
    h = fm.depth
    waf = 1.83 / np.log((20.0 + 0.36 * h) / (0.13 * h))  # Albini & Baughman 1979, unsheltered
    return FuelState(r0=float(r0), ir=ir, sigma=sigma, beta_ratio=float(ratio), beta=float(beta),
                     c=float(c), b=float(b), e=float(e), tr=384.0 / sigma, waf=float(waf),
                     mx_live=float(mx_live) if a_live > 0 else 0.0)


def length_to_breadth(u_mph: np.ndarray | float) -> np.ndarray | float:
    """Anderson (1983) fire-shape length-to-breadth ratio, effective midflame wind in mi/h."""
    u = np.asarray(u_mph, dtype=float)
    lb = 0.936 * np.exp(0.2566 * u) + 0.461 * np.exp(-0.1548 * u) - 0.397
    return np.clip(lb, 1.0, 8.0)


def spread(st: FuelState, midflame_wind_m_s: np.ndarray | float, wind_to_rad: np.ndarray | float,
           slope_tan: np.ndarray | float, upslope_rad: np.ndarray | float,
           wind_limit: bool = True) -> dict[str, np.ndarray]:
    """Head spread rate and ellipse for one fuel state; arrays broadcast (per cell).

    Angles are map azimuths in radians measured counter-clockwise from +x (east).
    Returns SI: ros_head_m_min, dir_rad, ecc, lb, flame_m, intensity_kw_m, u_eff_m_s.
    """
    u = np.asarray(midflame_wind_m_s, dtype=float) * M_S_TO_FT_MIN
    tan = np.asarray(slope_tan, dtype=float)
    phi_w = np.where(u > 0, st.c * np.maximum(u, 0) ** st.b * st.beta_ratio ** -st.e, 0.0)
    phi_s = 5.275 * st.beta ** -0.3 * tan ** 2
    vx = phi_w * np.cos(wind_to_rad) + phi_s * np.cos(upslope_rad)
    vy = phi_w * np.sin(wind_to_rad) + phi_s * np.sin(upslope_rad)
    phi_e = np.hypot(vx, vy)
    direction = np.arctan2(vy, vx)
    ue = np.where(phi_e > 0, (phi_e * st.beta_ratio ** st.e / st.c) ** (1.0 / st.b), 0.0)
    if wind_limit:
        ulim = 0.9 * st.ir
        over = ue > ulim
        ue = np.where(over, ulim, ue)
        phi_e = np.where(over, st.c * ulim ** st.b * st.beta_ratio ** -st.e, phi_e)
    ros = st.r0 * (1.0 + phi_e)  # ft/min
    lb = length_to_breadth(ue / MPH_TO_FT_MIN)
    ecc = np.sqrt(lb ** 2 - 1.0) / lb
    ib = st.ir * st.tr * ros / 60.0  # Btu/ft/s
    flame_ft = 0.45 * ib ** 0.46
    return {"ros_head_m_min": ros * FT, "dir_rad": direction, "ecc": ecc, "lb": lb,
            "flame_m": flame_ft * FT, "intensity_kw_m": ib * BTU_FT_S_TO_KW_M,
            "u_eff_m_s": ue / M_S_TO_FT_MIN}


def ros_in_direction(ros_head: np.ndarray, ecc: np.ndarray, head_dir: np.ndarray,
                     theta: np.ndarray | float) -> np.ndarray:
    """Spread rate from a point ignition at angle theta (Andrews 2018; BehavePlus)."""
    return ros_head * (1.0 - ecc) / (1.0 - ecc * np.cos(np.asarray(theta) - head_dir))


def byram_flame_length_m(intensity_kw_m: np.ndarray | float) -> np.ndarray | float:
    """Byram (1959): L = 0.0775 I^0.46, L in m and I in kW/m."""
    return 0.0775 * np.asarray(intensity_kw_m, dtype=float) ** 0.46


def behave(fuel_model: int, moisture: dict[str, float], midflame_wind_m_s: float = 0.0,
           slope_pct: float = 0.0, wind_from_upslope_deg: float = 0.0,
           wind_limit: bool = True) -> dict[str, Any]:
    """A BehavePlus-like SURFACE run: head fire rate (m/min), flame length (m), ...

    ``wind_from_upslope_deg``: angle between the wind (blowing to) and upslope.
    """
    st = fuel_state(fuel_model, moisture)
    out = spread(st, midflame_wind_m_s, np.radians(wind_from_upslope_deg), slope_pct / 100.0, 0.0,
                 wind_limit=wind_limit)
    res = {k: float(v) for k, v in out.items()}
    res.update(r0_m_min=st.r0 * FT, reaction_intensity_kw_m2=st.ir * 1.05506 / 60.0 / FT ** 2,
               waf=st.waf)
    return res
