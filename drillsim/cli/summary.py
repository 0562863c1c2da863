"""A readable KPI summary of a run, for the terminal (Chinese first)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from drillsim.core.i18n import pick, tr

KPI_LABELS: dict[str, tuple[str, str]] = {
    "incidents": ("事件数", "Incidents"),
    "incidents_resolved": ("已处置事件", "Incidents resolved"),
    "incidents_unreached": ("未到达事件", "Incidents not reached"),
    "first_response_min_mean": ("平均首次响应(分钟)", "First response, mean (min)"),
    "first_response_min_p90": ("首次响应P90(分钟)", "First response, p90 (min)"),
    "trapped": ("被困人数", "Trapped people"),
    "rescued": ("已救出", "Rescued"),
    "rescued_within_72h_share": ("72小时内救出比例", "Rescued within 72 h"),
    "casualties_to_transport": ("待转运伤员", "Casualties to transport"),
    "casualties_transported": ("已转运伤员", "Casualties transported"),
    "people_to_evacuate": ("待转移群众", "People to evacuate"),
    "people_evacuated": ("已转移群众", "People evacuated"),
    "evacuation_completion_min": ("转移完成用时(分钟)", "Evacuation completed in (min)"),
    "supplies_requested_t": ("物资需求(吨)", "Supplies requested (t)"),
    "supplies_delivered_t": ("物资送达(吨)", "Supplies delivered (t)"),
    "supplies_delivered_share": ("物资送达比例", "Supplies delivered share"),
    "roads_blocked": ("中断道路", "Roads blocked"),
    "roads_cleared": ("抢通道路", "Roads cleared"),
    "dispatches": ("调派次数", "Dispatches"),
    "orders_rejected": ("被拒指令", "Orders rejected"),
    "unit_utilisation": ("队伍利用率", "Unit utilisation"),
    "score": ("综合评分 (0-100)", "Score (0-100)"),
    "deaths": ("死亡人数", "Deaths"),
    "people_displaced": ("无家可归群众", "People displaced"),
    "people_sheltered": ("自行抵达避难场所", "Displaced people sheltered"),
    "supplies_loaded_by_tier": ("按储备层级装运(件)", "Items loaded by reserve tier"),
    "fireline_built_m": ("已建防火线(米)", "Fireline built (m)"),
    "fire_contained_min": ("火场控制用时(分钟)", "Fire contained after (min)"),
    "chemical_release": ("危化品泄漏", "Chemical release"),
    "person_minutes_above_aegl2": ("AEGL-2以上暴露(人·分钟)", "Person-minutes above AEGL-2"),
    "orders_accepted": ("执行指令", "Orders accepted"),
    "injects_sent": ("已下发情况导入", "Injects sent"),
    "injects_expecting": ("需响应的情况导入", "Injects expecting action"),
    "injects_answered_on_time": ("按时响应的情况导入", "Injects answered on time"),
    "injects_missed": ("超时未响应", "Injects missed"),
    "response_level_due": ("预案应启动级别", "Response level due"),
    "response_level_on_time": ("按时启动响应", "Level set on time"),
    "plan_actions_done_on_time": ("按时完成的预案措施", "Plan actions on time"),
    "plan_actions_total": ("预案措施总数", "Plan actions"),
}
COMPONENT_LABELS: dict[str, tuple[str, str]] = {
    "organisation": ("组织指挥", "Organisation"), "plan": ("预案执行", "Plan"), "rescue": ("搜救", "Rescue"),
    "medical": ("医疗救治", "Medical"), "evacuation": ("转移安置", "Evacuation"),
    "supplies": ("物资保障", "Supplies"), "exposure": ("危化品暴露", "Exposure"),
}


def label(key: str) -> str:
    zh, en = KPI_LABELS.get(key, (key, key))
    return tr(zh, en)


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return tr("是", "yes") if v else tr("否", "no")
    if isinstance(v, float):
        return f"{v:.1%}" if 0 <= v <= 1 and v != 0 and v != 1 else f"{v:,.1f}"
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_fmt(x)}" for k, x in v.items()) or "—"
    return f"{v:,}" if isinstance(v, int) else str(v)


def print_summary(name: dict[str, str], result: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"{pick(name)} — {tr('演练结果', 'drill summary')}", show_header=True)
    table.add_column(tr("指标", "KPI"))
    table.add_column(tr("数值", "Value"), justify="right")
    for k, v in result["kpis"].items():
        if k.startswith("_") or k in ("score", "score_components"):
            continue
        table.add_row(label(k), _fmt(v))
    for k, v in (result["kpis"].get("score_components") or {}).items():
        zh, en = COMPONENT_LABELS.get(k, (k, k))
        table.add_row(tr(f"评分·{zh}", f"Score: {en}"), f"{100 * v:.0f}")
    if result.get("score") is not None:
        table.add_row(tr("综合评分 (0-100)", "Score (0-100)"), f"{result['score']:.1f}")
    console.print(table)
    console.print(f"{tr('模拟时长', 'Sim time')}: {result['sim_minutes']:.0f} min   "
                  f"{tr('事件', 'Events')}: {result['events']:,}   digest: {result['digest'][:16]}…")
