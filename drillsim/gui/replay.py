"""Replay (复盘): open a .drill archive, scrub the timeline, jump to injects and notes,
play at any speed, and start a what-if branch (推演分支) from the current time.

State at time t comes from ``Archive.state_at(t)`` (snapshots + events; no simulation).
The static map (roads, places) comes from the archived scenario. Hazard overlays at t:
the hazard objects are rebuilt from the archived scenario text and only the pure field
hazards (earthquake intensity, chemical plume: :data:`FIELD_HAZARDS`) are drawn, with the
start time the archive recorded (the mainshock only: aftershocks are not re-drawn);
flood depth and fire spread need the simulation and are not shown. The event log shows
the archived events up to t, the KPI charts the archived series up to t (sampled once
on load in one pass over the events). A branch re-runs
the archived inputs up to t in a new :class:`Session` and continues live.
"""

from __future__ import annotations

import bisect
import gc
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QListWidgetItem, QPushButton, QSlider

from drillsim.core.errors import InputError
from drillsim.exercise.wording import RESPONSE_LEVELS, label
from drillsim.gui.common import T, add_recent, child, colon, fmt_min, gap, load_ui, pick

SPEEDS = (1, 10, 60, 300, 600, 3600)
FIELD_HAZARDS = ("earthquake", "chemical")
"""Hazards whose overlay is a pure function of the scenario, the seed (a drawn weather), the start time and t."""
KPI_SAMPLES = 150


def open_archive(path: str | Path):
    """Open an archive and rebuild its scenario; raises InputError with FILE:LINE:COL problems."""
    try:
        from drillsim.record import Archive
    except ImportError as e:  # the record layer is not installed in this build
        raise InputError(f"drill archives are not supported by this build ({e})", file=str(path)) from None
    from drillsim.record.archive import base_dirs
    from drillsim.scenario import load_scenario_text

    arc = Archive.open(path)
    text = arc.scenario_text()
    last: Exception | None = None
    scenario = None
    for base in base_dirs(arc.meta, Path(path)):
        try:
            scenario = load_scenario_text(text, str(arc.meta.get("scenario_file") or "<archived scenario>"), base_dir=base)
            break
        except InputError as e:
            last = e
    if scenario is None:
        arc.close()
        raise last or InputError("archive holds no scenario", file=str(path))
    return arc, scenario


