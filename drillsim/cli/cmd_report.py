"""``drillsim report A.drill -o OUT.html [--pdf OUT.pdf] [--lang zh|en] [--compare B.drill]``: after-action report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drillsim.cli.common import apply_lang
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import lang, tr

NAME = "report"
HELP = "after-action report (HTML, PDF) from a drill archive (演练评估报告)"
ORDER = 44


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="drill archive (.drill)")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="OUT.html",
                   help="HTML report (one self-contained file); default: the archive name with .html")
    p.add_argument("--pdf", type=Path, default=None, metavar="OUT.pdf", help="also write a PDF")
    p.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                   help="report language (default zh, or DRILLSIM_LANG)")
    p.add_argument("--compare", type=Path, default=None, metavar="B.drill",
                   help="add KPIs side by side with another run (e.g. a what-if branch)")


def _writable(path: Path) -> None:
    parent = path.resolve().parent
    if not parent.is_dir():
        raise InputError(Problem(str(path), 1, 1, "output folder does not exist"))
    if path.is_dir():
        raise InputError(Problem(str(path), 1, 1, "is a folder, expected a file name"))


def run(args: argparse.Namespace) -> int:
    from drillsim.cli.summary import COMPONENT_LABELS, KPI_LABELS
    from drillsim.record.archive import Archive
    from drillsim.report import build_report, write_html, write_pdf
    from drillsim.report.charts import cjk_font

    apply_lang(args)
    out = args.output or args.file.with_suffix(".html")
    for p in (out, args.pdf):
        if p is not None:
            _writable(p)
    with Archive.open(args.file) as a:
        other = Archive.open(args.compare) if args.compare else None
        try:
            rep = build_report(a, lang=lang(), kpi_labels=KPI_LABELS, component_labels=COMPONENT_LABELS,
                               compare_with=other)
        finally:
            if other is not None:
                other.close()
    if lang() == "zh" and cjk_font() is None:
        print(tr("警告：未找到中文字体（Noto Sans CJK SC / 文泉驿微米黑），图表和 PDF 中的中文将无法显示；"
                 "请安装 fonts-noto-cjk 或 fonts-wqy-microhei",
                 "warning: no CJK font (Noto Sans CJK SC / WenQuanYi Micro Hei); Chinese in charts and the PDF "
                 "will not render; install fonts-noto-cjk or fonts-wqy-microhei"), file=sys.stderr)
    write_html(rep, out)
    msg = [f"{out}"]
    if args.pdf:
        pages = write_pdf(rep, args.pdf)
        msg.append(tr(f"{args.pdf}（{pages} 页）", f"{args.pdf} ({pages} pages)"))
    score = "—" if rep.score is None else f"{rep.score:.1f}"
    print(tr(f"演练评估报告：{'，'.join(msg)}；综合评分 {score}", f"After-action report: {', '.join(msg)}; score {score}"))
    return 0
