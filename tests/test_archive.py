"""Drill archive: round trip, seek = live state, hash chain, tamper detection, migration of older versions."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from drillsim.core.errors import InputError
from drillsim.core.events import canonical_json, digest
from drillsim.exercise.session import Session
from drillsim.record import SCHEMA_VERSION, Archive, Recorder, ReplayState
from drillsim.record.rerun import verify
from drillsim.scenario import load_scenario

DATA = Path(__file__).parent / "data" / "archives"


def copy_drill(tmp_path: Path) -> Path:
    for name in ("drill.yaml", "grid.graphml"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path / "drill.yaml"


def record(tmp_path: Path, name: str = "a.drill", checkpoints=(), commit_every: float = 1.0):
    """Record the small grid drill with an order, a note and an ad-hoc inject; return (session, path, live states)."""
    sc = load_scenario(copy_drill(tmp_path))
    s = Session(sc)
    path = tmp_path / name
    rec = Recorder(s, path, commit_every=commit_every)
    live = {}
    plan = sorted(set(checkpoints) | {40.0, 75.0, 130.0})
    for t in plan:
        s.run_until(t)
        if t == 40.0:
            s.order("issue_warning", by="county_hq", color="orange", communities=["c1"])
        elif t == 75.0:
            s.note("桥梁受损后队伍绕行", by="evaluator", seat="county_hq")
        elif t == 130.0:
            s.adhoc_inject({"message": {"zh": "再次坍塌", "en": "Second collapse"},
                            "effect": {"incident": {"id": "x1", "at": [1500, 3000], "needs": {"rescue": 4}}}})
        if t in checkpoints:
            live[t] = json.loads(json.dumps(s.sim.state()))  # a copy: state() shares live dicts
    s.run()
    rec.close()
    return s, path, live


def test_round_trip(tmp_path):
    s, path, _ = record(tmp_path)
    with Archive.open(path) as a:
        assert a.schema_version == SCHEMA_VERSION
        m = a.meta
        assert m["scenario_text"] == s.scenario.text and m["seed"] == 3 and m["auto_dispatch"] is True
        assert m["scenario_file"] == "drill.yaml" and m["complete"] is True and m["version"]
        assert m["digest"] == s.events.digest
        assert [e.to_json() for e in a.events()] == [e.to_json() for e in s.events.events]
        assert [i.to_dict() for i in a.inputs()] == [json.loads(json.dumps(i.to_dict())) for i in s.inputs]
        assert [i.kind for i in a.inputs()] == ["order", "note", "inject"]
        assert a.notes()[0]["text"] == "桥梁受损后队伍绕行" and a.notes()[0]["seat"] == "county_hq"
        assert {i["event"] for i in a.injects()} >= {"inject.sent", "inject.answered"}
        assert a.duration == 360.0
        assert list(a.events(upto_t=5.0))[-1].t <= 5.0
        assert a.verify_chain().ok
        packed = a.con.execute("SELECT seq, length(data) FROM events WHERE substr(data, 1, 1) != x'7b'").fetchall()
        raw = {e.seq: len(canonical_json(e.data).encode()) for e in s.events.events}
        assert packed and all(256 <= raw[seq] and n < raw[seq] for seq, n in packed)  # long payloads zlib'd
        n_snap = a.con.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]
        assert 6 < n_snap <= 13  # every 30 sim minutes (at most one per recorded slice)
        assert a.kpis() == s.sim.kpis.summary()


def test_state_at_equals_live_state(tmp_path):
    times = (3.7, 17.25, 33.37, 61.9, 99.1, 141.3, 205.55, 358.9)
    s, path, live = record(tmp_path, checkpoints=times)
    with Archive.open(path) as a:
        for t in times:
            st = a.state_at(t)
            assert st["t"] == t
            got = {u["id"]: u for u in st["units"]}
            for u in live[t]["units"]:
                g = got[u["id"]]
                assert (g["status"], g["task"]) == (u["status"], u["task"]), (t, u, g)
                assert abs(g["x"] - u["x"]) <= 1.0 and abs(g["y"] - u["y"]) <= 1.0, (t, u, g)
            inc = {i["id"]: i for i in st["incidents"]}
            for i in live[t]["incidents"]:
                assert inc[i["id"]]["first_response"] == i["first_response"]
                assert inc[i["id"]]["resolved"] == i["resolved"]
            assert st["events"] == sum(1 for e in s.events.events if e.t <= t)
            world = live[t]["world"]
            assert {k: v["occupancy"] for k, v in st["shelters"].items()} == world["occupancy"]
            assert {k: v["used"] for k, v in st["hospitals"].items()} == world["beds_used"]
            assert st["roads_not_open"] == world["roads"]
            for depot, stock in world["stock"].items():
                assert st["supplies"][depot] == pytest.approx(stock)


def test_seek_from_snapshot_equals_full_reduction(tmp_path):
    _, path, _ = record(tmp_path)
    with Archive.open(path) as a:
        for t in (0.0, 59.99, 60.0, 60.01, 187.0, 300.0, 360.0):
            full = ReplayState(a.context, a.xy)
            for ev in a.events(upto_t=t):
                full.apply(ev)
            assert a.state_at(t) == json.loads(json.dumps(full.view(t)))


def test_events_up_to_a_time_after_a_seq(tmp_path):
    """The seq-bounded tail query returns exactly the events with seq > after and t <= upto (ties included)."""
    s, path, _ = record(tmp_path)
    every = s.events.events
    with Archive.open(path) as a:
        tie = every[len(every) // 2].t  # an event time: every event at that instant is included
        for upto, after in ((0.0, -1), (tie, -1), (tie, 40), (99.5, 10), (360.0, 200), (1e9, -1), (-1.0, -1)):
            got = [e.seq for e in a.events(upto_t=upto, after_seq=after)]
            assert got == [e.seq for e in every if e.seq > after and e.t <= upto], (upto, after)
        assert a.last_seq_at(tie) == max(e.seq for e in every if e.t <= tie) and a.last_seq_at(-1) == -1


@pytest.mark.parametrize("broken", ["t = 90", "t > 60"])
def test_delta_snapshots_and_an_unreadable_one_is_skipped(tmp_path, broken):
    """The first snapshot is whole, later ones deltas; one in a codec the reader lacks (and the deltas
    after it) are passed over: seeking starts from an earlier one and gives the same state."""
    _, path, _ = record(tmp_path)
    times = (70.0, 95.0, 200.0, 360.0)
    with Archive.open(path) as a:
        codecs = [c for (c,) in a.con.execute("SELECT codec FROM snapshots ORDER BY t")]
        assert codecs[0] == "zstd-key" and set(codecs[1:]) == {"zstd-delta"}
        want = {t: a.state_at(t) for t in times}
        assert a.reducer_at(200.0).last_seq > a.last_seq_at(180.0) - 50  # the snapshot at 180 was used
    con = sqlite3.connect(path)
    con.execute(f"UPDATE snapshots SET codec='brotli-delta', state=x'00' WHERE {broken}")
    con.commit()
    con.close()
    with Archive.open(path) as a:
        for t, st in want.items():
            assert a.state_at(t) == st
            assert a.reducer_at(t).n == st["events"]


def test_delta_snapshot_stores_only_what_changed(tmp_path):
    from drillsim.record.snapshots import decompress, loads

    _, path, _ = record(tmp_path)
    with Archive.open(path) as a:
        rows = a.con.execute("SELECT t, codec, state FROM snapshots ORDER BY t").fetchall()
        parts = [loads(decompress(c.split("-")[0], d).partition(b"\n")[2]) for _, c, d in rows]
        assert all(p["incidents"]["full"] == 1 for p in parts[:1]) and all(not p["incidents"]["full"] for p in parts[1:])
        sizes = []
        for (t0, _, _), (t1, _, _), p in zip(rows, rows[1:], parts[1:], strict=False):
            before, after = a.reducer_at(t0), a.reducer_at(t1)
            changed = {k for k, v in after.incidents.items() if before.incidents.get(k) != v}
            assert set(p["incidents"]["set"]) == changed, (t0, t1)
            assert set(p["tasks"]["set"]) == {k for k, v in after.tasks.items() if before.tasks.get(k) != v}
            sizes.append((len(p["tasks"]["set"]), len(after.tasks)))
        assert any(0 < n < total for n, total in sizes)  # a real delta: some entries changed, others not


def test_commit_batching_is_time_based(tmp_path):
    """With a huge commit interval nothing is committed until close (then everything is)."""
    sc = load_scenario(copy_drill(tmp_path))
    s = Session(sc)
    rec = Recorder(s, tmp_path / "b.drill", commit_every=3600)
    s.run_until(120)
    other = sqlite3.connect(tmp_path / "b.drill")
    assert other.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 2  # sim.start + seats, at creation
    rec.poll()
    assert other.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 2
    rec.flush()
    assert other.execute("SELECT COUNT(*) FROM events").fetchone()[0] == len(s.events)
    other.close()
    rec.close()


def test_tamper_with_an_event_is_reported_at_its_seq(tmp_path):
    _, path, _ = record(tmp_path)
    con = sqlite3.connect(path)
    seq, data = con.execute("SELECT seq, data FROM events WHERE type='task.progress' ORDER BY seq LIMIT 1").fetchone()
    d = json.loads(data)
    d["amount"] = d["amount"] + 1
    con.execute("UPDATE events SET data=? WHERE seq=?", (json.dumps(d), seq))
    con.commit()
    con.close()
    with Archive.open(path) as a:
        r = a.verify_chain()
        assert not r.ok and r.first_bad == seq and r.checked == seq
        assert not verify(a).ok


def tamper(path: Path, where: str, change: str) -> int:
    """Edit the first event matching ``where`` with raw SQL, as a tool outside DrillSim would; its seq."""
    con = sqlite3.connect(path)
    seq = con.execute(f"SELECT seq FROM events WHERE {where} ORDER BY seq LIMIT 1").fetchone()[0]
    con.execute(f"UPDATE events SET {change} WHERE seq=?", (seq,))
    con.commit()
    con.close()
    return seq


def assert_first_bad(path: Path, seq: int, message: str = "") -> None:
    with Archive.open(path) as a:
        r = a.verify_chain()
        assert not r.ok and r.first_bad == seq and message in r.message, r


def test_damaged_packed_payload_is_reported_at_its_seq(tmp_path):
    _, path, _ = record(tmp_path)
    seq = tamper(path, "substr(data, 1, 1) != x'7b'", "data = substr(data, 1, length(data) - 3)")
    assert_first_bad(path, seq, "damaged")


def test_deleted_event_and_edited_scenario_are_reported(tmp_path):
    _, path, _ = record(tmp_path)
    con = sqlite3.connect(path)
    con.execute("DELETE FROM events WHERE seq=10")
    con.commit()
    with Archive.open(path) as a:
        assert a.verify_chain().first_bad == 10
    con.execute("UPDATE meta SET value=? WHERE key='scenario_text'", (json.dumps("meta: {}"),))
    con.commit()
    con.close()
    with Archive.open(path) as a:
        r = a.verify_chain()
        assert not r.ok and "scenario" in r.message


def test_verify_rerun_identical_and_divergent_input(tmp_path):
    _, path, _ = record(tmp_path)
    with Archive.open(path) as a:
        assert verify(a).ok
    con = sqlite3.connect(path)
    con.execute("UPDATE inputs SET t = 50 WHERE kind='order'")  # the warning given 10 min later
    con.commit()
    con.close()
    with Archive.open(path) as a:
        r = verify(a)
        assert r.chain.ok and r.divergence is not None
        assert r.divergence.expected.t == 40.0 and r.divergence.expected.type in ("order.accepted", "warning.issued",
                                                                                  "inject.answered")


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrates_every_older_version(tmp_path, version):
    """tests/data/archives/vN.drill (made by make_vN.py) opens, is migrated to the current version."""
    assert (DATA / f"v{version}.drill").exists(), f"add a v{version} fixture and its make_v{version}.py"
    copy_drill(tmp_path)
    path = tmp_path / f"v{version}.drill"
    shutil.copy(DATA / path.name, path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == version
    n_events = raw.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    old = [(seq, t, ty, json.loads(data)) for seq, t, ty, data in
           raw.execute("SELECT seq, t, type, data FROM events ORDER BY seq")]
    raw.close()
    with Archive.open(path) as a:
        assert a.schema_version == SCHEMA_VERSION and a.meta["migrated_from"] == version
        assert a.meta["schema_version"] == SCHEMA_VERSION
        assert a.verify_chain().ok and a.verify_chain().checked == n_events
        assert [(e.seq, e.t, e.type, e.data) for e in a.events()] == old
        assert a.con.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] >= 4
        assert [n["text"] for n in a.notes()] == ["桥梁受损后队伍绕行"]
        assert [i.kind for i in a.inputs()] == ["order", "note"]
        st = a.state_at(100)
        assert st["events"] == sum(1 for e in a.events(upto_t=100)) and st["units"][0]["x"] is not None
        assert a.state_at(250) == json.loads(json.dumps(a.reducer_at(250).view(250)))
        if version >= 1:  # recorded with its digest: the migrated events are the drill's, bit for bit
            assert digest(a.events()) == a.meta["digest"]
    with Archive.open(path) as a:  # second open: nothing left to migrate
        assert a.meta["migrated_from"] == version and a.verify_chain().ok
    if version >= 1:  # an event edited in the old version is still reported at its seq after migration
        shutil.copy(DATA / path.name, path)
        seq = tamper(path, "type='task.progress'", "data=replace(data, '\"amount\":', '\"amount\":1')")
        assert_first_bad(path, seq)


def test_unreadable_archives(tmp_path):
    (tmp_path / "x.drill").write_text("hello")
    sqlite3.connect(tmp_path / "y.drill").execute("CREATE TABLE foo(a)").connection.commit()
    for name, msg in (("x.drill", "not an SQLite file"), ("y.drill", "not a DrillSim archive"),
                      ("missing.drill", "not found")):
        with pytest.raises(InputError) as e:
            Archive.open(tmp_path / name)
        assert str(e.value).startswith(f"{tmp_path / name}:1:1: ") and msg in str(e.value)
    _, path, _ = record(tmp_path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version=99")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="newer"):
        Archive.open(path)


def test_stream_taps_see_every_line_in_seq_order():
    """A tap gets each event's canonical line in seq order, even when a listener emits from its callback."""
    from drillsim.core.events import EventStream

    stream, seen = EventStream(), []
    stream.subscribe(lambda ev: ev.type == "a" and stream.emit(ev.t, "b", of=ev.seq))
    stream.tap(lambda ev, line: seen.append((ev.seq, line)))
    stream.emit(1.0, "a", x=[1, 2.5], name="桥")
    stream.emit(2.0, "a")
    assert [s for s, _ in seen] == [0, 1, 2, 3]
    assert [line for _, line in seen] == [e.to_json().encode() for e in stream.events]


