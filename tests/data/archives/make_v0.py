"""Write ``v0.drill``: a drill archive in the version-0 layout (DrillSim 0.0 dev).

Version 0 had no hash chain, no snapshots, no notes table and no node
coordinates, and its inputs table had no id column; the journal was the default
rollback journal. Opening it with :class:`drillsim.record.Archive` migrates it to
the current version (tests/test_archive.py checks that).

Run from the repository root: ``python tests/data/archives/make_v0.py``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from drillsim.core.events import canonical_json  # noqa: E402
from drillsim.exercise.session import Session  # noqa: E402
from drillsim.scenario import load_scenario  # noqa: E402

V0_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE inputs(t REAL NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE events(seq INTEGER PRIMARY KEY, t REAL NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);
"""


def main(out: Path = HERE / "v0.drill") -> None:
    sc = load_scenario(HERE / "drill.yaml")
    s = Session(sc)
    s.run_until(40)
    s.order("issue_warning", by="county_hq", color="orange", communities=["c1"])
    s.run_until(75)
    s.note("桥梁受损后队伍绕行", by="evaluator")
    s.run()
    if out.exists():
        out.unlink()
    con = sqlite3.connect(out)
    con.executescript(V0_SCHEMA)
    meta = {"format": "drillsim-archive", "scenario_text": sc.text, "scenario_file": "drill.yaml",
            "seed": s.sim.seed, "auto_dispatch": True, "version": "0.0.dev0", "created": "2026-01-01T00:00:00+00:00"}
    con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()])
    con.executemany("INSERT INTO inputs VALUES (?, ?, ?)",
                    [(i.t, i.kind, json.dumps(i.data, sort_keys=True, ensure_ascii=False)) for i in s.inputs])
    con.executemany("INSERT INTO events VALUES (?, ?, ?, ?)",
                    [(e.seq, e.t, e.type, canonical_json(e.data)) for e in s.events.events])
    con.commit()
    con.execute("VACUUM")
    con.close()
    print(f"wrote {out}: {len(s.events)} events, {len(s.inputs)} inputs, digest {s.events.digest}")


if __name__ == "__main__":
    main()
