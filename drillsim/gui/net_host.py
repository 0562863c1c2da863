"""文件 → 主持联网演练: host the open drill for networked seats, from the app.

The server is ``drillsim serve`` run as a child process (the same command a
director runs in a terminal, so the app's own drill and the served one never share
a thread or a clock); its first JSON line gives the address, the certificate
fingerprint and the join codes shown here, its log lines follow. The director can
join the served drill in a seat window (:mod:`drillsim.gui.net_client`). Closing
the dialog or 停止 ends the drill and closes its archive.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QProcess, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from drillsim.gui.common import T, child, lang


def install(main) -> None:
    """Add the host action (File menu, after the after-action report)."""
    menu = child(main.win, QMenu, "menuFile")
    act = QAction(T("主持联网演练…"), main.win)
    act.setObjectName("actionHostNet")
    report = child(main.win, QAction, "actionReport")
    actions = menu.actions()
    k = actions.index(report) + 1 if report in actions else len(actions)
    if k < len(actions):
        menu.insertAction(actions[k], act)
    else:
        menu.addAction(act)
    act.triggered.connect(lambda: host_dialog(main))


def drill_source(main) -> Path | None:
    """What to serve: the archive being replayed, else the open scenario file."""
    if getattr(main, "mode", "") == "replay" and main.replay.archive is not None:
        return Path(main.replay.archive.path)
    session = main.app.controller.session if main.app.controller is not None else None
    path = getattr(getattr(session, "scenario", None), "path", None)
    return Path(path) if path else None


def host_dialog(main) -> HostDialog | None:
    src = drill_source(main)
    if src is None:
        box = QMessageBox(QMessageBox.Icon.Information, T("主持联网演练"), T("请先打开一个演练想定或存档"), parent=main.win)
        box.setObjectName("hostHintBox")
        main.host_hint = box
        box.show()
        return None
    dlg = HostDialog(src, main.win)
    main.host = dlg
    dlg.show()
    return dlg


class HostDialog(QDialog):
    def __init__(self, source: Path, parent=None, record: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hostDialog")
        self.setWindowTitle(T("主持联网演练") + f" — {source.name}")
        self.source = source
        folder = source.resolve().parent
        self.record = record or folder / f"{source.stem}-net-{datetime.now():%Y%m%d-%H%M%S}.drill"
        self.proc: QProcess | None = None
        self.ready: dict[str, Any] | None = None
        self.result: dict[str, Any] | None = None
        self.director_window = None
        self._buf = ""
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setValue(8765)
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.1, 600)
        self.speed.setValue(1.0)
        self.all_ifaces = QCheckBox(T("允许其他计算机接入（监听所有网卡）"))
        self.tls = QCheckBox(T("TLS 加密（首次使用时生成证书）"))
        self.tls.setChecked(True)
        form.addRow(T("端口"), self.port)
        form.addRow(T("速度（模拟分钟/秒）"), self.speed)
        form.addRow(self.all_ifaces)
        form.addRow(self.tls)
        form.addRow(T("存档"), QLabel(str(self.record)))
        lay.addLayout(form)
        self.address = QLabel("")
        self.address.setObjectName("hostAddress")
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.address)
        self.codes = QTableWidget(0, 2)
        self.codes.setObjectName("hostCodes")
        self.codes.setHorizontalHeaderLabels([T("席位"), T("加入码")])
        self.codes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.codes, 2)
        self.log = QPlainTextEdit()
        self.log.setObjectName("hostLog")
        self.log.setReadOnly(True)
        lay.addWidget(self.log, 1)
        buttons = QHBoxLayout()
        self.start_btn = QPushButton(T("开始主持"))
        self.start_btn.setObjectName("hostStart")
        self.join_btn = QPushButton(T("以导演部身份加入"))
        self.join_btn.setObjectName("hostJoin")
        self.stop_btn = QPushButton(T("结束演练"))
        self.stop_btn.setObjectName("hostStop")
        self.join_btn.setEnabled(False)
        self.stop_btn.setEnabled(False)
        self.start_btn.clicked.connect(self.start)
        self.join_btn.clicked.connect(self.join_as_director)
        self.stop_btn.clicked.connect(self.stop)
        for b in (self.start_btn, self.join_btn, self.stop_btn):
            buttons.addWidget(b)
        lay.addLayout(buttons)
        self.resize(720, 560)

    # ------------------------------------------------------------------ server process
    def command(self) -> list[str]:
        args = ["-m", "drillsim.cli.main", "--lang", lang(), "serve", str(self.source), "--json",
                "--port", str(self.port.value()), "--speed", f"{self.speed.value():g}", "--record", str(self.record),
                "--host", "0.0.0.0" if self.all_ifaces.isChecked() else "127.0.0.1"]
        if self.tls.isChecked():
            args.append("--tls")
        return args

    def start(self) -> None:
        self.proc = QProcess(self)
        self.proc.setProgram(sys.executable)
        self.proc.setArguments(self.command())
        self.proc.setWorkingDirectory(str(self.record.parent))
        self.proc.readyReadStandardOutput.connect(self._read)
        self.proc.readyReadStandardError.connect(self._read_err)
        self.proc.finished.connect(self._finished)
        self.proc.start()
        self.start_btn.setEnabled(False)
        self.stop_btn.setEnabled(True)
        self.log.appendPlainText(T("正在启动服务器…"))

    def _read(self) -> None:
        self._buf += bytes(self.proc.readAllStandardOutput()).decode("utf-8", "replace")
        while "\n" in self._buf:
            line, self._buf = self._buf.split("\n", 1)
            self._line(line)

    def _read_err(self) -> None:
        text = bytes(self.proc.readAllStandardError()).decode("utf-8", "replace").strip()
        if text:
            self.log.appendPlainText(text)

    def _line(self, line: str) -> None:
        try:
            m = json.loads(line)
        except ValueError:
            if line.strip():
                self.log.appendPlainText(line)
            return
        if m.get("type") == "ready":
            self.ready = m
            self._show_ready(m)
        elif m.get("type") == "log":
            self.log.appendPlainText(f"[{m['time']}] {m['message']}")
        elif "digest" in m:
            self.result = m
            self.log.appendPlainText(T("演练结束") + f"：{T('存档')} {m['archive']}，{T('摘要')} {m['digest'][:16]}…")

    def _show_ready(self, m: dict[str, Any]) -> None:
        text = T("服务器地址") + f"：{m['target']}"
        if m.get("fingerprint"):
            text += "\n" + T("证书指纹") + f"：{m['fingerprint']}"
        self.address.setText(text)
        codes = m["codes"]
        self.codes.setRowCount(len(codes))
        for r, (ident, code) in enumerate(codes.items()):
            self.codes.setItem(r, 0, QTableWidgetItem(ident))
            self.codes.setItem(r, 1, QTableWidgetItem(code))
        self.join_btn.setEnabled(True)

    def _finished(self, *_: Any) -> None:
        self._read()
        self.stop_btn.setEnabled(False)
        self.join_btn.setEnabled(False)

    def join_as_director(self):
        from drillsim.gui.net_client import open_join

        m = self.ready
        if m is None:
            return None
        target = f"127.0.0.1:{m['port']}"
        self.director_window = open_join(target, m["codes"]["director"], fingerprint=m.get("fingerprint"))
        return self.director_window

    def stop(self) -> None:
        """End the served drill (SIGTERM: the server closes its archive) and wait for it."""
        if self.director_window is not None:
            self.director_window.stop()
            self.director_window.win.close()
            self.director_window = None
        if self.proc is not None and self.proc.state() != QProcess.ProcessState.NotRunning:
            self.proc.terminate()
            if not self.proc.waitForFinished(20000):
                self.proc.kill()
                self.proc.waitForFinished(3000)
            self._read()

    def closeEvent(self, e) -> None:  # noqa: N802 (Qt API)
        self.stop()
        super().closeEvent(e)
