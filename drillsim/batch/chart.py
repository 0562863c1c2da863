"""Comparison chart of a batch: one panel per KPI, a box of its runs per variant.

Boxes show the runs' spread (whiskers at p5 and p95, the box the middle half);
the dot and bar are the mean and its 95 % confidence interval. The panels are
the score and the KPIs whose variant means differ most (relative to their spread),
the ones a planner looks at first. Chinese text uses the report's CJK fonts.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from drillsim.batch.stats import VariantStats, varying
from drillsim.core.i18n import pick, tr
from drillsim.exercise.wording import kpi_label
from drillsim.report.charts import PALETTE, rc

MAX_PANELS = 6


def pick_kpis(stats: list[VariantStats], limit: int = MAX_PANELS) -> list[str]:
    """Score first, then the varying KPIs ranked by how far apart the variant means are."""
    keys = [k for k in varying(stats) if not k.startswith("score_components.")]

    def spread(k: str) -> float:
        ss = [vs.kpis[k] for vs in stats if k in vs.kpis]
        means = [s.mean for s in ss]
        scale = max([s.sd for s in ss] + [abs(m) for m in means] + [1e-9])
        return (max(means) - min(means)) / scale + 1e-3 * max(s.sd for s in ss) / scale

    ranked = sorted((k for k in keys if k != "score"), key=spread, reverse=True)
    return (["score"] if any("score" in vs.kpis for vs in stats) else []) + ranked[: limit - 1]


def draw(rows: list[dict[str, Any]], stats: list[VariantStats], path: Path, name: dict[str, str],
         short: dict[int, str] | None = None) -> Path:
    keys = pick_kpis(stats)
    short = short or {vs.index: vs.label for vs in stats}
    # long names do not fit under a box: number them as in the table, listed under the panels
    numbered = any(_width(line) > max(12, 64 // max(1, len(stats)))
                   for vs in stats for line in short.get(vs.index, vs.label).splitlines())
    n = max(1, len(keys))
    cols = min(3, n)
    nrows = math.ceil(n / cols)
    with matplotlib.rc_context(rc()):
        fig = Figure(figsize=(4.2 * cols, 3.2 * nrows + 0.6), layout="constrained")
        FigureCanvasAgg(fig)
        fig.suptitle(f"{pick(name)} — {tr('方案比较', 'plan comparison')}"
                     f"（{tr('每方案', 'runs per variant')} {max(vs.runs for vs in stats)}）", fontsize=12)
        for j, k in enumerate(keys):
            ax = fig.add_subplot(nrows, cols, j + 1)
            data, means, cis, names = [], [], [], []
            for vs in stats:
                vals = [float(r[k]) for r in rows if r["variant_index"] == vs.index
                        and isinstance(r.get(k), (int, float)) and r.get(k) is not None]
                data.append(vals or [math.nan])
                s = vs.kpis.get(k)
                means.append(s.mean if s else math.nan)
                cis.append(s.ci if s and s.n > 1 else (math.nan, math.nan))
                names.append(f"#{vs.index}" if numbered else short.get(vs.index, vs.label))
            pos = list(range(1, len(data) + 1))
            bp = ax.boxplot(data, positions=pos, whis=(5, 95), widths=0.5, showfliers=False,
                            patch_artist=True)
            for b, c in zip(bp["boxes"], PALETTE * 10, strict=False):
                b.set(facecolor=c, alpha=0.25, edgecolor=c)
            lo = [m - c[0] for m, c in zip(means, cis, strict=True)]
            hi = [c[1] - m for m, c in zip(means, cis, strict=True)]
            ax.errorbar([p + 0.33 for p in pos], means, yerr=[lo, hi], fmt="o", color="#222", ms=4,
                        capsize=3, lw=1.2)
            ax.set_xticks(pos, names, fontsize=8)
            ax.set_title(kpi_label(k), fontsize=10)
            ax.grid(True, axis="y", alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
        note = tr("箱体：P25–P75，须：P5–P95，橙线：中位数；黑点与竖线：均值及其 95% 置信区间",
                  "Box: p25–p75, whiskers: p5–p95, orange: median; dot and bar: mean and its 95% CI")
        if numbered:
            note = "\n".join([f"#{vs.index}: {vs.label}" for vs in stats] + [note])
        fig.supxlabel(note, fontsize=8)
        if not keys:
            ax = fig.add_subplot()
            ax.axis("off")
            ax.text(0.5, 0.5, tr("各次运行的指标完全相同", "Every run gave the same KPIs"), ha="center")
        fig.savefig(path, dpi=110)
    return path


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def chart_path(results: Path) -> Path:
    """The chart goes next to the results file: RESULTS.png."""
    return results.with_suffix(".png")

