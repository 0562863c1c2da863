"""Event log text: one readable sentence per event, Chinese source strings translated with ``T``.

``EventText.text(ev)`` looks up a small formatter per event type (``FORMATS``); a type
without one falls back to ``key=value`` pairs. Templates use named placeholders
(``{unit}``, ``{eta}``) so the English .ts can reorder them. A few sentences need what
happened before (where a departing unit is heading comes from its last ``unit.status``):
``observe(ev)`` is called once per event in order and keeps that context.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from drillsim.gui.common import (
    MSEL_STATUS_ZH,
    ROAD_STATUS_ZH,
    TASK_ZH,
    WARNING_ZH,
    T,
    fmt_min,
    pick,
    status_text,
)

ADVICE_ZH = {"shelter_in_place": "就地避险", "evacuate": "撤离"}
LEVEL_ZH = {"I": "Ⅰ级", "II": "Ⅱ级", "III": "Ⅲ级", "IV": "Ⅳ级"}
DIRECTOR_ZH = {"pause": "全体暂停", "resume": "继续推演", "speed": "调整推演速度"}


def _num(v: Any, nd: int = 1) -> str:
    if isinstance(v, float):
        return f"{round(v, nd):g}"
    return str(v)


def kv_text(d: dict[str, Any], limit: int = 120) -> str:
    """The fallback: ``key=value`` for the scalar fields."""
    return ", ".join(f"{k}={_num(v, 3)}" for k, v in d.items() if not isinstance(v, (dict, list)))[:limit]


class EventText:
    """Formats events for people. ``sim`` (optional) supplies names of units, places, incidents, seats."""

    def __init__(self, sim=None, session=None) -> None:
        self.sim = sim
        self.session = session
        self._unit_task: dict[str, tuple[str, str | None]] = {}
        self._depart: dict[int, tuple[str, str | None]] = {}

    # ------------------------------------------------------------------ context
    def observe(self, ev) -> None:
        """Feed events in time order (the log does) so departures know where the unit is going."""
        d = ev.data
        if ev.type == "unit.status":
            self._unit_task[str(d.get("unit"))] = (str(d.get("status", "")), d.get("task"))
        elif ev.type == "dispatch":
            self._unit_task[str(d.get("unit"))] = ("enroute", d.get("task"))
        elif ev.type == "unit.depart":
            self._depart[id(ev)] = self._unit_task.get(str(d.get("unit")), ("", None))

    def reset(self, sim=None, session=None) -> None:
        self.__init__(sim, session)

    # ------------------------------------------------------------------ names
    def place(self, pid: Any) -> str:
        if pid is None:
            return "-"
        places = self.sim.world.places if self.sim is not None else {}
        p = places.get(pid)
        return pick(p.name) if p is not None else str(pid)

    def incident(self, iid: Any) -> str:
        incs = self.sim.board.incidents if self.sim is not None else {}
        i = incs.get(iid)
        return pick(i.name) if i is not None else str(iid)

    def seat(self, sid: Any) -> str:
        if sid in (None, "", "director"):
            return T("导演部") if sid == "director" else "-"
        if sid == "auto":
            return T("自动调派")
        seats = self.session.seats.seats if self.session is not None else {}
        s = seats.get(sid)
        return pick(s.name) if s is not None else str(sid)

    @staticmethod
    def task(tid: Any, kind: str | None = None) -> str:
        if kind:
            return f"{tid}({T(TASK_ZH.get(kind, kind))})"
        return str(tid)

    # ------------------------------------------------------------------ text
    def text(self, ev) -> str:
        f = FORMATS.get(ev.type)
        if f is None and ev.type.startswith("director."):
            f = _director
        if f is not None:
            try:
                return f(self, ev, ev.data)
            except Exception:  # noqa: BLE001 - a malformed event still gets a line
                pass
        return kv_text(ev.data)


# ---------------------------------------------------------------------- formatters
Formatter = Callable[[EventText, Any, dict[str, Any]], str]


def _depart(x: EventText, ev, d) -> str:
    status, task = x._depart.get(id(ev), ("", None))
    unit, eta = d.get("unit"), fmt_min(d.get("eta"))
    if status == "returning":
        return T("{unit} 返回驻地，预计 {eta} 到达").format(unit=unit, eta=eta)
    if task:
        return T("{unit} 出发前往 {dest}，预计 {eta} 到达").format(unit=unit, dest=task, eta=eta)
    return T("{unit} 出发，预计 {eta} 到达").format(unit=unit, eta=eta)


def _status(x: EventText, ev, d) -> str:
    unit, status = d.get("unit"), status_text(str(d.get("status", "")))
    if d.get("task"):
        return T("{unit} {status}（{task}）").format(unit=unit, status=status, task=d["task"])
    return f"{unit} {status}"


def _incident_new(x: EventText, ev, d) -> str:
    needs = T("、").join(f"{T(TASK_ZH.get(k, k))} {_num(v)}" for k, v in (d.get("needs") or {}).items())
    where = x.place(d.get("place")) if d.get("place") else ""
    s = T("新事件：{name}（优先级 {priority}）").format(name=pick(d.get("name") or d.get("id")),
                                                  priority=d.get("priority", "-"))
    if where:
        s += T("，地点 {place}").format(place=where)
    return s + (T("，需要 {needs}").format(needs=needs) if needs else "")


def _order(x: EventText, ev, d) -> str:
    args = d.get("args") or {}
    brief = ", ".join(f"{k}={v}" for k, v in args.items() if not isinstance(v, (dict, list)))[:80]
    if not brief and args:
        brief = json.dumps(args, ensure_ascii=False)[:80]
    return T("{seat} 下达指令 {op}：{args}").format(seat=x.seat(d.get("by")), op=d.get("op"), args=brief)


def _road(x: EventText, ev, d) -> str:
    roads = d.get("roads") or []
    st = str(d.get("status", ""))
    return T("{n} 条道路{status}（{cause}）").format(n=len(roads), status=T(ROAD_STATUS_ZH.get(st, st)),
                                                  cause=d.get("cause", ""))


def _director(x: EventText, ev, d) -> str:
    what = ev.type.split(".", 1)[1]
    s = T("导演部：{action}").format(action=T(DIRECTOR_ZH[what]) if what in DIRECTOR_ZH else what)
    return s + (f" {d['speed']}x" if d.get("speed") is not None else "")


def _level(x: EventText, ev, d) -> str:
    lvl = d.get("level")
    if not lvl:
        return T("{seat} 终止应急响应").format(seat=x.seat(d.get("by")))
    return T("{seat} 启动{level}应急响应").format(seat=x.seat(d.get("by")), level=T(LEVEL_ZH.get(lvl, str(lvl))))


FORMATS: dict[str, Formatter] = {
    "unit.depart": _depart,
    "unit.status": _status,
    "unit.arrive": lambda x, ev, d: T("{unit} 到达").format(unit=d.get("unit")),
    "unit.stuck": lambda x, ev, d: T("{unit} 道路受阻，无法到达目的地").format(unit=d.get("unit")),
    "unit.reroute": lambda x, ev, d: T("{unit} 道路变化，重新规划路线").format(unit=d.get("unit")),
    "unit.diverted": lambda x, ev, d: T("{unit} 改派新任务").format(unit=d.get("unit")),
    "unit.recalled": lambda x, ev, d: T("{unit} 已撤回").format(unit=d.get("unit")),
    "dispatch": lambda x, ev, d: (T("自动调派 {unit} → {task}") if d.get("by") == "auto" else T(
        "{by} 调派 {unit} → {task}")).format(by=x.seat(d.get("by")), unit=d.get("unit"), task=d.get("task")),
    "incident.new": _incident_new,
    "incident.resolved": lambda x, ev, d: T("事件处置完毕：{name}（用时 {min} 分钟）").format(
        name=x.incident(d.get("incident")), min=_num(d.get("minutes"), 0)),
    "incident.first_response": lambda x, ev, d: T("{unit} 首个到达 {name}（{min} 分钟）").format(
        unit=d.get("unit"), name=x.incident(d.get("incident")), min=_num(d.get("minutes"))),
    "task.new": lambda x, ev, d: T("新任务 {task}：数量 {qty}").format(
        task=x.task(d.get("task"), d.get("kind")), qty=_num(d.get("quantity"))),
    "task.progress": lambda x, ev, d: T("{unit} 完成 {task} {done}/{qty}").format(
        unit=d.get("unit"), task=x.task(d.get("task"), d.get("kind")), done=_num(d.get("done")),
        qty=_num(d.get("quantity"))),
    "task.done": lambda x, ev, d: T("任务完成：{task}").format(task=x.task(d.get("task"), d.get("kind"))),
    "task.first_response": lambda x, ev, d: T("{unit} 开始处置 {task}").format(
        unit=d.get("unit"), task=d.get("task")),
    "task.blocked": lambda x, ev, d: T("任务受阻：{task}").format(task=d.get("task")),
    "order.accepted": _order,
    "order.rejected": lambda x, ev, d: T("{seat} 的指令 {op} 被拒绝：{reason}").format(
        seat=x.seat(d.get("by")), op=d.get("op"), reason=pick(d.get("reason") or "")),
    "inject.sent": lambda x, ev, d: T("情况导入 {id} → {to}：{message}").format(
        id=d.get("id"), to=x.seat(d.get("to")), message=pick(d.get("message") or "")),
    "inject.answered": lambda x, ev, d: T("情况导入 {id} {status}").format(id=d.get("id"), status=T(MSEL_STATUS_ZH["answered"])),
    "inject.missed": lambda x, ev, d: T("情况导入 {id} {status}").format(id=d.get("id"), status=T(MSEL_STATUS_ZH["missed"])),
    "road.state": _road,
    "warning.issued": lambda x, ev, d: T("{seat} 发布{color}预警").format(
        seat=x.seat(d.get("by")), color=T(WARNING_ZH.get(d.get("color"), str(d.get("color"))))),
    "response.level": _level,
    "note": lambda x, ev, d: T("评估记录（{by}）：{text}").format(by=d.get("by"), text=d.get("text")),
    "shelter.admit": lambda x, ev, d: T("{place} 接收 {n} 人，现安置 {occ} 人").format(
        place=x.place(d.get("place")), n=d.get("people"), occ=d.get("occupancy")),
    "shelter.opened": lambda x, ev, d: T("避难场所开放：{place}").format(place=x.place(d.get("place"))),
    "shelter.closed": lambda x, ev, d: T("避难场所关闭：{place}").format(place=x.place(d.get("place"))),
    "hospital.admit": lambda x, ev, d: T("{place} 收治 {n} 人（床位已用 {used}）").format(
        place=x.place(d.get("place")), n=d.get("people"), used=d.get("beds_used")),
    "people.displaced": lambda x, ev, d: T("{place} {n} 人需转移安置").format(
        place=x.place(d.get("place")), n=d.get("people")),
    "supply.loaded": lambda x, ev, d: T("{unit} 在 {depot} 装载物资").format(
        unit=d.get("unit"), depot=x.place(d.get("depot"))),
    "supply.delivered": lambda x, ev, d: T("{unit} 送达物资：{items}").format(
        unit=d.get("unit"), items=T("、").join(f"{k} {_num(v)}" for k, v in (d.get("items") or {}).items())),
    "comms.down": lambda x, ev, d: T("{seat} 通信中断").format(seat=x.seat(d.get("seat"))),
    "comms.up": lambda x, ev, d: T("{seat} 通信恢复").format(seat=x.seat(d.get("seat"))),
    "support.requested": lambda x, ev, d: T("{frm} 向 {to} 请求支援").format(
        frm=x.seat(d.get("from")), to=x.seat(d.get("to"))),
    "support.approved": lambda x, ev, d: T("支援请求 {id} 已批准").format(id=d.get("id") or d.get("request")),
    "support.refused": lambda x, ev, d: T("支援请求 {id} 被拒绝").format(id=d.get("id") or d.get("request")),
    "hazard.started": lambda x, ev, d: T("灾害开始：{id}（{kind}）").format(id=d.get("id"), kind=d.get("hazard")),
    "hazard.chain": lambda x, ev, d: T("次生灾害：{source} 引发 {target}（{place}）").format(
        source=d.get("source"), target=d.get("target"), place=x.place(d.get("place"))),
    "earthquake.mainshock": lambda x, ev, d: T("{m} 级主震，最大烈度 {roman} 度").format(
        m=_num(d.get("magnitude")), roman=d.get("max_intensity_roman")),
    "earthquake.aftershock": lambda x, ev, d: T("{m} 级余震，最大烈度 {roman} 度").format(
        m=_num(d.get("magnitude")), roman=d.get("max_intensity_roman")),
    "earthquake.damage": lambda x, ev, d: T("{place} 烈度 {roman} 度：倒塌 {c} 栋，被困 {t} 人，受伤 {i} 人，死亡 {k} 人").format(
        place=x.place(d.get("place")), roman=d.get("intensity_roman"), c=d.get("collapsed", 0), t=d.get("trapped", 0),
        i=d.get("injured", 0), k=d.get("deaths", 0)),
    "chemical.release": lambda x, ev, d: T("{name}泄漏（{place}）").format(
        name=pick(d.get("name") or d.get("substance")), place=x.place(d.get("plant"))),
    "chemical.advice": lambda x, ev, d: T("{place}：{advice}（{zone}）").format(
        place=x.place(d.get("place")), advice=T(ADVICE_ZH.get(d.get("advice"), str(d.get("advice")))),
        zone=d.get("zone")),
    "chemical.exposure": lambda x, ev, d: T("累计暴露 {pm} 人·分钟（{n} 个社区）").format(
        pm=_num(d.get("total_person_minutes"), 0), n=len(d.get("communities") or [])),
    "chemical.ended": lambda x, ev, d: T("泄漏结束，累计暴露 {pm} 人·分钟").format(pm=_num(d.get("person_minutes"), 0)),
    "flood.breach": lambda x, ev, d: T("堤防决口，口门宽 {w} 米").format(w=_num(d.get("width_m"))),
    "flood.update": lambda x, ev, d: T("淹没面积 {a} 平方公里，最大水深 {h} 米").format(
        a=_num(d.get("flooded_area_km2"), 2), h=_num(d.get("max_depth_m"), 2)),
    "wildfire.ignition": lambda x, ev, d: T("森林火灾起火：{id}").format(id=d.get("id")),
    "wildfire.update": lambda x, ev, d: T("过火面积 {a} 公顷，火线周长 {p} 公里").format(
        a=_num(d.get("burned_area_ha")), p=_num(d.get("perimeter_km"), 2)),
    "wildfire.line": lambda x, ev, d: T("开设防火隔离带 {m} 米").format(m=_num(d.get("line_m"), 0)),
    "place.flag": lambda x, ev, d: f"{x.place(d.get('place'))}: {d.get('key')} = {d.get('value')}",
    "plan.level_due": lambda x, ev, d: T("预案要求 {within} 分钟内启动{level}响应").format(
        within=_num(d.get("within_min"), 0), level=T(LEVEL_ZH.get(d.get("level"), str(d.get("level"))))),
    "sim.start": lambda x, ev, d: T("推演开始：{name}").format(name=pick(d.get("scenario") or "")),
    "sim.end": lambda x, ev, d: T("推演结束"),
}
