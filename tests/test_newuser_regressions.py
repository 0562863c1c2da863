"""A scenario a first-time user wrote from the docs alone, and the problems their trial found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from drillsim.exercise.order_file import load_orders
from drillsim.exercise.session import Session
from drillsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "newuser"
SCENARIO = DATA / "linhe_ammonia.yaml"
ORDERS = DATA / "linhe_ammonia.orders.yaml"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drillsim.cli.main", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_recorded_drill_with_orders_verifies(tmp_path):
    arc = tmp_path / "a.drill"
    r = _cli("run", str(SCENARIO), "--orders", str(ORDERS), "--record", str(arc), "--json")
    assert r.returncode == 0, r.stderr
    v = _cli("verify", str(arc))
    assert v.returncode == 0, v.stdout + v.stderr


def _session() -> Session:
    s = Session(load_scenario(SCENARIO), inputs=load_orders(ORDERS))
    s.run_until(240)
    return s


def test_shelter_closed_by_inject_is_not_reopened_and_patients_move_on():
    s = _session()
    assert s.msel.injects["M05"].status in ("answered", "missed")
    reopened = [e for e in s.events.of_type("shelter.opened") if e.data["place"] == "sh11" and e.t > 70]
    assert not reopened
    late_admits = [e for e in s.events.of_type("shelter.admit") if e.data["place"] == "sh11" and e.t > 71]
    assert not late_admits
    for e in s.events.of_type("hospital.admit"):
        task = next(t for t in s.sim.board.tasks.values() if e.data["unit"] in t.units or True)
        assert task is not None
    transfers = [t for t in s.sim.board.tasks.values() if t.kind == "transport" and t.origin == "hos04"]
    for t in transfers:
        admits = [e for e in s.events.of_type("task.progress") if e.data["task"] == t.id]
        assert all(e.data.get("delivered_to") != "hos04" for e in admits)


def test_misspelt_order_argument_is_refused_not_a_crash():
    s = Session(load_scenario(SCENARIO))
    r = s.order("issue_warning", by="county_hq", colour="red")
    assert not r and "bad arguments" in r.reason["en"]


def test_probe_sees_hazards_started_by_injects():
    r = _cli("probe", str(SCENARIO), "--at", "12600,4020", "--time", "110", "--json")
    assert r.returncode == 0, r.stderr
    fields = json.loads(r.stdout.strip().splitlines()[-1])["fields"]
    assert any(f["started"] for f in fields.values() if f["id"] == "lpg")


# --- a new user's trial of bad inputs (docs/cli.md: exit 2, FILE:LINE:COL message, nothing recorded lost) ---

def _main(capsys, *args) -> tuple[int, str]:
    from drillsim.cli.main import main

    rc = main([str(a) for a in args])
    out = capsys.readouterr()
    return rc, out.out + out.err


def _small_archive(tmp_path: Path, capsys) -> Path:
    arc = tmp_path / "a.drill"
    rc, text = _main(capsys, "run", SCENARIO, "--orders", ORDERS, "--until", "30", "--record", arc, "--json")
    assert rc == 0, text
    return arc


def test_damaged_event_payload_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    import sqlite3

    arc = _small_archive(tmp_path, capsys)
    con = sqlite3.connect(arc)
    seq = con.execute("SELECT seq FROM events ORDER BY seq LIMIT 1 OFFSET 20").fetchone()[0]
    con.execute("UPDATE events SET data = ? WHERE seq = ?", (b"\xed\xa0\x80\xff\xfe", seq))  # flipped bytes
    con.commit()
    con.close()
    for args in (("report", arc, "-o", tmp_path / "r.html"), ("compare", arc, arc)):
        rc, text = _main(capsys, *args)
        assert rc == 2, text
        assert f"{arc}:1:1: event seq {seq}" in text and "damaged" in text and "drillsim verify" in text
    assert not (tmp_path / "r.html").exists()


def test_run_record_never_replaces_an_existing_archive(tmp_path, capsys):
    arc = _small_archive(tmp_path, capsys)
    before = arc.read_bytes()
    rc, text = _main(capsys, "run", SCENARIO, "--until", "5", "--record", arc)
    assert rc == 2 and "--record: already exists" in text and "--force" in text
    assert arc.read_bytes() == before
    rc, text = _main(capsys, "run", SCENARIO, "--until", "5", "--record", arc, "--force")
    assert rc == 0, text
    rc, text = _main(capsys, "serve", SCENARIO, "--port", "0", "--record", arc)
    assert rc == 2 and "--record: already exists" in text


def test_run_outputs_in_a_missing_folder_fail_before_the_drill(tmp_path, capsys):
    for opt in ("--events", "--record"):
        out = tmp_path / "no-such-folder" / "x.out"
        rc, text = _main(capsys, "run", SCENARIO, opt, out)
        assert rc == 2 and "Traceback" not in text
        assert f"{out}:1:1: {opt}: folder" in text and "does not exist" in text
    rc, text = _main(capsys, "run", SCENARIO, "--record", tmp_path)
    assert rc == 2 and "is a folder" in text


def test_branch_at_beyond_the_recording_is_refused(tmp_path, capsys):
    arc = _small_archive(tmp_path, capsys)
    rc, text = _main(capsys, "branch", arc, "--at", "99999", "-o", tmp_path / "b.drill")
    assert rc == 2 and "--at 99999 is outside the recording (0 to 30 sim minutes)" in text
    assert not (tmp_path / "b.drill").exists()
    rc, text = _main(capsys, "branch", arc, "--at", "10", "-o", tmp_path / "missing" / "b.drill")
    assert rc == 2 and "does not exist" in text


def test_orders_naming_what_the_drill_lacks_are_refused_before_it_runs(tmp_path, capsys):
    scen = tmp_path / "drill.yaml"
    scen.write_text(SCENARIO.read_text(encoding="utf-8"), encoding="utf-8")
    orders = tmp_path / "drill.orders.yaml"
    orders.write_text(
        "orders:\n"
        "  - {t: 10, by: county_hq, op: dispatch, unit: fire9-9, task: x/rescue}\n"
        "  - {t: 20, by: county_hq, op: open_shelter, shelter: sh99}\n"
        "  - {t: 99999, by: county_hq, op: set_response_level, level: II}\n"
        "  - {t: 40, by: nobody, op: issue_warning, color: red, communities: all}\n"
        "  - {t: 50, by: county_hq, op: activate_contract, depot: dep_nope, item: tentt}\n",
        encoding="utf-8")
    want = [f"{orders}:2:", "unit 'fire9-9' is not in this drill", f"{orders}:3:", "shelter 'sh99'",
            f"{orders}:4:9: t 99999 is after the drill ends", f"{orders}:5:", "seat 'nobody'",
            "depot 'dep_nope'", "supply 'tentt' is not in this drill; did you mean 'tent'?"]
    for args in (("validate", scen, orders), ("run", scen, "--orders", orders)):
        rc, text = _main(capsys, *args)
        assert rc == 2, text
        assert all(w in text for w in want), text
        assert "Traceback" not in text
    # the shipped pair still passes, and says what it was checked against
    rc, text = _main(capsys, "validate", SCENARIO, ORDERS)
    assert rc == 0 and "OK (orders file for linhe_ammonia.yaml)" in text, text


def test_kpi_tables_show_shares_as_percent_and_tonnes_as_tonnes():
    from drillsim.cli.summary import format_kpi, format_kpi_delta

    assert format_kpi("supplies_requested_t", 0.25) == "0.25"  # was '25.0%': 0.25 t looked like a share
    assert format_kpi("first_response_min_mean", 0.7) == "0.7"
    assert format_kpi("rescued_within_72h_share", 1.0) == "100.0%"  # was '1.0' beside '44.0%' shares
    assert format_kpi("supplies_delivered_share", 0.0) == "0.0%"
    assert format_kpi("unit_utilisation", 0.0634) == "6.3%"
    assert format_kpi("evacuation_completion_min", 226.6) == "226.6"
    assert format_kpi("chemical_release", False) in ("否", "no")  # replay/compare printed False
    assert format_kpi_delta("unit_utilisation", -0.0034) == "-0.3%"
    assert format_kpi_delta("dispatches", 5) == "+5" and format_kpi_delta("dispatches", 0) == ""


def test_replay_and_compare_print_kpis_like_run(tmp_path, capsys):
    arc = _small_archive(tmp_path, capsys)
    rc, text = _main(capsys, "replay", arc, "--at", "20")
    assert rc == 0 and "False" not in text and "True" not in text
    assert "%" in text  # unit utilisation as a share
    rc, text = _main(capsys, "compare", arc, arc)
    assert rc == 0 and "False" not in text and "True" not in text


def test_run_refuses_a_negative_speed_until_or_seed(capsys):
    for args in (("--speed", "-3"), ("--speed", "0"), ("--until", "-5"), ("--seed", "-1")):
        rc, text = _main(capsys, "run", SCENARIO, *args)  # --speed -3 used to pace at 1e-6 min/s: a silent hang
        assert rc == 2 and f"{args[0]}:1:1: {args[0]} {args[1]}" in text, (args, text)
