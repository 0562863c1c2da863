"""The words people read about events, orders and KPIs: one home, Chinese and English side by side.

The report (:mod:`drillsim.report`), the app's event log and seat window (:mod:`drillsim.gui`) and
the terminal (the run summary, ``drillsim batch``, ``drillsim seat``, ``drillsim replay``) all say
an event, an order or a KPI with these words, so they say the same thing. The module sits in the
exercise layer, below all of them, and imports neither Qt nor the engine (only, lazily, the data catalogue).

- :func:`describe` / :class:`EventWords`: one sentence for an event (``EventWords`` also keeps the
  context a few sentences need: where a departing unit is heading comes from its last
  ``unit.status``). Every event type the engine emits has a sentence (a test runs each shipped
  scenario and checks); an unknown type falls back to its ``key=value`` pairs.
- :data:`OP_LABELS`: the orders of :data:`drillsim.exercise.order_file.ALL_OPS` as a reader names them.
- :data:`KPI_LABELS`, :data:`COMPONENT_LABELS`, :func:`kpi_label`: KPIs and score components.
- Small vocabularies (:data:`UNIT_STATUS`, :data:`ROAD_STATUS`, :data:`TASK_KINDS`, :data:`TIERS`,
  :data:`SEAT_KINDS`, :data:`PLACE_KINDS`, :data:`HAZARD_FIELDS`, :data:`DAMAGE_STATES`, ...) read
  with :func:`label`; :func:`plan_metric` (a plan's reason for a level), :func:`count` (English plurals).
- Words that live beside the data they name are read from it: :func:`channel_label`
  (``resources/data/exercise.yaml``), :func:`unit_type_label`, :func:`substance_name`,
  :func:`flood_classes`. Names of places, incidents, seats, hazards and supplies come from a
  :class:`Names` (:class:`SimNames` live, :class:`TableNames` for the report): a sentence never
  shows an id where a name exists (units, injects and the roads an order names stay ids).

Every table maps a key to ``(zh, en)``. English words are stored as they stand inside a sentence
(lower case); ``label(..., cap=True)`` gives the form for a table cell, a legend or a menu.
A language is ``"zh"`` or ``"en"``; ``None`` means the current one (:func:`drillsim.core.i18n.lang`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drillsim.core import i18n
from drillsim.hazards import words as _hazard_words

Pair = tuple[str, str]
Labels = dict[str, Pair]

# ---------------------------------------------------------------------- orders
OP_LABELS: Labels = {
    "dispatch": ("调派队伍", "dispatch a team"), "move_supplies": ("调运物资", "move supplies"),
    "open_shelter": ("开放避难场所", "open a shelter"), "close_shelter": ("关闭避难场所", "close a shelter"),
    "evacuate": ("组织转移", "evacuate"), "evacuate_area": ("区域转移", "evacuate an area"),
    "close_road": ("交通管制", "close a road"), "open_road": ("解除管制", "reopen a road"),
    "recall": ("召回队伍", "recall a team"), "activate_contract": ("启动协议储备", "activate a contract reserve"),
    "start_production": ("启动产能储备", "start production"), "set_response_level": ("启动/调整响应级别", "set the response level"),
    "issue_warning": ("发布预警", "issue a warning"), "request_support": ("请求支援", "request support"),
    "approve_request": ("批复支援请求", "approve a request"),
}
"""Every order a trainee can give (``ALL_OPS``; a test checks none is missing), as a reader names it."""

# ---------------------------------------------------------------------- KPIs
KPI_LABELS: Labels = {
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
"""Every KPI of :meth:`drillsim.response.kpis.KpiTracker.summary` and the score (a test checks)."""
COMPONENT_LABELS: Labels = {
    "organisation": ("组织指挥", "Organisation"), "plan": ("预案执行", "Plan"), "rescue": ("搜救", "Rescue"),
    "medical": ("医疗救治", "Medical"), "evacuation": ("转移安置", "Evacuation"),
    "supplies": ("物资保障", "Supplies"), "exposure": ("危化品暴露", "Exposure"),
}
"""The score's components (:func:`drillsim.exercise.scoring.score`)."""

# ---------------------------------------------------------------------- vocabularies
UNIT_STATUS: Labels = {"idle": ("待命", "idle"), "enroute": ("出动途中", "en route"), "working": ("现场处置", "on scene"),
                       "transporting": ("转运中", "transporting"), "returning": ("返回驻地", "returning"),
                       "stuck": ("受阻", "stuck"), "recalled": ("已撤回", "recalled")}
ROAD_STATUS: Labels = {"open": ("通行", "open"), "damaged": ("受损", "damaged"), "closed": ("中断", "closed"),
                       "flooded": ("淹没", "flooded"), "contaminated": ("污染", "contaminated")}
TASK_KINDS: Labels = {"rescue": ("搜救", "rescue"), "transport": ("伤员转运", "casualty transport"),
                      "deliver": ("物资配送", "supply delivery"), "clear_road": ("道路抢通", "road clearing"),
                      "evacuate": ("群众转移", "evacuation"), "suppress": ("灭火", "fire suppression")}
INJECT_STATUS: Labels = {"ready": ("待发", "ready"), "sent": ("已下发", "sent"), "answered": ("已响应", "answered"),
                         "missed": ("超时未响应", "missed"), "cancelled": ("已取消", "cancelled")}
WARNING_COLORS: Labels = {"red": ("红色", "red"), "orange": ("橙色", "orange"), "yellow": ("黄色", "yellow"),
                          "blue": ("蓝色", "blue")}
HAZARDS: Labels = {"chemical": ("危化品泄漏", "chemical release"), "earthquake": ("地震", "earthquake"),
                   "flood": ("洪水", "flood"), "wildfire": ("森林火灾", "wildfire")}
RESPONSE_LEVELS: Labels = {"I": ("Ⅰ级", "level I"), "II": ("Ⅱ级", "level II"), "III": ("Ⅲ级", "level III"),
                           "IV": ("Ⅳ级", "level IV")}
ADVICE: Labels = {"shelter_in_place": ("就地避险", "shelter in place"), "evacuate": ("撤离", "evacuate")}
DIRECTOR: Labels = {"pause": ("全体暂停", "pause for all"), "resume": ("继续推演", "resume"),
                    "speed": ("调整推演速度", "speed changed")}
SUPPLY_CAUSES: Labels = {"contract": ("协议储备", "contract reserve"), "production": ("产能储备", "production")}
PLACE_FLAGS: Labels = {"warning": ("预警", "warning"), "warned_share": ("预警覆盖率", "share warned"),
                       "flood_hazard": ("洪水危险等级", "flood hazard"), "wildfire": ("森林火灾", "wildfire")}
FLAG_VALUES: Labels = {"burning": ("过火", "burning"), "threatened": ("受威胁", "threatened"), "none": ("无", "none")}
PLACE_KINDS: Labels = {"depot": ("物资库", "depot"), "shelter": ("避难场所", "shelter"), "hospital": ("医院", "hospital"),
                       "community": ("社区/村", "community"), "plant": ("化工企业", "chemical plant"), "forest": ("林场", "forest"),
                       "reservoir": ("水库", "reservoir"), "command_post": ("指挥部", "command post"),
                       "station": ("队伍驻地", "station")}
"""The sections of a scenario's ``places`` (docs/scenario-format.md#places)."""
SEAT_KINDS: Labels = {"hq": ("指挥部", "HQ"), "team": ("队伍", "team")}
TIERS: Labels = {"区": ("区级", "regional"), "市": ("市级", "city"), "县": ("县级", "county"), "乡镇": ("乡镇级", "township"),
                 "村": ("村级", "village"), "-": ("其他", "other")}
