"""Earthquake (地震): intensity field, building damage, casualties, road and bridge damage, aftershocks.

Pure, vectorised model functions (importable without SimPy) plus the
:class:`Earthquake` hazard that applies them to the world. Equations, sources and
limits: docs/models-earthquake.md; parameters: resources/data/earthquake.yaml.

- Intensity: elliptical attenuation I = A + B M + C ln(R + R0), long axis along
  the fault strike (汪素云 et al. 2000, east / west China), combined on the
  isoseismal ellipse through each point; clipped to I..XII (GB/T 17742).
- Damage: macroseismic method (Lagomarsino & Giovinazzi 2006), binomial damage
  grades D0..D5 per EMS-98 vulnerability class.
- Deaths: USGS PAGER empirical model, China (theta, beta from usgs/pager).
  Trapped / injured: Coburn & Spence (1992) lethality ratios (flagged unverified).
- Bridges: lognormal fragility on PGA (PGA from intensity via GB/T 17742).
- Landslides: Newmark displacement, Jibson (2007).
- Aftershocks: Reasenberg & Jones (1989) with Gutenberg-Richter magnitudes.

Coefficients marked ``verified: false`` in the YAML could not be checked against
the primary source when written; the docs list them.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np
from scipy.special import ndtr

from drillsim.hazards.base import Hazard, HazardContext
from drillsim.hazards.registry import register
from drillsim.hazards.words import bridge_incident_name, road_incident_name

ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def params() -> dict[str, Any]:
    from drillsim.scenario import catalog

    return catalog.load_data("earthquake")


def roman(i: float | None) -> str:
    """Roman numeral of an intensity rounded to the nearest degree ('' for < I)."""
    if i is None or not np.isfinite(i) or i < 0.5:
        return ""
    return ROMAN[int(min(12, max(1, round(float(i)))))]


# ---------------------------------------------------------------- attenuation
def coefficients(relation: str = "wang2000", region: str = "east",
                 override: dict[str, Any] | None = None) -> dict[str, Any]:
    """Long / short axis coefficients {long: {A,B,C,D,E}, short: {...}, log: 'ln'|'lg'}."""
    if override:
        c = dict(override)
        c.setdefault("log", "ln")
        return c
    rel = params()["attenuation"].get(relation)
    if rel is None:
        raise ValueError(f"unknown attenuation relation {relation!r}; known: wang2000, xiao2011, gb18306_2015")
    c = rel.get(region)
    if not c:
        raise ValueError(
            f"relation {relation!r} has no shipped coefficients for region {region!r} (they could not be "
            "verified); give them in the hazard's overrides: {coefficients: {long: {A, B, C, D, E}, "
            "short: {...}, log: ln|lg}}")
    return {"long": c["long"], "short": c["short"], "log": rel.get("log", "ln"), "sigma": c.get("sigma")}


def axis_intensity(M: float, R_km: np.ndarray | float, axis: dict[str, float], log: str = "ln") -> np.ndarray:
    """I = A + B M + C log(R + R0), R0 = D exp(E M), along one axis."""
    r0 = axis["D"] * math.exp(axis.get("E", 0.0) * M)
    lg = np.log if log == "ln" else np.log10
    return axis["A"] + axis["B"] * M + axis["C"] * lg(np.asarray(R_km, dtype=float) + r0)


def axis_radius(M: float, I: np.ndarray | float, axis: dict[str, float], log: str = "ln") -> np.ndarray:
    """Inverse of :func:`axis_intensity`: distance (km) at which the axis reaches I (may be < 0)."""
    r0 = axis["D"] * math.exp(axis.get("E", 0.0) * M)
    v = (np.asarray(I, dtype=float) - axis["A"] - axis["B"] * M) / axis["C"]
    return (np.exp(v) if log == "ln" else np.power(10.0, v)) - r0


def intensity_field(x: np.ndarray, y: np.ndarray, epicentre: tuple[float, float], M: float,
                    strike_deg: float, coeffs: dict[str, Any], iterations: int = 17) -> np.ndarray:
    """Intensity (continuous, GB/T 17742 degrees, clipped to 1..12) at map points (metres).

    A point lies on the isoseismal ellipse of intensity I whose semi-axes are the
    long- and short-axis distances Ra(I), Rb(I) at which each axis relation gives I;
    (u/Ra)^2 + (v/Rb)^2 grows with I, so I is found by vectorised bisection.
    Strike is clockwise from north; map x is east, y north.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    dx = (x - epicentre[0]) / 1000.0
    dy = (y - epicentre[1]) / 1000.0
    s = math.radians(strike_deg)
    u = dx * math.sin(s) + dy * math.cos(s)          # along strike
    v = -dx * math.cos(s) + dy * math.sin(s)         # across strike
    u2, v2 = u * u, v * v
    la, sa, log = coeffs["long"], coeffs["short"], coeffs.get("log", "ln")
    top = float(min(axis_intensity(M, 0.0, la, log), axis_intensity(M, 0.0, sa, log)))
    # radius(I) = base**((I - A - B M) / C) - R0 = exp(k (I - I0)) - R0 per axis
    ln_base = 1.0 if log == "ln" else math.log(10.0)
    ka, kb = ln_base / la["C"], ln_base / sa["C"]
    ia0, ib0 = la["A"] + la["B"] * M, sa["A"] + sa["B"] * M
    ra0 = la["D"] * math.exp(la.get("E", 0.0) * M)
    rb0 = sa["D"] * math.exp(sa.get("E", 0.0) * M)
    lo = np.full(x.shape, -2.0)
    hi = np.full(x.shape, top)
    # work on the scalar bracket [lo, hi] of each point; bisection halves it each step
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        ra = np.exp(ka * (mid - ia0)) - ra0
        rb = np.exp(kb * (mid - ib0)) - rb0
        np.maximum(ra, 1e-9, out=ra)
        np.maximum(rb, 1e-9, out=rb)
        inside = u2 / (ra * ra) + v2 / (rb * rb) <= 1.0
        np.copyto(lo, mid, where=inside)
        np.copyto(hi, mid, where=~inside)
    return np.clip(0.5 * (lo + hi), 1.0, 12.0)


