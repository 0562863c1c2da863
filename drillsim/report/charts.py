"""Report charts (matplotlib, Agg, no pyplot): step curves over sim minutes, from events.

Chinese needs a CJK font: :func:`rc` puts Noto Sans CJK SC / WenQuanYi Micro
Hei first and :func:`cjk_font` says which font file will draw Chinese (None if none
can, and the report warns).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from drillsim.exercise.wording import SUPPLY_CAUSES, tier_stock

CJK_FONTS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans"]
PALETTE = ["#c0392b", "#2471a3", "#229954", "#b9770e", "#7d3c98"]


def rc() -> dict[str, Any]:
    """rcParams for report drawing (used in ``matplotlib.rc_context``, so the app's settings stay untouched)."""
    return {"font.family": "sans-serif",
            "font.sans-serif": CJK_FONTS + [f for f in matplotlib.rcParams["font.sans-serif"] if f not in CJK_FONTS],
            "axes.unicode_minus": False,
            "pdf.fonttype": 3}  # Type 3 subsets: text still extracts (ToUnicode); 42 takes ~10 s to subset Noto CJK


@cache
def cjk_font() -> str | None:
    """Path of the first configured font that has Chinese glyphs, or None."""
    from matplotlib.ft2font import FT2Font

    for fam in CJK_FONTS:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=fam), fallback_to_default=False)
        except ValueError:
            continue
        try:
            if FT2Font(path).get_char_index(ord("演")):
                return path
        except (OSError, RuntimeError):
            continue
    return None


