"""Drives a :class:`Session` from a QTimer so the window never freezes.

Every 50 ms the controller calls ``session.tick(wall_seconds)``: at 600x that is
half a sim minute per tick. A slow slice (a big earthquake damage pass, a flood
step) is capped: at most ``MAX_WALL_PER_TICK`` wall seconds are credited per tick,
so the clock slows down rather than the window freezing. Orders given between
ticks are stamped with the current sim time by the session itself.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from drillsim.gui.common import SPEEDS

if TYPE_CHECKING:  # the engine is imported when a session is built, not at launch
    from drillsim.core.events import Event
    from drillsim.exercise.session import Session

TICK_MS = 50
MAX_WALL_PER_TICK = 0.25


class DrillController(QObject):
    advanced = Signal(float)
    """Sim time after a tick or a jump."""
    new_events = Signal(list)
    """Events emitted since the last signal (list[Event])."""
    running_changed = Signal(bool)
    session_changed = Signal(object)

    def __init__(self, session: Session | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.recorder = None
        self._buffer: list[Event] = []
        self._unsub = None
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_timer)
        self.clock = QElapsedTimer()
        self.last_tick_s = 0.0
        self.tick_times: list[float] = []
        self.origin = ""
        """What the session came from: a scenario path, or 'branch of ARCHIVE at T'."""
        if session is not None:
            self.set_session(session)

    # ------------------------------------------------------------------ session
    def set_session(self, session: Session, origin: str = "") -> None:
        self.pause()
        self.stop_recording()
        if self._unsub is not None:
            self._unsub()
        self.session = session
        self.origin = origin
        self._buffer = list(session.events.events)
        self._unsub = session.events.subscribe(self._buffer.append)
        self.session_changed.emit(session)
        self.flush()

    @property
    def sim(self):
        return self.session.sim if self.session else None

    @property
    def running(self) -> bool:
        return self.session is not None and not self.session.paused

    # ------------------------------------------------------------------ clock
    def play(self) -> None:
        if self.session is None or self.session.finished:
            return
        self.session.resume()
        self.clock.start()
        self.timer.start()
        self.running_changed.emit(True)
        self.flush()

    def pause(self) -> None:
        if self.session is None:
            return
        self.timer.stop()
        if not self.session.paused:
            self.session.pause()
            self.running_changed.emit(False)
            self.flush()

    def toggle(self) -> None:
        self.pause() if self.running else self.play()

    def set_speed(self, speed: float) -> None:
        if self.session is not None:
            self.session.set_speed(speed)
            self.flush()

    def step(self, minutes: float = 1.0) -> None:
        self.advance_to(self.session.now + minutes)

    def advance_to(self, t: float, sample_every: float | None = None) -> None:
        """Run the clock to ``t`` now (step, jump, screenshot), signalling every ``sample_every`` min."""
        if self.session is None:
            return
        if sample_every:
            while self.session.now < min(t, self.session.duration) - 1e-9:
                self.session.run_until(min(t, self.session.now + sample_every))
                self.flush()
        else:
            self.session.run_until(t)
            self.flush()

    def jump_next_inject(self) -> float | None:
        """Advance to the next scheduled inject (it is sent on arrival); returns its time."""
        nt = self.session.msel.next_time() if self.session else None
        if nt is None:
            return None
        self.advance_to(max(nt, self.session.now) + 0.01)  # SimPy stops before events at exactly t
        return nt

    def _on_timer(self) -> None:
        if self.session is None:
            return
        wall = self.clock.restart() / 1000.0 if self.clock.isValid() else TICK_MS / 1000.0
        wall = min(wall, MAX_WALL_PER_TICK)
        t0 = time.perf_counter()
        self.session.tick(wall)
        self.last_tick_s = time.perf_counter() - t0
        if self.recorder is not None:
            self.recorder.poll()
        if self.session.finished:
            self.timer.stop()
            self.session.pause()
            self.running_changed.emit(False)
        self.flush()

    def flush(self) -> None:
        if self.session is None:
            return
        if self._buffer:
            evs, self._buffer[:] = list(self._buffer), []
            self.new_events.emit(evs)
        self.advanced.emit(self.session.now)

    # ------------------------------------------------------------------ recording
    def start_recording(self, path: str | Path) -> None:
        from drillsim.record import Recorder

        self.stop_recording()
        self.recorder = Recorder(self.session, path)

    def stop_recording(self) -> None:
        if self.recorder is not None:
            try:
                self.recorder.close()
            finally:
                self.recorder = None


def nearest_speed(v: float) -> int:
    return min(SPEEDS, key=lambda s: abs(s - v))
