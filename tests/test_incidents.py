"""One rule for which reports are incidents (drillsim.response.incidents), used by every count.

A report (``incident.new``) is an incident when responders got a task from it. The KPIs, the
live task board (GUI queue and map), the replay state (``drillsim replay``, replayed map),
the report (open-incidents chart, problems list, key-moment maps) and ``run --json`` count
the same set.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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
    with Archive.open(path) as a:
        st = a.state_at()
        f = collect(a, verify_chain=False)
    assert sorted(i["id"] for i in st["incidents"]) == sorted(want)
    assert [i["id"] for i in f.incidents] == want
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
