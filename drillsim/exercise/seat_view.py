"""What one seat sees of a drill, from the event stream alone.

Three consumers need the same answer and use this one module: a networked drill's
server (each seat receives only its view), ``drillsim replay --seat`` and the
desktop app's replay 席位视角 filter. The rules are the engine's own
(:meth:`drillsim.exercise.seats.Seats.visible_at`: reports climb the command chain
with a delay per level hop, a seat sees its own and granted units, comms cuts
delay everything), applied to :class:`Seats` rebuilt from the stream's ``seats``
event; grants and comms follow the ``support.approved`` and ``comms.*`` events as
they go by, so a live drill and its replay filter identically.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Any

from drillsim.core.events import Event
from drillsim.core.i18n import pick
from drillsim.exercise.seats import Seats

ALL_SEEING = ("director", "evaluator")
"""Roles that see every event at once (导演部, 评估组)."""


class SeatFilter:
    """Who sees which event, when. Feed events in order with :meth:`observe`."""

    def __init__(self, summaries: list[dict[str, Any]]) -> None:
        self.summaries = {str(d["id"]): d for d in summaries if d.get("id") is not None}
        self.parent = {k: d.get("parent") for k, d in self.summaries.items()}
        self.owner = {str(u): k for k, d in self.summaries.items() for u in d.get("units") or []}
        self.reset()

    def reset(self) -> None:
        """Back to t=0: no grants, every seat's comms as recorded at the start."""
        self.rules: Seats | None = Seats.from_summaries(list(self.summaries.values()))

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> SeatFilter | None:
        """From the stream's ``seats`` event (emitted at t=0 by every session)."""
        for ev in events:
            if ev.type == "seats":
                return cls(list(ev.data.get("seats") or []))
            if ev.t > 0:
                break
        return None

    def names(self) -> list[tuple[str, str]]:
        """(seat id, display name) in the stream's order."""
        return [(k, pick(d.get("name") or k)) for k, d in self.summaries.items()]

    def observe(self, ev: Event) -> None:
        """Follow grants and comms as events go by."""
        if self.rules is None:
            return
        d = ev.data
        if ev.type == "support.approved" and d.get("to") in self.rules.seats:
            g = self.rules.grants.setdefault(str(d["to"]), set())
            g.update(str(u) for u in d.get("units") or [])
            if d.get("depot"):
                g.add(str(d["depot"]))
        elif ev.type in ("comms.down", "comms.up") and d.get("seat") in self.rules.seats:
            seat = self.rules.seats[str(d["seat"])]
            seat.comms_ok = ev.type == "comms.up"
            seat.comms_down_since = None if seat.comms_ok else ev.t

    def _related(self, a: str, b: str) -> bool:
        """a is b, or one is below the other in the command chain."""
        def under(x: str, anc: str) -> bool:
            seen = set()
            while x and x not in seen:
                if x == anc:
                    return True
                seen.add(x)
                x = self.parent.get(x) or ""
            return False

        return under(a, b) or under(b, a)

    def payload_visible(self, seat: str, ev: Event) -> bool:
        """Fallback rule: the event's unit owner, by, from, to or seat is related to ``seat``
        (events naming none of these are seen by every seat)."""
        d = ev.data
        named = [str(d[k]) for k in ("by", "from", "to", "seat") if isinstance(d.get(k), str) and d.get(k)]
        if d.get("unit") is not None and str(d["unit"]) in self.owner:
            named.append(self.owner[str(d["unit"])])
        named = [n for n in named if n in self.summaries]
        return not named or any(self._related(seat, n) for n in named)

    def visible_at(self, seat: str, ev: Event) -> float | None:
        """Sim minute at which ``seat`` learns of ``ev`` (None: not for this seat)."""
        if seat in ALL_SEEING:
            return ev.t
        if self.rules is not None and seat in self.rules.seats:
            try:
                return self.rules.visible_at(seat, ev)
            except Exception:  # noqa: BLE001 - an event the rules do not expect: use the payload rule
                pass
        return ev.t if self.payload_visible(seat, ev) else None

    def grants(self, seat: str) -> set[str]:
        return set(self.rules.grants.get(seat, set())) if self.rules is not None else set()


class SeatFeed:
    """Per-seat delivery of a stream: events wait until the seat would have learned of them.

    :meth:`feed` every event in order, then :meth:`due` at a time gives each seat's
    newly visible events (in visibility order, ties by seq). The networked server
    feeds events as they are emitted; ``replay --seat`` feeds the archive.
    """

    def __init__(self, seat_filter: SeatFilter, seats: Iterable[str]) -> None:
        self.filter = seat_filter
        self.pending: dict[str, list[tuple[float, int, Event]]] = {s: [] for s in seats}
        self.seen: dict[str, list[Event]] = {s: [] for s in self.pending}

    def feed(self, ev: Event) -> None:
        self.filter.observe(ev)
        for seat, heap in self.pending.items():
            t = self.filter.visible_at(seat, ev)
            if t is not None:
                heapq.heappush(heap, (t, ev.seq, ev))

    def due(self, now: float) -> dict[str, list[Event]]:
        """Events each seat learns of by ``now`` that it had not yet (seats with none omitted)."""
        out: dict[str, list[Event]] = {}
        for seat, heap in self.pending.items():
            got = []
            while heap and heap[0][0] <= now:
                got.append(heapq.heappop(heap)[2])
            if got:
                self.seen[seat].extend(got)
                out[seat] = got
        return out


def seat_view(events: Iterable[Event], seat: str, now: float) -> list[Event]:
    """Every event ``seat`` has learned of by ``now``, in the order it learned of them."""
    events = list(events)
    flt = SeatFilter.from_events(events) or SeatFilter([])
    feed = SeatFeed(flt, [seat])
    for ev in events:
        if ev.t > now:
            break
        feed.feed(ev)
    feed.due(now)
    return feed.seen[seat]


RECENT_WARNINGS = 20
"""Warnings listed in a seat's state (the full history reaches it as warning events)."""


def seat_state(state: dict[str, Any], seat: str, seat_filter: SeatFilter) -> dict[str, Any]:
    """A seat's share of a drill state (:meth:`ReplayState.view` output): its own and granted
    units and depots, the response level and the latest public warnings. Director and
    evaluators get it all."""
    if seat in ALL_SEEING:
        return state
    summary = seat_filter.summaries.get(seat) or {}
    granted = seat_filter.grants(seat)
    units = set(summary.get("units") or []) | granted
    depots = set(summary.get("depots") or []) | granted
    return {"t": state["t"], "seat": seat,
            "units": [u for u in state["units"] if u["id"] in units],
            "supplies": {d: s for d, s in state["supplies"].items() if d in depots},
            "response_level": state["response_level"],
            "warnings": state["warnings"][-RECENT_WARNINGS:]}
