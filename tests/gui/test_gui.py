"""GUI tests driving real widgets (offscreen)."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QWidget,
)

from tests.gui.conftest import DATA, SCENARIO

REPO = Path(__file__).resolve().parents[2]


def ok_button(dlg):
    return dlg.c(QDialogButtonBox, "buttonBox").button(QDialogButtonBox.StandardButton.Ok)


def test_play_advances_time(win, qtbot):
    s = win.controller.session
    assert s.paused and s.now == 0
    win.speed.setCurrentIndex(win.speed.findData(600))
    win.a_play.trigger()
    assert win.controller.running
    qtbot.waitUntil(lambda: s.now > 1.0, timeout=5000)
    win.a_play.trigger()
    assert s.paused
    assert "T+" in win.clock.text()


def test_step_and_next_inject(win):
    s = win.controller.session
    win.win.findChild(type(win.a_play), "actionStep").trigger()
    assert s.now == pytest.approx(1.0)
    win.next_inject()
    assert s.now == pytest.approx(30.0, abs=0.02)
    assert s.msel.injects["inj1"].status == "sent"


def test_dispatch_through_dialog(win, qtbot):
    s = win.controller.session
    s.sim.dispatcher.enabled = False
    win.controller.advance_to(6)
    task = "i_c06/rescue"
    assert task in s.sim.board.tasks
    win.trainee.seat.setCurrentIndex(win.trainee.seat.findData("county_hq"))
    d = win.open_dialog("dispatch", task=task, unit="fire3")
    assert d.tasks.currentData() == task and d.units.currentData() == "fire3"
    assert win.map.route_item is not None, "route preview drawn on the map"
    assert "km" in d.route_label.text()
    qtbot.mouseClick(ok_button(d), Qt.MouseButton.LeftButton)
    assert d.result.ok
    win.controller.step(0.5)
    assert s.sim.units["fire3"].task is not None and s.sim.units["fire3"].task.id == task
    assert win.map.route_item is None


def test_refused_order_shows_reason(win, qtbot):
    win.controller.advance_to(6)
    win.trainee.seat.setCurrentIndex(win.trainee.seat.findData("county_hq"))
    d = win.open_dialog("dispatch", task="i_c06/rescue", unit="army1")
    qtbot.mouseClick(ok_button(d), Qt.MouseButton.LeftButton)
    assert not d.result.ok
    assert "批准" in d.reason.text()
    assert d.dlg.isVisible()
    d.dlg.reject()


def test_level_and_warning_dialogs(win, qtbot):
    s = win.controller.session
    d = win.open_dialog("level")
    d.c(QComboBox, "levelCombo").setCurrentIndex(d.c(QComboBox, "levelCombo").findData("III"))
    qtbot.mouseClick(ok_button(d), Qt.MouseButton.LeftButton)
    assert s.seats.response_level == "III"
    d = win.open_dialog("warning")
    d.c(QComboBox, "colorCombo").setCurrentIndex(d.c(QComboBox, "colorCombo").findData("orange"))
    qtbot.mouseClick(ok_button(d), Qt.MouseButton.LeftButton)
    assert d.result.ok
    assert s.events.of_type("warning.issued")


def test_evacuate_and_supplies_dialogs(win, qtbot):
    s = win.controller.session
    d = win.open_dialog("evacuate")
    d.c(QComboBox, "seatCombo").setCurrentIndex(0)  # director
    qtbot.mouseClick(ok_button(d), Qt.MouseButton.LeftButton)
    assert d.result.ok
    d = win.open_dialog("supplies")
    d.c(QComboBox, "seatCombo").setCurrentIndex(0)
    d.src.setCurrentIndex(d.src.findData("dep_county"))
    d.item.setCurrentIndex(d.item.findData("tent"))
    qtbot.mouseClick(ok_button(d), Qt.MouseButton.LeftButton)
    assert d.result.ok, d.reason.text()
    assert any(e.data.get("op") == "move_supplies" for e in s.events.of_type("order.accepted"))


def test_request_support_and_director_approval(win, qtbot):
    s = win.controller.session
    d = win.open_dialog("request")
    d.c(QComboBox, "seatCombo").setCurrentIndex(d.c(QComboBox, "seatCombo").findData("county_hq"))
    d.c(QComboBox, "toCombo").setCurrentIndex(d.c(QComboBox, "toCombo").findData("city_hq"))
    lst = d.c(QListWidget, "unitList")
    for i in range(lst.count()):
        if lst.item(i).data(Qt.ItemDataRole.UserRole) == "army1":
            lst.item(i).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(ok_button(d), Qt.MouseButton.LeftButton)
    assert d.result.ok
    win.director.refresh()
    win.director.requests.selectRow(0)
    qtbot.mouseClick(win.director.w.findChild(QPushButton, "approveButton"), Qt.MouseButton.LeftButton)
    assert s.seats.requests["req1"]["status"] == "approved"


def test_fire_inject_from_msel(win, qtbot):
    s = win.controller.session
    win.director.refresh()
    t: QTableWidget = win.director.msel
    row = next(r for r in range(t.rowCount()) if t.item(r, 1).text() == "inj2")
    assert t.item(row, 4).text() == "待发"
    t.selectRow(row)
    qtbot.mouseClick(win.director.w.findChild(QPushButton, "fireButton"), Qt.MouseButton.LeftButton)
    assert s.msel.injects["inj2"].status == "sent"
    row = next(r for r in range(t.rowCount()) if t.item(r, 1).text() == "inj2")
    assert t.item(row, 4).text() == "已下发"


def test_msel_message_and_incident_names_not_cut(win, qtbot):
    """MSEL: the message column stretches and wraps, full text in the tooltip. Trainee: the
    incident tree fits the console at 1440x900 (long names elided, full name in the tooltip)."""
    from PySide6.QtWidgets import QHeaderView

    from drillsim.core.i18n import pick

    s = win.controller.session
    win.win.resize(1440, 900)
    win.set_view("director")
    win.director.refresh()
    qtbot.wait(20)
    t: QTableWidget = win.director.msel
    assert t.horizontalHeader().sectionResizeMode(3) == QHeaderView.ResizeMode.Stretch and t.wordWrap()
    injects = sorted(s.msel.injects.values(), key=lambda i: (i.time_min, i.id))
    long_row = max(range(len(injects)), key=lambda r: len(pick(injects[r].message)))
    msg = pick(injects[long_row].message)
    assert t.item(long_row, 3).text() == msg and t.item(long_row, 3).toolTip() == msg
    if t.fontMetrics().horizontalAdvance(msg) > t.columnWidth(3):  # wrapped onto more lines
        assert t.rowHeight(long_row) > t.fontMetrics().lineSpacing() * 2
    # trainee: long names elided with tooltips, no horizontal scrolling
    win.controller.advance_to(60)
    win.set_view("trainee")
    tree = win.trainee.incidents
    win.trainee.seat.setCurrentIndex(0)  # director: every incident
    win.trainee.refresh()
    shown = [s.sim.board.incidents[iid] for iid in win.trainee._inc_items]  # the tree lists the first 300
    inc = max(shown, key=lambda i: len(pick(i.name)))
    inc.name = {"zh": pick(inc.name) + "（附近多处民房倒塌，道路受阻，需要重型机械支援）" * 2, "en": "x"}
    win.trainee.refresh()
    qtbot.wait(20)
    item = win.trainee._inc_items[inc.id]
    assert item.toolTip(0).startswith(pick(inc.name))
    assert tree.header().length() <= tree.viewport().width()
    assert tree.horizontalScrollBar().maximum() == 0
    assert tree.textElideMode() == Qt.TextElideMode.ElideRight


def test_adhoc_and_edit_inject(win, qtbot):
    s = win.controller.session
    d = win.open_dialog("inject", inject_id="inj3")
    d.c(QPlainTextEdit, "messageEdit").setPlainText("石桥镇通信中断(已修改)")
    qtbot.mouseClick(ok_button(d), Qt.MouseButton.LeftButton)
    assert s.msel.injects["inj3"].message["zh"].endswith("(已修改)")
    d = win.open_dialog("inject")
    d.c(QPlainTextEdit, "messageEdit").setPlainText("城关镇报告：化工运输车侧翻")
    d.effect.setCurrentIndex(d.effect.findData("comms_down"))
    d.c(QComboBox, "targetCombo").setCurrentIndex(d.c(QComboBox, "targetCombo").findData("town3"))
    qtbot.mouseClick(ok_button(d), Qt.MouseButton.LeftButton)
    sent = s.events.of_type("inject.sent")
    assert sent[-1].data["message"]["zh"] == "城关镇报告：化工运输车侧翻"
    assert not s.seats.seats["town3"].comms_ok


def test_pause_all(win, qtbot):
    win.a_play.trigger()
    assert win.controller.running
    qtbot.mouseClick(win.director.w.findChild(QPushButton, "pauseAllButton"), Qt.MouseButton.LeftButton)
    assert not win.controller.running


def test_note_added(win, qtbot):
    s = win.controller.session
    win.controller.advance_to(12)
    ev = win.evaluator
    assert ev.tree.topLevelItemCount() == 6  # default AQ/T 9009-style checklist
    assert ev.tree.topLevelItem(0).text(0) == "预警发布"
    ev.tree.setCurrentItem(ev.tree.topLevelItem(1).child(0))
    ev.edit.setPlainText("响应启动偏慢")
    qtbot.mouseClick(ev.w.findChild(QPushButton, "addNoteButton"), Qt.MouseButton.LeftButton)
    notes = s.events.of_type("note")
    assert notes[-1].data["text"] == "响应启动偏慢" and notes[-1].t == pytest.approx(12)
    assert notes[-1].data["checklist"] == "response.1"
    assert "响应启动偏慢" in ev.notes.item(ev.notes.count() - 1).text()
    ev.tree.topLevelItem(0).child(0).setCheckState(0, Qt.CheckState.Checked)
    assert s.events.of_type("note")[-1].data["done"] is True


def test_layer_toggles(win):
    for name, action in win.layer_actions.items():
        action.setChecked(False)
        assert not win.map.layer_visible(name)
        action.setChecked(True)
        assert win.map.layer_visible(name)


def test_roads_are_few_path_items(win):
    m = win.map
    n_roads = m.sim.world.net.n_roads
    assert n_roads > 4000
    paths = [c for c in m.layers["roads"].childItems()]
    assert len(paths) < 20
    win.controller.advance_to(30)
    assert not m.status_items["closed"].path().isEmpty() or not m.status_items["damaged"].path().isEmpty()


def test_units_move_not_recreated(win):
    m = win.map
    item = m.units_item
    before = {u: m.unit_pos(u) for u in m.sim.units}
    win.controller.advance_to(40)
    assert m.units_item is item, "one item for all units, updated in place"
    assert [c for c in m.layers["units"].childItems()] == [item]
    moved = [u for u in m.sim.units.values() if u.status != "idle"]
    assert moved
    assert any(m.unit_pos(u.id) != before[u.id] for u in moved)
    assert all(m.unit_pos(u.id) == pytest.approx(u.position()) for u in m.sim.units.values())


def test_tooltips(win):
    m = win.map
    m.scale(10, 10)  # zoom in so nearby icons do not overlap
    sim = m.sim
    p = sim.world.places["sh03"]
    text = m.tooltip_at(QPointF(p.at[0], -p.at[1]))
    assert "人民公园" in text and "安置" in text
    u = sim.units["fire2"]
    x, y = u.position()
    assert "城东消防救援站" in m.tooltip_at(QPointF(x, -y))
    win.controller.advance_to(10)
    eq = sim.hazards["eq1"]
    text = m.tooltip_at(QPointF(eq.at[0] + 800, -(eq.at[1] + 800)))
    assert "烈度" in text  # the field in words (wording.HAZARD_FIELDS), not its key


def test_hazard_overlay_and_legend(win):
    win.controller.advance_to(60)
    m = win.map
    m.update_live(m.sim, force=True)
    assert "eq1" in m.hazard_items and m.hazard_items["eq1"].isVisible()
    assert "leak1" in m.hazard_items
    assert {"earthquake", "chemical"} <= m.legend_hazards


def test_road_colours_distinct_and_legend_consistent(win):
    """A damaged road must not look like an expressway or an arterial (map and legend)."""
    from PySide6.QtGui import QColor

    from drillsim.gui.mapview import ROAD_STATUS_STYLE, ROAD_STYLE

    m = win.map
    rows = m.legend_rows()
    by_text = {text: (kind, col) for kind, col, text in rows}
    dmg = QColor(ROAD_STATUS_STYLE["damaged"][0])
    for cls, text in (("expressway", "高速公路"), ("arterial", "主干道")):
        kind, col = by_text[text]
        assert kind == "road" and QColor(col) == m.road_items[cls].pen().color()  # legend = map
        c = QColor(col)
        hue_gap = abs(c.hsvHue() - dmg.hsvHue())
        assert min(hue_gap, 360 - hue_gap) >= 15 or abs(c.saturation() - dmg.saturation()) >= 120, cls
        assert m.road_items[cls].pen().style() == Qt.PenStyle.SolidLine
    kind, col = by_text["道路受损"]
    assert kind == "dash" and QColor(col) == m.status_items["damaged"].pen().color() == dmg
    assert m.status_items["damaged"].pen().style() == Qt.PenStyle.DashLine
    others = [QColor(c) for s, (c, _, _) in ROAD_STATUS_STYLE.items() if s != "damaged"]
    assert dmg not in others and len({QColor(c).name() for c, _ in ROAD_STYLE.values()} & {dmg.name()}) == 0


def test_event_log_filters(win):
    win.controller.advance_to(35)
    log = win.log
    total = len(log.model.all)
    assert total > 50
    log.types.setCurrentIndex(log.types.findData("inject."))
    assert 0 < len(log.model.rows) < total
    assert all(e.type.startswith("inject.") for e in log.model.rows)
    log.types.setCurrentIndex(0)
    log.seats.setCurrentIndex(log.seats.findData("town5"))
    assert len(log.model.rows) < total


def test_kpi_charts_update_lines(win):
    win.controller.advance_to(60, sample_every=5)
    k = win.kpi
    assert not k.built, "matplotlib is not loaded until the dashboard is shown"
    win.set_view("kpi")
    assert k.built
    k.redraw()
    xs, ys = k.lines["open"].get_data()
    assert len(xs) >= 10 and max(ys) > 0
    line = k.lines["open"]
    win.controller.advance_to(70, sample_every=5)
    k.redraw()
    assert k.lines["open"] is line and len(line.get_xdata()) > len(xs)


def test_switch_language(app, win, qtbot):
    assert win.a_play.text() == "开始"
    app.set_language("en")
    w2 = app.window
    assert w2 is not win
    assert w2.a_play.text() == "Start"
    assert w2.win.findChild(QPushButton, "dispatchButton").text() == "Dispatch"
    assert w2.console_tabs.tabText(0) == "Director"
    assert w2.controller.session is win.controller.session
    app.set_language("zh")
    assert app.window.a_play.text() == "开始"


def test_settings_persisted(app, win, config_dir):
    from drillsim.gui.common import recent_files, settings

    win.speed.setCurrentIndex(win.speed.findData(300))
    win.win.resize(1300, 850)
    win.save_settings()
    s = settings()
    assert int(s.value("clock/speed")) == 300
    assert not s.value("window/geometry").isEmpty()
    assert str(SCENARIO.resolve()) in recent_files()
    assert (config_dir / "drillsim-gui.ini").exists()
    app.set_language("en")
    assert settings().value("language") == "en"


def test_start_page_lists_scenarios(app, monkeypatch, tmp_path):
    import drillsim.gui.startpage as sp

    monkeypatch.setattr(sp, "shipped_scenarios", lambda: [SCENARIO])
    app.show_start()
    lst = app.start.scenarios
    assert lst.count() == 1
    assert "澜溪市6.5级地震" in lst.item(0).text()
    app.start.start_selected()
    assert app.window is not None and app.window.controller.session is not None


def test_start_page_real_shipped(app):
    from drillsim.core.paths import shipped_scenarios

    app.show_start()
    assert app.start.scenarios.count() == len(shipped_scenarios())


def test_bad_file_message_box(app):
    bad = DATA.parent.parent / "data" / "bad" / "negative_size.yaml"
    assert not app.open_path(bad)
    box = app.problem_box
    assert "negative_size.yaml:" in box.text()
    box.close()


def test_bad_file_cli_exit_code():
    bad = REPO / "tests" / "data" / "bad" / "syntax.yaml"
    r = subprocess.run([sys.executable, "-m", "drillsim.gui.app", str(bad)], capture_output=True, text=True,
                       cwd=REPO, timeout=60)
    assert r.returncode == 2
    assert "syntax.yaml:" in r.stderr and "Traceback" not in r.stderr


def test_screenshot_command(tmp_path):
    """One-off runs neither read nor write the user's settings: same command, same picture."""
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QImage

    cfg = tmp_path / "cfg"
    cfg.mkdir()
    ini = cfg / "drillsim-gui.ini"
    s = QSettings(str(ini), QSettings.Format.IniFormat)  # what an earlier interactive session saved
    s.setValue("version", 1)
    s.setValue("language", "en")
    s.setValue("recent", [str(SCENARIO)])
    s.sync()
    del s
    before = ini.read_bytes()
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "DRILLSIM_CONFIG_DIR": str(cfg)}
    outs = []
    for k, extra in enumerate((["--lang", "en"], [])):
        out = tmp_path / f"shot{k}.png"
        r = subprocess.run([sys.executable, "-m", "drillsim.gui.app", str(SCENARIO), "--run-for", "20",
                            "--screenshot", str(out), "--view", "director", *extra],
                           capture_output=True, text=True, cwd=REPO, timeout=120, env=env)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout.split()[-2:])
        img = QImage(str(out))
        assert (img.width(), img.height()) == (1440, 900)
        assert ini.read_bytes() == before, "a screenshot run changed the user's settings"
        assert not (cfg / "drillsim-gui.ini.lock").exists()
    # --lang en applied to its run only; without --lang the saved 'en' is ignored (reproducible: zh)
    assert outs == [["1440x900", "en"], ["1440x900", "zh"]]
    assert sorted(p.name for p in cfg.iterdir()) == ["drillsim-gui.ini"]


