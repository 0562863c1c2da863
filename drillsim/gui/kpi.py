"""KPI dashboard: matplotlib charts (FigureCanvasQTAgg), line data updated, never re-plotted.

matplotlib is imported and the figure built only when the dashboard is first shown
(or drawn for a screenshot): samples are collected from the start, so nothing is lost,
and launching the window does not pay for matplotlib. In replay the charts show the
archived history up to the scrubbed time (:meth:`KpiPanel.set_history` + :meth:`show_until`).
"""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from drillsim.gui.common import CJK_FAMILIES, T

_MPL_READY = False


def _mpl():
    """Import matplotlib with the Qt backend and CJK fonts (once)."""
    global _MPL_READY
    import matplotlib

    if not _MPL_READY:
        matplotlib.use("QtAgg")
        from matplotlib import rcParams

        rcParams["font.sans-serif"] = [f for f in CJK_FAMILIES if f != "sans-serif"] + list(rcParams["font.sans-serif"])
        rcParams["font.family"] = "sans-serif"
        rcParams["axes.unicode_minus"] = False
        _MPL_READY = True
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

    return Figure, FigureCanvasQTAgg


def _score(k: dict[str, Any]) -> float | None:
    """The 0-100 drill score from a KPI summary (``drillsim.exercise.scoring``), if it can be scored."""
    score = k.get("score")
    if not isinstance(score, (int, float)):
        try:
            from drillsim.exercise.scoring import score as score_of

            score = score_of(k).get("score")
        except Exception:  # noqa: BLE001 - a chart must not take the window down
            score = None
    return float(score) if isinstance(score, (int, float)) else None


def kpi_values(sim) -> dict[str, float]:
    """The charted series at the current sim time."""
    k = sim.kpis.summary()
    open_inc = sum(1 for i in sim.board.incidents.values() if i.resolved is None)
    sheltered = float(sum(sim.world.occupancy.values()))
    exposure = 0.0
    for h in sim.hazards.values():
        if h.type == "chemical" and h.started:
            exposure += float(h.summary(sim.now).get("person_minutes_above_aegl2", 0.0))
    return _series(k, open_inc, sheltered, exposure)


def _series(k: dict[str, Any], open_inc: int, sheltered: float, exposure: float) -> dict[str, float]:
    """The charted values, live or replayed, from the KPI summary and what it lacks."""
    out = {"open": float(open_inc), "shelter": sheltered, "supplies": float(k.get("supplies_delivered_t") or 0.0),
           "exposure": exposure, "rescued": float(k.get("rescued") or 0)}
    score = _score(k)
    if score is not None:
        out["score"] = score
    return out


def state_kpi_values(state: dict[str, Any]) -> dict[str, float]:
    """The charted series from an archive state (``Archive.state_at(t)`` / ``ReplayState.view``)."""
    k = state.get("kpis") or {}
    open_inc = sum(1 for i in state.get("incidents", []) if i.get("resolved") is None)
    sheltered = float(sum(float(s.get("occupancy") or 0) for s in (state.get("shelters") or {}).values()))
    exposure = 0.0
    for h in state.get("hazards", []):
        for d in (h.get("last") or {}).values():
            if isinstance(d, dict) and isinstance(d.get("person_minutes_above_aegl2"), (int, float)):
                exposure = max(exposure, float(d["person_minutes_above_aegl2"]))
    return _series(k, open_inc, sheltered, exposure)


