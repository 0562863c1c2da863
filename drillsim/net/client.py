"""A seat's side of a networked drill: join with a code, send orders, keep the view.

:class:`SeatClient` (asyncio) is used by ``drillsim seat``, the benchmark, the tests
and, through :class:`ThreadedClient`, the desktop app. It numbers every message it
sends (``seq``) and keeps those not yet acknowledged; after a drop it rejoins with
its code, learns from ``welcome.last_seq`` which of them the server recorded, and
resends only the others, so an order is applied exactly once and an acknowledged
order is never lost. The view (events the seat has learned of, its state) is
rebuilt from the server's catch-up on every join.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from drillsim.net.protocol import MAX_SERVER_MESSAGE_BYTES, encode, msg
from drillsim.net.seatmap import MapAssembly
from drillsim.net.tls import check_pin, client_context

RATE_RETRY_S = 0.5
"""A message refused for the rate limit is sent again after this many seconds."""


class JoinError(Exception):
    """The server refused the join (bad code, TLS pin mismatch, unreachable)."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def server_url(target: str, tls: bool = False) -> str:
    """``HOST:PORT`` (or a ws:// / wss:// URL) as a WebSocket URL."""
    if target.startswith(("ws://", "wss://")):
        return target
    return f"{'wss' if tls else 'ws'}://{target}"


@dataclass
class Sent:
    seq: int
    message: dict[str, Any]
    wall: float
    sim_t: float | None = None


@dataclass
class SeatView:
    """What the seat knows: events by seq, its latest state, the clock."""

    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    learned: dict[int, float] = field(default_factory=dict)
    """Event seq -> sim minute of the message that first brought it (kept across rejoins)."""
    state: dict[str, Any] = field(default_factory=dict)
    t: float = 0.0
    paused: bool = False
    speed: float = 1.0
    clock_wall: float = 0.0
    status: dict[str, Any] | None = None
    map: dict[str, Any] | None = None
    """The map the server sent after joining (:func:`drillsim.net.seatmap.map_payload`), once complete."""

    def sim_now(self) -> float:
        """The server's sim time now, estimated from the last time it reported and the speed
        (for display: it may run ahead of a server that lags; timed orders carry ``at`` instead)."""
        if self.paused:
            return self.t
        return self.t + (time.monotonic() - self.clock_wall) * self.speed

    def reported(self, t: float) -> None:
        """The server said its clock is at ``t`` now (a clock, events or view message)."""
        if t >= self.t:
            self.t, self.clock_wall = t, time.monotonic()


