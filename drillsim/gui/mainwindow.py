"""The main window (ui/mainwindow.ui): map in the centre, clock toolbar, consoles docked right,
event log and KPI dashboard docked at the bottom."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSlider,
    QStatusBar,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from drillsim.gui import dialogs
from drillsim.gui.common import (
    SPEEDS,
    T,
    child,
    clock_text,
    colon,
    fmt_min,
    join,
    load_ui,
    pick,
    settings,
)
from drillsim.gui.kpi import KpiPanel
from drillsim.gui.mapview import LAYER_ZH, LAYERS, MapView
from drillsim.gui.panels import DirectorConsole, EvaluatorConsole, EventLog, TraineeConsole
from drillsim.gui.replay import ReplayConsole

VIEWS = ("map", "director", "trainee", "evaluator", "kpi", "replay")
DIALOGS = {"dispatch": dialogs.DispatchDialog, "supplies": dialogs.SuppliesDialog,
           "evacuate": dialogs.EvacuateDialog, "warning": dialogs.WarningDialog, "level": dialogs.LevelDialog,
           "request": dialogs.RequestDialog, "inject": dialogs.InjectDialog}


class MainWindow(QObject):
    def __init__(self, app) -> None:
        super().__init__()
        self.app = app
        self.controller = app.controller
        self.win: QMainWindow = load_ui("mainwindow")
        self.win.installEventFilter(self)
        self.mode = "live"
        self.dialog = None
        self._last_sample = -1e9
        w = self.win
        # map
        self.map = MapView(w)
        child(w, QVBoxLayout, "centralLayout").addWidget(self.map, 1)
        self.banner: QLabel = child(w, QLabel, "bannerLabel")
        # consoles
        self.director = DirectorConsole(self)
        self.trainee = TraineeConsole(self)
        self.evaluator = EvaluatorConsole(self)
        self.replay = ReplayConsole(self)
        self.log = EventLog(self)
        self.kpi = KpiPanel()
        for name, widget in (("directorTabLayout", self.director.w), ("traineeTabLayout", self.trainee.w),
                             ("evaluatorTabLayout", self.evaluator.w), ("replayTabLayout", self.replay.w),
                             ("logTabLayout", self.log.w), ("kpiTabLayout", self.kpi)):
            lay = child(w, QVBoxLayout, name)
            lay.addWidget(widget)
            if name in ("logTabLayout", "kpiTabLayout"):  # the bottom dock is short: no double margins
                lay.setContentsMargins(2, 2, 2, 2)
        self.log.w.layout().setContentsMargins(4, 4, 4, 2)
        self.log.w.layout().setSpacing(4)
        self.console_tabs: QTabWidget = child(w, QTabWidget, "consoleTabs")
        self.bottom_tabs: QTabWidget = child(w, QTabWidget, "bottomTabs")
        self.console_dock: QDockWidget = child(w, QDockWidget, "consoleDock")
        self.bottom_dock: QDockWidget = child(w, QDockWidget, "bottomDock")
        self.console_tabs.setCurrentIndex(1)
        w.resizeDocks([self.console_dock], [470], Qt.Orientation.Horizontal)
        w.resizeDocks([self.bottom_dock], [230], Qt.Orientation.Vertical)
        # clock toolbar
        bar: QToolBar = child(w, QToolBar, "clockBar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        st = w.style()
        from PySide6.QtWidgets import QStyle

        self.a_play: QAction = child(w, QAction, "actionPlay")
        self.a_play.setIcon(st.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        child(w, QAction, "actionStep").setIcon(st.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward))
        child(w, QAction, "actionNextInject").setIcon(st.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward))
        bar.addSeparator()
        bar.addWidget(QLabel(" " + T("速度") + " "))
        self.speed = QComboBox()
        self.speed.setObjectName("speedCombo")
        for s in SPEEDS:
            self.speed.addItem(f"{s}x", s)
        bar.addWidget(self.speed)
        bar.addSeparator()
        self.clock = QLabel("T+00:00")
        self.clock.setObjectName("clockLabel")
        self.clock.setStyleSheet("font-size: 13pt; font-weight: bold; padding: 0 10px; color: #0d47a1;")
        bar.addWidget(self.clock)
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setObjectName("timelineSlider")
        self.timeline.setRange(0, 1000)
        self.timeline.setMinimumWidth(260)
        self.timeline.setToolTip(T("推演进度：向后拖动可快进"))
        bar.addWidget(self.timeline)
        layers_btn = QToolButton()
        layers_btn.setText(T("图层"))
        layers_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addSeparator()
        bar.addWidget(layers_btn)
        # layers
        self.layer_actions: dict[str, QAction] = {}
        menu_layers: QMenu = child(w, QMenu, "menuLayers")
        for name in LAYERS:
            a = QAction(T(LAYER_ZH[name]), w)
            a.setObjectName(f"layer_{name}")
            a.setCheckable(True)
            a.setChecked(True)
            a.toggled.connect(lambda on, n=name: self.map.set_layer_visible(n, on))
            menu_layers.addAction(a)
            self.layer_actions[name] = a
        layers_btn.setMenu(menu_layers)
        # actions
        self.a_play.triggered.connect(self.toggle_play)
        child(w, QAction, "actionStep").triggered.connect(lambda: self.controller.step(1.0))
        child(w, QAction, "actionNextInject").triggered.connect(self.next_inject)
        child(w, QAction, "actionPauseAll").triggered.connect(self.pause_all)
        child(w, QAction, "actionFit").triggered.connect(self.map.fit)
        child(w, QAction, "actionOpenScenario").triggered.connect(self.open_scenario_dialog)
        child(w, QAction, "actionOpenArchive").triggered.connect(self.open_archive_dialog)
        self.a_osm = QAction(T("从OSM新建演练..."), w)  # drillsim.gui.map_wizard
        child(w, QMenu, "menuFile").insertAction(child(w, QAction, "actionOpenArchive"), self.a_osm)
        self.a_osm.triggered.connect(self.osm_wizard)
        child(w, QAction, "actionRecord").triggered.connect(self.record_dialog)
        child(w, QAction, "actionReport").triggered.connect(self.report_dialog)
        child(w, QAction, "actionScreenshot").triggered.connect(self.screenshot_dialog)
        child(w, QAction, "actionStartPage").triggered.connect(app.show_start)
        child(w, QAction, "actionQuit").triggered.connect(w.close)
        child(w, QAction, "actionAbout").triggered.connect(self.about)
        from drillsim.gui import net_host

        net_host.install(self)  # 文件 → 主持联网演练
        self.a_zh: QAction = child(w, QAction, "actionZh")
        self.a_en: QAction = child(w, QAction, "actionEn")
        self.a_zh.setChecked(app.lang == "zh")
        self.a_en.setChecked(app.lang == "en")
        self.a_zh.triggered.connect(lambda: app.set_language("zh"))
        self.a_en.triggered.connect(lambda: app.set_language("en"))
        a_cons = child(w, QAction, "actionShowConsoles")
        a_cons.toggled.connect(self.console_dock.setVisible)
        self.console_dock.visibilityChanged.connect(a_cons.setChecked)
        a_bot = child(w, QAction, "actionShowBottom")
        a_bot.toggled.connect(self.bottom_dock.setVisible)
        self.bottom_dock.visibilityChanged.connect(a_bot.setChecked)
        self.recent_menu: QMenu = child(w, QMenu, "menuRecent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.speed.currentIndexChanged.connect(lambda *_: self.controller.set_speed(float(self.speed.currentData())))
        self.timeline.sliderReleased.connect(self._timeline_released)
        self.timeline.valueChanged.connect(self._timeline_moved)
        self.map.selected.connect(self._map_selected)
        # engine signals
        self.controller.advanced.connect(self._advanced)
        self.controller.new_events.connect(self._events)
        self.controller.running_changed.connect(self._running)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(1000)
        self.refresh_timer.timeout.connect(self.refresh_panels)
        self.refresh_timer.start()
        self.statusbar: QStatusBar = child(w, QStatusBar, "statusbar")
        self.restore_settings()
        if self.controller.session is not None:
            self.attach(self.controller.session)

    # ------------------------------------------------------------------ session
    def attach(self, session) -> None:
        """Show a (new) live session: map, consoles, log, KPI history."""
        self.mode = "live"
        self.timeline.setToolTip(T("推演进度：向后拖动可快进"))
        self.replay.stop()
        self.map.set_world(session.sim)
        self.trainee.set_session(session)
        self.evaluator.set_session(session)
        self.log.set_session(session)
        self.kpi.reset()
        self._last_sample = -1e9
        k = self.speed.findData(int(session.speed)) if int(session.speed) in SPEEDS else -1
        default = int(settings().value("clock/speed", 60))
        if k < 0 or session.now == 0:
            k = self.speed.findData(default if default in SPEEDS else 60)
        self.speed.setCurrentIndex(max(0, k))
        self.controller.set_speed(float(self.speed.currentData()))
        origin = self.controller.origin
        self.banner.setText(f"{pick(session.scenario.meta.name)}" + (f"　[{origin}]" if origin else ""))
        self.win.setWindowTitle(f"DrillSim — {pick(session.scenario.meta.name)}")
        self._advanced(session.now)
        self.refresh_panels()

    def show_loading(self, text: str | None) -> None:
        """A busy indicator (status bar + banner) while a scenario loads; None hides it."""
        if text is None:
            if getattr(self, "_busy", None) is not None:
                self.statusbar.removeWidget(self._busy)
                self._busy.deleteLater()
                self._busy = None
            self.statusbar.clearMessage()
            return
        if getattr(self, "_busy", None) is None:
            self._busy = QProgressBar()
            self._busy.setObjectName("loadingBar")
            self._busy.setRange(0, 0)  # indeterminate
            self._busy.setMaximumWidth(220)
            self._busy.setMaximumHeight(14)
            self.statusbar.addPermanentWidget(self._busy)
        self.banner.setText(text)
        self.statusbar.showMessage(text)

    def start_session(self, session, origin: str = "") -> None:
        self.controller.set_session(session, origin=origin)
        self.attach(session)

    def current_seat(self) -> str:
        return self.trainee.current_seat()

    # ------------------------------------------------------------------ clock
    def toggle_play(self) -> None:
        if self.mode == "replay":
            self.replay.toggle_play()
            return
        self.controller.toggle()

    def pause_all(self) -> None:
        self.controller.pause()
        self.status(T("导演部：全体暂停"))

    def next_inject(self) -> None:
        t = self.controller.jump_next_inject()
        self.status(T("已跳到下一条情况导入") + f" {fmt_min(t)}" if t is not None else T("没有待发的情况导入"))

    def _timeline_moved(self, v: int) -> None:
        """Replay: the toolbar timeline scrubs both ways (the replay console debounces)."""
        if self.mode == "replay" and self.replay.archive is not None:
            self.replay.scrub_to(self.replay.duration * v / 1000.0)

    def _timeline_released(self) -> None:
        s = self.controller.session
        if self.mode == "replay" or s is None:
            return
        t = s.duration * self.timeline.value() / 1000.0
        if t > s.now:
            self.controller.advance_to(t, sample_every=10.0)
        elif t < s.now - 0.5:
            # a live drill cannot run backward: snap back and say how to look back
            self._advanced(s.now)
            self.status(T("实时推演不能倒退：请用“记录到档案”并在复盘中回看，或从复盘时刻推演分支"))

    def show_replay_time(self, t: float, duration: float) -> None:
        if not self.timeline.isSliderDown():
            self.timeline.blockSignals(True)
            self.timeline.setValue(int(round(1000 * t / max(1e-9, duration))))
            self.timeline.blockSignals(False)

    def _running(self, on: bool) -> None:
        from PySide6.QtWidgets import QStyle

        self.a_play.setText(T("暂停") if on else T("开始"))
        self.a_play.setIcon(self.win.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if on else QStyle.StandardPixmap.SP_MediaPlay))

    def show_clock(self, t: float, scenario) -> None:
        text = clock_text(scenario.meta.start, t)
        if text != self.clock.text():  # at 600x the minute changes every other tick: skip relayouts
            self.clock.setText(text)

    def _advanced(self, now: float) -> None:
        s = self.controller.session
        if s is None or self.mode != "live":
            return
        self.map.update_live(s.sim)
        self.show_clock(now, s.scenario)
        if not self.timeline.isSliderDown():
            self.timeline.blockSignals(True)
            self.timeline.setValue(int(1000 * now / max(1e-9, s.duration)))
            self.timeline.blockSignals(False)
        if now - self._last_sample >= 1.0 or now < self._last_sample:
            self._last_sample = now
            self.kpi.sample(s.sim)

    def _events(self, events) -> None:
        self.log.append(events)
        if any(e.type.startswith(("inject.", "response.", "support.")) for e in events):
            self.director.refresh()

    def refresh_panels(self) -> None:
        if self.controller.session is None or not self.win.isVisible() and not self.app.offscreen:
            return
        self.director.refresh()
        self.trainee.refresh()
        self.kpi.redraw()
        if self.controller.recorder is not None:
            self.controller.recorder.poll()

    # ------------------------------------------------------------------ dialogs
    def open_dialog(self, kind: str, **kw):
        if self.controller.session is None:
            return None
        self.dialog = DIALOGS[kind](self, **kw)
        self.dialog.show()
        return self.dialog

    def focus_unit(self, uid: str) -> None:
        pos = self.map.unit_pos(uid)
        if pos is not None:
            self.map.centerOn(pos[0], -pos[1])
            self.map.select_unit(uid)

    def _map_selected(self, kind: str, key: str) -> None:
        self.status(f"{kind}: {key}")
        if kind == "incident" and self.controller.session is not None:
            inc = self.controller.session.sim.board.incidents.get(key)
            if inc is not None:
                self.console_tabs.setCurrentWidget(child(self.win, QWidget, "traineeTab"))

    def status(self, msg: str) -> None:
        self.statusbar.showMessage(msg, 8000)

    # ------------------------------------------------------------------ files
    def open_scenario_dialog(self) -> None:
        from drillsim.core.paths import scenarios_dir

        path, _ = QFileDialog.getOpenFileName(self.win, T("打开想定"), str(scenarios_dir()), T("想定") + " (*.yaml *.yml)")
        if path:
            self.app.open_path(path)

    def osm_wizard(self) -> None:
        from drillsim.gui.map_wizard import run_wizard

        self.wizard = run_wizard(self.app, self.win)

    def open_archive_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.win, T("打开复盘档案"), "", T("复盘档案") + " (*.drill)")
        if path:
            self.app.open_path(path)

    def record_dialog(self) -> None:
        if self.controller.session is None:
            return
        path, _ = QFileDialog.getSaveFileName(self.win, T("记录到档案"), "drill.drill", T("复盘档案") + " (*.drill)")
        if path:
            self.controller.start_recording(path)
            self.status(T("正在记录") + f": {path}")

    def report_archive_path(self) -> Path | None:
        """The archive an after-action report is built from: the open replay, else the live drill's
        recording (flushed first); None if there is neither."""
        if self.mode == "replay" and self.replay.archive is not None:
            return Path(self.replay.archive.path)
        rec = self.controller.recorder
        if rec is not None and not getattr(rec, "closed", False):
            rec.flush()
            return Path(rec.path)
        return None

    def report_dialog(self) -> None:
        """File → After-action report: pick the HTML file (the PDF filter also writes OUT.pdf next to it)."""
        src = self.report_archive_path()
        if src is None:
            self.status(T("没有可生成报告的档案：请打开复盘档案，或先“记录到档案”"))
            box = QMessageBox(QMessageBox.Icon.Information, T("生成评估报告"),
                              T("评估报告由复盘档案生成：请打开复盘档案，或先用“记录到档案”记录当前推演。"),
                              QMessageBox.StandardButton.Ok, self.win)
            box.setObjectName("reportHintBox")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # window-modal, does not block the clock
            return
        html_f, pdf_f = "HTML (*.html)", "PDF (*.pdf)"
        path, chosen = QFileDialog.getSaveFileName(self.win, T("生成评估报告"), str(src.with_suffix(".html")),
                                                   f"{html_f};;{pdf_f}")
        if path:
            from drillsim.report.export import format_of

            out = Path(path)
            if format_of(out) is None:  # no or another extension: the chosen filter's
                out = Path(path + (".pdf" if chosen == pdf_f else ".html"))
            self.write_report(out)

    def write_report(self, out: str | Path, pdf: str | Path | None = None) -> Path | None:
        """Write the after-action report (drillsim.report) of the replayed or recorded drill to
        ``out``, HTML or PDF by its extension (and to ``pdf`` too if given), in the app's language;
        the path is shown in the status bar."""
        from PySide6.QtGui import QGuiApplication

        from drillsim.report.charts import cjk_font
        from drillsim.report.export import write_report

        src = self.report_archive_path()
        if src is None:
            self.status(T("没有可生成报告的档案：请打开复盘档案，或先“记录到档案”"))
            return None
        outs = [Path(out)] + ([Path(pdf)] if pdf is not None else [])
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            res = write_report([src], outs, self.app.lang)
        except Exception as e:  # noqa: BLE001 - shown to the user, not a traceback
            self.status(T("生成评估报告失败") + f": {e}")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        msg = T("评估报告已保存") + colon() + join(f"{p} ({n} {T('页')})" if n else str(p) for p, n in res.written)
        if self.app.lang == "zh" and cjk_font() is None:
            msg += "　" + T("(未找到中文字体，图表中的中文可能无法显示)")
        self.statusbar.showMessage(msg, 15000)
        return outs[0]

    def screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.win, T("保存截图"), "drillsim.png", "PNG (*.png)")
        if path:
            self.screenshot(path)

    def screenshot(self, path: str | Path) -> tuple[int, int]:
        self.kpi.draw_now()
        pix = self.win.grab()
        pix.save(str(path), "PNG")
        return pix.width(), pix.height()

    def _fill_recent(self) -> None:
        from drillsim.gui.common import recent_files

        self.recent_menu.clear()
        for p in recent_files():
            a = self.recent_menu.addAction(p)
            a.triggered.connect(lambda _=False, path=p: self.app.open_path(path))

    def about(self) -> None:
        QMessageBox.about(self.win, T("关于 DrillSim"),
                          T("DrillSim 应急演练推演系统：地震、洪水、危化品泄漏、森林火灾桌面推演与复盘。"))

    # ------------------------------------------------------------------ replay
    def enter_replay(self, console) -> None:
        self.controller.pause()
        self.mode = "replay"
        self.map.set_world(console.sim)
        self.timeline.setToolTip(T("复盘时间：可向前、向后拖动"))
        self.console_tabs.setCurrentWidget(child(self.win, QWidget, "replayTab"))
        self.banner.setText(T("复盘") + f": {pick(console.scenario.meta.name)}")

    def back_to_live(self) -> None:
        self.replay.stop()
        if self.controller.session is not None:
            self.attach(self.controller.session)
        else:
            self.status(T("没有实时推演"))

    # ------------------------------------------------------------------ views
    def set_view(self, name: str) -> None:
        if name not in VIEWS:
            raise ValueError(f"unknown view {name!r}; choose one of {', '.join(VIEWS)}")
        self.console_dock.setVisible(name != "map")
        self.bottom_dock.setVisible(name != "map")
        tabs = {"director": "directorTab", "trainee": "traineeTab", "evaluator": "evaluatorTab", "replay": "replayTab"}
        if name in tabs:
            self.console_tabs.setCurrentWidget(child(self.win, QWidget, tabs[name]))
        if name == "kpi":
            self.bottom_tabs.setCurrentWidget(child(self.win, QWidget, "kpiTab"))
            self.win.resizeDocks([self.bottom_dock], [380], Qt.Orientation.Vertical)
        else:
            self.bottom_tabs.setCurrentWidget(child(self.win, QWidget, "logTab"))

    # ------------------------------------------------------------------ settings
    def restore_settings(self) -> None:
        s = settings()
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            self.win.restoreGeometry(geo)
        else:
            self.win.resize(1440, 900)
        state = s.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.win.restoreState(state)

    def save_settings(self) -> None:
        s = settings()
        s.setValue("window/geometry", self.win.saveGeometry())
        s.setValue("window/state", self.win.saveState())
        if self.speed.currentData():
            s.setValue("clock/speed", int(self.speed.currentData()))
        s.sync()

    def eventFilter(self, obj, e) -> bool:  # noqa: N802
        if obj is self.win and e.type() == QEvent.Type.Close:
            self.save_settings()
            self.refresh_timer.stop()
            self.replay.stop()
            if not self.app.switching:
                self.controller.pause()
                self.controller.stop_recording()
        return False
