"""Facts for the after-action report, read from a drill archive's events alone.

Nothing here is invented: every fact is an event (or the archived scenario text
and meta), and each fact keeps the sim minute it happened at. The language-specific
wording happens later (:mod:`drillsim.report.build`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from drillsim.core.events import Event
from drillsim.exercise.scoring import score
from drillsim.response.incidents import IncidentLedger, report_id
from drillsim.response.kpis import KpiTracker

LEVELS = ("IV", "III", "II", "I")  # ascending severity

# hazard events worth a line in the timeline (the rest are periodic updates)
KEY_HAZARD_EVENTS = ("hazard.started", "hazard.weather", "hazard.chain", "hazard.warning", "chemical.release",
                     "chemical.advice",
                     "chemical.ended", "earthquake.mainshock", "earthquake.aftershock", "flood.breach",
                     "wildfire.ignition", "wildfire.contained")


@dataclass
class Series:
    """A step function over sim minutes: value ``v[i]`` holds from ``t[i]`` on."""

    t: list[float] = field(default_factory=lambda: [0.0])
    v: list[float] = field(default_factory=lambda: [0.0])

    def set(self, t: float, value: float) -> None:
        if self.t and abs(self.t[-1] - t) < 1e-9:
            self.v[-1] = value
        else:
            self.t.append(t)
            self.v.append(value)

    def add(self, t: float, delta: float) -> None:
        self.set(t, self.v[-1] + delta)

    def close(self, t_end: float) -> Series:
        if self.t[-1] < t_end:
            self.t.append(t_end)
            self.v.append(self.v[-1])
        return self

    @property
    def peak(self) -> float:
        return max(self.v) if self.v else 0.0

    @property
    def last(self) -> float:
        return self.v[-1] if self.v else 0.0


@dataclass
class Facts:
    meta: dict[str, Any]
    scenario: dict[str, Any]
    duration: float
    event_count: int
    chain_ok: bool | None
    chain_message: str
    kpis: dict[str, Any]
    score: dict[str, Any]
    kpis_match_stored: bool | None
    seats: dict[str, dict[str, Any]]
    injects: list[dict[str, Any]]
    level_due: list[dict[str, Any]]
    levels: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    plan_name: Any
    plan_actions: list[dict[str, Any]]
    incidents: list[dict[str, Any]]
    """The incidents (reports that gave responders a task, :mod:`drillsim.response.incidents`), in report order."""
    hazard_events: list[dict[str, Any]]
    orders_rejected: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    checklists: list[dict[str, Any]]
    series: dict[str, Series]
    n_units: int
    exposure_by_place: dict[str, dict[str, float]]
    displaced_by_place: dict[str, int]
    supply: dict[str, Any] = field(default_factory=dict)
    """Items by source: ``stock`` (at the start, by tier 区/市/县), ``loaded`` (by tier), ``added`` (by cause:
    contract 协议储备 / production 产能储备), ``requested`` (items asked for by delivery tasks)."""
    exposed: Series | None = None
    """People in communities inside a hazard footprint over time (set by the report from the hazard fields)."""

    @property
    def response_times(self) -> list[float]:
        """Minutes from each incident's report to its first unit on site (reached incidents only)."""
        return [i["first_response"] - i["reported"] for i in self.incidents if i["first_response"] is not None]


def scenario_yaml(text: str) -> dict[str, Any]:
    """The archived scenario as plain YAML data ({} if it is missing or unreadable)."""
    try:
        data = yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def collect(archive: Any, verify_chain: bool = True) -> Facts:
    """Everything the report says, from ``archive`` (a :class:`drillsim.record.Archive`)."""
    events: list[Event] = list(archive.events())
    duration = float(archive.duration)
    tracker = KpiTracker()
    for ev in events:
        tracker.consume(ev)
    kpis = tracker.summary()
    sc = score(kpis)
    stored = archive.meta.get("kpis")
    match = None if not isinstance(stored, dict) else all(stored.get(k) == v for k, v in kpis.items() if k in stored)
    chain_ok, chain_msg = None, ""
    if verify_chain:
        res = archive.verify_chain()
        chain_ok, chain_msg = res.ok, res.message
    scen = scenario_yaml(archive.scenario_text())
    f = Facts(meta=dict(archive.meta), scenario=scen, duration=duration, event_count=len(events),
              chain_ok=chain_ok, chain_message=chain_msg, kpis=kpis, score=sc, kpis_match_stored=match,
              seats={}, injects=[], level_due=[], levels=[], warnings=[], plan_name=None, plan_actions=[],
              incidents=[], hazard_events=[], orders_rejected=[], notes=[],
              checklists=[c for c in (scen.get("checklists") or []) if isinstance(c, dict)],
              series={}, n_units=0, exposure_by_place={}, displaced_by_place={})
    stock: dict[str, float] = {}
    for d in (archive.context.get("depots") or {}).values():
        tier = str(d.get("tier") or "-")
        stock[tier] = stock.get(tier, 0.0) + sum(float(q) for q in (d.get("stock") or {}).values())
    f.supply = {"stock": stock, "loaded": {}, "added": {}, "requested": 0.0}
    _walk(f, events, duration)
    return f


