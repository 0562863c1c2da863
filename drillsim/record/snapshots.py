"""Replay-state snapshots: written mid-drill by the recorder, read by every seek.

A late snapshot of a big drill is mostly its incidents, tasks and KPI maps
(thousands of entries), and between two snapshots few of them change. So the
recorder writes the first snapshot whole (codec ``zstd-key``) and each later one
as a *delta* (``zstd-delta``): the rest of the state whole, and for each map
only the entries that changed since the previous snapshot, plus the keys that
went. :meth:`ReplayState.apply` replaces an incident or task entry on change
and never mutates one, so "changed" is an identity test, and decoded entries
can be shared: a reader keeps each decoded snapshot's map part and a seek merges
the chain from the key snapshot (dict updates) instead of parsing a whole state.

Stored bytes (one ``snapshots.state`` value)::

    compress(json(rest) + b"\\n" + json({name: {"full": 0|1, "set": {key: entry}, "del": [key]}}))

``rest`` is :meth:`ReplayState.dump_rest` (compact JSON has no raw newline).
Older codecs ``zstd-json`` / ``zlib-json`` hold a whole :meth:`ReplayState.dump`.
zstd is used where the ``zstandard`` package is installed (a core dependency),
else zlib (``zlib-key`` / ``zlib-delta``); a reader lacking a codec skips those
snapshots (seek then replays more events).
"""

from __future__ import annotations

import json
import math
import sqlite3
import zlib
from typing import Any

import numpy as np

from drillsim.record.replay_state import ReplayState

try:  # orjson parses JSON ~3x faster than the stdlib (seeking is mostly decoding) and writes it ~7x faster
    from orjson import dumps as _dumps
    from orjson import loads as loads
except ImportError:  # pragma: no cover - a core dependency; the stdlib is the fallback
    _dumps = None
    loads = json.loads

try:  # zstd packs snapshots ~4x faster than zlib and unpacks them ~3x faster (they are written mid-drill)
    import zstandard as _zstd
except ImportError:  # pragma: no cover - a core dependency; snapshots fall back to zlib
    _zstd = None

COMPRESSORS = ("zstd", "zlib") if _zstd else ("zlib",)
"""What this installation decompresses."""

_MISSING = object()


def compress(raw: bytes) -> tuple[str, bytes]:
    """(name, bytes): zstd level 1 when available, else zlib level 1."""
    if _zstd is not None:
        return "zstd", _zstd.ZstdCompressor(level=1).compress(raw)
    return "zlib", zlib.compress(raw, 1)


def decompress(name: str, data: bytes) -> bytes:
    if name == "zstd":
        return _zstd.ZstdDecompressor().decompress(data)
    return zlib.decompress(data) if name == "zlib" else data


def json_bytes(obj: Any) -> bytes:
    """Compact JSON (orjson; the stdlib for what orjson refuses, e.g. numpy scalar subclasses)."""
    try:
        if _dumps is not None:
            return _dumps(obj)
    except TypeError:
        pass
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def pack_json(obj: Any) -> tuple[str, bytes]:
    """(codec, bytes) of a whole snapshot as one JSON document: ``zstd-json`` (or ``zlib-json``)."""
    name, data = compress(json_bytes(obj))
    return f"{name}-json", data


def unpack_json(codec: str, data: bytes) -> Any:
    return loads(decompress(codec.split("-")[0], data))


def label_for(t_next_event: float, every: float) -> float:
    """The last ``every`` boundary before ``t_next_event``: the reducer holds the events up to it."""
    return max(0.0, (math.ceil(t_next_event / every) - 1) * every)


def snapshot_rows(st: ReplayState, t_next_event: float, every: float) -> tuple[float, int, str, bytes]:
    """A whole-state snapshot row ``(t, seq, codec, state)`` of ``st`` (migrations write these)."""
    return (label_for(t_next_event, every), st.last_seq, *pack_json(st.dump()))


