"""The drillsim command as a user runs it: run, info, probe; JSON contracts and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from drillsim.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EQ = ROOT / "scenarios" / "lanxi_earthquake.yaml"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drillsim.cli.main", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_run_json_events_file_and_reproducible_digest(tmp_path):
    out = tmp_path / "ev.jsonl"
    r1 = _cli("run", str(EQ), "--until", "240", "--events", str(out), "--json")
    assert r1.returncode == 0, r1.stderr
    res = json.loads(r1.stdout.strip().splitlines()[-1])
    assert {"events", "digest", "sim_minutes", "kpis", "score"} <= set(res)
    assert res["sim_minutes"] == 240
    assert len(res["kpis"]) >= 5
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == res["events"]
    assert json.loads(lines[0])["type"] == "sim.start"
    r2 = _cli("run", str(EQ), "--until", "240", "--json")
    assert json.loads(r2.stdout.strip().splitlines()[-1])["digest"] == res["digest"]
    r3 = _cli("run", str(EQ), "--until", "240", "--seed", "99", "--json")
    assert json.loads(r3.stdout.strip().splitlines()[-1])["digest"] != res["digest"]  # aftershocks differ


def test_run_prints_a_readable_summary_in_chinese(capsys):
    assert main(["run", str(EQ), "--until", "30"]) == 0
    out = capsys.readouterr().out
    assert "演练结果" in out and "被困人数" in out


def test_info_json_lists_hazards_and_injects(capsys):
    assert main(["info", str(EQ), "--json"]) == 0
    d = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert d["map"]["nodes"] >= 2000
    assert d["hazards"] == [{"id": "eq1", "type": "earthquake", "at": [2500.0, 9500.0], "start_min": 0.0}]
    assert d["injects"] >= 5
    assert d["units"] == 31


def test_probe_json_fields(capsys):
    assert main(["probe", str(EQ), "--at", "2500,9500", "--time", "10", "--json"]) == 0
    d = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert d["time_min"] == 10 and d["at"] == [2500.0, 9500.0]
    assert 7.0 < d["fields"]["earthquake"]["intensity"] <= 12.0


@pytest.mark.parametrize("args, fragment", [
    (["run", "nope.yaml"], "nope.yaml:1:1: file not found"),
    (["probe", str(EQ), "--at", "x", "--time", "1"], "--at:1:1"),
    (["info", str(ROOT / "tests" / "data" / "valid.yaml"), "--json"], None),
])
def test_bad_input_exit_2_without_traceback(args, fragment, capsys):
    rc = main(args)
    err = capsys.readouterr().err
    if fragment is None:
        assert rc == 0
    else:
        assert rc == 2 and fragment in err and "Traceback" not in err


def test_bad_orders_file_names_file_line_and_fix(tmp_path):
    orders = tmp_path / "o.orders.yaml"
    orders.write_text("orders:\n  - {t: 5, by: county_hq, op: dispach, unit: fire1-1}\n", encoding="utf-8")
    r = _cli("run", str(EQ), "--orders", str(orders), "--until", "10")
    assert r.returncode == 2
    assert f"{orders}:2:31: unknown order op 'dispach'; did you mean 'dispatch'?" in r.stderr
    assert "Traceback" not in r.stderr


def test_language_does_not_leak_between_calls(capsys):
    """main() called twice in one process (tests, the app): the second call is Chinese again."""
    from drillsim.cli.main import main

    seat = ["seat", "127.0.0.1:9", "--code", "x"]  # port 9 refuses at once: a localised message
    assert main(["--lang", "en", *seat]) == 2
    en = capsys.readouterr().err
    assert main(seat) == 2
    zh = capsys.readouterr().err
    assert "cannot reach the server" in en and "无法连接演练服务器" in zh


def test_lang_also_after_the_command(capsys):
    """``--lang`` works before or after the command, for every command (report had its own)."""
    from drillsim.cli.main import build_parser, main

    parser, handlers = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    assert set(subparsers) == set(handlers)
    for name, sub in subparsers.items():
        assert any("--lang" in a.option_strings for a in sub._actions), f"{name} takes no --lang"
    seat = ["seat", "127.0.0.1:9", "--code", "x"]
    assert main([*seat, "--lang", "en"]) == 2
    assert "cannot reach the server" in capsys.readouterr().err
    assert main(["--lang", "en", *seat]) == 2
    assert "cannot reach the server" in capsys.readouterr().err
    assert main(seat) == 2
    assert "无法连接演练服务器" in capsys.readouterr().err


def test_seat_prints_events_as_the_event_log_says_them(monkeypatch):
    from drillsim.cli.cmd_seat import _Printer
    from drillsim.core import i18n

    monkeypatch.setattr(i18n, "_lang", "zh")
    m = {"type": "events", "events": [
        {"seq": 3, "t": 1.0, "type": "unit.status", "data": {"unit": "fire1-1", "status": "enroute", "task": "i1/rescue"}},
        {"seq": 4, "t": 1.0, "type": "unit.depart", "data": {"unit": "fire1-1", "dest": 3, "eta": 42.0}},
        {"seq": 5, "t": 2.0, "type": "order.accepted", "data": {"op": "close_road", "by": "county_hq", "args": {"road": "r12"}}}]}
    lines = _Printer(False, False).text(m).splitlines()
    assert lines[1].split(None, 2)[2] == "fire1-1 出发前往 i1/rescue，预计 T+00:42 到达"
    assert lines[2].endswith("county_hq 下达指令“交通管制”：道路 r12")
