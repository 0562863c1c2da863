"""Pacing a headless drill like a live one: ``speed`` sim minutes per wall second."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def run_paced(session: Any, speed: float, poll: Callable[[], None] | None = None, slice_s: float = 0.1,
              progress: Callable[[float], None] | None = None) -> None:
    """Advance ``session`` to its end at ``speed`` sim minutes per wall second, in slices.

    Sleeps between slices on an absolute schedule (no drift) and calls ``poll``
    after each slice (a :meth:`Recorder.poll`, so the archive commits every second
    even when nothing happens).
    """
    speed = max(1e-6, float(speed))
    start_wall, start_sim = time.monotonic(), session.now
    k = 0
    while not session.finished:
        k += 1
        session.run_until(start_sim + k * slice_s * speed)
        if poll:
            poll()
        if progress:
            progress(session.now)
        delay = start_wall + k * slice_s - time.monotonic()
        if delay > 0:
            time.sleep(delay)
