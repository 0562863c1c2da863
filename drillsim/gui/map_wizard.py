"""New drill from OpenStreetMap (从OSM新建演练): a QWizard over ``drillsim map import`` and
``drillsim scenario new``.

Pages: 1. the OSM extract, an optional DEM and box, the map folder; 2. the import,
run on a worker thread, with its report (or the problem, and no way on); 3. the
hazard type and point (typed, or clicked on a preview of the imported roads) and
the scenario file. Finishing writes the scenario, checks it and opens it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, QThread, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from drillsim.gui.common import T

HAZARD_LABELS = (("earthquake", "地震"), ("flood", "洪涝(溃堤)"), ("chemical", "危化品泄漏"), ("wildfire", "森林火灾"))
MAX_PREVIEW_EDGES = 40_000


def _browse_row(edit: QLineEdit, pick) -> QWidget:
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    b = QPushButton(T("浏览..."))
    b.clicked.connect(pick)
    lay.addWidget(b)
    return row


class SourcePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(T("OSM数据与输出位置"))
        self.setSubTitle(T("选择OpenStreetMap数据(.osm/.osm.bz2/.osm.pbf)，可选高程数据(GeoTIFF)和范围。"))
        self.osm, self.dem, self.bbox, self.out = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.bbox.setPlaceholderText(T("可选: 西,南,东,北 (经纬度)"))
        self.dem.setPlaceholderText(T("可选"))
        form = QFormLayout(self)
        form.addRow(T("OSM文件"), _browse_row(self.osm, self._pick_osm))
        form.addRow(T("高程(DEM)"), _browse_row(self.dem, self._pick_dem))
        form.addRow(T("范围"), self.bbox)
        form.addRow(T("地图文件夹"), _browse_row(self.out, self._pick_out))
        self.osm.textChanged.connect(self._suggest_out)
        for e in (self.osm, self.out):
            e.textChanged.connect(self.completeChanged)

    def _pick_osm(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, T("OSM文件"), "", "OSM (*.osm *.osm.bz2 *.osm.pbf *.pbf)")
        if path:
            self.osm.setText(path)

    def _pick_dem(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, T("高程(DEM)"), "", "GeoTIFF (*.tif *.tiff)")
        if path:
            self.dem.setText(path)

    def _pick_out(self) -> None:
        path = QFileDialog.getExistingDirectory(self, T("地图文件夹"))
        if path:
            self.out.setText(path)

    def _suggest_out(self, text: str) -> None:
        if text and not self.out.isModified():
            p = Path(text)
            self.out.setText(str(p.with_name(p.name.split(".")[0] + "_map")))

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return bool(self.osm.text().strip()) and bool(self.out.text().strip())


class _Importer(QObject):
    done = Signal(object, str)
    """(manifest or None, problem text)."""

    def __init__(self, args: dict) -> None:
        super().__init__()
        self.args = args

    def run(self) -> None:
        from drillsim.core.errors import InputError
        from drillsim.osm.importer import import_map

        try:
            self.done.emit(import_map(**self.args), "")
        except InputError as e:
            self.done.emit(None, "\n".join(str(p) for p in e.problems))
        except Exception as e:  # a bug must not kill the app: show it
            self.done.emit(None, f"{type(e).__name__}: {e}")


class ImportPage(QWizardPage):
    def __init__(self, source: SourcePage) -> None:
        super().__init__()
        self.source = source
        self.setTitle(T("导入地图"))
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.status = QLabel()
        lay = QVBoxLayout(self)
        lay.addWidget(self.status)
        lay.addWidget(self.report, 1)
        self.manifest: dict | None = None
        self.error = ""
        self.thread: QThread | None = None
        self.worker: _Importer | None = None

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        from drillsim.core.errors import InputError
        from drillsim.osm.importer import parse_bbox

        s = self.source
        self.manifest, self.error = None, ""
        self.report.clear()
        try:
            bbox = parse_bbox(s.bbox.text().strip()) if s.bbox.text().strip() else None
        except InputError as e:
            self._finished(None, "\n".join(str(p) for p in e.problems))
            return
        out = Path(s.out.text().strip())
        args = {"src": Path(s.osm.text().strip()), "out": out, "bbox": bbox,
                "dem": Path(s.dem.text().strip()) if s.dem.text().strip() else None,
                "force": (out / "map.yaml").exists()}  # re-import over a map folder, never over other files
        self.status.setText(T("正在导入，请稍候..."))
        # the thread belongs to the application: closing the wizard mid-import lets the import finish
        # (it writes all or nothing) instead of destroying a running thread
        self.thread = QThread(QCoreApplication.instance())
        self.worker = _Importer(args)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.done.connect(self._finished)
        self.worker.done.connect(self.thread.quit)
        self.thread.finished.connect(self.completeChanged)  # "busy" ends only now: re-check Next
        self.thread.finished.connect(self.worker.deleteLater)
        self.thread.finished.connect(self.thread.deleteLater)
        self.thread.start()
        self.completeChanged.emit()

    def _finished(self, manifest: dict | None, error: str) -> None:
        from drillsim.cli.cmd_map import summary

        self.manifest, self.error = manifest, error
        if manifest is not None:
            self.status.setText(T("导入完成"))
            self.report.setPlainText(summary(Path(self.source.out.text().strip()), manifest))
        else:
            self.status.setText(T("导入失败，请返回修改"))
            self.report.setPlainText(error)
            self.report.setStyleSheet("color: #b00020;")
        self.completeChanged.emit()

    def busy(self) -> bool:
        try:
            return self.thread is not None and self.thread.isRunning()
        except RuntimeError:  # finished and deleted
            return False

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return self.manifest is not None and not self.busy()


class RoadPreview(QWidget):
    """The imported roads, drawn small; a click picks the hazard point."""

    picked = Signal(float, float)

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(360, 260)
        self.path = QPainterPath()
        self.bounds = QRectF(0, 0, 1, 1)
        self.point: tuple[float, float] | None = None

    def set_map(self, xy_pairs: np.ndarray, bounds: tuple[float, float, float, float]) -> None:
        self.path = QPainterPath()
        for x0, y0, x1, y1 in xy_pairs.tolist():
            self.path.moveTo(x0, y0)
            self.path.lineTo(x1, y1)
        x0, y0, x1, y1 = bounds
        self.bounds = QRectF(x0, y0, max(1.0, x1 - x0), max(1.0, y1 - y0))
        self.update()

    def _scale(self) -> tuple[float, float, float]:
        """(scale, x offset, y offset): the map centred, north up, 5 px margin."""
        s = min((self.width() - 10) / self.bounds.width(), (self.height() - 10) / self.bounds.height())
        ox = (self.width() - self.bounds.width() * s) / 2 - self.bounds.left() * s
        oy = (self.height() + self.bounds.height() * s) / 2 + self.bounds.top() * s
        return s, ox, oy

    def to_map(self, px: float, py: float) -> tuple[float, float]:
        s, ox, oy = self._scale()
        return (px - ox) / s, (oy - py) / s

    def to_widget(self, x: float, y: float) -> QPointF:
        s, ox, oy = self._scale()
        return QPointF(ox + x * s, oy - y * s)

    def paintEvent(self, _e) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#f7f7f2"))
        s, ox, oy = self._scale()
        p.save()
        p.translate(ox, oy)
        p.scale(s, -s)
        pen = QPen(QColor("#6d6d6d"))
        pen.setCosmetic(True)
        p.setPen(pen)
        p.drawPath(self.path)
        p.restore()
        if self.point is not None:
            c = self.to_widget(*self.point)
            p.setPen(QPen(QColor("#d62828"), 2))
            p.setBrush(QColor(214, 40, 40, 90))
            p.drawEllipse(c, 7, 7)
        p.end()

    def mousePressEvent(self, e) -> None:  # noqa: N802 (Qt API)
        x, y = self.to_map(e.position().x(), e.position().y())
        self.picked.emit(x, y)


class HazardPage(QWizardPage):
    def __init__(self, source: SourcePage) -> None:
        super().__init__()
        self.source = source
        self.setTitle(T("灾害与想定文件"))
        self.setSubTitle(T("选择灾害类型，在路网图上点击或输入灾害发生点(地图米)。"))
        self.hazard = QComboBox()
        for key, zh in HAZARD_LABELS:
            self.hazard.addItem(T(zh), key)
        self.x, self.y = QDoubleSpinBox(), QDoubleSpinBox()
        for s in (self.x, self.y):
            s.setDecimals(0)
            s.setSuffix(" m")
            s.setRange(-1e7, 1e7)
            s.valueChanged.connect(self._moved)
        self.preview = RoadPreview()
        self.preview.picked.connect(self.set_point)
        self.file = QLineEdit()
        form = QFormLayout(self)
        form.addRow(T("灾害类型"), self.hazard)
        xy = QWidget()
        lay = QHBoxLayout(xy)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("X"))
        lay.addWidget(self.x)
        lay.addWidget(QLabel("Y"))
        lay.addWidget(self.y)
        form.addRow(T("发生点"), xy)
        form.addRow(self.preview)
        form.addRow(T("想定文件"), _browse_row(self.file, self._pick_file))
        self.hazard.currentIndexChanged.connect(self._suggest_file)
        self.file.textChanged.connect(self.completeChanged)
        self.bounds = (0.0, 0.0, 1.0, 1.0)

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        from drillsim.scenario.map_dir import load_map_dir

        m = load_map_dir(Path(self.source.out.text().strip()))
        xs = np.array([d["x"] for _, d in m.graph.nodes(data=True)])
        ys = np.array([d["y"] for _, d in m.graph.nodes(data=True)])
        index = {n: i for i, n in enumerate(m.graph.nodes)}
        edges = np.array([(index[u], index[v]) for u, v in m.graph.edges()], dtype=np.int64).reshape(-1, 2)
        if len(edges) > MAX_PREVIEW_EDGES:
            edges = edges[:: len(edges) // MAX_PREVIEW_EDGES + 1]
        self.bounds = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
        self.preview.set_map(np.column_stack([xs[edges[:, 0]], ys[edges[:, 0]], xs[edges[:, 1]], ys[edges[:, 1]]]),
                             self.bounds)
        self.set_point((self.bounds[0] + self.bounds[2]) / 2, (self.bounds[1] + self.bounds[3]) / 2)
        self._suggest_file()

    def set_point(self, x: float, y: float) -> None:
        x0, y0, x1, y1 = self.bounds
        self.x.setValue(min(max(x, x0), x1))
        self.y.setValue(min(max(y, y0), y1))

    def _moved(self) -> None:
        self.preview.point = (self.x.value(), self.y.value())
        self.preview.update()

    def _suggest_file(self) -> None:
        if self.file.isModified():
            return
        out = Path(self.source.out.text().strip())
        self.file.setText(str(out.parent / f"{out.name}_{self.hazard.currentData()}.yaml"))

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, T("想定文件"), self.file.text(), T("想定") + " (*.yaml)")
        if path:
            self.file.setText(path)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return bool(self.file.text().strip())


class MapWizard(QWizard):
    """Finishing writes the scenario and emits ``scenario_ready(path)``; problems keep the wizard open."""

    scenario_ready = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(T("从OSM新建演练"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.source = SourcePage()
        self.importing = ImportPage(self.source)
        self.hazard = HazardPage(self.source)
        for p in (self.source, self.importing, self.hazard):
            self.addPage(p)
        self.resize(720, 620)
        for button, text in ((QWizard.WizardButton.BackButton, "< 上一步"), (QWizard.WizardButton.NextButton, "下一步 >"),
                             (QWizard.WizardButton.FinishButton, "完成并打开"), (QWizard.WizardButton.CancelButton, "取消")):
            self.setButtonText(button, T(text))
        self.written: Path | None = None
        self.problem = ""

    def validateCurrentPage(self) -> bool:  # noqa: N802 (Qt API)
        if self.currentPage() is not self.hazard:
            return super().validateCurrentPage()
        return self.write_scenario()

    def write_scenario(self) -> bool:
        from drillsim.core.errors import InputError
        from drillsim.osm.starter import new_scenario, write_scenario
        from drillsim.scenario.validate import check_text

        h = self.hazard
        out = Path(h.file.text().strip())
        try:
            text = new_scenario(Path(self.source.out.text().strip()), h.hazard.currentData(),
                                (h.x.value(), h.y.value()), out)
            out.parent.mkdir(parents=True, exist_ok=True)
            _, _, problems = check_text(text, str(out), out.resolve().parent)
            if problems:
                raise InputError(problems)
            write_scenario(text, out, force=True)
        except InputError as e:
            self.problem = "\n".join(str(p) for p in e.problems)
            h.setSubTitle(T("无法生成想定: ") + self.problem)
            return False
        self.written = out
        self.scenario_ready.emit(str(out))
        return True


def run_wizard(app, parent=None) -> MapWizard:
    """Show the wizard; the scenario it writes opens as a new drill."""
    w = MapWizard(parent)
    w.scenario_ready.connect(lambda path: app.open_path(path))
    w.show()
    return w
