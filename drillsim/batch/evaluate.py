"""A batch plan evaluation: variants x seeds, run anywhere, collected into one results file.

Run i of every variant uses seed ``base + i`` (``base``: ``--seed`` or the
scenario's ``meta.seed``), so run 0 of the unchanged scenario is exactly what
``drillsim run FILE`` gives, and variants meet the same weather and aftershock
luck (common random numbers; see :mod:`drillsim.batch.stats`): today the seed draws
an earthquake's aftershocks, blocked roads and building damage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drillsim.batch import executors
from drillsim.batch.planfile import load_plans
from drillsim.batch.results import ResultsFile, batch_key, flatten
from drillsim.batch.runner import RunSpec
from drillsim.batch.variants import Variant, build_variants
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import tr
from drillsim.exercise.order_file import load_orders
from drillsim.scenario.loader import read_text
from drillsim.scenario.validate import check_text


def _unchanged(v: Variant) -> bool:
    """True when every change of ``v`` leaves its value as it is (``+0``, ``x1``): the baseline."""
    return not v.name and all((c.op == "add" and c.value == 0) or (c.op == "mul" and c.value == 1)
                              for c in v.changes)


class Batch:
    def __init__(self, file: Path, runs: int, vary: list[str] | tuple[str, ...] = (),
                 orders: Path | None = None, until: float | None = None, auto_dispatch: bool = True,
                 seed: int | None = None, variants_file: Path | None = None) -> None:
        if runs < 1:
            raise InputError(Problem("--runs", 1, 1, tr("至少运行 1 次", "must be at least 1")))
        self.file = Path(file)
        data, positions, problems = check_text(read_text(self.file), str(self.file), self.file.parent)
        if problems:
            raise InputError(problems)
        self.name: dict[str, str] = data["meta"]["name"]
        if isinstance(self.name, str):
            self.name = {"zh": self.name, "en": self.name}
        plans = load_plans(variants_file) if variants_file else []
        self.variants: list[Variant] = (build_variants(list(vary), data, str(self.file), self.file.parent,
                                                       positions, plans)
                                        if vary or plans else [Variant(0, (), data)])
        inputs = tuple(load_orders(orders)) if orders else ()
        base = int(data["meta"].get("seed", 0)) if seed is None else int(seed)
        self.seeds = [base + i for i in range(runs)]
        self.keys = {v.index: batch_key(v.data, inputs, until, auto_dispatch) for v in self.variants}
        base_key = batch_key(data, inputs, until, auto_dispatch)
        if base_key not in self.keys.values() and not any(_unchanged(v) for v in self.variants):
            # a planner asks "how much better with X?": the scenario as written is always #0
            for v in self.variants:
                v.index += 1
            self.variants.insert(0, Variant(0, (), data))
            self.keys = {0: base_key} | {v.index: batch_key(v.data, inputs, until, auto_dispatch)
                                         for v in self.variants[1:]}
        seen: dict[str, Variant] = {}
        for v in self.variants:
            twin = seen.setdefault(self.keys[v.index], v)
            if twin is not v:
                raise InputError(Problem(str(variants_file) if variants_file else "--vary", 1, 1, tr(
                    f"变体 #{twin.index}（{twin.label}）与 #{v.index}（{v.label}）是同一个想定；去掉重复的取值",
                    f"variants #{twin.index} ({twin.label}) and #{v.index} ({v.label}) are the same scenario; "
                    f"drop one of the values")))
        self.specs = [RunSpec(v.index, i, s, v.data, str(self.file.parent.resolve()), str(self.file), until,
                              inputs, auto_dispatch)
                      for v in self.variants for i, s in enumerate(self.seeds)]

    @property
    def labels(self) -> dict[int, str]:
        return {v.index: v.label for v in self.variants}

    def todo(self, results: ResultsFile) -> list[RunSpec]:
        """Runs not yet in ``results`` (rows of other batches there are left as they are)."""
        have = {(r["batch_key"], int(r["seed"])) for r in results.rows}
        return [s for s in self.specs if (self.keys[s.variant], s.seed) not in have]

    def mine(self, results: ResultsFile) -> list[dict[str, Any]]:
        """The rows of this batch in ``results`` (renumbered to this batch's variants)."""
        by_key = {k: i for i, k in self.keys.items()}
        seeds = set(self.seeds)
        out = []
        for r in results.rows:
            i = by_key.get(r["batch_key"])
            if i is not None and int(r["seed"]) in seeds:
                out.append({**r, "variant_index": i, "variant": self.labels[i]})
        return out

    def row(self, spec: RunSpec, result: dict[str, Any]) -> dict[str, Any]:
        return {"variant": self.labels[spec.variant], "variant_index": spec.variant, "run": spec.run,
                "seed": spec.seed, "batch_key": self.keys[spec.variant], **flatten(result["kpis"]),
                "digest": result["digest"], "events": result["events"],
                "sim_minutes": result["sim_minutes"], "wall_s": result["wall_s"], "cpu_s": result["cpu_s"]}


@dataclass
class Outcome:
    done: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    retries: int = 0
    wall_s: float = 0.0


class _Collector:
    """Executor sink: each finished run becomes a row in the results file at once."""

    def __init__(self, batch: Batch, results: ResultsFile, outcome: Outcome,
                 progress: Callable[[str, RunSpec, str], None] | None) -> None:
        self.batch, self.results, self.outcome, self.progress = batch, results, outcome, progress

    def done(self, spec: RunSpec, result: dict[str, Any]) -> None:
        self.results.add(self.batch.row(spec, result))
        self.outcome.done += 1
        if self.progress:
            self.progress("done", spec, "")

    def retry(self, spec: RunSpec, reason: str) -> None:
        self.outcome.retries += 1
        if self.progress:
            self.progress("retry", spec, reason)

    def failed(self, spec: RunSpec, reason: str) -> None:
        self.outcome.failed.append({"variant": self.batch.labels[spec.variant], "run": spec.run,
                                    "seed": spec.seed, "error": reason})
        if self.progress:
            self.progress("failed", spec, reason)


def execute(batch: Batch, specs: list[RunSpec], results: ResultsFile, workers: int = 2,
            scheduler: str | None = None, retries: int = executors.DEFAULT_RETRIES,
            progress: Callable[[str, RunSpec, str], None] | None = None) -> Outcome:
    """Run ``specs`` on the chosen executor, adding rows to ``results`` as they finish.

    ``results`` is saved whatever happens (also on Ctrl-C): finished runs are never lost."""
    out = Outcome()
    sink = _Collector(batch, results, out, progress)
    t0 = time.perf_counter()
    try:
        if scheduler:
            executors.run_dask(specs, sink, scheduler, retries)
        elif workers <= 0:
            executors.run_inline(specs, sink, retries)
        else:
            executors.run_pool(specs, sink, workers, retries)
    finally:
        results.flush()
        out.wall_s = time.perf_counter() - t0
    return out
