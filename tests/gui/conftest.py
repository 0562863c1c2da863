"""GUI test fixtures: offscreen Qt, settings in a temp dir, Qt warnings fail the test.

Allow-listed Qt messages (harmless on the offscreen platform, documented here):
- "This plugin does not support propagateSizeHints()": the offscreen QPA plugin
  cannot forward dock/toolbar size hints to a window manager; there is none.
- "QFont::setPointSizeF: Point size <= 0": never expected; not allow-listed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QtMsgType, qInstallMessageHandler  # noqa: E402

DATA = Path(__file__).parent / "data"
SCENARIO = DATA / "lanxi_gui.yaml"
ALLOWED = ("This plugin does not support propagateSizeHints()",)


@pytest.fixture(autouse=True)
def qt_warnings_fail():
    msgs: list[str] = []

    def handler(mode, context, message):
        if mode in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            if not any(a in message for a in ALLOWED):
                msgs.append(message)

    old = qInstallMessageHandler(handler)
    yield msgs
    qInstallMessageHandler(old)
    assert not msgs, f"Qt warnings: {msgs}"


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    d = tmp_path / "config"
    monkeypatch.setenv("DRILLSIM_CONFIG_DIR", str(d))
    from drillsim.core import i18n

    i18n.set_lang(None)
    yield d
    i18n.set_lang(None)


@pytest.fixture(scope="session")
def scenario():
    from drillsim.scenario import load_scenario

    return load_scenario(SCENARIO)


@pytest.fixture
def app(qtbot, config_dir):
    from drillsim.gui import i18n
    from drillsim.gui.app import App

    a = App(lang="zh")
    yield a
    a.switching = True
    for w in (a.window, a.start):
        if w is not None:
            try:
                top = w.win if hasattr(w, "win") else w.w
                top.close()
                top.deleteLater()
            except RuntimeError:  # already deleted
                pass
    a.controller.pause()
    a.controller.timer.stop()
    a.controller.deleteLater()
    i18n.install("zh")
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def win(app, qtbot, scenario):
    """A main window with a fresh live session (the scenario is parsed once per test run)."""
    from drillsim.exercise.session import Session
    from drillsim.gui.common import add_recent

    add_recent(SCENARIO)
    w = app.main_window()
    w.start_session(Session(scenario))
    w.win.show()
    return w
