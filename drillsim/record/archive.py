"""The drill archive (``.drill``): one SQLite file holding everything a drill was.

Layout (schema version 2; see docs/archive.md)::

    meta(key TEXT PRIMARY KEY, value TEXT)          JSON values: scenario text + sha256, seed, ...
    inputs(id INTEGER PRIMARY KEY, t, kind, data)   every order / inject / director action / note
    events(seq INTEGER PRIMARY KEY, t, type, data BLOB, hash BLOB)
                                                    the event stream: data the canonical payload JSON
                                                    (zlib'd when that saves space), hash the 32-byte
                                                    sha256(hex hash_{i-1} + canonical event line),
                                                    hash_{-1} = scenario sha256
    snapshots(t REAL PRIMARY KEY, seq, codec, state)
                                                    ReplayState every 30 sim min: the first whole, then deltas
                                                    (drillsim.record.snapshots)
    notes(id INTEGER PRIMARY KEY, t, seq, by, text, data)
    blobs(name TEXT PRIMARY KEY, codec, data)       node_xy: the map's node coordinates

``PRAGMA user_version`` and ``meta.schema_version`` carry the version; opening an
older file migrates it in place (:data:`MIGRATIONS`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from drillsim.core.errors import InputError, Problem
from drillsim.core.events import Event, canonical_json
from drillsim.exercise.inputs import Input
from drillsim.record.replay_state import ReplayState, context_from_sim
from drillsim.record.snapshots import SnapshotReader
from drillsim.record.snapshots import loads as _loads

SCHEMA_VERSION = 2
FORMAT = "drillsim-archive"
SQLITE_MAGIC = b"SQLite format 3\x00"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs(id INTEGER PRIMARY KEY, t REAL NOT NULL, kind TEXT NOT NULL,
                                  data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, t REAL NOT NULL, type TEXT NOT NULL,
                                  data BLOB NOT NULL, hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS events_t ON events(t);
CREATE TABLE IF NOT EXISTS snapshots(t REAL PRIMARY KEY, seq INTEGER NOT NULL, codec TEXT NOT NULL,
                                     state BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS notes(id INTEGER PRIMARY KEY, t REAL NOT NULL, seq INTEGER, by TEXT,
                                 text TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs(name TEXT PRIMARY KEY, codec TEXT NOT NULL, data BLOB NOT NULL);
"""


def chain_next(prev: str, event_json: str) -> str:
    """One link of the hash chain: sha256(previous hash hex + canonical event JSON)."""
    return hashlib.sha256((prev + event_json).encode()).hexdigest()


PACK_MIN = 256
"""Payloads this long or longer are stored zlib'd (if that is smaller): mostly ``unit.depart`` routes."""


def pack_payload(payload: bytes) -> bytes:
    """How ``events.data`` stores a canonical payload: as is (it starts with ``{``) or zlib'd (``x``)."""
    if len(payload) >= PACK_MIN:
        z = zlib.compress(payload, 1)
        if len(z) < len(payload):
            return z
    return payload


def unpack_payload(data: bytes | str) -> bytes:
    """The canonical payload JSON of an ``events.data`` value (raises zlib.error if it is damaged)."""
    if isinstance(data, str):  # written as text by another tool
        return data.encode()
    return data if data[:1] == b"{" else zlib.decompress(data)


_JSON_STR = json.JSONEncoder(ensure_ascii=False)


def event_line(seq: int, t: float, type_json: str, payload: bytes) -> bytes:
    """The canonical line ``Event.to_json()`` (keys data, seq, t, type) around a stored payload."""
    return b'{"data":%b,"seq":%d,"t":%b,"type":%b}' % (payload, seq, repr(round(t, 6)).encode(), type_json.encode())


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def pack_xy(x: np.ndarray, y: np.ndarray) -> bytes:
    return zlib.compress(np.concatenate([np.asarray(x, "<f8"), np.asarray(y, "<f8")]).tobytes(), 1)


