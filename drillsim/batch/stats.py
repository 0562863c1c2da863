"""KPI statistics per variant: mean, percentiles, 95 % confidence intervals.

The interval for a mean is Student's t: mean ± t(0.975, n-1)·s/√n (s with n-1
degrees of freedom; scipy.stats.t). Run i of every variant uses the same seed
(common random numbers, Law & Kelton, *Simulation Modeling and Analysis*, 5th ed.,
§11.2), so a variant is also compared with the first one run by run: the paired
differences get their own t interval, much tighter than two separate ones when
the weather and aftershock luck of a seed moves both runs alike.
A yes/no KPI counts as 1/0 (its mean is the share of runs where it held).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats as st

CONFIDENCE = 0.95
NON_KPI = ("variant", "variant_index", "run", "seed", "batch_key", "digest", "events", "sim_minutes", "wall_s",
           "cpu_s")


@dataclass
class Summary:
    n: int
    mean: float
    sd: float
    p5: float
    p50: float
    p95: float
    ci: tuple[float, float]
    missing: int = 0
    """Runs where the KPI had no value (e.g. evacuation not completed)."""

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "missing": self.missing, "mean": _r(self.mean), "sd": _r(self.sd),
                "p5": _r(self.p5), "p50": _r(self.p50), "p95": _r(self.p95),
                "ci95": [_r(self.ci[0]), _r(self.ci[1])]}


@dataclass
class VariantStats:
    index: int
    label: str
    runs: int
    kpis: dict[str, Summary] = field(default_factory=dict)
    diff: dict[str, Summary] = field(default_factory=dict)
    """Paired difference to variant 0 (this minus the first), over seeds both have a value for."""

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "label": self.label, "runs": self.runs,
                "kpis": {k: s.to_dict() for k, s in self.kpis.items()},
                "diff_vs_first": {k: s.to_dict() for k, s in self.diff.items()}}


def _r(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 4)


def _num(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)) and math.isfinite(v):
        return float(v)
    return None


def describe(values: list[float], missing: int = 0) -> Summary | None:
    if not values:
        return None
    a = np.asarray(values, dtype=float)
    n = a.size
    same = bool((a == a[0]).all())  # the mean of equal floats can be off in the last bit
    mean = float(a[0]) if same else float(a.mean())
    sd = float(a.std(ddof=1)) if n > 1 and not same else 0.0
    if n > 1 and sd > 0:
        half = float(st.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * sd / math.sqrt(n)
    else:
        half = 0.0 if n > 1 else math.nan
    p5, p50, p95 = (float(x) for x in np.percentile(a, [5, 50, 95]))
    return Summary(n, mean, sd, p5, p50, p95, (mean - half, mean + half), missing)


def kpi_columns(rows: list[dict[str, Any]]) -> list[str]:
    """Columns holding a numeric or yes/no KPI in at least one row, in first-seen order."""
    cols: dict[str, None] = {}
    for r in rows:
        for k, v in r.items():
            if k not in NON_KPI and _num(v) is not None:
                cols[k] = None
    return list(cols)


def summarise(rows: list[dict[str, Any]], labels: dict[int, str]) -> list[VariantStats]:
    """Per-variant statistics for every KPI column (variants in index order)."""
    cols = kpi_columns(rows)
    by_variant: dict[int, dict[int, dict[str, Any]]] = {i: {} for i in labels}
    for r in rows:
        by_variant.setdefault(int(r["variant_index"]), {})[int(r["seed"])] = r
    out = []
    first = by_variant.get(min(by_variant)) if by_variant else {}
    for i in sorted(by_variant):
        runs = by_variant[i]
        vs = VariantStats(i, labels.get(i, str(i)), len(runs))
        for c in cols:
            vals = [_num(r.get(c)) for r in runs.values()]
            s = describe([v for v in vals if v is not None], sum(v is None for v in vals))
            if s is not None:
                vs.kpis[c] = s
            if i != min(by_variant):
                pairs = [(_num(r.get(c)), _num(first[seed].get(c))) for seed, r in runs.items() if seed in first]
                d = describe([a - b for a, b in pairs if a is not None and b is not None])
                if d is not None:
                    vs.diff[c] = d
        out.append(vs)
    return out


def varying(stats: list[VariantStats]) -> list[str]:
    """KPIs whose value differs between some runs (the others are the same in every run)."""
    keys: dict[str, None] = {}
    for vs in stats:
        keys.update(dict.fromkeys(vs.kpis))
    out = []
    for k in keys:
        ss = [vs.kpis.get(k) for vs in stats]
        present = [s for s in ss if s is not None]
        if (any(s.sd > 0 or s.missing for s in present) or len({s.mean for s in present}) > 1
                or len(present) < len(ss)):
            out.append(k)
    return out