@dataclass
class ChartSpec:
    key: str
    title: str
    caption: str
    draw: Callable[[Any], None]  # draws on an Axes
    size: tuple[float, float] = (7.2, 3.0)  # inches
    frame: bool = True  # grid and open top/right spines (a chart); False for a map

    def style(self, ax: Any, title_size: float = 11) -> None:
        ax.set_title(self.title, fontsize=title_size)
        if self.frame:
            ax.grid(True, alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)

    def figure(self) -> Figure:
        """The chart on its own figure; call inside ``matplotlib.rc_context(rc())``."""
        fig = Figure(figsize=self.size, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        self.draw(ax)
        self.style(ax)
        return fig

    def png_base64(self, dpi: int = 110) -> str:
        buf = io.BytesIO()
        with matplotlib.rc_context(rc()):
            self.figure().savefig(buf, format="png", dpi=dpi)
        return base64.b64encode(buf.getvalue()).decode("ascii")


def _step(ax: Any, s: Any, label: str, color: str, scale: float = 1.0, **kw: Any) -> None:
    ax.step(s.t, [v * scale for v in s.v], where="post", label=label, color=color, **{"lw": 1.8, **kw})


def chart_specs(f: Any, L: Any) -> dict[str, ChartSpec]:
    """Charts the data supports, keyed: open_incidents, people, supplies, exposure, units."""
    xl = L.t("演练时间（分钟）", "Sim time (min)")
    S = f.series
    out: dict[str, ChartSpec] = {}

    def frame(ax: Any, ylabel: str) -> None:
        ax.set_xlabel(xl)
        ax.set_ylabel(ylabel)
        ax.set_xlim(0, max(f.duration, 1.0))
        ax.set_ylim(bottom=0)

    def incidents(ax: Any) -> None:
        _step(ax, S["open_incidents"], L.t("未处置完毕的事件", "Open incidents"), PALETTE[0])
        frame(ax, L.t("起", "incidents"))
        ax.yaxis.get_major_locator().set_params(integer=True)

    out["open_incidents"] = ChartSpec("open_incidents", L.t("未处置完毕的事件数", "Open incidents over time"),
                                      L.t(f"共 {len(f.incidents)} 起事件，最多同时 {S['open_incidents'].peak:g} 起未处置完毕，"
                                          f"结束时 {S['open_incidents'].last:g} 起。",
                                          f"{len(f.incidents)} incidents; at most {S['open_incidents'].peak:g} open at once, "
                                          f"{S['open_incidents'].last:g} open at the end."), incidents)

    def people(ax: Any) -> None:
        # shelters drawn wide and pale underneath: evacuees usually go to shelters, so the curves overlap
        _step(ax, S["sheltered"], L.t("避难场所内人数", "In shelters"), PALETTE[2], lw=4.0, alpha=0.45)
        _step(ax, S["evacuated"], L.t("已转移（累计）", "Evacuated (cumulative)"), PALETTE[1], lw=1.5)
        if S["displaced"].peak > 0:
            _step(ax, S["displaced"], L.t("无家可归（累计）", "Displaced (cumulative)"), PALETTE[3])
        need = f.kpis.get("people_to_evacuate") or 0
        if need:
            ax.axhline(need, color=PALETTE[1], ls="--", lw=1, alpha=0.7, label=L.t(f"待转移 {need:,}", f"To evacuate {need:,}"))
        frame(ax, L.t("人", "people"))
        ax.legend(fontsize=8, loc="upper left")

    out["people"] = ChartSpec("people", L.t("转移安置曲线（对照待转移人数）", "Evacuation curve (against the people to evacuate)"),
                              L.t(f"已转移 {S['evacuated'].last:,.0f} 人；避难场所内最多 {S['sheltered'].peak:,.0f} 人。",
                                  f"{S['evacuated'].last:,.0f} people evacuated; at most {S['sheltered'].peak:,.0f} in shelters."),
                              people)
    if "supplies_delivered" in S:
        def supplies(ax: Any) -> None:
            _step(ax, S["supplies_requested"], L.t("需求（累计）", "Requested (cumulative)"), PALETTE[3])
            _step(ax, S["supplies_delivered"], L.t("送达（累计）", "Delivered (cumulative)"), PALETTE[2])
            frame(ax, L.t("吨", "tonnes"))
            ax.legend(fontsize=8, loc="upper left")

        out["supplies"] = ChartSpec("supplies", L.t("物资送达", "Supplies delivered"),
                                    L.t(f"需求 {S['supplies_requested'].last:,.1f} 吨，送达 {S['supplies_delivered'].last:,.1f} 吨。",
                                        f"{S['supplies_requested'].last:,.1f} t requested, {S['supplies_delivered'].last:,.1f} t delivered."),
                                    supplies)
    if "exposure" in S and S["exposure"].peak > 0:
        def exposure(ax: Any) -> None:
            _step(ax, S["exposure"], L.t("AEGL-2 以上暴露（累计）", "Above AEGL-2 (cumulative)"), PALETTE[0])
            frame(ax, L.t("人·分钟", "person-minutes"))

        out["exposure"] = ChartSpec("exposure", L.t("AEGL-2 以上暴露（人·分钟）", "Exposure above AEGL-2 (person-minutes)"),
                                    L.t(f"累计 {S['exposure'].last:,.0f} 人·分钟。", f"{S['exposure'].last:,.0f} person-minutes in all."),
                                    exposure)
    rt = f.response_times
    if rt:
        def response(ax: Any) -> None:
            import numpy as np

            bins = np.histogram_bin_edges(rt, bins=min(20, max(5, len(rt))))
            ax.hist(rt, bins=bins, color=PALETTE[1], alpha=0.8, edgecolor="white")
            mean, p90 = float(np.mean(rt)), float(np.percentile(rt, 90))
            ax.axvline(mean, color=PALETTE[0], lw=1.5, label=L.t(f"平均 {mean:.1f} 分钟", f"mean {mean:.1f} min"))
            ax.axvline(p90, color=PALETTE[3], lw=1.5, ls="--", label=L.t(f"90% 分位 {p90:.1f} 分钟", f"90th pct {p90:.1f} min"))
            ax.set_xlabel(L.t("报告至首支力量到达（分钟）", "Report to first unit on site (min)"))
            ax.set_ylabel(L.t("事件数", "incidents"))
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.legend(fontsize=8)

        out["response_times"] = ChartSpec("response_times", L.t("响应时间分布", "Response-time distribution"),
                                          L.t(f"{len(rt)} 起事件有力量到达；最短 {min(rt):.1f}、最长 {max(rt):.1f} 分钟。",
                                              f"{len(rt)} incidents reached; fastest {min(rt):.1f}, slowest {max(rt):.1f} min."),
                                          response)
    sup = f.supply or {}
    if sup.get("requested") or sup.get("loaded") or sup.get("added"):
        tiers = [k for k in ("区", "市", "县") if k in sup["stock"] or k in sup["loaded"]] + \
            [k for k in list(sup["stock"]) + list(sup["loaded"]) if k not in ("区", "市", "县")]
        tiers = list(dict.fromkeys(tiers))
        tier_name = {k: tier_stock(k, L.lang) for k in tiers}

        def supplies_tier(ax: Any) -> None:
            names = [tier_name.get(k, k) for k in tiers] + [L.lab(SUPPLY_CAUSES, c) for c in sup["added"]]
            have = [sup["stock"].get(k, 0.0) for k in tiers] + [0.0] * len(sup["added"])
            used = [sup["loaded"].get(k, 0.0) for k in tiers] + list(sup["added"].values())
            x = list(range(len(names)))
            ax.bar([i - 0.2 for i in x], have, width=0.4, color=PALETTE[1], alpha=0.6, label=L.t("开始时储备", "stock at start"))
            ax.bar([i + 0.2 for i in x], used, width=0.4, color=PALETTE[2],
                   label=L.t("调出（协议/产能为到货）", "loaded (contract/production: arrived)"))
            if sup.get("requested"):
                ax.axhline(sup["requested"], color=PALETTE[0], ls="--", lw=1.2,
                           label=L.t(f"需求合计 {sup['requested']:,.0f}", f"total need {sup['requested']:,.0f}"))
            ax.set_xticks(x, names, fontsize=8)
            ax.set_ylabel(L.t("件", "items"))
            ax.set_yscale("symlog", linthresh=10)
            ax.legend(fontsize=8)

        out["supplies_tier"] = ChartSpec("supplies_tier", L.t("分级物资储备与需求", "Supplies by tier vs need"),
                                         L.t(f"需求 {sup.get('requested', 0):,.0f} 件；调出 " + "，".join(
                                             f"{tier_name.get(k, k)} {v:,.0f}" for k, v in sup["loaded"].items()) + "。",
                                             f"{sup.get('requested', 0):,.0f} items needed; loaded " + ", ".join(
                                             f"{tier_name.get(k, k)} {v:,.0f}" for k, v in sup["loaded"].items()) + "."),
                                         supplies_tier)
    if f.exposed is not None:
        ex = f.exposed

        def exposed(ax: Any) -> None:
            ax.plot(ex.t, ex.v, color=PALETTE[0], lw=1.8, label=L.t("受影响社区人口", "people in affected communities"))
            ax.fill_between(ex.t, ex.v, color=PALETTE[0], alpha=0.15)
            frame(ax, L.t("人", "people"))

        out["exposed"] = ChartSpec("exposed", L.t("暴露人口", "People exposed"),
                                   L.t(f"居住地处于灾害范围内（烈度 VI 度以上、AEGL-2 区以上、水深 0.15 m 以上或已过火）的人口；"
                                       f"最多 {ex.peak:,.0f} 人，结束时 {ex.last:,.0f} 人。",
                                       f"People whose community lies inside the hazard (intensity VI+, AEGL-2 zone or worse, "
                                       f"water over 0.15 m, or burned); at most {ex.peak:,.0f}, {ex.last:,.0f} at the end."),
                                   exposed)
    if f.n_units:
        def units(ax: Any) -> None:
            _step(ax, S["busy_units"], L.t("执行任务的队伍占比", "Units busy"), PALETTE[4], scale=100.0 / f.n_units)
            frame(ax, "%")
            ax.set_ylim(0, 100)

        util = f.kpis.get("unit_utilisation")
        out["units"] = ChartSpec("units", L.t("队伍利用率", "Unit utilisation"),
                                 L.t(f"{f.n_units} 支队伍；最多同时 {S['busy_units'].peak:g} 支执行任务；平均利用率 {L.pct(util)}。",
                                     f"{f.n_units} units; at most {S['busy_units'].peak:g} busy at once; mean utilisation {L.pct(util)}."),
                                 units)
    return out


def compare_specs(facts: list[Any], labels: list[str], L: Any) -> dict[str, ChartSpec]:
    """The same curves of several runs on one axes each: open incidents, people evacuated, units busy."""
    xl = L.t("演练时间（分钟）", "Sim time (min)")
    dur = max(f.duration for f in facts)
    styles = ["-", "--", "-.", ":"]

    def curves(key: str, ylabel: str, percent_of_units: bool = False) -> Callable[[Any], None]:
        def draw(ax: Any) -> None:
            for j, (f, lab) in enumerate(zip(facts, labels, strict=True)):
                if key not in f.series:
                    continue
                scale = 100.0 / f.n_units if percent_of_units and f.n_units else 1.0
                _step(ax, f.series[key], lab, PALETTE[j % len(PALETTE)], scale=scale,
                      ls=styles[(j // len(PALETTE)) % len(styles)], lw=2.2 if j == 0 else 1.5)
            ax.set_xlabel(xl)
            ax.set_ylabel(ylabel)
            ax.set_xlim(0, max(dur, 1.0))
            ax.set_ylim(bottom=0)
            ax.legend(fontsize=8, loc="upper left", ncols=min(len(facts), 6))
        return draw

    def summary(key: str, fmt: Callable[[Any], str]) -> str:
        return L.t("；", "; ").join(f"{lab}: {fmt(f.series[key])}" for f, lab in zip(facts, labels, strict=True)
                                   if key in f.series)

    out = {"cmp_open": ChartSpec("cmp_open", L.t("未处置完毕的事件数（对比）", "Open incidents (runs compared)"),
                                 L.t("峰值/结束时 — ", "peak / at the end — ") + summary(
                                     "open_incidents", lambda s: f"{s.peak:g}/{s.last:g}"),
                                 curves("open_incidents", L.t("起", "incidents"))),
           "cmp_evac": ChartSpec("cmp_evac", L.t("已转移人数（累计，对比）", "People evacuated (cumulative, runs compared)"),
                                 L.t("结束时 — ", "at the end — ") + summary("evacuated", lambda s: f"{s.last:,.0f}"),
                                 curves("evacuated", L.t("人", "people")))}
    if any(f.n_units for f in facts):
        out["cmp_units"] = ChartSpec("cmp_units", L.t("执行任务的队伍占比（对比）", "Units busy (runs compared)"),
                                     L.t("最多同时执行任务 — ", "most busy at once — ") + summary(
                                         "busy_units", lambda s: f"{s.peak:g}"),
                                     curves("busy_units", "%", percent_of_units=True))
    return out