def test_lang_option_not_saved(app, config_dir, monkeypatch):
    """``--lang`` on the command line (interactive) is for that run; the 语言 menu saves."""
    from drillsim.gui import app as app_mod
    from drillsim.gui.common import settings

    seen = {}

    class FakeApp:
        def __init__(self, lang=None):
            seen["lang"] = lang
            raise SystemExit(0)

    monkeypatch.setattr(app_mod, "App", FakeApp)
    with pytest.raises(SystemExit):
        app_mod.main(["--lang", "en"])
    assert seen["lang"] == "en"
    assert settings().value("language") is None
    app.set_language("en")
    assert settings().value("language") == "en"
    app.set_language("zh")


def test_scratch_settings(config_dir, monkeypatch):
    import drillsim.gui.common as common

    monkeypatch.setattr(common, "_SCRATCH", None)
    common.settings().setValue("language", "en")
    common.settings().sync()
    scratch = common.use_scratch_settings()
    assert common.config_dir() == scratch != config_dir
    assert common.settings().value("language") is None  # saved choices are not read
    common.settings().setValue("language", "zh")
    common.settings().sync()
    monkeypatch.setattr(common, "_SCRATCH", None)
    assert common.settings().value("language") == "en"  # ... nor written


def _record(scenario, path, minutes=45):
    from drillsim.exercise.session import Session
    from drillsim.record import Recorder

    s = Session(scenario)
    rec = Recorder(s, path)
    s.run_until(20)
    s.note("预警发布及时", by="evaluator")
    s.fire_inject("inj2")
    s.run_until(minutes)
    rec.close()
    return s


