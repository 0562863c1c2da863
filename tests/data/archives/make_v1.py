"""Write ``v1.drill``: a drill archive in the version-1 layout (DrillSim 0.1, before schema 2).

Version 1 stored each event's payload as JSON text and its hash-chain link as
64 hex characters (version 2: payload bytes, zlib'd when long, and the 32 raw
hash bytes). Everything else is as in version 2. Opening it with
:class:`drillsim.record.Archive` migrates it to the current version
(tests/test_archive.py checks that).

Run from the repository root: ``python tests/data/archives/make_v1.py``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from drillsim.core.events import canonical_json  # noqa: E402
from drillsim.exercise.session import Session  # noqa: E402
from drillsim.record.archive import chain_next, pack_xy, sha256_text  # noqa: E402
from drillsim.record.recorder import SNAPSHOT_EVERY  # noqa: E402
from drillsim.record.replay_state import ReplayState, context_from_sim  # noqa: E402
from drillsim.record.snapshots import label_for  # noqa: E402
from drillsim.scenario import load_scenario  # noqa: E402

V1_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE inputs(id INTEGER PRIMARY KEY, t REAL NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE events(seq INTEGER PRIMARY KEY, t REAL NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
                    hash TEXT NOT NULL);
CREATE INDEX events_t ON events(t);
CREATE TABLE snapshots(t REAL PRIMARY KEY, seq INTEGER NOT NULL, codec TEXT NOT NULL, state BLOB NOT NULL);
CREATE TABLE notes(id INTEGER PRIMARY KEY, t REAL NOT NULL, seq INTEGER, by TEXT, text TEXT, data TEXT NOT NULL);
CREATE TABLE blobs(name TEXT PRIMARY KEY, codec TEXT NOT NULL, data BLOB NOT NULL);
"""


def main(out: Path = HERE / "v1.drill") -> None:
    sc = load_scenario(HERE / "drill.yaml")
    s = Session(sc)
    context = context_from_sim(s.sim)
    s.run_until(40)
    s.order("issue_warning", by="county_hq", color="orange", communities=["c1"])
    s.run_until(75)
    s.note("桥梁受损后队伍绕行", by="evaluator", seat="county_hq")
    s.run()
    if out.exists():
        out.unlink()
    con = sqlite3.connect(out)
    con.executescript(V1_SCHEMA)
    h = sha256_text(sc.text)
    meta = {"format": "drillsim-archive", "schema_version": 1, "scenario_text": sc.text, "scenario_sha256": h,
            "scenario_file": "drill.yaml", "scenario_path": None, "scenario_name": sc.meta.name,
            "seed": s.sim.seed, "auto_dispatch": True, "auto_shelters": bool(s.sim.auto_shelters),
            "version": "0.1.0", "created": "2026-06-01T00:00:00+00:00", "duration_min": s.sim.duration,
            "parent": None, "branch_at": None, "snapshot_every_min": SNAPSHOT_EVERY, "end_t": s.sim.now,
            "complete": True, "context": context, "events": len(s.events), "digest": s.events.digest,
            "kpis": s.sim.kpis.summary()}
    con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()])
    con.executemany("INSERT INTO inputs(t, kind, data) VALUES (?, ?, ?)",
                    [(i.t, i.kind, json.dumps(i.data, sort_keys=True, ensure_ascii=False)) for i in s.inputs])
    st, rows, snaps, notes, next_snap = ReplayState(context), [], [], [], SNAPSHOT_EVERY
    for e in s.events.events:
        if e.t > next_snap:
            whole = json.dumps(st.dump(), separators=(",", ":"), ensure_ascii=False).encode()
            snaps.append((label_for(e.t, SNAPSHOT_EVERY), st.last_seq, "zlib-json", zlib.compress(whole, 1)))
            next_snap = snaps[-1][0] + SNAPSHOT_EVERY
        h = chain_next(h, e.to_json())
        rows.append((e.seq, e.t, e.type, canonical_json(e.data), h))
        if e.type == "note":
            notes.append((e.t, e.seq, e.data.get("by"), e.data.get("text"), canonical_json(e.data)))
        st.apply(e)
    con.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", rows)
    con.executemany("INSERT INTO snapshots VALUES (?, ?, ?, ?)", snaps)
    con.executemany("INSERT INTO notes(t, seq, by, text, data) VALUES (?, ?, ?, ?, ?)", notes)
    con.execute("INSERT INTO blobs VALUES ('node_xy', 'zlib-f8', ?)", (pack_xy(s.sim.world.net.x, s.sim.world.net.y),))
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.execute("VACUUM")
    con.close()
    print(f"wrote {out}: {len(s.events)} events, {len(s.inputs)} inputs, {len(snaps)} snapshots, "
          f"digest {s.events.digest}")


if __name__ == "__main__":
    main()
