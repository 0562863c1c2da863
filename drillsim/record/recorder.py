"""Record a live (or headless) drill session into a ``.drill`` archive as it runs.

The recorder listens to the event stream and the session's inputs, keeps the
hash chain and a :class:`ReplayState` (for snapshots every 30 sim minutes), and
writes in batches: whenever at least ``commit_every`` wall seconds have passed
since the last hand-over (checked on every event and input, and by
:meth:`Recorder.poll`, which a GUI timer or a paced CLI loop calls between
slices) it hands what it gathered to its :class:`~drillsim.record.writer.Writer`,
which packs, compresses, inserts and commits it: on the drill's thread by
default, or on a background thread with ``background_writer=True`` (measured:
that costs more CPU and, on a loaded machine, more wall time too; see
docs/archive.md). :meth:`Recorder.flush` and :meth:`Recorder.close` wait for the
commit. The file is in WAL mode, so a ``kill -9`` loses about the last second
and the file still opens.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import drillsim
from drillsim.core.events import Event
from drillsim.exercise.inputs import Input
from drillsim.record.archive import (
    FORMAT,
    SCHEMA,
    SCHEMA_VERSION,
    connect,
    pack_xy,
    sha256_text,
)
from drillsim.record.replay_state import ReplayState, context_from_sim
from drillsim.record.snapshots import SnapshotWriter
from drillsim.record.writer import Batch, Writer
from drillsim.response.kpis import KpiTracker

SNAPSHOT_EVERY = 30.0
"""Sim minutes between replay-state snapshots."""


_SEQ = b',"seq":'
"""What follows the payload in a canonical event line (``{"data":...,"seq":N,"t":T,"type":"X"}``)."""


def payload_of(line: bytes) -> bytes:
    """The canonical payload JSON inside an event line (the last ``,"seq":`` closes it: keys are sorted)."""
    return line[8:line.rindex(_SEQ)]


def shared_kpis(sim: Any) -> KpiTracker | None:
    """The simulation's own KPI tracker, if the recorder's reducer can use it instead of a second one.

    The simulation subscribes its tracker before anything else, so it consumes each
    event right after the taps, before any other listener can emit: at the recorder's
    tap for event ``n`` it has consumed exactly events ``0 .. n-1``, in order -- what a
    second tracker fed by the reducer would hold, so the snapshots are the same (the
    reducer no longer feeds a tracker the events the simulation's already consumed:
    about an eighth of the recorder's CPU). None (the reducer keeps its own) otherwise.
    """
    kpis = getattr(sim, "kpis", None)
    if type(kpis) is not KpiTracker or sim.events.first_listener() != kpis.consume:
        return None
    return kpis


def _json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)


class Recorder:
    """``Recorder(session, "drill.drill")``: record from now on; call :meth:`close` at the end."""

    def __init__(self, session: Any, path: str | Path, *, scenario_text: str | None = None,
                 scenario_path: str | Path | None = None, parent: str | None = None,
                 branch_at: float | None = None, snapshot_every: float = SNAPSHOT_EVERY,
                 commit_every: float = 1.0, extra_meta: dict[str, Any] | None = None,
                 background_writer: bool = False) -> None:
        self.session = session
        sim = session.sim
        self.path = Path(path)
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                p.unlink()
        sc = session.scenario
        text = sc.text if scenario_text is None else scenario_text
        spath = scenario_path if scenario_path is not None else getattr(sc, "path", None)
        self.con = connect(self.path)
        self.con.executescript(SCHEMA)
        self.hash = sha256_text(text or "")
        meta = {
            "format": FORMAT, "schema_version": SCHEMA_VERSION,
            "scenario_text": text or "", "scenario_sha256": self.hash,
            "scenario_file": Path(spath).name if spath else None,
            "scenario_path": str(Path(spath).resolve()) if spath else None,
            "scenario_name": sc.meta.name, "seed": sim.seed,
            "auto_dispatch": bool(sim.dispatcher.enabled), "auto_shelters": bool(sim.auto_shelters),
            "version": drillsim.__version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "duration_min": sim.duration, "parent": parent, "branch_at": branch_at,
            "snapshot_every_min": snapshot_every, "end_t": sim.now, "complete": False,
            "context": context_from_sim(sim),
        }
        meta.update(extra_meta or {})
        self.con.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                             [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()])
        self.con.execute("INSERT INTO blobs(name, codec, data) VALUES ('node_xy', 'zlib-f8', ?)",
                         (pack_xy(sim.world.net.x, sim.world.net.y),))
        self.con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self.con.commit()
        self.every = float(snapshot_every)
        # Recording from the start (or before the first snapshot is due): share the simulation's tracker.
        # Later, catching up on what happened before would snapshot a tracker that is already ahead.
        early = all(ev.t <= self.every for ev in sim.events.events)
        self.state = ReplayState(meta["context"], kpi=shared_kpis(sim) if early else None)
        self.snapshots = SnapshotWriter()
        self.next_snap = self.every
        self.commit_every = float(commit_every)
        self._batch = Batch()
        self.writer = Writer(self.con, background=background_writer)
        self._last_commit = time.monotonic()
        self.closed = False
        self.snapshot_errors: list[str] = []
        for ev in sim.events.events:  # what happened before recording started
            self._record_event(ev, ev.to_json().encode())
        for inp in list(session.inputs):
            self._on_input(inp)
        self._unsubscribe = sim.events.tap(self._on_event)
        session.on_input(self._on_input)
        self.flush()

    # ------------------------------------------------------------------ listeners
    def _on_event(self, ev: Event, line: bytes) -> None:
        # A stream tap: called in seq order with the line the stream's digest hashed.
        self._record_event(ev, line)
        if time.monotonic() - self._last_commit >= self.commit_every:
            self._hand_over()

    def _record_event(self, ev: Event, line: bytes) -> None:
        if ev.t > self.next_snap:
            try:
                snap = self.snapshots.raw_row(self.state, ev.t, self.every)
                self._batch.snaps.append(snap)
                self.next_snap = snap[0] + self.every
            except (TypeError, ValueError) as e:  # never break the drill: seek just reads more events
                self.snapshots.reset()
                self.next_snap = (math.ceil(ev.t / self.every)) * self.every
                self.snapshot_errors.append(f"t={ev.t:g}: {e}")
        digest = hashlib.sha256(self.hash.encode() + line).digest()  # = chain_next(hash, line), raw
        self.hash = digest.hex()
        payload = payload_of(line)
        self._batch.events.append((ev.seq, ev.t, ev.type, payload, digest))
        if ev.type == "note":
            self._batch.notes.append((ev.t, ev.seq, ev.data.get("by"), ev.data.get("text"), payload.decode()))
        self.state.apply(ev)

    def _on_input(self, inp: Input) -> None:
        if self.closed:
            return
        self._batch.inputs.append((inp.t, inp.kind, _json(inp.data)))
        if time.monotonic() - self._last_commit >= self.commit_every:
            self._hand_over()

    # ------------------------------------------------------------------ writing
    def poll(self) -> None:
        """Hand over for commit if the last hand-over is ``commit_every`` wall seconds old (call between slices)."""
        if not self.closed and time.monotonic() - self._last_commit >= self.commit_every:
            self._hand_over()

    def _hand_over(self) -> None:
        """Give the batch gathered so far to the writer thread (it commits it)."""
        self._batch.end_t = json.dumps(self.session.sim.now)
        batch, self._batch = self._batch, Batch()
        self.writer.submit(batch)
        self._last_commit = time.monotonic()

    def flush(self) -> None:
        """Write everything buffered and commit; returns once committed."""
        self._hand_over()
        self.writer.wait()

    def close(self) -> None:
        """Final commit; marks the archive complete with its KPIs."""
        if self.closed:
            return
        try:
            self._hand_over()
        finally:
            self.writer.close()
        self.closed = True
        self._unsubscribe()
        done = {"complete": True, "end_t": self.session.sim.now, "events": len(self.session.sim.events),
                "digest": self.session.sim.events.digest, "kpis": self.session.sim.kpis.summary()}
        self.con.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                             [(k, json.dumps(v, ensure_ascii=False)) for k, v in done.items()])
        self.con.commit()
        self.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.con.close()

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def record_path_ok(path: str | Path) -> bool:
    """True if ``path``'s folder exists and is writable."""
    parent = Path(path).resolve().parent
    return parent.is_dir() and os.access(parent, os.W_OK)