"""Command levels and reserve tiers (区/市/县/乡镇/村), as in ``supplies_loaded_by_tier`` or a seat's level."""
HAZARD_FIELDS: Labels = {
    "intensity": ("烈度", "intensity"), "intensity_roman": ("烈度", "intensity"), "pga_g": ("峰值加速度 (g)", "PGA (g)"),
    "ppm": ("浓度 (ppm)", "concentration (ppm)"), "concentration_mg_m3": ("浓度 (mg/m³)", "concentration (mg/m³)"),
    "zone": ("毒气分区", "toxic zone"), "substance": ("物质", "substance"), "stability": ("大气稳定度", "stability class"),
    "depth_m": ("水深 (m)", "water depth (m)"), "velocity_m_s": ("流速 (m/s)", "flow speed (m/s)"),
    "hazard_rating": ("洪水危险等级", "flood hazard"), "hr": ("危险指数 HR", "hazard rating HR"),
    "arrival_min": ("火线到达 (分钟)", "fire arrival (min)"), "reached": ("火线到达", "fire arrived"),
    "spread_rate_m_min": ("蔓延速度 (m/min)", "spread rate (m/min)"), "flame_length_m": ("火焰长度 (m)", "flame length (m)"),
}
"""Hazard fields (``Hazard.fields``: the map's tooltip; ``hazard.chain``'s ``field``, the one a chain trigger watches)."""
CHAIN_FIELDS = HAZARD_FIELDS
FIRE_MODELS: Labels = {"rothermel": ("Rothermel 模型", "Rothermel model"), "wangzhengfei": ("王正非模型", "Wang Zhengfei model"),
                       "wang": ("王正非模型", "Wang Zhengfei model")}
DAMAGE_STATES: Labels = _hazard_words.DAMAGE_STATES
"""Damage states of buildings and bridges (HAZUS slight / moderate / extensive / complete); the table lives in
:mod:`drillsim.hazards.words`, which names the hazards' own incidents with it."""
ROAD_CAUSES: Labels = {"debris": ("建筑倒塌堵路", "debris"), "landslide": ("滑坡", "landslide"), "bridge": ("桥梁", "bridge"),
                       "cleared": ("已消散", "cleared")}
PLAN_METRICS: Labels = {
    "deaths": ("死亡 {v} 人", "{v} dead"), "injured": ("受伤 {v} 人", "{v} injured"), "trapped": ("被困 {v} 人", "{v} trapped"),
    "affected": ("需转移 {v} 人", "{v} people to move"), "exposed": ("暴露人口 {v} 人", "{v} people exposed"),
    "magnitude": ("震级 {v}", "magnitude {v}"), "burned_ha": ("过火面积 {v} 公顷", "{v} ha burned"),
    "flooded_km2": ("淹没面积 {v} 平方公里", "{v} km² flooded"),
}
"""What a plan's level triggers measure (:mod:`drillsim.exercise.plan`), as ``plan.level_due``'s ``because`` reads."""
ORDER_ARGS: Labels = {
    "unit": ("队伍", "unit"), "units": ("队伍", "units"), "task": ("任务", "task"), "items": ("物资", "items"),
    "to": ("目的地", "to"), "from": ("起运地", "from"), "source": ("来源", "source"), "shelter": ("避难场所", "shelter"),
    "community": ("社区", "community"), "communities": ("社区", "communities"), "people": ("人数", "people"),
    "area": ("区域", "area"), "road": ("道路", "road"), "depot": ("物资库", "depot"), "item": ("物资", "item"),
    "level": ("级别", "level"), "color": ("颜色", "colour"), "channels": ("渠道", "channels"), "message": ("内容", "message"),
    "note": ("说明", "note"), "request": ("请求", "request"), "approve": ("批准", "approve"),
}
"""The arguments of :data:`drillsim.exercise.order_file.ORDER_ARGS`, for ``order.accepted`` sentences."""
INJECT_FIELDS: Labels = {
    "time_min": ("导入时间", "time"), "message": ("内容", "message"), "to": ("接收席位", "addressee"),
    "from": ("来源", "sender"), "deadline_min": ("时限", "deadline"), "expected_action": ("期望行动", "expected action"),
    "expected": ("期望行动", "expected action"), "effect": ("效果", "effect"), "objective": ("演练目标", "objective"),
    "type": ("类型", "type"), "delivery": ("送达方式", "delivery"),
}
"""The fields of an inject (docs/scenario-format.md#exercise-layer), as ``inject.edited`` names them."""
EVENT_GROUPS: Labels = {
    "incident": ("事件", "incident"), "task": ("任务", "task"), "unit": ("队伍", "unit"), "dispatch": ("调派", "dispatch"),
    "order": ("指令", "order"), "inject": ("情况导入", "inject"), "effect": ("情况导入", "inject"), "road": ("道路", "road"),
    "warning": ("预警", "warning"), "response": ("响应", "response"), "support": ("支援", "support"),
    "note": ("评估记录", "note"), "director": ("导演部", "director"), "earthquake": ("地震", "earthquake"),
    "chemical": ("危化品", "chemical"), "flood": ("洪水", "flood"), "wildfire": ("森林火灾", "wildfire"),
    "hazard": ("灾害", "hazard"), "shelter": ("避难场所", "shelter"), "hospital": ("医院", "hospital"),
    "supply": ("物资", "supplies"), "people": ("群众", "people"), "place": ("地点", "place"), "comms": ("通信", "comms"),
    "plan": ("预案", "plan"), "seats": ("席位", "seats"), "sim": ("推演", "drill"),
}
"""What kind of thing an event is about (the part of its type before the dot), for the event log's type column."""


def event_group(event_type: str, lang: str | None = None) -> str:
    """The event log's type column: ``unit.status`` -> 队伍 / Unit (the type itself if it is unknown)."""
    head = str(event_type).split(".", 1)[0]
    return label(EVENT_GROUPS, head, lang, cap=True) if head in EVENT_GROUPS else str(event_type)


def warning_channels() -> dict[str, Pair]:
    """Warning channels (``sms`` -> 预警短信 / SMS warning), named where they are defined:
    ``resources/data/exercise.yaml`` (``warning_channels``)."""
    global _CHANNELS
    if _CHANNELS is None:
        from drillsim.scenario import catalog

        try:
            data = catalog.load_data("exercise").get("warning_channels") or {}
        except (FileNotFoundError, OSError):
            data = {}
        _CHANNELS = {str(k): (str(v.get("zh") or k), str(v.get("en") or k)) for k, v in data.items() if isinstance(v, dict)}
    return _CHANNELS


_CHANNELS: dict[str, Pair] | None = None


def channel_label(key: Any, lang: str | None = None, cap: bool = False) -> str:
    """A warning channel as a reader names it (``village_loudspeaker`` -> 村村响(应急广播) / village loudspeaker)."""
    pair = warning_channels().get(str(key))
    if pair is None:
        return str(key)
    zh, en = pair
    if not cap and en[1:2].islower():  # "Village loudspeaker" inside a sentence; "SMS warning" keeps its capitals
        en = en[:1].lower() + en[1:]
    return label({"k": (zh, en)}, "k", lang, cap)