def test_open_and_scrub_archive(app, scenario, tmp_path, qtbot):
    pytest.importorskip("drillsim.record")
    from drillsim.core.i18n import pick

    path = tmp_path / "d.drill"
    live = _record(scenario, path)
    assert app.open_path(path)
    w = app.window
    r = w.replay
    assert w.mode == "replay" and r.duration == pytest.approx(45)
    assert r.marks.count() >= 2
    st = r.seek(30)
    assert st["t"] == 30
    busy = [u for u in st["units"] if u["status"] != "idle"]
    assert busy
    x, y = w.map.unit_pos(busy[0]["id"])
    assert (x, y) == (busy[0]["x"], busy[0]["y"])
    # 席位视角 in replay: the archive's seats, filtered with the engine's visibility rules
    log = w.log
    ids = [log.seats.itemData(k) for k in range(log.seats.count())]
    assert ids[0] == "director" and set(ids[1:]) == set(live.seats.seats) and len(ids) > 2
    total = len(log.model.rows)
    log.seats.setCurrentIndex(log.seats.findData("town2"))
    rows = list(log.model.rows)
    want = [e for e in r.events if e.t <= 30 and (v := live.seats.visible_at("town2", e)) is not None and v <= 30]
    assert 0 < len(rows) < total and [e.seq for e in rows] == [e.seq for e in want]
    assert not any(e.type.startswith("unit.") and live.seats.owner_of_unit(e.data.get("unit")) == "town3"
                   for e in rows)
    r.seek(35)  # scrubbing keeps the seat and its view follows the time
    assert log.seats.currentData() == "town2"
    assert len(log.model.rows) > len(rows) and all(e.t <= 35 for e in log.model.rows)
    log.seats.setCurrentIndex(0)
    r.slider.setValue(500)
    qtbot.waitUntil(lambda: abs(r.t - 22.5) < 0.5, timeout=2000)
    r.toggle_play()
    qtbot.waitUntil(lambda: r.t > 24, timeout=3000)
    r.toggle_play()
    # after-action report of the open archive
    out = w.write_report(tmp_path / "replay.html")
    assert out is not None and pick(r.scenario.meta.name) in out.read_text(encoding="utf-8")
    assert str(out) in w.statusbar.currentMessage()
    # what-if branch from the current time
    r.seek(30)
    r.branch()
    s = w.controller.session
    assert w.mode == "live" and s.now == pytest.approx(30)
    assert s.msel.injects["inj2"].status == "sent"
    assert len(s.events.events) > 0
    assert [e.type for e in s.events.events if e.t <= 30][:50] == [e.type for e in live.events.events if e.t <= 30][:50]


