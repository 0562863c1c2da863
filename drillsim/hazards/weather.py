"""Seeded weather uncertainty (天气不确定性): the scenario's weather table is the forecast, each run draws the weather.

A hazard spec may carry an optional ``uncertainty`` block. Without it (or with every
spread 0) the hazard follows its wind / stage / rain table exactly, as before. With
it, the table is read as the *forecast* the drill was planned on, and each run draws
the weather that actually came, once, at the hazard's construction, from the hazard's
own named random streams (``weather:<hazard id>:<quantity>``, see
:class:`drillsim.core.rng.RandomStreams`): the same seed gives the same weather bit for
bit, another seed other weather, and no other component's draws move.

The forecast error is a stationary Ornstein-Uhlenbeck (continuous AR(1)) process e(t)
of mean 0, standard deviation 1 and correlation exp(-|dt| / tau) (``decorrelation_min``),
sampled at every row of the table and every ``step_min`` minutes in between (exact
discretisation at uneven times: e_k = phi e_(k-1) + sqrt(1 - phi^2) z_k, phi =
exp(-(t_k - t_(k-1)) / tau), z_k standard normal). The models take the weather as held
between those times (wind, piecewise constant) or linear between them (river stage,
inflow). Each quantity has its own process and stream:

- wind direction: from_deg + ``wind_dir_sd_deg`` e(t) (additive, degrees);
- wind speed: speed x exp(s e(t) - s^2 / 2), s^2 = ln(1 + ``wind_speed_cv``^2): a
  lognormal factor of mean 1 and coefficient of variation ``wind_speed_cv`` (a forecast
  speed error grows with the speed and the speed stays positive);
- dead fuel moisture (wildfire): d1h, d10h, d100h + ``dead_fuel_moisture_sd`` z, one
  draw (the model holds fuel moisture constant through the fire);
- river / reservoir stage (flood): stage_m + ``stage_sd_m`` e(t) (additive, metres);
- breach inflow (flood): inflow_m3_s x lognormal factor path with ``inflow_cv``;
- rainfall (flood): mm_per_h x one lognormal factor with ``rain_cv`` (the multiplicative
  error model of precipitation, Tian et al. 2013).

Published sizes of these errors (the values the shipped scenarios use; sources and
assumptions in docs/models-chemical.md, models-wildfire.md, models-flood.md):

- 10-m wind direction: RMSE ~50 deg at 3-4 m/s for mesoscale models (Hanna & Yang
  2001, J. Appl. Meteor. 40: 1095-1104); NWP and observed directions differ by up to
  25 deg in flat terrain, more in complex terrain (Astrup & Mikkelsen 2010, as cited by
  Leadbetter et al. 2020, Radioprotection 55(HS1): S51-S55, table 1); errors shrink as
  the wind strengthens (Jimenez & Dudhia 2013, J. Appl. Meteor. Climatol. 52).
- 10-m wind speed: RMSE 2-3 m/s (Hanna & Yang 2001); NDFD forecasts for fire weather
  under-predict winds above ~4 m/s by ~15 % (mean fractional bias), and good spread-rate
  predictions need the wind within +/-20-30 % (Page et al. 2018, Weather Forecast. 33).
- Relative humidity forecast RMSE 10-11 % (Page et al. 2018); the equilibrium moisture
  content of dead fuel changes by 0.16 % per 1 % RH at 10-50 % RH (Simard 1968), so a
  10 % RH error is ~1.6 % points of dead fuel moisture.
- River stage: China's hydrological forecast standard (SL 250-2000 / GB/T 22482-2008,
  水文情报预报规范) allows 20 % of the stage change within the lead time as the
  permissible error of a stage forecast (20 % of the peak flow for rainfall-runoff
  forecasts); a scheme rated 乙等 (B) has >= 70 % of forecasts within it.
- Rainfall: the multiplicative (lognormal) error model fits precipitation better than an
  additive one (Tian et al. 2013, Geophys. Res. Lett. 40); no magnitude is adopted here
  (no shipped drill has rainfall): set ``rain_cv`` from local forecast verification.
- Decorrelation time: **assumed** (3 h for wind, 6 h for river stage). Wind-power
  studies model forecast errors as AR(1) / ARMA processes (Soder 2004) and short-range
  wind forecast errors are dominated by synoptic scales (Hollingsworth & Lonnberg 1986),
  so errors persist for hours; no single published e-folding time was found.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

STREAM = "weather"
"""Streams are named ``weather:<hazard id>:<quantity>``."""

SPREAD_KEYS = ("wind_dir_sd_deg", "wind_speed_cv", "dead_fuel_moisture_sd", "stage_sd_m", "inflow_cv", "rain_cv")
"""The keys that size a forecast error; a block whose spreads are all 0 is ignored."""

DEFAULTS: dict[str, dict[str, float]] = {
    # step_min: how often the perturbation takes a new value besides the table's rows. The
    # plume is cheap to recompute; every wind change costs the fire model one more
    # minimum-travel-time pass over the grid (~0.3 s CPU on the demo map), hence 3 h.
    "chemical": {"decorrelation_min": 180.0, "step_min": 60.0},
    "wildfire": {"decorrelation_min": 180.0, "step_min": 180.0},
    "flood": {"decorrelation_min": 360.0, "step_min": 60.0},
}


def active(unc: Any) -> bool:
    """True if the block sizes at least one forecast error (> 0)."""
    return isinstance(unc, dict) and any(float(unc.get(k) or 0.0) > 0.0 for k in SPREAD_KEYS)


def settings(hazard_type: str, unc: dict[str, Any]) -> dict[str, float]:
    """The block with its defaults filled in (what the run used; recorded in the event)."""
    out = dict(DEFAULTS.get(hazard_type, DEFAULTS["chemical"]))
    out.update({k: float(v) for k, v in unc.items() if v is not None})
    return out


def stream(hazard_id: str, quantity: str) -> str:
    return f"{STREAM}:{hazard_id}:{quantity}"


def ou_standard(rng: np.random.Generator, times: Iterable[float], tau: float) -> np.ndarray:
    """Standard stationary Ornstein-Uhlenbeck values (mean 0, sd 1) at increasing times (minutes).

    Correlation between two values exp(-|t_i - t_j| / tau); exact at any spacing.
    """
    t = np.asarray(list(times), dtype=float)
    z = rng.standard_normal(t.size)
    out = np.empty(t.size)
    if t.size:
        out[0] = z[0]
    for k in range(1, t.size):
        phi = math.exp(-(t[k] - t[k - 1]) / tau) if tau > 0 else 0.0
        out[k] = phi * out[k - 1] + math.sqrt(max(0.0, 1.0 - phi * phi)) * z[k]
    return out


def lognormal_factor(e: np.ndarray | float, cv: float) -> np.ndarray:
    """exp(s e - s^2/2) with s^2 = ln(1 + cv^2): for e ~ N(0, 1), mean 1 and coefficient of variation cv."""
    s2 = math.log1p(cv * cv)
    return np.exp(math.sqrt(s2) * np.asarray(e, dtype=float) - s2 / 2.0)


def breakpoints(table_times: Iterable[float], step: float, horizon: float, end: bool = False) -> list[float]:
    """0, every row time of the table and every ``step`` minutes before ``horizon`` (and ``horizon`` if ``end``).

    A held (piecewise constant) quantity needs no value at the horizon; one that is linear
    between values does, or it would be held flat after the last one.
    """
    ts = {0.0, *(float(t) for t in table_times if 0.0 <= float(t) < horizon)}
    if step > 0:
        ts.update(k * step for k in range(int(math.ceil(horizon / step))))
    if end and horizon > 0:
        ts.add(float(horizon))
    return sorted(t for t in ts if t < horizon or t == 0.0 or (end and t == horizon))


def _deg(x: float) -> float:
    r = round(x % 360.0, 2)
    return 0.0 if r >= 360.0 else r


def draw_wind(rows: list[dict[str, float]], unc: dict[str, float], rng_dir: np.random.Generator,
              rng_speed: np.random.Generator, horizon: float, min_speed: float = 0.0) -> list[dict[str, float]]:
    """The run's wind from the forecast rows ``[{at_min, speed_m_s, from_deg}]`` (sorted, first at 0).

    Returns rows ``{at_min, speed_m_s, from_deg, d_from_deg, speed_factor}`` (rounded: these
    are the values the model uses and the archive records), piecewise constant like the table.
    """
    times = breakpoints([r["at_min"] for r in rows], unc["step_min"], horizon)
    tau = unc["decorrelation_min"]
    e_dir = ou_standard(rng_dir, times, tau)
    e_speed = ou_standard(rng_speed, times, tau)
    sd = float(unc.get("wind_dir_sd_deg") or 0.0)
    factor = lognormal_factor(e_speed, float(unc.get("wind_speed_cv") or 0.0))
    out = []
    for t, ed, f in zip(times, e_dir, factor, strict=True):
        base = rows[0]
        for r in rows:
            if r["at_min"] <= t:
                base = r
        d = round(sd * float(ed), 2)
        f = round(float(f), 4)
        out.append({"at_min": round(t, 3), "speed_m_s": round(max(min_speed, base["speed_m_s"] * f), 3),
                    "from_deg": _deg(base["from_deg"] + d), "d_from_deg": d, "speed_factor": f})
    return out


def draw_series(series: tuple[np.ndarray, np.ndarray], rng: np.random.Generator, unc: dict[str, float],
                horizon: float, sd: float = 0.0, cv: float = 0.0) -> list[tuple[float, float, float]]:
    """A hydrograph column (times, values; linear between them) with its forecast error.

    Additive ``sd`` (stage, metres) or a lognormal factor of ``cv`` (flow). Returns
    ``[(at_min, value, error)]`` at the breakpoints: error is the metres added or the factor.
    """
    ts, vs = series
    times = breakpoints(ts.tolist(), unc["step_min"], horizon, end=True)
    e = ou_standard(rng, times, unc["decorrelation_min"])
    base = np.interp(times, ts, vs)
    out = []
    if cv > 0:
        for t, b, f in zip(times, base, lognormal_factor(e, cv), strict=True):
            f = round(float(f), 4)
            out.append((round(t, 3), round(max(0.0, float(b) * f), 3), f))
    else:
        for t, b, x in zip(times, base, e, strict=True):
            d = round(sd * float(x), 3)
            out.append((round(t, 3), round(float(b) + d, 3), d))
    return out