def unpack_xy(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    a = np.frombuffer(zlib.decompress(data), dtype="<f8")
    n = a.size // 2
    return a[:n], a[n:]


def connect(path: str | Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=10.0, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    return con


@dataclass
class ChainResult:
    ok: bool
    checked: int
    first_bad: int | None = None
    message: str = ""


@dataclass
class Divergence:
    seq: int
    expected: Event | None
    got: Event | None

    def describe(self) -> str:
        def fmt(e: Event | None) -> str:
            return "(none)" if e is None else f"{e.type} t={round(e.t, 6)} data={json.dumps(e.data, ensure_ascii=False, sort_keys=True)}"
        lines = [f"first divergence at event seq {self.seq}:", f"  expected: {fmt(self.expected)}",
                 f"  got:      {fmt(self.got)}"]
        if self.expected and self.got and self.expected.type == self.got.type:
            keys = sorted(set(self.expected.data) | set(self.got.data))
            diff = [k for k in keys if self.expected.data.get(k) != self.got.data.get(k)]
            if diff:
                lines.append("  differing keys: " + ", ".join(diff))
        return "\n".join(lines)


def first_divergence(a: Iterator[Event] | list[Event], b: Iterator[Event] | list[Event],
                     prefix_only: bool = False) -> Divergence | None:
    """The first seq where two streams differ in time, type or data (None if identical).

    ``prefix_only``: ``a`` may be a truncated recording; extra events in ``b`` are fine.
    """
    ia, ib = iter(a), iter(b)
    seq = 0
    while True:
        ea, eb = next(ia, None), next(ib, None)
        if ea is None and eb is None:
            return None
        if ea is None:
            return None if prefix_only else Divergence(seq, None, eb)
        if eb is None or ea.to_json() != eb.to_json():
            return Divergence(ea.seq if ea else seq, ea, eb)
        seq += 1


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run a block with Python's cyclic garbage collector off (as it was if it was off already).

    A seek allocates a burst of containers (decoded events and snapshot maps, the
    reducer, the view) that reference counting frees and that form no cycles. With
    the collector on, its young-generation passes in the middle of that burst promote
    the half-built state to the oldest generation, and every few seeks that starts a
    full pass over the whole process heap -- 0.3 s for a 20,000-node drill held in
    memory, 1-2 s at 100,000 nodes: the slow seek the benchmark kept showing. Off
    during the seek, none of that happens; the allocation count carries over to the
    next collection after it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def bad_archive(path: str | Path, msg: str) -> InputError:
    return InputError(Problem(str(path), 1, 1, msg))


class Archive:
    """A recorded drill, read back: meta, inputs, events, notes, and fast seek (:meth:`state_at`)."""

    def __init__(self, path: Path, con: sqlite3.Connection, map_data: Any = None) -> None:
        self.path = path
        self.con = con
        self._map_data = map_data
        self._xy: tuple[np.ndarray, np.ndarray] | None = None
        self._context: dict[str, Any] | None = None
        self._snapshots = SnapshotReader(con)
        self.meta = self._read_meta()

    # ------------------------------------------------------------------ open
    @classmethod
    def open(cls, path: str | Path, map_data: Any = None, migrate: bool = True) -> Archive:
        """Open a .drill file; older schema versions are migrated in place.

        Raises :class:`InputError` (``FILE:1:1: message``) if the file is missing,
        not SQLite, not a DrillSim archive, or from a newer DrillSim.
        """
        path = Path(path)
        if not path.exists():
            raise bad_archive(path, "archive not found; check the path")
        if path.is_dir():
            raise bad_archive(path, "is a folder, expected a .drill archive")
        with open(path, "rb") as f:
            head = f.read(16)
        if head != SQLITE_MAGIC:
            raise bad_archive(path, "not a DrillSim archive (not an SQLite file)")
        try:
            con = connect(path)
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            fmt = None
            if "meta" in tables:
                row = con.execute("SELECT value FROM meta WHERE key='format'").fetchone()
                fmt = json.loads(row[0]) if row else None
        except sqlite3.DatabaseError as e:
            raise bad_archive(path, f"not a readable DrillSim archive: {e}") from None
        if fmt != FORMAT or not {"meta", "inputs", "events"} <= tables:
            con.close()
            raise bad_archive(path, "not a DrillSim archive (no meta/inputs/events tables)")
        if version > SCHEMA_VERSION:
            con.close()
            raise bad_archive(path, f"archive schema version {version} is newer than this DrillSim reads "
                                    f"({SCHEMA_VERSION}); update DrillSim")
        if version < SCHEMA_VERSION:
            if not migrate:
                con.close()
                raise bad_archive(path, f"archive schema version {version} needs migration")
            try:
                for v in range(version, SCHEMA_VERSION):
                    MIGRATIONS[v](con, path, map_data)
            except (sqlite3.DatabaseError, InputError) as e:
                con.rollback()
                con.close()
                why = e.problems[0].message if isinstance(e, InputError) and e.problems else str(e)
                raise bad_archive(path, f"cannot migrate archive from version {version}: {why}") from None
        return cls(path, con, map_data)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _read_meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.con.execute("SELECT key, value FROM meta")}

    # ------------------------------------------------------------------ contents
    @property
    def schema_version(self) -> int:
        return int(self.con.execute("PRAGMA user_version").fetchone()[0])

    @property
    def duration(self) -> float:
        """Sim minutes the recording covers (its end time)."""
        last = self.con.execute("SELECT MAX(t) FROM events").fetchone()[0] or 0.0
        return float(max(self.meta.get("end_t") or 0.0, last))

    @property
    def event_count(self) -> int:
        return int(self.con.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def inputs(self) -> list[Input]:
        return [Input(t, kind, json.loads(data)) for t, kind, data in
                self.con.execute("SELECT t, kind, data FROM inputs ORDER BY id")]

    def events(self, upto_t: float | None = None, after_seq: int = -1, types: str | None = None) -> Iterator[Event]:
        """Events in order; ``upto_t`` inclusive; ``types`` a type prefix like 'unit.'."""
        q, args = "SELECT seq, t, type, data FROM events WHERE seq > ?", [after_seq]
        if upto_t is not None:
            # Events are in time order: bound the seq range with the time index, or the
            # primary-key scan would run on to the end of the table filtering on t.
            q += " AND seq <= ? AND t <= ?"
            args += [self.last_seq_at(upto_t), float(upto_t)]
        if types:
            q += " AND type LIKE ?"
            args.append(types.replace("%", "") + "%")
        try:
            for seq, t, ty, data in self.con.execute(q + " ORDER BY seq", args):
                try:
                    payload = _loads(unpack_payload(data))
                except (ValueError, TypeError, zlib.error):
                    # a flipped byte in a stored payload: say so instead of a JSON/zlib traceback
                    raise bad_archive(self.path, f"event seq {seq} ({ty} at t={t:g}) is damaged and cannot be "
                                                 "read; the archive was altered or corrupted "
                                                 "('drillsim verify' names the first bad event)") from None
                yield Event(t, ty, payload, seq)
        except sqlite3.DatabaseError as e:
            raise bad_archive(self.path, f"not a readable DrillSim archive: {e}") from None

    def last_seq_at(self, t: float) -> int:
        """The seq of the last event at or before sim minute ``t`` (-1 if none), from the time index."""
        row = self.con.execute("SELECT seq FROM events WHERE t <= ? ORDER BY t DESC, seq DESC LIMIT 1",
                               (float(t),)).fetchone()
        return -1 if row is None else int(row[0])

    def notes(self) -> list[dict[str, Any]]:
        return [{"t": t, "seq": seq, "by": by, "text": text, **json.loads(data)} for t, seq, by, text, data in
                self.con.execute("SELECT t, seq, by, text, data FROM notes ORDER BY id")]

    def injects(self) -> list[dict[str, Any]]:
        """Inject events (``event``: inject.sent / answered / missed / edited / cancelled) with their times."""
        return [{**e.data, "t": e.t, "seq": e.seq, "event": e.type} for e in self.events(types="inject.")]

    def scenario_text(self) -> str:
        return str(self.meta.get("scenario_text") or "")

    # ------------------------------------------------------------------ chain
    def verify_chain(self) -> ChainResult:
        """Recompute the hash chain; report the first event whose stored hash does not follow.

        Each link hashes the canonical line rebuilt around the stored payload bytes,
        so nothing is parsed: any edit of a byte, a time, a type or a seq breaks it.
        """
        prev = str(self.meta.get("scenario_sha256") or "")
        if sha256_text(self.scenario_text()) != prev:
            return ChainResult(False, 0, None, "scenario text does not match its sha256 (scenario edited)")
        n = 0
        types: dict[str, str] = {}
        sha256 = hashlib.sha256
        for seq, t, ty, data, h in self.con.execute("SELECT seq, t, type, data, hash FROM events ORDER BY seq"):
            if seq != n:
                return ChainResult(False, n, n, f"event seq {n} is missing")
            try:
                payload = unpack_payload(data)
                tj = types.get(ty) or types.setdefault(ty, _JSON_STR.encode(ty))
                digest = sha256(prev.encode() + event_line(seq, t, tj, payload)).digest()
            except (zlib.error, TypeError, ValueError):
                return ChainResult(False, n, seq, f"event seq {seq}: stored data is damaged")
            if digest != h:
                return ChainResult(False, n, seq, f"event seq {seq} ({ty} at t={t:g}) does not match the hash chain")
            prev = digest.hex()
            n += 1
        return ChainResult(True, n)

    # ------------------------------------------------------------------ seek
    @property
    def context(self) -> dict[str, Any]:
        if self._context is None:
            self._context = self.meta.get("context") or {}
        return self._context

    @property
    def xy(self) -> tuple[np.ndarray, np.ndarray] | None:
        if self._xy is None:
            if self._map_data is not None:
                from drillsim.world.network import RoadNetwork

                net = RoadNetwork(self._map_data.graph)
                self._xy = (net.x, net.y)
            else:
                row = self.con.execute("SELECT data FROM blobs WHERE name='node_xy'").fetchone()
                if row:
                    self._xy = unpack_xy(row[0])
        return self._xy

    def state_at(self, t: float | None = None) -> dict[str, Any]:
        """Drill state at sim minute ``t`` (default: the end) from the nearest snapshot + later events."""
        with gc_paused():
            return self.reducer_at(t).view(self.duration if t is None else max(0.0, float(t)))

    def reducer_at(self, t: float | None = None) -> ReplayState:
        """The reducer at sim minute ``t`` (default: the end): nearest snapshot, then the events after it."""
        t = self.duration if t is None else max(0.0, float(t))
        with gc_paused():  # see gc_paused: the collector's passes were the slow seeks
            st = self._snapshots.state(self.context, self.xy, t)
            if st is None:
                st = ReplayState(self.context, self.xy)
            for ev in self.events(upto_t=t, after_seq=st.last_seq):
                st.apply(ev)
        return st

    def kpis(self) -> dict[str, Any]:
        return self.state_at()["kpis"]


# ---------------------------------------------------------------------- migrations

def _scenario_for(con: sqlite3.Connection, path: Path, meta: dict[str, Any]):
    """Load the archived scenario text (maps resolved beside the original file, the archive, or cwd)."""
    from drillsim.scenario import load_scenario_text

    text = str(meta.get("scenario_text") or "")
    last: Exception | None = None
    for base in base_dirs(meta, path):
        try:
            return load_scenario_text(text, str(meta.get("scenario_file") or "<archived scenario>"), base_dir=base)
        except InputError as e:
            last = e
    raise last or InputError(Problem(str(path), 1, 1, "archive holds no scenario"))


def base_dirs(meta: dict[str, Any], archive_path: Path | None = None) -> list[Path]:
    """Where a scenario's relative map path may resolve: its original folder, the archive's, the cwd."""
    out = []
    sp = meta.get("scenario_path")
    if sp and Path(sp).parent.exists():
        out.append(Path(sp).parent)
    if archive_path is not None:
        out.append(archive_path.resolve().parent)
    out.append(Path.cwd())
    seen, uniq = set(), []
    for p in out:
        if str(p) not in seen:
            seen.add(str(p))
            uniq.append(p)
    return uniq


def _migrate_0_to_1(con: sqlite3.Connection, path: Path, map_data: Any) -> None:
    """v0 (DrillSim 0.0 dev): no hash chain, no snapshots, notes or node coordinates; inputs had no id.

    Fills them in: the chain is computed now (seeded with the scenario hash), the
    replay context and node coordinates come from the archived scenario and its map,
    and snapshots and notes are rebuilt by running the reducer over the events.
    """
    from drillsim.record.recorder import SNAPSHOT_EVERY
    from drillsim.record.snapshots import snapshot_rows
    from drillsim.response.simulation import Simulation

    meta = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM meta")}
    scenario = _scenario_for(con, path, meta)
    sim = Simulation(scenario, seed=meta.get("seed"), auto_dispatch=bool(meta.get("auto_dispatch", True)),
                     map_data=map_data)
    context = context_from_sim(sim)
    text = str(meta.get("scenario_text") or "")
    h = sha256_text(text)
    con.execute("BEGIN")
    con.execute("ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT ''")
    con.execute("CREATE TABLE inputs_v1(id INTEGER PRIMARY KEY, t REAL NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL)")
    con.execute("INSERT INTO inputs_v1(t, kind, data) SELECT t, kind, data FROM inputs ORDER BY rowid")
    con.execute("DROP TABLE inputs")
    con.execute("ALTER TABLE inputs_v1 RENAME TO inputs")
    for stmt in SCHEMA_V1.strip().split(";"):
        if stmt.strip():
            con.execute(stmt)
    rows = con.execute("SELECT seq, t, type, data FROM events ORDER BY seq").fetchall()
    st = ReplayState(context)
    hashes, snaps, notes = [], [], []
    next_snap = SNAPSHOT_EVERY
    for seq, t, ty, data in rows:
        ev = Event(t, ty, json.loads(data), seq)
        h = chain_next(h, ev.to_json())
        hashes.append((h, canonical_json(ev.data), seq))  # the chain vouches for the canonical payload
        if ev.t > next_snap:
            snaps.append(snapshot_rows(st, ev.t, SNAPSHOT_EVERY))
            next_snap = snaps[-1][0] + SNAPSHOT_EVERY
        st.apply(ev)
        if ty == "note":
            notes.append((ev.t, seq, ev.data.get("by"), ev.data.get("text"), data))
    con.executemany("UPDATE events SET hash=?, data=? WHERE seq=?", hashes)
    con.executemany("INSERT OR REPLACE INTO snapshots(t, seq, codec, state) VALUES (?,?,?,?)", snaps)
    con.executemany("INSERT INTO notes(t, seq, by, text, data) VALUES (?,?,?,?,?)", notes)
    con.execute("INSERT OR REPLACE INTO blobs(name, codec, data) VALUES ('node_xy', 'zlib-f8', ?)",
                (pack_xy(sim.world.net.x, sim.world.net.y),))
    last_t = rows[-1][1] if rows else 0.0
    new_meta = {"scenario_sha256": sha256_text(text), "context": context, "schema_version": 1,
                "migrated_from": 0, "end_t": meta.get("end_t", last_t),
                "complete": meta.get("complete", True), "duration_min": scenario.meta.duration_min}
    for k, v in new_meta.items():
        con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (k, json.dumps(v, ensure_ascii=False)))
    con.execute("PRAGMA user_version=1")
    con.commit()


def _migrate_1_to_2(con: sqlite3.Connection, path: Path, map_data: Any) -> None:
    """v1: ``events.data`` TEXT and ``events.hash`` 64 hex characters.

    v2 stores the same payload bytes (zlib'd when long) and the 32 raw hash
    bytes: the chain is the same, so a v1 file that verified still verifies, and
    an edited one still fails at its first bad event (a hash that is not hex
    is kept as it was and fails there).
    """
    con.execute("BEGIN")
    con.execute("CREATE TABLE events_v2(seq INTEGER PRIMARY KEY, t REAL NOT NULL, type TEXT NOT NULL, "
                "data BLOB NOT NULL, hash BLOB NOT NULL)")

    def rows():
        for seq, t, ty, data, h in con.execute("SELECT seq, t, type, data, hash FROM events ORDER BY seq"):
            payload = data.encode() if isinstance(data, str) else bytes(data)
            try:
                hb = bytes.fromhex(h) if isinstance(h, str) and len(h) == 64 else h
            except ValueError:
                hb = h
            yield seq, t, ty, pack_payload(payload), hb

    con.executemany("INSERT INTO events_v2(seq, t, type, data, hash) VALUES (?,?,?,?,?)", rows())
    con.execute("DROP TABLE events")
    con.execute("ALTER TABLE events_v2 RENAME TO events")
    con.execute("CREATE INDEX IF NOT EXISTS events_t ON events(t)")
    con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '2')")
    con.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('migrated_from', '1')")
    con.execute("PRAGMA user_version=2")
    con.commit()


MIGRATIONS = {0: _migrate_0_to_1, 1: _migrate_1_to_2}
"""MIGRATIONS[v] upgrades a version-v archive to v+1, in place, in one transaction."""

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS snapshots(t REAL PRIMARY KEY, seq INTEGER NOT NULL, codec TEXT NOT NULL,
                                     state BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS notes(id INTEGER PRIMARY KEY, t REAL NOT NULL, seq INTEGER, by TEXT,
                                 text TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs(name TEXT PRIMARY KEY, codec TEXT NOT NULL, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS events_t ON events(t);
"""
"""The tables migration 0 -> 1 adds (as version 1 had them; later versions change them in their own step)."""