def _snapshot_rows(path: Path) -> list[tuple]:
    from drillsim.record.snapshots import decompress

    con = sqlite3.connect(path)
    rows = [(t, seq, codec, decompress(codec.split("-")[0], data))
            for t, seq, codec, data in con.execute("SELECT t, seq, codec, state FROM snapshots ORDER BY t")]
    con.close()
    return rows


def test_recorder_shares_the_simulations_kpi_tracker_and_writes_the_same_snapshots(tmp_path, monkeypatch):
    """The recorder's reducer uses the simulation's KpiTracker instead of feeding a second one; its
    snapshots are byte for byte those of a reducer with a tracker of its own, also for a snapshot
    taken at the tap of ``sim.end`` (the simulation moves its tracker's clock to the end first)."""
    import drillsim.record.recorder as recorder_mod

    sc = load_scenario(copy_drill(tmp_path))
    probe = Session(sc)
    probe.run()
    last = max(e.t for e in probe.events.events if e.type != "sim.end")
    assert last < probe.sim.duration
    end_every = (last + probe.sim.duration) / 2  # one snapshot boundary between the last event and sim.end

    s = Session(sc)
    shared = {every: Recorder(s, tmp_path / f"shared{i}.drill", snapshot_every=every)
              for i, every in enumerate((30.0, end_every))}
    monkeypatch.setattr(recorder_mod, "shared_kpis", lambda sim: None)
    own = {every: Recorder(s, tmp_path / f"own{i}.drill", snapshot_every=every)
           for i, every in enumerate((30.0, end_every))}
    assert all(r.state.kpi is s.sim.kpis for r in shared.values())
    assert all(r.state.kpi is not s.sim.kpis for r in own.values())
    s.run_until(40)
    s.order("issue_warning", by="county_hq", color="orange", communities=["c1"])
    s.run()
    for r in (*shared.values(), *own.values()):
        r.close()
    for i in range(2):
        a, b = _snapshot_rows(tmp_path / f"shared{i}.drill"), _snapshot_rows(tmp_path / f"own{i}.drill")
        assert a and a == b
    at_end = _snapshot_rows(tmp_path / "shared1.drill")[-1]
    assert at_end[0] == end_every and json.loads(at_end[3].partition(b"\n")[0])["kpi"]["t"] == last
    with Archive.open(tmp_path / "shared0.drill") as arc:
        assert arc.kpis() == s.sim.kpis.summary()


