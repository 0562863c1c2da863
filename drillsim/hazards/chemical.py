"""Hazardous-chemical release (危化品泄漏): Gaussian plume / puff, AEGL threat zones.

Pure, vectorised functions (importable without SimPy) and the :class:`ChemicalRelease`
hazard. Equations, sources and limits: docs/models-chemical.md; parameters:
resources/data/dispersion.yaml and resources/data/substances.yaml.

- Continuous release: Gaussian plume with ground reflection, Briggs (1973)
  open-country / urban sigmas (CCPS 1999 tabulation). Finite duration: the plume
  exists between the front (x = u (t - t0)) and the tail (x = u (t - t0 - T)).
- Instantaneous release: Gaussian puff with ground reflection, Slade (1968)
  puff sigmas (CCPS 1999); the centre is advected by integrating the wind.
- Wind that changes over time is piecewise constant: the plume axis follows the
  current wind (a documented simplification: no memory of the older axis).
- With an ``uncertainty`` block the wind table is read as the forecast and each run
  draws its wind around it (forecast error of direction and speed, seeded per hazard:
  :mod:`drillsim.hazards.weather`); without it the table is followed exactly.
- Neutrally buoyant, passive gas: no dense-gas slumping (chlorine, propane and
  cold ammonia clouds are denser than air; see the docs' limits section).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np

from drillsim.hazards import weather
from drillsim.hazards.base import Hazard, HazardContext
from drillsim.hazards.registry import register

CLASSES = "ABCDEF"


def dispersion_params() -> dict[str, Any]:
    from drillsim.scenario import catalog

    return catalog.load_data("dispersion")


AEGL_DURATIONS_MIN = (10, 30, 60, 240, 480)


def substances() -> dict[str, Any]:
    """Substance records; `aegl_ppm` is the 60-min column of the EPA AEGL table."""
    from drillsim.scenario import catalog

    out = {}
    for k, v in catalog.load_data("substances").items():
        if not k.startswith("_"):
            out[k] = dict(v, aegl_ppm=aegl_for_duration(v, 60))
    return out


def aegl_for_duration(sub: dict[str, Any], minutes: int) -> dict[int, float]:
    """AEGL-1/2/3 (ppm) for one of the tabulated exposure durations (10, 30, 60, 240, 480 min).

    EPA publishes the five durations only and does not interpolate between them.
    """
    if minutes not in AEGL_DURATIONS_MIN:
        raise ValueError(f"aegl_duration_min must be one of {', '.join(map(str, AEGL_DURATIONS_MIN))}, "
                         f"got {minutes!r}")
    col = AEGL_DURATIONS_MIN.index(minutes)
    return {int(lvl): float(row[col]) for lvl, row in sub["aegl_ppm_by_duration"].items()}


# ---------------------------------------------------------------- conversions
def mg_m3_to_ppm(c_mg_m3: np.ndarray | float, mw: float, molar_volume_l: float = 24.45) -> np.ndarray:
    """ppm (by volume) = mg/m3 * 24.45 / MW at 25 C and 1 atm."""
    return np.asarray(c_mg_m3, dtype=float) * molar_volume_l / mw


def ppm_to_mg_m3(ppm: np.ndarray | float, mw: float, molar_volume_l: float = 24.45) -> np.ndarray:
    return np.asarray(ppm, dtype=float) * mw / molar_volume_l


def pasquill_class(wind_m_s: float, day: bool, insolation: str = "moderate", cloudy: bool = False) -> str:
    """Pasquill stability class from wind and insolation / night cloud (Turner 1970, table 1)."""
    p = dispersion_params()["pasquill"]
    k = next(i for i, up in enumerate(p["wind_upper_m_s"]) if wind_m_s < up)
    if day:
        return p["day"][insolation][k]
    return p["night"]["cloudy" if cloudy else "clear"][k]


# ---------------------------------------------------------------- sigmas
def briggs_sigmas(x: np.ndarray | float, stability: str, terrain: str = "rural") -> tuple[np.ndarray, np.ndarray]:
    """Briggs (1973) plume sigma_y, sigma_z (m) at downwind distance x (m)."""
    t = dispersion_params()["briggs"][terrain]
    x = np.asarray(x, dtype=float)
    ay, by, cy = t["y"][stability]
    az, bz, cz = t["z"][stability]
    return ay * x * (1.0 + by * x) ** cy, az * x * (1.0 + bz * x) ** cz


def puff_sigmas(x: np.ndarray | float, stability: str) -> tuple[np.ndarray, np.ndarray]:
    """Puff sigma_y (= sigma_x) and sigma_z (m) after travelling x metres (Slade 1968 / CCPS)."""
    t = dispersion_params()["puff"]
    x = np.maximum(np.asarray(x, dtype=float), 1e-3)
    ay, by = t["y"][stability]
    az, bz = t["z"][stability]
    return ay * x ** by, az * x ** bz


# ---------------------------------------------------------------- concentrations
def plume_concentration(xd: np.ndarray, yc: np.ndarray, z: float, q_kg_s: float, u: float, h: float,
                        stability: str, terrain: str = "rural") -> np.ndarray:
    """Gaussian plume with ground reflection, mg/m3, at downwind xd / crosswind yc (m).

    C = Q / (2 pi u sy sz) exp(-y^2 / 2 sy^2) [exp(-(z-H)^2 / 2 sz^2) + exp(-(z+H)^2 / 2 sz^2)]
    """
    xd = np.asarray(xd, dtype=float)
    yc = np.asarray(yc, dtype=float)
    pos = xd > 0
    xs = np.where(pos, xd, 1.0)
    sy, sz = briggs_sigmas(xs, stability, terrain)
    c = (q_kg_s * 1e6 / (2.0 * math.pi * u * sy * sz) * np.exp(-0.5 * (yc / sy) ** 2)
         * (np.exp(-0.5 * ((z - h) / sz) ** 2) + np.exp(-0.5 * ((z + h) / sz) ** 2)))
    return np.where(pos, c, 0.0)


def puff_concentration(dx: np.ndarray, dy: np.ndarray, z: float, mass_kg: float, travelled_m: float, h: float,
                       stability: str) -> np.ndarray:
    """Gaussian puff with ground reflection, mg/m3; dx, dy from the puff centre (along / across wind).

    C = 2 M / ((2 pi)^1.5 sx sy sz) exp(-dx^2/2sx^2 - dy^2/2sy^2) * 0.5 [exp(-(z-H)^2/2sz^2) + exp(-(z+H)^2/2sz^2)]
    """
    sy, sz = puff_sigmas(travelled_m, stability)
    sx = sy
    norm = mass_kg * 1e6 / ((2.0 * math.pi) ** 1.5 * sx * sy * sz)
    return (norm * np.exp(-0.5 * ((np.asarray(dx) / sx) ** 2 + (np.asarray(dy) / sy) ** 2))
            * (np.exp(-0.5 * ((z - h) / sz) ** 2) + np.exp(-0.5 * ((z + h) / sz) ** 2)))


def wind_vector(speed: float, from_deg: float) -> tuple[float, float]:
    """Unit vector the wind blows TOWARDS (map x east, y north), from a meteorological 'from' bearing."""
    to = math.radians(from_deg + 180.0)
    return math.sin(to), math.cos(to)


# ---------------------------------------------------------------- the hazard
@register
class ChemicalRelease(Hazard):
    type = "chemical"

    def __init__(self, spec: dict[str, Any], ctx: HazardContext | None = None) -> None:
        super().__init__(spec, ctx)
        subs = substances()
        sid = str(spec.get("substance", "chlorine"))
        if sid not in subs:
            raise ValueError(f"unknown substance {sid!r}; known: {', '.join(sorted(subs))}")
        self.substance_id = sid
        self.sub = subs[sid]
        self.mw = float(self.sub["mw"])
        self.mode = str(spec.get("mode", "continuous"))
        self.rate = float(spec.get("rate_kg_s", 1.0))
        self.mass = float(spec.get("mass_kg", 1000.0))
        self.duration = float(spec.get("duration_min", 30.0)) if self.mode == "continuous" else 0.0
        self.h = float(spec.get("release_height_m", 0.0))
        self.terrain = str(spec.get("terrain", "rural"))
        w = spec.get("wind", {"speed_m_s": 3.0, "from_deg": 0.0})
        segs = w if isinstance(w, list) else [dict(w, at_min=0.0)]
        self.wind = sorted(({"at_min": float(s.get("at_min", 0.0)), "speed": max(0.1, float(s["speed_m_s"])),
                             "from": float(s["from_deg"])} for s in segs), key=lambda s: s["at_min"])
        self.forecast_wind = self.wind
        self.weather: dict[str, Any] | None = None
        """The run's drawn wind when the spec has an ``uncertainty`` block (:mod:`drillsim.hazards.weather`)."""
        if ctx is not None and weather.active(spec.get("uncertainty")):
            self._draw_weather(ctx, spec["uncertainty"])
        st = spec.get("stability")
        if st is None:
            if "day" not in spec:
                st = "D"
            else:
                cloud = float(spec.get("cloud", 0.0))
                cloud = cloud / 8.0 if cloud > 1.0 else cloud
                st = pasquill_class(self.wind[0]["speed"], bool(spec["day"]),
                                    str(spec.get("insolation", "moderate")), cloud >= 0.5)
        self.stability = str(st).upper()
        if self.stability not in CLASSES:
            raise ValueError(f"stability must be one of A-F, got {st!r}")
        self.plant = spec.get("plant")
        p = dispersion_params()
        self.step = float(p["step_min"])
        self.mv = float(p["ppm_molar_volume_l"])
        self.aegl_duration = int(spec.get("aegl_duration_min", 60))
        self.aegl_ppm = aegl_for_duration(self.sub, self.aegl_duration)
        self.caveat = self._caveat()
        self.contaminated: set[int] = set()
        self.person_minutes: dict[str, float] = {}
        self.indoor_mg_m3: dict[str, float] = {}
        self.people_exposed: dict[str, int] = {}
        self.advised: set[str] = set()
        self.evacuation_called: set[str] = set()
        self.max_ppm_seen = 0.0

    # -- wind / time -----------------------------------------------------------
    def _draw_weather(self, ctx: HazardContext, unc: dict[str, Any]) -> None:
        """Draw the wind this run gets around the scenario's (forecast) table, for 24 h after the release.

        Direction and speed errors: Ornstein-Uhlenbeck processes from the streams
        ``weather:<id>:wind_dir`` and ``weather:<id>:wind_speed``; sizes from the block
        (published values and sources: docs/models-chemical.md, "Weather uncertainty").
        """
        cfg = weather.settings(self.type, unc)
        rows = [{"at_min": s["at_min"], "speed_m_s": s["speed"], "from_deg": s["from"]} for s in self.wind]
        drawn = weather.draw_wind(rows, cfg, ctx.rng(weather.stream(self.id, "wind_dir")),
                                  ctx.rng(weather.stream(self.id, "wind_speed")), horizon=1440.0, min_speed=0.1)
        self.weather = {"wind": drawn, "uncertainty": cfg}
        self.wind = [{"at_min": r["at_min"], "speed": r["speed_m_s"], "from": r["from_deg"]} for r in drawn]

    def _t0(self) -> float:
        if self.started_at is not None:
            return self.started_at
        return self.start_min if self.start_min is not None else 0.0

    def wind_at(self, t: float) -> dict[str, float]:
        """Wind segment in force at sim minute t (segment times are minutes after the release)."""
        rel = t - self._t0()
        cur = self.wind[0]
        for s in self.wind:
            if s["at_min"] <= rel:
                cur = s
        return cur

    def _caveat(self) -> dict[str, str] | None:
        low = dispersion_params()["low_wind_m_s"]
        slow = min(s["speed"] for s in self.wind)
        if slow < low or (self.stability == "F" and slow < 2.0):
            return {"zh": f"风速低于{low} m/s或大气极稳定(F类):高斯模型结果不可靠(ALOHA同样提示),云团可能滞留、蜿蜒。",
                    "en": f"Wind below {low} m/s or very stable air (class F): Gaussian results are unreliable "
                          "(ALOHA gives the same caution); the cloud may linger and meander."}
        return None

    def _puff_centre(self, t: float) -> tuple[float, float, float]:
        """Puff centre (x, y) and distance travelled (m) at sim minute t, integrating piecewise wind."""
        t0 = self._t0()
        x, y = self.at
        dist = 0.0
        for k, s in enumerate(self.wind):
            a = t0 + s["at_min"]
            b = t0 + self.wind[k + 1]["at_min"] if k + 1 < len(self.wind) else math.inf
            lo, hi = max(a, t0), min(b, t)
            if hi <= lo:
                continue
            ex, ey = wind_vector(s["speed"], s["from"])
            d = s["speed"] * (hi - lo) * 60.0
            x += ex * d
            y += ey * d
            dist += d
        return x, y, dist

    # -- pure field ------------------------------------------------------------
    def concentration(self, x: np.ndarray, y: np.ndarray, t: float, z: float = 1.5) -> np.ndarray:
        """Ground-level (breathing height z) concentration, mg/m3, capped at the pure gas (1e6 ppm)."""
        return np.minimum(self._concentration(x, y, t, z), ppm_to_mg_m3(1e6, self.mw, self.mv))

    def _concentration(self, x: np.ndarray, y: np.ndarray, t: float, z: float = 1.5) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        t0 = self._t0()
        if t < t0 or (self.start_min is None and self.started_at is None):
            return np.zeros(x.shape)
        if self.mode == "instantaneous":
            cx, cy, dist = self._puff_centre(t)
            if dist <= 0:
                return np.zeros(x.shape)
            w = self.wind_at(t)
            ex, ey = wind_vector(w["speed"], w["from"])
            dx, dy = x - cx, y - cy
            return puff_concentration(dx * ex + dy * ey, -dx * ey + dy * ex, z, self.mass, dist, self.h,
                                      self.stability)
        w = self.wind_at(t)
        ex, ey = wind_vector(w["speed"], w["from"])
        dx, dy = x - self.at[0], y - self.at[1]
        xd = dx * ex + dy * ey
        yc = -dx * ey + dy * ex
        c = plume_concentration(np.maximum(xd, dispersion_params()["min_distance_m"]) * (xd > 0), yc, z,
                                self.rate, w["speed"], self.h, self.stability, self.terrain)
        el = (t - t0) * 60.0
        front = w["speed"] * el
        tail = w["speed"] * (el - self.duration * 60.0)
        return np.where((xd <= front) & (xd >= tail), c, 0.0)

    def zone_of(self, ppm: np.ndarray) -> np.ndarray:
        """0 none, 1 AEGL-1, 2 AEGL-2, 3 AEGL-3 per point."""
        ppm = np.asarray(ppm)
        z = np.zeros(ppm.shape, dtype=np.int8)
        for lvl in (1, 2, 3):
            z[ppm >= self.aegl_ppm[lvl]] = lvl
        return z

    def fields(self, x: float, y: float, t: float) -> dict[str, Any]:
        c = float(self.concentration(np.array([x]), np.array([y]), t)[0])
        ppm = float(mg_m3_to_ppm(c, self.mw, self.mv))
        z = int(self.zone_of(np.array([ppm]))[0])
        out: dict[str, Any] = {"concentration_mg_m3": round(c, 4), "ppm": round(ppm, 4),
                               "zone": f"AEGL-{z}" if z else None, "substance": self.substance_id,
                               "stability": self.stability}
        if self.caveat:
            out["caveat"] = self.caveat
        return out

    def overlay(self, t: float, n: int = 100) -> dict[str, Any]:
        cells = self.map_cells(n)
        if cells is None:
            return {}
        x0, y0, cell, X, Y = cells
        ppm = mg_m3_to_ppm(self.concentration(X, Y, t), self.mw, self.mv)
        return {"kind": "grid", "field": "aegl_zone", "x0": x0, "y0": y0, "cell": cell,
                "values": self.zone_of(ppm).tolist(),
                "levels": {"3": "red", "2": "orange", "1": "yellow"},
                "thresholds_ppm": {f"AEGL-{k}": v for k, v in self.aegl_ppm.items()},
                "caveat": self.caveat}

    def summary(self, t: float) -> dict[str, Any]:
        s = super().summary(t)
        s.update(substance=self.substance_id, stability=self.stability,
                 person_minutes_above_aegl2=round(sum(self.person_minutes.values()), 1),
                 people_exposed_aegl2=int(sum(self.people_exposed.values())),
                 contaminated_roads=len(self.contaminated), max_ppm=round(self.max_ppm_seen, 3),
                 evacuations=len(self.evacuation_called), shelter_advice=len(self.advised))
        if self.weather is not None:
            w = self.wind_at(t)
            s["wind"] = {"from_deg": w["from"], "speed_m_s": w["speed"]}
        return s

    # -- process ---------------------------------------------------------------
    def _end_time(self) -> float:
        """Sim minute after which the cloud has left the map (slowest wind, map diagonal)."""
        x0, y0, x1, y1 = self.ctx.world.map.bounds
        diag = math.hypot(x1 - x0, y1 - y0)
        slow = min(s["speed"] for s in self.wind)
        return self._t0() + self.duration + diag / slow / 60.0 + self.step

    def process(self) -> Generator:
        ctx = self.ctx
        assert ctx is not None
        env, world, net = ctx.env, ctx.world, ctx.world.net
        ctx.emit("chemical.release", id=self.id, substance=self.substance_id, name=self.sub["name"],
                 mode=self.mode, rate_kg_s=self.rate if self.mode == "continuous" else None,
                 mass_kg=self.mass if self.mode == "instantaneous" else None, duration_min=self.duration,
                 stability=self.stability, terrain=self.terrain, plant=self.plant,
                 aegl_ppm={str(k): v for k, v in self.aegl_ppm.items()}, aegl_duration_min=self.aegl_duration)
        if self.weather is not None:
            end_rel = self._end_time() - self._t0()
            ctx.emit("hazard.weather", id=self.id, hazard=self.type,
                     wind=[r for r in self.weather["wind"] if r["at_min"] <= end_rel],
                     uncertainty=self.weather["uncertainty"])
        if self.caveat:
            ctx.emit("hazard.warning", id=self.id, hazard=self.type, message=self.caveat)
        comms = world.of_kind("community")
        cx = np.array([c.at[0] for c in comms])
        cy = np.array([c.at[1] for c in comms])
        report_every = float(dispersion_params()["exposure_report_min"])
        evac_remaining = float(dispersion_params()["advice"]["evacuate_if_remaining_min"])
        next_report = env.now + report_every
        end = self._end_time()
        last = env.now
        while True:
            t = env.now
            dt = t - last
            last = t
            # roads in the red zone
            if net.n_roads:
                rppm = mg_m3_to_ppm(self.concentration(net.mid_x, net.mid_y, t), self.mw, self.mv)
                self.max_ppm_seen = max(self.max_ppm_seen, float(rppm.max()))
                red = set(np.nonzero(rppm >= self.aegl_ppm[3])[0].tolist())
                new = sorted(red - self.contaminated)
                gone = sorted(self.contaminated - red)
                # never reopen or relabel a road another hazard closed or flooded
                new = [r for r in new if net.status[r] in ("open", "damaged", "contaminated")]
                gone = [r for r in gone if net.status[r] == "contaminated"]
                if new:
                    world.set_roads(new, "contaminated", cause=f"chemical:{self.id}", contaminated=True)
                if gone:
                    world.set_roads(gone, "open", cause=f"chemical:{self.id}:cleared", contaminated=False)
                red = set(new) | (self.contaminated & red)
                self.contaminated = red
            # communities
            if comms:
                cout = self.concentration(cx, cy, t)
                cppm = mg_m3_to_ppm(cout, self.mw, self.mv)
                zones = self.zone_of(cppm)
                remaining = self._t0() + self.duration - t
                ach = float(dispersion_params().get("shelter_in_place_ach_per_h", 0.5))
                keep = math.exp(-ach * dt / 60.0)
                aegl2 = self.aegl_ppm[2]
                for c, z, p, co in zip(comms, zones, cppm, cout, strict=True):
                    # indoor air of warned households (one-compartment infiltration)
                    cin = self.indoor_mg_m3.get(c.id, 0.0) * keep + float(co) * (1.0 - keep)
                    self.indoor_mg_m3[c.id] = cin
                    present = int(world.residents.get(c.id, c.population))
                    warned = float(world.flags.get(c.id, {}).get("warned_share", 0.0))
                    sheltered = int(round(present * warned))
                    above = (present - sheltered if z >= 2 else 0)
                    if mg_m3_to_ppm(cin, self.mw, self.mv) >= aegl2:
                        above += sheltered
                    if above > 0:
                        self.people_exposed[c.id] = max(self.people_exposed.get(c.id, 0), above)
                        self.person_minutes[c.id] = self.person_minutes.get(c.id, 0.0) + above * dt
                    if z >= 2:
                        if remaining >= evac_remaining and c.id not in self.evacuation_called:
                            self.evacuation_called.add(c.id)
                            ctx.incident(f"{self.id}:evacuate:{c.id}",
                                         {"zh": f"{c.name['zh']}处于{self.sub['name']['zh']}毒气AEGL-{int(z)}区，需疏散",
                                          "en": f"{c.name['en']} inside the {self.sub['name']['en']} AEGL-{int(z)} zone: evacuate"},
                                         c.at, needs={"evacuate": c.id}, priority=1 if z == 3 else 2,
                                         cause=f"chemical:{self.id}", place=c.id)
                        elif remaining < evac_remaining and c.id not in self.advised and c.id not in self.evacuation_called:
                            self.advised.add(c.id)
                            ctx.emit("chemical.advice", id=self.id, place=c.id, advice="shelter_in_place",
                                     zone=f"AEGL-{int(z)}", ppm=round(float(p), 3),
                                     message={"zh": "关闭门窗和通风设备，就地避险，等待解除通知",
                                              "en": "Shelter in place: close doors, windows and ventilation; wait for the all-clear"})
            if env.now >= next_report or env.now >= end:
                next_report = env.now + report_every
                ctx.emit("chemical.exposure", id=self.id,
                         communities=[{"place": pid, "people": self.people_exposed[pid],
                                       "person_minutes": round(self.person_minutes[pid], 1)}
                                      for pid in sorted(self.person_minutes)],
                         total_person_minutes=round(sum(self.person_minutes.values()), 1))
            if env.now >= end:
                break
            yield env.timeout(self.step)
        left = [r for r in sorted(self.contaminated) if net.status[r] == "contaminated"]
        if left:
            world.set_roads(left, "open", cause=f"chemical:{self.id}:cleared", contaminated=False)
            self.contaminated = set()
        ctx.emit("chemical.ended", id=self.id, person_minutes=round(sum(self.person_minutes.values()), 1))
