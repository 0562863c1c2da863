"""文件 → 从OSM新建演练: the wizard imports a small extract made here, writes a scenario and opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWizard

from tests.osm_extract import town


@pytest.fixture
def extract(tmp_path) -> Path:
    return town().write_pbf(tmp_path / "town.osm.pbf")


def _fill_source(wiz, osm: Path, out: Path) -> None:
    wiz.source.osm.setText(str(osm))
    wiz.source.out.setText(str(out))


def test_wizard_imports_picks_a_point_and_opens_the_drill(app, qtbot, extract, tmp_path):
    from drillsim.scenario.validate import check_file

    win = app.main_window()
    win.win.show()
    win.a_osm.trigger()  # File → New drill from OSM
    wiz = win.wizard
    qtbot.addWidget(wiz)
    out = tmp_path / "town_map"
    _fill_source(wiz, extract, out)
    assert wiz.source.isComplete()
    next_button = wiz.button(QWizard.WizardButton.NextButton)
    next_button.click()
    assert not next_button.isEnabled()  # importing
    qtbot.waitUntil(next_button.isEnabled, timeout=60_000)
    assert "道路: 23 个节点" in wiz.importing.report.toPlainText()
    assert "消防站 1" in wiz.importing.report.toPlainText()
    assert (out / "map.yaml").exists()
    next_button.click()
    page = wiz.hazard
    assert page.x.value() == pytest.approx((page.bounds[0] + page.bounds[2]) / 2, abs=0.5)  # the centre
    # click the preview where the hospital's street corner is: the spin boxes follow
    pos = page.preview.to_widget(400.0, 300.0).toPoint()
    qtbot.mouseClick(page.preview, Qt.MouseButton.LeftButton, pos=pos)
    assert page.x.value() == pytest.approx(400, abs=5) and page.y.value() == pytest.approx(300, abs=5)
    page.hazard.setCurrentIndex(page.hazard.findData("chemical"))
    assert page.file.text().endswith("town_map_chemical.yaml")
    wiz.button(QWizard.WizardButton.FinishButton).click()  # write, check, open
    scenario = tmp_path / "town_map_chemical.yaml"
    assert wiz.written == scenario and scenario.exists()
    _, problems = check_file(scenario)
    assert problems == []
    sess = app.window.controller.session
    assert sess is not None and sess.sim.scenario.path == scenario
    assert {u.type for u in sess.sim.scenario.units} >= {"fire_rescue", "hazmat", "medical"}
    assert sess.sim.world.net.directed  # the imported one-way roads


def test_wizard_shows_a_broken_extract_and_writes_nothing(qtbot, tmp_path, extract):
    from drillsim.gui.map_wizard import MapWizard

    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(extract.read_bytes()[:200])
    wiz = MapWizard()
    qtbot.addWidget(wiz)
    wiz.show()
    out = tmp_path / "cut_map"
    _fill_source(wiz, cut, out)
    wiz.next()
    qtbot.waitUntil(lambda: not wiz.importing.busy() and bool(wiz.importing.report.toPlainText()), timeout=60_000)
    assert "cut.osm.pbf" in wiz.importing.report.toPlainText()
    assert not wiz.importing.isComplete()  # no way on
    assert not out.exists()


def test_start_page_offers_the_wizard(app, qtbot):
    app.show_start()
    b = app.start.osm_button
    assert isinstance(b, QPushButton) and b.isVisible()
    b.click()
    qtbot.addWidget(app.start.wizard)
    assert app.start.wizard.isVisible() and app.start.wizard.currentPage() is app.start.wizard.source


def test_closing_the_wizard_mid_import_lets_the_import_finish(qtbot, tmp_path, extract):
    from drillsim.gui.map_wizard import MapWizard

    wiz = MapWizard()
    wiz.show()
    out = tmp_path / "late_map"
    _fill_source(wiz, extract, out)
    wiz.next()
    thread = wiz.importing.thread
    assert thread.isRunning()
    wiz.close()
    wiz.deleteLater()
    qtbot.waitUntil(lambda: (out / "map.yaml").exists(), timeout=60_000)  # written whole, nothing crashed
    qtbot.waitUntil(lambda: not any(p.name.endswith(".partial") for p in tmp_path.iterdir()), timeout=10_000)