def flood_classes() -> Labels:
    """Flood hazard-rating classes (``low`` -> 注意 / caution), named where they are defined:
    ``resources/data/flood.yaml`` (``hazard_rating.classes``)."""
    global _FLOOD
    if _FLOOD is None:
        from drillsim.scenario import catalog

        try:
            classes = (catalog.load_data("flood").get("hazard_rating") or {}).get("classes") or []
        except (FileNotFoundError, OSError):
            classes = []
        _FLOOD = {str(c["class"]): (str(c.get("zh") or c["class"]), str(c.get("en") or c["class"]).lower())
                  for c in classes if isinstance(c, dict) and "class" in c}
    return _FLOOD


_FLOOD: Labels | None = None


def unit_type_label(key: Any, lang: str | None = None) -> str:
    """A unit type as named in ``resources/data/unit_types.yaml`` (``fire_rescue`` -> 综合消防救援 / Fire and rescue)."""
    from drillsim.scenario import catalog

    try:
        t = catalog.unit_types().get(str(key))
    except (FileNotFoundError, OSError):
        t = None
    return pick(t.get("name"), lang) if isinstance(t, dict) and t.get("name") else str(key)


def substance_name(key: Any, lang: str | None = None) -> str:
    """A substance as named in ``resources/data/substances.yaml`` (``chlorine`` -> 氯气 / Chlorine)."""
    from drillsim.scenario import catalog

    try:
        d = catalog.load_data("substances").get(str(key))
    except (FileNotFoundError, OSError):
        d = None
    return pick(d.get("name"), lang) if isinstance(d, dict) and d.get("name") else str(key)


def tier_stock(tier: Any, lang: str | None = None, cap: bool = False) -> str:
    """A reserve tier's stock: 市级实物储备 / city stock (``cap``: City stock)."""
    word = label(TIERS, tier or "-", lang, cap)
    return f"{word}实物储备" if lang_of(lang) == "zh" else f"{word} stock"


def field_text(key: Any, value: Any, lang: str | None = None) -> str:
    """A hazard field at a point, as read: 烈度 VII, 水深 (m) 1.2, 洪水危险等级 对多数人危险."""
    if key == "hazard_rating":
        value = label(flood_classes(), value, lang)
    elif key == "substance":
        value = substance_name(value, lang)
    elif isinstance(value, float):
        value = num(value, 3)
    sep = "：" if lang_of(lang) == "zh" else ": "
    return f"{label(HAZARD_FIELDS, key, lang)}{sep}{value}"


def flag_text(key: Any, value: Any, lang: str | None = None) -> str:
    """A place's flag (``place.flag``; the map's tooltip): 预警：橙色, 洪水危险等级：注意, 预警覆盖率：85%."""
    if key == "warning":
        v = label(WARNING_COLORS, value, lang)
    elif key == "warned_share" and isinstance(value, (int, float)):
        v = f"{value:.0%}"
    elif key == "flood_hazard" and value != "none":
        v = label(flood_classes(), value, lang)
    else:
        v = label(FLAG_VALUES, value, lang)
    sep = "：" if lang_of(lang) == "zh" else ": "
    return f"{label(PLACE_FLAGS, key, lang)}{sep}{v}"


def plan_metric(key: Any, value: Any, lang: str | None = None) -> str:
    """One reason a plan gives for a response level (``magnitude`` 6 -> 震级 6.0 / magnitude 6.0)."""
    v = _magnitude(value) if key == "magnitude" else num(value, 2)
    pair = PLAN_METRICS.get(str(key))
    if pair is None:
        return f"{key} {v}"
    return (pair[1] if lang_of(lang) == "en" else pair[0]).format(v=v)


def count(n: Any, zh_unit: str, en_one: str, en_many: str | None = None, lang: str | None = None) -> str:
    """``n`` things: 3 个社区 / 1 community / 3 communities (``en_many`` defaults to ``en_one`` + s)."""
    if lang_of(lang) == "zh":
        return f"{num(n)} {zh_unit}"
    one = isinstance(n, (int, float)) and not isinstance(n, bool) and n == 1
    return f"{num(n)} {en_one if one else (en_many or en_one + 's')}"


def lang_of(lang: str | None = None) -> str:
    """``"zh"`` or ``"en"``: ``lang`` if given, else the current language."""
    return "en" if str(lang or i18n.lang()).lower().startswith("en") else "zh"


def pick(text: Any, lang: str | None = None) -> str:
    """A ``{"zh", "en"}`` text in ``lang`` (the other one if that is empty); anything else as a string."""
    if isinstance(text, dict):
        lg = lang_of(lang)
        return str(text.get(lg) or text.get("zh") or text.get("en") or "")
    return "" if text is None else str(text)


def label(table: Labels, key: Any, lang: str | None = None, cap: bool = False) -> str:
    """``key`` as ``table`` names it in ``lang`` (the key itself if it is not there); ``cap``: with a capital
    first letter, for a table cell, a legend or a menu (English only)."""
    pair = table.get(str(key))
    word = (pair[1] if lang_of(lang) == "en" else pair[0]) if pair else str(key)
    return word[:1].upper() + word[1:] if cap else word


def op_label(op: Any, lang: str | None = None, cap: bool = False) -> str:
    """An order as a reader names it (``set_response_level`` -> 启动/调整响应级别 / set the response level)."""
    return label(OP_LABELS, op, lang, cap)


SHARE_KPIS = frozenset({"rescued_within_72h_share", "supplies_delivered_share", "unit_utilisation"})
"""KPIs that are a share 0..1, read as a percentage (terminal tables and the report); every other
number is in the unit its label names."""


def kpi_label(key: str, lang: str | None = None) -> str:
    """A KPI's name; also the flattened keys of batch results: ``score_components.rescue`` (评分·搜救 /
    Score: Rescue) and ``supplies_loaded_by_tier.县`` (按储备层级装运(件) · 县级 / Items loaded by reserve tier · county)."""
    if key in KPI_LABELS:
        return label(KPI_LABELS, key, lang)
    head, _, sub = key.partition(".")
    if sub and head == "score_components" and sub in COMPONENT_LABELS:
        zh, en = COMPONENT_LABELS[sub]
        return f"评分·{zh}" if lang_of(lang) == "zh" else f"Score: {en}"
    if sub and head == "supplies_loaded_by_tier":
        return f"{label(KPI_LABELS, head, lang)} · {label(TIERS, sub, lang)}"
    if sub and head in KPI_LABELS:
        return f"{label(KPI_LABELS, head, lang)} · {sub}"
    return key