def _walk(f: Facts, events: list[Event], end: float) -> None:
    injects: dict[str, dict[str, Any]] = {}
    for d in f.scenario.get("injects") or []:
        if isinstance(d, dict) and d.get("id") is not None:
            injects[str(d["id"])] = {"id": str(d["id"]), "time_min": d.get("time_min"), "from": d.get("from"),
                                     "to": d.get("to"), "message": d.get("message"),
                                     "expected": d.get("expected_action") or {}, "deadline_min": d.get("deadline_min"),
                                     "objective": d.get("objective"), "sent": None, "answered": None,
                                     "answered_by": None, "answered_min": None, "on_time": None, "missed": None,
                                     "cancelled": None, "edited": [], "cause": None}
    incidents: dict[str, dict[str, Any]] = {}
    s_open, s_shelter, s_evac, s_displaced = Series(), Series(), Series(), Series()
    s_deliv, s_req, s_expo, s_busy = Series(), Series(), Series(), Series()
    shelter_occ: dict[str, float] = {}
    exposure: dict[str, float] = {}
    busy: set[str] = set()
    any_supply = any_expo = False
    ledger = IncidentLedger()  # which reports are incidents (drillsim.response.incidents), and how many are open
    for ev in events:
        d, ty, t = ev.data, ev.type, ev.t
        if ty.startswith("incident.") or ty == "task.new":
            if delta := ledger.consume_incident(ev):
                s_open.add(t, delta)
        if ty == "sim.start":
            f.n_units = int(d.get("units", 0))
        elif ty == "seats":
            f.seats = {str(s["id"]): s for s in d.get("seats") or [] if isinstance(s, dict) and "id" in s}
        elif ty.startswith("inject."):
            iid = str(d.get("id"))
            inj = injects.get(iid)
            if inj is None:
                inj = injects[iid] = {"id": iid, "time_min": d.get("time_min"), "from": d.get("from"),
                                      "to": d.get("to"), "message": d.get("message"), "expected": d.get("expected") or {},
                                      "deadline_min": d.get("deadline_min"), "objective": d.get("objective"),
                                      "sent": None, "answered": None, "answered_by": None, "answered_min": None,
                                      "on_time": None, "missed": None, "cancelled": None, "edited": [], "cause": None}
            if ty == "inject.sent":
                for k in ("time_min", "from", "to", "message", "deadline_min", "objective"):
                    if d.get(k) is not None:
                        inj[k] = d[k]
                inj["expected"] = d.get("expected") or {}
                inj["sent"], inj["cause"] = t, d.get("cause")
            elif ty == "inject.answered":
                inj["answered"], inj["answered_by"] = t, d.get("by")
                inj["answered_min"], inj["on_time"] = d.get("minutes"), bool(d.get("on_time"))
            elif ty == "inject.missed":
                inj["missed"] = t
            elif ty == "inject.cancelled":
                inj["cancelled"] = t
            elif ty == "inject.edited":
                inj["edited"].append(t)
        elif ty == "plan.loaded":
            f.plan_name = d.get("name")
        elif ty == "plan.level_due":
            f.level_due.append({"t": t, "level": d.get("level"), "because": d.get("because") or {},
                                "within_min": d.get("within_min")})
        elif ty == "response.level":
            f.levels.append({"t": t, "level": d.get("level"), "previous": d.get("previous"), "by": d.get("by")})
        elif ty == "warning.issued":
            f.warnings.append({"t": t, "by": d.get("by"), "color": d.get("color"),
                               "communities": len(d.get("communities") or []), "channels": d.get("channels") or []})
        elif ty in ("plan.action_done", "plan.action_missed"):
            f.plan_actions.append({"t": t, "level": d.get("level"), "op": d.get("op"), "name": d.get("name"),
                                   "done": ty == "plan.action_done", "on_time": bool(d.get("on_time"))})
        elif ty == "incident.new":
            iid = report_id(d["id"], incidents)
            incidents[iid] = {"id": iid, "name": d.get("name"), "place": d.get("place"),
                              "cause": d.get("cause"), "reported": t, "first_response": None,
                              "resolved": None, "priority": d.get("priority")}
        elif ty == "incident.rejected":
            incidents.pop(str(d.get("id")), None)
        elif ty == "incident.first_response":
            inc = incidents.get(str(d.get("incident")))
            if inc is not None and inc["first_response"] is None:
                inc["first_response"] = t
        elif ty == "incident.resolved":
            inc = incidents.get(str(d.get("incident")))
            if inc is not None and inc["resolved"] is None:
                inc["resolved"] = t
        elif ty == "order.rejected":
            f.orders_rejected.append({"t": t, "by": d.get("by"), "op": d.get("op"), "reason": d.get("reason")})
        elif ty == "note":
            f.notes.append({"t": t, "seq": ev.seq, **d})
        elif ty == "shelter.admit":
            shelter_occ[str(d.get("place"))] = float(d.get("occupancy") or 0)
            s_shelter.set(t, sum(shelter_occ.values()))
        elif ty == "people.displaced":
            s_displaced.add(t, float(d.get("people") or 0))
            p = str(d.get("place"))
            f.displaced_by_place[p] = f.displaced_by_place.get(p, 0) + int(d.get("people") or 0)
        elif ty == "task.new" and d.get("kind") == "deliver":
            any_supply = True
            s_req.add(t, float(d.get("quantity") or 0))
            f.supply["requested"] += sum((d.get("items") or {}).values())
        elif ty == "task.progress":
            if d.get("kind") == "evacuate":
                s_evac.add(t, float(d.get("amount") or 0))
            elif d.get("kind") == "deliver":
                any_supply = True
                s_deliv.add(t, float(d.get("amount") or 0))
        elif ty == "supply.loaded":
            tier = str(d.get("tier") or "-")
            f.supply["loaded"][tier] = f.supply["loaded"].get(tier, 0.0) + sum((d.get("items") or {}).values())
        elif ty == "supply.added":
            cause = str(d.get("cause") or "-")
            f.supply["added"][cause] = f.supply["added"].get(cause, 0.0) + float(d.get("quantity") or 0)
        elif ty == "chemical.exposure":
            any_expo = True
            exposure[str(d.get("id"))] = float(d.get("total_person_minutes") or 0)
            s_expo.set(t, sum(exposure.values()))
            for c in d.get("communities") or []:
                f.exposure_by_place[str(c.get("place"))] = {"people": float(c.get("people") or 0),
                                                             "person_minutes": float(c.get("person_minutes") or 0)}
        elif ty == "unit.status":
            u = str(d.get("unit"))
            if d.get("status") == "idle":
                busy.discard(u)
            else:
                busy.add(u)
            s_busy.set(t, len(busy))
        if ty in KEY_HAZARD_EVENTS:
            f.hazard_events.append({"t": t, "type": ty, "data": d})
    f.injects = sorted(injects.values(), key=lambda i: (i["sent"] if i["sent"] is not None
                                                        else float(i["time_min"] or 1e18), i["id"]))
    f.incidents = sorted((incidents[i] for i in ledger.incident_ids() if i in incidents),
                         key=lambda i: (i["reported"], i["id"]))
    f.series = {"open_incidents": s_open.close(end), "sheltered": s_shelter.close(end),
                "evacuated": s_evac.close(end), "displaced": s_displaced.close(end),
                "busy_units": s_busy.close(end)}
    if any_supply:
        f.series["supplies_delivered"] = s_deliv.close(end)
        f.series["supplies_requested"] = s_req.close(end)
    if any_expo:
        f.series["exposure"] = s_expo.close(end)


def seat_for_level(f: Facts, level: str | None) -> str | None:
    """The seat that first set a response level at or above ``level`` (plan actions of that level fell to it)."""
    if level not in LEVELS:
        return None
    for x in f.levels:
        if x["level"] in LEVELS and LEVELS.index(x["level"]) >= LEVELS.index(level):
            return x["by"]
    return None


def seat_for_incident(f: Facts, inc: dict[str, Any]) -> str | None:
    """Who owned an incident, when its cause says so: ``order:OP:SEAT`` or ``inject:ID`` (the inject's addressee)."""
    cause = str(inc.get("cause") or "")
    if cause.startswith("order:"):
        parts = cause.split(":")
        return parts[2] if len(parts) > 2 else None
    if cause.startswith("inject:"):
        iid = cause.split(":", 1)[1]
        for i in f.injects:
            if i["id"] == iid:
                return i.get("to")
    return None
