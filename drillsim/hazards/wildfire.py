"""Forest and grassland fire (森林草原火灾): surface spread over the map's fuel grid.

Spec (docs/models-wildfire.md, schema resources/schemas/hazard-wildfire.json)::

    type: wildfire
    id: f1
    at: [x, y]                    # ignition point (map metres)
    start_min: 30
    model: rothermel | wangzhengfei
    wind: {speed_m_s: 5, from_deg: 270, height: 10m | midflame}
          # or a list of {at_min, speed_m_s, from_deg}; at_min from fire start
    fuel_moisture: {d1h: 0.06, d10h: 0.07, d100h: 0.08, live_herb: 0.6, live_woody: 0.9}
    weather: {t_max_c: 25, rh_min_pct: 30}     # Wang Zhengfei R0 inputs
    grid_cell_m: 30
    firebreaks: [[[x, y], [x, y], ...], ...]
    duration_min: 720
    fuel_model: 1                 # used where the map has no fuel grid
    warn_lead_min: 60             # evacuate communities this long before arrival
    uncertainty: {wind_dir_sd_deg: 20, wind_speed_cv: 0.25, dead_fuel_moisture_sd: 0.016}
                                  # optional: wind and fuel moisture above are a forecast,
                                  # each run draws its own (drillsim.hazards.weather)

Spread rates come from :mod:`drillsim.hazards.fire.rothermel` (Rothermel 1972 with
the Albini 1976 fuel models, as BehavePlus computes them) or
:mod:`drillsim.hazards.fire.wang`; growth over the grid from
:mod:`drillsim.hazards.fire.spread` (minimum travel time). Times inside the model
are minutes since ignition; ``fields`` and events use scenario minutes.
"""

from __future__ import annotations

from collections.abc import Generator
from types import SimpleNamespace
from typing import Any

import numpy as np

from drillsim.core.grid import Grid
from drillsim.hazards import weather
from drillsim.hazards.base import Hazard, HazardContext
from drillsim.hazards.fire import rothermel as roth
from drillsim.hazards.fire import wang
from drillsim.hazards.fire.spread import build_graph
from drillsim.hazards.hydro import raster
from drillsim.hazards.registry import register

UPDATE_MIN = 10.0
DEFAULT_MOISTURE = {"d1h": 0.06, "d10h": 0.07, "d100h": 0.08, "live_herb": 0.60, "live_woody": 0.90}
DRIEST_DEAD_MOISTURE = {"d1h": 0.03, "d10h": 0.04, "d100h": 0.05}
"""A drawn moisture error never makes dead fuel drier than this (unless the forecast already is):
Scott & Burgan (2005) fuel moisture scenario D1, "very low" dead fuel moisture, the driest
standard scenario of fire behaviour guides."""
TEN_M_TO_20_FT = 1.0 / 1.15
"""20-ft wind = 10-m wind / 1.15 (Turner & Lawson 1978, as used by BehavePlus; Andrews 2012)."""


def wind_rows(wind: Any) -> list[dict[str, float]]:
    """The spec's wind as rows {at_min, speed_m_s, from_deg} sorted, the first at minute 0."""
    items = wind if isinstance(wind, list) else [dict(wind or {}, at_min=0)]
    out = [{"at_min": float(w.get("at_min", 0.0)), "speed_m_s": float(w.get("speed_m_s", 0.0)),
            "from_deg": float(w.get("from_deg", 0.0))} for w in items]
    out.sort(key=lambda r: r["at_min"])
    if not out or out[0]["at_min"] > 0:
        out.insert(0, dict(out[0] if out else {"speed_m_s": 0.0, "from_deg": 0.0}, at_min=0.0))
    return out


def wind_schedule(wind: Any) -> list[tuple[float, float, float]]:
    """[(at_min, speed_m_s, wind_to_rad)] sorted; from_deg is the compass direction wind blows from."""
    return [(r["at_min"], r["speed_m_s"], float(np.radians(90.0 - (r["from_deg"] + 180.0)))) for r in wind_rows(wind)]


