"""Plans as data (信息化预案): response-level triggers and required actions, tracked live.

The tracker reads the event stream: it measures what the plan's triggers speak of
(deaths, injured, trapped, people affected, people exposed, magnitude, burned
hectares, flooded km²), announces when a response level becomes due
(``plan.level_due``), and checks that the trainees set the level and did each
required action within its deadline (``plan.action_done`` / ``plan.action_missed``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from drillsim.core.events import Event
from drillsim.scenario import catalog
from drillsim.scenario.model import text

if TYPE_CHECKING:
    from drillsim.exercise.session import Session

ORDER = ("IV", "III", "II", "I")  # ascending severity


def load_plan(scenario_plan: dict[str, Any], hazard_types: list[str]) -> dict[str, Any] | None:
    """The scenario's own plan, or the shipped one for its (first) hazard type."""
    if scenario_plan and scenario_plan.get("levels"):
        return scenario_plan
    use = (scenario_plan or {}).get("use") or (hazard_types[0] if hazard_types else None)
    if not use:
        return None
    try:
        return catalog.load_data(f"plans/{use}")
    except FileNotFoundError:
        return None


class PlanTracker:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.sim = session.sim
        self.plan = load_plan(session.scenario.plan, [h.type for h in self.sim.hazards.values()])
        self.metrics: dict[str, float] = {}
        self._damage: dict[tuple[str, str], dict[str, float]] = {}
        self._exposed: dict[str, float] = {}
        self._tasked: dict[str, float] = {}
        self.due: str | None = None
        self.due_at: dict[str, float] = {}
        self.level_set_at: dict[str, float] = {}
        self.actions: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []
        if self.plan:
            self.sim.events.subscribe(self._on_event)
            self.sim.events.emit(0.0, "plan.loaded", name=text(self.plan.get("name", "")),
                                 levels=sorted(self.plan.get("levels", {}), key=ORDER.index))

    # ------------------------------------------------------------------ measuring
    def _on_event(self, ev: Event) -> None:
        d = ev.data
        ty = ev.type
        changed = False
        if ty.endswith(".damage") and "place" in d:
            self._damage[(str(d.get("id")), str(d["place"]))] = {
                k: float(d.get(k) or 0) for k in ("deaths", "injured", "trapped")}
            changed = True
        elif ty == "earthquake.mainshock":
            self.metrics["magnitude"] = max(self.metrics.get("magnitude", 0.0), float(d.get("magnitude", 0)))
            changed = True
        elif ty == "task.new" and d.get("kind") == "evacuate":
            self.metrics["affected"] = self.metrics.get("affected", 0.0) + float(d["quantity"])
            changed = True
        elif ty == "task.new" and d.get("kind") in ("rescue", "transport") and d.get("quantity"):
            key = "trapped" if d["kind"] == "rescue" else "injured"
            self._tasked[key] = self._tasked.get(key, 0.0) + float(d["quantity"])
            changed = True
        elif ty == "chemical.exposure":
            self._exposed[str(d.get("id"))] = float(sum(c.get("people", 0) for c in d.get("communities", [])))
            changed = True
        elif ty == "wildfire.update":
            self.metrics["burned_ha"] = float(d.get("burned_area_ha", 0))
            changed = True
        elif ty == "flood.update":
            self.metrics["flooded_km2"] = float(d.get("flooded_area_km2", 0))
            changed = True
        elif ty == "response.level" and d.get("level"):
            self._level_set(str(d["level"]), ev.t)
        elif ty == "order.accepted":
            self._order_done(str(d.get("op")), d.get("args") or {}, str(d.get("by", "")), ev.t)
        if changed:
            # hazards that report damage (earthquake) and incidents that need rescue or
            # casualty transport (any hazard, injects) measure the same people: take the larger
            for k in ("deaths", "injured", "trapped"):
                self.metrics[k] = max(sum(v[k] for v in self._damage.values()), self._tasked.get(k, 0.0))
            self.metrics["exposed"] = sum(self._exposed.values())
            self._check_due(ev.t)

    def _check_due(self, t: float) -> None:
        levels = self.plan.get("levels", {})
        due = None
        for lvl in ORDER:
            trig = levels.get(lvl) or {}
            hit = [k for k, v in trig.items() if self.metrics.get(k, 0.0) >= float(v)]
            if hit:
                due = lvl
                reason = {k: round(self.metrics[k], 2) for k in hit}
        if due is not None and (self.due is None or ORDER.index(due) > ORDER.index(self.due)):
            self.due = due
            self.due_at[due] = t
            self.sim.events.emit(t, "plan.level_due", level=due, because=reason,
                                 within_min=float(self.plan.get("raise_within_min", 60)))

    # ------------------------------------------------------------------ actions
    def _level_set(self, level: str, t: float) -> None:
        if level in self.level_set_at or level not in ORDER:
            return
        self.level_set_at[level] = t
        for lvl in ORDER[: ORDER.index(level) + 1]:
            for a in (self.plan.get("actions") or {}).get(lvl) or []:
                key = (lvl, a["op"], str(a.get("args")))
                if any(x["key"] == key for x in self.actions):
                    continue
                item = {"key": key, "level": lvl, "op": a["op"], "args": a.get("args") or {},
                        "name": text(a.get("name", a["op"])), "from": t,
                        "deadline": t + float(a.get("within_min", 60)), "done": None}
                self.actions.append(item)
                if self._earlier_order(item):
                    continue
                self.sim.env.process(self._watch(item))

    def _earlier_order(self, item: dict[str, Any]) -> bool:
        """An action already done before the level was set counts as done on time."""
        for ev in self.sim.events.of_type("order.accepted"):
            if self._matches(item, str(ev.data.get("op")), ev.data.get("args") or {}):
                self._mark(item, ev.t, on_time=True)
                return True
        return False

    def _matches(self, item: dict[str, Any], op: str, args: dict[str, Any]) -> bool:
        return op == item["op"] and all(str(args.get(k)) == str(v) for k, v in item["args"].items())

    def _order_done(self, op: str, args: dict[str, Any], by: str, t: float) -> None:
        for item in self.actions:
            if item["done"] is None and self._matches(item, op, args):
                self._mark(item, t, on_time=t <= item["deadline"] + 1e-9)

    def _mark(self, item: dict[str, Any], t: float, on_time: bool) -> None:
        item["done"] = t
        item["on_time"] = on_time
        self.sim.events.emit(self.sim.env.now, "plan.action_done", level=item["level"], op=item["op"],
                             name=item["name"], on_time=on_time)

    def _watch(self, item: dict[str, Any]) -> Generator:
        yield self.sim.env.timeout(max(0.0, item["deadline"] - self.sim.env.now))
        if item["done"] is None:
            item["on_time"] = False
            self.sim.events.emit(self.sim.env.now, "plan.action_missed", level=item["level"], op=item["op"],
                                 name=item["name"])

    # ------------------------------------------------------------------ results
    def status(self) -> dict[str, Any]:
        """Whether the level was set on time and which actions were done on time."""
        within = float(self.plan.get("raise_within_min", 60)) if self.plan else 60.0
        level_ok = None
        if self.due is not None:
            t_due = self.due_at[self.due]
            t_set = min((t for lvl, t in self.level_set_at.items() if ORDER.index(lvl) >= ORDER.index(self.due)),
                        default=None)
            level_ok = t_set is not None and t_set <= t_due + within
        return {
            "level_due": self.due,
            "level_set": max(self.level_set_at, key=ORDER.index) if self.level_set_at else None,
            "level_on_time": level_ok,
            "actions": [{"level": a["level"], "op": a["op"], "name": a["name"], "deadline": a["deadline"],
                         "done": a["done"], "on_time": bool(a.get("on_time"))} for a in self.actions],
            "metrics": {k: round(v, 2) for k, v in sorted(self.metrics.items())},
        }
