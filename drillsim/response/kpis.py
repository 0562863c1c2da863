"""Key performance indicators computed from the event stream alone.

Because KPIs read only events, the same code scores a live drill, a replayed
archive and a batch run, and two runs compare like for like.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from drillsim.core.events import Event, EventStream
from drillsim.response.incidents import IncidentLedger


class KpiTracker(IncidentLedger):
    """KPIs of a drill; the incident counts follow :mod:`drillsim.response.incidents` (a report is an
    incident when responders got a task from it)."""

    def __init__(self, source: Any = None) -> None:
        super().__init__()
        self.need: dict[str, float] = {"rescue": 0.0, "transport": 0.0, "evacuate": 0.0,
                                       "deliver": 0.0, "clear_road": 0.0}
        self.done: dict[str, float] = dict.fromkeys(self.need, 0.0)
        self.rescued_72h = 0.0
        self.evac_tasks: dict[str, float] = {}
        self.evac_done: dict[str, float] = {}
        self.items_requested: dict[str, float] = {}
        self.items_delivered: dict[str, float] = {}
        self.loaded_by_tier: dict[str, float] = {}
        self.displaced = 0
        self.sheltered_on_foot = 0
        self.fires: dict[str, float] = {}
        self.fires_contained: dict[str, float] = {}
        self.roads_blocked: set[str] = set()
        self.roads_cleared = 0
        self.dispatches = 0
        self.rejected_orders = 0
        self.unit_status: dict[str, str] = {}
        self.busy_since: dict[str, float] = {}
        self.busy_minutes = 0.0
        self.n_units = 0
        self.t = 0.0
        # exercise-level measures (injects, orders, plan, exposure), also from events only
        self.orders_accepted = 0
        self.injects_sent = 0
        self.injects_expecting = 0
        self.injects_on_time = 0
        self.injects_missed = 0
        self.exposure: dict[str, float] = {}
        self.chemical = False
        self.deaths: dict[tuple[str, str], float] = {}
        self.level_due: tuple[str, float, float] | None = None
        self.level_set: dict[str, float] = {}
        self.plan_actions: dict[tuple[str, str], bool] = {}
        events = getattr(source, "events", source)
        if isinstance(events, EventStream):
            events.subscribe(self.consume)

    def consume(self, ev: Event) -> None:
        d = ev.data
        self.t = ev.t
        ty = ev.type
        if ty.startswith("incident.") or ty == "task.new":
            self.consume_incident(ev)
        if ty == "sim.start":
            self.n_units = int(d.get("units", 0))
        elif ty == "task.new":
            kind = d["kind"]
            if d.get("quantity") is not None:
                self.need[kind] = self.need.get(kind, 0.0) + float(d["quantity"])
            if kind == "evacuate":
                self.evac_tasks[d["task"]] = ev.t
            for i, q in (d.get("items") or {}).items():
                self.items_requested[i] = self.items_requested.get(i, 0.0) + q
        elif ty == "task.progress":
            kind = d["kind"]
            self.done[kind] = self.done.get(kind, 0.0) + float(d["amount"])
            if kind == "rescue" and ev.t <= 72 * 60:
                self.rescued_72h += float(d["amount"])
            for i, q in (d.get("items") or {}).items():
                self.items_delivered[i] = self.items_delivered.get(i, 0.0) + q
        elif ty == "task.done" and d.get("kind") == "evacuate":
            self.evac_done[d["task"]] = ev.t
        elif ty == "supply.loaded":
            tier = d.get("tier") or "-"
            self.loaded_by_tier[tier] = self.loaded_by_tier.get(tier, 0.0) + sum(d["items"].values())
        elif ty == "road.state":
            for r in d["roads"]:
                if d["status"] == "open":
                    if r in self.roads_blocked and str(d.get("cause", "")).startswith("cleared"):
                        self.roads_cleared += 1
                    self.roads_blocked.discard(r)
                elif d["status"] in ("closed", "flooded", "contaminated"):
                    self.roads_blocked.add(r)
        elif ty == "dispatch":
            self.dispatches += 1
        elif ty == "order.accepted":
            self.orders_accepted += 1
        elif ty == "inject.sent":
            self.injects_sent += 1
            if (d.get("expected") or {}).get("op"):
                self.injects_expecting += 1
        elif ty == "inject.answered":
            if d.get("on_time"):
                self.injects_on_time += 1
        elif ty == "inject.missed":
            self.injects_missed += 1
        elif ty == "hazard.started" and d.get("hazard") == "chemical":
            self.chemical = True
        elif ty == "people.displaced":
            self.displaced += int(d.get("people", 0))
        elif ty == "shelter.admit" and d.get("on_foot"):
            self.sheltered_on_foot += int(d.get("people", 0))
        elif ty == "wildfire.ignition":
            self.fires[str(d.get("id"))] = ev.t
        elif ty == "wildfire.contained":
            self.fires_contained[str(d.get("id"))] = ev.t
        elif ty == "chemical.exposure":
            self.exposure[str(d.get("id"))] = float(d.get("total_person_minutes", 0.0))
        elif ty.endswith(".damage") and "deaths" in d:
            self.deaths[(str(d.get("id")), str(d.get("place")))] = float(d.get("deaths") or 0)
        elif ty == "plan.level_due":
            self.level_due = (str(d["level"]), ev.t, float(d.get("within_min", 60)))
        elif ty == "response.level" and d.get("level"):
            self.level_set.setdefault(str(d["level"]), ev.t)
        elif ty == "plan.action_done":
            self.plan_actions[(str(d.get("level")), str(d.get("op")))] = bool(d.get("on_time"))
        elif ty == "plan.action_missed":
            self.plan_actions.setdefault((str(d.get("level")), str(d.get("op"))), False)
        elif ty == "order.rejected":
            self.rejected_orders += 1
        elif ty == "unit.status":
            u, s = d["unit"], d["status"]
            busy = s not in ("idle",)
            if busy and u not in self.busy_since:
                self.busy_since[u] = ev.t
            elif not busy and u in self.busy_since:
                self.busy_minutes += ev.t - self.busy_since.pop(u)

    def summary(self) -> dict[str, Any]:
        fr = np.array(list(self.first_response.values())) if self.first_response else np.array([])
        busy = self.busy_minutes + sum(self.t - t0 for t0 in self.busy_since.values())
        evac_completion = None
        if self.evac_tasks and len(self.evac_done) == len(self.evac_tasks):
            evac_completion = round(max(self.evac_done.values()) - min(self.evac_tasks.values()), 1)

        def share(kind: str) -> float | None:
            return None if self.need[kind] <= 0 else round(min(1.0, self.done[kind] / self.need[kind]), 4)

        counts = self.incident_counts()
        return {
            "incidents": counts["incidents"],
            "incidents_resolved": counts["incidents_resolved"],
            "incidents_unreached": counts["incidents_unreached"],
            "first_response_min_mean": round(float(fr.mean()), 2) if fr.size else None,
            "first_response_min_p90": round(float(np.percentile(fr, 90)), 2) if fr.size else None,
            "trapped": round(self.need["rescue"]),
            "rescued": round(self.done["rescue"]),
            "rescued_within_72h_share": None if self.need["rescue"] <= 0
            else round(min(1.0, self.rescued_72h / self.need["rescue"]), 4),
            "casualties_to_transport": round(self.need["transport"]),
            "casualties_transported": round(self.done["transport"]),
            "people_to_evacuate": round(self.need["evacuate"]),
            "people_evacuated": round(self.done["evacuate"]),
            "evacuation_completion_min": evac_completion,
            "supplies_requested_t": round(self.need["deliver"], 3),
            "supplies_delivered_t": round(self.done["deliver"], 3),
            "supplies_delivered_share": share("deliver"),
            "supplies_loaded_by_tier": {k: round(v, 1) for k, v in sorted(self.loaded_by_tier.items())},
            "roads_blocked": len(self.roads_blocked),
            "roads_cleared": self.roads_cleared,
            "dispatches": self.dispatches,
            "orders_rejected": self.rejected_orders,
            "unit_utilisation": None if not self.n_units or self.t <= 0
            else round(busy / (self.n_units * self.t), 4),
            "deaths": round(sum(self.deaths.values())),
            "people_displaced": self.displaced,
            "people_sheltered": self.sheltered_on_foot,
            "fireline_built_m": round(self.done.get("suppress", 0.0)),
            "fire_contained_min": None if not self.fires or len(self.fires_contained) < len(self.fires)
            else round(max(self.fires_contained[f] - self.fires[f] for f in self.fires), 1),
            "chemical_release": self.chemical,
            "person_minutes_above_aegl2": round(sum(self.exposure.values()), 1),
            "orders_accepted": self.orders_accepted,
            "injects_sent": self.injects_sent,
            "injects_expecting": self.injects_expecting,
            "injects_answered_on_time": self.injects_on_time,
            "injects_missed": self.injects_missed,
            "response_level_due": self.level_due[0] if self.level_due else None,
            "response_level_on_time": self._level_on_time(),
            "plan_actions_done_on_time": sum(self.plan_actions.values()),
            "plan_actions_total": len(self.plan_actions),
        }

    _ORDER = ("IV", "III", "II", "I")

    def _level_on_time(self) -> bool | None:
        if self.level_due is None:
            return None
        level, t_due, within = self.level_due
        times = [t for lvl, t in self.level_set.items()
                 if lvl in self._ORDER and self._ORDER.index(lvl) >= self._ORDER.index(level)]
        return bool(times) and min(times) <= t_due + within

