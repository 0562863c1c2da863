"""The authoritative server of a networked drill (联网联合演练): one Session, one archive.

It advances the simulation in sim time paced by the wall clock (``speed`` sim
minutes per wall second), applies each seat's order at the sim time it receives
it (recorded as an input with that time, so a re-run of the archive is the same
drill), and acknowledges an order only once the archive has committed it. A
message carrying ``at`` (a scripted seat's timed order) is held and applied when
the server's clock reaches exactly that sim minute, never before: the server is
the drill's clock, a seat never has to guess it. One whose ``at`` has already
passed is applied at once, and its ack says both times. Each
seat receives only its own view (:mod:`drillsim.exercise.seat_view`); the director
and evaluators see everything, and the director also sees who is connected.

Everything a client sends is untrusted: frames are size-capped, parsed, checked
against the schema, the session token, the per-identity rate limit and the
sequence number (replays refused), and the seat's authority; every refusal is
answered with a reason (zh/en) and logged, and none stops the drill. Each client
has its own outgoing queue, so a slow or stuck client never stalls the clock.
"""

from __future__ import annotations

import asyncio
import gc
import heapq
import itertools
import logging
import ssl
import time
from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from drillsim.core.events import Event
from drillsim.exercise.order_file import arg_problems
from drillsim.exercise.seat_view import SeatFeed, SeatFilter, seat_state
from drillsim.net.auth import Identity, Roster
from drillsim.net.host import Drill
from drillsim.net.protocol import FEATURES, MAX_MESSAGE_BYTES, Refusal, encode, msg, parse_client
from drillsim.net.seatmap import map_frames, map_payload

log = logging.getLogger("drillsim.net")

CATCHUP_CHUNK = 500
"""Events per ``events`` message when a seat (re)joins."""
OUTBOX_LIMIT = 2000
"""Messages queued for one client before it is dropped as too slow (it may rejoin)."""
MAX_REFUSALS = 50
"""Refused messages one connection may send before it is closed."""
HELLO_TIMEOUT_S = 10.0
FULL_VIEW_EVERY = 5
"""Wall seconds between whole-drill states to the director and evaluators (events reach them at once)."""
DELIVER_EVERY_S = 0.2
"""Wall seconds between event deliveries to clients."""
MAX_SCHEDULED = 500
"""Messages with a future ``at`` the server holds for one identity at a time (a scripted seat
sends each a few wall seconds ahead, so it holds a handful)."""


def _events_frame(t: float, events: list[Event], catchup: bool, encoded: list[str]) -> str:
    """An ``events`` message built around each event's canonical JSON (``encoded[seq]``, made once)."""
    body = ",".join([encoded[ev.seq] for ev in events])
    return f'{{"v":1,"type":"events","t":{round(t, 6)!r},"catchup":{"true" if catchup else "false"},"events":[{body}]}}'


class Peer:
    """One joined connection and its outgoing queue (drained by its own task)."""

    def __init__(self, ident: Identity, ws: ServerConnection) -> None:
        self.ident, self.ws = ident, ws
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.last_view = ""
        self.dead = False
        self.task = asyncio.get_running_loop().create_task(self._drain())

    def put(self, frame: str | dict[str, Any] | None) -> None:
        if self.dead:
            return
        if frame is None:
            self.queue.put_nowait(None)
            return
        if self.queue.qsize() >= OUTBOX_LIMIT:  # a client that stopped reading: cut it off (it may rejoin)
            log.warning("%s: outgoing queue full, dropping the connection (it may rejoin)", self.ident.id)
            self.dead = True
            self.ws.transport.abort()
            return
        self.queue.put_nowait(frame if isinstance(frame, str) else encode(frame))

    async def _drain(self) -> None:
        try:
            while True:
                frame = await self.queue.get()
                if frame is None:
                    await self.ws.close(1000, "closed")
                    return
                await self.ws.send(frame)
        except ConnectionClosed:
            pass


