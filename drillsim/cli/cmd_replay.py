"""``drillsim replay A.drill [--at MIN] [--json]``: the drill's state at a time, from the archive alone."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from drillsim.cli.common import apply_lang, print_json
from drillsim.core.errors import InputError, Problem
from drillsim.core.events import Event
from drillsim.core.i18n import tr
from drillsim.exercise.wording import HAZARDS, UNIT_STATUS, EventWords, describe, kpi_label, label

NAME = "replay"
HELP = "state of a recorded drill at a sim minute, without re-simulating (复盘：查看某时刻态势)"
ORDER = 41


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="drill archive (.drill)")
    p.add_argument("--at", type=float, default=None, metavar="MIN", help="sim minute (default: the end)")
    p.add_argument("--json", action="store_true", help="print the state as JSON")
    p.add_argument("--seat", default=None, metavar="SEAT",
                   help="only what this seat knew (its units and supplies, the events that had reached it); "
                        "director / evaluator: everything")


def run(args: argparse.Namespace) -> int:
    from drillsim.record.archive import Archive

    apply_lang(args)
    with Archive.open(args.file) as a:
        if args.at is not None and not 0 <= args.at <= a.duration:
            raise InputError(Problem(str(args.file), 1, 1, f"--at {args.at:g} is outside the recording "
                                                          f"(0 to {a.duration:g} sim minutes)"))
        if args.seat:
            return _seat(a, args)
        st = a.state_at(args.at)
        name = a.meta.get("scenario_name") or {}
    if args.json:
        print_json(st)
        return 0
    t = st["t"]
    title = name.get("zh") if isinstance(name, dict) else str(name)
    print(tr(f"{title} — 第 {t:g} 分钟（{int(t // 60)} 时 {t % 60:02.0f} 分）态势，事件 {st['events']} 条",
             f"{name.get('en', title) if isinstance(name, dict) else title} — state at minute {t:g}, "
             f"{st['events']} events"))
    c = Counter(u["status"] for u in st["units"])
    print(tr("队伍: ", "Units: ") + ", ".join(f"{label(UNIT_STATUS, k)} {v}" for k, v in sorted(c.items())))
    inc = st["incidents"]
    print(tr(f"事件: 共 {len(inc)}，已处置 {sum(1 for i in inc if i['resolved'] is not None)}，"
             f"已响应 {sum(1 for i in inc if i['first_response'] is not None)}",
             f"Incidents: {len(inc)}, resolved {sum(1 for i in inc if i['resolved'] is not None)}, "
             f"responded {sum(1 for i in inc if i['first_response'] is not None)}"))
    if st["response_level"]:
        print(tr(f"响应级别: {st['response_level']} 级", f"Response level: {st['response_level']}"))
    occ = sum(s["occupancy"] for s in st["shelters"].values())
    cap = sum(s["capacity"] for s in st["shelters"].values())
    print(tr(f"避难场所: {occ}/{cap} 人", f"Shelters: {occ}/{cap} people"))
    if st["roads_not_open"]:
        print(tr(f"未通行道路: {len(st['roads_not_open'])} 条", f"Roads not open: {len(st['roads_not_open'])}"))
    for h in st["hazards"]:
        kind = f" ({label(HAZARDS, h['type'])})" if h.get("type") else ""  # None until its hazard.started
        print(tr(f"灾害 {h['id']}{kind}: {h['events']} 条事件", f"Hazard {h['id']}{kind}: {h['events']} events"))
        w = (h.get("last") or {}).get("hazard.weather")
        if w:  # the run's drawn weather (an uncertainty block): its first period; every period in --json
            print("  " + describe(Event(h.get("started") or 0.0, "hazard.weather", w)))
    from drillsim.cli.summary import format_kpi

    for k, v in st["kpis"].items():
        if v is not None and not isinstance(v, dict):
            print(f"  {kpi_label(k)}: {format_kpi(k, v)}")
    return 0


def _seat(a, args: argparse.Namespace) -> int:
    from drillsim.record.seat_replay import seat_view_at

    v = seat_view_at(a, args.seat, args.at)
    if args.json:
        print_json(v)
        return 0
    st = v["state"]
    print(tr(f"席位 {args.seat} 在第 {v['t']:g} 分钟的视角：已知事件 {len(v['events'])} 条",
             f"seat {args.seat} at minute {v['t']:g}: {len(v['events'])} events known"))
    units = st.get("units") or []
    c = Counter(u["status"] for u in units)
    print(tr("本席位队伍: ", "Own units: ") + (", ".join(f"{label(UNIT_STATUS, k)} {n}" for k, n in sorted(c.items()))
                                            or tr("无", "none")))
    for depot, stock in sorted((st.get("supplies") or {}).items()):
        print(f"  {depot}: " + ", ".join(f"{i} {q:g}" for i, q in sorted(stock.items())))
    words, events = EventWords(), [Event.from_dict(e) for e in v["events"]]
    for ev in events:
        words.observe(ev)
    for ev in events[-20:]:
        print(f"  {ev.t:8.1f}  {ev.type:<22} {words.text(ev)}")
    return 0
