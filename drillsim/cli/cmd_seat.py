"""``drillsim seat HOST:PORT --code CODE``: join a networked drill as a headless (scripted) seat."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from drillsim.cli.common import apply_lang, print_json
from drillsim.core.errors import InputError, Problem
from drillsim.core.events import Event
from drillsim.core.i18n import pick, tr
from drillsim.exercise.wording import EventWords

NAME = "seat"
HELP = "join a networked drill as a headless seat, optionally sending timed orders (无界面席位接入联网演练)"
ORDER = 61


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", help="HOST:PORT printed by drillsim serve (or a ws:// / wss:// URL)")
    p.add_argument("--code", default=None,
                   help="the seat's join code (or set DRILLSIM_JOIN_CODE, which other users cannot see)")
    p.add_argument("--orders", type=Path, default=None, metavar="ORDERS.yaml",
                   help="timed orders, each applied by the server at exactly its sim minute (the drillsim run --orders format)")
    p.add_argument("--json", action="store_true", help="print every message from the server as a JSON line")
    p.add_argument("--tls", action="store_true", help="the server uses TLS (implied by --cafile / --fingerprint)")
    p.add_argument("--cafile", default=None, metavar="CERT.pem", help="trust this server certificate")
    p.add_argument("--fingerprint", default=None, metavar="SHA256",
                   help="pin the server certificate's SHA-256 fingerprint printed by drillsim serve --tls")
    p.add_argument("--leave-when-done", action="store_true",
                   help="leave once every order is acknowledged instead of staying to the end of the drill")
    p.add_argument("--quiet", action="store_true", help="print acknowledgements and the end only, not events")


def run(args: argparse.Namespace) -> int:
    from websockets.exceptions import InvalidHandshake, InvalidURI

    from drillsim.exercise.order_file import load_orders
    from drillsim.net.client import JoinError, SeatClient, server_url
    from drillsim.net.tls import normalise_pin

    apply_lang(args)
    code = args.code or os.environ.get("DRILLSIM_JOIN_CODE")
    if not code:
        raise InputError(Problem("--code", 1, 1, tr("请给出席位加入码（--code 或环境变量 DRILLSIM_JOIN_CODE）",
                                                       "give the seat's join code (--code or DRILLSIM_JOIN_CODE)")))
    inputs = load_orders(args.orders) if args.orders else []
    pin = normalise_pin(args.fingerprint) if args.fingerprint else None
    url = server_url(args.target, tls=bool(args.tls or args.cafile or pin))
    out = _Printer(args.json, args.quiet)
    client = SeatClient(url, code, cafile=args.cafile, fingerprint=pin, on_message=out)
    try:
        return asyncio.run(_main(client, inputs, args, out))
    except JoinError as e:
        out.line({"type": "error", "code": e.code, "reason": {"zh": e.zh, "en": e.en}}, tr(e.zh, e.en))
        return 2 if e.code in ("bad_code", "pin") else 1
    except (OSError, TimeoutError) as e:
        raise InputError(Problem(args.target, 1, 1, tr(f"无法连接演练服务器：{e.strerror or e}（检查地址、端口，以及导演端是否已运行 drillsim serve）",
                                                    f"cannot reach the server: {e.strerror or e} (check the address and port, and that the director runs drillsim serve)"))) from None
    except (InvalidHandshake, InvalidURI, ValueError) as e:  # not a drill server, or not HOST:PORT
        raise InputError(Problem(args.target, 1, 1, tr(f"不是 DrillSim 演练服务器地址：{e}（应写成 HOST:PORT）",
                                                    f"not a DrillSim drill server address: {e} (expected HOST:PORT)"))) from None


async def _main(client, inputs, args: argparse.Namespace, out: _Printer) -> int:
    from drillsim.net.scripted import play, script_for

    welcome = await client.join()
    script, skipped = script_for(inputs, welcome["seat"], welcome["role"])
    for inp in skipped:
        out.line({"type": "skipped", "t": inp.t, "by": inp.data.get("by")},
                 tr(f"跳过第 {inp.t:g} 分钟由 {inp.data.get('by')} 下达的指令（非本席位）",
                    f"skipping the order at minute {inp.t:g} by {inp.data.get('by')} (another seat)"))
    missing = await play(
        client, script, leave_when_done=args.leave_when_done,
        on_skip=lambda e: out.line({"type": "already_recorded", "seq": e.seq},
                                   tr(f"#{e.seq} 已在服务器记录，不再发送", f"#{e.seq} already recorded; not resent")),
        on_held=lambda e: out.line({"type": "already_scheduled", "seq": e.seq, "at": e.inp.t},
                                   tr(f"#{e.seq} 已在服务器等待第 {e.inp.t:g} 分钟执行，不再发送",
                                      f"#{e.seq} already held by the server for minute {e.inp.t:g}; not resent")))
    lost = sorted({e.seq for e in missing} | set(client.unacked))
    if lost:
        out.line({"type": "unacknowledged", "seqs": lost},
                 tr(f"未获确认的指令：{lost}", f"orders never acknowledged: {lost}"))
        return 1
    return 0


class _Printer:
    """Server messages as readable lines (zh/en) or JSON lines."""

    def __init__(self, as_json: bool, quiet: bool) -> None:
        self.json, self.quiet = as_json, quiet
        self.words = EventWords()
        """Events as the app's log says them (:mod:`drillsim.exercise.wording`)."""

    def line(self, obj: dict[str, Any], text: str) -> None:
        if self.json:
            print_json(obj)
        else:
            print(text)
        sys.stdout.flush()

    def __call__(self, m: dict[str, Any]) -> None:
        kind = m.get("type")
        if self.json:
            if kind != "clock":
                print(json.dumps(m, ensure_ascii=False, sort_keys=True))
                sys.stdout.flush()
            return
        text = self.text(m)
        if text:
            print(text)
            sys.stdout.flush()

    def _say(self, e: dict[str, Any]) -> str:
        ev = Event.from_dict(e)
        self.words.observe(ev)
        return self.words.text(ev)

    def text(self, m: dict[str, Any]) -> str | None:
        kind = m.get("type")
        if kind == "welcome":
            again = tr("重新加入", "rejoined") if m.get("rejoin") else tr("已加入", "joined")
            return tr(f"{again}：{m['seat']}（{pick(m['name'])}），第 {m['t']:.1f} 分钟，已记录序号 {m['last_seq']}",
                      f"{again} as {m['seat']} ({pick(m['name'])}) at minute {m['t']:.1f}; "
                      f"last recorded seq {m['last_seq']}")
        if kind == "ack":
            late = m["t"] - m["at"] if m.get("at") is not None else 0.0
            note = tr(f"（应于第 {m['at']:g} 分钟，晚 {late:.1f} 分钟）",
                      f" (meant for minute {m['at']:g}: {late:.1f} min late)") if late > 1e-9 else ""
            if m["accepted"] is not False:
                return tr(f"第 {m['t']:.1f} 分钟 #{m['seq']} 已执行{note}", f"minute {m['t']:.1f} #{m['seq']} done{note}")
            r = m.get("reason") or {}
            return tr(f"第 {m['t']:.1f} 分钟 #{m['seq']} 被拒绝{note}：{r.get('zh', '')}",
                      f"minute {m['t']:.1f} #{m['seq']} refused{note}: {r.get('en', '')}")
        if kind == "scheduled" and not self.quiet:
            return tr(f"#{m['seq']} 已送达，服务器将于第 {m['at']:g} 分钟执行",
                      f"#{m['seq']} taken; the server applies it at minute {m['at']:g}")
        if kind == "reject":
            r = m.get("reason") or {}
            return tr(f"拒收 #{m.get('seq')}（{m.get('code')}）：{r.get('zh', '')}",
                      f"rejected #{m.get('seq')} ({m.get('code')}): {r.get('en', '')}")
        if kind == "events" and not self.quiet:
            lines = [f"  {e['t']:8.1f}  {e['type']:<22} {self._say(e)}" for e in m["events"]]
            if m.get("catchup") and lines:
                lines.insert(0, tr(f"已知情况 {len(lines)} 条：", f"{len(lines)} events known so far:"))
            return "\n".join(lines) or None
        if kind == "view" and not self.quiet:
            st = m["state"]
            units = st.get("units") or []
            busy = sum(1 for u in units if u.get("status") not in ("idle", None))
            return tr(f"[第 {m['t']:.1f} 分钟] 队伍 {len(units)}（执行任务 {busy}），物资库 {len(st.get('supplies') or {})}，"
                      f"响应级别 {st.get('response_level') or '未启动'}",
                      f"[minute {m['t']:.1f}] units {len(units)} ({busy} busy), depots {len(st.get('supplies') or {})}, "
                      f"response level {st.get('response_level') or 'none'}")
        if kind == "end":
            return tr(f"演练结束：第 {m['t']:g} 分钟，事件 {m['events']} 条，摘要 {m['digest']}",
                      f"drill over at minute {m['t']:g}: {m['events']} events, digest {m['digest']}")
        return None
