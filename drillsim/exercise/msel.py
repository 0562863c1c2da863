"""The Master Scenario Events List (MSEL, 情况导入): timed injects and their status.

An inject is sent at its time to a seat; it may change the world (close a road,
add an incident, start a hazard, cut a seat's communications); it may expect an
action (an order ``op`` from the addressed seat) within a deadline. Status moves
Ready -> Sent -> Answered (or Missed at the deadline), as in HSEEP tools.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from drillsim.scenario.model import text

if TYPE_CHECKING:
    from drillsim.exercise.session import Session

READY, SENT, ANSWERED, MISSED, CANCELLED = "ready", "sent", "answered", "missed", "cancelled"


@dataclass
class Inject:
    id: str
    time_min: float
    message: dict[str, str]
    to: str = ""
    sender: str | dict[str, str] = ""
    """Who the trainees hear it from (e.g. 县气象局): a plain string or ``{zh, en}``."""
    type: str = "information"
    delivery: str = "phone"
    expected: dict[str, Any] = field(default_factory=dict)
    """{op: ORDER, args: {...} (subset that must match), text: {zh, en}}"""
    deadline_min: float | None = None
    """Minutes after sending within which the expected action counts."""
    effect: dict[str, Any] = field(default_factory=dict)
    objective: str | dict[str, str] = ""
    """The exercise objective it tests: a plain string or ``{zh, en}``."""
    status: str = READY
    sent_at: float | None = None
    answered_at: float | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Inject:
        exp = d.get("expected_action") or d.get("expected") or {}
        if isinstance(exp, str):
            exp = {"text": {"zh": exp, "en": exp}}
        return cls(
            id=str(d["id"]), time_min=float(d.get("time_min", 0)), message=text(d.get("message", "")),
            to=str(d.get("to", "")), sender=_text_or_str(d.get("from")), type=str(d.get("type", "information")),
            delivery=str(d.get("delivery", "phone")), expected=dict(exp),
            deadline_min=None if d.get("deadline_min") is None else float(d["deadline_min"]),
            effect=dict(d.get("effect") or {}), objective=_text_or_str(d.get("objective")),
        )

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "time_min": self.time_min, "to": self.to, "from": self.sender,
                "type": self.type, "delivery": self.delivery, "message": self.message,
                "expected": self.expected, "deadline_min": self.deadline_min, "status": self.status,
                "sent_at": self.sent_at, "answered_at": self.answered_at, "objective": self.objective}


def _text_or_str(v: Any) -> str | dict[str, str]:
    """A ``{zh, en}`` text as {zh, en}; anything else as a plain string (as before, so a scenario that
    gives plain strings keeps its event stream bit for bit)."""
    if isinstance(v, dict):
        return text(v)
    return "" if v is None else str(v)


class Msel:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.sim = session.sim
        self.injects: dict[str, Inject] = {}
        for d in session.scenario.injects:
            inj = Inject.from_dict(d)
            self.injects[inj.id] = inj
            self.sim.env.process(self._at_time(inj))
        self._adhoc = 0

    def upcoming(self) -> list[Inject]:
        return sorted((i for i in self.injects.values() if i.status == READY), key=lambda i: (i.time_min, i.id))

    def next_time(self) -> float | None:
        up = [i.time_min for i in self.upcoming() if i.time_min >= self.sim.now]
        return min(up) if up else None

    # ------------------------------------------------------------------ scheduling
    def _at_time(self, inj: Inject) -> Generator:
        while True:
            wait = inj.time_min - self.sim.env.now
            if wait > 0:
                yield self.sim.env.timeout(wait)
            if inj.status != READY:
                return
            if inj.time_min <= self.sim.env.now:  # edits may have moved it later
                self.send(inj, cause="scheduled")
                return

    def send(self, inj: Inject, cause: str) -> None:
        now = self.sim.env.now
        inj.status, inj.sent_at = SENT, now
        self.sim.events.emit(now, "inject.sent", **inj.summary(), cause=cause)
        if inj.effect:
            self.session.apply_effect(inj.effect, source=f"inject:{inj.id}")
        if not inj.expected.get("op"):
            return
        if self._anticipated(inj):
            return
        if inj.deadline_min is not None:
            def deadline() -> Generator:
                yield self.sim.env.timeout(inj.deadline_min)
                if inj.status == SENT:
                    inj.status = MISSED
                    self.sim.events.emit(self.sim.env.now, "inject.missed", id=inj.id, to=inj.to)
            self.sim.env.process(deadline())

    # ------------------------------------------------------------------ director
    def fire_now(self, inject_id: str) -> bool:
        inj = self.injects.get(inject_id)
        if inj is None or inj.status != READY:
            return False
        self.send(inj, cause="director")
        return True

    def edit(self, inject_id: str, changes: dict[str, Any]) -> bool:
        inj = self.injects.get(inject_id)
        if inj is None or inj.status != READY:
            return False
        merged = {**inj.summary(), "from": inj.sender, "effect": inj.effect,
                  "expected_action": inj.expected, **changes}
        new = Inject.from_dict(merged)
        self.injects[inject_id] = new
        self.sim.events.emit(self.sim.env.now, "inject.edited", id=inject_id, changes=changes)
        if new.time_min != inj.time_min:
            inj.status = CANCELLED  # the old process exits
            self.sim.env.process(self._at_time(new))
        return True

    def cancel(self, inject_id: str) -> bool:
        inj = self.injects.get(inject_id)
        if inj is None or inj.status != READY:
            return False
        inj.status = CANCELLED
        self.sim.events.emit(self.sim.env.now, "inject.cancelled", id=inject_id)
        return True

    def adhoc(self, data: dict[str, Any]) -> Inject:
        self._adhoc += 1
        d = {"id": data.get("id") or f"adhoc{self._adhoc}", "time_min": self.sim.now, **data}
        d["time_min"] = self.sim.now
        inj = Inject.from_dict(d)
        self.injects[inj.id] = inj
        self.send(inj, cause="adhoc")
        return inj

    def mark_answered(self, inject_id: str, by: str) -> bool:
        inj = self.injects.get(inject_id)
        if inj is None or inj.status not in (SENT, MISSED):
            return False
        self._answer(inj, by, "director")
        return True

    # ------------------------------------------------------------------ answers
    def order_given(self, op: str, by: str, args: dict[str, Any]) -> None:
        """An accepted order may answer sent injects that expected it."""
        for inj in self.injects.values():
            if inj.status != SENT or inj.expected.get("op") != op:
                continue
            if inj.to and by not in (inj.to, "director") and not self.session.seat_under(by, inj.to):
                continue
            want = inj.expected.get("args") or {}
            if all(str(args.get(k)) == str(v) for k, v in want.items()):
                self._answer(inj, by, "order")

    def _anticipated(self, inj: Inject) -> bool:
        """The addressed seat already did what the inject asks, shortly before it arrived."""
        lookback = float(inj.deadline_min if inj.deadline_min is not None else 60.0)
        now = self.sim.env.now
        for ev in reversed(self.sim.events.of_type("order.accepted")):
            if ev.t < now - lookback:
                break
            d = ev.data
            by = str(d.get("by", ""))
            if d.get("op") != inj.expected.get("op"):
                continue
            if inj.to and by not in (inj.to, "director") and not self.session.seat_under(by, inj.to):
                continue
            args = d.get("args") or {}
            if all(str(args.get(k)) == str(v) for k, v in (inj.expected.get("args") or {}).items()):
                self._answer(inj, by, "anticipated")
                return True
        return False

    def _answer(self, inj: Inject, by: str, how: str) -> None:
        now = self.sim.env.now
        on_time = inj.deadline_min is None or (inj.sent_at is not None and now - inj.sent_at <= inj.deadline_min + 1e-9)
        inj.status, inj.answered_at = ANSWERED, now
        self.sim.events.emit(now, "inject.answered", id=inj.id, by=by, how=how, on_time=on_time,
                             minutes=None if inj.sent_at is None else round(now - inj.sent_at, 3))
