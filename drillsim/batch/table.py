"""The terminal summary of a batch: one row per KPI, one column per variant.

KPIs are named as everywhere else (:func:`drillsim.exercise.wording.kpi_label`); the table
shows KPIs that differ between runs, and lists the ones every run shares.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from drillsim.batch.stats import Summary, VariantStats, varying
from drillsim.core.i18n import pick, tr
from drillsim.exercise.wording import kpi_label


def _num(x: float) -> str:
    if x != x:  # NaN
        return "—"
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.3g}" if abs(x) < 10 else f"{x:,.1f}"


def _pm(s: Summary) -> str:
    """``mean ±half-width`` of the 95 % interval (just the mean without an interval)."""
    half = (s.ci[1] - s.ci[0]) / 2
    if s.n < 2 or half != half:
        return _num(s.mean)
    return f"{_num(s.mean)} ±{_num(half)}" if half > 0 else _num(s.mean)


def cell(s: Summary | None, diff: Summary | None = None) -> str:
    if s is None:
        return "—"
    text = _pm(s) + f"\n{_num(s.p50)} ({_num(s.p5)}–{_num(s.p95)})"
    if s.missing:
        text += "\n" + tr(f"{s.missing} 次无值", f"{s.missing} runs n/a")
    if diff is not None and diff.n > 1:
        text += "\nΔ " + ("0" if diff.mean == 0 and diff.sd == 0 else ("+" if diff.mean > 0 else "") + _pm(diff))
        if diff.mean != 0 and (diff.ci[0] > 0 or diff.ci[1] < 0):
            text += " *"
    return text


def print_table(name: dict[str, str], stats: list[VariantStats], console: Console | None = None,
                short: dict[int, str] | None = None) -> None:
    """``short``: column headings by variant index (the full labels are listed under the table)."""
    console = console or Console()
    keys = varying(stats)
    if "score" not in keys and any("score" in vs.kpis for vs in stats):
        keys.insert(0, "score")
    table = Table(title=f"{pick(name)} — {tr('批量评估', 'batch evaluation')}", show_lines=True)
    table.add_column(tr("指标", "KPI"), overflow="fold", min_width=10)
    for vs in stats:
        head = (short or {}).get(vs.index, vs.label)
        table.add_column(f"#{vs.index} {head}\n({tr('运行', 'runs')} {vs.runs})", justify="right", overflow="fold")
    for k in keys:
        table.add_row(kpi_label(k),
                      *[cell(vs.kpis.get(k), vs.diff.get(k)) for vs in stats])
    console.print(table)
    if len(stats) > 1:
        for vs in stats:
            console.print(f"#{vs.index}: {vs.label}")
    console.print(tr("单元格：均值 ±95% 置信区间半宽；中位数（P5–P95）；Δ：与 #0 同一种子逐次相比的差值 ±95% 置信区间半宽，"
                     "* 表示区间不含 0（确有差别）",
                     "Cells: mean ±half-width of its 95% CI; median (p5–p95); Δ: paired difference to #0 "
                     "over the same seeds ±95% CI half-width, * where that interval excludes 0 (a real difference)"))
    same = [k for vs in stats[:1] for k in vs.kpis if k not in keys]
    if same:
        shown = ", ".join(f"{kpi_label(k)} {_num(stats[0].kpis[k].mean)}" for k in same)
        console.print(tr(f"各次运行相同：{shown}", f"Same in every run: {shown}"))