class SeatClient:
    def __init__(self, url: str, code: str, cafile: str | None = None, fingerprint: str | None = None,
                 on_message: Callable[[dict[str, Any]], None] | None = None, lang: str | None = None,
                 retries: int = 20) -> None:
        self.url, self.code = url, code
        self.pin = fingerprint
        self.ssl: ssl.SSLContext | None = None
        if url.startswith("wss://") or cafile or fingerprint:
            self.url = url.replace("ws://", "wss://", 1)
            self.ssl = client_context(cafile, fingerprint)
        self.on_message = on_message or (lambda m: None)
        self.lang = lang
        self.retries = retries
        self.ws: ClientConnection | None = None
        self.token: str | None = None
        self.welcome: dict[str, Any] = {}
        self.next_seq = 1
        self.unacked: dict[int, Sent] = {}
        self.held: dict[int, float] = {}
        """Sent messages the server holds for their ``at`` (seq -> sim minute); the ack follows then."""
        self.acks: dict[int, dict[str, Any]] = {}
        self.latency: list[float] = []
        self.rejects: list[dict[str, Any]] = []
        self.view = SeatView()
        self.ended: dict[str, Any] | None = None
        self.joined = asyncio.Event()
        self.closed_by_user = False
        self._reader: asyncio.Task | None = None
        self._map = MapAssembly()

    # ------------------------------------------------------------------ join
    async def join(self) -> dict[str, Any]:
        """Connect and join (or rejoin); returns the welcome message."""
        ws = await connect(self.url, ssl=self.ssl, max_size=MAX_SERVER_MESSAGE_BYTES, proxy=None,
                           compression=None, open_timeout=10, ping_interval=5, ping_timeout=15,
                           max_queue=None)
        if self.pin is not None:
            sslobj = ws.transport.get_extra_info("ssl_object")
            der = sslobj.getpeercert(binary_form=True) if sslobj else None
            if not check_pin(der, self.pin):
                await ws.close(1008, "certificate pin mismatch")
                raise JoinError("pin", "服务器证书指纹不符，可能被冒充；未发送加入码",
                                "server certificate fingerprint does not match the pin; join code not sent")
        hello = msg("hello", code=self.code, client="drillsim")
        if self.lang:
            hello["lang"] = self.lang
        await ws.send(encode(hello))
        first = json.loads(await ws.recv())
        if first.get("type") != "welcome":
            reason = first.get("reason") or {}
            await ws.close()
            raise JoinError(first.get("code", "refused"), reason.get("zh", "加入被拒绝"), reason.get("en", "join refused"))
        self.ws, self.welcome = ws, first
        self.token = first["token"]
        self.view.events.clear()
        self._on(first)
        while True:  # the seat's state follows the welcome at once
            m = json.loads(await ws.recv())
            self._on(m)
            if m.get("type") == "view":
                break
        last = int(first["last_seq"])
        held = set(first.get("scheduled") or ())
        for seq in [s for s in self.unacked if s <= last]:
            if seq in held:  # taken, waiting for its time: its ack comes then
                continue
            sent = self.unacked.pop(seq)  # recorded before the drop; the ack was lost
            self.acks[seq] = {"seq": seq, "accepted": None, "recovered": True, "t": sent.sim_t}
        self.held = {seq: self.unacked[seq].message.get("at", 0.0) for seq in held if seq in self.unacked}
        self.next_seq = max(self.next_seq, last + 1)
        for sent in sorted(self.unacked.values(), key=lambda s: s.seq):
            sent.message["token"] = self.token
            await ws.send(encode(sent.message))
        self.joined.set()
        return first

    async def run(self) -> None:
        """Read messages until the drill ends or :meth:`close`; rejoin after a drop."""
        tries = 0
        while True:
            try:
                if self.ws is None:
                    await self.join()
                    tries = 0
                async for raw in self.ws:
                    self._on(json.loads(raw))
                    if self.ended is not None:
                        await self.ws.close()
                        return
            except BrokenPipeError:
                raise  # our own output was closed (e.g. `| head`), not the network: stop
            except (ConnectionClosed, OSError, InvalidHandshake, TimeoutError):
                pass
            self.ws = None
            self.joined.clear()
            if self.closed_by_user or self.ended is not None:
                return
            tries += 1
            if tries > self.retries:
                raise JoinError("unreachable", "无法重新连接服务器", "could not reconnect to the server")
            await asyncio.sleep(min(2.0, 0.1 * 2 ** tries))

    async def close(self) -> None:
        self.closed_by_user = True
        if self.ws is not None and self.token:
            try:
                await self.ws.send(encode(msg("bye", token=self.token)))
                await self.ws.close()
            except ConnectionClosed:
                pass

    @property
    def timed(self) -> bool:
        """The server applies messages at their ``at`` (protocol 1 revision 3; older servers do not)."""
        return "at" in (self.welcome.get("features") or ())

    # ------------------------------------------------------------------ send
    async def send(self, kind: str, seq: int | None = None, **fields: Any) -> int:
        """Send a sequenced message (order, director, inject, note); returns its seq.

        ``seq`` fixes the number (a scripted seat numbers its orders by their place in
        the file, so a restarted seat skips those the server already recorded).
        ``at=MIN`` (order, inject, note; only if :attr:`timed`) asks the server to apply
        it when its clock reaches that sim minute; without it, it is applied on arrival.
        """
        if seq is None:
            seq = self.next_seq
        self.next_seq = max(self.next_seq, seq + 1)
        m = msg(kind, token=self.token or "", seq=seq, **fields)
        self.unacked[seq] = Sent(seq, m, time.monotonic(), self.view.sim_now())
        if self.ws is not None:
            try:
                await self.ws.send(encode(m))
            except ConnectionClosed:
                pass  # resent after the rejoin
        return seq

    async def order(self, op: str, seq: int | None = None, **args: Any) -> int:
        """An order applied when the server receives it (a trainee's order, at the server's time)."""
        return await self.send("order", seq=seq, op=op, args=args)

    def expect(self, seq: int, kind: str, **fields: Any) -> None:
        """Wait for the ack of a message an earlier process sent and the server still holds
        (``welcome.scheduled``): it is not sent again."""
        m = msg(kind, token=self.token or "", seq=seq, **fields)
        self.unacked[seq] = Sent(seq, m, time.monotonic(), self.view.sim_now())
        if "at" in fields:
            self.held[seq] = fields["at"]
        self.next_seq = max(self.next_seq, seq + 1)

    async def request_view(self) -> None:
        if self.ws is not None:
            await self.ws.send(encode(msg("view", token=self.token or "")))

    async def wait_acked(self, seqs: list[int] | None = None, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while any(s in self.unacked for s in (seqs or list(self.unacked))):
            if time.monotonic() > end:
                raise TimeoutError("orders not acknowledged in time")
            await asyncio.sleep(0.01)

    def _retry(self, seq: int) -> None:
        sent = self.unacked.get(seq)
        if sent is not None and self.ws is not None:
            sent.message["token"] = self.token
            asyncio.get_running_loop().create_task(self._send_raw(sent.message))

    async def _send_raw(self, m: dict[str, Any]) -> None:
        try:
            await self.ws.send(encode(m))
        except (ConnectionClosed, AttributeError):
            pass  # resent after the rejoin

    # ------------------------------------------------------------------ receive
    def _on(self, m: dict[str, Any]) -> None:
        kind = m.get("type")
        v = self.view
        if kind == "ack":
            sent = self.unacked.pop(m["seq"], None)
            self.held.pop(m["seq"], None)
            if sent is not None:
                self.latency.append(time.monotonic() - sent.wall)
            self.acks[m["seq"]] = m
        elif kind == "scheduled":
            if m["seq"] in self.unacked:
                self.held[m["seq"]] = m["at"]
        elif kind == "reject":
            self.rejects.append(m)
            seq = m.get("seq")
            if m.get("code") == "rate" and seq in self.unacked:
                asyncio.get_running_loop().call_later(RATE_RETRY_S, self._retry, seq)  # slow down, keep it
            elif seq is not None and not (m.get("code") == "replayed" and seq in self.held):
                self.unacked.pop(seq, None)  # (a resent held message stays held: its ack comes later)
                self.held.pop(seq, None)
        elif kind == "events":
            for e in m["events"]:
                v.events[e["seq"]] = e
                v.learned.setdefault(e["seq"], m["t"])
            v.reported(m["t"])
        elif kind == "view":
            v.state = m["state"]
            v.reported(m["t"])
        elif kind in ("clock", "welcome"):
            v.t, v.paused, v.speed, v.clock_wall = m["t"], m["paused"], m["speed"], time.monotonic()
        elif kind == "status":
            v.status = m
        elif kind == "map":
            got = self._map.add(m)
            if got is not None:
                v.map = got
        elif kind == "end":
            self.ended = m
        self.on_message(m)


class ThreadedClient:
    """A :class:`SeatClient` on its own asyncio loop in a background thread (for the desktop app).

    ``on_message`` is called on that thread; the GUI forwards it to the Qt thread
    with a signal. :meth:`call` runs a client coroutine from any thread.
    """

    def __init__(self, client: SeatClient) -> None:
        self.client = client
        self.loop = asyncio.new_event_loop()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name="drillsim-seat", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.client.run())
        except BaseException as e:  # noqa: BLE001 - reported to the GUI
            self.error = e
            self.client.on_message({"type": "error", "code": getattr(e, "code", "error"),
                                    "reason": {"zh": getattr(e, "zh", str(e)), "en": getattr(e, "en", str(e))}})

    def call(self, coro) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self) -> None:
        if self.thread.is_alive():
            fut = self.call(self.client.close())
            try:
                fut.result(timeout=3)
            except Exception:  # noqa: BLE001 - closing anyway
                pass
            self.thread.join(timeout=3)