def beaufort_level(speed_m_s: float) -> float:
    """Beaufort force from speed, V = 0.836 B^1.5 (WMO)."""
    return (max(0.0, speed_m_s) / 0.836) ** (2.0 / 3.0)


class FireGrid:
    """The fire model on its working grid, independent of SimPy and the world."""

    def __init__(self, grid: Grid, elevation: np.ndarray, fuel: np.ndarray, spec: dict[str, Any],
                 firebreak: np.ndarray | None = None) -> None:
        self.grid = grid
        self.cell = grid.cell
        self.ny, self.nx = grid.shape
        self.model = str(spec.get("model", "rothermel")).lower().replace("_", "")
        self.fuel = fuel.astype(int)
        self.moisture = {**DEFAULT_MOISTURE, **(spec.get("fuel_moisture") or {})}
        self.wind = wind_schedule(spec.get("wind"))
        self.wind_height = str((spec.get("wind") or {}).get("height", "10m")) if isinstance(
            spec.get("wind"), dict) else str(spec.get("wind_height", "10m"))
        self.weather = dict(spec.get("weather") or {})
        self.duration = float(spec.get("duration_min", 720.0))
        self.wind_limit = bool(spec.get("wind_limit", True))
        dzdy, dzdx = np.gradient(elevation, self.cell)
        self.slope_tan = np.hypot(dzdx, dzdy)
        self.upslope = np.arctan2(dzdy, dzdx)
        self.burnable = (self.fuel >= 1) & (self.fuel <= 13)
        if firebreak is not None:
            self.burnable &= ~firebreak
        n = self.ny * self.nx
        self.arrival = np.full(n, np.inf)
        self.ros = np.full(n, np.nan)
        self.flame = np.full(n, np.nan)
        self._fuel_states = {k: roth.fuel_state(k, self.moisture)
                             for k in np.unique(self.fuel[self.burnable]) if 1 <= k <= 13}

    # -- spread rate fields ----------------------------------------------------
    def _rothermel(self, speed: float, wind_to: float) -> tuple[Any, np.ndarray, np.ndarray]:
        keys = ("r0", "ir", "c", "b", "e", "beta_ratio", "beta", "tr", "waf")
        table = {k: np.ones(14) for k in keys}
        table["r0"][:] = 0.0
        for num, st in self._fuel_states.items():
            for k in keys:
                table[k][num] = getattr(st, k)
        f = np.clip(self.fuel, 0, 13)
        p = SimpleNamespace(**{k: v[f] for k, v in table.items()})
        if self.wind_height == "midflame":
            mid = np.full(f.shape, speed)
        else:
            mid = speed * TEN_M_TO_20_FT * p.waf
        out = roth.spread(p, mid, wind_to, self.slope_tan, self.upslope, wind_limit=self.wind_limit)
        head, ecc, hdir = out["ros_head_m_min"], out["ecc"], out["dir_rad"]
        head = np.where(self.burnable, head, 0.0)

        def rate(theta: float) -> np.ndarray:
            return roth.ros_in_direction(head, ecc, hdir, theta)

        return rate, head, np.where(self.burnable, out["flame_m"], np.nan)

    def _wang(self, speed: float, wind_to: float) -> tuple[Any, np.ndarray, np.ndarray]:
        prm = wang.params()
        r0 = wang.initial_rate(float(self.weather.get("t_max_c", 25.0)), beaufort_level(speed),
                               float(self.weather.get("rh_min_pct", 30.0)))
        ks_tab = np.zeros(14)
        for num, cls in prm["albini_to_ks"].items():
            ks_tab[int(num)] = wang.ks(cls)
        ks = ks_tab[np.clip(self.fuel, 0, 13)]

        def rate(theta: float) -> np.ndarray:
            along = self.slope_tan * np.cos(theta - self.upslope)
            return np.where(self.burnable, wang.directional_rate(r0, ks, speed, wind_to, theta, along), 0.0)

        head = np.max([rate(a) for a in np.linspace(-np.pi, np.pi, 16, endpoint=False)], axis=0)
        return rate, head, np.full(self.fuel.shape, np.nan)

    def rates(self, speed: float, wind_to: float):
        if self.model in ("wangzhengfei", "wang"):
            return self._wang(speed, wind_to)
        return self._rothermel(speed, wind_to)

    # -- growth ----------------------------------------------------------------
    def run(self, seeds: np.ndarray, seed_times: np.ndarray, from_t: float = 0.0) -> None:
        """(Re)compute arrival times from ``from_t`` on; cells burned before stay burned."""
        from drillsim.hazards.fire.spread import arrival_times

        keep = self.arrival <= from_t
        self.arrival[~keep] = np.inf
        self.ros[~keep] = np.nan
        self.flame[~keep] = np.nan
        seg_starts = [s[0] for s in self.wind]
        for k, (t_k, speed, wind_to) in enumerate(self.wind):
            t_end = seg_starts[k + 1] if k + 1 < len(self.wind) else self.duration
            t_end = min(t_end, self.duration)
            if t_end <= from_t:
                continue
            t_begin = max(t_k, from_t)
            rate, head, flame = self.rates(speed, wind_to)
            graph = build_graph(rate, self.burnable, self.cell)
            burned = np.nonzero(self.arrival <= t_begin)[0]
            s_idx = np.concatenate([burned, seeds[seed_times >= t_begin] if t_begin > 0 or k == 0 else seeds])
            s_t = np.concatenate([self.arrival[burned], seed_times[seed_times >= t_begin]
                                  if t_begin > 0 or k == 0 else seed_times])
            s_t = np.maximum(s_t, 0.0)
            if s_idx.size == 0:
                continue
            dist = arrival_times(graph, s_idx, s_t, limit=t_end)
            new = (dist <= t_end) & (dist < self.arrival) & ~(self.arrival <= t_begin)
            self.arrival[new] = dist[new]
            self.ros[new] = head.ravel()[new]
            self.flame[new] = flame.ravel()[new]
            self.ros[s_idx] = np.where(np.isnan(self.ros[s_idx]), head.ravel()[s_idx], self.ros[s_idx])
            self.flame[s_idx] = np.where(np.isnan(self.flame[s_idx]), flame.ravel()[s_idx],
                                         self.flame[s_idx])

    def stats(self, t: float) -> dict[str, float]:
        """Fire state at t minutes after ignition."""
        burned = (self.arrival <= t).reshape(self.ny, self.nx)
        area_ha = float(burned.sum()) * self.cell ** 2 / 1e4
        edges = (np.count_nonzero(burned[:, 1:] != burned[:, :-1])
                 + np.count_nonzero(burned[1:, :] != burned[:-1, :])
                 + burned[:, 0].sum() + burned[:, -1].sum() + burned[0, :].sum() + burned[-1, :].sum())
        recent = (self.arrival > t - UPDATE_MIN) & (self.arrival <= t)
        b = burned.ravel()
        head = self.ros[recent] if recent.any() else self.ros[b]
        fl = self.flame[b]
        return {
            "burned_area_ha": area_ha,
            "perimeter_km": float(edges) * self.cell / 1000.0,
            "max_flame_length_m": float(np.nanmax(fl)) if fl.size and np.isfinite(fl).any() else 0.0,
            "head_spread_rate_m_min": float(np.nanmax(head)) if head.size and np.isfinite(head).any() else 0.0,
        }