def num(v: Any, nd: int = 1) -> str:
    """A number in a sentence: floats rounded to ``nd`` decimals, trailing zeros dropped, thousands
    separated (``35,810``, ``4.2``, ``0.12``); never in exponent form; anything else as a string."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return "-" if v is None else str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if v != v or v in (float("inf"), float("-inf")):
        return str(v)
    s = f"{v:,.{nd}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def clock(t: float | None) -> str:
    """Sim minutes as ``T+HH:MM`` (the same in both languages)."""
    if t is None:
        return "-"
    t = max(0.0, float(t))
    h, m = divmod(int(round(t)), 60)
    return f"T+{h:02d}:{m:02d}"


def kv_text(d: dict[str, Any], limit: int = 120) -> str:
    """The fallback for an event type without a sentence: ``key=value`` for the scalar fields."""
    return ", ".join(f"{k}={num(v, 3)}" for k, v in d.items() if not isinstance(v, (dict, list)))[:limit]


# ---------------------------------------------------------------------- names
class Names:
    """Names for the sentences: places, incidents, seats, hazards, supplies. This one knows none: the ids stand."""

    def name(self, kind: str, key: Any) -> Any:
        """The name (a str or a ``{"zh", "en"}`` text) of ``key``, a ``"place"``, ``"incident"``, ``"seat"``,
        ``"hazard"`` or ``"supply"``, or the unit a supply is counted in (``"supply_unit"``); None when unknown."""
        return None


class TableNames(Names):
    """Names from plain tables, id -> text (the report: seats from the archive's ``seats`` event, the rest
    from the archived scenario and its map)."""

    def __init__(self, places: dict[str, Any] | None = None, incidents: dict[str, Any] | None = None,
                 seats: dict[str, Any] | None = None, hazards: dict[str, Any] | None = None,
                 supplies: dict[str, Any] | None = None, supply_units: dict[str, Any] | None = None) -> None:
        self.tables = {"place": places or {}, "incident": incidents or {}, "seat": seats or {}, "hazard": hazards or {},
                       "supply": supplies or {}, "supply_unit": supply_units or {}}

    def name(self, kind: str, key: Any) -> Any:
        return self.tables.get(kind, {}).get(key)


class SimNames(Names):
    """Names from a running simulation (places, incidents, hazards, supplies) and its session (seats), looked up live."""

    def __init__(self, sim: Any = None, session: Any = None) -> None:
        self.sim = sim
        self.session = session

    def name(self, kind: str, key: Any) -> Any:
        sim = self.sim
        if kind == "place" and sim is not None:
            obj = sim.world.places.get(key)
        elif kind == "incident" and sim is not None:
            obj = sim.board.incidents.get(key)
        elif kind == "seat" and self.session is not None:
            obj = self.session.seats.seats.get(key)
        elif kind == "hazard" and sim is not None:
            h = sim.hazards.get(key)
            return (h.spec.get("name") or None) if h is not None else None
        elif kind in ("supply", "supply_unit") and sim is not None:
            item = sim.scenario.supplies.get(key)
            if item is None:
                return None
            return item.name if kind == "supply" else (item.unit or None)
        else:
            return None
        return obj.name if obj is not None else None


# ---------------------------------------------------------------------- sentences
class Say:
    """What a formatter works with: the language, the names, and helpers that read both."""

    __slots__ = ("lang", "names", "words")

    def __init__(self, words: EventWords, lang: str) -> None:
        self.words = words
        self.lang = lang
        self.names = words.names

    def t(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def f(self, zh: str, en: str, **kw: Any) -> str:
        """The template in this language, filled in."""
        return (en if self.lang == "en" else zh).format(**kw)

    def lab(self, table: Labels, key: Any) -> str:
        return label(table, key, self.lang)

    def pick(self, text: Any) -> str:
        return pick(text, self.lang)

    def join(self, items: Any) -> str:
        return ("、" if self.lang == "zh" else ", ").join(items)

    def _named(self, kind: str, key: Any) -> str:
        n = self.names.name(kind, key)
        return pick(n, self.lang) if n else str(key)

    def place(self, pid: Any) -> str:
        return "-" if pid is None else self._named("place", pid)

    def incident(self, iid: Any) -> str:
        return self._named("incident", iid)

    def seat(self, sid: Any) -> str:
        if sid in (None, ""):
            return "-"
        if sid == "director":
            return self.t("导演部", "Director")
        if sid == "auto":
            return self.t("自动调派", "Auto-dispatch")
        return self._named("seat", sid)

    def hazard(self, hid: Any) -> str:
        return "-" if hid in (None, "") else self._named("hazard", hid)

    def task(self, tid: Any, kind: str | None = None) -> str:
        """A task as ``incident name（kind）`` when the incident's name is known (task ids are
        ``INCIDENT/KIND``), else its id (what ``drillsim seat`` types), with the kind if given."""
        if tid in (None, ""):
            return "-"
        inc, _, suffix = str(tid).rpartition("/")
        name = self.names.name("incident", inc) if inc else None
        if name and (kind or suffix in TASK_KINDS):
            return self.f("{name}（{kind}）", "{name} ({kind})", name=pick(name, self.lang),
                          kind=self.lab(TASK_KINDS, kind or suffix))
        if not kind:  # no name: the id stands (what ``drillsim seat`` types)
            return str(tid)
        return self.f("{tid}（{kind}）", "{tid} ({kind})", tid=tid, kind=self.lab(TASK_KINDS, kind))

    def supply(self, item: Any, quantity: Any = None) -> str:
        """A supply by its catalogue name, with a quantity in its unit: 帐篷 300 顶 / Tent 300 pcs."""
        n = self.names.name("supply", item)
        name = pick(n, self.lang) if n else str(item)
        if quantity is None:
            return name
        unit = self.names.name("supply_unit", item)
        unit = pick(unit, self.lang) if unit else ""
        return f"{name} {num(quantity)}" + (f" {unit}" if unit else "")

    def items(self, items: dict[str, Any] | None) -> str:
        return self.join(self.supply(k, v) for k, v in (items or {}).items())

    def count(self, n: Any, zh_unit: str, en_one: str, en_many: str | None = None) -> str:
        return count(n, zh_unit, en_one, en_many, self.lang)


Formatter = Callable[[Say, Any, dict[str, Any]], str]


class EventWords:
    """Sentences for events. ``names`` (a :class:`Names`) supplies names of places, incidents and seats;
    ``lang`` fixes the language (None: the current one at each call, so a language switch shows at once).

    Feed every event in time order to :meth:`observe` (the event log does) so that departures know
    where the unit is going; :meth:`text` without that still gives a sentence.
    """

    def __init__(self, names: Names | None = None, lang: str | None = None) -> None:
        self.names = names or Names()
        self.lang = lang
        self._unit_task: dict[str, tuple[str, Any]] = {}
        self._depart: dict[tuple[int, float, str], tuple[str, Any]] = {}
        """Per departure (seq, t, unit): the unit's status and task when it left."""
        self._say = {lg: Say(self, lg) for lg in ("zh", "en")}

    def reset(self, names: Names | None = None) -> None:
        """Forget the context (a new run or archive); ``names``: new names."""
        self.__init__(names, self.lang)

    def observe(self, ev: Any) -> None:
        d = ev.data
        if ev.type == "unit.status":
            self._unit_task[str(d.get("unit"))] = (str(d.get("status", "")), d.get("task"))
        elif ev.type == "dispatch":
            self._unit_task[str(d.get("unit"))] = ("enroute", d.get("task"))
        elif ev.type == "unit.depart":
            self._depart[_depart_key(ev)] = self._unit_task.get(str(d.get("unit")), ("", None))

    def text(self, ev: Any, lang: str | None = None) -> str:
        """One sentence for ``ev`` (anything with ``.type`` and ``.data``) in ``lang``."""
        f = FORMATS.get(ev.type)
        if f is None and ev.type.startswith("director."):
            f = _director
        if f is not None:
            try:
                return f(self._say[lang_of(lang or self.lang)], ev, ev.data)
            except Exception:  # noqa: BLE001 - a malformed event still gets a line
                pass
        return kv_text(ev.data)

    def task_text(self, tid: Any, lang: str | None = None) -> str:
        """A task as the sentences say it: its incident's name and its kind (the id without names)."""
        return self._say[lang_of(lang or self.lang)].task(tid)


def describe(ev: Any, lang: str | None = None, names: Names | None = None) -> str:
    """One sentence for ``ev`` in ``lang`` (no context: a departure does not say where to)."""
    return EventWords(names).text(ev, lang)


def has_sentence(event_type: str) -> bool:
    """Whether ``event_type`` has a sentence of its own (else :func:`kv_text` stands in)."""
    return event_type in FORMATS or event_type.startswith("director.")