class ReplayConsole:
    def __init__(self, main) -> None:
        self.main = main
        self.w = load_ui("replayconsole")
        self.archive = None
        self.scenario = None
        self.sim = None  # static map and hazard objects for drawing; never run
        self.t = 0.0
        self.events: list = []
        self.event_t: list[float] = []
        self.seats = None  # panels.ArchiveSeats from the archive's "seats" event
        self._shown_events = -1
        self._kpi_hist: list = []
        self.slider: QSlider = child(self.w, QSlider, "replaySlider")
        self.label: QLabel = child(self.w, QLabel, "archiveLabel")
        self.time: QLabel = child(self.w, QLabel, "replayTimeLabel")
        self.marks: QListWidget = child(self.w, QListWidget, "marksList")
        self.kpis: QLabel = child(self.w, QLabel, "replayKpiLabel")
        self.play_btn: QPushButton = child(self.w, QPushButton, "replayPlayButton")
        self.speed: QComboBox = child(self.w, QComboBox, "replaySpeedCombo")
        for s in SPEEDS:
            self.speed.addItem(f"{s}x", s)
        self.speed.setCurrentIndex(SPEEDS.index(600))
        child(self.w, QPushButton, "openArchiveButton").clicked.connect(main.open_archive_dialog)
        child(self.w, QPushButton, "branchButton").clicked.connect(self.branch)
        child(self.w, QPushButton, "liveButton").clicked.connect(main.back_to_live)
        self.play_btn.clicked.connect(self.toggle_play)
        self.slider.valueChanged.connect(self._slid)
        self.marks.itemDoubleClicked.connect(lambda it: self.seek(float(it.data(Qt.ItemDataRole.UserRole))))
        self.timer = QTimer(self.w)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._play_tick)
        self._debounce = QTimer(self.w)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(30)
        self._debounce.timeout.connect(lambda: self.seek(self._pending))
        self._pending = 0.0
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        self.slider.setEnabled(on)
        self.play_btn.setEnabled(on)
        child(self.w, QPushButton, "branchButton").setEnabled(on)

    # ------------------------------------------------------------------ load
    def load(self, path: str | Path) -> None:
        from drillsim.response.simulation import Simulation

        arc, scenario = open_archive(path)
        if self.archive is not None:
            self.archive.close()
        gc.unfreeze()  # the previous archive's objects become collectable again
        self.archive, self.scenario = arc, scenario
        self.sim = Simulation(scenario, seed=arc.meta.get("seed"))
        add_recent(path)
        name = arc.meta.get("scenario_name") or scenario.meta.name
        self.label.setText(f"{pick(name)} · {fmt_min(arc.duration)} · {arc.event_count} {T('条事件')}")
        self.marks.clear()
        marks: list[tuple[float, str]] = []
        for ev in arc.events(types="inject."):
            if ev.type in ("inject.sent", "inject.answered", "inject.missed"):
                what = {"inject.sent": T("下发"), "inject.answered": T("已响应"), "inject.missed": T("超时")}[ev.type]
                marks.append((ev.t, f"{T('情况导入')} {ev.data.get('id')} {what} {pick(ev.data.get('message') or '')}"))
        for n in arc.notes():
            marks.append((n["t"], f"{T('评估记录')}{colon()}{n.get('text', '')}"))
        for ev in arc.events(types="response."):
            marks.append((ev.t, f"{T('应急响应级别')}{colon()}{label(RESPONSE_LEVELS, ev.data.get('level'), cap=True) if ev.data.get('level') else T('终止响应')}"))
        for t, text in sorted(marks, key=lambda m: m[0]):
            it = QListWidgetItem(f"{fmt_min(t)}  {text}", self.marks)
            it.setData(Qt.ItemDataRole.UserRole, t)
        self.events = list(arc.events())
        self.event_t = [e.t for e in self.events]
        from drillsim.gui.panels import ArchiveSeats

        self.seats = ArchiveSeats.from_events(self.events)
        self._shown_events = -1
        self._set_enabled(True)
        self._kpi_hist = self.kpi_history()
        # The archive's events and map stay in memory as long as it is open and form
        # no garbage: frozen, a full collection pass no longer walks them (at 100k nodes
        # such a pass took ~1 s and froze the slider; see record.archive.gc_paused).
        gc.collect()
        gc.freeze()
        self._enter()
        self.seek(0.0)

    def _enter(self) -> None:
        """Put the main window in replay mode for this archive (map, KPI history, log)."""
        self.main.enter_replay(self)
        self.main.kpi.set_history(self._kpi_hist, self.duration)
        self._shown_events = -1

    def kpi_history(self) -> list[tuple[float, dict[str, float]]]:
        """The charted KPI series over the whole archive: one pass over the events, ~KPI_SAMPLES samples."""
        from drillsim.gui.kpi import state_kpi_values

        arc, dur = self.archive, self.duration
        if dur <= 0:
            return [(0.0, state_kpi_values(arc.state_at(0.0)))]
        step = max(1.0, dur / KPI_SAMPLES)
        st = arc.reducer_at(0.0)
        out = [(0.0, state_kpi_values(st.view(0.0)))]
        nxt = step
        for ev in arc.events(after_seq=st.last_seq):
            while ev.t > nxt and nxt < dur:
                out.append((nxt, state_kpi_values(st.view(nxt))))
                nxt += step
            st.apply(ev)
        while nxt < dur:
            out.append((nxt, state_kpi_values(st.view(nxt))))
            nxt += step
        out.append((dur, state_kpi_values(st.view(dur))))
        return out

    def _sync_hazards(self, state: dict[str, Any]) -> None:
        """Start the replay map's field hazards as the archive says they were at ``self.t``."""
        started = {str(h.get("id")): h.get("started") for h in state.get("hazards", [])}
        for hid, h in self.sim.hazards.items():
            t0 = started.get(hid)
            on = h.type in FIELD_HAZARDS and t0 is not None and self.t >= float(t0)
            h.started = on
            h.started_at = float(t0) if on else None

    # ------------------------------------------------------------------ seek and play
    @property
    def duration(self) -> float:
        return float(self.archive.duration) if self.archive is not None else 0.0

    def _slid(self, v: int) -> None:
        self.scrub_to(self.duration * v / 1000.0)

    def scrub_to(self, t: float) -> None:
        """Seek to ``t`` after a short debounce (slider drags, forward or backward)."""
        self._pending = t
        self._debounce.start()

    def seek(self, t: float, move_slider: bool = True) -> dict[str, Any] | None:
        if self.archive is None:
            return None
        if self.main.mode != "replay":  # e.g. a mark double-clicked after 返回实时
            self._enter()
        self.t = max(0.0, min(float(t), self.duration))
        state = self.archive.state_at(self.t)
        if move_slider and self.duration > 0:
            self.slider.blockSignals(True)
            self.slider.setValue(int(round(1000 * self.t / self.duration)))
            self.slider.blockSignals(False)
        self.time.setText(fmt_min(self.t))
        self._sync_hazards(state)
        self.main.map.update_state(state, sim=self.sim)
        self.main.show_clock(self.t, self.scenario)
        self.main.show_replay_time(self.t, self.duration)
        n = bisect.bisect_right(self.event_t, self.t)
        log = self.main.log
        if n != self._shown_events or log.model.seat not in ("", "director"):  # a seat learns of news later
            log.show_events(self.events, n, self._shown_events, self.sim, seats=self.seats, now=self.t)
            self._shown_events = n
        self.main.kpi.show_until(self.t)
        k = state.get("kpis") or {}
        self.kpis.setText(gap().join([f"{T('事件')}{colon()}{k.get('incidents', 0)}", f"{T('已处置')}{colon()}{k.get('incidents_resolved', 0)}",
                                      f"{T('获救')}{colon()}{k.get('rescued', 0)}/{k.get('trapped', 0)}",
                                      f"{T('调派')}{colon()}{k.get('dispatches', 0)}"]))
        return state

    def toggle_play(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.play_btn.setText(T("播放"))
        else:
            if self.t >= self.duration:
                self.t = 0.0
            self.timer.start()
            self.play_btn.setText(T("暂停"))

    def _play_tick(self) -> None:
        speed = float(self.speed.currentData() or 60)
        self.seek(self.t + speed * 0.1 / 60.0)
        if self.t >= self.duration:
            self.toggle_play()

    def stop(self) -> None:
        self.timer.stop()
        self.play_btn.setText(T("播放"))

    # ------------------------------------------------------------------ branch
    def branch(self) -> None:
        """What-if: re-run the archived inputs up to now in a new session and continue live."""
        from drillsim.exercise.session import Session

        if self.archive is None:
            return
        self.stop()
        t = self.t
        meta = self.archive.meta
        sess = Session(self.scenario, seed=meta.get("seed"), auto_dispatch=bool(meta.get("auto_dispatch", True)))
        sess.replay_inputs([i for i in self.archive.inputs() if i.kind != "director" or i.data.get("action") not in
                            ("pause", "resume", "speed")], until=t)
        self.main.start_session(sess, origin=f"{T('分支')}{colon()}{self.archive.path.name} @ {fmt_min(t)}")
        self.main.status(T("已从复盘时刻创建推演分支") + f" {fmt_min(t)}")

