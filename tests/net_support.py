"""A networked drill server on loopback in a background thread, for the net tests."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from pathlib import Path

from drillsim.net.host import open_drill
from drillsim.net.server import DrillServer

DATA = Path(__file__).parent / "data" / "net"
SCENARIO = DATA / "drill.yaml"


class ServerThread:
    """``with ServerThread(tmp_path, until=60, speed=30) as s:`` -> s.url, s.code(seat), s.result."""

    def __init__(self, tmp: Path, source: Path = SCENARIO, until: float = 60.0, name: str = "net.drill",
                 **kw) -> None:
        self.archive = tmp / name
        self.drill = open_drill(source, self.archive, until=until)
        self.server = DrillServer(self.drill, port=0, **kw)
        self.loop = asyncio.new_event_loop()
        self.result: dict | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, daemon=True)
        self.scheme = "wss" if kw.get("ssl_context") is not None else "ws"

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.server.ready = self.loop.create_future()
            self.result = self.loop.run_until_complete(self.server.run())
        except BaseException as e:  # noqa: BLE001 - surfaced by the test
            self.error = e

    def __enter__(self) -> ServerThread:
        self.thread.start()
        end = time.monotonic() + 20
        while not (self.server.ready is not None and self.server.ready.done()):
            if self.error is not None or time.monotonic() > end:
                raise RuntimeError(f"server did not start: {self.error}")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.port}"

    def code(self, ident: str) -> str:
        return self.server.roster.ids[ident].code

    def call(self, fn, *args) -> None:
        """Run ``fn`` on the server's loop (the director's console does the same)."""
        self.loop.call_soon_threadsafe(fn, *args)

    def wait_end(self, timeout: float = 30.0) -> dict:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "drill did not end in time"
        if self.error is not None:
            raise self.error
        return self.result

    def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.server.stop)
            self.thread.join(20)


async def until(pred, timeout: float = 20.0) -> None:
    """Wait (in the test's event loop) until ``pred()`` holds."""
    end = asyncio.get_running_loop().time() + timeout
    while not pred():
        assert asyncio.get_running_loop().time() < end, "condition not reached in time"
        await asyncio.sleep(0.01)


def json_line(proc: subprocess.Popen, pred, timeout: float = 30.0) -> dict:
    """The first JSON line ``proc`` prints that satisfies ``pred`` (other lines are skipped)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"process ended: {proc.stderr.read()}")
        try:
            m = json.loads(line)
        except ValueError:
            continue
        if pred(m):
            return m
    raise AssertionError("line not seen in time")