def test_record_from_gui(win, tmp_path):
    pytest.importorskip("drillsim.record")
    path = tmp_path / "live.drill"
    win.controller.start_recording(path)
    win.controller.advance_to(15)
    win.controller.stop_recording()
    from drillsim.record import Archive

    with Archive.open(path) as a:
        assert a.duration == pytest.approx(15)


def test_report_from_live_recording(win, tmp_path, monkeypatch):
    """文件 → 生成评估报告 on a live drill that is being recorded (the file dialog bypassed)."""
    pytest.importorskip("drillsim.report")
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog

    from drillsim.core.i18n import pick

    act = win.win.findChild(QAction, "actionReport")
    assert act is not None and act in win.win.findChild(QWidget, "menuFile").actions()
    act.trigger()  # not recorded yet: nothing to report, says how (a message box, offscreen)
    assert "记录到档案" in win.statusbar.currentMessage()
    box = win.win.findChild(QWidget, "reportHintBox")
    assert box is not None and box.isVisible()
    box.close()
    win.controller.start_recording(tmp_path / "live.drill")
    win.controller.advance_to(20)
    out = tmp_path / "aar.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "HTML (*.html)")))
    act.trigger()
    html = out.read_text(encoding="utf-8")
    assert pick(win.controller.session.scenario.meta.name) in html
    assert str(out) in win.statusbar.currentMessage()
    win.controller.stop_recording()


