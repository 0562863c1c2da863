"""Map snapshots at the drill's key moments, drawn with matplotlib (no Qt).

What is on the map at minute t comes from the archive alone: units, incidents,
shelters and road states from :meth:`Archive.state_at` (snapshot + events), the
static map (roads by class, places) from the archived scenario. Hazard footprints
are the hazards' own ``overlay(t)`` (earthquake intensity, plume AEGL zones, flood
depth, fire isochrones), rebuilt from the scenario with the start times, shocks
and suppression the archive recorded (:func:`rebuild_hazards`).

Key moments (:func:`key_moments`): the first hazard, each inject sent, the first
time the open-incident count peaked, and the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from drillsim.exercise.wording import HAZARDS, ROAD_STATUS, UNIT_STATUS
from drillsim.hazards.overlay_style import overlay_rgba

MAX_MOMENTS = 8
ROAD_CLASS_STYLE = {  # class: (colour, width pt) on white paper; major roads darker and wider
    "expressway": ("#6d4c41", 1.6), "arterial": ("#8d6e63", 1.1), "collector": ("#a1887f", 0.8),
    "local": ("#bcaaa4", 0.5), "rural": ("#c2b28f", 0.6), "track": ("#cfc4b5", 0.4),
}
ROAD_STATUS_COLORS = {"damaged": "#ff5f00", "closed": "#d50000", "flooded": "#0277bd", "contaminated": "#8e24aa"}
UNIT_STATUS_COLORS = {"idle": "#90a4ae", "enroute": "#1565c0", "working": "#ef6c00", "transporting": "#6a1b9a",
                      "returning": "#00897b", "stuck": "#000000", "recalled": "#546e7a"}


@dataclass
class Moment:
    t: float
    kind: str  # "hazard" | "inject" | "peak" | "end"
    ref: str = ""  # inject id, hazard id


@dataclass
class Snapshot:
    """Everything one map draws, computed once (the HTML and the PDF draw it twice)."""

    moment: Moment
    roads_not_open: dict[str, str]
    units: list[dict[str, Any]]
    incidents: list[dict[str, Any]]
    shelters: dict[str, dict[str, Any]]
    hazards: list[tuple[str, np.ndarray, tuple[float, float, float, float]]] = field(default_factory=list)


def key_moments(f: Any) -> list[Moment]:
    """First hazard, each inject sent, the first peak of open incidents, the end; at most MAX_MOMENTS."""
    out: list[Moment] = []
    starts = [h for h in f.hazard_events if h["type"] == "hazard.started"]
    if starts:
        out.append(Moment(starts[0]["t"], "hazard", str(starts[0]["data"].get("id", ""))))
    injects = [Moment(i["sent"], "inject", i["id"]) for i in f.injects if i["sent"] is not None]
    s = f.series["open_incidents"]
    peak = None
    if s.peak > 0:
        peak = Moment(next(t for t, v in zip(s.t, s.v, strict=True) if v == s.peak), "peak")
    end = Moment(f.duration, "end")
    room = MAX_MOMENTS - len(out) - (peak is not None) - 1
    if len(injects) > room:  # keep an even spread of injects
        idx = np.unique(np.linspace(0, len(injects) - 1, max(room, 0)).round().astype(int)) if room > 0 else []
        injects = [injects[i] for i in idx]
    out += injects
    if peak is not None:
        out.append(peak)
    out.append(end)
    out.sort(key=lambda m: m.t)
    dedup: list[Moment] = []
    for m in out:  # same minute twice: keep the first (hazard before inject before peak before end)
        if dedup and abs(dedup[-1].t - m.t) < 1e-6 and m.kind != "end":
            continue
        if dedup and abs(dedup[-1].t - m.t) < 1e-6 and m.kind == "end":
            dedup[-1] = m
            continue
        dedup.append(m)
    return dedup


def rebuild_hazards(archive: Any, sim: Any) -> tuple[dict[str, Any], str]:
    """The drill's hazard objects as they were: start times, shocks and suppression from the archive.

    Earthquake, chemical and flood overlays are pure functions of the scenario, the seed
    (the weather a hazard with an ``uncertainty`` block drew: ``sim`` is built with the
    archive's seed), the start time (and the shocks) and t. A fire's spread depends on the fire lines crews built, so
    a fire with suppression in the archive is taken from a deterministic re-run of the
    archived inputs (``drillsim.record.rerun``); cells burned by t never change after t, so
    the re-run's final fire gives the exact burned area at every earlier t. Returns the
    hazards by id and how the fire was rebuilt ("" when no re-run was needed).
    """
    starts: dict[str, float] = {}
    shocks: dict[str, list[dict[str, Any]]] = {}
    suppressed: set[str] = set()
    for ev in archive.events(types="hazard.started"):
        starts.setdefault(str(ev.data.get("id")), ev.t)
    for ev in archive.events(types="earthquake."):
        if ev.type in ("earthquake.mainshock", "earthquake.aftershock") and ev.data.get("at"):
            shocks.setdefault(str(ev.data.get("id")), []).append(
                {"t": ev.t, "at": tuple(float(v) for v in ev.data["at"]), "magnitude": float(ev.data["magnitude"])})
    for ev in archive.events(types="wildfire."):
        if ev.type in ("wildfire.line", "wildfire.suppressed"):
            suppressed.add(str(ev.data.get("id")))
    how = ""
    hazards = dict(sim.hazards)
    if any(h.type == "wildfire" and hid in suppressed for hid, h in hazards.items()):
        from drillsim.record.rerun import rerun

        session = rerun(archive)
        hazards = dict(session.sim.hazards)
        how = "rerun"
    for hid, h in hazards.items():
        if hid in starts:
            h.started, h.started_at = True, starts[hid]
        else:
            h.started, h.started_at = False, None
        if h.type == "earthquake" and shocks.get(hid):
            h.shocks = shocks[hid]
    return hazards, how


class MapData:
    """Static map (roads, places) and hazards of an archived drill; None-safe where the scenario is missing."""

    def __init__(self, archive: Any) -> None:
        from drillsim.record.rerun import scenario_of
        from drillsim.response.simulation import Simulation

        self.archive = archive
        sc = scenario_of(archive)
        self.sim = Simulation(sc, seed=archive.meta.get("seed"))
        self.net = self.sim.world.net
        self.places = self.sim.world.places
        self.bounds = tuple(float(v) for v in self.sim.world.map.bounds)
        self.hazards, self.hazard_source = rebuild_hazards(archive, self.sim)

    def exposed_series(self, duration: float, n: int = 40) -> Any:
        """People living in communities inside a hazard footprint, sampled ``n`` times over the drill.

        Inside means, at the community's point: intensity VI or more (GB/T 17742-2020: VI is where
        damage to buildings begins), the plume's AEGL-2 zone or worse, water deeper than 0.15 m,
        or burned ground. Population from the map's communities.
        """
        from drillsim.report.facts import Series

        comms = [p for p in self.places.values() if p.kind == "community" and p.population > 0]
        out = Series()
        if not comms:
            return out.close(duration)
        cx = np.array([p.at[0] for p in comms])
        cy = np.array([p.at[1] for p in comms])
        pop = np.array([p.population for p in comms], dtype=float)
        for t in np.linspace(0.0, duration, n):
            hit = np.zeros(len(comms), dtype=bool)
            for h in self.hazards.values():
                if not h.started or h.started_at is None or t < h.started_at:
                    continue
                try:
                    ov = h.overlay(float(t))
                except Exception:  # noqa: BLE001 - a hazard that cannot report counts nobody
                    continue
                hit |= _inside(ov, cx, cy, float(t))
            out.set(float(t), float(pop[hit].sum()))
        return out.close(duration)

    def place_xy(self, pid: Any) -> tuple[float, float] | None:
        p = self.places.get(str(pid)) if pid is not None else None
        return (float(p.at[0]), float(p.at[1])) if p is not None else None

    def snapshot(self, m: Moment) -> Snapshot:
        st = self.archive.state_at(m.t)
        incidents = []
        for inc in st["incidents"]:
            xy = tuple(inc["at"]) if inc.get("at") else self.place_xy(inc.get("place"))
            if xy is not None:
                incidents.append({**inc, "xy": xy})
        snap = Snapshot(m, dict(st["roads_not_open"]), [u for u in st["units"] if u["x"] is not None], incidents,
                        st["shelters"])
        for hid, h in self.hazards.items():
            if not h.started or h.started_at is None or m.t < h.started_at:
                continue
            try:
                ov = h.overlay(m.t)
            except Exception:  # noqa: BLE001 - a hazard that cannot draw leaves the map without it
                continue
            res = overlay_rgba(ov, m.t) if ov else None
            if res is None:
                continue
            _, rgba = res
            if not rgba[..., 3].any():
                continue
            cell = float(ov["cell"])
            ny, nx = rgba.shape[:2]
            x0, y0 = float(ov["x0"]), float(ov["y0"])
            snap.hazards.append((hid, rgba, (x0, x0 + nx * cell, y0, y0 + ny * cell)))
        return snap

    def extent(self, snaps: list[Snapshot]) -> tuple[float, float, float, float]:
        """One frame for every snapshot: where things happened (incidents, hazards, busy units, used
        shelters, roads not open), with a margin, inside the map; the whole map if nothing happened."""
        xs: list[float] = []
        ys: list[float] = []
        for s in snaps:
            for inc in s.incidents:
                xs.append(inc["xy"][0])
                ys.append(inc["xy"][1])
            for u in s.units:
                if u["status"] != "idle":
                    xs.append(u["x"])
                    ys.append(u["y"])
            for sid, sh in s.shelters.items():
                xy = self.place_xy(sid)
                if xy and sh.get("occupancy"):
                    xs.append(xy[0])
                    ys.append(xy[1])
            for rid in s.roads_not_open:
                i = self.net.road_index.get(rid)
                if i is not None:
                    xs.append(float(self.net.mid_x[i]))
                    ys.append(float(self.net.mid_y[i]))
            for _, rgba, (x0, x1, y0, y1) in s.hazards:
                rows, cols = np.nonzero(rgba[..., 3])
                ny, nx = rgba.shape[:2]
                xs += [x0 + (x1 - x0) * cols.min() / nx, x0 + (x1 - x0) * (cols.max() + 1) / nx]
                ys += [y0 + (y1 - y0) * rows.min() / ny, y0 + (y1 - y0) * (rows.max() + 1) / ny]
        bx0, by0, bx1, by1 = self.bounds
        if not xs:
            return bx0, bx1, by0, by1
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        side = max(x1 - x0, y1 - y0, 2000.0) * 1.2
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        w, h = side * 4 / 3, side  # the figure is 4:3
        x0, x1 = max(bx0, cx - w / 2), min(bx1, cx + w / 2)
        y0, y1 = max(by0, cy - h / 2), min(by1, cy + h / 2)
        return x0, x1, y0, y1

    # ------------------------------------------------------------------ drawing
    def _roads_patch(self, idx: np.ndarray, color: str, lw: float, z: int, ls: str = "-") -> Any:
        """Roads ``idx`` as one path (one PDF path per class instead of thousands of segments)."""
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path

        net = self.net
        verts = np.empty((2 * idx.size, 2))
        verts[0::2, 0], verts[0::2, 1] = net.x[net.u[idx]], net.y[net.u[idx]]
        verts[1::2, 0], verts[1::2, 1] = net.x[net.v[idx]], net.y[net.v[idx]]
        codes = np.tile([Path.MOVETO, Path.LINETO], idx.size)
        return PathPatch(Path(verts, codes), fill=False, edgecolor=color, lw=lw, ls=ls, zorder=z, capstyle="round")

    def draw(self, ax: Any, s: Snapshot, extent: tuple[float, float, float, float], L: Any) -> None:
        from matplotlib.lines import Line2D

        net = self.net
        for ci, cname in enumerate(net.class_names):
            idx = np.nonzero(net.road_class == ci)[0]
            if idx.size:
                col, lw = ROAD_CLASS_STYLE.get(cname, ("#bdbdbd", 0.5))
                ax.add_artist(self._roads_patch(idx, col, lw, 1))
        for _, rgba, ext in s.hazards:
            ax.imshow(rgba, origin="lower", extent=ext, interpolation="nearest", zorder=2, alpha=0.85)
        handles: list[Any] = []
        by_status: dict[str, list[int]] = {}
        for rid, status in s.roads_not_open.items():
            i = net.road_index.get(rid)
            if i is not None:
                by_status.setdefault(status, []).append(i)
        for status, idx in sorted(by_status.items()):
            col = ROAD_STATUS_COLORS.get(status, "#d50000")
            ax.add_artist(self._roads_patch(np.array(idx), col, 2.2, 3, "--" if status == "damaged" else "-"))
            handles.append(Line2D([], [], color=col, lw=2, label=L.t(f"道路{L.lab(ROAD_STATUS, status)}",
                                                                     f"road {L.lab(ROAD_STATUS, status)}")))
        for kind, marker, col, zh, en in (("hospital", "P", "#d32f2f", "医院", "hospital"),
                                          ("depot", "s", "#6d4c41", "物资储备库", "depot")):
            pts = [p.at for p in self.places.values() if p.kind == kind]
            if pts:
                a = np.array(pts)
                ax.scatter(a[:, 0], a[:, 1], marker=marker, s=22, c=col, edgecolors="white", linewidths=0.5, zorder=4)
                handles.append(Line2D([], [], ls="", marker=marker, color=col, label=L.t(zh, en)))
        sh_open = [(self.place_xy(sid), sh) for sid, sh in s.shelters.items() if sh.get("open") and self.place_xy(sid)]
        sh_closed = [self.place_xy(sid) for sid, sh in s.shelters.items() if not sh.get("open") and self.place_xy(sid)]
        if sh_closed:
            a = np.array(sh_closed)
            ax.scatter(a[:, 0], a[:, 1], marker="^", s=26, facecolors="none", edgecolors="#2e7d32", linewidths=0.8,
                       zorder=4)
        if sh_open:
            a = np.array([xy for xy, _ in sh_open])
            occ = np.array([sh.get("occupancy", 0) for _, sh in sh_open], dtype=float)
            ax.scatter(a[:, 0], a[:, 1], marker="^", s=30 + 90 * np.sqrt(occ / max(occ.max(), 1.0)), c="#2e7d32",
                       edgecolors="white", linewidths=0.5, zorder=5)
            for (xy, sh) in sh_open:
                if sh.get("occupancy"):
                    ax.annotate(f"{sh['occupancy']:,}", xy, xytext=(4, 4), textcoords="offset points", fontsize=6,
                                color="#1b5e20", zorder=7, clip_on=True)
        if sh_open or sh_closed:
            handles.append(Line2D([], [], ls="", marker="^", color="#2e7d32",
                                  label=L.t("避难场所（实心开放，数字为安置人数）", "shelter (filled: open; number: people)")))
        open_inc = [i for i in s.incidents if i.get("resolved") is None]
        done_inc = [i for i in s.incidents if i.get("resolved") is not None]
        if done_inc:
            a = np.array([i["xy"] for i in done_inc])
            ax.scatter(a[:, 0], a[:, 1], marker="x", s=22, c="#9e9e9e", linewidths=1.0, zorder=5)
            handles.append(Line2D([], [], ls="", marker="x", color="#9e9e9e", label=L.t("已处置事件", "resolved incident")))
        if open_inc:
            a = np.array([i["xy"] for i in open_inc])
            reached = np.array([i.get("first_response") is not None for i in open_inc])
            ax.scatter(a[:, 0], a[:, 1], marker="X", s=60, c=np.where(reached, "#ff6d00", "#d50000"), edgecolors="white",
                       linewidths=0.6, zorder=6)
            handles.append(Line2D([], [], ls="", marker="X", color="#d50000", label=L.t("未处置事件（红：无力量到达）",
                                                                                        "open incident (red: not reached)")))
        for status in UNIT_STATUS_COLORS:
            pts = [(u["x"], u["y"]) for u in s.units if u["status"] == status]
            if not pts:
                continue
            a = np.array(pts)
            ax.scatter(a[:, 0], a[:, 1], marker="o", s=10 if status == "idle" else 16, c=UNIT_STATUS_COLORS[status],
                       edgecolors="white", linewidths=0.3, zorder=6 if status != "idle" else 4)
            handles.append(Line2D([], [], ls="", marker="o", ms=4, color=UNIT_STATUS_COLORS[status],
                                  label=L.t(f"队伍·{L.lab(UNIT_STATUS, status)}", f"unit {L.lab(UNIT_STATUS, status)}")))
        x0, x1, y0, y1 = extent
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#fafafa")
        _scale_bar(ax, extent)
        if handles:
            ax.legend(handles=handles, fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
                      framealpha=0.9)


EXPOSED_AT = {"intensity": 6.0, "aegl_zone": 2.0, "depth_m": 0.15}


def _inside(ov: dict[str, Any], x: np.ndarray, y: np.ndarray, t: float) -> np.ndarray:
    """Which points (x, y) an overlay grid puts inside the hazard (thresholds :data:`EXPOSED_AT`)."""
    kind = ov.get("kind")
    grid = ov.get("values") if kind == "grid" else ov.get("arrival_min") if kind == "isochrones" else None
    if grid is None:
        return np.zeros(len(x), dtype=bool)
    v = np.array(grid, dtype=float)
    if v.ndim != 2 or v.size == 0:
        return np.zeros(len(x), dtype=bool)
    cell = float(ov["cell"])
    j = np.floor((x - float(ov["x0"])) / cell).astype(int)
    i = np.floor((y - float(ov["y0"])) / cell).astype(int)
    ok = (i >= 0) & (i < v.shape[0]) & (j >= 0) & (j < v.shape[1])
    val = np.full(len(x), np.nan)
    val[ok] = v[i[ok], j[ok]]
    with np.errstate(invalid="ignore"):
        if kind == "isochrones":
            return np.isfinite(val) & (val <= t)
        limit = EXPOSED_AT.get(str(ov.get("field")))
        return np.isfinite(val) & (val >= limit) if limit is not None else np.zeros(len(x), dtype=bool)


def _scale_bar(ax: Any, extent: tuple[float, float, float, float]) -> None:
    x0, x1, y0, y1 = extent
    span = (x1 - x0) / 5
    mag = 10 ** np.floor(np.log10(span))
    length = max(v * mag for v in (1, 2, 5) if v * mag <= span)
    bx, by = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    ax.plot([bx, bx + length], [by, by], color="#212121", lw=2, zorder=8, solid_capstyle="butt")
    ax.text(bx + length / 2, by + (y1 - y0) * 0.015, f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m",
            ha="center", va="bottom", fontsize=6, zorder=8)


def moment_title(m: Moment, f: Any, L: Any) -> str:
    what = {"hazard": L.t(f"{L.hazard(m.ref)}开始", f"{L.hazard(m.ref)} starts"),
            "inject": L.t(f"情况导入 {m.ref} 下发", f"inject {m.ref} sent"),
            "peak": L.t("未处置事件数达到峰值", "open incidents at their peak"),
            "end": L.t("演练结束", "end of the drill")}[m.kind]
    return f"{L.minute(m.t)} · {what}"


def moment_caption(s: Snapshot, f: Any, L: Any, md: MapData) -> str:
    open_inc = [i for i in s.incidents if i.get("resolved") is None]
    unreached = sum(1 for i in open_inc if i.get("first_response") is None)
    busy = sum(1 for u in s.units if u["status"] != "idle")
    sheltered = sum(int(sh.get("occupancy") or 0) for sh in s.shelters.values())
    n_open_sh = sum(1 for sh in s.shelters.values() if sh.get("open"))
    roads: dict[str, int] = {}
    for st in s.roads_not_open.values():
        roads[st] = roads.get(st, 0) + 1
    road_txt = L.t("、", ", ").join(f"{L.lab(ROAD_STATUS, k)} {v}" for k, v in sorted(roads.items())) or L.t("无", "none")
    hz = L.t("、", ", ").join(L.t(f"{L.hazard(hid)}（{L.lab(HAZARDS, md.hazards[hid].type)}）",
                                   f"{L.hazard(hid)} ({L.lab(HAZARDS, md.hazards[hid].type)})") for hid, _, _ in s.hazards) \
        or L.t("无", "none")
    text = L.t(f"未处置事件 {len(open_inc)} 起（无力量到达 {unreached} 起）；执行任务的队伍 {busy}/{len(s.units)} 支；"
               f"开放避难场所 {n_open_sh} 处，安置 {sheltered:,} 人；未通行道路：{road_txt}；图中灾害范围：{hz}。",
               f"{L.count(len(open_inc), '', 'open incident')} ({unreached} not reached); {busy} of {len(s.units)} units busy; "
               f"{L.count(n_open_sh, '', 'shelter')} open with {sheltered:,} people; roads not open: {road_txt}; "
               f"hazard footprints: {hz}.")
    if s.moment.kind == "inject":
        inj = next((i for i in f.injects if i["id"] == s.moment.ref), None)
        if inj is not None and L.text(inj.get("message")):
            text = L.t(f"情况导入：{L.text(inj['message'])}　", f"Inject: {L.text(inj['message'])} ") + text
    return text


def open_map(archive: Any) -> tuple[MapData | None, str]:
    """The archive's map, or None and why not (no scenario text, map files missing)."""
    from drillsim.core.errors import InputError

    try:
        return MapData(archive), ""
    except InputError as e:
        return None, e.problems[0].message if getattr(e, "problems", None) else str(e)


def map_specs(md: MapData, f: Any, L: Any) -> tuple[dict[str, Any], list[str], str]:
    """Chart specs of the key-moment maps (key -> ChartSpec), their captions in order, and a note on
    how the hazards were rebuilt."""
    from drillsim.report.charts import ChartSpec

    moments = key_moments(f)
    snaps = [md.snapshot(m) for m in moments]
    extent = md.extent(snaps)
    specs: dict[str, Any] = {}
    captions: list[str] = []
    for j, s in enumerate(snaps):
        specs[f"map_{j}"] = ChartSpec(f"map_{j}", moment_title(s.moment, f, L), "",
                                      lambda ax, s=s: md.draw(ax, s, extent, L), size=(7.6, 4.6), frame=False)
        captions.append(moment_caption(s, f, L, md))
    how = L.t("（火场由存档输入确定性重演得到）", " (the fire from a deterministic re-run of the archived inputs)") \
        if md.hazard_source == "rerun" else ""
    return specs, captions, how
