"""A scripted seat: send an orders file's orders at their sim times over the network.

The orders file is the one ``drillsim run --orders`` reads (docs/exercise.md). Each
entry's message number is its place in the file (1, 2, ...), so a seat process that
is killed and started again skips the entries the server already recorded
(``welcome.last_seq``) and sends the rest: nothing is given twice, nothing
acknowledged is lost. Entries ``by`` another seat are skipped (the server sets the
sender from the join code).
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


async def play(client: SeatClient, script: list[Script], leave_when_done: bool = False,
               on_skip: Callable[[Script], None] | None = None) -> None:
    """Send each entry once the server's clock reaches its time; then wait for the acks
    (and, unless ``leave_when_done``, for the drill to end)."""
    reader = asyncio.create_task(client.run())
    try:
        last = int(client.welcome.get("last_seq", 0))
        for entry in script:
            if entry.seq <= last:
                if on_skip:
                    on_skip(entry)
                continue
            while client.view.sim_now() < entry.inp.t and client.ended is None and not reader.done():
                await asyncio.sleep(min(0.05, max(0.005, (entry.inp.t - client.view.sim_now()) /
                                                  max(client.view.speed, 1e-6))))
            if client.ended is not None or reader.done():
                break
            while not client.joined.is_set() and not reader.done():
                await asyncio.sleep(0.02)
            kind, fields = entry.fields()
            await client.send(kind, seq=entry.seq, **fields)
        while client.unacked and client.ended is None and not reader.done():
            await asyncio.sleep(0.02)
        if leave_when_done:
            await client.close()
        await reader
    finally:
        if not reader.done():
            reader.cancel()
