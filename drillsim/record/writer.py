"""The recorder's writer: packing, compression, inserts and commits, optionally on a background thread.

Recording used to do all of its SQLite work and compression on the thread that
runs the drill, in the middle of the event stream. The recorder now only does
what must happen in event order (the hash chain, the replay reducer, the
snapshot's JSON) and hands each second's batch to this thread, which packs the
payloads (zlib), compresses the snapshots (zstd), inserts and commits.
``sqlite3`` releases the GIL while SQLite works and ``zlib``/``zstandard``
while they compress, so on a machine with a spare core the drill runs on.
Measured (docs/archive.md) the thread costs more CPU than it moves, and on a
loaded 2-core machine more wall time too, so the recorder writes on the drill's
thread by default (``background=False``: each batch written when handed over).

The queue is bounded (``depth`` batches): a writer that falls behind blocks the
recorder instead of piling batches up, so a ``kill -9`` still loses only the
batch being written and at most ``depth`` handed over (each at most a commit
interval old). A write error is raised on the recorder's next hand-over or at close.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from drillsim.record.archive import pack_payload
from drillsim.record.snapshots import compress


@dataclass
class Batch:
    """What the recorder gathered since its last hand-over (rows in insert order)."""

    events: list[tuple[int, float, str, bytes, bytes]] = field(default_factory=list)  # payload not yet packed
    inputs: list[tuple[float, str, str]] = field(default_factory=list)
    notes: list[tuple[float, int, Any, Any, str]] = field(default_factory=list)
    snaps: list[tuple[float, int, str, bytes]] = field(default_factory=list)  # (t, seq, kind, raw JSON)
    end_t: str = "0"


def write_batch(con: sqlite3.Connection, b: Batch) -> None:
    """Pack, compress, insert and commit one batch (one transaction)."""
    if b.events:
        con.executemany("INSERT INTO events(seq, t, type, data, hash) VALUES (?,?,?,?,?)",
                        [(seq, t, ty, pack_payload(p), h) for seq, t, ty, p, h in b.events])
    if b.inputs:
        con.executemany("INSERT INTO inputs(t, kind, data) VALUES (?,?,?)", b.inputs)
    if b.notes:
        con.executemany("INSERT INTO notes(t, seq, by, text, data) VALUES (?,?,?,?,?)", b.notes)
    if b.snaps:
        rows = []
        for t, seq, kind, raw in b.snaps:
            name, data = compress(raw)
            rows.append((t, seq, f"{name}-{kind}", data))
        con.executemany("INSERT OR REPLACE INTO snapshots(t, seq, codec, state) VALUES (?,?,?,?)", rows)
    con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('end_t', ?)", (b.end_t,))
    con.commit()


class Writer:
    """``Writer(con)``: a thread that writes :class:`Batch` es in order; :meth:`wait`, :meth:`close`.

    ``background=False`` (the default) writes each batch at once on the caller's
    thread; ``True`` on a thread of its own (``bench/replay.py --thread-writer``
    compares them)."""

    def __init__(self, con: sqlite3.Connection, depth: int = 1, background: bool = False) -> None:
        self.con = con
        self.cpu_s = 0.0
        """CPU seconds spent writing (the benchmark reports it)."""
        self._error: BaseException | None = None
        self._q: queue.Queue[Batch | None] = queue.Queue(maxsize=depth)
        self._thread = threading.Thread(target=self._run, name="drill-archive-writer", daemon=True)
        if background:
            self._thread.start()

    def submit(self, batch: Batch) -> None:
        """Hand a batch over (blocks while the writer is ``depth`` batches behind)."""
        self._raise()
        if not self._thread.is_alive():  # synchronous
            c = time.thread_time()
            try:
                write_batch(self.con, batch)
            except BaseException:
                self.con.rollback()
                raise
            finally:
                self.cpu_s += time.thread_time() - c
            return
        self._q.put(batch)

    def wait(self) -> None:
        """Return once every batch handed over is committed."""
        self._q.join()
        self._raise()

    def close(self) -> None:
        """Write what is queued, stop the thread (the connection stays open)."""
        if self._thread.is_alive():
            self._q.put(None)
            self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            e, self._error = self._error, None
            raise e

    def _run(self) -> None:
        while True:
            batch = self._q.get()
            try:
                if batch is None:
                    return
                if self._error is None:  # after a failure, drop the rest: the recorder raises it
                    c = time.thread_time()
                    write_batch(self.con, batch)
                    self.cpu_s += time.thread_time() - c
            except BaseException as e:  # noqa: BLE001 - handed to the recorder's thread
                self._error = e
                try:
                    self.con.rollback()
                except sqlite3.Error:
                    pass
            finally:
                self._q.task_done()