def test_a_recorder_started_late_keeps_its_own_tracker(tmp_path):
    """Catching up on events past the first snapshot boundary would snapshot a tracker that is ahead."""
    sc = load_scenario(copy_drill(tmp_path))
    s = Session(sc)
    s.run_until(100)
    rec = Recorder(s, tmp_path / "late.drill")
    assert rec.state.kpi is not s.sim.kpis
    s.run()
    rec.close()
    with Archive.open(tmp_path / "late.drill") as a:
        assert a.kpis() == s.sim.kpis.summary()


def test_seek_runs_with_the_garbage_collector_paused(tmp_path, monkeypatch):
    """A seek's burst of allocations must not start collector passes (a full one walks the whole heap:
    the 0.4-1.7 s slow seeks of the benchmark); the collector's state is restored after."""
    import gc

    _, path, _ = record(tmp_path)
    seen = []
    view = ReplayState.view
    monkeypatch.setattr(ReplayState, "view", lambda self, t=None: seen.append(gc.isenabled()) or view(self, t))
    with Archive.open(path) as a:
        assert gc.isenabled()
        a.state_at(100.0)
        assert gc.isenabled() and seen == [False]
        gc.disable()
        try:
            a.state_at(200.0)
            assert not gc.isenabled()
        finally:
            gc.enable()
