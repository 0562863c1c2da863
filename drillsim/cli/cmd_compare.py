"""``drillsim compare A.drill B.drill``: KPIs side by side and where the runs first diverge."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from drillsim.cli.common import apply_lang, print_json
from drillsim.core.i18n import tr

NAME = "compare"
HELP = "compare two drill archives: KPIs side by side, first divergence (对比两次演练)"
ORDER = 43


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", type=Path, help="first archive (.drill)")
    p.add_argument("b", type=Path, help="second archive (.drill)")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from drillsim.cli.summary import format_kpi, format_kpi_delta
    from drillsim.exercise.wording import kpi_label
    from drillsim.record.archive import Archive
    from drillsim.record.rerun import compare

    apply_lang(args)
    with Archive.open(args.a) as a, Archive.open(args.b) as b:
        res = compare(a, b)
    differ = 0 if res["first_divergence"] is None else 1  # like diff(1): 1 when the runs differ
    if args.json:
        print_json(res)
        return differ
    table = Table(title=tr("指标对比", "KPIs side by side"))
    table.add_column(tr("指标", "KPI"))
    table.add_column(f"A {args.a.name}", justify="right")
    table.add_column(f"B {args.b.name}", justify="right")
    table.add_column(tr("差值 B-A", "B - A"), justify="right")
    for r in res["kpis"]:
        k = r["kpi"]
        table.add_row(kpi_label(k), format_kpi(k, r["a"]), format_kpi(k, r["b"]), format_kpi_delta(k, r["delta"]))
    console = Console(width=110)
    console.print(table)
    d = res["first_divergence"]
    if d is None:
        console.print(tr("两次演练事件流完全一致", "The two event streams are identical"))
    else:
        console.print(tr(f"首次分歧: 事件 seq {d['seq']}，第 {d['t']:g} 分钟", f"First divergence: event seq {d['seq']} "
                         f"at minute {d['t']:g}") + f"  (A: {d['a'] and d['a']['type']}, B: {d['b'] and d['b']['type']})")
    return differ