class SnapshotWriter:
    """Makes the recorder's snapshot rows: the first whole, then deltas against the previous one."""

    def __init__(self) -> None:
        self.prev: dict[str, dict[str, Any]] | None = None

    def row(self, st: ReplayState, t_next_event: float, every: float) -> tuple[float, int, str, bytes]:
        """A ``snapshots`` row ``(t, seq, codec, state)``."""
        t, seq, kind, raw = self.raw_row(st, t_next_event, every)
        name, data = compress(raw)
        return (t, seq, f"{name}-{kind}", data)

    def raw_row(self, st: ReplayState, t_next_event: float, every: float) -> tuple[float, int, str, bytes]:
        """``(t, seq, kind, raw)``: the row before compression (``kind`` "key" or "delta"; the
        recorder's writer thread compresses it into codec ``{compressor}-{kind}``)."""
        maps = st.delta_maps()
        prev = self.prev or {}
        part = {}
        for name, cur in maps.items():
            old = prev.get(name)
            if old is None:
                part[name] = {"full": 1, "set": cur, "del": []}
            else:
                part[name] = {"full": 0, "set": {k: v for k, v in cur.items() if old.get(k, _MISSING) is not v},
                              "del": sorted(old.keys() - cur.keys())}
        raw = json_bytes(st.dump_rest(maps)) + b"\n" + json_bytes(part)
        kind = "key" if all(p["full"] for p in part.values()) else "delta"
        self.prev = {n: dict(m) for n, m in maps.items()}  # only once the row is made
        return (label_for(t_next_event, every), st.last_seq, kind, raw)

    def reset(self) -> None:
        """After a failed snapshot: the next one is written whole."""
        self.prev = None


class SnapshotReader:
    """Seeks from snapshots; keeps each decoded delta's map part (immutable entries) for later seeks."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self._parts: dict[float, tuple[bytes, dict[str, Any]]] = {}

    def _chain(self, t: float) -> list[tuple[float, int, str]]:
        """The readable snapshots to merge for time ``t``, oldest first (the first is self-contained)."""
        chain: list[tuple[float, int, str]] = []
        for st, seq, codec in self.con.execute("SELECT t, seq, codec FROM snapshots WHERE t <= ? ORDER BY t DESC",
                                               (t,)):
            comp, _, kind = codec.partition("-")
            if comp not in COMPRESSORS or kind not in ("json", "key", "delta"):
                chain = []  # unreadable: the later deltas cannot be used either
                continue
            chain.append((st, seq, codec))
            if kind != "delta":
                return chain[::-1]
        return []

    def _part(self, st: float, codec: str) -> tuple[bytes, dict[str, Any]]:
        got = self._parts.get(st)
        if got is None:
            data = self.con.execute("SELECT state FROM snapshots WHERE t = ?", (st,)).fetchone()[0]
            raw = decompress(codec.split("-")[0], data)
            rest, _, maps = raw.partition(b"\n")
            got = self._parts[st] = (rest, loads(maps))
        return got

    def state(self, context: dict[str, Any], xy: tuple[np.ndarray, np.ndarray] | None,
              t: float) -> ReplayState | None:
        """The reducer at the last readable snapshot at or before ``t`` (None: replay from the start)."""
        chain = self._chain(t)
        if not chain:
            return None
        st, _, codec = chain[-1]
        if codec.endswith("-json"):  # a whole state (archives recorded before deltas)
            data = self.con.execute("SELECT state FROM snapshots WHERE t = ?", (st,)).fetchone()[0]
            return ReplayState.load(context, unpack_json(codec, data), xy)
        merged: dict[str, dict[str, Any]] = {}
        rest = b"{}"
        for st, _, codec in chain:
            rest, part = self._part(st, codec)
            for name, d in part.items():
                m = merged.get(name)
                if d["full"] or m is None:
                    merged[name] = m = dict(d["set"])
                else:
                    m.update(d["set"])
                for k in d["del"]:
                    m.pop(k, None)
        maps = {name: merged[name] for name in part}  # the last snapshot names every map it holds
        return ReplayState.load_parts(context, loads(rest), maps, xy)
