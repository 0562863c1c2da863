"""``drillsim serve SCENARIO|ARCHIVE``: host a networked joint drill (联网联合演练) for seats to join."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path

from drillsim.cli.common import apply_lang, check_output, print_json
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import pick, tr

NAME = "serve"
HELP = "host a networked drill: seats join with codes (主持联网演练，各席位凭加入码接入)"
ORDER = 60


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="scenario YAML, or a .drill archive to continue")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    p.add_argument("--port", type=int, default=8765, help="TCP port (default 8765; 0 picks a free one)")
    p.add_argument("--tls", action="store_true",
                   help="encrypt with a self-signed certificate made on first use; seats pin its fingerprint")
    p.add_argument("--speed", type=float, default=1.0, metavar="X",
                   help="sim minutes per wall second (default 1)")
    p.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    p.add_argument("--until", type=float, default=None, metavar="MIN", help="end the drill at this sim minute")
    p.add_argument("--record", type=Path, default=None, metavar="OUT.drill",
                   help="archive to record (default: NAME-net-TIMESTAMP.drill here)")
    p.add_argument("--force", action="store_true", help="replace the --record archive if it exists")
    p.add_argument("--no-auto", action="store_true", help="turn the auto-dispatcher off: only orders act")
    p.add_argument("--evaluators", type=int, default=1, metavar="N", help="evaluator join codes (default 1)")
    p.add_argument("--pause-on-drop", default="", metavar="SEAT,...",
                   help="pause the drill when one of these seats drops; resume when it is back")
    p.add_argument("--paused", action="store_true", help="start paused (the director resumes)")
    p.add_argument("--rate", type=float, default=5.0, help="messages per second per seat (default 5)")
    p.add_argument("--burst", type=float, default=20.0, help="burst of messages per seat (default 20)")
    p.add_argument("--codes-file", type=Path, default=None, metavar="CODES.json",
                   help="also write the join codes here (readable by you only)")
    p.add_argument("--log", type=Path, default=None, metavar="LOG.txt",
                   help="write the server log (joins, drops, every refused message) here too")
    p.add_argument("--json", action="store_true",
                   help="JSON lines: first the listening address and codes, last the result")


def _check(args: argparse.Namespace) -> None:
    def bad(flag: str, msg: str) -> InputError:
        return InputError(Problem(flag, 1, 1, msg))

    if args.speed <= 0 or args.speed > 600:
        raise bad("--speed", "must be above 0 and at most 600 sim minutes per wall second")
    if not 0 <= args.port <= 65535:
        raise bad("--port", "must be 0-65535")
    if args.rate <= 0 or args.burst < 1:
        raise bad("--rate", "--rate must be above 0 and --burst at least 1")
    if args.evaluators < 0 or args.evaluators > 20:
        raise bad("--evaluators", "must be 0-20")
    if not args.file.exists():
        raise InputError(Problem(str(args.file), 1, 1, "file not found"))


def run(args: argparse.Namespace) -> int:
    from drillsim.net.host import open_drill
    from drillsim.net.server import DrillServer
    from drillsim.record.recorder import record_path_ok

    apply_lang(args)
    _check(args)
    record = args.record or Path(f"{args.file.stem}-net-{datetime.now():%Y%m%d-%H%M%S}.drill")
    if not record_path_ok(record):
        raise InputError(Problem(str(record), 1, 1, "cannot write the archive here (folder missing or read-only)"))
    if record.resolve() == args.file.resolve():
        raise InputError(Problem(str(record), 1, 1, "record into a new file, not over the archive being continued"))
    check_output(record, "--record", force=args.force)
    _logging(args.log)
    ssl_ctx, fp, cert = None, None, None
    if args.tls:
        from drillsim.net.tls import server_context

        ssl_ctx, cert, fp = server_context([args.host])
    drill = open_drill(args.file, record, seed=args.seed, until=args.until, auto_dispatch=not args.no_auto)
    say = _say(args.json)
    try:
        server = DrillServer(drill, host=args.host, port=args.port, speed=args.speed, ssl_context=ssl_ctx,
                             evaluators=args.evaluators, rate=args.rate, burst=args.burst,
                             pause_on_drop=tuple(s for s in args.pause_on_drop.split(",") if s),
                             start_paused=args.paused, announce=say)
    except ValueError as e:
        _discard(drill, record)
        raise InputError(Problem("--pause-on-drop", 1, 1, str(e))) from None
    try:
        result = asyncio.run(_serve(server, args, fp, cert))
    except OSError as e:  # port in use, address not on this machine
        _discard(drill, record)
        raise InputError(Problem(f"{args.host}:{args.port}", 1, 1, f"cannot listen: {e.strerror or e}")) from None
    result = {**result, "archive": str(record), "orders_acked": server.orders_acked, "refused": server.refusals,
              "scheduled_unrun": server.scheduled_unrun, "server_ack_ms": _percentiles(server.ack_ms)}
    if args.json:
        print_json(result)
    else:
        print(tr(f"存档：{record}（drillsim verify {record} 可核验；drillsim replay {record} --seat 席位 查看席位视角）",
                 f"archive: {record} (check with drillsim verify {record}; a seat's view: "
                 f"drillsim replay {record} --seat SEAT)"))
    return 0


def _discard(drill, record: Path) -> None:
    """No drill happened (bad option, port in use): keep no archive."""
    drill.recorder.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(record) + suffix).unlink(missing_ok=True)


async def _serve(server, args: argparse.Namespace, fp: str | None, cert: Path | None) -> dict:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, server.stop)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - not on this platform
            pass
    server.ready = loop.create_future()
    task = asyncio.create_task(server.run())
    done, _ = await asyncio.wait({task, server.ready}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        return task.result()  # failed to listen: raises
    port = server.ready.result()
    _print_ready(server, args, port, fp, cert)
    if sys.stdin is not None and sys.stdin.isatty():
        _console(server, loop)
    return await task


def _print_ready(server, args: argparse.Namespace, port: int, fp: str | None, cert: Path | None) -> None:
    host = args.host if args.host not in ("0.0.0.0", "::") else "<this-machine>"
    target = f"{host}:{port}"
    seats = server.seats.seats
    codes = server.roster.codes()
    if args.codes_file:
        import os

        fd = os.open(args.codes_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"target": target, "tls": bool(fp), "fingerprint": fp, "codes": codes}, f,
                      ensure_ascii=False, indent=1)
    if args.json:
        print_json({"type": "ready", "host": args.host, "port": port, "target": target, "tls": bool(fp),
                    "fingerprint": fp, "certificate": str(cert) if cert else None, "codes": codes,
                    "archive": str(server.drill.archive)})
        sys.stdout.flush()
        return
    name = pick(server.session.scenario.meta.name)
    print(tr(f"联网演练「{name}」已开放：{target}{'（TLS 加密）' if fp else ''}，速度 {server.speed:g} 模拟分钟/秒",
             f"networked drill \"{name}\" open at {target}{' (TLS)' if fp else ''}, "
             f"{server.speed:g} sim minutes per second"))
    if fp:
        print(tr(f"证书指纹（请告知各席位，加入时用 --fingerprint 校验）：{fp}",
                 f"certificate fingerprint (give it to the seats: --fingerprint): {fp}"))
        print(tr(f"证书文件（或用 --cafile 传给各席位）：{cert}", f"certificate file (or give seats --cafile): {cert}"))
    print(tr("加入码（每席位一个，请私下分发）：", "join codes (one per seat; hand them out privately):"))
    for ident in server.roster.ids.values():
        label = pick(seats[ident.id].name) if ident.id in seats else tr(
            {"director": "导演部", "evaluator": "评估组"}.get(ident.role, ident.id), ident.role)
        print(f"  {ident.id:<14} {label:<20} {ident.code}")
    print(tr(f"席位加入：drillsim seat {target} --code 加入码   或   drillsim-gui --join {target} --seat 加入码",
             f"seats join with: drillsim seat {target} --code CODE   or   drillsim-gui --join {target} --seat CODE"))
    if sys.stdin is not None and sys.stdin.isatty():
        print(tr("控制台命令：pause 暂停 / resume 继续 / speed X / status 连接情况 / stop 结束",
                 "console: pause / resume / speed X / status / stop"))
    sys.stdout.flush()


def _say(as_json: bool):
    def say(zh: str, en: str) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        if as_json:
            print_json({"type": "log", "time": stamp, "message": tr(zh, en)})
        else:
            print(f"[{stamp}] {tr(zh, en)}")
        sys.stdout.flush()
        logging.getLogger("drillsim.net").info(en)
    return say


def _logging(path: Path | None) -> None:
    log = logging.getLogger("drillsim.net")
    log.setLevel(logging.INFO)
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(logging.WARNING)
    err.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    log.addHandler(err)
    if path is not None:
        f = logging.FileHandler(path, encoding="utf-8")
        f.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        log.addHandler(f)
    log.propagate = False


def _console(server, loop: asyncio.AbstractEventLoop) -> None:
    """The director's terminal: pause / resume / speed X / status / stop."""
    def act(line: str) -> None:
        words = line.split()
        if not words:
            return
        cmd = words[0].lower()
        if cmd in ("pause", "resume"):
            server.control(cmd)
        elif cmd == "speed" and len(words) == 2:
            try:
                server.control("speed", float(words[1]))
            except ValueError:
                print(tr("用法：speed 数字", "usage: speed NUMBER"))
        elif cmd == "status":
            for i in server.roster.ids.values():
                on = tr("在线", "online") if i.connected else tr("离线", "offline")
                print(f"  {i.id:<14} {on:<8} {i.addr or ''} seq={i.last_seq}")
        elif cmd in ("stop", "quit", "exit"):
            server.stop()
        else:
            print(tr("命令：pause / resume / speed X / status / stop", "commands: pause / resume / speed X / status / stop"))

    def reader() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(act, line)

    threading.Thread(target=reader, name="serve-console", daemon=True).start()


def _percentiles(xs: list[float]) -> dict[str, float] | None:
    """p50 / p95 / max of the server-side arrival-to-ack times."""
    if not xs:
        return None
    ys = sorted(xs)
    return {"p50": round(ys[len(ys) // 2], 2), "p95": round(ys[min(len(ys) - 1, int(0.95 * len(ys)))], 2),
            "max": round(ys[-1], 2)}