class KpiPanel(QWidget):
    SERIES = [("open", "未处置事件", "#c62828"), ("shelter", "避难场所安置人数", "#2e7d32"),
              ("supplies", "已送达物资(吨)", "#6d4c41"), ("exposure", "AEGL-2以上暴露(人·分钟)", "#7b1fa2"),
              ("rescued", "获救人数", "#1565c0"), ("score", "评分", "#ef6c00")]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiPanel")
        self.fig = None
        self.canvas = None
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        self.axes: dict[str, Any] = {}
        self.lines: dict[str, Any] = {}
        self.data: dict[str, tuple[list[float], list[float]]] = {key: ([], []) for key, _, _ in self.SERIES}
        self.history: dict[str, tuple[list[float], list[float]]] | None = None
        """Replay: the whole archived series; ``data`` holds its prefix up to the replay time."""
        self.xmax: float | None = None

    # ------------------------------------------------------------------ lazy figure
    @property
    def built(self) -> bool:
        return self.canvas is not None

    def ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        Figure, FigureCanvasQTAgg = _mpl()
        self.fig = Figure(figsize=(10, 2.4), dpi=90, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.fig)
        self._lay.addWidget(self.canvas)
        axs = self.fig.subplots(1, len(self.SERIES))
        for ax, (key, title, col) in zip(axs, self.SERIES, strict=True):
            ax.set_title(T(title), fontsize=9)
            ax.tick_params(labelsize=7)
            ax.set_xlabel(T("小时"), fontsize=7)
            ax.grid(True, alpha=0.3)
            (line,) = ax.plot([], [], color=col, lw=1.8)
            self.axes[key] = ax
            self.lines[key] = line
        self.axes["score"].text(0.5, 0.5, T("本想定无评分"), transform=self.axes["score"].transAxes,
                                ha="center", va="center", fontsize=8, color="#9e9e9e")
        self._apply()

    def showEvent(self, e) -> None:  # noqa: N802
        self.ensure_canvas()
        super().showEvent(e)
        self.redraw()

    # ------------------------------------------------------------------ data
    def reset(self) -> None:
        self.history = None
        self.xmax = None
        for key in self.data:
            self.data[key] = ([], [])
        if self.built:
            for line in self.lines.values():
                line.set_data([], [])
            self.canvas.draw_idle()

    def sample(self, sim) -> None:
        self._add(sim.now, kpi_values(sim))

    def _add(self, t_min: float, vals: dict[str, float], into: dict | None = None) -> None:
        data = self.data if into is None else into
        t = t_min / 60.0
        for key, v in vals.items():
            xs, ys = data[key]
            if xs and abs(xs[-1] - t) < 1e-9:
                ys[-1] = v
            else:
                xs.append(t)
                ys.append(v)

    def set_history(self, samples: list[tuple[float, dict[str, float]]], duration_min: float) -> None:
        """Replay: the archived series ((t_min, values) in time order); then :meth:`show_until`."""
        self.reset()
        hist: dict[str, tuple[list[float], list[float]]] = {key: ([], []) for key in self.data}
        for t, vals in samples:
            self._add(t, vals, into=hist)
        self.history = hist
        self.xmax = max(duration_min / 60.0, 1e-3)

    def show_until(self, t_min: float) -> None:
        """Replay: show the archived series up to ``t_min`` (backward scrubs shorten the lines)."""
        if self.history is None:
            return
        t = t_min / 60.0
        for key, (xs, ys) in self.history.items():
            n = bisect.bisect_right(xs, t + 1e-9)
            self.data[key] = (xs[:n], ys[:n])
        self.redraw()

    # ------------------------------------------------------------------ drawing
    def _apply(self) -> None:
        for key, (xs, ys) in self.data.items():
            line = self.lines[key]
            line.set_data(xs, ys)
            ax = self.axes[key]
            if not xs:
                continue
            ax.relim()
            ax.autoscale_view()
            top = max(ys)
            if min(ys) >= 0:  # counts: from zero, and a flat zero line sits at the bottom
                ax.set_ylim(0, 100 if key == "score" else max(1.0, top * 1.08))
            if self.xmax is not None:
                ax.set_xlim(0, self.xmax)
            if key == "score" and ax.texts:
                ax.texts[0].set_visible(False)

    def redraw(self) -> None:
        if not self.built or not self.isVisible():
            return
        self._apply()
        self.canvas.draw_idle()

    def draw_now(self) -> None:
        self.ensure_canvas()
        self._apply()
        self.canvas.draw()