def test_export_report_pdf_by_extension_in_the_app_language(win, tmp_path, monkeypatch):
    """File → Export report: the PDF filter (or a .pdf name) writes a PDF, in the app's language."""
    pytest.importorskip("drillsim.report")
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog

    win.controller.start_recording(tmp_path / "live.drill")
    win.controller.advance_to(10)
    act = win.win.findChild(QAction, "actionReport")
    monkeypatch.setattr(win.app, "lang", "en")
    monkeypatch.setattr("drillsim.report.maps.MAX_MOMENTS", 1)  # one map (the end) keeps the test short
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "aar"), "PDF (*.pdf)")))
    act.trigger()
    pdf = tmp_path / "aar.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and not (tmp_path / "aar.html").exists()
    assert str(pdf) in win.statusbar.currentMessage()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "After-Action Report" in text and "演练评估报告" not in text
    win.controller.stop_recording()


def test_none_dealloc_canary(qtbot):
    """50,000 PySide6 calls returning None (Python 3.11 + PySide6 6.12 aborted on these)."""
    from PySide6.QtWidgets import QGraphicsEllipseItem

    w = QWidget()
    qtbot.addWidget(w)
    item = QGraphicsEllipseItem(0, 0, 1, 1)
    for i in range(25_000):
        w.setToolTip("x")
        item.setPos(i, i)
    assert item.pos().x() == 24_999


