"""A readable KPI summary of a run, for the terminal (Chinese first); KPI names from
:mod:`drillsim.exercise.wording`, as in the report and the app."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from drillsim.core.i18n import pick, tr
from drillsim.exercise.wording import SHARE_KPIS, TIERS, kpi_label, label


def format_kpi(key: str, v: Any) -> str:
    """A KPI value for a terminal table: shares as %, yes/no for flags, numbers in their own unit.

    (Deciding by the value alone showed 0.25 t of supplies as '25.0%' and a share of
    exactly 1 as '1.0'.)"""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return tr("是", "yes") if v else tr("否", "no")
    if isinstance(v, (int, float)) and key in SHARE_KPIS:
        return f"{v:.1%}"
    if isinstance(v, float):
        return f"{v:,.1f}" if v == 0 or abs(v) >= 10 else f"{v:.3g}"
    if isinstance(v, dict):  # items by reserve tier: 市级 1,800 / city 1,800
        return tr("，", ", ").join(f"{label(TIERS, k) if key == 'supplies_loaded_by_tier' else k} {format_kpi(key, x)}"
                                  for k, x in v.items()) or "—"
    return f"{v:,}" if isinstance(v, int) else str(v)


def format_kpi_delta(key: str, d: float | None) -> str:
    if d in (None, 0):
        return ""
    return f"{d:+.1%}" if key in SHARE_KPIS else f"{d:+g}"


def print_summary(name: dict[str, str], result: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"{pick(name)} — {tr('演练结果', 'drill summary')}", show_header=True)
    table.add_column(tr("指标", "KPI"))
    table.add_column(tr("数值", "Value"), justify="right")
    for k, v in result["kpis"].items():
        if k.startswith("_") or k in ("score", "score_components"):
            continue
        table.add_row(kpi_label(k), format_kpi(k, v))
    for k, v in (result["kpis"].get("score_components") or {}).items():
        table.add_row(kpi_label(f"score_components.{k}"), f"{100 * v:.0f}")
    if result.get("score") is not None:
        table.add_row(kpi_label("score"), f"{result['score']:.1f}")
    console.print(table)
    console.print(f"{tr('模拟时长', 'Sim time')}: {result['sim_minutes']:.0f} min   "
                  f"{tr('事件', 'Events')}: {result['events']:,}   digest: {result['digest'][:16]}…")