@register
class Wildfire(Hazard):
    type = "wildfire"

    def __init__(self, spec: dict[str, Any], ctx: HazardContext | None = None, map_data: Any = None) -> None:
        super().__init__(spec, ctx)
        self._map = map_data
        self.model: FireGrid | None = None
        self.duration = float(spec.get("duration_min", 720.0))
        self.warn_lead = float(spec.get("warn_lead_min", 60.0))
        self.suppressions: list[dict[str, float]] = []
        self.model_spec = spec
        """The spec the fire model runs on: ``spec`` itself, or with the run's drawn wind and moisture."""
        self.weather: dict[str, Any] | None = None
        if ctx is not None and weather.active(spec.get("uncertainty")):
            self._draw_weather(ctx, spec["uncertainty"])

    def _draw_weather(self, ctx: HazardContext, unc: dict[str, Any]) -> None:
        """Draw this run's wind (over the fire's duration) and dead fuel moisture around the spec's forecast.

        Streams ``weather:<id>:wind_dir``, ``weather:<id>:wind_speed`` (Ornstein-Uhlenbeck
        paths) and ``weather:<id>:fuel_moisture`` (one draw, added to d1h, d10h and d100h, no
        drier than :data:`DRIEST_DEAD_MOISTURE`);
        published sizes: docs/models-wildfire.md, "Weather uncertainty".
        """
        cfg = weather.settings(self.type, unc)
        spec = self.spec
        w = spec.get("wind")
        rows = wind_rows(w)
        height = str((w or {}).get("height", "10m")) if isinstance(w, dict) else str(spec.get("wind_height", "10m"))
        drawn = weather.draw_wind(rows, cfg, ctx.rng(weather.stream(self.id, "wind_dir")),
                                  ctx.rng(weather.stream(self.id, "wind_speed")), horizon=self.duration)
        dm = round(float(cfg.get("dead_fuel_moisture_sd", 0.0))
                   * float(ctx.rng(weather.stream(self.id, "fuel_moisture")).standard_normal()), 4)
        moisture = {**DEFAULT_MOISTURE, **(spec.get("fuel_moisture") or {})}
        for k, floor in DRIEST_DEAD_MOISTURE.items():
            base = float(moisture[k])
            moisture[k] = round(min(0.6, max(min(floor, base), base + dm)), 4)
        self.weather = {"wind": drawn, "fuel_moisture": moisture, "d_dead_moisture": dm, "uncertainty": cfg}
        self.model_spec = {**spec, "wind": [{k: r[k] for k in ("at_min", "speed_m_s", "from_deg")} for r in drawn],
                           "wind_height": height, "fuel_moisture": moisture}

    # -- model -----------------------------------------------------------------
    @property
    def t0(self) -> float:
        if self.started_at is not None:
            return float(self.started_at)
        return float(self.start_min or 0.0)

    def _map_data(self):
        if self._map is None:
            if self.ctx is not None:
                self._map = self.ctx.world.map
            else:
                from drillsim.scenario.maps import load_map

                self._map = load_map()
        return self._map

    def ensure(self) -> FireGrid:
        if self.model is None:
            m = self._map_data()
            grid = raster.working_grid(raster.map_extent(m), float(self.spec.get("grid_cell_m", 30.0)))
            elev = raster.resample(m.elevation, grid, order=1, default=0.0)
            if m.fuel is not None:
                fuel = raster.resample(m.fuel, grid, order=0, default=0.0)
            else:
                fuel = np.full(grid.shape, float(self.spec.get("fuel_model", 1)))
            breaks = raster.rasterize_polylines(grid, self.spec.get("firebreaks") or [],
                                                float(self.spec.get("firebreak_width_m", 0.0)))
            fg = FireGrid(grid, elev, fuel, self.model_spec, breaks)
            seed = raster.cells_of(grid, np.array([self.at[0]]), np.array([self.at[1]]))
            if seed[0] >= 0:
                fg.burnable.ravel()[seed[0]] = True  # an ignition always starts
                fg.run(seed, np.array([0.0]))
            self.model = fg
        return self.model

    def suppress(self, x: float, y: float, radius: float, t: float) -> None:
        """Suppression (line built, area wetted) around (x, y) from scenario minute t on.

        Cells within ``radius`` m not yet burning at t become non-burnable and the
        spread is recomputed forward from t.
        """
        fg = self.ensure()
        rel = t - self.t0
        xs, ys = fg.grid.centres()
        near = ((xs - x) ** 2 + (ys - y) ** 2 <= radius ** 2).ravel()
        near &= fg.arrival > rel
        if not near.any():
            return
        fg.burnable.ravel()[near] = False
        fg.run(np.array([], dtype=np.int64), np.array([]), from_t=max(0.0, rel))
        self.suppressions.append({"x": x, "y": y, "radius": radius, "t": t})
        if self.ctx is not None:
            self.ctx.emit("wildfire.suppressed", id=self.id, at=[x, y], radius_m=radius, cells=int(near.sum()))

    def build_line(self, x: float, y: float, length_m: float, t: float) -> float:
        """Fireline of ``length_m`` along the fire's edge nearest (x, y), from minute t on.

        The line is the unburned cells touching burned ones (a one-cell strip hugging
        the edge) within length/2 of the point: that stretch of edge can no longer
        advance, the rest of the fire still can. Returns the metres actually built.
        """
        fg = self.ensure()
        rel = t - self.t0
        burned = (fg.arrival <= rel).reshape(fg.ny, fg.nx)
        edge = np.zeros_like(burned)
        edge[1:, :] |= burned[:-1, :]
        edge[:-1, :] |= burned[1:, :]
        edge[:, 1:] |= burned[:, :-1]
        edge[:, :-1] |= burned[:, 1:]
        edge &= ~burned & fg.burnable
        xs, ys = fg.grid.centres()
        edge &= (xs - x) ** 2 + (ys - y) ** 2 <= (length_m / 2.0) ** 2
        if not edge.any():
            return 0.0
        fg.burnable[edge] = False
        fg.run(np.array([], dtype=np.int64), np.array([]), from_t=max(0.0, rel))
        built = float(edge.sum()) * fg.cell
        self.suppressions.append({"x": x, "y": y, "line_m": built, "t": t})
        if self.ctx is not None:
            self.ctx.emit("wildfire.line", id=self.id, at=[round(x, 1), round(y, 1)], line_m=round(built, 1),
                          cells=int(edge.sum()))
        return built

    def front_near(self, x: float, y: float, t: float) -> tuple[float, float] | None:
        """The burning-edge cell nearest to (x, y) at scenario minute t (None if nothing burns).

        Burning edge: cells reached in the last update interval, or burned cells next to
        cells the fire will still reach.
        """
        fg = self.ensure()
        rel = t - self.t0
        active = (fg.arrival > rel - UPDATE_MIN) & (fg.arrival <= rel)
        if not active.any():
            burned = fg.arrival <= rel
            if not burned.any() or self.contained(t):
                return None
            active = burned
        xs, ys = fg.grid.centres()
        ax, ay = xs.ravel()[active], ys.ravel()[active]
        k = int(np.argmin((ax - x) ** 2 + (ay - y) ** 2))
        return float(ax[k]), float(ay[k])

    def contained(self, t: float) -> bool:
        """True once the fire can reach no new cell (all finite arrival times are past)."""
        fg = self.ensure()
        rel = t - self.t0
        finite = np.isfinite(fg.arrival)
        return bool(finite.any()) and bool((fg.arrival[finite] <= rel).all())

    @property
    def name(self) -> dict[str, str]:
        n = self.spec.get("name", self.id)
        return n if isinstance(n, dict) else {"zh": str(n), "en": str(n)}

    # -- simulation ------------------------------------------------------------
    def process(self) -> Generator:
        assert self.ctx is not None
        ctx, world = self.ctx, self.ctx.world
        fg = self.ensure()
        net = world.net
        road_cells = np.stack([raster.cells_of(fg.grid, net.mid_x, net.mid_y),
                               raster.cells_of(fg.grid, net.x[net.u], net.y[net.u]),
                               raster.cells_of(fg.grid, net.x[net.v], net.y[net.v])])
        communities = [p for p in world.places.values() if p.kind in ("community", "shelter")]
        r_place = float(self.spec.get("place_radius_m", 150.0))
        xs, ys = fg.grid.centres()
        place_cells = {p.id: np.nonzero(((xs - p.at[0]) ** 2 + (ys - p.at[1]) ** 2 <= max(
            r_place, fg.cell) ** 2).ravel())[0] for p in communities}
        closed: set[int] = set()
        warned: set[str] = set()
        ctx.emit("wildfire.ignition", id=self.id, at=list(self.at), model=fg.model)
        if self.weather is not None:
            ctx.emit("hazard.weather", id=self.id, hazard=self.type, wind=self.weather["wind"],
                     fuel_moisture=self.weather["fuel_moisture"], d_dead_moisture=self.weather["d_dead_moisture"],
                     uncertainty=self.weather["uncertainty"])
        # crews are needed on the fire line (扑火): one suppression task for the whole fire
        ctx.incident(f"{self.id}-suppress", {"zh": f"{self.name['zh']} 扑救", "en": f"Fight {self.name['en']}"},
                     self.at, needs={"suppress": {"hazard": self.id}}, priority=1, cause=self.id)
        contained_reported = False
        while True:
            rel = ctx.env.now - self.t0
            arr = np.where(road_cells >= 0, fg.arrival[np.maximum(road_cells, 0)], np.inf).min(axis=0)
            newly = [r for r in np.nonzero(arr <= rel)[0] if r not in closed]
            if newly:
                world.set_roads(newly, "closed", cause="wildfire")
                closed.update(int(r) for r in newly)
            for p in communities:
                cells = place_cells[p.id]
                if cells.size == 0:
                    continue
                a = float(fg.arrival[cells].min())
                if a <= rel:
                    world.set_flag(p.id, "wildfire", "burning")
                elif a - rel <= self.warn_lead:
                    world.set_flag(p.id, "wildfire", "threatened")
                if a - rel <= self.warn_lead and p.id not in warned and p.kind == "community":
                    warned.add(p.id)
                    ctx.incident(f"{self.id}-evac-{p.id}", {"zh": f"{p.name['zh']} 林火威胁转移",
                                                            "en": f"Wildfire threat: evacuate {p.name['en']}"},
                                 p.at, needs={"evacuate": p.id}, priority=1, cause=self.id, place=p.id)
            ctx.emit("wildfire.update", id=self.id, **fg.stats(rel))
            if not contained_reported and self.contained(ctx.env.now):
                contained_reported = True
                ctx.emit("wildfire.contained", id=self.id, burned_area_ha=fg.stats(rel).get("burned_area_ha"))
            if rel >= self.duration:
                break
            yield ctx.env.timeout(min(UPDATE_MIN, self.duration - rel))

    # -- queries ---------------------------------------------------------------
    def fields(self, x: float, y: float, t: float) -> dict[str, Any]:
        fg = self.ensure()
        ij = fg.grid.index(x, y)
        out: dict[str, Any] = {"arrival_min": None, "spread_rate_m_min": None, "flame_length_m": None}
        if ij is None:
            return out
        k = ij[0] * fg.nx + ij[1]
        a = fg.arrival[k]
        if np.isfinite(a) and a + self.t0 <= t:
            out["arrival_min"] = float(a + self.t0)
            out["spread_rate_m_min"] = None if np.isnan(fg.ros[k]) else float(fg.ros[k])
            out["flame_length_m"] = None if np.isnan(fg.flame[k]) else float(fg.flame[k])
        return out

    def overlay(self, t: float, max_side: int = 200) -> dict[str, Any]:
        fg = self.ensure()
        step = max(1, int(np.ceil(max(fg.ny, fg.nx) / max_side)))
        a = fg.arrival.reshape(fg.ny, fg.nx)[::step, ::step] + self.t0
        rows = [[(round(float(v), 1) if v <= t else None) for v in row] for row in a]
        span = max(0.0, t - self.t0)
        levels = [self.t0 + v for v in np.arange(60.0, span + 1e-9, 60.0)] if span >= 60 else [t]
        return {"kind": "isochrones", "x0": fg.grid.x0, "y0": fg.grid.y0, "cell": fg.cell * step,
                "arrival_min": rows, "levels": [float(v) for v in levels]}

    def summary(self, t: float) -> dict[str, Any]:
        base = super().summary(t)
        if self.model is not None:
            base.update(self.model.stats(t - self.t0))
        if self.weather is not None:
            now = next(r for r in reversed(self.weather["wind"]) if r["at_min"] <= max(0.0, t - self.t0))
            base["wind"] = {"from_deg": now["from_deg"], "speed_m_s": now["speed_m_s"]}
        return base