def test_speeds_match_engine():
    from drillsim.exercise.session import SPEEDS
    from drillsim.gui.common import SPEEDS as GUI_SPEEDS

    assert GUI_SPEEDS == SPEEDS


def test_click_selects_unit(win, qtbot):
    m = win.map
    win.controller.advance_to(20)
    m.update_live(m.sim, force=True)
    busy = next(u for u in m.sim.units.values() if u.status != "idle")
    x, y = m.unit_pos(busy.id)
    m.scale(8, 8)
    m.centerOn(x, -y)
    got = []
    m.selected.connect(lambda kind, key: got.append((kind, key)))
    pt = m.mapFromScene(QPointF(x, -y))
    qtbot.mouseClick(m.viewport(), Qt.MouseButton.LeftButton, pos=pt)
    assert got and got[-1][0] == "unit"
    assert m.units_item.selected == got[-1][1]
    assert m.unit_at(QPointF(x, -y)) is not None
    far = m.mapToScene(m.viewport().rect().topLeft())
    assert m.unit_at(far) is None or m.unit_pos(m.unit_at(far)) is not None


def test_replay_overlays_log_kpi_and_backward_scrub(app, scenario, tmp_path, qtbot):
    pytest.importorskip("drillsim.record")
    path = tmp_path / "r.drill"
    _record(scenario, path, minutes=60)
    assert app.open_path(path)
    w = app.window
    r, m = w.replay, w.map
    # the loaded archive is frozen out of the collector's full passes (they stalled seeks)
    frozen = gc.get_freeze_count()
    assert frozen > len(r.events)
    assert app.open_path(path)  # opened again: the first copy is unfrozen, not kept on top
    assert gc.get_freeze_count() < 1.5 * frozen
    eq_start = next(h["started"] for h in r.archive.state_at(60)["hazards"] if h["id"] == "eq1")
    r.seek(50)
    assert "eq1" in m.hazard_items and m.hazard_items["eq1"].isVisible(), "quake intensity drawn in replay"
    assert "earthquake" in m.legend_hazards
    n50 = len(w.log.model.all)
    assert n50 > 0 and all(e.t <= 50 for e in w.log.model.all)
    assert n50 == sum(1 for e in r.events if e.t <= 50)
    xs, _ = w.kpi.data["open"]
    assert xs and max(xs) <= 50 / 60 + 1e-9 and max(xs) > 40 / 60
    # backward, through the toolbar timeline: map, log and charts follow
    w.timeline.setValue(int(1000 * 10 / r.duration))
    qtbot.waitUntil(lambda: abs(r.t - 10) < 0.2, timeout=2000)
    assert r.slider.value() == pytest.approx(1000 * 10 / r.duration, abs=1)
    assert len(w.log.model.all) == sum(1 for e in r.events if e.t <= 10) < n50
    assert max(w.kpi.data["open"][0]) <= 10 / 60 + 1e-9
    if eq_start > 10:
        assert not m.hazard_items["eq1"].isVisible()
    # and forward again with the console slider
    r.slider.setValue(900)
    qtbot.waitUntil(lambda: abs(r.t - 54) < 0.5, timeout=2000)
    assert w.timeline.value() == 900
    assert len(w.log.model.all) == sum(1 for e in r.events if e.t <= r.t)
    # unit tooltips in replay come from the archive (task), not from the idle map simulation
    st = r.seek(30)
    busy = next(u for u in st["units"] if u["status"] != "idle" and u.get("task") and u.get("x") is not None)
    m.scale(20, 20)
    m.centerOn(busy["x"], -busy["y"])
    uid = m.unit_at(QPointF(busy["x"], -busy["y"]))
    row = m.replay_units[uid]
    text = m.tooltip_at(QPointF(busy["x"], -busy["y"]))
    assert uid in text and (not row.get("task") or row["task"] in text)
    assert "任务" in m.tooltip_at(QPointF(busy["x"], -busy["y"])) or not row.get("task")


