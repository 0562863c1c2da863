"""A scripted seat: send an orders file's orders at their sim times over the network.

The orders file is the one ``drillsim run --orders`` reads (docs/exercise.md). An
entry for sim minute ``t`` takes effect at exactly ``t`` on the server's clock, never
before: the seat sends it a few wall seconds ahead with ``at: t`` and the server holds
it until its clock reaches ``t`` (an entry whose minute has already passed, e.g. when
the seat joins late, is applied at once and its ack says both minutes). The seat does
not guess the server's clock to decide *when* an order runs; it only uses the estimate
to send ahead of time. With a server that does not offer ``at`` (older than protocol 1
revision 3) it waits until the server reports its clock has passed ``t``: late by up to
about a wall second, never early.

Each entry's message number is its place in the file (1, 2, ...), so a seat process
that is killed and started again skips the entries the server already recorded
(``welcome.last_seq``), waits for the ones it still holds (``welcome.scheduled``) and
sends the rest: nothing is given twice, nothing acknowledged is lost. Entries ``by``
another seat are skipped (the server sets the sender from the join code).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drillsim.exercise.inputs import Input
from drillsim.net.client import SeatClient


@dataclass
class Script:
    seq: int
    inp: Input

    def fields(self) -> tuple[str, dict[str, Any]]:
        d = self.inp.data
        if self.inp.kind == "order":
            return "order", {"op": d["op"], "args": dict(d.get("args") or {})}
        if self.inp.kind == "inject":
            return "inject", {"action": d.get("action"), "id": str(d.get("id"))}
        return "note", {"text": str(d.get("text", ""))}


def script_for(inputs: list[Input], seat: str, role: str) -> tuple[list[Script], list[Input]]:
    """(entries this seat sends, entries skipped because they are another seat's)."""
    mine, skipped = [], []
    for k, inp in enumerate(inputs, start=1):
        by = str(inp.data.get("by", "director"))
        if by in (seat, "director", "evaluator") or (role != "seat" and by == role):
            mine.append(Script(k, inp))
        else:
            skipped.append(inp)
    return mine, skipped


LEAD_S = 5.0
"""Wall seconds (at the drill's speed) before its sim minute that a timed entry is sent;
the server holds it until then. Covers a late clock estimate and the network."""
MAX_AHEAD = 10
"""Entries sent ahead and not yet acknowledged at a time (half the server's default burst), so
a fast clock does not turn the lead into a burst the rate limit refuses; due ones go anyway."""


async def play(client: SeatClient, script: list[Script], leave_when_done: bool = False,
               on_skip: Callable[[Script], None] | None = None,
               on_held: Callable[[Script], None] | None = None) -> list[Script]:
    """Send each entry for the server to apply at its sim minute; then wait for the acks
    (and, unless ``leave_when_done``, for the drill to end). Returns the entries that were
    never acknowledged (the drill ended first, or the server refused them)."""
    reader = asyncio.create_task(client.run())
    last = int(client.welcome.get("last_seq", 0))
    held = set(client.welcome.get("scheduled") or ())
    try:
        for entry in script:
            kind, fields = entry.fields()
            if entry.seq <= last:
                if entry.seq in held:  # an earlier process sent it; the server holds it for its time
                    client.expect(entry.seq, kind, **({"at": entry.inp.t} if client.timed else {}), **fields)
                    if on_held:
                        on_held(entry)
                elif on_skip:
                    on_skip(entry)
                continue
            await _until_due(client, entry.inp.t, reader)
            if client.ended is not None or reader.done():
                break
            while not client.joined.is_set() and not reader.done():
                await asyncio.sleep(0.02)
            if client.timed:
                fields["at"] = entry.inp.t
            await client.send(kind, seq=entry.seq, **fields)
        while client.unacked and client.ended is None and not reader.done():
            await asyncio.sleep(0.02)
        if leave_when_done:
            await client.close()
        await reader
    finally:
        if not reader.done():
            reader.cancel()
    recorded = {e.seq for e in script if e.seq <= last and e.seq not in held}
    return [e for e in script if e.seq not in client.acks and e.seq not in recorded]


async def _until_due(client: SeatClient, t: float, reader: asyncio.Task) -> None:
    """Until entry time ``t`` is near (timed: the server applies it at ``t``) or, with an older
    server, until the server has reported a clock at or past ``t``."""
    while client.ended is None and not reader.done():
        v = client.view
        if client.timed:
            now = v.sim_now()
            if now >= t or (now >= t - LEAD_S * v.speed and len(client.unacked) < MAX_AHEAD):
                return
        elif v.t >= t:
            return
        await asyncio.sleep(0.02)