# ---------------------------------------------------------------------- formatters
def _depart_key(ev: Any) -> tuple[int, float, str]:
    return (getattr(ev, "seq", 0), getattr(ev, "t", 0.0), str(ev.data.get("unit")))


def _depart(s: Say, ev: Any, d: dict[str, Any]) -> str:
    status, task = s.words._depart.get(_depart_key(ev), ("", None))
    unit, eta = d.get("unit"), clock(d.get("eta"))
    if status == "returning":
        return s.f("{unit} 返回驻地，预计 {eta} 到达", "{unit} returning to base, ETA {eta}", unit=unit, eta=eta)
    if task:
        return s.f("{unit} 出发前往 {dest}，预计 {eta} 到达", "{unit} sets off for {dest}, ETA {eta}",
                   unit=unit, dest=s.task(task), eta=eta)
    return s.f("{unit} 出发，预计 {eta} 到达", "{unit} sets off, ETA {eta}", unit=unit, eta=eta)


def _status(s: Say, ev: Any, d: dict[str, Any]) -> str:
    unit, status = d.get("unit"), s.lab(UNIT_STATUS, d.get("status", ""))
    if d.get("task"):
        return s.f("{unit} {status}（{task}）", "{unit} {status} ({task})", unit=unit, status=status, task=s.task(d["task"]))
    return f"{unit} {status}"


def _need(s: Say, kind: str, v: Any) -> str:
    """One need of an incident (``incident.new``'s ``needs``; docs/scenario-format.md#incidents)."""
    if kind == "rescue":
        return s.f("搜救 {n} 人", "{n} to rescue", n=num(v))
    if kind == "transport":
        return s.f("转运伤员 {n} 人", "{n} to carry to hospital", n=num(v))
    if kind == "deliver":
        if isinstance(v, dict) and isinstance(v.get("items"), dict):
            out = s.f("配送 {items}", "deliver {items}", items=s.items(v["items"]))
            if v.get("to"):
                out += s.f(" 至 {to}", " to {to}", to=s.place(v["to"]))
            return out + (s.f("（自 {frm}）", " (from {frm})", frm=s.place(v["from"])) if v.get("from") else "")
        return s.f("配送 {items}", "deliver {items}", items=s.items(v) if isinstance(v, dict) else num(v))
    if kind == "suppress":
        hid = v.get("hazard") if isinstance(v, dict) else v
        return s.f("扑救 {fire}", "put out {fire}", fire=s.hazard(hid))
    if kind == "clear_road":
        return s.t("抢通道路", "clear a road")
    if kind in ("evacuate", "shelter"):
        where, people = (v.get("community"), v.get("people")) if isinstance(v, dict) else (v, None)
        if kind == "shelter":
            return s.f("安置 {place} {n} 人", "shelter {n} from {place}", place=s.place(where), n=num(people))
        if people is None:
            return s.f("转移 {place} 群众", "evacuate {place}", place=s.place(where))
        return s.f("转移 {place} {n} 人", "evacuate {n} from {place}", place=s.place(where), n=num(people))
    return f"{s.lab(TASK_KINDS, kind)} {num(v)}"


def _incident_new(s: Say, ev: Any, d: dict[str, Any]) -> str:
    needs = s.join(_need(s, str(k), v) for k, v in (d.get("needs") or {}).items())
    out = s.f("新事件：{name}（优先级 {priority}）", "New incident: {name} (priority {priority})",
              name=s.pick(d.get("name") or d.get("id")), priority=d.get("priority", "-"))
    if d.get("place"):
        out += s.f("，地点 {place}", ", at {place}", place=s.place(d["place"]))
    return out + (s.f("，需要 {needs}", ", needs {needs}", needs=needs) if needs else "")


def _places(s: Say, v: Any, most: int = 3) -> str:
    """Communities or places by name: ``all`` -> 全部, a list -> the first few and how many more."""
    if v in ("all", None):
        return s.t("全部", "all")
    if isinstance(v, str):
        return s.place(v)
    v = list(v)
    out = s.join(s.place(p) for p in v[:most])
    more = len(v) - most
    return out + (s.f("等 {n} 个", " and {n} more", n=more) if more > 0 else "")


def _arg(s: Say, op: str, key: str, v: Any) -> str:
    """An order argument's value as read: names for places, seats and supplies, words for enums."""
    if isinstance(v, bool):
        return s.t("是", "yes") if v else s.t("否", "no")
    if key == "task":
        return s.task(v)
    if key == "items" and isinstance(v, dict):
        return s.items(v)
    if key == "item":
        return s.supply(v)
    if key == "to" and op == "request_support":
        return s.seat(v)
    if key in ("to", "from", "source", "shelter", "community", "depot"):
        return s.place(v)
    if key == "communities":
        return _places(s, v)
    if key == "area":
        return s.t("全部", "all") if v == "all" else s.place(v)
    if key == "channels":
        return s.join(channel_label(c, s.lang) for c in (v if isinstance(v, list) else [v]))
    if key == "level":
        return s.t("终止响应", "none") if v in ("none", None) else s.lab(RESPONSE_LEVELS, v)
    if key == "color":
        return s.lab(WARNING_COLORS, v)
    if isinstance(v, dict) and set(v) <= {"zh", "en"}:
        return s.pick(v)
    if isinstance(v, (list, tuple)):
        return s.join(str(x) for x in v)
    return num(v)


def _order(s: Say, ev: Any, d: dict[str, Any]) -> str:
    op = str(d.get("op"))
    args = d.get("args") or {}
    parts = [f"{s.lab(ORDER_ARGS, k)} {_arg(s, op, k, v)}" for k, v in args.items()
             if v not in (None, "", [], {}) and k != "already" and not (op == "evacuate_area" and k == "communities")]
    if args.get("already"):  # the unit was on that task already: the order confirms it
        parts.append(s.t("已在执行", "already on it"))
    brief = s.t("，", ", ").join(parts)
    if len(brief) > 160:
        brief = brief[:159] + "…"
    return s.f("{seat} 下达指令“{op}”：{args}", "{seat} ordered '{op}': {args}",
               seat=s.seat(d.get("by")), op=s.lab(OP_LABELS, op), args=brief) if brief else \
        s.f("{seat} 下达指令“{op}”", "{seat} ordered '{op}'", seat=s.seat(d.get("by")), op=s.lab(OP_LABELS, op))


def _road_cause(s: Say, cause: Any) -> str:
    """Why roads changed (``road.state``'s ``cause``): an order, an inject, a hazard, a team clearing it."""
    c = str(cause or "")
    if c.startswith("cleared by "):
        return s.f("{unit} 抢通", "cleared by {unit}", unit=c[len("cleared by "):])
    kind, _, rest = c.partition(":")
    if kind == "order":
        return s.f("{seat} 下令", "ordered by {seat}", seat=s.seat(rest))
    if kind == "inject":
        return s.f("情况导入 {id}", "inject {id}", id=rest)
    if kind in HAZARDS:
        hid, _, what = rest.partition(":")
        out = s.hazard(hid) if hid else s.lab(HAZARDS, kind)
        if what:
            head, _, ds = what.partition(":")
            detail = s.lab(ROAD_CAUSES, head)
            if ds:
                detail = s.f("{what}{ds}", "{what}, {ds}", what=detail, ds=s.lab(DAMAGE_STATES, ds))
            out = s.f("{h}，{d}", "{h}: {d}", h=out, d=detail)
        return out
    if kind == "chain":
        return s.f("由 {ref} 引发", "triggered by {ref}", ref=s.hazard(rest))
    n = s.names.name("hazard", c)  # a hazard's own id (a flood names itself)
    return s.pick(n) if n else c


