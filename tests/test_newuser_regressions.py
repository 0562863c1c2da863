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
