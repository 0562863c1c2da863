"""The report as a PDF through matplotlib's PdfPages: A4 text pages with tables, charts drawn in place.

No browser and no LaTeX: text is laid out here (wrapped by an estimate of glyph
widths, CJK counted as one em), tables get shaded rows, and charts are vector
axes on the page. Fonts come from :func:`drillsim.report.charts.rc` (CJK first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from drillsim.report.build import Block, Report
from drillsim.report.charts import rc

A4 = (8.27, 11.69)
MARGIN = 0.6  # inch
FILL = {"good": "#e9f7ef", "bad": "#fdedec", "warn": "#fef9e7"}
HEAD = "#1a5276"


def _cjk(ch: str) -> bool:
    o = ord(ch)
    return o >= 0x2E80 or 0xFF00 <= o <= 0xFFEF


def _em(ch: str) -> float:
    if _cjk(ch):
        return 1.0
    if ch in "mwMW@%":
        return 0.85
    if ch.isupper() or ch.isdigit():
        return 0.62
    if ch in "il.,:;'|!() ":
        return 0.3
    return 0.52


def wrap(text: str, width_in: float, size: float) -> list[str]:
    """Lines of ``text`` that fit ``width_in`` inches at ``size`` points (breaks at spaces where it can)."""
    em = size / 72.0
    out: list[str] = []
    for para in str(text).split("\n"):
        line, w, last_space = "", 0.0, -1
        for ch in para:
            cw = _em(ch) * em
            if w + cw > width_in and line:
                # Chinese may break between any two characters; Latin words at their spaces
                if ch != " " and last_space > 0 and not _cjk(ch) and not _cjk(line[-1]):
                    out.append(line[:last_space])
                    line = line[last_space + 1:]
                else:
                    out.append(line)
                    line = ""
                w = sum(_em(c) * em for c in line)
                last_space = -1
                if ch == " " and not line:
                    continue
            if ch == " ":
                last_space = len(line)
            line += ch
            w += cw
        out.append(line)
    return out


class Writer:
    def __init__(self, pdf: PdfPages, report: Report) -> None:
        self.pdf = pdf
        self.r = report
        self.fig: Figure | None = None
        self.y = 0.0  # inches from the top
        self.pages = 0
        self.width = A4[0] - 2 * MARGIN

    # ------------------------------------------------------------------ pages
    def new_page(self) -> None:
        self.finish_page()
        self.fig = Figure(figsize=A4)
        self.y = MARGIN
        self.pages += 1

    def finish_page(self) -> None:
        if self.fig is not None:
            self.fig.text(0.5, 0.3 / A4[1], f"{self.r.title} · {self.r.subtitle} · {self.pages}", ha="center",
                          va="bottom", fontsize=7, color="#808b96")
            self.pdf.savefig(self.fig)
            self.fig = None

    def need(self, h: float) -> None:
        if self.fig is None or self.y + h > A4[1] - MARGIN:
            self.new_page()

    def fx(self, x_in: float) -> float:
        return x_in / A4[0]

    def fy(self, y_in: float) -> float:
        return 1.0 - y_in / A4[1]

    def text(self, x: float, s: str, size: float, **kw: Any) -> None:
        assert self.fig is not None
        self.fig.text(self.fx(x), self.fy(self.y), s, fontsize=size, va="top", ha="left", **kw)

    # ------------------------------------------------------------------ blocks
    def heading(self, s: str, size: float, color: str = HEAD, rule: bool = False) -> None:
        lines = wrap(s, self.width, size)
        h = len(lines) * size * 1.5 / 72 + 0.1
        self.need(h + 0.5)
        self.y += 0.08
        for ln in lines:
            self.text(MARGIN, ln, size, color=color, fontweight="bold")
            self.y += size * 1.5 / 72
        if rule:
            assert self.fig is not None
            self.fig.add_artist(matplotlib.lines.Line2D([self.fx(MARGIN), self.fx(A4[0] - MARGIN)],
                                                        [self.fy(self.y), self.fy(self.y)], color=HEAD, lw=0.8))
            self.y += 0.08

    def para(self, s: str, size: float = 8.5, color: str = "#34495e", indent: float = 0.0, bullet: str = "") -> None:
        lines = wrap(s, self.width - indent - (0.18 if bullet else 0), size)
        lh = size * 1.45 / 72
        for j, ln in enumerate(lines):
            self.need(lh)
            if bullet and j == 0:
                self.text(MARGIN + indent, bullet, size, color=color)
            self.text(MARGIN + indent + (0.18 if bullet else 0), ln, size, color=color)
            self.y += lh
        self.y += 0.05

    def table(self, header: list[str], rows: list[list[str]], widths: list[float], marks: list[str],
              size: float = 7.5, kv: bool = False) -> None:
        n = len(header) if header else (len(rows[0]) if rows else 0)
        if not n:
            return
        widths = widths or [1.0] * n
        total = sum(widths)
        cols = [self.width * w / total for w in widths]
        pad, lh = 0.04, size * 1.35 / 72

        def row_h(cells: list[str]) -> tuple[list[list[str]], float]:
            wrapped = [wrap(c, cols[i] - 2 * pad, size) for i, c in enumerate(cells)]
            return wrapped, max(len(w) for w in wrapped) * lh + 2 * pad

        def draw(cells: list[str], fill: str | None, bold: bool) -> None:
            wrapped, h = row_h(cells)
            self.need(h + (0 if bold else 0.0))
            assert self.fig is not None
            if fill:
                self.fig.add_artist(Rectangle((self.fx(MARGIN), self.fy(self.y + h)), self.fx(self.width),
                                              h / A4[1], transform=self.fig.transFigure, facecolor=fill,
                                              edgecolor="none", zorder=0))
            self.fig.add_artist(matplotlib.lines.Line2D([self.fx(MARGIN), self.fx(A4[0] - MARGIN)],
                                                        [self.fy(self.y + h)] * 2, color="#d5d8dc", lw=0.5))
            x = MARGIN
            y0 = self.y
            for i, lines in enumerate(wrapped):
                self.y = y0 + pad
                for ln in lines:
                    self.text(x + pad, ln, size, fontweight="bold" if (bold or (kv and i == 0)) else "normal",
                              color="#1c2833")
                    self.y += lh
                x += cols[i]
            self.y = y0 + h

        if header:
            draw(header, "#eaf2f8", True)
        for j, row in enumerate(rows):
            if header and self.fig is not None and self.y + row_h(row)[1] > A4[1] - MARGIN:
                self.new_page()
                draw(header, "#eaf2f8", True)
            draw(row, FILL.get(marks[j]) if marks and j < len(marks) else None, False)
        self.y += 0.12

    def chart(self, spec: Any, caption: str) -> None:
        h = 2.7 if spec.frame else 4.3
        self.need(h + 0.45)
        assert self.fig is not None
        # axes box leaves room above for the title and below for tick labels and the x label;
        # a map leaves the right third for its legend
        left = MARGIN + (0.55 if spec.frame else 0.05)
        width = self.width - 0.7 if spec.frame else self.width * 0.66
        ax = self.fig.add_axes([self.fx(left), self.fy(self.y + h - 0.45), self.fx(width), (h - 0.8) / A4[1]])
        spec.draw(ax)
        spec.style(ax, 10)
        ax.tick_params(labelsize=7)
        ax.xaxis.label.set_size(8)
        ax.yaxis.label.set_size(8)
        self.y += h + 0.05
        self.para(caption, size=8)

    def block(self, b: Block) -> None:
        if b.kind == "p":
            self.para(b.text)
        elif b.kind == "h":
            self.heading(b.text, 11, color="#1c2833")
        elif b.kind == "score":
            self.need(0.8)
            self.text(MARGIN, self.score_label, 11, color="#5d6d7e")
            self.y += 0.2
            self.text(MARGIN, f"{b.text}", 36, color=HEAD, fontweight="bold")
            self.text(MARGIN + 1.6, "/ 100", 14, color="#5d6d7e")
            self.y += 0.7
        elif b.kind == "kv":
            self.table([], b.rows, [1.3, 3.7], [], size=8, kv=True)
        elif b.kind == "table":
            self.table(b.header, b.rows, b.widths, b.marks)
        elif b.kind == "list":
            for it in b.items:
                self.para(it, bullet="•")
        elif b.kind == "chart":
            self.chart(self.r.charts[b.chart], b.text)

    score_label = ""


def write_pdf(report: Report, path: str | Path, score_label: str) -> int:
    """Write the PDF; returns its page count."""
    with matplotlib.rc_context(rc()), PdfPages(str(path), metadata={"Title": f"{report.title} — {report.subtitle}",
                                                                   "Creator": "DrillSim"}) as pdf:
        w = Writer(pdf, report)
        w.score_label = score_label
        w.new_page()
        w.y = 1.2
        w.heading(report.title, 26)
        w.heading(report.subtitle, 15, color="#1c2833", rule=True)
        w.y += 0.1
        for i, s in enumerate(report.sections):
            if s.id in ("evaluation", "timeline", "maps", "charts", "findings") or (i > 1 and s.id == "compare"):
                w.new_page()
            elif i > 0:
                w.y += 0.15
            if s.id != "cover":
                w.heading(s.title, 15, rule=True)
            for b in s.blocks:
                w.block(b)
        w.para(report.footer, size=7, color="#808b96")
        w.finish_page()
        return w.pages
