"""The after-action report as a language-specific document model (sections of blocks).

:func:`build` turns :class:`~drillsim.report.facts.Facts` into a :class:`Report`:
a list of sections, each a list of blocks (paragraph, key-value list, table, chart,
bullet list). The HTML template and the PDF writer render the same model, so both
say the same thing. Chinese first (``lang="zh"``), English with ``lang="en"``.

Names of orders, KPIs, score components, hazards and the key hazard events' sentences come from
:mod:`drillsim.exercise.wording`, the words the app and the terminal use too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from drillsim.core.events import Event
from drillsim.exercise.wording import (
    COMPONENT_LABELS,
    OP_LABELS,
    RESPONSE_LEVELS,
    SEAT_KINDS,
    SHARE_KPIS,
    TIERS,
    WARNING_COLORS,
    Labels,
    Names,
    channel_label,
    count,
    describe,
    kpi_label,
    label,
    pick,
    plan_metric,
)
from drillsim.report.facts import LEVELS, Facts, seat_for_incident, seat_for_level

RATINGS: Labels = {"观察": ("观察", "observation"), "做得好": ("做得好", "strength"),
                   "需改进": ("需改进", "needs improvement"), "问题": ("问题", "problem")}
# a zero here is worth showing; other zero KPIs are needs that never arose
ZERO_MEANINGFUL = {"incidents_unreached", "orders_rejected", "injects_missed", "deaths"}


@dataclass
class Block:
    kind: str  # "p" | "h" | "kv" | "table" | "chart" | "list" | "score"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)  # per row: "good" | "bad" | "warn" | ""
    items: list[str] = field(default_factory=list)
    chart: str = ""  # chart key in Report.charts


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    sections: list[Section]
    charts: dict[str, Any]  # key -> chart spec (drillsim.report.charts)
    score: float | None
    footer: str


class Lang:
    def __init__(self, lang: str, start: datetime | None, names: Names | None = None) -> None:
        self.lang = lang
        self.start = start
        self.names = names or Names()
        """Place and seat names for event sentences (places only when the map could be rebuilt)."""

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def text(self, v: Any) -> str:
        if isinstance(v, dict):
            return str(v.get(self.lang) or v.get("zh") or v.get("en") or "")
        return "" if v is None else str(v)

    def lab(self, table: Labels, key: Any) -> str:
        return label(table, key, self.lang)

    def join(self, items: Any) -> str:
        """A list in a sentence: 甲、乙、丙 / A, B, C."""
        return self.t("、", ", ").join(items)

    def count(self, n: Any, zh_unit: str, en_one: str, en_many: str | None = None) -> str:
        """3 个社区 / 1 community / 3 communities."""
        return count(n, zh_unit, en_one, en_many, self.lang)

    def level(self, lv: Any) -> str:
        """A response level: Ⅲ级 / level III (the app's words)."""
        return self.lab(RESPONSE_LEVELS, lv) if lv else "—"

    def place(self, pid: Any) -> str:
        """A place by name (the map's and the scenario's), its id if the report knows no name."""
        n = self.names.name("place", pid)
        return pick(n, self.lang) if n else str(pid)

    def hazard(self, hid: Any) -> str:
        """A hazard by its scenario name (its id if it has none)."""
        n = self.names.name("hazard", hid)
        return pick(n, self.lang) if n else str(hid)

    def pct(self, v: Any) -> str:
        """A share 0..1 as a percentage."""
        return "—" if v is None else f"{v:.1%}"

    def kpi(self, key: str) -> str:
        return kpi_label(key, self.lang)

    def comp(self, key: str) -> str:
        return self.lab(COMPONENT_LABELS, key)

    def op(self, op: Any) -> str:
        return self.lab(OP_LABELS, op) if op else "—"

    def minute(self, t: float | None) -> str:
        """Sim minute with the clock time when the scenario has a start: ``10:05 (+25)``."""
        if t is None:
            return "—"
        m = f"{t:.1f}".rstrip("0").rstrip(".")
        if self.start is None:
            return self.t(f"第{m}分钟", f"min {m}")
        clock = (self.start + timedelta(minutes=t)).strftime("%H:%M")
        return f"{clock} (+{m})"

    def num(self, v: Any) -> str:
        """A number in its own unit (shares are :meth:`pct`'s: 0.4 t of supplies is not 40%)."""
        if v is None:
            return "—"
        if isinstance(v, bool):
            return self.t("是", "yes") if v else self.t("否", "no")
        if isinstance(v, float):
            if v != int(v):
                return f"{v:,.2f}".rstrip("0").rstrip(".") if abs(v) < 1 else f"{v:,.1f}".rstrip("0").rstrip(".")
            return f"{int(v):,}"
        if isinstance(v, int):
            return f"{v:,}"
        if isinstance(v, dict):
            return self.t("，", ", ").join(f"{k} {self.num(x)}" for k, x in v.items()) or "—"
        return str(v)


def kpi_value(L: Lang, key: str, v: Any) -> str:
    """A KPI as read: shares as percentages, levels and tiers in words, the rest as numbers."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and key in SHARE_KPIS:
        return L.pct(v)
    if key == "response_level_due" and v:
        return L.level(v)
    if key == "supplies_loaded_by_tier" and isinstance(v, dict):
        return L.t("，", ", ").join(f"{L.lab(TIERS, t)} {L.num(x)}" for t, x in v.items()) or "—"
    return L.num(v)


def _start(f: Facts) -> datetime | None:
    raw = (f.scenario.get("meta") or {}).get("start")
    if isinstance(raw, datetime):
        return raw
    try:
        return datetime.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def seat_name(f: Facts, L: Lang, seat: Any, short: bool = False) -> str:
    """A seat as read (``name (id)``; ``short``: the name only); "to be assigned" when unknown."""
    if not seat:
        return L.t("待指定", "to be assigned")
    s = f.seats.get(str(seat))
    if not (s and s.get("name")):
        return str(seat)
    return L.text(s["name"]) if short else f"{L.text(s['name'])} ({seat})"


def build(f: Facts, lang: str = "zh", compare: list[dict[str, Any]] | None = None, version: str = "",
          archive: Any = None, path: str = "", names: Names | None = None) -> Report:
    """The report in ``lang``. ``compare``: the other runs, each ``{"path", "facts", "score", "cmp"}``
    (``cmp`` from :func:`drillsim.record.rerun.compare` against this run); ``archive`` (the open
    Archive) adds the key-moment maps; ``path`` names this run in the comparison; ``names``: names of
    places, hazards, supplies and seats (default: :func:`drillsim.report.names.report_names`, from the
    archived scenario and its map, so a report without maps names places too)."""
    from drillsim.report import charts as ch
    from drillsim.report.names import report_names

    md, why = None, ""
    if archive is not None:
        from drillsim.report.maps import map_specs, open_map

        md, why = open_map(archive)
        if md is not None:
            f.exposed = md.exposed_series(f.duration)
    L = Lang(lang, _start(f), names or report_names(f, archive))
    name = L.text(f.meta.get("scenario_name")) or L.text((f.scenario.get("meta") or {}).get("name")) or "—"
    title = L.t("演练评估报告", "After-Action Report")
    sections = [_cover(f, L, name, version), _summary(f, L), _evaluation(f, L), _timeline(f, L)]
    specs = ch.chart_specs(f, L)
    if archive is not None:
        mspecs, captions, how = map_specs(md, f, L) if md is not None else ({}, [], why)
        sections.append(_maps(L, mspecs, captions, how))
        specs.update(mspecs)
    sections.append(_charts(f, L, {k: v for k, v in specs.items() if not k.startswith("map_")}))
    sections.append(_notes(f, L))
    sections.append(_findings(f, L))
    if compare:
        sec, cspecs = _compare(f, L, compare, path)
        sections.append(sec)
        specs.update(cspecs)
    footer = L.t(f"DrillSim {version} 依据演练存档自动生成；所有内容均来自存档事件流，未经人工编辑。",
                 f"Generated by DrillSim {version} from the drill archive; every line comes from its event stream.")
    return Report(lang, title, name, sections, specs, f.score.get("score"), footer)


# ---------------------------------------------------------------------- sections
def _cover(f: Facts, L: Lang, name: str, version: str) -> Section:
    m, sm = f.meta, f.scenario.get("meta") or {}
    names = m.get("scenario_name") or sm.get("name") or {}
    start = L.start
    when = "—"
    if start is not None:
        end = start + timedelta(minutes=f.duration)
        when = f"{start:%Y-%m-%d %H:%M} – {end:%H:%M}" if end.date() == start.date() else \
            f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"
    planned = m.get("duration_min") or sm.get("duration_min")
    dur = L.t(f"{f.duration:g} 分钟（{f.duration / 60:.1f} 小时）", f"{f.duration:g} min ({f.duration / 60:.1f} h)")
    if planned and float(planned) > f.duration + 1e-6:
        dur += L.t(f"，想定全长 {float(planned):g} 分钟", f"; the scenario runs {float(planned):g} min")
    chain = "—" if f.chain_ok is None else (L.t(f"完好（{f.event_count:,} 条事件）", f"intact ({f.event_count:,} events)")
                                             if f.chain_ok else L.t("已损坏：", "broken: ") + f.chain_message)
    rows = [
        [L.t("演练名称", "Drill"), L.text(names) or name],
        [L.t("英文名称", "Chinese name"), str(names.get("en" if L.lang == "zh" else "zh", "—")) if isinstance(names, dict) else "—"],
        [L.t("地区", "Region"), L.text(sm.get("region")) or "—"],
        [L.t("想定时间", "Scenario date and time"), when],
        [L.t("演练时长", "Duration"), dur],
        [L.t("随机种子", "Seed"), str(m.get("seed", "—"))],
        [L.t("软件版本", "Software version"), f"DrillSim {m.get('version') or '—'}"
         + (L.t(f"（报告生成：{version}）", f" (report: {version})") if version and version != m.get("version") else "")],
        [L.t("记录时间 (UTC)", "Recorded (UTC)"), str(m.get("created") or "—")],
        [L.t("想定文件", "Scenario file"), str(m.get("scenario_file") or "—")],
        [L.t("想定哈希 (sha256)", "Scenario hash (sha256)"), str(m.get("scenario_sha256") or "—")],
        [L.t("存档摘要 (事件流 sha256)", "Archive digest (event stream sha256)"), str(m.get("digest") or
                                                                               L.t("未记录（存档未正常关闭）", "not recorded (archive not closed)"))],
        [L.t("哈希链", "Hash chain"), chain],
        [L.t("记录完整", "Recording complete"), L.num(bool(m.get("complete")))],
    ]
    if m.get("parent"):
        rows.append([L.t("分支自", "Branched from"), f"{m['parent']} @ {L.minute(m.get('branch_at'))}"])
    desc = L.text(sm.get("description"))
    blocks = [Block("kv", rows=rows)]
    if desc:
        blocks.append(Block("p", text=desc))
    if f.seats:
        blocks.append(Block("h", text=L.t("参演席位", "Seats")))
        blocks.append(Block("table", header=[L.t("席位", "Seat"), L.t("名称", "Name"), L.t("类型", "Kind"),
                                             L.t("上级", "Reports to"), L.t("参演", "Played")],
                            rows=[[sid, L.text(x.get("name")) or "—", L.lab(SEAT_KINDS, x["kind"]) if x.get("kind") else "—",
                                   seat_name(f, L, x.get("parent"), short=True) if x.get("parent") else "—",
                                   L.num(bool(x.get("played")))] for sid, x in f.seats.items()],
                            widths=[1.4, 3, 1, 2.2, 0.8]))
    return Section("cover", L.t("演练概况", "Drill overview"), blocks)


def _summary(f: Facts, L: Lang) -> Section:
    sc = f.score
    blocks: list[Block] = []
    value = sc.get("score")
    blocks.append(Block("score", text="—" if value is None else f"{value:.1f}"))
    blocks.append(Block("p", text=L.t(
        "综合评分依据 AQ/T 9009-2015 的评估维度（组织指挥、预案执行及各项处置），由存档事件流重新计算的指标得出；"
        "未出现相应需求的维度不计入，其余权重重新归一（见 docs/scoring.md）。",
        "The score follows the evaluation areas of AQ/T 9009-2015 (organisation, plan, each response step) and is "
        "computed from KPIs recomputed from the archive's event stream; areas whose need never arose are left out "
        "and the other weights re-normalised (docs/scoring.md).")))
    if f.kpis_match_stored is False:
        blocks.append(Block("p", text=L.t("注意：重新计算的指标与存档关闭时保存的指标不一致。",
                                          "Note: the recomputed KPIs differ from those stored when the archive closed.")))
    rows, marks = [], []
    for k, v in sc.get("components", {}).items():
        w = sc.get("weights", {}).get(k)
        rows.append([L.comp(k), f"{100 * v:.0f}", L.num(w)])
        marks.append("good" if v >= 0.8 else "bad" if v < 0.5 else "warn")
    if rows:
        blocks.append(Block("h", text=L.t("评分构成", "Score components")))
        blocks.append(Block("table", header=[L.t("评估项", "Component"), L.t("得分 (0-100)", "Score (0-100)"),
                                             L.t("权重", "Weight")], rows=rows, marks=marks, widths=[3, 2, 1]))
    krows = []
    k = f.kpis
    for key, v in k.items():
        if v is None or v == {} or (key == "person_minutes_above_aegl2" and not k.get("chemical_release")):
            continue
        if key == "chemical_release" and not v:
            continue
        if not isinstance(v, bool) and v == 0 and key not in ZERO_MEANINGFUL:
            continue
        krows.append([L.kpi(key), kpi_value(L, key, v)])
    blocks.append(Block("h", text=L.t("关键指标", "Key KPIs")))
    blocks.append(Block("table", header=[L.t("指标", "KPI"), L.t("数值", "Value")], rows=krows, widths=[3, 2]))
    blocks.append(Block("p", text=L.t("为零且无相应需求的指标（如无被困人员时的救出人数）未列出。",
                                      "KPIs that are zero because the need never arose are not listed.")))
    return Section("summary", L.t("评估概要", "Summary"), blocks)


# AQ/T 9009-2015 evaluates the exercise's organisation, the plan and each response step; the report
# gives each a finding drawn from the events and a rating from its score component (docs/report.md).
RATING_LEVELS = ((0.9, "优", "excellent"), (0.75, "良", "good"), (0.6, "中", "fair"), (0.0, "差", "poor"))
EVAL_AREAS = (
    ("organisation", ("组织指挥与策划", "Organisation and direction"),
     ("情况导入按时响应、指令被接受", "injects answered on time, orders accepted")),
    ("plan", ("预案执行", "Plan"), ("按预案启动响应级别、预案措施按时完成", "level set per the plan, plan actions on time")),
    ("rescue", ("搜救", "Search and rescue"), ("72 小时内救出比例、首支力量到达时间", "rescued within 72 h, first-response time")),
    ("medical", ("医疗救治", "Medical"), ("伤员转运至医院", "casualties carried to hospital")),
    ("evacuation", ("转移安置", "Evacuation and shelter"), ("群众转移、无家可归者安置", "people evacuated, displaced sheltered")),
    ("supplies", ("物资保障", "Supplies"), ("物资送达比例", "share of supplies delivered")),
    ("exposure", ("危化品防护", "Chemical protection"), ("AEGL-2 以上暴露（人·分钟）", "person-minutes above AEGL-2")),
)


def rating(v: float | None, L: Lang) -> str:
    if v is None:
        return L.t("不适用", "n/a")
    return next(L.t(zh, en) for lo, zh, en in RATING_LEVELS if v >= lo)


def _area_finding(key: str, f: Facts, L: Lang) -> str:
    k = f.kpis
    if key == "organisation":
        return L.t(f"需响应的情况导入 {k.get('injects_expecting', 0)} 条，按时响应 {k.get('injects_answered_on_time', 0)} 条，"
                   f"超时 {k.get('injects_missed', 0)} 条；指令 {k.get('orders_accepted', 0)} 条被接受，{k.get('orders_rejected', 0)} 条被拒绝",
                   f"{k.get('injects_answered_on_time', 0)} of {k.get('injects_expecting', 0)} injects answered on time, "
                   f"{k.get('injects_missed', 0)} missed; {k.get('orders_accepted', 0)} orders accepted, {k.get('orders_rejected', 0)} refused")
    if key == "plan":
        lv = k.get("response_level_due")
        return L.t(f"预案要求启动{L.level(lv)}响应，{'按时' if k.get('response_level_on_time') else '未按时'}启动；"
                   f"预案措施按时完成 {k.get('plan_actions_done_on_time', 0)}/{k.get('plan_actions_total', 0)} 项",
                   f"plan required {L.level(lv)}, {'set on time' if k.get('response_level_on_time') else 'not set on time'}; "
                   f"{k.get('plan_actions_done_on_time', 0)} of {k.get('plan_actions_total', 0)} plan actions on time")
    if key == "rescue":
        return L.t(f"被困 {k.get('trapped', 0):,} 人，救出 {k.get('rescued', 0):,} 人；平均首次响应 {L.num(k.get('first_response_min_mean'))} 分钟，"
                   f"90% 分位 {L.num(k.get('first_response_min_p90'))} 分钟",
                   f"{k.get('rescued', 0):,} of {k.get('trapped', 0):,} trapped rescued; first response mean "
                   f"{L.num(k.get('first_response_min_mean'))} min, 90th pct {L.num(k.get('first_response_min_p90'))} min")
    if key == "medical":
        return L.t(f"待转运伤员 {k.get('casualties_to_transport', 0):,} 人，已转运 {k.get('casualties_transported', 0):,} 人",
                   f"{k.get('casualties_transported', 0):,} of {k.get('casualties_to_transport', 0):,} casualties transported")
    if key == "evacuation":
        return L.t(f"待转移 {k.get('people_to_evacuate', 0):,} 人，已转移 {k.get('people_evacuated', 0):,} 人；"
                   f"无家可归 {k.get('people_displaced', 0):,} 人，到达避难场所 {k.get('people_sheltered', 0):,} 人",
                   f"{k.get('people_evacuated', 0):,} of {k.get('people_to_evacuate', 0):,} evacuated; "
                   f"{k.get('people_sheltered', 0):,} of {k.get('people_displaced', 0):,} displaced sheltered")
    if key == "supplies":
        return L.t(f"需求 {L.num(k.get('supplies_requested_t'))} 吨，送达 {L.num(k.get('supplies_delivered_t'))} 吨",
                   f"{L.num(k.get('supplies_delivered_t'))} of {L.num(k.get('supplies_requested_t'))} t delivered")
    return L.t(f"AEGL-2 以上暴露累计 {L.num(k.get('person_minutes_above_aegl2'))} 人·分钟",
               f"{L.num(k.get('person_minutes_above_aegl2'))} person-minutes above AEGL-2")


def _evaluation(f: Facts, L: Lang) -> Section:
    comps = f.score.get("components", {})
    rows, marks = [], []
    for key, name, what in EVAL_AREAS:
        v = comps.get(key)
        finding = _area_finding(key, f, L) if v is not None else L.t("本次演练未出现该项需求", "the need did not arise")
        rows.append([L.t(*name), L.t(*what), finding, "—" if v is None else f"{100 * v:.0f}", rating(v, L)])
        marks.append("" if v is None else "good" if v >= 0.9 else "bad" if v < 0.6 else "warn" if v < 0.75 else "")
    notes = [n for n in f.notes if n.get("rating")]
    blocks = [Block("p", text=L.t(
        "参照 AQ/T 9009-2015《生产安全事故应急演练评估规范》的评估内容（演练组织、应急预案及各项应急处置），逐项列出发现与评定。"
        "评定由该项得分换算：90 分及以上为优，75–89 为良，60–74 为中，60 以下为差；发现均取自存档事件。",
        "After the evaluation areas of AQ/T 9009-2015 (the exercise's organisation, the plan, each response step): a finding "
        "and a rating per area. Ratings from the area's score: 90+ excellent, 75–89 good, 60–74 fair, below 60 poor; "
        "findings come from the archive's events.")),
        Block("table", header=[L.t("评估项目", "Area"), L.t("评估内容", "What is assessed"), L.t("发现", "Findings"),
                               L.t("得分", "Score"), L.t("评定", "Rating")], rows=rows, marks=marks,
              widths=[1.4, 2.2, 4.4, 0.7, 0.8])]
    if notes:
        blocks.append(Block("p", text=L.t(f"另有评估员评价 {len(notes)} 条（见“评估员记录”）：", f"Also {len(notes)} evaluator ratings "
                                          "(see Evaluator notes): ") + L.t("；", "; ").join(
            f"{L.lab(RATINGS, n['rating'])}：{n.get('text') or ''}" if L.lang == "zh" else
            f"{L.lab(RATINGS, n['rating'])}: {n.get('text') or ''}" for n in notes)))
    return Section("evaluation", L.t("评估表（AQ/T 9009）", "Evaluation table (AQ/T 9009)"), blocks)


def _inject_status(i: dict[str, Any], L: Lang) -> tuple[str, str]:
    if i["cancelled"] is not None and i["sent"] is None:
        return L.t("已取消", "cancelled"), ""
    if i["sent"] is None:
        return L.t("未下发（演练已结束）", "not sent (drill ended)"), ""
    if not (i.get("expected") or {}).get("op"):
        return L.t("已下发（无需响应）", "sent (no action expected)"), ""
    if i["answered"] is not None:
        if i["on_time"]:
            return L.t("按时响应", "answered on time"), "good"
        return L.t("超时后响应", "answered late"), "bad"
    if i["missed"] is not None:
        return L.t("超时未响应", "missed"), "bad"
    return L.t("待响应（演练结束时未到时限）", "open (deadline after the end)"), "warn"


def _timeline(f: Facts, L: Lang) -> Section:
    blocks: list[Block] = [Block("h", text=L.t("情况导入（MSEL）", "Injects (MSEL)"))]
    rows, marks = [], []
    for i in f.injects:
        status, mark = _inject_status(i, L)
        exp = i.get("expected") or {}
        ans = "—"
        if i["answered"] is not None:
            by = i.get("answered_by")
            ans = L.minute(i["answered"]) + (f" · {seat_name(f, L, by, short=True)}" if by and by != i.get("to") else "")
            if i.get("answered_min") is not None:
                ans += L.t(f"，用时 {i['answered_min']:g} 分钟", f", after {i['answered_min']:g} min")
        rows.append([i["id"], L.minute(float(i["time_min"])) if i.get("time_min") is not None else "—",
                     L.minute(i["sent"]), f"{L.text(i.get('from')) or '—'} → {seat_name(f, L, i.get('to'), short=True) if i.get('to') else '—'}",
                     L.text(i.get("message")) or "—",
                     L.op(exp.get("op")) + (L.t(f"（{i['deadline_min']:g} 分钟内）", f" (within {i['deadline_min']:g} min)")
                                            if exp.get("op") and i.get("deadline_min") is not None else ""),
                     ans, L.minute(i["missed"]) if i["missed"] is not None else "—", status])
        marks.append(mark)
    if rows:
        blocks.append(Block("table", header=["ID", L.t("计划", "Planned"), L.t("下发", "Sent"), L.t("来源 → 接收席位", "From → to"),
                                             L.t("内容", "Message"), L.t("期望行动", "Expected action"),
                                             L.t("响应", "Answered"), L.t("超时", "Missed at"), L.t("结果", "Result")],
                            rows=rows, marks=marks, widths=[0.6, 1.1, 1.1, 1.8, 3.4, 1.6, 1.9, 1.1, 1.4]))
    else:
        blocks.append(Block("p", text=L.t("本次演练没有情况导入。", "This drill had no injects.")))

    blocks.append(Block("h", text=L.t("响应级别与预警", "Response levels and warnings")))
    rows, marks = [], []
    for x in f.level_due:
        because = L.join(plan_metric(k, v, L.lang) for k, v in (x.get("because") or {}).items())
        rows.append([L.minute(x["t"]), L.t("预案要求", "Plan requires"), L.level(x["level"]),
                     L.t(f"依据：{because}；应在 {x['within_min']:g} 分钟内启动", f"because {because}; set within {x['within_min']:g} min")
                     if x.get("within_min") is not None else because, "—"])
        marks.append("")
    for x in f.levels:
        prev = x.get("previous")
        rows.append([L.minute(x["t"]), L.t("启动/调整响应", "Level set"),
                     L.level(x["level"]) if x.get("level") else L.t("终止响应", "response ended"),
                     L.t(f"原为{L.level(prev)}", f"was {L.level(prev)}") if prev else L.t("首次启动", "first activation"),
                     seat_name(f, L, x.get("by"), short=True)])
        marks.append("")
    for w in f.warnings:
        rows.append([L.minute(w["t"]), L.t("发布预警", "Warning"), L.lab(WARNING_COLORS, w.get("color")),
                     L.count(w["communities"], "个社区", "community", "communities")
                     + L.t("；渠道：", "; via ") + L.join(channel_label(c, L.lang) for c in w["channels"]),
                     seat_name(f, L, w.get("by"), short=True)])
        marks.append("")
    order = sorted(range(len(rows)), key=lambda j: _t_of(rows[j][0]))
    if rows:
        blocks.append(Block("table", header=[L.t("时间", "Time"), L.t("事项", "What"), L.t("级别/颜色", "Level / colour"),
                                             L.t("说明", "Details"), L.t("席位", "Seat")],
                            rows=[rows[j] for j in order], marks=[marks[j] for j in order], widths=[1.2, 1.3, 1, 3.5, 2.5]))
    else:
        blocks.append(Block("p", text=L.t("未启动响应级别，未发布预警。", "No response level was set and no warning issued.")))

    blocks.append(Block("h", text=L.t("预案措施", "Plan actions") + (f"：{L.text(f.plan_name)}" if f.plan_name and L.lang == "zh"
                                                                  else f": {L.text(f.plan_name)}" if f.plan_name else "")))
    rows, marks = [], []
    for a in f.plan_actions:
        if a["done"]:
            st, mk = (L.t("按时完成", "done on time"), "good") if a["on_time"] else (L.t("超时完成", "done late"), "bad")
        else:
            st, mk = L.t("超时未完成", "missed"), "bad"
        rows.append([L.minute(a["t"]), L.level(a["level"]), L.text(a.get("name")) or L.op(a.get("op")),
                     L.op(a.get("op")), st])
        marks.append(mk)
    if rows:
        blocks.append(Block("table", header=[L.t("时间", "Time"), L.t("响应级别", "Level"), L.t("措施", "Action"),
                                             L.t("指令", "Order"), L.t("结果", "Result")], rows=rows, marks=marks,
                            widths=[1.2, 1, 3, 2, 1.5]))
    else:
        blocks.append(Block("p", text=L.t("存档中没有预案措施的完成或超时记录（未启动响应级别，或无预案）。",
                                          "The archive records no plan actions done or missed (no level set, or no plan).")))

    blocks.append(Block("h", text=L.t("事件处置", "Incidents")))
    rows, marks = [], []
    for inc in f.incidents:
        fr = inc["first_response"]
        res = inc["resolved"]
        mk = "bad" if fr is None else ("good" if res is not None else "warn")
        rows.append([inc["id"], L.text(inc.get("name")) or inc["id"], L.minute(inc["reported"]),
                     L.minute(fr) + (L.t(f"（{fr - inc['reported']:.1f} 分钟）", f" ({fr - inc['reported']:.1f} min)") if fr is not None else ""),
                     L.minute(res) if res is not None else (L.t("未到达", "never reached") if fr is None else L.t("处置中", "in progress"))])
        marks.append(mk)
    if rows:
        blocks.append(Block("table", header=["ID", L.t("事件", "Incident"), L.t("报告", "Reported"),
                                             L.t("首支力量到达", "First unit on site"), L.t("处置完毕", "Resolved")],
                            rows=rows, marks=marks, widths=[1.2, 3, 1.3, 2, 1.5]))
    blocks.append(Block("h", text=L.t("关键灾情事件", "Key hazard events")))
    rows = [[L.minute(h["t"]), _hazard_text(h, L)] for h in f.hazard_events]
    if rows:
        blocks.append(Block("table", header=[L.t("时间", "Time"), L.t("事件", "Event")], rows=rows, widths=[1.2, 7]))
    return Section("timeline", L.t("演练过程", "Timeline"), blocks)


def _t_of(cell: str) -> float:
    """Sort key for a formatted minute cell."""
    import re

    m = re.search(r"\(\+([\d.]+)\)|第([\d.]+)分钟|min ([\d.]+)", cell)
    if not m:
        return 0.0
    return float(next(g for g in m.groups() if g))


def _hazard_text(h: dict[str, Any], L: Lang) -> str:
    """A key hazard event in the sentence the app's event log shows."""
    return describe(Event(h["t"], h["type"], h["data"]), L.lang, L.names)


def _charts(f: Facts, L: Lang, specs: dict[str, Any]) -> Section:
    blocks = [Block("chart", chart=k, text=spec.caption) for k, spec in specs.items()]
    if "supplies" not in specs:
        blocks.append(Block("p", text=L.t("本次演练没有物资调运任务，未绘制物资送达图。",
                                          "No supply deliveries were requested in this drill; no supplies chart.")))
    if "exposure" not in specs:
        blocks.append(Block("p", text=L.t("本次演练没有 AEGL-2 以上暴露记录，未绘制暴露图。",
                                          "No exposure above AEGL-2 was recorded; no exposure chart.")))
    return Section("charts", L.t("过程曲线", "Charts"), blocks)


def _maps(L: Lang, specs: dict[str, Any], captions: list[str], how: str) -> Section:
    title = L.t("关键时刻态势图", "Maps at key moments")
    if not specs:
        return Section("maps", title, [Block("p", text=L.t(f"无法重建地图：{how}", f"The map cannot be rebuilt: {how}"))])
    blocks = [Block("p", text=L.t(
        "关键时刻：首个灾害开始、每条情况导入下发、未处置事件数首次达到峰值、演练结束。道路按等级着色，中断/淹没/污染/受损的道路叠加显示；"
        "灾害范围为该时刻的烈度（VI 度以上）、毒气 AEGL 分区、淹没水深或过火区（深色为火线）" + how + "。",
        "Key moments: the first hazard, each inject sent, the first peak of open incidents, the end. Roads by class, with "
        "closed / flooded / contaminated / damaged roads drawn over them; the hazard footprint at that minute: intensity "
        "VI and above, AEGL zones of the plume, flood depth, or the burned area (dark edge: the fire perimeter)" + how + "."))]
    blocks += [Block("chart", chart=k, text=c) for k, c in zip(specs, captions, strict=True)]
    return Section("maps", title, blocks)


def _checklist_label(f: Facts, L: Lang, link: str) -> tuple[str, str]:
    """(step title, item text) for a checklist link ``step`` or ``step.N`` from the scenario's checklists."""
    step_id, _, item = link.partition(".")
    for c in f.checklists:
        if str(c.get("id")) == step_id:
            step = L.text(c.get("step")) or step_id
            items = c.get("items") or []
            if item.isdigit() and 1 <= int(item) <= len(items):
                it = items[int(item) - 1]
                return step, L.text(it.get("text", it) if isinstance(it, dict) and "text" in it else it)
            return step, ""
    return step_id, (f"#{item}" if item else "")


def _notes(f: Facts, L: Lang) -> Section:
    blocks: list[Block] = []
    if not f.notes:
        blocks.append(Block("p", text=L.t("存档中没有评估员记录。", "The archive holds no evaluator notes.")))
        return Section("notes", L.t("评估员记录", "Evaluator notes"), blocks)
    groups: dict[str, list[dict[str, Any]]] = {}
    titles: dict[str, str] = {}
    for n in f.notes:
        link = str(n.get("checklist") or "")
        key = link.partition(".")[0] if link else ""
        groups.setdefault(key, []).append(n)
        titles[key] = _checklist_label(f, L, link)[0] if link else L.t("未关联检查项", "Not linked to a checklist step")
    for key in sorted(groups, key=lambda k: (k == "", min(n["t"] for n in groups[k]))):
        blocks.append(Block("h", text=titles[key]))
        rows, marks = [], []
        for n in groups[key]:
            item = _checklist_label(f, L, str(n["checklist"]))[1] if n.get("checklist") else ""
            rating = L.lab(RATINGS, n["rating"]) if n.get("rating") else ("✓" if n.get("done") is True else "✗" if n.get("done") is False else "—")
            rows.append([L.minute(n["t"]), str(n.get("by") or "—"), rating, item or "—", str(n.get("text") or ""),
                         seat_name(f, L, n["seat"]) if n.get("seat") else "—"])
            marks.append("good" if n.get("rating") == "做得好" or n.get("done") is True else
                         "bad" if n.get("rating") in ("需改进", "问题") else "")
        blocks.append(Block("table", header=[L.t("时间", "Time"), L.t("记录人", "By"), L.t("评价", "Rating"),
                                             L.t("检查项", "Checklist item"), L.t("记录", "Note"), L.t("席位", "Seat")],
                            rows=rows, marks=marks, widths=[1.2, 1, 1, 2.2, 4, 1.8]))
    return Section("notes", L.t("评估员记录", "Evaluator notes"), blocks)


# ---------------------------------------------------------------------- findings
def findings(f: Facts, L: Lang) -> tuple[list[str], list[list[str]]]:
    """Strengths (sentences) and the improvement plan (issue, recommendation, responsible seat), from events."""
    good: list[str] = []
    plan: list[list[str]] = []
    k = f.kpis
    on_time = [i for i in f.injects if i["answered"] is not None and i["on_time"]]
    if on_time:
        good.append(L.t("情况导入按时响应：", "Injects answered on time: ") + L.join(
            L.t(f"{i['id']}（{L.op((i.get('expected') or {}).get('op'))}，{i['answered_min']:g} 分钟）",
                f"{i['id']} ({L.op((i.get('expected') or {}).get('op'))}, {i['answered_min']:g} min)")
            for i in on_time if i.get("answered_min") is not None))
    for i in f.injects:
        exp = (i.get("expected") or {}).get("op")
        if not exp or i["sent"] is None:
            continue
        if i["answered"] is not None and not i["on_time"]:
            issue = L.t(f"情况导入 {i['id']}（{L.text(i.get('objective')) or L.op(exp)}）于 {L.minute(i['sent'])} 下发，要求{L.op(exp)}，"
                        f"时限 {i['deadline_min']:g} 分钟，{L.minute(i['answered'])} 才响应（{i['answered_min']:g} 分钟）",
                        f"Inject {i['id']} ({L.text(i.get('objective')) or L.op(exp)}) sent at {L.minute(i['sent'])} expected "
                        f"'{L.op(exp)}' within {i['deadline_min']:g} min; answered at {L.minute(i['answered'])} ({i['answered_min']:g} min)")
        elif i["missed"] is not None and i["answered"] is None:
            issue = L.t(f"情况导入 {i['id']}（{L.text(i.get('objective')) or L.op(exp)}）于 {L.minute(i['sent'])} 下发，要求{L.op(exp)}，"
                        f"{L.minute(i['missed'])} 超时，至演练结束未响应",
                        f"Inject {i['id']} ({L.text(i.get('objective')) or L.op(exp)}) sent at {L.minute(i['sent'])} expected "
                        f"'{L.op(exp)}'; missed at {L.minute(i['missed'])} and never answered")
        else:
            continue
        plan.append([issue, L.t(f"明确接收席位对“{L.op(exp)}”的决策责任和时限，复盘中重演该情况导入",
                                f"Make the receiving seat's duty and deadline for '{L.op(exp)}' explicit; replay this inject in the review"),
                     seat_name(f, L, i.get("to"))])
    if f.level_due:
        due = f.level_due[-1]
        ok = k.get("response_level_on_time")
        set_t = [x["t"] for x in f.levels if x["level"] in LEVELS and LEVELS.index(x["level"]) >= LEVELS.index(due["level"])]
        if ok:
            good.append(L.t(f"预案于 {L.minute(due['t'])} 要求启动{L.level(due['level'])}响应，{L.minute(min(set_t))} 启动，在 {due['within_min']:g} 分钟时限内",
                            f"The plan required {L.level(due['level'])} at {L.minute(due['t'])}; it was set at {L.minute(min(set_t))}, "
                            f"within {due['within_min']:g} min"))
        elif ok is False:
            when = L.t(f"{L.minute(min(set_t))} 才启动", f"set only at {L.minute(min(set_t))}") if set_t else \
                L.t("至演练结束未启动", "never set")
            first_hq = next((sid for sid, s in f.seats.items() if s.get("played") and s.get("kind") == "hq"
                             and not (f.seats.get(str(s.get("parent"))) or {}).get("played")), None)
            plan.append([L.t(f"预案于 {L.minute(due['t'])} 要求启动{L.level(due['level'])}响应（{due['within_min']:g} 分钟内），{when}",
                             f"The plan required {L.level(due['level'])} at {L.minute(due['t'])} (within {due['within_min']:g} min); {when}"),
                         L.t("对照预案分级标准演练响应启动研判，明确启动权限", "Drill the level decision against the plan's triggers; make who decides explicit"),
                         seat_name(f, L, first_hq)])
    done_ok = [a for a in f.plan_actions if a["done"] and a["on_time"]]
    if f.plan_actions and len(done_ok) == len(f.plan_actions):
        good.append(L.t(f"预案措施 {len(done_ok)} 项全部按时完成", f"All {len(done_ok)} plan actions done on time"))
    elif done_ok:
        good.append(L.t(f"预案措施按时完成 {len(done_ok)}/{len(f.plan_actions)} 项", f"{len(done_ok)} of {len(f.plan_actions)} plan actions done on time"))
    for a in f.plan_actions:
        if a["done"] and a["on_time"]:
            continue
        what = L.text(a.get("name")) or L.op(a.get("op"))
        issue = L.t(f"预案措施“{what}”（{L.level(a['level'])}）" + (f"{L.minute(a['t'])} 超时完成" if a["done"] else f"{L.minute(a['t'])} 到期未完成"),
                    f"Plan action '{what}' ({L.level(a['level'])}) " + (f"done late at {L.minute(a['t'])}" if a["done"] else f"missed at {L.minute(a['t'])}"))
        plan.append([issue, L.t(f"将“{what}”列入{L.level(a['level'])}响应启动后的首批措施清单并明确时限",
                                f"Put '{what}' on the first-actions list for {L.level(a['level'])} with its deadline"),
                     seat_name(f, L, seat_for_level(f, a.get("level")))])
    reached = [i for i in f.incidents if i["first_response"] is not None]
    if f.incidents and len(reached) == len(f.incidents):
        good.append(L.t(f"{len(f.incidents)} 起事件全部有力量到达，平均首次响应 {L.num(k.get('first_response_min_mean'))} 分钟",
                        f"All {L.count(len(f.incidents), '', 'incident')} reached; mean first response {L.num(k.get('first_response_min_mean'))} min"))
    unreached: dict[str | None, list[dict[str, Any]]] = {}
    for inc in f.incidents:
        if inc["first_response"] is None:
            unreached.setdefault(seat_for_incident(f, inc), []).append(inc)
    rec = L.t("核查力量调派与路线，必要时请求上级支援", "Check dispatch and routes; request support from the level above if short")
    for seat, incs in unreached.items():
        if len(incs) > 3:  # one row per seat, not hundreds
            names = L.t("、", ", ").join(f"{L.text(i.get('name')) or i['id']} ({L.minute(i['reported'])})" for i in incs[:8])
            more = L.t(f"等 {len(incs)} 起", f" and {len(incs) - 8} more") if len(incs) > 8 else ""
            plan.append([L.t(f"{len(incs)} 起事件至演练结束无力量到达：{names}{more}",
                             f"{len(incs)} incidents never reached: {names}{more}"), rec, seat_name(f, L, seat)])
            continue
        for inc in incs:
            plan.append([L.t(f"事件“{L.text(inc.get('name')) or inc['id']}”于 {L.minute(inc['reported'])} 报告，至演练结束无力量到达",
                             f"Incident '{L.text(inc.get('name')) or inc['id']}' reported at {L.minute(inc['reported'])} was never reached"),
                         rec, seat_name(f, L, seat)])
    pairs = [("trapped", "rescued", L.t("被困人员", "trapped people"), L.t("救出", "rescued"), "trapped people"),
             ("casualties_to_transport", "casualties_transported", L.t("待转运伤员", "casualties"), L.t("转运", "transported"),
              "casualties"),
             ("people_to_evacuate", "people_evacuated", L.t("待转移群众", "people to evacuate"), L.t("转移", "evacuated"), "people"),
             ("people_displaced", "people_sheltered", L.t("无家可归群众", "displaced people"), L.t("到达避难场所", "sheltered"),
              "displaced people")]
    for need, done, what, verb, all_of in pairs:
        n, d = k.get(need) or 0, k.get(done) or 0
        if not n:
            continue
        if d >= n:
            good.append(L.t(f"{what} {n:,} 人全部{verb}", f"All {n:,} {all_of} {verb}"))
            continue
        seats: list[str] = []
        if need == "people_to_evacuate":  # evacuation incidents name the seat that ordered them
            seats = sorted({s for i in f.incidents if str(i.get("cause") or "").startswith("order:evacuate")
                            for s in [seat_for_incident(f, i)] if s})
        plan.append([L.t(f"{what} {n:,} 人，至演练结束{verb} {d:,} 人（{d / n:.0%}），尚余 {n - d:,} 人",
                         f"{n:,} {what}; {d:,} {verb} by the end ({d / n:.0%}), {n - d:,} left"),
                     L.t("评估所需运力与场所容量，提前调派或请求支援", "Size transport and capacity to the need; dispatch earlier or request support"),
                     L.join(seat_name(f, L, s) for s in seats) if seats else seat_name(f, L, None)])
    if k.get("supplies_requested_t"):
        share = k.get("supplies_delivered_share") or 0.0
        if share >= 1:
            good.append(L.t(f"物资需求 {L.num(k['supplies_requested_t'])} 吨全部送达", f"All {L.num(k['supplies_requested_t'])} t of supplies delivered"))
        else:
            plan.append([L.t(f"物资需求 {L.num(k['supplies_requested_t'])} 吨，送达 {L.num(k['supplies_delivered_t'])} 吨（{share:.0%}）",
                             f"{L.num(k['supplies_requested_t'])} t of supplies requested, {L.num(k['supplies_delivered_t'])} t delivered ({share:.0%})"),
                         L.t("核查分级储备与协议储备的调用时机", "Review when tiered stock and contract reserves are called"), seat_name(f, L, None)])
    if k.get("chemical_release") and (k.get("person_minutes_above_aegl2") or 0) > 0:
        places = L.join(L.t(f"{L.place(p)}（{L.num(int(v['people']))} 人，{L.num(v['person_minutes'])} 人·分钟）",
                            f"{L.place(p)} ({L.num(int(v['people']))} people, {L.num(v['person_minutes'])} person-min)")
                        for p, v in f.exposure_by_place.items() if v["person_minutes"] > 0)
        plan.append([L.t(f"AEGL-2 以上暴露累计 {L.num(k['person_minutes_above_aegl2'])} 人·分钟：{places}",
                         f"{L.num(k['person_minutes_above_aegl2'])} person-minutes above AEGL-2: {places}"),
                     L.t("提前向下风向社区预警并组织就地避险或转移", "Warn downwind communities earlier; shelter in place or evacuate sooner"),
                     seat_name(f, L, None)])
    if f.orders_rejected:
        by_seat: dict[str, list[dict[str, Any]]] = {}
        for o in f.orders_rejected:
            by_seat.setdefault(str(o.get("by")), []).append(o)
        for seat, os in by_seat.items():
            reasons = L.t("；", "; ").join(sorted({L.text(o.get("reason")) for o in os if o.get("reason")}))
            plan.append([L.t(f"{len(os)} 条指令被拒绝（{reasons}）", f"{L.count(len(os), '', 'order')} refused ({reasons})"),
                         L.t("熟悉席位权限与可用资源", "Know the seat's authority and the resources it holds"), seat_name(f, L, seat)])
    elif k.get("orders_accepted"):
        good.append(L.t(f"下达指令 {k['orders_accepted']} 条，无被拒绝指令", f"{L.count(k['orders_accepted'], '', 'order')} given, none refused"))
    for n in f.notes:
        if n.get("rating") in ("需改进", "问题"):
            plan.append([L.t(f"评估员记录（{L.minute(n['t'])}）：", f"Evaluator note ({L.minute(n['t'])}): ") + str(n.get("text") or ""),
                         L.t("由评估组提出整改措施", "to be proposed by the evaluators"), seat_name(f, L, n.get("seat"))])
        elif n.get("rating") == "做得好":
            good.append(L.t(f"评估员记录（{L.minute(n['t'])}）：", f"Evaluator note ({L.minute(n['t'])}): ") + str(n.get("text") or ""))
    return good, plan


LIFE_SAFETY = ("被困", "trapped", "伤员", "casualties", "AEGL", "无力量到达", "never reached", "转移", "evacuat")


def deadline(issue: str, L: Lang) -> str:
    """Suggested deadline: 15 days where lives were at stake (rescue, casualties, exposure, unreached
    incidents, evacuation), else 30 days (procedures, plan, orders); a project convention, see docs/report.md."""
    if any(w in issue for w in LIFE_SAFETY):
        return L.t("15 日内", "within 15 days")
    return L.t("30 日内", "within 30 days")


def _findings(f: Facts, L: Lang) -> Section:
    good, plan = findings(f, L)
    blocks = [Block("h", text=L.t("做得好的方面", "Strengths"))]
    blocks.append(Block("list", items=good) if good else Block("p", text=L.t("存档数据中没有可列为优点的完成项。",
                                                                            "The data show no completed measure to list as a strength.")))
    blocks.append(Block("h", text=L.t("问题清单与整改计划", "Problems found and improvement plan")))
    if plan:
        blocks.append(Block("table", header=["#", L.t("问题（事实）", "Issue (what happened)"), L.t("整改措施", "Corrective action"),
                                             L.t("责任席位", "Owner seat"), L.t("建议期限", "Suggested deadline")],
                            rows=[[str(j + 1), *r, deadline(r[0], L)] for j, r in enumerate(plan)],
                            widths=[0.4, 4.2, 2.8, 1.8, 1.3]))
        blocks.append(Block("p", text=L.t(
            "问题一栏均来自存档事件；改进建议为通用建议，由评估组结合实际修订；责任席位取自事件（情况导入的接收席位、"
            "启动该响应级别的席位、发出转移指令的席位、评估记录关联的席位），无法从事件确定时为“待指定”。",
            "Each issue is taken from the archive's events; recommendations are generic and for the evaluators to refine; "
            "the responsible seat comes from the events (the inject's addressee, the seat that set that response level, the seat "
            "that ordered the evacuation, the seat a note is linked to) and is 'to be assigned' where the events do not say.")))
    else:
        blocks.append(Block("p", text=L.t("存档数据中未发现需改进的问题。", "The data show no issue needing improvement.")))
    return Section("findings", L.t("问题清单与整改计划", "Problems and improvement plan"), blocks)


def run_label(j: int) -> str:
    """A, B, ..., Z, AA, AB, ...: the runs of a comparison."""
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _compare(f: Facts, L: Lang, runs: list[dict[str, Any]], path: str) -> tuple[Section, dict[str, Any]]:
    """Side by side: every run's identity and score, every KPI, overlaid curves, and where each run
    first departs from run A (the report's own archive)."""
    from drillsim.report.charts import compare_specs

    labels = [run_label(j) for j in range(len(runs) + 1)]
    facts = [f, *[r["facts"] for r in runs]]
    blocks: list[Block] = [Block("p", text=L.t(
        f"对比 {len(facts)} 次演练；A 为本报告的演练，差值均为相对 A。", f"{len(facts)} runs compared; A is this report's "
        "drill and differences are relative to A."))]
    rows = []
    for lab, fx, p in zip(labels, facts, [path, *[r["path"] for r in runs]], strict=True):
        sc = fx.score.get("score")
        rows.append([lab, p, L.text(fx.meta.get("scenario_name")) or "—", str(fx.meta.get("seed", "—")),
                     L.t(f"{fx.duration:g} 分钟", f"{fx.duration:g} min"), L.num(sc),
                     f"{fx.meta['parent']} @ {L.minute(fx.meta.get('branch_at'))}" if fx.meta.get("parent") else "—"])
    blocks.append(Block("table", header=[L.t("演练", "Run"), L.t("存档", "Archive"), L.t("想定", "Scenario"),
                                         L.t("随机种子", "Seed"), L.t("时长", "Duration"), L.t("综合评分", "Score"),
                                         L.t("分支自", "Branched from")], rows=rows, widths=[0.5, 3, 2.2, 0.8, 1, 0.9, 2]))
    keys = [r["kpi"] for r in runs[0]["cmp"]["kpis"]]
    for r in runs[1:]:
        keys += [x["kpi"] for x in r["cmp"]["kpis"] if x["kpi"] not in keys]
    vals = [{x["kpi"]: x["b"] for x in r["cmp"]["kpis"]} for r in runs]
    a_vals = {x["kpi"]: x["a"] for x in runs[0]["cmp"]["kpis"]}
    krows, marks = [], []
    for k in keys:
        row = [a_vals.get(k), *[v.get(k) for v in vals]]
        if all(x in (None, {}) for x in row) or (k not in ZERO_MEANINGFUL and all(
                x in (None, {}, 0, False) for x in row)):
            continue
        name = L.kpi(k)
        cells = [kpi_value(L, k, x) for x in row]
        if len(runs) == 1:  # two runs: also the difference
            a, b = row
            d = round(b - a, 4) if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
                and not isinstance(a, bool) else None
            cells.append("" if d in (None, 0) else f"{d:+g}")
        krows.append([name, *cells])
        marks.append("" if all(x == row[0] for x in row) else "warn")
    header = [L.t("指标", "KPI"), *labels] + ([L.t("差值 B-A", "B − A")] if len(runs) == 1 else [])
    blocks.append(Block("h", text=L.t("指标对比", "KPIs side by side")))
    blocks.append(Block("table", header=header, rows=krows, marks=marks, widths=[3] + [1.3] * (len(header) - 1)))
    specs = compare_specs(facts, labels, L)
    blocks.append(Block("h", text=L.t("过程曲线叠加", "Curves overlaid")))
    blocks += [Block("chart", chart=k, text=spec.caption) for k, spec in specs.items()]
    blocks.append(Block("h", text=L.t("首次分歧", "Where the runs first diverge")))
    drows = []
    for lab, r in zip(labels[1:], runs, strict=True):
        d = r["cmp"].get("first_divergence")
        if d is None:
            drows.append([f"A / {lab}", L.t("事件流完全一致", "identical event streams"), "—", "—"])
            continue
        ea, eb = d.get("a"), d.get("b")
        drows.append([f"A / {lab}", L.t(f"事件 seq {d['seq']}", f"event seq {d['seq']}"), L.minute(d.get("t")),
                      f"A: {ea['type'] if ea else L.t('（已结束）', '(ended)')} · {lab}: "
                      f"{eb['type'] if eb else L.t('（已结束）', '(ended)')}"])
    blocks.append(Block("table", header=[L.t("对比", "Pair"), L.t("位置", "Where"), L.t("时间", "Time"),
                                         L.t("两边的事件", "Events on each side")], rows=drows, widths=[0.8, 1.3, 1.3, 5]))
    if any(r["cmp"].get("first_divergence") is None for r in runs):
        blocks.append(Block("p", text=L.t("事件流完全一致的演练，其指标和曲线与 A 相同。",
                                          "A run whose event stream is identical to A's has the same KPIs and curves.")))
    return Section("compare", L.t("多次演练对比", "Comparison of runs"), blocks), specs
