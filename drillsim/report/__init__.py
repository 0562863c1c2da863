"""After-action report (演练评估报告 / HSEEP-style AAR and improvement plan) from a drill archive.

::

    from drillsim.record import Archive
    from drillsim.report import build_report, write_html, write_pdf

    with Archive.open("quake.drill") as a:
        rep = build_report(a, lang="zh")
    write_html(rep, "quake.html")      # one self-contained file, charts as base64 PNG
    write_pdf(rep, "quake.pdf")        # matplotlib PdfPages, no browser needed

Everything comes from the archive: KPIs and score are recomputed from its events
(:class:`drillsim.response.kpis.KpiTracker`, :func:`drillsim.exercise.scoring.score`),
the timeline, charts, notes and findings read the same events. Names of orders and KPIs and the
sentences of events are :mod:`drillsim.exercise.wording`'s, as in the app. See docs/report.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drillsim.report.build import Report, build
from drillsim.report.facts import Facts, collect

__all__ = ["Facts", "Report", "build_report", "collect", "render_html", "write_html", "write_pdf"]


def build_report(archive: Any, lang: str = "zh", compare_with: Any = None, maps: bool = True) -> Report:
    """The report model for ``archive``; ``compare_with`` one or more other open Archives for a
    side-by-side section (KPIs, overlaid curves, where each run first departs from ``archive``);
    ``maps=False`` leaves out the key-moment maps."""
    import drillsim
    from drillsim.exercise.scoring import score

    facts = collect(archive)
    others = [] if compare_with is None else list(compare_with) if isinstance(compare_with, (list, tuple)) \
        else [compare_with]
    runs = None
    if others:
        from drillsim.record.rerun import compare

        runs = []
        for b in others:
            fb = collect(b, verify_chain=False)
            runs.append({"path": str(b.path), "facts": fb, "score": score(fb.kpis).get("score"),
                         "cmp": compare(archive, b)})
    from drillsim.report.names import report_names

    return build(facts, lang, runs, version=drillsim.__version__,
                 archive=archive if maps else None, path=str(archive.path), names=report_names(facts, archive))


def _score_label(rep: Report) -> str:
    return "综合评分" if rep.lang == "zh" else "Score"


def render_html(rep: Report) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from drillsim.core.paths import resources

    env = Environment(loader=FileSystemLoader(str(resources("templates"))),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    pngs = {k: spec.png_base64() for k, spec in rep.charts.items()}
    return env.get_template("report.html.j2").render(r=rep, pngs=pngs, score_label=_score_label(rep))


def write_html(rep: Report, path: str | Path) -> None:
    Path(path).write_text(render_html(rep), encoding="utf-8")


def write_pdf(rep: Report, path: str | Path) -> int:
    """Write the PDF; returns the number of pages."""
    from drillsim.report.pdf import write_pdf as _write

    return _write(rep, path, _score_label(rep))