def _road(s: Say, ev: Any, d: dict[str, Any]) -> str:
    n = len(d.get("roads") or [])
    return s.f("{n} 条道路{status}（{cause}）", "{roads} {status} ({cause})", n=n, roads=s.count(n, "条道路", "road"),
               status=s.lab(ROAD_STATUS, d.get("status", "")), cause=_road_cause(s, d.get("cause")))


def _director(s: Say, ev: Any, d: dict[str, Any]) -> str:
    what = ev.type.split(".", 1)[1]
    out = s.f("导演部：{action}", "Director: {action}", action=s.lab(DIRECTOR, what))
    return out + (f" {d['speed']}x" if d.get("speed") is not None else "")


def _level(s: Say, ev: Any, d: dict[str, Any]) -> str:
    lvl = d.get("level")
    if not lvl:
        return s.f("{seat} 终止应急响应", "{seat} ended the response", seat=s.seat(d.get("by")))
    return s.f("{seat} 启动{level}应急响应", "{seat} activated a {level} response", seat=s.seat(d.get("by")),
               level=s.lab(RESPONSE_LEVELS, lvl))


def _hazard_cause(s: Say, cause: Any) -> str:
    kind, _, ref = str(cause).partition(":")
    if kind == "scheduled":
        return s.t("按想定", "as scheduled")
    if kind == "chain" and ref:
        return s.f("由 {ref} 引发", "triggered by {ref}", ref=s.hazard(ref))
    if kind == "inject" and ref:
        return s.f("情况导入 {ref}", "inject {ref}", ref=ref)
    return str(cause)


def _hazard_started(s: Say, ev: Any, d: dict[str, Any]) -> str:
    out = s.f("灾害 {id}（{kind}）开始", "Hazard {id} ({kind}) starts", id=s.hazard(d.get("id")), kind=s.lab(HAZARDS, d.get("hazard")))
    if d.get("cause"):
        out += s.f("，起因：{cause}", ", cause: {cause}", cause=_hazard_cause(s, d["cause"]))
    return out


def _chain(s: Say, ev: Any, d: dict[str, Any]) -> str:
    where = s.place(d.get("place"))
    if d.get("field"):
        where += s.f("，{field} {value}", ", {field} {value}", field=s.lab(CHAIN_FIELDS, d["field"]), value=num(d.get("value"), 2))
    return s.f("次生灾害：{source} 引发 {target}（{where}）", "Secondary hazard: {source} triggered {target} ({where})",
               source=s.hazard(d.get("source")), target=s.hazard(d.get("target")), where=where)


def _chem_release(s: Say, ev: Any, d: dict[str, Any]) -> str:
    name = s.pick(d.get("name") or d.get("substance"))
    out = s.f("{name}泄漏", "{name} release", name=name)
    if d.get("plant"):
        out += s.f("（{place}）", " ({place})", place=s.place(d["plant"]))
    if d.get("rate_kg_s"):
        out += s.f("，速率 {v} kg/s", ", {v} kg/s", v=num(d["rate_kg_s"], 2))
    if d.get("mass_kg"):
        out += s.f("，总量 {v} kg", ", {v} kg", v=num(d["mass_kg"], 2))
    if d.get("duration_min"):
        out += s.f("，持续 {v} 分钟", " for {v} min", v=num(d["duration_min"], 2))
    if d.get("stability"):
        out += s.f("，大气稳定度 {v}", ", stability class {v}", v=d["stability"])
    return out


def _chem_advice(s: Say, ev: Any, d: dict[str, Any]) -> str:
    what = s.pick(d.get("message")) or s.lab(ADVICE, d.get("advice"))
    return s.f("防护建议（{place}，{zone}，{ppm} ppm）：{what}", "Protective advice ({place}, {zone}, {ppm} ppm): {what}",
               place=s.place(d.get("place")), zone=d.get("zone"), ppm=num(d.get("ppm"), 2), what=what)


def _magnitude(v: Any) -> str:
    """Magnitudes always with one decimal, as seismologists write them (6.0, not 6)."""
    return f"{v:.1f}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def _mainshock(s: Say, ev: Any, d: dict[str, Any]) -> str:
    depth = s.f("，震源深度 {v} km", ", depth {v} km", v=num(d["depth_km"])) if d.get("depth_km") is not None else ""
    return s.f("{m} 级主震{depth}，最大烈度 {roman} 度", "M{m} mainshock{depth}, max intensity {roman}",
               m=_magnitude(d.get("magnitude")), depth=depth, roman=d.get("max_intensity_roman"))


def _breach(s: Say, ev: Any, d: dict[str, Any]) -> str:
    out = s.f("堤防决口 {id}，口门宽 {w} 米", "Dike breach {id}, {w} m wide", id=s.hazard(d.get("id")), w=num(d.get("width_m")))
    if d.get("formation_min") is not None:
        out += s.f("，形成用时 {v} 分钟", ", formed over {v} min", v=num(d["formation_min"]))
    return out


def _ignition(s: Say, ev: Any, d: dict[str, Any]) -> str:
    out = s.f("森林火灾起火：{id}", "Forest fire ignition: {id}", id=s.hazard(d.get("id")))
    return out + (s.f("（{m}）", " ({m})", m=s.lab(FIRE_MODELS, d["model"])) if d.get("model") else "")


def _signed(v: Any, nd: int = 1) -> str:
    """A difference in a sentence: ``+1.2``, ``-30``, ``0``."""
    x = num(float(v or 0.0), nd)
    return x if x.startswith("-") or x == "0" else "+" + x


def _weather(s: Say, ev: Any, d: dict[str, Any]) -> str:
    """The weather a run drew (``hazard.weather``): its first period and how far that is from the
    forecast; the number of periods when there are more (each one is in the event, ``replay --json``)."""
    parts = []
    wind = d.get("wind") or []
    if wind:
        r = wind[0]
        parts.append(s.f("风向 {deg}°（较预报 {dd}°），风速 {v} 米/秒（预报的 {f} 倍）",
                         "wind from {deg}° ({dd}° on the forecast), {v} m/s ({f} × forecast)",
                         deg=num(r.get("from_deg"), 0), dd=_signed(r.get("d_from_deg"), 0), v=num(r.get("speed_m_s")),
                         f=num(r.get("speed_factor"), 2)))
    if d.get("fuel_moisture"):
        parts.append(s.f("1小时枯死可燃物含水率 {m}%（较预报 {dm} 个百分点）",
                         "1-h dead fuel moisture {m} % ({dm} points on the forecast)",
                         m=num(100 * float(d["fuel_moisture"].get("d1h", 0.0))),
                         dm=_signed(100 * float(d.get("d_dead_moisture") or 0.0))))
    stage = d.get("stage") or []
    if stage:
        parts.append(s.f("水位较预报 {dz} 米", "stage {dz} m on the forecast", dz=_signed(stage[0].get("d_stage_m"), 2)))
    inflow = d.get("inflow") or []
    if inflow:
        parts.append(s.f("入流为预报的 {f} 倍", "inflow {f} × forecast", f=num(inflow[0].get("factor"), 2)))
    if d.get("rainfall"):
        parts.append(s.f("雨强 {mm} 毫米/小时（预报的 {f} 倍）", "rain {mm} mm/h ({f} × forecast)",
                         mm=num(d["rainfall"].get("mm_per_h")), f=num(d["rainfall"].get("factor"), 2)))
    n = max(len(wind), len(stage), len(inflow))
    if n > 1:
        return s.f("{id} 本次实际天气（随机抽样，共 {n} 段，首段）：{text}",
                   "Weather drawn for {id} in this run (first of {n} periods): {text}",
                   id=s.hazard(d.get("id")), n=n, text=s.t("；", "; ").join(parts))
    return s.f("{id} 本次实际天气（随机抽样）：{text}", "Weather drawn for {id} in this run: {text}",
               id=s.hazard(d.get("id")), text=s.t("；", "; ").join(parts))


