"""The event stream: every change in a drill is one immutable :class:`Event`.

The GUI, the recorder, KPIs and reports all consume the same stream, so nothing
reaches into another layer's internals. A run is identified by the sha256 digest
of its canonical stream (:func:`digest`): same scenario + seed + inputs give the
same digest, bit for bit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Listener = Callable[["Event"], None]
Tap = Callable[["Event", bytes], None]


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened: sim time in minutes, a dotted type, a JSON-able payload."""

    t: float
    type: str
    data: dict[str, Any] = field(default_factory=dict)
    seq: int = 0

    def to_json(self) -> str:
        """Canonical JSON line (sorted keys, no spaces): the unit of the digest."""
        return canonical_json({"seq": self.seq, "t": round(self.t, 6), "type": self.type, "data": self.data})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        return cls(t=float(d["t"]), type=str(d["type"]), data=dict(d.get("data", {})), seq=int(d.get("seq", 0)))


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
"""One encoder for every event (``json.dumps`` with options builds a new encoder per call)."""


def canonical_json(obj: Any) -> str:
    return _CANONICAL.encode(obj)


class EventStream:
    """Append-only list of events with synchronous listeners.

    Listeners run in emit order; a listener must not raise (a failing listener
    would make two runs of the same inputs differ).
    """

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._listeners: list[Listener] = []
        self._taps: list[Tap] = []
        self._hash = hashlib.sha256()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def first_listener(self) -> Listener | None:
        """The listener that runs first for every event (right after the taps), or None.

        It sees each event before any other listener can emit a follow-up, so it
        sees the stream in seq order, and by the time a tap gets an event it has
        seen every earlier one.
        """
        return self._listeners[0] if self._listeners else None

    def tap(self, tap: Tap) -> Callable[[], None]:
        """Call ``tap(event, line)`` with each new event's canonical JSON line (UTF-8 bytes).

        Taps run in strict seq order, before the listeners (a listener may emit
        follow-up events from inside its callback, so listeners can see events
        out of order), and reuse the line the digest is computed from: the
        recorder archives and hash-chains it without encoding the event again.
        """
        self._taps.append(tap)
        return lambda: self._taps.remove(tap)

    def emit(self, t: float, type: str, /, **data: Any) -> Event:
        ev = Event(float(t), type, _jsonable(data), len(self.events))
        self.events.append(ev)
        line = ev.to_json().encode()
        self._hash.update(line)
        self._hash.update(b"\n")
        for tap in self._taps:
            tap(ev, line)
        for listener in list(self._listeners):
            listener(ev)
        return ev

    @property
    def digest(self) -> str:
        """sha256 of the canonical stream so far (one JSON line per event)."""
        return self._hash.hexdigest()

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self):
        return iter(self.events)

    def of_type(self, prefix: str) -> list[Event]:
        return [e for e in self.events if e.type == prefix or e.type.startswith(prefix + ".")]


def digest(events: Iterable[Event]) -> str:
    h = hashlib.sha256()
    for ev in events:
        h.update(ev.to_json().encode())
        h.update(b"\n")
    return h.hexdigest()


def _jsonable(obj: Any) -> Any:
    """Convert numpy scalars, tuples and sets so the payload is plain JSON.

    Plain str/int/float/dict/list values (nearly every payload) take exact-type
    fast paths; lists of plain ints or floats (coordinates, series) are
    converted without a call per element. Anything else takes the general path.
    """
    t = type(obj)
    if t is str or t is int or t is bool or obj is None:
        return obj
    if t is float:
        return round(obj, 6)
    if t is dict:
        return {k if type(k) is str else str(k): _jsonable(v) for k, v in obj.items()}
    if t is list or t is tuple:
        types = set(map(type, obj))
        if types <= _INT:
            return list(obj)
        if types <= _NUM:  # keep the objects whose value does not change (shared floats stay shared)
            return [v if (r := round(v, 6)) == v else r for v in obj]
        return [_jsonable(v) for v in obj]
    return _jsonable_general(obj)


_INT = frozenset({int})
_NUM = frozenset({int, float})


def _jsonable_general(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(_jsonable(v) for v in obj)
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return round(obj, 6)
    if hasattr(obj, "item"):  # numpy scalar
        return _jsonable(obj.item())
    return str(obj)
