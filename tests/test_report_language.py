"""The after-action report speaks one language at a time, for every shipped scenario.

Each shipped scenario is run to its end with its orders file and recorded; the report is built in
Chinese and in English, with and without maps. The English HTML's visible text must hold no Chinese,
the Chinese HTML no raw keys or English enum words (what is allowed: tests/lang_check.py), and the
same for the text drawn inside the charts and maps (legends, ticks, titles), which the PDF shows as text.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from drillsim.core.paths import shipped_scenarios
from drillsim.exercise.order_file import load_orders
from drillsim.exercise.session import Session
from drillsim.record import Archive, Recorder
from drillsim.report import build_report
from drillsim.scenario import load_scenario
from tests.lang_check import leaks, visible_text

SCENARIOS = shipped_scenarios()


def _record(path: Path, out: Path) -> frozenset[str]:
    """The scenario run to its end with its orders file, recorded to ``out``; returns the ids a reader may see as ids."""
    s = Session(load_scenario(path), inputs=load_orders(path.with_name(path.stem + ".orders.yaml")))
    rec = Recorder(s, out, scenario_path=path)
    try:
        s.run(step=240)
    finally:
        rec.close()
    ids = {*s.sim.units, *s.seats.seats, *s.msel.injects, *s.sim.board.incidents}
    for ev in s.events.events:
        if ev.type == "order.accepted":
            ids |= {str(v) for k, v in (ev.data.get("args") or {}).items() if k in ("road", "request") and v}
    name = s.scenario.meta.name
    ids |= {name["zh"], name["en"]}  # the cover names the drill in the other language too, labelled as such
    return frozenset(ids)


def _html(rep) -> str:
    """The report's HTML without the chart images (the text is the same; drawing them is slow)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from drillsim.core.paths import resources

    env = Environment(loader=FileSystemLoader(str(resources("templates"))),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(r=rep, pngs={k: "" for k in rep.charts}, score_label="")


def _figure_text(rep) -> list[str]:
    """Every text drawn in the charts and maps: titles, axis labels, ticks, legends, annotations."""
    from matplotlib.text import Text

    from drillsim.report.charts import rc

    out: list[str] = []
    with matplotlib.rc_context(rc()):
        for spec in rep.charts.values():
            fig = spec.figure()
            out += [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]
    return list(dict.fromkeys(out))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_report_speaks_one_language(path, tmp_path):
    drill = tmp_path / f"{path.stem}.drill"
    ids = _record(path, drill)
    problems: list[str] = []
    for lang in ("zh", "en"):
        with Archive.open(drill) as a:
            rep = build_report(a, lang=lang)
            bare = build_report(a, lang=lang, maps=False)
        for text in visible_text(_html(rep)):
            problems += [f"{lang}: {p}" for p in leaks(text, lang, ids)]
        for text in _figure_text(rep):
            problems += [f"{lang} chart: {p}" for p in leaks(text, lang, ids)]
        # without maps, places are still named (from the scenario and its map data, nothing drawn)
        for text in visible_text(_html(bare)):
            problems += [f"{lang} --no-maps: {p}" for p in leaks(text, lang, ids)]
    problems = list(dict.fromkeys(problems))
    assert not problems, f"{len(problems)} leaks:\n" + "\n".join(problems[:40])