def _plan_action(s: Say, ev: Any, d: dict[str, Any]) -> str:
    name = s.pick(d.get("name")) or s.lab(OP_LABELS, d.get("op"))
    lvl = s.lab(RESPONSE_LEVELS, d.get("level"))
    if ev.type == "plan.action_missed":
        return s.f("预案措施超时未完成：{name}（{level}）", "Plan action missed: {name} ({level})", name=name, level=lvl)
    when = s.t("按时", "on time") if d.get("on_time") else s.t("超时", "late")
    return s.f("预案措施完成：{name}（{level}，{when}）", "Plan action done: {name} ({level}, {when})",
               name=name, level=lvl, when=when)


def _flag(s: Say, ev: Any, d: dict[str, Any]) -> str:
    return f"{s.place(d.get('place'))} {flag_text(d.get('key'), d.get('value'), s.lang)}"


def _supply_added(s: Say, ev: Any, d: dict[str, Any]) -> str:
    return s.f("{depot} 入库 {item}（{cause}），库存 {stock}", "{depot}: {item} in ({cause}), stock {stock}",
               depot=s.place(d.get("depot")), item=s.supply(d.get("item"), d.get("quantity")),
               cause=s.lab(SUPPLY_CAUSES, d.get("cause")), stock=num(d.get("stock")))


