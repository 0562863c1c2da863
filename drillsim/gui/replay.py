"""Replay (复盘): open a .drill archive, scrub the timeline, jump to injects and notes,
play at any speed, and start a what-if branch (推演分支) from the current time.

State at time t comes from ``Archive.state_at(t)`` (snapshots + events; no simulation).
The static map (roads, places) comes from the archived scenario. A branch re-runs
the archived inputs up to t in a new :class:`Session` and continues live.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QListWidgetItem, QPushButton, QSlider

from drillsim.core.errors import InputError
from drillsim.gui.common import T, add_recent, child, fmt_min, load_ui, pick

SPEEDS = (1, 10, 60, 300, 600, 3600)


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
        self.sim = None  # static map for drawing
        self.t = 0.0
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
        self._debounce.timeout.connect(lambda: self.seek(self._pending, move_slider=False))
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
            marks.append((n["t"], f"{T('评估记录')}: {n.get('text', '')}"))
        for ev in arc.events(types="response."):
            marks.append((ev.t, f"{T('应急响应级别')}: {ev.data.get('level')}"))
        for t, text in sorted(marks, key=lambda m: m[0]):
            it = QListWidgetItem(f"{fmt_min(t)}  {text}", self.marks)
            it.setData(Qt.ItemDataRole.UserRole, t)
        self._set_enabled(True)
        self.main.enter_replay(self)
        self.seek(0.0)

    # ------------------------------------------------------------------ seek and play
    @property
    def duration(self) -> float:
        return float(self.archive.duration) if self.archive is not None else 0.0

    def _slid(self, v: int) -> None:
        self._pending = self.duration * v / 1000.0
        self._debounce.start()

    def seek(self, t: float, move_slider: bool = True) -> dict[str, Any] | None:
        if self.archive is None:
            return None
        self.t = max(0.0, min(float(t), self.duration))
        state = self.archive.state_at(self.t)
        if move_slider and self.duration > 0:
            self.slider.blockSignals(True)
            self.slider.setValue(int(round(1000 * self.t / self.duration)))
            self.slider.blockSignals(False)
        self.time.setText(fmt_min(self.t))
        self.main.map.update_state(state)
        self.main.show_clock(self.t, self.scenario)
        k = state.get("kpis") or {}
        self.kpis.setText(f"{T('事件')}: {k.get('incidents', 0)}　{T('已处置')}: {k.get('incidents_resolved', 0)}　"
                          f"{T('获救')}: {k.get('rescued', 0)}/{k.get('trapped', 0)}　{T('调派')}: {k.get('dispatches', 0)}")
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
        self.main.start_session(sess, origin=f"{T('分支')}: {self.archive.path.name} @ {fmt_min(t)}")
        self.main.status(T("已从复盘时刻创建推演分支") + f" {fmt_min(t)}")

