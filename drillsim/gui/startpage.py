"""Start page (ui/startpage.ui): shipped scenarios, recent files, open a file, language."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QListWidget, QListWidgetItem, QPushButton

from drillsim.core.paths import shipped_scenarios
from drillsim.gui.common import T, child, colon, load_ui, pick, recent_files


def scenario_title(path: Path) -> str:
    """The scenario's display name (meta.name), or the file name with the problem."""
    try:
        from drillsim.scenario import load_scenario

        return pick(load_scenario(path).meta.name)
    except Exception as e:  # a broken shipped file must not break the start page
        return f"{path.name} ({T('有错误')}{colon()}{str(e).splitlines()[0][:80]})"


class StartPage:
    def __init__(self, app) -> None:
        self.app = app
        self.w = load_ui("startpage")
        self.w.resize(760, 620)
        self.scenarios: QListWidget = child(self.w, QListWidget, "scenarioList")
        self.recent: QListWidget = child(self.w, QListWidget, "recentList")
        for p in shipped_scenarios():
            it = QListWidgetItem(f"{scenario_title(p)}    [{p.name}]", self.scenarios)
            it.setData(Qt.ItemDataRole.UserRole, str(p))
        if self.scenarios.count():
            self.scenarios.setCurrentRow(0)
        for p in recent_files():
            it = QListWidgetItem(p, self.recent)
            it.setData(Qt.ItemDataRole.UserRole, p)
        self.scenarios.itemDoubleClicked.connect(self._open_item)
        self.recent.itemDoubleClicked.connect(self._open_item)
        child(self.w, QPushButton, "startButton").clicked.connect(self.start_selected)
        open_btn = child(self.w, QPushButton, "openFileButton")
        open_btn.clicked.connect(self.open_file)
        self.osm_button = QPushButton(T("从OSM新建演练..."), self.w)  # drillsim.gui.map_wizard
        open_btn.parentWidget().layout().insertWidget(0, self.osm_button)
        self.osm_button.clicked.connect(self.osm_wizard)
        lang: QComboBox = child(self.w, QComboBox, "languageCombo")
        lang.setCurrentIndex(1 if app.lang == "en" else 0)
        lang.currentIndexChanged.connect(lambda i: app.set_language("en" if i == 1 else "zh"))

    def _open_item(self, it: QListWidgetItem) -> None:
        self.app.open_path(it.data(Qt.ItemDataRole.UserRole))

    def start_selected(self) -> None:
        it = self.scenarios.currentItem()
        if it is not None:
            self._open_item(it)

    def osm_wizard(self) -> None:
        from drillsim.gui.map_wizard import run_wizard

        self.wizard = run_wizard(self.app, self.w)

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, T("打开文件"), "", T("想定或复盘档案") + " (*.yaml *.yml *.drill)")
        if path:
            self.app.open_path(path)
