"""Shared GUI helpers: translation, fonts, settings, .ui loading, formatting.

Translation: every string a person reads is written in Chinese in the code
(``T("...")``) and in the .ui forms; English comes from
``resources/translations/drillsim_en.ts`` compiled to ``drillsim_en.qm`` with
``pyside6-lrelease`` (``python -m drillsim.gui.i18n`` updates the .ts and
recompiles). If the .qm is missing the .ts is read directly at run time
(:class:`drillsim.gui.i18n.TsTranslator`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QSettings
from PySide6.QtGui import QFont
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from drillsim.core import i18n as core_i18n
from drillsim.core.paths import ui_dir
from drillsim.exercise.wording import UNIT_STATUS, clock, label

CONTEXT = "DrillSim"
CJK_FAMILIES = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", "Microsoft YaHei",
                "PingFang SC", "sans-serif"]
SETTINGS_VERSION = 1
SPEEDS = (1, 2, 5, 10, 30, 60, 120, 300, 600)
"""Clock speeds offered (sim seconds per wall second); equal to ``drillsim.exercise.session.SPEEDS``
(a test checks), copied so that showing the window does not import the engine."""


def T(text: str) -> str:
    """Translate a Chinese UI string (context ``DrillSim``)."""
    return QCoreApplication.translate(CONTEXT, text)


def lang() -> str:
    return core_i18n.lang()


def colon() -> str:
    """A label's colon in the current language: full-width in Chinese, ``": "`` in English."""
    return "：" if lang() == "zh" else ": "


def gap() -> str:
    """The space between items of a status line: an ideographic space in Chinese, three spaces in English."""
    return "　" if lang() == "zh" else "   "


def join(items: Any) -> str:
    """Items of a list in a line: the Chinese enumeration comma, or ``", "`` in English."""
    return ("、" if lang() == "zh" else ", ").join(items)


def pick(text: Any) -> str:
    return core_i18n.pick(text)


def app_font(size: float = 10.0) -> QFont:
    f = QFont()
    f.setFamilies(CJK_FAMILIES)
    f.setPointSizeF(size)
    return f


# ---------------------------------------------------------------------- settings
_SCRATCH: Path | None = None
"""Set by :func:`use_scratch_settings`: a private temp dir used instead of the user's settings."""


def use_scratch_settings() -> Path:
    """One-off runs (``--screenshot``, ``--run-for``): read and write settings in a fresh temp dir.

    The user's settings file is neither read (a screenshot does not depend on the language or
    window layout someone saved: same command, same picture) nor written (a one-off run does not
    change them). The dir is removed at exit.
    """
    global _SCRATCH
    if _SCRATCH is None:
        import atexit
        import shutil
        import tempfile

        _SCRATCH = Path(tempfile.mkdtemp(prefix="drillsim-gui-"))
        atexit.register(shutil.rmtree, str(_SCRATCH), True)
    return _SCRATCH


def config_dir() -> Path:
    """Where the INI settings live: $DRILLSIM_CONFIG_DIR, else the platform user config dir
    (a scratch dir for one-off runs, see :func:`use_scratch_settings`)."""
    if _SCRATCH is not None:
        return _SCRATCH
    env = os.environ.get("DRILLSIM_CONFIG_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("drillsim", appauthor=False))


def settings() -> QSettings:
    """Settings are declared here once and versioned (``version`` key):

    - ``language``: zh | en (default zh)
    - ``recent``: list of recently opened scenarios / archives
    - ``window/geometry``, ``window/state``: main window geometry and dock layout
    - ``clock/speed``: default speed (sim seconds per wall second)
    """
    d = config_dir()
    d.mkdir(parents=True, exist_ok=True)
    s = QSettings(str(d / "drillsim-gui.ini"), QSettings.Format.IniFormat)
    if s.value("version") is None:
        s.setValue("version", SETTINGS_VERSION)
    return s


def recent_files() -> list[str]:
    v = settings().value("recent", [])
    if isinstance(v, str):
        v = [v]
    return [str(p) for p in (v or []) if p]


def add_recent(path: str | Path) -> None:
    p = str(Path(path).resolve())
    items = [r for r in recent_files() if r != p]
    s = settings()
    s.setValue("recent", [p, *items][:10])
    s.sync()


# ---------------------------------------------------------------------- .ui forms
def load_ui(name: str, parent: QWidget | None = None) -> QWidget:
    """Load ``ui/NAME.ui`` (a Qt Designer form) with QUiLoader; strings are translated on load."""
    path = ui_dir() / f"{name}.ui"
    f = QFile(str(path))
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(path)
    loader = QUiLoader()
    try:
        w = loader.load(f, parent)
    finally:
        f.close()
    if w is None:
        raise RuntimeError(f"cannot load {path}: {loader.errorString()}")
    return w


def child(w: QWidget, cls: type, name: str) -> Any:
    c = w.findChild(cls, name)
    if c is None:
        raise LookupError(f"{name} ({cls.__name__}) not in form {w.objectName()}")
    return c


# ---------------------------------------------------------------------- formatting
fmt_min = clock
"""Sim minutes as T+HH:MM (:func:`drillsim.exercise.wording.clock`)."""


def clock_text(start, t: float) -> str:
    from datetime import timedelta

    wall = start + timedelta(minutes=float(t))
    return f"{fmt_min(t)}  {wall:%m-%d %H:%M}"


STATUS_COLORS = {"idle": "#2e7d32", "enroute": "#1565c0", "working": "#c62828", "transporting": "#6a1b9a",
                 "returning": "#00838f", "stuck": "#ff6f00", "recalled": "#616161"}
KIND_ZH = {"depot": "物资库", "shelter": "避难场所", "hospital": "医院", "community": "社区/村",
           "plant": "化工企业", "forest": "林场", "reservoir": "水库", "command_post": "指挥部",
           "station": "队伍驻地"}


def status_text(s: str) -> str:
    """A unit status for a table cell or a legend (:data:`drillsim.exercise.wording.UNIT_STATUS`)."""
    return label(UNIT_STATUS, s, cap=True)