def test_live_timeline_backward_snaps_back(win):
    win.controller.advance_to(30)
    s = win.controller.session
    win.timeline.setSliderDown(True)
    win.timeline.setValue(1)
    win.timeline.setSliderDown(False)  # emits sliderReleased
    assert s.now == pytest.approx(30)
    assert win.timeline.value() == int(1000 * 30 / s.duration)
    assert "倒退" in win.statusbar.currentMessage()


def test_event_text_readable(app):
    from drillsim.core.events import Event
    from drillsim.exercise.wording import EventWords
    from drillsim.gui import i18n

    fmt = EventWords()
    evs = [Event(1.0, "unit.status", {"unit": "fire1-1", "status": "enroute", "task": "lijiaping/rescue"}, 1),
           Event(1.0, "unit.depart", {"unit": "fire1-1", "dest": 12, "eta": 42.0, "path": [1, 12]}, 2),
           Event(2.0, "road.state", {"roads": ["r1", "r2"], "status": "closed", "cause": "earthquake:eq1"}, 3),
           Event(3.0, "mystery.thing", {"a": 1, "b": "x", "c": [1, 2]}, 4)]
    for e in evs:
        fmt.observe(e)
    assert fmt.text(evs[1]) == "fire1-1 出发前往 lijiaping/rescue，预计 T+00:42 到达"
    assert fmt.text(evs[2]) == "2 条道路中断（eq1）"  # no names known: the hazard's id stands
    assert fmt.text(evs[3]) == "a=1, b=x", "unknown types fall back to key=value"
    assert "=" not in fmt.text(Event(0, "incident.new", {"id": "i1", "name": {"zh": "甲村倒房", "en": "A"},
                                                          "needs": {"rescue": 5}, "priority": 1}, 5))
    i18n.install("en")
    try:
        assert fmt.text(evs[1]) == "fire1-1 sets off for lijiaping/rescue, ETA T+00:42"
        assert fmt.text(evs[2]) == "2 roads closed (eq1)"
    finally:
        i18n.install("zh")


