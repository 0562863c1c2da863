"""Write a report for one or more archives to HTML and/or PDF files, the format by extension.

Used by ``drillsim report`` and the app's File → Export report, so both behave alike:
each file is written to a temporary name beside it and renamed when complete, so a
failure never leaves a half-written report or clobbers an older one.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


def format_of(path: str | Path) -> str | None:
    """'html' or 'pdf' from the extension, None if it is neither."""
    return FORMATS.get(Path(path).suffix.lower())


@dataclass
class Written:
    written: list[tuple[Path, int]] = field(default_factory=list)  # (path, PDF pages or 0 for HTML)
    score: float | None = None
    report: Any = None


def write_report(files: list[str | Path], outs: list[str | Path], lang: str, maps: bool = True) -> Written:
    """Build the report of ``files[0]`` (compared with ``files[1:]``) and write it to each of ``outs``."""
    from drillsim.record.archive import Archive
    from drillsim.report import build_report, render_html, write_pdf

    for o in outs:
        if format_of(o) is None:
            raise ValueError(f"{o}: name the report .html or .pdf")
    with ExitStack() as stack:
        archives = [stack.enter_context(Archive.open(f)) for f in files]
        rep = build_report(archives[0], lang=lang, compare_with=archives[1:] or None, maps=maps)
    res = Written(score=rep.score, report=rep)
    for o in map(Path, outs):
        tmp = o.with_name(f".{o.name}.part")
        try:
            if format_of(o) == "html":
                tmp.write_text(render_html(rep), encoding="utf-8")
                pages = 0
            else:
                pages = write_pdf(rep, tmp)
            os.replace(tmp, o)
        finally:
            tmp.unlink(missing_ok=True)
        res.written.append((o, pages))
    return res