def intensity_to_pga_g(I: np.ndarray | float) -> np.ndarray:
    """PGA (g) for an intensity: inverse of GB/T 17742-2020 formula A.5, I_A = 3.17 lg(PGA) + 6.59."""
    p = params()["intensity_to_pga"]
    return np.power(10.0, (np.asarray(I, dtype=float) - p["b"]) / p["a"]) / 9.80665


# ---------------------------------------------------------------- damage
def mean_damage_grade(I: np.ndarray | float, V: float, Q: float = 2.3) -> np.ndarray:
    """Macroseismic method: mu_D = 2.5 (1 + tanh((I + 6.25 V - 13.1) / Q)), 0..5."""
    return 2.5 * (1.0 + np.tanh((np.asarray(I, dtype=float) + 6.25 * V - 13.1) / Q))


def damage_distribution(mu_d: np.ndarray | float) -> np.ndarray:
    """Binomial probabilities of damage grades D0..D5 (last axis) for mean grade mu_D."""
    p = np.clip(np.asarray(mu_d, dtype=float) / 5.0, 0.0, 1.0)[..., None]
    k = np.arange(6)
    comb = np.array([1, 5, 10, 10, 5, 1], dtype=float)
    return comb * p ** k * (1.0 - p) ** (5 - k)


def pager_fatality_rate(I: np.ndarray | float, theta: float | None = None, beta: float | None = None) -> np.ndarray:
    """PAGER empirical fatality rate Phi(ln(S/theta)/beta); defaults: China."""
    if theta is None or beta is None:
        f = params()["fatality_pager"]
        theta, beta = f["theta"], f["beta"]
    s = np.maximum(np.asarray(I, dtype=float), 1e-9)
    return ndtr(np.log(s / theta) / beta)