class DrillServer:
    """``await DrillServer(drill, ...).run()`` serves until the drill ends (or :meth:`stop`)."""

    def __init__(self, drill: Drill, host: str = "127.0.0.1", port: int = 8765, speed: float = 1.0,
                 ssl_context: ssl.SSLContext | None = None, evaluators: int = 1, rate: float = 5.0,
                 burst: float = 20.0, pause_on_drop: tuple[str, ...] = (), start_paused: bool = False,
                 slice_s: float = 0.05, announce: Callable[[str, str], None] | None = None) -> None:
        self.drill = drill
        self.session = drill.session
        self.recorder = drill.recorder
        self.host, self.port, self.ssl = host, port, ssl_context
        self.speed = float(speed)
        self.slice_s = float(slice_s)
        self.seats = self.session.seats
        played = [s.id for s in self.seats.seats.values() if s.played]
        unknown = [s for s in pause_on_drop if s not in self.seats.seats]
        if unknown:
            raise ValueError(f"--pause-on-drop: no seat {', '.join(unknown)}")
        self.roster = Roster(played, evaluators=evaluators, rate=rate, burst=burst)
        self.pause_on_drop = tuple(pause_on_drop)
        self.dropped_pause: set[str] = set()
        events = self.session.events.events
        flt = SeatFilter.from_events(events) or SeatFilter([s.summary() for s in self.seats.seats.values()])
        self.filter = flt
        self.feed = SeatFeed(flt, played)
        self.cursor = 0
        self.encoded: list[str] = []
        """Each event's canonical JSON by seq, made once for every client and every rejoin."""
        self.peers: dict[str, Peer] = {}
        self._maps: dict[tuple[str, frozenset[str]], list[str]] = {}
        """Encoded ``map`` frames by (seat or all-seeing role, depots it may see), made once."""
        self.announce = announce or (lambda zh, en: log.info(en))
        self.start_paused = start_paused
        self._flush_fut: asyncio.Future | None = None
        self._anchor = (time.monotonic(), self.session.now)
        self._stop: asyncio.Event | None = None
        self.result: dict[str, Any] | None = None
        self.orders_acked = 0
        self.ack_ms: list[float] = []
        """Server-side time from a message's arrival (a held one's ``at``) to its ack being queued (ms)."""
        self.schedule: list[tuple[float, int, str, dict[str, Any]]] = []
        """Held messages, a heap of (at, arrival number, identity id, message): applied in ``at``
        order, ties in arrival order."""
        self._arrivals = itertools.count()
        self.scheduled_unrun = 0
        """Held messages the drill ended before (each refused ``over`` to its sender)."""
        self._ticks = 0
        self._last_deliver = 0.0
        self.refusals = 0
        self.ready: asyncio.Future | None = None

    # ------------------------------------------------------------------ lifecycle
    async def run(self) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.ready = self.ready or loop.create_future()
        async with serve(self._handle, self.host, self.port, ssl=self.ssl, max_size=MAX_MESSAGE_BYTES,
                         max_queue=32, compression=None, ping_interval=5, ping_timeout=15, close_timeout=2,
                         open_timeout=HELLO_TIMEOUT_S, logger=logging.getLogger("drillsim.net.ws")) as server:
            self.port = server.sockets[0].getsockname()[1]
            if self.start_paused:
                self.session.paused = True
            else:
                self.session.resume()
            self._anchor = (time.monotonic(), self.session.now)
            gc.freeze()  # the loaded drill (map, router, units) is long-lived: keep full GC passes short
            if not self.ready.done():
                self.ready.set_result(self.port)
            try:
                await self._clock()
            finally:
                self._finish()
                peers = list(self.peers.values())
                for p in peers:
                    p.put(None)  # after the end message: close once it is sent
                if peers:
                    await asyncio.wait([p.task for p in peers], timeout=2.0)
        return self.result or {}

    def stop(self) -> None:
        """End the drill now (Ctrl-C, the director's console): recorded up to the current time."""
        if self._stop is not None:
            self._stop.set()

    def _finish(self) -> None:
        if self.result is not None:
            return
        self._drop_schedule()
        self._deliver(force=True)
        self.result = self.session.result()
        self.recorder.close()
        end = msg("end", t=self.session.now, digest=self.result["digest"], events=self.result["events"],
                  archive=str(self.drill.archive), score=self.result["score"])
        for p in self.peers.values():
            p.put(end)
        self.announce(f"演练结束：第 {self.session.now:g} 分钟，事件 {self.result['events']} 条，摘要 {self.result['digest'][:16]}…",
                      f"drill over at minute {self.session.now:g}: {self.result['events']} events, "
                      f"digest {self.result['digest'][:16]}…")

    # ------------------------------------------------------------------ clock
    async def _clock(self) -> None:
        s = self.session
        last_status = 0.0
        while not s.finished and not self._stop.is_set():
            if not s.paused:
                wall0, sim0 = self._anchor
                target = sim0 + (time.monotonic() - wall0) * self.speed
                chunk = max(self.speed * self.slice_s, 1e-3)
                while s.now < min(target, s.duration) and not s.paused and not self._stop.is_set():
                    upto = min(target, s.now + chunk)
                    if self.schedule and self.schedule[0][0] < upto:
                        upto = self.schedule[0][0]  # stop exactly at the next held message's time
                    s.run_until(upto)
                    if self.schedule and self.schedule[0][0] <= s.now:
                        self._run_due()
                    self._deliver()
                    await asyncio.sleep(0)  # let orders in between chunks
            self._deliver()
            self.recorder.poll()
            mono = time.monotonic()
            if mono - last_status >= 1.0:
                last_status = mono
                self._periodic()
            try:
                await asyncio.wait_for(self._stop.wait(), self.slice_s)
            except TimeoutError:
                pass

    def _deliver(self, force: bool = False) -> None:
        """Feed new events to the seat views and send each client what it has just learned of
        (at most every ``DELIVER_EVERY_S`` wall seconds, so a busy drill sends few, larger frames)."""
        mono = time.monotonic()
        if not force and mono - self._last_deliver < DELIVER_EVERY_S:
            return
        self._last_deliver = mono
        events = self.session.events.events
        new = events[self.cursor:]
        self.cursor = len(events)
        for ev in new:
            self.feed.feed(ev)
            self.encoded.append(ev.to_json())
        now = self.session.now
        due = self.feed.due(now)
        for peer in self.peers.values():
            ident = peer.ident
            got = new if ident.role != "seat" else due.get(ident.id)
            if got:
                peer.put(_events_frame(now, got, False, self.encoded))

    def _periodic(self) -> None:
        """Once a wall second: the clock to all, each seat's state when it changed, who is
        connected to the director and evaluators; their whole-drill state every few seconds."""
        if not self.peers:
            return
        s = self.session
        self._ticks += 1
        if self._ticks % 30 == 0:
            gc.freeze()  # the drill's events live to the end: keep them out of full collections
        clock = encode(msg("clock", t=s.now, paused=s.paused, speed=self.speed))
        state = self.recorder.state.view(s.now)
        status = encode(self.status_message())
        full = None
        for peer in self.peers.values():
            peer.put(clock)
            if peer.ident.role != "seat":
                peer.put(status)
                if self._ticks % FULL_VIEW_EVERY:
                    continue
                full = full or encode(msg("view", t=s.now, state=state))
                peer.put(full)
                continue
            view = encode(msg("view", t=s.now, state=seat_state(state, peer.ident.view_as, self.filter)))
            body = view[view.index('"state"'):]
            if body != peer.last_view:
                peer.last_view = body
                peer.put(view)

    def map_frames(self, seat: str) -> list[str]:
        """The ``map`` frames for ``seat`` (roads, public places, its own and granted depots)."""
        summary = self.filter.summaries.get(seat) or {}
        depots = frozenset(summary.get("depots") or []) | frozenset(self.filter.grants(seat))
        key = (seat if seat in ("director", "evaluator") else "seat", depots)
        if key not in self._maps:
            payload = map_payload(self.session.sim, seat, depots)
            self._maps[key] = [encode(msg("map", **f)) for f in map_frames(payload)]
        return self._maps[key]

    def status_message(self) -> dict[str, Any]:
        return msg("status", t=self.session.now, paused=self.session.paused,
                   seats=[{"id": i.id, "role": i.role, "connected": i.connected, "since": i.since,
                           "addr": i.addr, "joins": i.joins, "last_seq": i.last_seq}
                          for i in self.roster.ids.values()])

    # ------------------------------------------------------------------ connections
    async def _handle(self, ws: ServerConnection) -> None:
        addr = f"{ws.remote_address[0]}:{ws.remote_address[1]}" if ws.remote_address else "?"
        ident: Identity | None = None
        refused = 0
        try:
            try:
                first = await asyncio.wait_for(ws.recv(), HELLO_TIMEOUT_S)
            except TimeoutError:
                await self._refuse(ws, addr, Refusal("timeout", "未在限定时间内加入", "no hello in time", close=True))
                return
            raw: Any = first
            received = time.monotonic()
            while True:
                try:
                    m = parse_client(raw)
                    if ident is None:
                        ident = await self._join(ws, addr, m)
                    elif not self._current(ident, ws):
                        raise Refusal("replaced", "该席位已在别处重新加入", "this seat rejoined elsewhere", close=True)
                    else:
                        await self._message(ident, m, received)
                except Refusal as r:
                    refused += 1
                    await self._refuse(ws, addr if ident is None else f"{ident.id}@{addr}", r)
                    if r.close or refused >= MAX_REFUSALS:
                        if not r.close:
                            await ws.close(1008, "too many refused messages")
                        return
                raw = await ws.recv()
                received = time.monotonic()
        except ConnectionClosed as e:
            if ident is None:
                log.info("%s: connection closed before joining (%s)", addr, e.rcvd.reason if e.rcvd else "no close frame")
        except Exception:  # noqa: BLE001 - a bug in handling one client must never take the drill down
            log.exception("%s: unexpected error; connection dropped", addr)
        finally:
            if ident is not None and self._current(ident, ws):
                self._left(ident)

    async def _refuse(self, ws: ServerConnection, who: str, r: Refusal) -> None:
        self.refusals += 1
        log.warning("refused %s from %s: %s", r.code, who, r.en)
        peer = next((p for p in self.peers.values() if p.ws is ws), None)
        try:
            if peer is not None:
                peer.put(r.message())
            else:
                await ws.send(encode(r.message()))
            if r.close:
                await asyncio.sleep(0)
                await ws.close(1008, r.en[:120].encode()[:120].decode(errors="ignore"))
        except ConnectionClosed:
            pass

    def _current(self, ident: Identity, ws: ServerConnection) -> bool:
        p = self.peers.get(ident.id)
        return p is not None and p.ws is ws

    async def _join(self, ws: ServerConnection, addr: str, m: dict[str, Any]) -> Identity:
        if m["type"] != "hello":
            raise Refusal("not_joined", "请先发送 hello 与加入码", "send hello with your join code first", close=True)
        ident = self.roster.by_code(m["code"])
        if ident is None:
            raise Refusal("bad_code", "加入码无效", "invalid join code", close=True)
        old = self.peers.pop(ident.id, None)
        if old is not None:
            old.put(msg("reject", seq=None, code="replaced",
                        reason={"zh": "该席位已在别处重新加入", "en": "this seat rejoined elsewhere"}))
            old.put(None)
        token = self.roster.issue_token(ident)
        ident.connected, ident.since, ident.addr = True, self.session.now, addr
        peer = Peer(ident, ws)
        s = self.session
        seat = self.seats.seats.get(ident.id)
        peer.put(msg("welcome", role=ident.role, seat=ident.id,
                     name=seat.name if seat else ({"zh": "导演部", "en": "Director"} if ident.role == "director"
                                                  else {"zh": "评估组", "en": f"Evaluator ({ident.id})"}),
                     token=token, t=s.now, paused=s.paused, speed=self.speed, last_seq=ident.last_seq,
                     duration=s.duration, scenario=s.scenario.meta.name, rejoin=ident.joins > 1,
                     features=list(FEATURES), scheduled=sorted(ident.scheduled),
                     seats=[x.summary() for x in self.seats.seats.values()] if ident.role != "seat" else
                     [seat.summary()] if seat else []))
        for frame in self.map_frames(ident.view_as):
            peer.put(frame)
        self._deliver(force=True)
        state = seat_state(self.recorder.state.view(s.now), ident.view_as, self.filter)
        peer.put(msg("view", t=s.now, state=state))
        seen = self.session.events.events[:self.cursor] if ident.role != "seat" else self.feed.seen[ident.id]
        for k in range(0, len(seen), CATCHUP_CHUNK):
            peer.put(_events_frame(s.now, seen[k:k + CATCHUP_CHUNK], True, self.encoded))
        if not seen:
            peer.put(_events_frame(s.now, [], True, self.encoded))
        self.peers[ident.id] = peer
        if ident.role != "seat":
            peer.put(self.status_message())
        again = ident.joins > 1
        self.announce(f"{'重新加入' if again else '加入'}：{ident.id}（{addr}）第 {s.now:.1f} 分钟",
                      f"{'rejoined' if again else 'joined'}: {ident.id} ({addr}) at minute {s.now:.1f}")
        self._broadcast_status()
        if ident.id in self.dropped_pause:
            self.dropped_pause.discard(ident.id)
            if not self.dropped_pause and s.paused:
                s.resume(reason="seat_rejoined", seat=ident.id)
                self._anchor = (time.monotonic(), s.now)
                self.announce(f"关键席位 {ident.id} 已回到演练，继续", f"key seat {ident.id} is back; resumed")
                self._broadcast_clock()
        return ident

    def _left(self, ident: Identity) -> None:
        peer = self.peers.pop(ident.id, None)
        if peer is not None:
            peer.put(None)  # ends its sender task
        ident.connected, ident.token = False, None
        s = self.session
        self.announce(f"断开：{ident.id}，第 {s.now:.1f} 分钟", f"left: {ident.id} at minute {s.now:.1f}")
        if ident.id in self.pause_on_drop and not s.finished and self.result is None:
            self.dropped_pause.add(ident.id)
            if not s.paused:
                s.pause(reason="seat_dropped", seat=ident.id)
                self.announce(f"关键席位 {ident.id} 掉线，演练已暂停", f"key seat {ident.id} dropped; drill paused")
                self._broadcast_clock()
        self._broadcast_status()

    def _broadcast_status(self) -> None:
        status = encode(self.status_message())
        for p in self.peers.values():
            if p.ident.role != "seat":
                p.put(status)

    def _broadcast_clock(self) -> None:
        clock = encode(msg("clock", t=self.session.now, paused=self.session.paused, speed=self.speed))
        for p in self.peers.values():
            p.put(clock)

    # ------------------------------------------------------------------ messages
    async def _message(self, ident: Identity, m: dict[str, Any], received: float) -> None:
        kind = m["type"]
        if kind == "hello":
            raise Refusal("already_joined", "已加入，无需再次 hello", "already joined")
        seq = m.get("seq")
        if not Roster.token_ok(ident, m["token"]):
            raise Refusal("bad_token", "会话令牌无效", "invalid session token", seq)
        if not ident.bucket.take():
            raise Refusal("rate", "消息过于频繁，请稍后再发", "too many messages; slow down", seq)
        peer = self.peers[ident.id]
        if kind == "view":
            state = seat_state(self.recorder.state.view(self.session.now), ident.view_as, self.filter)
            peer.put(msg("view", t=self.session.now, state=state))
            return
        if kind == "bye":
            await peer.ws.close(1000, "bye")
            return
        if seq in ident.scheduled:
            raise Refusal("replayed", f"序号 {seq} 已在等待第 {ident.scheduled[seq]:g} 分钟执行",
                          f"seq {seq} is already held for minute {ident.scheduled[seq]:g}", seq)
        if seq <= ident.last_seq:
            raise Refusal("replayed", f"序号 {seq} 已处理过（重放或重复）",
                          f"seq {seq} was already acted on (replayed or duplicate); last is {ident.last_seq}", seq)
        s = self.session
        if s.finished or self.result is not None:
            raise Refusal("over", "演练已结束", "the drill is over", seq)
        self._check(ident, m)
        at = m.get("at")
        if at is not None and at > s.now:
            self._hold(ident, m, at)
            return
        t = s.now
        accepted, reason = self._act(ident, m)
        ident.last_seq = seq
        await self._flushed()  # the ack promises the archive holds it
        self.orders_acked += 1
        peer.put(self._ack(m, t, accepted, reason))
        self.ack_ms.append((time.monotonic() - received) * 1000.0)

    @staticmethod
    def _ack(m: dict[str, Any], t: float, accepted: bool, reason: dict[str, str] | None) -> dict[str, Any]:
        """``t``: the sim minute the message was applied at; ``at`` (echoed) the one it was meant for."""
        extra = {"at": m["at"]} if "at" in m else {}
        return msg("ack", seq=m["seq"], t=t, accepted=accepted, reason=reason, kind=m["type"], **extra)

    # ------------------------------------------------------------------ timed messages (at)
    def _hold(self, ident: Identity, m: dict[str, Any], at: float) -> None:
        """Take a message meant for a later sim minute: applied by the clock exactly at ``at``."""
        s, seq = self.session, m["seq"]
        if at > s.duration:
            raise Refusal("after_end", f"第 {at:g} 分钟在演练结束（第 {s.duration:g} 分钟）之后，不会执行",
                          f"minute {at:g} is after the end of the drill (minute {s.duration:g}); it would never run",
                          seq)
        if len(ident.scheduled) >= MAX_SCHEDULED:
            raise Refusal("held_full", f"待执行的定时消息已达上限 {MAX_SCHEDULED} 条，请临近时间再发",
                          f"{MAX_SCHEDULED} timed messages are already waiting; send later ones closer to their time",
                          seq)
        ident.last_seq = seq
        ident.scheduled[seq] = at
        heapq.heappush(self.schedule, (at, next(self._arrivals), ident.id, m))
        self.peers[ident.id].put(msg("scheduled", seq=seq, at=at, t=s.now))

    def _run_due(self) -> None:
        """Apply the held messages whose time has come (the clock stopped exactly at it), commit
        them to the archive, then acknowledge each to its sender if connected."""
        s = self.session
        due: list[tuple[Identity, dict[str, Any], bool, dict[str, str] | None]] = []
        while self.schedule and self.schedule[0][0] <= s.now:
            _, _, iid, m = heapq.heappop(self.schedule)
            ident = self.roster.ids[iid]
            ident.scheduled.pop(m["seq"], None)
            try:
                accepted, reason = self._act(ident, m)
            except Refusal as r:  # checked when taken; the drill's own refusals are acks
                self._send_to(ident, r.message())
                continue
            due.append((ident, m, accepted, reason))
        applied = time.monotonic()
        try:
            self.recorder.flush()  # the ack promises the archive holds it
        except Exception as e:  # noqa: BLE001 - disk full etc.: no ack then, and say why
            log.exception("archive commit failed")
            for ident, m, _, _ in due:
                self._send_to(ident, Refusal("archive", f"存档写入失败：{e}", f"archive write failed: {e}",
                                             m["seq"]).message())
            return
        for ident, m, accepted, reason in due:
            if self._send_to(ident, self._ack(m, s.now, accepted, reason)):
                self.orders_acked += 1
                self.ack_ms.append((time.monotonic() - applied) * 1000.0)

    def _drop_schedule(self) -> None:
        """The drill ends: held messages will never run; tell their senders (``over``)."""
        while self.schedule:
            at, _, iid, m = heapq.heappop(self.schedule)
            ident = self.roster.ids[iid]
            ident.scheduled.pop(m["seq"], None)
            self.scheduled_unrun += 1
            log.warning("%s: #%s for minute %g not run: the drill ended at minute %g", iid, m["seq"], at,
                        self.session.now)
            self._send_to(ident, Refusal("over", f"演练在第 {self.session.now:g} 分钟结束，第 {at:g} 分钟的消息未执行",
                                         f"the drill ended at minute {self.session.now:g}, before minute {at:g}",
                                         m["seq"]).message())

    def _send_to(self, ident: Identity, m: dict[str, Any]) -> bool:
        peer = self.peers.get(ident.id)
        if peer is None:
            return False
        peer.put(m)
        return True

    # ------------------------------------------------------------------ acting
    def _check(self, ident: Identity, m: dict[str, Any]) -> None:
        """Refuse what may never be applied (role, forged sender, bad arguments), before it is
        applied or held; whether the drill accepts it is decided when it is applied. (A NaN or
        infinite ``at``, like any such number, is refused by :func:`parse_client`.)"""
        kind, seq, role = m["type"], m["seq"], ident.role
        if kind == "order":
            if role == "evaluator":
                raise Refusal("not_allowed", "评估组不能下达指令", "evaluators do not give orders", seq)
            if "by" in m["args"]:
                raise Refusal("forged", "不得代替其他席位下令（by 由服务器按席位确定）",
                              "orders may not name a sender ('by' is set by the server from your seat)", seq)
            bad = arg_problems(m["op"], m["args"])
            if bad:
                raise Refusal("bad_args", "指令参数错误：" + "；".join(b for _, b in bad),
                              "bad order arguments: " + "; ".join(b for _, b in bad), seq)
        elif kind == "director":
            if role != "director":
                raise Refusal("not_allowed", "只有导演部可以控制演练时钟", "only the director controls the clock", seq)
            if m["action"] == "speed" and "speed" not in m:
                raise Refusal("schema", "speed 指令须给出 speed", "the speed action needs 'speed'", seq)
        elif kind == "inject":
            if role == "evaluator" or (role == "seat" and m["action"] != "answer"):
                raise Refusal("not_allowed", "只有导演部可以导入或撤销情况", "only the director fires or cancels injects", seq)
        elif kind == "note":
            if role == "seat":
                raise Refusal("not_allowed", "评估记录由评估组或导演部填写", "notes are for evaluators and the director", seq)
        else:
            raise Refusal("bad_type", f"未知消息类型 {kind!r}", f"unknown message type {kind!r}", seq)

    def _act(self, ident: Identity, m: dict[str, Any]) -> tuple[bool, dict[str, str] | None]:
        """Apply one sequenced message (checked by :meth:`_check`) to the session, recorded as an
        input at the current sim time."""
        s = self.session
        kind, role = m["type"], ident.role
        by = ident.id if role == "seat" else "director"
        if kind == "order":
            res = s.order(m["op"], by=by, **m["args"])
            return res.ok, res.reason
        if kind == "director":
            self.control(m["action"], m.get("speed"))
            return True, None
        if kind == "inject":
            action = m["action"]
            if action == "fire":
                ok = s.fire_inject(m["id"])
            elif action == "cancel":
                ok = s.cancel_inject(m["id"])
            else:
                ok = s.answer_inject(m["id"], by=by)
            return ok, None if ok else {"zh": f"情况 {m['id']} 无法{action}", "en": f"inject {m['id']!r}: cannot {action}"}
        links = {k: m[k] for k in ("seat", "event") if k in m}  # a note (kinds checked by _check)
        s.note(m["text"], by=ident.id, **links)
        return True, None

    def control(self, action: str, speed: float | None = None) -> None:
        """The director's clock: pause, resume (recorded as inputs) or a new speed (sim min per wall s)."""
        s = self.session
        if action == "pause":
            s.pause(by="director")
        elif action == "resume":
            self.dropped_pause.clear()
            s.resume(by="director")
        elif action == "speed" and speed is not None and speed > 0:
            self.speed = float(speed)
        else:
            return
        self._anchor = (time.monotonic(), s.now)
        self._broadcast_clock()
        self.announce(f"导演部：{ {'pause': '暂停', 'resume': '继续'}.get(action, f'速度 {self.speed:g}')}",
                      f"director: {action}" + (f" {self.speed:g}" if action == "speed" else ""))

    def _flushed(self) -> asyncio.Future:
        """Commit the archive once for every message handled in this loop turn."""
        if self._flush_fut is None:
            loop = asyncio.get_running_loop()
            self._flush_fut = loop.create_future()
            loop.call_soon(self._do_flush)
        return self._flush_fut

    def _do_flush(self) -> None:
        fut, self._flush_fut = self._flush_fut, None
        try:
            self.recorder.flush()
        except Exception as e:  # noqa: BLE001 - disk full etc.: no ack then, and say why
            log.exception("archive commit failed")
            if fut is not None and not fut.done():
                fut.set_exception(Refusal("archive", f"存档写入失败：{e}", f"archive write failed: {e}"))
            return
        if fut is not None and not fut.done():
            fut.set_result(None)

