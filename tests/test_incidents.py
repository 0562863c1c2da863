"""One rule for which reports are incidents (drillsim.response.incidents), used by every count.

A report (``incident.new``) is an incident when responders got a task from it. The KPIs, the
live task board (GUI queue and map), the replay state (``drillsim replay``, replayed map),
the report (open-incidents chart, problems list, key-moment maps) and ``run --json`` count
the same set; the earthquake names its incidents by what they are.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from drillsim.cli.main import main
from drillsim.core.paths import scenarios_dir
from drillsim.exercise.session import Session
from drillsim.record import Archive, Recorder
from drillsim.report import collect
from drillsim.response.incidents import IncidentLedger, report_id
from drillsim.scenario import load_scenario

DATA = Path(__file__).parent / "data" / "archives"


# ---------------------------------------------------------------------- the rule, on a small drill
def _grid_drill(tmp_path: Path) -> tuple[Session, Path]:
    """The archive-test grid drill (i1 rescue at 5 min, i2 evacuates c1 at 30 min, i3 at 90) plus reports that give
    no task or repeat an id: a shelter need alone, a second evacuation of c1 while i2's is under way, a
    second report with id i1 (the board names it i1#n)."""
    for name in ("drill.yaml", "grid.graphml"):
        shutil.copy(DATA / name, tmp_path / name)
    s = Session(load_scenario(tmp_path / "drill.yaml"))
    path = tmp_path / "g.drill"
    rec = Recorder(s, path)
    try:
        s.run_until(31)
        for eff in ({"id": "homes", "place": "c1", "needs": {"shelter": {"community": "c1", "people": 40}}},
                    {"id": "again", "place": "c1", "needs": {"evacuate": "c1"}},
                    {"id": "i1", "at": [1500, 3000], "needs": {"rescue": 4}}):
            s.adhoc_inject({"message": {"zh": eff["id"], "en": eff["id"]}, "effect": {"incident": eff}})
        s.run()
    finally:
        rec.close()
    return s, path



def _archive_agrees(path, want: list[str]):
    """The archive's end state and the report's facts list exactly the incidents ``want``."""
    with Archive.open(path) as a:
        st = a.state_at()
        f = collect(a, verify_chain=False)
    assert sorted(i["id"] for i in st["incidents"]) == sorted(want)
    assert [i["id"] for i in f.incidents] == want
    return st, f

def test_reports_without_a_task_are_not_incidents_anywhere(tmp_path):
    s, path = _grid_drill(tmp_path)
    reports = [str(e.data["id"]) for e in s.events.of_type("incident.new")]
    assert reports == ["i1", "i2", "homes", "again", "i1", "i3"]
    want = ["i1", "i2", "i1#4", "i3"]  # the 5th report repeats i1: the board names it i1#4 (4 reports before it)
    board = s.sim.board
    assert list(board.incidents) == want and board.reports == {"i1", "i2", "homes", "again", "i1#4", "i3"}
    assert s.sim.kpis.incident_ids() == want
    k = s.kpis()
    assert k["incidents"] == 4 and k["people_displaced"] == 40  # the shelter need counts as displacement
    assert [i["id"] for i in s.result()["incidents"]] == want
    st, f = _archive_agrees(path, want)
    assert st["kpis"]["incidents"] == f.kpis["incidents"] == len(want)
    resolved = sum(1 for i in f.incidents if i["resolved"] is not None)
    assert resolved == f.kpis["incidents_resolved"] == sum(1 for i in st["incidents"] if i["resolved"] is not None)
    assert f.series["open_incidents"].last == len(want) - resolved
    # the repeated report's first unit on site is its own, not lost under the first i1
    assert f.kpis["incidents_unreached"] == sum(1 for i in f.incidents if i["first_response"] is None)


def test_report_id_and_ledger():
    from drillsim.core.events import Event

    assert report_id("a", set()) == "a" and report_id("a", {"a", "b"}) == "a#2"
    led = IncidentLedger()
    deltas = [led.consume_incident(Event(t, ty, d, n)) for n, (t, ty, d) in enumerate([
        (0, "incident.new", {"id": "walk", "needs": {"shelter": {"community": "c", "people": 3}}}),
        (0, "incident.new", {"id": "r"}), (0, "task.new", {"task": "r/rescue", "incident": "r"}),
        (0, "task.new", {"task": "r/transport", "incident": "r"}),
        (5, "incident.first_response", {"incident": "r", "minutes": 5}),
        (9, "incident.resolved", {"incident": "r", "minutes": 9})])]
    assert deltas == [0, 0, 1, 0, 0, -1]
    assert not led.is_incident("walk") and led.incident_ids() == ["r"]
    assert led.incident_counts() == {"incidents": 1, "incidents_resolved": 1, "incidents_unreached": 0,
                                     "incidents_open": 0}


# ---------------------------------------------------------------------- the shipped earthquake drills
def _replay_header(path: Path, capsys) -> tuple[int, int, int]:
    capsys.readouterr()
    assert main(["replay", str(path)]) == 0
    m = re.search(r"事件: 共 (\d+)，已处置 (\d+)，已响应 (\d+)", capsys.readouterr().out)
    assert m, "replay header"
    return int(m[1]), int(m[2]), int(m[3])


def _unreached_in_findings(html: str) -> int:
    findings = html.split('id="findings"')[1]
    grouped = sum(int(n) for n in re.findall(r"(\d+) 起事件至演练结束无力量到达", findings))
    return grouped + len(re.findall(r"报告，至演练结束无力量到达", findings))


@pytest.mark.parametrize("name, until", [("lanxi_earthquake", None), ("lanxi_earthquake", 150),
                                         ("linhe_quake_chain", None)])
def test_shipped_earthquake_drill_counts_agree(name, until, tmp_path, capsys):
    """QA: the KPI table said 0 unreached while the problems list said 13 never reached, the chart ended at
    13 and the replay header said 64 (KPIs 51): shelter-only reports named "people trapped" with 0 trapped."""
    sc = scenarios_dir() / f"{name}.yaml"
    path, html_path = tmp_path / "q.drill", tmp_path / "r.html"
    args = ["run", str(sc), "--orders", str(scenarios_dir() / f"{name}.orders.yaml"), "--record", str(path)]
    assert main(args + (["--until", str(until)] if until else [])) == 0
    with Archive.open(path) as a:
        k = a.kpis()
        news = [e.data for e in a.events(types="incident.new")]
    n, resolved, unreached = k["incidents"], k["incidents_resolved"], k["incidents_unreached"]
    assert n > 10
    if until:
        assert unreached > 0 and resolved < n  # a drill cut short: the counts that matter are not all zero
    # no incident is called "people trapped" without trapped people
    for d in news:
        if "被困" in d["name"]["zh"] or "trapped" in d["name"]["en"]:
            assert (d["needs"].get("rescue") or 0) > 0, d
    assert not any("shelter" in (d.get("needs") or {}) for d in news if str(d.get("cause")).startswith("earthquake"))
    # replay's header
    assert _replay_header(path, capsys) == (n, resolved, n - unreached)
    # the report: KPI table, open-incidents chart, problems list, the map at the end
    assert main(["report", str(path), "-o", str(html_path)]) == 0
    html = html_path.read_text(encoding="utf-8")
    assert f"事件数</td><td>{n}</td>" in html and f"未到达事件</td><td>{unreached}</td>" in html
    assert re.search(rf"共 {n} 起事件，最多同时 \d+ 起未处置完毕，结束时 {n - resolved} 起", html)
    assert _unreached_in_findings(html) == unreached
    assert (f"{n} 起事件全部有力量到达" in html) == (unreached == 0)
    ends = re.findall(r"未处置事件 (\d+) 起（无力量到达 (\d+) 起）", html.split('id="maps"')[1])
    assert ends and ends[-1] == (str(n - resolved), str(unreached))


def test_one_open_clearing_task_per_road(tmp_path):
    """Two reports needing the same road cleared (two hazards closing it, or a road reopened by an order
    and closed again while its clearing task is open) gave two open clear_road tasks. The board merges the
    second into the clearing under way, as it does a second evacuation of a community: no task, so not an
    incident, in every count. A report after the road's task is done gets a new task."""
    for name in ("drill.yaml", "grid.graphml"):
        shutil.copy(DATA / name, tmp_path / name)
    s = Session(load_scenario(tmp_path / "drill.yaml"))
    path = tmp_path / "g.drill"
    rec = Recorder(s, path)

    def report(iid: str) -> None:
        eff = {"id": iid, "at": [2250, 2000], "priority": 2, "needs": {"clear_road": "r20"}}
        s.adhoc_inject({"message": {"zh": iid, "en": iid}, "effect": {"incident": eff}})

    try:
        s.run_until(31)
        report("debris")
        report("landslide")  # same road, same minute: merged
        board = s.sim.board
        clearing = [t for t in board.open_tasks() if t.kind == "clear_road"]
        assert [t.id for t in clearing] == ["debris/clear_road"]
        assert "debris" in board.incidents and "landslide" not in board.incidents
        assert "landslide" in board.reports
        while board.tasks["debris/clear_road"].open:
            s.run_until(s.sim.env.now + 10)
        report("again")  # the first task is done: the road gets a new one
        s.run()
    finally:
        rec.close()
    news = [e.data["task"] for e in s.events.of_type("task.new") if e.data["kind"] == "clear_road"]
    assert news == ["debris/clear_road", "again/clear_road"]
    want = list(board.incidents)  # i3 (minute 90) comes before "again" or after, as the clearing took
    assert sorted(want) == ["again", "debris", "i1", "i2", "i3"] and s.sim.kpis.incident_ids() == want
    assert [i["id"] for i in s.result()["incidents"]] == want
    st, f = _archive_agrees(path, want)
    assert s.kpis()["incidents"] == st["kpis"]["incidents"] == f.kpis["incidents"] == len(want)