def community_losses(I: float, population: int, mix: dict[str, float] | None = None) -> dict[str, Any]:
    """Damage and casualties of one community at intensity I (expected values, rounded)."""
    p = params()
    dmg = p["damage"]
    mix = mix or dmg["default_mix"]
    total_share = sum(float(v) for v in mix.values()) or 1.0
    cs = p["casualty_coburn_spence"]
    people_in = population * cs["occupancy"]
    collapse = heavy = 0.0
    trapped = injured = 0.0
    for cls, share in mix.items():
        c = dmg["classes"].get(cls)
        if c is None:
            raise ValueError(f"unknown building class {cls!r}; known: {', '.join(dmg['classes'])}")
        share = float(share) / total_share
        pd = damage_distribution(mean_damage_grade(I, dmg["ems98_class_V"][c["ems98"]], dmg["Q"]))
        collapse += share * pd[..., 5]
        heavy += share * (pd[..., 4] + pd[..., 5])
        kind = cs[c["kind"]]
        t = people_in * share * pd[..., 5] * kind["trapped"]
        trapped += t
        injured += t * (kind["life_threatening"] + kind["hospitalised"])
    deaths = population * float(pager_fatality_rate(I))
    buildings = population / dmg["persons_per_building"]
    return {
        "intensity": round(float(I), 2), "collapse_ratio": float(collapse), "heavy_ratio": float(heavy),
        "collapsed": int(round(float(collapse) * buildings)), "trapped": int(round(float(trapped))),
        "injured": int(round(float(injured))), "deaths": int(round(min(deaths, population))),
    }


def bridge_exceedance(pga_g: np.ndarray | float) -> dict[str, np.ndarray]:
    """P(damage state >= k) for each state of the lognormal bridge fragility."""
    b = params()["bridges"]
    a = np.maximum(np.asarray(pga_g, dtype=float), 1e-9)
    return {k: ndtr(np.log(a / m) / b["beta"]) for k, m in b["medians_g"].items()}


def newmark_displacement_cm(slope_deg: np.ndarray, pga_g: np.ndarray) -> np.ndarray:
    """Jibson (2007) eq. 6 Newmark displacement (cm) on a dry infinite slope (0 where ac >= amax)."""
    ls = params()["landslide"]
    alpha = np.radians(np.maximum(np.asarray(slope_deg, dtype=float), 0.1))
    gamma, t = ls["unit_weight_kn_m3"], ls["slab_thickness_m"]
    fs = (ls["cohesion_kpa"] / (gamma * t * np.sin(alpha) * np.cos(alpha))
          + math.tan(math.radians(ls["friction_deg"])) / np.tan(alpha))
    ac = np.maximum(fs - 1.0, 0.0) * np.sin(alpha)   # in g
    amax = np.maximum(np.asarray(pga_g, dtype=float), 1e-9)
    ratio = np.clip(ac / amax, 1e-6, 1.0)
    j = ls["jibson2007"]
    with np.errstate(divide="ignore"):
        logd = j["a"] + np.log10((1.0 - ratio) ** j["b"] * ratio ** j["c"])
    return np.where(ac < amax, np.power(10.0, logd), 0.0)


