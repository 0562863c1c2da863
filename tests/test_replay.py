"""CLI: run --record, verify, replay, branch, compare; kill -9 mid-drill loses at most a second."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drillsim.cli.main import main
from drillsim.record import Archive
from tests.test_archive import copy_drill

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for p in (ROOT / "scenarios").glob("lanxi_*.yaml") if not p.name.endswith(".orders.yaml"))


def cli(*args: str) -> int:
    return main([str(a) for a in args])


@pytest.fixture()
def drill(tmp_path) -> Path:
    """A recorded grid drill, with the orders file it was run with."""
    scen = copy_drill(tmp_path)
    orders = tmp_path / "a.orders.yaml"
    orders.write_text("orders:\n"
                      "  - {t: 25, by: county_hq, op: issue_warning, color: orange, communities: [c1]}\n"
                      "  - {t: 45, note: 预警发布及时, by: evaluator}\n", encoding="utf-8")
    out = tmp_path / "a.drill"
    assert cli("run", scen, "--orders", orders, "--record", out, "--json") == 0
    return out


def test_run_record_verify_ok(drill, capsys):
    capsys.readouterr()
    assert cli("verify", drill) == 0
    out = capsys.readouterr().out
    assert "校验通过" in out or "OK" in out
    assert cli("verify", drill, "--json") == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert res["ok"] and res["chain_ok"] and res["events_checked"] == res["rerun_events"] > 50
    with Archive.open(drill) as a:
        assert [i.kind for i in a.inputs()] == ["order", "note"]
        assert a.meta["scenario_path"] == str((drill.parent / "drill.yaml").resolve())


def test_verify_exit_codes(drill, tmp_path, capsys):
    bad = tmp_path / "bad.drill"
    bad.write_bytes(drill.read_bytes())
    con = sqlite3.connect(bad)
    seq = con.execute("SELECT seq FROM events WHERE type='unit.depart' AND substr(data, 1, 1) = x'7b' "
                      "ORDER BY seq LIMIT 1 OFFSET 2").fetchone()[0]  # a payload stored as is (not zlib'd)
    con.execute("UPDATE events SET data=replace(data, '\"eta\":', '\"eta\":1') WHERE seq=?", (seq,))
    con.commit()
    con.close()
    capsys.readouterr()
    assert cli("verify", bad) == 1
    assert f"seq {seq}" in capsys.readouterr().err
    # a tampered input: the chain holds, the re-run diverges
    div = tmp_path / "div.drill"
    div.write_bytes(drill.read_bytes())
    con = sqlite3.connect(div)
    con.execute("UPDATE inputs SET data=replace(data, 'orange', 'red') WHERE kind='order'")
    con.commit()
    con.close()
    assert cli("verify", div) == 1
    err = capsys.readouterr().err
    assert "first divergence at event seq" in err and "expected:" in err and "got:" in err and "color" in err
    for path, msg in ((tmp_path / "nope.drill", "not found"), (tmp_path / "drill.yaml", "not an SQLite file")):
        assert cli("verify", path) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"{path}:1:1: ") and msg in err
    wrong = tmp_path / "wrong.drill"
    sqlite3.connect(wrong).execute("CREATE TABLE t(a)").connection.commit()
    assert cli("verify", wrong) == 2
    assert "not a DrillSim archive" in capsys.readouterr().err


def test_replay_json_at_time_and_end(drill, capsys):
    capsys.readouterr()
    assert cli("replay", drill, "--at", 90, "--json") == 0
    st = json.loads(capsys.readouterr().out)
    assert {"units", "incidents", "shelters", "supplies", "hazards", "response_level", "events", "t", "kpis"} <= set(st)
    assert st["t"] == 90 and st["kpis"]["incidents"] >= 2
    with Archive.open(drill) as a:
        assert st["events"] == sum(1 for _ in a.events(upto_t=90))
        end_events = a.event_count
    assert cli("replay", drill, "--json") == 0
    end = json.loads(capsys.readouterr().out)
    assert end["t"] == 360 and end["events"] == end_events
    assert cli("replay", drill, "--at", 90) == 0
    out = capsys.readouterr().out
    assert "第 90 分钟" in out and "队伍" in out


def test_branch_equal_before_and_diverges_after(drill, tmp_path, capsys):
    other = tmp_path / "b.orders.yaml"
    other.write_text("orders:\n"
                     "  - {t: 10, by: county_hq, op: set_response_level, level: I}\n"  # before MIN: ignored
                     "  - {t: 70, note: 改为先撤回消防一队, by: evaluator}\n"
                     "  - {t: 80, by: county_hq, op: recall, unit: f1-1}\n", encoding="utf-8")
    b = tmp_path / "b.drill"
    assert cli("branch", drill, "--at", 60, "-o", b, "--orders", other) == 0
    with Archive.open(drill) as a, Archive.open(b) as bb:
        assert bb.meta["parent"] == str(drill.resolve()) and bb.meta["branch_at"] == 60
        assert [i.t for i in bb.inputs()] == [25.0, 45.0, 70.0, 80.0]
        ea, eb = list(a.events()), list(bb.events())
        before = [e.to_json() for e in ea if e.t <= 60]
        assert [e.to_json() for e in eb[:len(before)]] == before
        assert ea != eb
    assert cli("verify", b) == 0
    capsys.readouterr()
    assert cli("compare", drill, b, "--json") == 1  # the runs differ (exit 1, like diff)
    res = json.loads(capsys.readouterr().out)
    d = res["first_divergence"]
    assert d is not None and d["t"] >= 60 and d["seq"] >= len(before)
    assert d["b"]["type"] == "note" and d["t"] == 70
    assert any(r["kpi"] == "dispatches" for r in res["kpis"]) and not res["identical"]
    assert cli("compare", drill, b) == 1
    out = capsys.readouterr().out
    assert "首次分歧" in out and "指标对比" in out
    # a branch without new orders after MIN equals the parent until the parent's first later input
    c = tmp_path / "c.drill"
    assert cli("branch", drill, "--at", 30, "-o", c) == 0
    assert cli("branch", drill, "--at", 30, "-o", c) == 2  # never overwrites silently
    assert cli("replay", drill, "--at", 99999) == 2
    capsys.readouterr()
    assert cli("compare", drill, c, "--json") == 1
    assert cli("compare", drill, drill, "--json") == 0  # a run compared with itself
    capsys.readouterr()
    assert cli("compare", drill, c, "--json") == 1
    assert json.loads(capsys.readouterr().out)["first_divergence"]["t"] == 45  # the parent's note


def test_kill_9_mid_drill_loses_at_most_a_second(tmp_path):
    scen = copy_drill(tmp_path)
    out = tmp_path / "live.drill"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-m", "drillsim.cli.main", "run", str(scen), "--record", str(out),
                          "--speed", "20"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 8
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert out.exists(), p.stderr.read() if p.poll() is not None else "no archive"
        time.sleep(2.0)
        assert p.poll() is None, "the paced drill ended before the kill"
        p.send_signal(signal.SIGKILL)
        p.wait(5)
    finally:
        if p.poll() is None:
            p.kill()
    with Archive.open(out) as a:
        assert a.meta["complete"] is False
        chain = a.verify_chain()
        assert chain.ok and chain.checked == a.event_count
        last_t = max(e.t for e in a.events())
        # 2 s at 20 sim min/s is ~40 sim min; at most the last wall second (20 sim min) is lost
        assert a.event_count > 5 and last_t >= 10
        assert a.state_at()["events"] == a.event_count
    assert cli("verify", out) == 0  # the recorded prefix re-runs identically


@pytest.mark.skipif(not SHIPPED, reason="no shipped lanxi scenario yet")
def test_shipped_scenario_record_and_replay(tmp_path, capsys):
    scen = SHIPPED[0]
    out = tmp_path / "lanxi.drill"
    assert cli("run", scen, "--record", out, "--until", 240, "--json") == 0
    capsys.readouterr()
    assert cli("replay", out, "--at", 120, "--json") == 0
    st = json.loads(capsys.readouterr().out)
    assert st["t"] == 120 and st["units"] and all(u["x"] is not None for u in st["units"])
    with Archive.open(out) as a:
        assert a.verify_chain().ok