def test_event_log_sentences(win):
    win.controller.advance_to(30)
    m = win.log.model
    texts = [m.data(m.index(r, 2)) for r in range(m.rowCount())]
    departs = [t for e, t in zip(m.rows, texts, strict=True) if e.type == "unit.depart"]
    assert departs and all("预计 T+" in t for t in departs)
    assert any("出发前往" in t for t in departs)


def test_window_shown_before_session_built(tmp_path):
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "DRILLSIM_CONFIG_DIR": str(tmp_path)}
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "drillsim.gui.app", str(SCENARIO),
                        "--exit-after-show"], capture_output=True, text=True, cwd=REPO, timeout=120, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = [ln.split()[0] for ln in r.stdout.splitlines()]
    assert lines == ["shown", "ready"], r.stdout
    # nothing heavy is imported before the window is shown: the engine and matplotlib come after
    imports = [ln.rsplit("|", 1)[-1].strip() for ln in r.stderr.splitlines() if ln.startswith("import time:")]
    first_engine = min((k for k, m in enumerate(imports) if m in ("drillsim.exercise.session", "matplotlib")),
                       default=len(imports))
    assert "drillsim.gui.mainwindow" in imports[:first_engine]


def test_labels_do_not_overlap(win):
    m = win.map
    m.fit()

    def visible_rects():
        out = []
        for _, lab in m.labels:
            if lab.isVisible():
                p = m.mapFromScene(lab.pos())
                br = lab.boundingRect()
                out.append(QRectF(p.x() + lab.transform().dx(), p.y() + lab.transform().dy(), br.width(), br.height()))
        return out

    rects = visible_rects()
    assert rects
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    m.zoom(4)
    assert len(visible_rects()) >= len(rects)


def test_archive_seats_payload_fallback():
    """Without the engine's rules the replay seat view falls back to unit owner / by / to."""
    from drillsim.core.events import Event
    from drillsim.gui.panels import ArchiveSeats

    a = ArchiveSeats([{"id": "county", "parent": None, "units": ["u1"]},
                      {"id": "t1", "parent": "county", "units": ["u2"]},
                      {"id": "t2", "parent": "county", "units": ["u3"]}])
    a.rules = None
    ev = lambda typ, **d: Event(t=5.0, type=typ, data=d)  # noqa: E731
    assert a.visible_at("t1", ev("unit.arrived", unit="u2")) == 5.0
    assert a.visible_at("t1", ev("unit.arrived", unit="u3")) is None
    assert a.visible_at("county", ev("unit.arrived", unit="u3")) == 5.0  # above in the chain
    assert a.visible_at("t2", ev("order.dispatch", by="t1")) is None
    assert a.visible_at("t1", ev("support.approved", by="county", to="t1")) == 5.0
    assert a.visible_at("t2", ev("incident.new", id="i1")) == 5.0  # names no seat: everyone
    assert [k for k, _ in a.names()] == ["county", "t1", "t2"]


def test_incident_queue_map_and_counts_agree_with_the_kpis(win):
    """The trainee's incident queue, the director's overview, the map's incident markers and the KPIs
    count the same incidents (drillsim.response.incidents): displaced people walking to shelters are
    not one, and no queue entry says "people trapped" without a rescue task."""
    from drillsim.exercise.wording import pick

    s = win.controller.session
    win.controller.advance_to(60)
    s.adhoc_inject({"message": {"zh": "群众自行避险", "en": "People leave homes"},
                    "effect": {"incident": {"id": "walkers", "place": "c05",
                                            "needs": {"shelter": {"community": "c05", "people": 30}}}}})
    win.controller.advance_to(120)
    assert "walkers" in {e.data["id"] for e in s.events.of_type("incident.new")}
    assert "walkers" in s.sim.board.reports and not s.events.of_type("incident.rejected")
    k = s.kpis()
    win.set_view("trainee")
    win.trainee.seat.setCurrentIndex(0)  # director: every incident
    win.refresh_panels()
    tree = win.trainee.incidents
    assert k["incidents"] == len(s.sim.board.incidents)
    assert tree.topLevelItemCount() == min(300, k["incidents"])  # the queue shows the first 300
    assert f"/ {k['incidents']}" in win.director.overview.text()
    assert len(win.map.incident_items) == k["incidents"]
    assert "walkers" not in win.trainee._inc_items and "walkers" not in win.map.incident_items
    for inc in s.sim.board.incidents.values():
        if "被困" in pick(inc.name, "zh"):
            assert any(s.sim.board.tasks[t].kind == "rescue" for t in inc.tasks), inc.id