def slope_deg_at(elev, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Terrain slope (degrees) of a :class:`~drillsim.core.grid.Grid` sampled at points."""
    gy, gx = np.gradient(elev.values.astype(float), elev.cell)
    slope = np.degrees(np.arctan(np.hypot(gx, gy)))
    ny, nx = slope.shape
    j = np.clip(np.floor((np.asarray(x) - elev.x0) / elev.cell).astype(int), 0, nx - 1)
    i = np.clip(np.floor((np.asarray(y) - elev.y0) / elev.cell).astype(int), 0, ny - 1)
    return slope[i, j]


# ---------------------------------------------------------------- aftershocks
def aftershock_sequence(rng: np.random.Generator, Mm: float, duration_days: float,
                        cfg: dict[str, Any] | None = None) -> list[tuple[float, float]]:
    """(time_days, magnitude) of aftershocks >= min_magnitude in (0, duration_days].

    Non-homogeneous Poisson process with the Reasenberg & Jones (1989) rate
    10^(a + b (Mm - Mmin)) (t + c)^-p; magnitudes Gutenberg-Richter with slope b,
    truncated at the mainshock magnitude.
    """
    cfg = cfg or params()["aftershocks"]
    a, b, p, c, mmin = cfg["a"], cfg["b"], cfg["p"], cfg["c_days"], cfg["min_magnitude"]
    if Mm <= mmin or duration_days <= 0:
        return []
    k = 10.0 ** (a + b * (Mm - mmin))

    def cum(t: float) -> float:  # integral of (s + c)^-p from 0 to t
        if abs(p - 1.0) < 1e-9:
            return math.log((t + c) / c)
        return ((t + c) ** (1 - p) - c ** (1 - p)) / (1 - p)

    total = cum(duration_days)
    n = int(rng.poisson(k * total))
    out = []
    for _ in range(n):
        target = rng.uniform() * total
        if abs(p - 1.0) < 1e-9:
            t = c * math.exp(target) - c
        else:
            t = (target * (1 - p) + c ** (1 - p)) ** (1.0 / (1 - p)) - c
        # G-R truncated at Mm: F(M) = (1 - 10^-b(M-mmin)) / (1 - 10^-b(Mm-mmin))
        u = rng.uniform()
        m = mmin - math.log10(1.0 - u * (1.0 - 10.0 ** (-b * (Mm - mmin)))) / b
        out.append((min(t, duration_days), round(m, 2)))
    out.sort()
    return out


def rupture_length_km(M: float) -> float:
    r = params()["aftershocks"]["rupture_length"]
    return 10.0 ** (r["a"] + r["b"] * M)


def collapse_incident_name(place_name: dict[str, str], trapped: bool) -> dict[str, str]:
    """The name of a community's collapse incident: people trapped (a rescue need, maybe casualties
    too) or, when this shock trapped nobody new, people injured (casualties to transport only)."""
    zh, en = place_name.get("zh") or place_name.get("en", ""), place_name.get("en") or place_name.get("zh", "")
    if trapped:
        return {"zh": f"{zh}房屋倒塌，人员被困", "en": f"Collapsed buildings in {en}, people trapped"}
    return {"zh": f"{zh}房屋倒塌，人员受伤", "en": f"Collapsed buildings in {en}, people injured"}


# ---------------------------------------------------------------- the hazard
@register
class Earthquake(Hazard):
    type = "earthquake"

    def __init__(self, spec: dict[str, Any], ctx: HazardContext | None = None) -> None:
        super().__init__(spec, ctx)
        self.magnitude = float(spec.get("magnitude", 6.5))
        self.depth_km = float(spec.get("depth_km", 10.0))
        self.strike = float(spec.get("strike_deg", 0.0))
        self.region = str(spec.get("region", "east"))
        self.relation = str(spec.get("relation", "wang2000"))
        self.with_aftershocks = bool(spec.get("aftershocks", True))
        self.overrides = dict(spec.get("overrides") or {})
        self.coeffs = coefficients(self.relation, self.region, self.overrides.get("coefficients"))
        self.shocks: list[dict[str, Any]] = []      # applied shocks (mainshock first)
        self.community_I: dict[str, float] = {}
        self.losses: dict[str, dict[str, Any]] = {}
        self.closed_roads: set[int] = set()
        self.damaged_bridges: dict[int, str] = {}
        self._clearing: set[int] = set()
        """Roads this quake has reported a clearing incident for (debris, bridge, landslide)."""
        self._landslide_done: set[int] = set()

    # -- pure field ------------------------------------------------------------
    def intensity(self, x: np.ndarray, y: np.ndarray, t: float | None = None) -> np.ndarray:
        """Max intensity over the shocks that happened up to t (all applied if t is None)."""
        shocks = [s for s in self._all_shocks() if t is None or s["t"] <= t]
        out = np.zeros(np.shape(x))
        for s in shocks:
            out = np.maximum(out, intensity_field(x, y, s["at"], s["magnitude"], self.strike, self.coeffs))
        return out

    def _all_shocks(self) -> list[dict[str, Any]]:
        if self.shocks:
            return self.shocks
        t0 = self.start_min if self.start_min is not None else 0.0
        return [{"t": t0, "at": self.at, "magnitude": self.magnitude}]

    def fields(self, x: float, y: float, t: float) -> dict[str, Any]:
        if not self.started or (self.started_at is not None and t < self.started_at):
            if self.start_min is None or t < self.start_min:
                return {"intensity": 0.0, "intensity_roman": ""}
        i = float(self.intensity(np.array([x]), np.array([y]), t)[0])
        return {"intensity": round(i, 2), "intensity_roman": roman(i), "pga_g": round(float(intensity_to_pga_g(i)), 3)}

    def overlay(self, t: float, n: int = 100) -> dict[str, Any]:
        cells = self.map_cells(n)
        if cells is None:
            return {}
        x0, y0, cell, X, Y = cells
        started = self.started and (self.started_at is None or t >= self.started_at)
        I = self.intensity(X, Y, t) if started else np.zeros_like(X)
        return {"kind": "grid", "field": "intensity", "x0": x0, "y0": y0, "cell": cell,
                "values": np.round(I, 1).tolist(), "levels": [6, 7, 8, 9, 10],
                "labels": ["VI", "VII", "VIII", "IX", "X"]}

    def summary(self, t: float) -> dict[str, Any]:
        s = super().summary(t)
        tot = {k: sum(v[k] for v in self.losses.values()) for k in ("deaths", "injured", "trapped", "collapsed")}
        mx = max(self.community_I.values(), default=0.0)
        s.update(tot, closed_roads=len(self.closed_roads), damaged_bridges=len(self.damaged_bridges),
                 max_intensity=round(mx, 2), max_intensity_roman=roman(mx), magnitude=self.magnitude,
                 shocks=len(self.shocks))
        return s

    # -- process ---------------------------------------------------------------
    def process(self) -> Generator:
        ctx = self.ctx
        assert ctx is not None
        rng = ctx.rng("earthquake:" + self.id)
        env = ctx.env
        main = {"t": env.now, "at": self.at, "magnitude": self.magnitude}
        self.shocks = [main]
        after: list[dict[str, Any]] = []
        if self.with_aftershocks:
            dur = float(getattr(ctx.world.scenario.meta, "duration_min", 1440.0)) - env.now
            seq = aftershock_sequence(rng, self.magnitude, max(0.0, dur) / 1440.0,
                                      {**params()["aftershocks"], **self.overrides.get("aftershocks", {})})
            L = rupture_length_km(self.magnitude) * 1000.0
            across = params()["aftershocks"]["across_fraction"] * L
            s = math.radians(self.strike)
            for td, m in seq:
                along = rng.uniform(-L / 2, L / 2)
                off = rng.normal(0.0, across)
                ax = self.at[0] + along * math.sin(s) - off * math.cos(s)
                ay = self.at[1] + along * math.cos(s) + off * math.sin(s)
                after.append({"t": env.now + td * 1440.0, "at": (ax, ay), "magnitude": m})
        I_max = self._apply(main, rng, first=True)
        ctx.emit("earthquake.mainshock", id=self.id, magnitude=self.magnitude, at=list(self.at),
                 depth_km=self.depth_km, strike_deg=self.strike, region=self.region, relation=self.relation,
                 max_intensity=round(I_max, 2), max_intensity_roman=roman(I_max),
                 aftershocks_expected=len(after))
        self._report(first=True)
        for a in after:
            yield env.timeout(max(0.0, a["t"] - env.now))
            self.shocks.append(a)
            prev = dict(self.losses)
            I_a = self._apply(a, rng, first=False)
            ctx.emit("earthquake.aftershock", id=self.id, magnitude=a["magnitude"],
                     at=[round(a["at"][0], 1), round(a["at"][1], 1)], max_intensity=round(I_a, 2),
                     max_intensity_roman=roman(I_a))
            self._report(first=False, prev=prev)

    def _apply(self, shock: dict[str, Any], rng: np.random.Generator, first: bool) -> float:
        """Raise intensities to this shock's where higher; update losses, roads, bridges."""
        ctx = self.ctx
        assert ctx is not None
        world, net = ctx.world, ctx.world.net
        comms = world.of_kind("community")
        if comms:
            cx = np.array([c.at[0] for c in comms])
            cy = np.array([c.at[1] for c in comms])
            ci = intensity_field(cx, cy, shock["at"], shock["magnitude"], self.strike, self.coeffs)
        else:
            ci = np.zeros(0)
        shock_max = float(ci.max()) if ci.size else 0.0
        raised: list[Any] = []
        for c, i in zip(comms, ci, strict=True):
            if i > self.community_I.get(c.id, 0.0) + 1e-9:
                self.community_I[c.id] = float(i)
                mix = c.attrs.get("buildings")
                self.losses[c.id] = community_losses(float(i), c.population, mix)
                raised.append(c)
        if net.n_roads == 0:
            return shock_max
        ri = self.intensity(net.mid_x, net.mid_y)  # all applied shocks so far
        # debris in raised communities
        dcfg = params()["debris"]
        to_close: list[int] = []
        for c in raised:
            loss = self.losses[c.id]
            if loss["heavy_ratio"] < dcfg["min_collapse_ratio"]:
                continue
            radius = float(c.attrs.get("radius_m", dcfg["default_radius_m"]))
            p_block = min(1.0, loss["heavy_ratio"] * dcfg["factor"])
            for r in net.roads_within(c.at[0], c.at[1], radius):
                if r in self.closed_roads or ri[r] < dcfg["min_intensity"]:
                    continue
                if rng.uniform() < p_block:
                    to_close.append(r)
        if to_close:
            to_close = sorted(set(to_close))
            self.closed_roads.update(to_close)
            world.set_roads(to_close, "closed", cause=f"earthquake:{self.id}:debris")
            self._clearing.update(to_close)
            for r in to_close:
                rid = net.road_ids[r]
                ctx.incident(f"{self.id}:clear:{rid}", road_incident_name(net.road_names[r], rid, "debris"),
                             (net.mid_x[r], net.mid_y[r]), needs={"clear_road": rid}, priority=2,
                             cause=f"earthquake:{self.id}")
        # bridges
        bidx = np.nonzero(net.bridge)[0]
        if bidx.size:
            ex = bridge_exceedance(intensity_to_pga_g(ri[bidx]))
            states = list(params()["bridges"]["medians_g"])
            effect = params()["bridges"]["effect"]
            for n_, r in enumerate(bidx):
                u = rng.uniform()
                ds = None
                for k in states:  # ordered slight..complete: keep the worst exceeded
                    if u < ex[k][n_]:
                        ds = k
                old = self.damaged_bridges.get(int(r))
                if ds is None or (old is not None and states.index(old) >= states.index(ds)):
                    continue
                self.damaged_bridges[int(r)] = ds
                eff = effect[ds]
                rid = net.road_ids[r]
                if eff["status"] == "closed":
                    # one clearing task per road: a road this quake already closed and reported, not
                    # reopened since (clearing it reopens it), has its task open; a worse state of its
                    # bridge is the road.state below (cause ...:bridge:complete), not a second incident
                    reported = int(r) in self._clearing and net.status[r] == "closed"
                    self.closed_roads.add(int(r))
                    world.set_roads([r], "closed", cause=f"earthquake:{self.id}:bridge:{ds}")
                    if not reported:
                        self._clearing.add(int(r))
                        ctx.incident(f"{self.id}:bridge:{rid}", bridge_incident_name(net.road_names[r], rid, ds),
                                     (net.mid_x[r], net.mid_y[r]), needs={"clear_road": rid}, priority=1,
                                     cause=f"earthquake:{self.id}")
                else:
                    world.set_roads([r], "damaged", cause=f"earthquake:{self.id}:bridge:{ds}",
                                    speed_factor=float(eff["speed_factor"]))
        # landslides on steep roads
        elev = getattr(world.map, "elevation", None)
        if elev is not None:
            ls = params()["landslide"]
            slope = slope_deg_at(elev, net.mid_x, net.mid_y)
            cand = np.nonzero(slope >= ls["min_slope_deg"])[0]
            if cand.size:
                d = newmark_displacement_cm(slope[cand], intensity_to_pga_g(ri[cand]))
                hit = [int(r) for r, dv in zip(cand, d, strict=True) if dv >= ls["close_if_displacement_cm"]
                       and int(r) not in self.closed_roads]
                if hit:
                    self.closed_roads.update(hit)
                    world.set_roads(hit, "closed", cause=f"earthquake:{self.id}:landslide")
                    self._clearing.update(hit)
                    for r in hit:
                        rid = net.road_ids[r]
                        ctx.incident(f"{self.id}:landslide:{rid}", road_incident_name(net.road_names[r], rid, "landslide"),
                                     (net.mid_x[r], net.mid_y[r]), needs={"clear_road": rid}, priority=2,
                                     cause=f"earthquake:{self.id}")
        return shock_max

    def _report(self, first: bool, prev: dict[str, dict[str, Any]] | None = None) -> None:
        ctx = self.ctx
        assert ctx is not None
        prev = prev or {}
        for pid in sorted(self.losses):
            loss = self.losses[pid]
            old = prev.get(pid)
            if not first and old is loss:
                continue
            place = ctx.world.places[pid]
            ctx.emit("earthquake.damage", id=self.id, place=pid, intensity=loss["intensity"],
                     intensity_roman=roman(loss["intensity"]), collapsed=loss["collapsed"],
                     trapped=loss["trapped"], injured=loss["injured"], deaths=loss["deaths"])
            d_trapped = loss["trapped"] - (old["trapped"] if old else 0)
            d_injured = loss["injured"] - (old["injured"] if old else 0)
            # residents of uninhabitable homes (EMS-98 D4-D5) who need a public shelter
            displaced = int(round(loss.get("heavy_ratio", 0.0) * place.population
                                  * float(params()["displaced"]["public_shelter_share"])))
            d_displaced = displaced - (old.get("displaced", 0) if old else 0)
            loss["displaced"] = max(displaced, old.get("displaced", 0) if old else 0)
            if d_displaced > 0:  # not an incident: they walk to an open shelter themselves
                ctx.displaced(pid, d_displaced, cause=f"earthquake:{self.id}")
            if d_trapped <= 0 and d_injured <= 0:
                continue
            needs: dict[str, Any] = {}
            if d_trapped > 0:
                needs["rescue"] = d_trapped
            if d_injured > 0:
                needs["transport"] = d_injured
            sev = loss["intensity"]
            priority = 1 if sev >= 9 or d_trapped >= 50 else 2 if sev >= 7.5 else 3
            n = len(self.shocks)
            ctx.incident(f"{self.id}:{pid}:{n}", collapse_incident_name(place.name, d_trapped > 0),
                         place.at, needs=needs, priority=priority, cause=f"earthquake:{self.id}", place=pid)
