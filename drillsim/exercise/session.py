"""A drill session: the simulation run as an exercise, live or headless.

The session owns the clock (pause, resume, step, speed 1x-600x), the roles
(director, trainee seats, evaluators), the MSEL, and the list of inputs. Every
input is stamped with the sim time it was given and applied at once; re-running
the same inputs (:meth:`Session.replay_inputs`) reproduces the event stream bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from drillsim.core.events import Event
from drillsim.exercise.inputs import Input
from drillsim.exercise.msel import Msel
from drillsim.exercise.plan import PlanTracker
from drillsim.exercise.scoring import score
from drillsim.exercise.seats import Seats
from drillsim.response.orders import OrderResult
from drillsim.response.simulation import Simulation
from drillsim.scenario.model import Scenario

SPEEDS = (1, 2, 5, 10, 30, 60, 120, 300, 600)
"""Offered clock speeds: sim seconds per wall second."""


class Session:
    def __init__(self, scenario: Scenario, seed: int | None = None, auto_dispatch: bool = True,
                 inputs: Iterable[Input] = (), sim: Simulation | None = None,
                 auto_shelters: bool | None = None) -> None:
        """``auto_shelters`` (default: auto-dispatch on and no orders given) lets the
        engine open shelters itself; with trainees or an orders file, they decide."""
        self.scenario = scenario
        inputs = list(inputs)
        if auto_shelters is None:
            auto_shelters = auto_dispatch and not any(i.kind == "order" for i in inputs)
        self.sim = sim or Simulation(scenario, seed=seed, auto_dispatch=auto_dispatch,
                                     auto_shelters=auto_shelters)
        self.events = self.sim.events
        self.inputs: list[Input] = []
        self.pending: list[Input] = sorted(inputs, key=lambda i: i.t)
        self.speed = 60.0
        self.paused = True
        self.seats = Seats(self)
        self.msel = Msel(self)
        self.plan = PlanTracker(self)
        self._input_listeners: list[Callable[[Input], None]] = []

    # ------------------------------------------------------------------ clock
    @property
    def now(self) -> float:
        return self.sim.now

    @property
    def duration(self) -> float:
        return self.sim.duration

    @property
    def finished(self) -> bool:
        return self.sim.now >= self.sim.duration

    def run_until(self, t: float) -> None:
        """Advance to sim minute ``t``, applying timed inputs (e.g. an orders file) on the way."""
        t = min(float(t), self.sim.duration)
        while self.pending and self.pending[0].t <= t:
            inp = self.pending.pop(0)
            self.sim.run_until(inp.t)
            self._apply(inp)
        self.sim.run_until(t)

    def step(self, minutes: float = 1.0) -> None:
        self.run_until(self.now + minutes)

    def tick(self, wall_seconds: float) -> float:
        """Advance by ``wall_seconds`` of real time at the current speed (if running)."""
        if self.paused or self.finished:
            return 0.0
        minutes = wall_seconds * self.speed / 60.0
        self.run_until(self.now + minutes)
        return minutes

    def run(self, progress: Callable[[float], None] | None = None, step: float = 60.0) -> None:
        while not self.finished:
            self.run_until(self.now + step)
            if progress:
                progress(self.now)

    def pause(self, **why: Any) -> None:
        """``why``: recorded with the pause, e.g. ``reason="seat_dropped", seat="county_hq"``."""
        if not self.paused:
            self.paused = True
            self._record(Input(self.now, "director", {"action": "pause", **why}), apply=False)

    def resume(self, **why: Any) -> None:
        if self.paused:
            self.paused = False
            self._record(Input(self.now, "director", {"action": "resume", **why}), apply=False)

    def set_speed(self, speed: float) -> None:
        speed = max(1.0, min(600.0, float(speed)))
        if speed != self.speed:
            self.speed = speed
            self._record(Input(self.now, "director", {"action": "speed", "speed": speed}), apply=False)

    # ------------------------------------------------------------------ inputs
    def on_input(self, listener: Callable[[Input], None]) -> None:
        """Called with every input as it is applied (the recorder listens here)."""
        self._input_listeners.append(listener)

    def order(self, op: str, by: str = "director", **args: Any) -> OrderResult:
        """A trainee's (or the director's) order, applied now."""
        return self._record(Input(self.now, "order", {"op": op, "by": by, "args": args}))

    def fire_inject(self, inject_id: str) -> bool:
        return bool(self._record(Input(self.now, "inject", {"action": "fire", "id": inject_id})))

    def edit_inject(self, inject_id: str, changes: dict[str, Any]) -> bool:
        return bool(self._record(Input(self.now, "inject", {"action": "edit", "id": inject_id, "changes": changes})))

    def adhoc_inject(self, inject: dict[str, Any]) -> bool:
        return bool(self._record(Input(self.now, "inject", {"action": "adhoc", "inject": inject})))

    def cancel_inject(self, inject_id: str) -> bool:
        return bool(self._record(Input(self.now, "inject", {"action": "cancel", "id": inject_id})))

    def answer_inject(self, inject_id: str, by: str = "director") -> bool:
        return bool(self._record(Input(self.now, "inject", {"action": "answer", "id": inject_id, "by": by})))

    def note(self, text: str, by: str = "evaluator", **links: Any) -> Event:
        """An evaluator's timestamped note, optionally linked to an event seq, seat or checklist item."""
        self._record(Input(self.now, "note", {"text": text, "by": by, **links}))
        return self.events.events[-1]

    def _record(self, inp: Input, apply: bool = True) -> Any:
        self.inputs.append(inp)
        result = self._apply(inp, record=False) if apply else None
        if not apply:
            self.events.emit(self.now, "director." + inp.data["action"], **{k: v for k, v in inp.data.items() if k != "action"})
        for listener in self._input_listeners:
            listener(inp)
        return result

    def _apply(self, inp: Input, record: bool = True) -> Any:
        if record:
            self.inputs.append(inp)
            for listener in self._input_listeners:
                listener(inp)
        d = inp.data
        if inp.kind == "order":
            return self._order(d["op"], d.get("by", "director"), dict(d.get("args") or {}))
        if inp.kind == "inject":
            action = d.get("action")
            if action == "fire":
                return self.msel.fire_now(d["id"])
            if action == "edit":
                return self.msel.edit(d["id"], d.get("changes") or {})
            if action == "adhoc":
                return self.msel.adhoc(d.get("inject") or {})
            if action == "answer":
                return self.msel.mark_answered(d["id"], d.get("by", "director"))
            if action == "cancel":
                return self.msel.cancel(d["id"])
            return False
        if inp.kind == "note":
            self.events.emit(self.now, "note", **d)
            return True
        if inp.kind == "director":
            self.events.emit(self.now, "director." + d.get("action", "?"),
                             **{k: v for k, v in d.items() if k != "action"})
            return True
        return None

    def _order(self, op: str, by: str, args: dict[str, Any]) -> OrderResult:
        refusal = self.seats.authorise(by, op, args)
        if refusal is not None:
            return self.sim.orders._reject(op, by, args, refusal["zh"], refusal["en"])
        handler = getattr(self.seats, "order_" + op, None)
        if handler is not None:  # session-level orders: warnings, response level, requests
            try:
                result = handler(by, **args)
            except TypeError as e:  # a misspelt or missing argument: refuse, never crash the drill
                return self.sim.orders._reject(op, by, args, f"指令参数错误：{e}", f"bad arguments: {e}")
        else:
            result = self.sim.orders.apply({"op": op, "by": by, **args})
        if result:
            self.msel.order_given(op, by, args)
        return result

    # ------------------------------------------------------------------ effects
    def apply_effect(self, effect: dict[str, Any], source: str) -> None:
        """World changes an inject brings (情况导入): roads, incidents, hazards, comms, shelters."""
        world = self.sim.world
        net = world.net
        for key, value in effect.items():
            values = value if isinstance(value, list) else [value]
            if key in ("close_road", "open_road"):
                roads = [net.road_index[r] for r in values if r in net.road_index]
                world.set_roads(roads, "closed" if key == "close_road" else "open", cause=source)
            elif key == "incident":
                for inc in values:
                    d = {"id": inc.get("id", source), "name": inc.get("name", source), "at": inc.get("at"),
                         "place": inc.get("place"), "needs": inc.get("needs", {}),
                         "priority": inc.get("priority", 2), "cause": source}
                    self.events.emit(self.now, "incident.new", **d)
            elif key in ("start_hazard", "trigger_hazard"):
                for hid in values:
                    self.sim.hazard_ctx.trigger(str(hid), cause=source)
            elif key == "comms_down":
                for seat in values:
                    self.seats.set_comms(str(seat), False, source)
            elif key == "comms_up":
                for seat in values:
                    self.seats.set_comms(str(seat), True, source)
            elif key in ("shelter_full", "close_shelter"):
                for sid in values:
                    if sid in world.shelter_open:
                        world.shelter_open[sid] = False
                        world.shelters_held_closed.add(sid)
                        self.events.emit(self.now, "shelter.closed", place=sid, cause=source)
            else:
                self.events.emit(self.now, "effect.unknown", key=key, source=source)

    # ------------------------------------------------------------------ results
    def kpis(self) -> dict[str, Any]:
        """KPIs (all from the event stream) plus the 0-100 score and its components."""
        k = self.sim.kpis.summary()
        s = score(k)
        k["score"] = s["score"]
        k["score_components"] = s["components"]
        return k

    def result(self) -> dict[str, Any]:
        k = self.kpis()
        tracker = self.sim.kpis
        incidents = [{"id": iid, "reported_min": round(tracker.incidents[iid], 2),  # drillsim.response.incidents
                      "first_response_min": tracker.first_response.get(iid),
                      "resolved_min": tracker.resolved.get(iid)} for iid in tracker.incident_ids()]
        return {"scenario": self.scenario.meta.name, "seed": self.sim.seed, "events": len(self.events),
                "digest": self.events.digest, "sim_minutes": self.now, "score": k["score"], "kpis": k,
                "incidents": incidents, "plan": self.plan.status() if self.plan.plan else None}

    # ------------------------------------------------------------------ queries
    def seat_under(self, seat: str, ancestor: str) -> bool:
        return self.seats.is_under(seat, ancestor)

    def replay_inputs(self, inputs: Iterable[Input], until: float | None = None) -> None:
        """Re-apply recorded inputs at their times (deterministic re-run), then run to ``until``."""
        for inp in sorted(inputs, key=lambda i: i.t):
            if until is not None and inp.t > until:
                break
            self.sim.run_until(inp.t)
            self._apply(inp)
        if until is not None:
            self.sim.run_until(until)
