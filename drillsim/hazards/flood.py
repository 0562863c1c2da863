"""Flood (洪水 / 溃堤): dike or dam breach, or rainfall, inundating the map.

Spec (docs/models-flood.md, schema resources/schemas/hazard-flood.json)::

    type: flood
    id: fl1
    at: [x, y]                   # breach location on a dike / dam
    start_min: 60
    source: river | reservoir
    hydrograph: [{at_min: 0, stage_m: 12.0}, {at_min: 240, stage_m: 13.5}]   # or inflow_m3_s
    reservoir_area_m2: 2.0e6     # optional: reservoir level falls as it drains
    rainfall: {mm_per_h: 50, duration_min: 180}                              # optional
    breach: {final_width_m: 80, bottom_elevation_m: 8.0, formation_min: 60,
             weir_coefficient: 1.7, crest_elevation_m: 14.0}
    grid_cell_m: 50
    manning_n: 0.035
    duration_min: 720
    uncertainty: {stage_sd_m: 0.15}   # optional: the hydrograph / rainfall are a forecast,
                                      # each run draws its own (drillsim.hazards.weather)

Times in the hydrograph are minutes since the flood starts. Breach outflow is a
broad-crested weir over a linearly growing breach (Fread 1988); inundation is the
local inertial model of Bates et al. (2010) (:mod:`drillsim.hazards.hydro.inertial`).
River channel cells (map.rivers) and dike bodies (map.dikes) are walls of the 2-D
grid except at the breach: the river is represented by its stage hydrograph.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from drillsim.hazards import weather
from drillsim.hazards.base import Hazard, HazardContext
from drillsim.hazards.hydro import raster
from drillsim.hazards.hydro.breach import breach_geometry
from drillsim.hazards.hydro.inertial import InertialModel
from drillsim.hazards.hydro.rating import hazard_class, hazard_rating
from drillsim.hazards.hydro.weir import breach_outflow
from drillsim.hazards.registry import register
from drillsim.scenario import catalog

SNAP_MIN = 10.0


def _series(series: list[dict[str, Any]], key: str) -> tuple[np.ndarray, np.ndarray] | None:
    pts = [(float(p["at_min"]), float(p[key])) for p in series if key in p]
    if not pts:
        return None
    pts.sort()
    ts, vs = zip(*pts, strict=True)
    return np.array(ts), np.array(vs)


def _interp(series: list[dict[str, Any]], key: str, t_min: float) -> float | None:
    tv = _series(series, key)
    return None if tv is None else float(np.interp(t_min, *tv))


class FloodRun:
    """The flood model on its grid, advanced on demand and snapshotted every 10 min."""

    def __init__(self, spec: dict[str, Any], map_data: Any, at: tuple[float, float]) -> None:
        p = catalog.load_data("flood")
        self.p = p
        self.spec = spec
        self.duration = float(spec.get("duration_min", 720.0))
        grid = raster.working_grid(raster.map_extent(map_data), float(spec.get("grid_cell_m", 50.0)))
        self.grid = grid
        z = raster.resample(map_data.elevation, grid, order=1, default=0.0)
        wall = raster.rasterize_polylines(grid, list(map_data.rivers or []),
                                          float(spec.get("river_width_m", 0.0)))
        dikes = [d.get("line") or d.get("points") or d.get("polyline") for d in (map_data.dikes or [])
                 if isinstance(d, dict)]
        wall |= raster.rasterize_polylines(grid, [d for d in dikes if d])
        b = dict(spec.get("breach") or {})
        self.final_width = float(b.get("final_width_m", 50.0))
        self.bottom = float(b.get("bottom_elevation_m", z.min()))
        self.formation_s = float(b.get("formation_min", 60.0)) * 60.0
        self.c = float(b.get("weir_coefficient", p["weir"]["coefficient_si"]))
        xs, ys = grid.centres()
        r = max(self.final_width / 2.0, grid.cell * 0.75)
        near = ((xs - at[0]) ** 2 + (ys - at[1]) ** 2 <= r ** 2)
        if not near.any():
            ij = grid.index(*at) or (grid.shape[0] // 2, grid.shape[1] // 2)
            near[ij] = True
        crest = b.get("crest_elevation_m")
        if crest is None:  # the crest of the dike the breach is on, else the ground there
            crests = [float(d["crest_elevation_m"]) for d in (map_data.dikes or [])
                      if isinstance(d, dict) and "crest_elevation_m" in d
                      and raster.rasterize_polylines(grid, [d.get("line") or d.get("points") or d.get("polyline")])[near].any()]
            crest = crests[0] if crests else max(self.bottom, float(z[near].max()))
        self.crest = float(crest)
        wall &= ~near  # the breach opens the dike
        z = z.copy()
        z[near] = np.minimum(z[near], max(self.bottom, float(z[near].min())))
        self.breach_cells = np.nonzero(near.ravel())[0]
        ip = p["inertial"]
        self.model = InertialModel(z, grid.cell, float(spec.get("manning_n", ip["manning_n_default"])),
                                   wall=wall, g=p["gravity_m_s2"], alpha=ip["alpha"],
                                   max_dt=ip["max_dt_s"], h_min=ip["min_flow_depth_m"])
        self.hydro = list(spec.get("hydrograph") or [])
        self._stage_tv = _series(self.hydro, "stage_m")
        self._inflow_tv = _series(self.hydro, "inflow_m3_s")
        self._breach_z = self.model.z.ravel()[self.breach_cells]
        self.area = spec.get("reservoir_area_m2")
        self.rain = dict(spec.get("rainfall") or {})
        self.out_volume = 0.0
        self.q_now = 0.0
        self.snaps: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._snap()

    def stage(self, t_min: float) -> float | None:
        s = None if self._stage_tv is None else float(np.interp(t_min, *self._stage_tv))
        if s is not None and self.area:
            s -= self.out_volume / float(self.area)
        return s

    def _snap(self) -> None:
        k = int(round(self.model.t / 60.0 / SNAP_MIN))
        self.snaps[k] = (self.model.depth().astype(np.float32), self.model.velocity().astype(np.float32))

    def advance(self, t_min: float) -> None:
        """Run the model to t_min minutes after the flood start (snapshots on the way)."""
        m = self.model
        t_end = min(t_min, self.duration) * 60.0
        rain_rate = float(self.rain.get("mm_per_h", 0.0)) / 1000.0 / 3600.0
        rain_end = float(self.rain.get("duration_min", 0.0)) * 60.0
        while m.t < t_end - 1e-9:
            next_snap = (np.floor(m.t / 60.0 / SNAP_MIN + 1e-9) + 1) * SNAP_MIN * 60.0
            dt = min(m.stable_dt(), t_end - m.t, next_snap - m.t)
            tm = m.t / 60.0
            q = None if self._inflow_tv is None else float(np.interp(tm, *self._inflow_tv))
            if q is None:
                up = self.stage(tm)
                q = 0.0
                if up is not None:
                    width, bottom = breach_geometry(m.t, self.final_width, self.bottom, self.crest,
                                                    self.formation_s)
                    tail = float((self._breach_z + m.depth_at(self.breach_cells)).mean())
                    w = self.p["weir"]
                    q = breach_outflow(self.c, width, up, tail, bottom, w["submergence_threshold"],
                                       w["submergence_coef"])
            self.q_now = q
            m.add_volume(self.breach_cells, q * dt)
            self.out_volume += q * dt
            if rain_rate > 0 and m.t < rain_end:
                m.add_rain(rain_rate * min(dt, rain_end - m.t))
            m.step(dt)
            if abs(m.t - next_snap) < 1e-6:
                self._snap()

    def snapshot(self, t_min: float) -> tuple[np.ndarray, np.ndarray]:
        self.advance(t_min)
        k = int(np.floor(min(t_min, self.duration) / SNAP_MIN + 1e-9))
        while k not in self.snaps and k > 0:
            k -= 1
        return self.snaps[k]

    def stats(self, t_min: float) -> dict[str, float]:
        h, _ = self.snapshot(t_min)
        wet = h > self.p["places"]["wet_depth_m"]
        return {"flooded_area_km2": float(wet.sum()) * self.grid.cell ** 2 / 1e6,
                "max_depth_m": float(h.max()),
                "volume_m3": float(h.astype(np.float64).sum()) * self.grid.cell ** 2,
                "breach_outflow_m3_s": float(self.q_now)}


@register
class Flood(Hazard):
    type = "flood"

    def __init__(self, spec: dict[str, Any], ctx: HazardContext | None = None, map_data: Any = None) -> None:
        super().__init__(spec, ctx)
        self._map = map_data
        self.run: FloodRun | None = None
        self.model_spec = spec
        """The spec the flood model runs on: ``spec`` itself, or with the run's drawn hydrograph and rain."""
        self.weather: dict[str, Any] | None = None
        if ctx is not None and weather.active(spec.get("uncertainty")):
            self._draw_weather(ctx, spec["uncertainty"])

    def _draw_weather(self, ctx: HazardContext, unc: dict[str, Any]) -> None:
        """Draw this run's stage / inflow hydrograph and rainfall around the spec's forecast.

        Stage: + ``stage_sd_m`` e(t), inflow: x a lognormal factor path (Ornstein-Uhlenbeck
        e(t) from the streams ``weather:<id>:stage`` / ``weather:<id>:inflow``, at the
        hydrograph's rows and every ``step_min``, linear in between like the hydrograph);
        rainfall: x one lognormal factor (``weather:<id>:rain``). Published sizes:
        docs/models-flood.md, "Forecast uncertainty".
        """
        cfg = weather.settings(self.type, unc)
        spec = self.spec
        horizon = float(spec.get("duration_min", 720.0))
        hydro = list(spec.get("hydrograph") or [])
        rows: list[dict[str, float]] = []
        drawn: dict[str, Any] = {}
        for key, name, sd, cv in (("stage_m", "stage", float(cfg.get("stage_sd_m", 0.0)), 0.0),
                                  ("inflow_m3_s", "inflow", 0.0, float(cfg.get("inflow_cv", 0.0)))):
            tv = _series(hydro, key)
            if tv is None:
                continue
            if sd <= 0 and cv <= 0:
                rows += [{"at_min": float(p["at_min"]), key: float(p[key])} for p in hydro if key in p]
                continue
            pts = weather.draw_series(tv, ctx.rng(weather.stream(self.id, name)), cfg, horizon, sd=sd, cv=cv)
            rows += [{"at_min": t, key: v} for t, v, _ in pts]
            err = "d_stage_m" if sd > 0 else "factor"
            drawn[name] = [{"at_min": t, key: v, err: e} for t, v, e in pts]
        new_spec = dict(spec, hydrograph=rows) if drawn else dict(spec)
        rain = spec.get("rainfall")
        cv = float(cfg.get("rain_cv", 0.0))
        if isinstance(rain, dict) and cv > 0:
            f = round(float(weather.lognormal_factor(ctx.rng(weather.stream(self.id, "rain")).standard_normal(), cv)), 4)
            mm = round(float(rain.get("mm_per_h", 0.0)) * f, 3)
            new_spec["rainfall"] = dict(rain, mm_per_h=mm)
            drawn["rainfall"] = {"mm_per_h": mm, "factor": f}
        self.weather = {**drawn, "uncertainty": cfg}
        self.model_spec = new_spec

    @property
    def t0(self) -> float:
        return float(self.started_at if self.started_at is not None else (self.start_min or 0.0))

    def ensure(self) -> FloodRun:
        if self.run is None:
            m = self._map
            if m is None:
                if self.ctx is not None:
                    m = self.ctx.world.map
                else:
                    from drillsim.scenario.maps import load_map

                    m = load_map()
                self._map = m
            self.run = FloodRun(self.model_spec, m, self.at)
        return self.run

    def process(self) -> Generator:
        assert self.ctx is not None
        ctx, world = self.ctx, self.ctx.world
        fr = self.ensure()
        p = fr.p
        net = world.net
        road_cells = np.stack([raster.cells_of(fr.grid, net.mid_x, net.mid_y),
                               raster.cells_of(fr.grid, net.x[net.u], net.y[net.u]),
                               raster.cells_of(fr.grid, net.x[net.v], net.y[net.v])])
        places = [pl for pl in world.places.values() if pl.kind in ("community", "shelter")]
        xs, ys = fr.grid.centres()
        rad = max(float(p["places"]["radius_m"]), fr.grid.cell * 0.75)
        place_cells = {pl.id: np.nonzero(((xs - pl.at[0]) ** 2 + (ys - pl.at[1]) ** 2 <= rad ** 2).ravel())[0]
                       for pl in places}
        step = float(p["roads"]["depth_step_m"])
        wet_road = float(p["roads"]["wet_depth_m"])
        road_level = np.zeros(net.n_roads)  # last reported depth bucket
        evac: set[str] = set()
        rescue: set[str] = set()
        b = self.spec.get("breach") or {}
        ctx.emit("flood.breach", id=self.id, at=list(self.at), source=self.spec.get("source", "river"),
                 width_m=fr.final_width, formation_min=fr.formation_s / 60.0,
                 bottom_elevation_m=fr.bottom, weir_coefficient=float(b.get("weir_coefficient", fr.c)))
        if self.weather is not None:
            ctx.emit("hazard.weather", id=self.id, hazard=self.type, **self.weather)
        while True:
            rel = ctx.env.now - self.t0
            h, v = fr.snapshot(rel)
            hf, vf = h.ravel(), v.ravel()
            depth = np.where(road_cells >= 0, hf[np.maximum(road_cells, 0)], 0.0).max(axis=0)
            level = np.where(depth > wet_road, np.floor(depth / step) * step + step, 0.0)
            ours = (net.status == "open") | (net.status == "flooded")
            changed = np.nonzero((level != road_level) & ours)[0]
            if changed.size:
                wet = changed[level[changed] > 0]
                dry = changed[level[changed] == 0]
                for lv in np.unique(level[wet]):
                    sel = wet[level[wet] == lv]
                    world.set_roads(sel, "flooded", cause=self.id, water_depth=float(lv))
                if dry.size:
                    world.set_roads(dry, "open", cause=self.id)
                road_level[changed] = level[changed]
            for pl in places:
                cells = place_cells[pl.id]
                if cells.size == 0:
                    continue
                d = float(hf[cells].max())
                vel = float(vf[cells].max())
                if d <= p["places"]["wet_depth_m"]:
                    if pl.id in world.flags and "flood_hazard" in world.flags[pl.id]:
                        world.set_flag(pl.id, "flood_hazard", "none")
                    continue
                hr = float(hazard_rating(d, vel))
                cls = hazard_class(hr)
                world.set_flag(pl.id, "flood_hazard", cls)
                if pl.kind != "community":
                    continue
                if pl.id not in evac:
                    evac.add(pl.id)
                    ctx.incident(f"{self.id}-evac-{pl.id}",
                                 {"zh": f"{pl.name['zh']} 洪水转移", "en": f"Flood: evacuate {pl.name['en']}"},
                                 pl.at, needs={"evacuate": pl.id}, priority=1, cause=self.id, place=pl.id)
                # those who cannot leave by themselves need boat rescue; the rest are evacuated
                people = int(round(world.residents.get(pl.id, 0) * float(p["places"].get("rescue_share", 0.05))))
                if cls in ("significant", "extreme") and pl.id not in rescue and people > 0:
                    rescue.add(pl.id)
                    ctx.incident(f"{self.id}-rescue-{pl.id}",
                                 {"zh": f"{pl.name['zh']} 被困群众救援", "en": f"Flood: people trapped in {pl.name['en']}"},
                                 pl.at, needs={"rescue": people}, priority=1, cause=self.id, place=pl.id)
            ctx.emit("flood.update", id=self.id, **fr.stats(rel))
            if rel >= fr.duration:
                break
            yield ctx.env.timeout(min(SNAP_MIN, fr.duration - rel))

    def fields(self, x: float, y: float, t: float) -> dict[str, Any]:
        fr = self.ensure()
        ij = fr.grid.index(x, y)
        rel = t - self.t0
        if ij is None or rel < 0:
            return {"depth_m": 0.0, "velocity_m_s": 0.0, "hazard_rating": None}
        h, v = fr.snapshot(rel)
        d, vel = float(h[ij]), float(v[ij])
        if d <= 0:
            return {"depth_m": 0.0, "velocity_m_s": 0.0, "hazard_rating": None}
        hr = float(hazard_rating(d, vel))
        return {"depth_m": d, "velocity_m_s": vel, "hazard_rating": hazard_class(hr), "hr": hr}

    def overlay(self, t: float, max_side: int = 200) -> dict[str, Any]:
        fr = self.ensure()
        h, _ = fr.snapshot(max(0.0, t - self.t0))
        step = max(1, int(np.ceil(max(h.shape) / max_side)))
        hs = h[::step, ::step]
        return {"kind": "grid", "field": "depth_m", "x0": fr.grid.x0, "y0": fr.grid.y0,
                "cell": fr.grid.cell * step,
                "values": [[round(float(v), 2) for v in row] for row in hs]}

    def summary(self, t: float) -> dict[str, Any]:
        base = super().summary(t)
        if self.run is not None and t >= self.t0:
            base.update(self.run.stats(t - self.t0))
            if self.weather is not None and self.run.stage(t - self.t0) is not None:
                base["stage_m"] = round(float(self.run.stage(t - self.t0)), 3)
        return base
