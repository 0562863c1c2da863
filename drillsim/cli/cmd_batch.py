"""``drillsim batch FILE --runs N [--vary KEY=V1,V2,...] -o RESULTS.parquet|csv``: plan evaluation.

N seeded headless runs per variant on a local process pool or a Dask cluster;
rows to Parquet/CSV as runs finish; KPI statistics per variant; a comparison chart.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from drillsim.cli.common import apply_lang, print_json
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import tr

NAME = "batch"
HELP = "evaluate a plan: many seeded runs per variant, KPI statistics, chart (批量方案评估)"
ORDER = 30


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="scenario YAML")
    p.add_argument("--runs", type=int, default=10, metavar="N", help="seeded runs per variant (default 10)")
    p.add_argument("--vary", action="append", default=[], metavar="KEY=V1,V2,...",
                   help="a scenario value to vary, e.g. places.dep_county.stock.tent=+0,+500 or "
                        "units.fire1.count=2,3; several --vary give every combination (see docs/batch.md)")
    p.add_argument("--variants", type=Path, default=None, metavar="VARIANTS.yaml",
                   help="named plan alternatives, each a set of changes (see docs/batch.md); "
                        "crossed with any --vary")
    p.add_argument("--orders", type=Path, default=None, metavar="ORDERS.yaml", help="timed orders for every run")
    p.add_argument("--no-auto", action="store_true", help="turn the auto-dispatcher off: only orders act")
    p.add_argument("--until", type=float, default=None, metavar="MIN",
                   help="stop each run at this sim minute (default: the scenario's duration)")
    p.add_argument("--seed", type=int, default=None, metavar="BASE",
                   help="run i uses seed BASE+i (default BASE: the scenario's meta.seed)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, metavar="W",
                       help="local worker processes (default: the CPU count; 0 = in this process)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on an existing Dask cluster, e.g. tcp://scheduler-host:8786")
    p.add_argument("--retries", type=int, default=3, metavar="R",
                   help="re-runs of a run whose worker died or that failed (default 3)")
    p.add_argument("-o", "--out", type=Path, required=True, metavar="RESULTS.parquet|csv",
                   help="results, one row per run; the chart is written next to it as .png")
    again = p.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="keep the runs already in the -o file and run only the missing ones")
    again.add_argument("--force", action="store_true", help="overwrite the -o file if it exists")
    p.add_argument("--no-chart", action="store_true", help="do not draw the comparison chart")
    p.add_argument("--json", action="store_true", help="last line of output is a JSON result")


def _cpus() -> int:
    """CPUs this process may use (a container or ``taskset`` may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(args: argparse.Namespace) -> int:
    from drillsim.batch.chart import chart_path, draw
    from drillsim.batch.evaluate import Batch, execute
    from drillsim.batch.results import ResultsFile, check_path
    from drillsim.batch.stats import summarise
    from drillsim.batch.table import print_table

    apply_lang(args)
    out = Path(args.out)
    check_path(out)
    if args.workers is not None and args.workers < 0:
        raise InputError(Problem("--workers", 1, 1, tr("不能为负数", "must be 0 or more")))
    if args.retries < 0:
        raise InputError(Problem("--retries", 1, 1, tr("不能为负数", "must be 0 or more")))
    batch = Batch(args.file, args.runs, args.vary, args.orders, args.until, not args.no_auto, args.seed,
                  args.variants)
    if out.exists() and args.resume:
        results = ResultsFile.load(out)
    elif out.exists() and not args.force:
        raise InputError(Problem(str(out), 1, 1, tr(
            "已存在；加 --resume 保留已完成的运行并补齐其余，或加 --force 覆盖",
            "already exists; add --resume to keep its finished runs and run the rest, or --force to overwrite")))
    else:
        results = ResultsFile(out)
    todo = batch.todo(results)
    workers = _cpus() if args.workers is None else args.workers
    console = Console(stderr=True)
    show = sys.stderr.isatty() and not args.json
    total = len(batch.specs)
    with Progress(TextColumn(tr("批量运行", "Batch runs")), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console, transient=True, disable=not show) as bar:
        task = bar.add_task("runs", total=total, completed=total - len(todo))

        def progress(what: str, spec, reason: str) -> None:
            if what == "done":
                bar.advance(task)
            elif not args.json:
                verb = tr("重试", "retrying") if what == "retry" else tr("放弃", "giving up on")
                console.print(f"{verb} {tr('变体', 'variant')} {spec.variant} {tr('种子', 'seed')} {spec.seed}: {reason}")

        outcome = execute(batch, todo, results, workers=workers, scheduler=args.scheduler,
                          retries=args.retries, progress=progress)
    rows = batch.mine(results)
    stats = summarise(rows, batch.labels)
    chart = None
    if rows and not args.no_chart:
        chart = draw(rows, stats, chart_path(out), batch.name, {v.index: v.short for v in batch.variants})
    res = {"results": str(out), "chart": str(chart) if chart else None, "runs": total,
           "ran": outcome.done, "reused": total - len(todo), "failed": outcome.failed,
           "retries": outcome.retries, "wall_s": round(outcome.wall_s, 2),
           "runs_per_min": round(60.0 * outcome.done / outcome.wall_s, 2) if outcome.wall_s > 0 else None,
           "executor": f"dask {args.scheduler}" if args.scheduler else f"{workers} workers" if workers else "inline",
           "variants": [{**vs.to_dict(), "name": batch.variants[vs.index].name, "changes": [{"key": c.key, "op": c.op, "value": c.value}
                                                     for c in batch.variants[vs.index].changes]}
                        for vs in stats]}
    if args.json:
        print_json(res)
    else:
        print_table(batch.name, stats, short={v.index: v.short for v in batch.variants})
        print(tr(f"结果：{out}（{len(rows)} 行；本次运行 {outcome.done} 次，沿用 {res['reused']} 次，"
                 f"用时 {outcome.wall_s:.1f} 秒）", f"results: {out} ({len(rows)} rows; ran {outcome.done}, "
                 f"reused {res['reused']}, {outcome.wall_s:.1f} s)"))
        if chart:
            print(tr(f"比较图：{chart}", f"chart: {chart}"))
        for f in outcome.failed:
            print(tr(f"失败：{f['variant']} 种子 {f['seed']}：{f['error']}",
                     f"failed: {f['variant']} seed {f['seed']}: {f['error']}"), file=sys.stderr)
    return 1 if outcome.failed else 0
