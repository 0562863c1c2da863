"""One seat's view of a recorded drill: ``drillsim replay A.drill --seat SEAT``.

Uses the very filter the networked server applies live
(:class:`~drillsim.exercise.seat_view.SeatFeed` and
:func:`~drillsim.exercise.seat_view.seat_state`), so a seat's replayed view is what
it was sent during the drill: the same events, learned at the same times.
"""

from __future__ import annotations

from typing import Any

from drillsim.core.errors import InputError, Problem
from drillsim.exercise.seat_view import ALL_SEEING, SeatFeed, SeatFilter, seat_state
from drillsim.record.archive import Archive


def seat_view_at(archive: Archive, seat: str, t: float | None = None) -> dict[str, Any]:
    """{seat, t, state, events}: what ``seat`` knew at sim minute ``t`` (default: the end)."""
    t = archive.duration if t is None else float(t)
    events = list(archive.events(upto_t=t))
    flt = SeatFilter.from_events(events) or SeatFilter([])
    if seat not in flt.summaries and seat not in ALL_SEEING:
        known = ", ".join(list(flt.summaries) + list(ALL_SEEING))
        raise InputError(Problem(str(archive.path), 1, 1, f"no seat {seat!r} in this drill; seats: {known}"))
    feed = SeatFeed(flt, [seat])
    for ev in events:
        feed.feed(ev)
    feed.due(t)
    state = seat_state(archive.state_at(t), seat, flt)
    return {"seat": seat, "t": t, "state": state,
            "events": [{"seq": e.seq, "t": e.t, "type": e.type, "data": e.data} for e in feed.seen[seat]]}
