"""KPI dashboard: live matplotlib charts (FigureCanvasQTAgg), line data updated, never re-plotted."""

from __future__ import annotations

import matplotlib

matplotlib.use("QtAgg")
from matplotlib import rcParams  # noqa: E402
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PySide6.QtWidgets import QVBoxLayout, QWidget  # noqa: E402

from drillsim.gui.common import CJK_FAMILIES, T  # noqa: E402

rcParams["font.sans-serif"] = [f for f in CJK_FAMILIES if f != "sans-serif"] + list(rcParams["font.sans-serif"])
rcParams["font.family"] = "sans-serif"
rcParams["axes.unicode_minus"] = False


def kpi_values(sim) -> dict[str, float]:
    """The charted series at the current sim time."""
    k = sim.kpis.summary()
    open_inc = sum(1 for i in sim.board.incidents.values() if i.resolved is None)
    sheltered = float(sum(sim.world.occupancy.values()))
    exposure = 0.0
    for h in sim.hazards.values():
        if h.type == "chemical" and h.started:
            exposure += float(h.summary(sim.now).get("person_minutes_above_aegl2", 0.0))
    out = {"open": float(open_inc), "shelter": sheltered, "supplies": float(k.get("supplies_delivered_t") or 0.0),
           "exposure": exposure, "rescued": float(k.get("rescued") or 0)}
    score = None
    sess = getattr(sim, "session", None)
    if sess is not None and callable(getattr(sess, "score", None)):
        try:
            score = sess.score()
        except Exception:
            score = None
    if score is None:
        score = k.get("score")
    if isinstance(score, dict):
        score = score.get("total")
    if isinstance(score, (int, float)):
        out["score"] = float(score)
    return out


class KpiPanel(QWidget):
    SERIES = [("open", "未处置事件", "#c62828"), ("shelter", "避难场所安置人数", "#2e7d32"),
              ("supplies", "已送达物资(吨)", "#6d4c41"), ("exposure", "AEGL-2以上暴露(人·分钟)", "#7b1fa2"),
              ("rescued", "获救人数", "#1565c0"), ("score", "评分", "#ef6c00")]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiPanel")
        self.fig = Figure(figsize=(10, 2.4), dpi=90, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.fig)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.canvas)
        self.axes = {}
        self.lines = {}
        self.data: dict[str, tuple[list[float], list[float]]] = {}
        axs = self.fig.subplots(1, len(self.SERIES))
        for ax, (key, title, col) in zip(axs, self.SERIES, strict=True):
            ax.set_title(T(title), fontsize=9)
            ax.tick_params(labelsize=7)
            ax.set_xlabel(T("小时"), fontsize=7)
            ax.grid(True, alpha=0.3)
            (line,) = ax.plot([], [], color=col, lw=1.8)
            self.axes[key] = ax
            self.lines[key] = line
            self.data[key] = ([], [])
        self.axes["score"].text(0.5, 0.5, T("本想定无评分"), transform=self.axes["score"].transAxes,
                                ha="center", va="center", fontsize=8, color="#9e9e9e")

    def reset(self) -> None:
        for key in self.data:
            self.data[key] = ([], [])
            self.lines[key].set_data([], [])
        self.canvas.draw_idle()

    def sample(self, sim) -> None:
        vals = kpi_values(sim)
        t = sim.now / 60.0
        for key, v in vals.items():
            xs, ys = self.data[key]
            if xs and abs(xs[-1] - t) < 1e-9:
                ys[-1] = v
            else:
                xs.append(t)
                ys.append(v)

    def redraw(self) -> None:
        for key, (xs, ys) in self.data.items():
            if not xs:
                continue
            self.lines[key].set_data(xs, ys)
            ax = self.axes[key]
            ax.relim()
            ax.autoscale_view()
            if key == "score" and ax.texts:
                ax.texts[0].set_visible(False)
        if self.isVisible():
            self.canvas.draw_idle()

    def draw_now(self) -> None:
        self.redraw()
        self.canvas.draw()