FORMATS: dict[str, Formatter] = {
    # units
    "unit.depart": _depart,
    "unit.status": _status,
    "unit.arrive": lambda s, ev, d: s.f("{unit} 到达", "{unit} arrived", unit=d.get("unit")),
    "unit.stuck": lambda s, ev, d: s.f("{unit} 道路受阻，无法到达目的地", "{unit} blocked: cannot reach its destination",
                                       unit=d.get("unit")),
    "unit.reroute": lambda s, ev, d: s.f("{unit} 道路变化，重新规划路线", "{unit} re-routed (roads changed)", unit=d.get("unit")),
    "unit.diverted": lambda s, ev, d: s.f("{unit} 改派新任务", "{unit} diverted to a new task", unit=d.get("unit")),
    "unit.recalled": lambda s, ev, d: s.f("{unit} 已撤回", "{unit} recalled", unit=d.get("unit")),
    "dispatch": lambda s, ev, d: (s.f("自动调派 {unit} → {task}", "Auto-dispatch: {unit} → {task}", unit=d.get("unit"),
                                      task=s.task(d.get("task"))) if d.get("by") == "auto" else
                                  s.f("{by} 调派 {unit} → {task}", "{by}: {unit} dispatched to {task}",
                                      by=s.seat(d.get("by")), unit=d.get("unit"), task=s.task(d.get("task")))),
    # incidents and tasks
    "incident.new": _incident_new,
    "incident.rejected": lambda s, ev, d: s.f("事件 {id} 未能建立：{reason}", "Incident {id} not created: {reason}",
                                              id=d.get("id"), reason=s.pick(d.get("reason"))),
    "incident.resolved": lambda s, ev, d: s.f("事件处置完毕：{name}（用时 {min} 分钟）", "Incident resolved: {name} ({min} min)",
                                              name=s.incident(d.get("incident")), min=num(d.get("minutes"), 0)),
    "incident.first_response": lambda s, ev, d: s.f("{unit} 首个到达 {name}（{min} 分钟）",
                                                    "{unit} first on scene at {name} ({min} min)", unit=d.get("unit"),
                                                    name=s.incident(d.get("incident")), min=num(d.get("minutes"))),
    "task.new": lambda s, ev, d: s.f("新任务 {task}：数量 {qty}", "New task {task}: quantity {qty}",
                                     task=s.task(d.get("task"), d.get("kind")), qty=num(d.get("quantity"))),
    "task.progress": lambda s, ev, d: s.f("{unit} 完成 {task} {done}/{qty}", "{unit} progress on {task}: {done}/{qty}",
                                          unit=d.get("unit"), task=s.task(d.get("task"), d.get("kind")),
                                          done=num(d.get("done")), qty=num(d.get("quantity"))),
    "task.done": lambda s, ev, d: s.f("任务完成：{task}", "Task done: {task}", task=s.task(d.get("task"), d.get("kind"))),
    "task.first_response": lambda s, ev, d: s.f("{unit} 开始处置 {task}", "{unit} started work on {task}",
                                                unit=d.get("unit"), task=s.task(d.get("task"))),
    "task.blocked": lambda s, ev, d: s.f("任务受阻：{task}", "Task blocked: {task}", task=s.task(d.get("task"))),
    # orders, injects, the plan
    "order.accepted": _order,
    "order.rejected": lambda s, ev, d: s.f("{seat} 的指令 {op} 被拒绝：{reason}", "Order '{op}' by {seat} refused: {reason}",
                                           seat=s.seat(d.get("by")), op=s.lab(OP_LABELS, d.get("op")),
                                           reason=s.pick(d.get("reason") or "")),
    "inject.sent": lambda s, ev, d: s.f("情况导入 {id} → {to}：{message}", "Inject {id} → {to}: {message}", id=d.get("id"),
                                        to=s.seat(d.get("to")), message=s.pick(d.get("message") or "")),
    "inject.answered": lambda s, ev, d: s.f("情况导入 {id} {status}", "Inject {id} {status}", id=d.get("id"),
                                            status=s.lab(INJECT_STATUS, "answered")),
    "inject.missed": lambda s, ev, d: s.f("情况导入 {id} {status}", "Inject {id} {status}", id=d.get("id"),
                                          status=s.lab(INJECT_STATUS, "missed")),
    "inject.cancelled": lambda s, ev, d: s.f("情况导入 {id} {status}", "Inject {id} {status}", id=d.get("id"),
                                             status=s.lab(INJECT_STATUS, "cancelled")),
    "inject.edited": lambda s, ev, d: s.f("情况导入 {id} 已修改：{what}", "Inject {id} edited: {what}", id=d.get("id"),
                                          what=s.join(s.lab(INJECT_FIELDS, k) for k in d.get("changes") or {}) or "-"),
    "effect.unknown": lambda s, ev, d: s.f("未知的导入效果 {key}（{source}）", "Unknown inject effect {key} ({source})",
                                           key=d.get("key"), source=d.get("source")),
    "plan.loaded": lambda s, ev, d: s.f("载入预案：{name}", "Plan loaded: {name}", name=s.pick(d.get("name") or "")),
    "plan.level_due": lambda s, ev, d: s.f("预案要求 {within} 分钟内启动{level}响应",
                                           "The plan calls for a {level} response within {within} min",
                                           within=num(d.get("within_min"), 0), level=s.lab(RESPONSE_LEVELS, d.get("level"))),
    "plan.action_done": _plan_action,
    "plan.action_missed": _plan_action,
    # seats: levels, warnings, support, comms
    "seats": lambda s, ev, d: s.f("参演席位 {n} 个", "{seats} in the drill", n=len(d.get("seats") or []),
                                  seats=s.count(len(d.get("seats") or []), "", "seat")),
    "response.level": _level,
    "warning.issued": lambda s, ev, d: s.f("{seat} 发布{color}预警", "{seat} issued a {color} warning",
                                           seat=s.seat(d.get("by")), color=s.lab(WARNING_COLORS, d.get("color"))),
    "warning.received": lambda s, ev, d: s.f("{color}预警送达 {n}（{people} 人）",
                                             "The {color} warning reached {n} ({people} people)",
                                             color=s.lab(WARNING_COLORS, d.get("color")),
                                             n=s.count(len(d.get("communities") or []), "个社区", "community", "communities"),
                                             people=num(d.get("people"))),
    "comms.down": lambda s, ev, d: s.f("{seat} 通信中断", "{seat}: communications down", seat=s.seat(d.get("seat"))),
    "comms.up": lambda s, ev, d: s.f("{seat} 通信恢复", "{seat}: communications restored", seat=s.seat(d.get("seat"))),
    "support.requested": lambda s, ev, d: s.f("{frm} 向 {to} 请求支援", "{frm} requested support from {to}",
                                              frm=s.seat(d.get("from")), to=s.seat(d.get("to"))),
    "support.approved": lambda s, ev, d: s.f("支援请求 {id} 已批准", "Support request {id} approved",
                                             id=d.get("id") or d.get("request")),
    "support.refused": lambda s, ev, d: s.f("支援请求 {id} 被拒绝", "Support request {id} refused",
                                            id=d.get("id") or d.get("request")),
    "note": lambda s, ev, d: s.f("评估记录（{by}）：{text}", "Evaluator note ({by}): {text}", by=d.get("by"), text=d.get("text")),
    # people, shelters, hospitals, supplies
    "shelter.admit": lambda s, ev, d: s.f("{place} 接收 {n} 人，现安置 {occ} 人", "{place} took in {n} people, now sheltering {occ}",
                                          place=s.place(d.get("place")), n=num(d.get("people")), occ=num(d.get("occupancy"))),
    "shelter.opened": lambda s, ev, d: s.f("避难场所开放：{place}", "Shelter opened: {place}", place=s.place(d.get("place"))),
    "shelter.closed": lambda s, ev, d: s.f("避难场所关闭：{place}", "Shelter closed: {place}", place=s.place(d.get("place"))),
    "hospital.admit": lambda s, ev, d: s.f("{place} 收治 {n} 人（床位已用 {used}）", "{place} admitted {n} (beds used {used})",
                                           place=s.place(d.get("place")), n=num(d.get("people")), used=num(d.get("beds_used"))),
    "people.displaced": lambda s, ev, d: s.f("{place} {n} 人需转移安置", "{place}: {n} people need shelter",
                                             place=s.place(d.get("place")), n=num(d.get("people"))),
    "supply.loaded": lambda s, ev, d: s.f("{unit} 在 {depot} 装载物资", "{unit} loaded supplies at {depot}",
                                          unit=d.get("unit"), depot=s.place(d.get("depot"))),
    "supply.delivered": lambda s, ev, d: s.f("{unit} 送达物资：{items}", "{unit} delivered {items}", unit=d.get("unit"),
                                             items=s.items(d.get("items"))),
    "supply.added": _supply_added,
    "supply.production_started": lambda s, ev, d: s.f(
        "{seat} 启动产能储备：{depot} 每小时 {rate}，上限 {max}",
        "{seat} started production at {depot}: {rate} an hour, up to {max}", seat=s.seat(d.get("by")),
        depot=s.place(d.get("depot")), rate=s.supply(d.get("item"), d.get("rate_per_h")), max=num(d.get("max"))),
    "supply.contract_activated": lambda s, ev, d: s.f(
        "{seat} 启动协议储备：{item} 运往 {depot}，{lead} 分钟后到货",
        "{seat} activated a contract reserve: {item} to {depot}, arriving in {lead} min", seat=s.seat(d.get("by")),
        item=s.supply(d.get("item"), d.get("quantity")), depot=s.place(d.get("depot")), lead=num(d.get("lead_time_min"))),
    "place.flag": _flag,
    "road.state": _road,
    # hazards
    "hazard.started": _hazard_started,
    "hazard.chain": _chain,
    "hazard.warning": lambda s, ev, d: s.f("模型提示：{message}", "Model caveat: {message}", message=s.pick(d.get("message"))),
    "hazard.weather": _weather,
    "earthquake.mainshock": _mainshock,
    "earthquake.aftershock": lambda s, ev, d: s.f("{m} 级余震，最大烈度 {roman} 度", "M{m} aftershock, max intensity {roman}",
                                                  m=_magnitude(d.get("magnitude")), roman=d.get("max_intensity_roman")),
    "earthquake.damage": lambda s, ev, d: s.f(
        "{place} 烈度 {roman} 度：倒塌 {c} 栋，被困 {t} 人，受伤 {i} 人，死亡 {k} 人",
        "{place} intensity {roman}: {c} collapsed, {t} trapped, {i} injured, {k} dead", place=s.place(d.get("place")),
        roman=d.get("intensity_roman"), c=num(d.get("collapsed", 0)), t=num(d.get("trapped", 0)),
        i=num(d.get("injured", 0)), k=num(d.get("deaths", 0))),
    "chemical.release": _chem_release,
    "chemical.advice": _chem_advice,
    "chemical.exposure": lambda s, ev, d: s.f("累计暴露 {pm} 人·分钟（{n}）",
                                              "Exposure so far: {pm} person-minutes ({n})",
                                              pm=num(d.get("total_person_minutes"), 0),
                                              n=s.count(len(d.get("communities") or []), "个社区", "community", "communities")),
    "chemical.ended": lambda s, ev, d: s.f("泄漏影响结束，累计 AEGL-2 以上暴露 {pm} 人·分钟",
                                           "Release over; {pm} person-minutes above AEGL-2 in all",
                                           pm=num(d.get("person_minutes"), 0)),
    "flood.breach": _breach,
    "flood.update": lambda s, ev, d: s.f("淹没面积 {a} 平方公里，最大水深 {h} 米", "Flooded {a} km², max depth {h} m",
                                         a=num(d.get("flooded_area_km2"), 2), h=num(d.get("max_depth_m"), 2)),
    "wildfire.ignition": _ignition,
    "wildfire.update": lambda s, ev, d: s.f("过火面积 {a} 公顷，火线周长 {p} 公里", "Burned {a} ha, perimeter {p} km",
                                            a=num(d.get("burned_area_ha")), p=num(d.get("perimeter_km"), 2)),
    "wildfire.line": lambda s, ev, d: s.f("开设防火隔离带 {m} 米", "Fireline built: {m} m", m=num(d.get("line_m"), 0)),
    "wildfire.suppressed": lambda s, ev, d: s.f("火场 {id}：半径 {r} 米内扑灭", "Fire {id}: put out within {r} m",
                                                id=s.hazard(d.get("id")), r=num(d.get("radius_m"), 0)),
    "wildfire.contained": lambda s, ev, d: s.f("火场 {id} 得到控制，过火面积 {a} 公顷", "Fire {id} contained, {a} ha burned",
                                               id=s.hazard(d.get("id")), a=num(d.get("burned_area_ha"))),
    # the run
    "sim.start": lambda s, ev, d: s.f("推演开始：{name}", "Drill started: {name}", name=s.pick(d.get("scenario") or "")),
    "sim.end": lambda s, ev, d: s.t("推演结束", "Drill ended"),
}
