"""``drillsim report A.drill [B.drill ...] -o OUT.html|OUT.pdf [--lang zh|en]``: after-action report.

The format follows the output's extension. With two or more archives the report of
the first gets a side-by-side comparison of all of them. ``--pdf OUT.pdf`` (also
write a PDF) and ``--compare B.drill`` (one more archive) are kept from earlier
versions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drillsim.cli.common import apply_lang
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import lang, tr

NAME = "report"
HELP = "after-action report (HTML or PDF by extension) from drill archives, with a comparison of several (演练评估报告)"
ORDER = 44


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", type=Path, nargs="+", metavar="A.drill",
                   help="drill archive(s); with two or more, runs B, C, ... are compared with A")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="OUT.html|OUT.pdf",
                   help="report file; HTML (one self-contained file) or PDF by its extension; "
                        "default: the first archive's name with .html")
    p.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                   help="report language (default zh, or DRILLSIM_LANG)")
    p.add_argument("--pdf", type=Path, default=None, metavar="OUT.pdf", help="also write a PDF")
    p.add_argument("--compare", type=Path, action="append", default=[], metavar="B.drill",
                   help="another archive to compare (same as listing it after A)")
    p.add_argument("--no-maps", action="store_true", help="leave out the key-moment maps (faster)")


def output_format(path: Path, option: str = "-o") -> str:
    """'html' or 'pdf' from the file's extension; InputError (exit 2) for anything else."""
    from drillsim.report.export import format_of

    fmt = format_of(path)
    if fmt is None:
        raise InputError(Problem(str(path), 1, 1, f"{option}: unknown report format '{path.suffix or '(none)'}'; "
                                                  "name the file .html or .pdf"))
    return fmt


def _writable(path: Path) -> None:
    parent = path.resolve().parent
    if not parent.is_dir():
        raise InputError(Problem(str(path), 1, 1, "output folder does not exist"))
    if path.is_dir():
        raise InputError(Problem(str(path), 1, 1, "is a folder, expected a file name"))


def run(args: argparse.Namespace) -> int:
    from drillsim.report.charts import cjk_font
    from drillsim.report.export import write_report

    apply_lang(args)
    files = [*args.files, *args.compare]
    outs: list[Path] = [args.output or files[0].with_suffix(".html")]
    output_format(outs[0])
    if args.pdf is not None:
        output_format(args.pdf, "--pdf")
        outs.append(args.pdf)
    for p in outs:
        _writable(p)
    if lang() == "zh" and cjk_font() is None:
        print(tr("警告：未找到中文字体（Noto Sans CJK SC / 文泉驿微米黑），图表和 PDF 中的中文将无法显示；"
                 "请安装 fonts-noto-cjk 或 fonts-wqy-microhei",
                 "warning: no CJK font (Noto Sans CJK SC / WenQuanYi Micro Hei); Chinese in charts and the PDF "
                 "will not render; install fonts-noto-cjk or fonts-wqy-microhei"), file=sys.stderr)
    res = write_report(files, outs, lang(), maps=not args.no_maps)
    msg = [tr(f"{p}（{n} 页）", f"{p} ({n} pages)") if n else str(p) for p, n in res.written]
    score = "—" if res.score is None else f"{res.score:.1f}"
    runs = tr(f"；对比 {len(files)} 次演练", f"; {len(files)} runs compared") if len(files) > 1 else ""
    print(tr(f"演练评估报告：{'，'.join(msg)}；综合评分 {score}{runs}",
             f"After-action report: {', '.join(msg)}; score {score}{runs}"))
    return 0
