"""Translations: zh_CN is the source language; English ships as a Qt Linguist .ts/.qm.

- ``resources/translations/drillsim_en.ts``: the Linguist file (edit in pyside6-linguist).
- ``resources/translations/drillsim_en.qm``: compiled with ``pyside6-lrelease``.
- ``python -m drillsim.gui.i18n``: collect every Chinese string literal of drillsim/gui
  (context ``DrillSim``) and every string of ui/*.ui (context = the form's class), merge
  them into the .ts (new ones marked unfinished), and recompile the .qm.

At run time the .qm is loaded with a plain QTranslator; if it is missing (for example
a checkout where lrelease was never run) :class:`TsTranslator` reads the .ts XML.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from drillsim.core import i18n as core_i18n
from drillsim.core.paths import resources, ui_dir

CJK = re.compile(r"[\u3400-\u9fff]")
_installed: list[QTranslator] = []


def ts_path(lang: str = "en") -> Path:
    return resources("translations", f"drillsim_{lang}.ts")


def read_ts(path: Path) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    if not path.exists():
        return out
    root = ET.parse(path).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            src = msg.findtext("source") or ""
            tr = msg.find("translation")
            if tr is not None and tr.text and tr.get("type") not in ("unfinished", "obsolete", "vanished"):
                out[(name, src)] = tr.text
    return out


class TsTranslator(QTranslator):
    """A QTranslator that reads a Linguist .ts file directly (fallback when no .qm)."""

    def __init__(self, path: Path, parent=None) -> None:
        super().__init__(parent)
        self.table = read_ts(path)
        self.by_source = {src: tr for (_, src), tr in self.table.items()}

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: N802 (Qt API)
        tr = self.table.get((context, source)) or self.by_source.get(source)
        return tr if tr else ""

    def isEmpty(self) -> bool:  # noqa: N802
        return not self.table


def install(lang: str) -> str:
    """Install the translator for ``lang`` (zh: none, the source language). Returns what was used."""
    app = QCoreApplication.instance()
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    lang = "en" if str(lang).lower().startswith("en") else "zh"
    core_i18n.set_lang(lang)
    if lang == "zh":
        _install_qt_base(app, "zh_CN")
        return "zh"
    qm = resources("translations", f"drillsim_{lang}.qm")
    t = QTranslator()
    if qm.exists() and t.load(str(qm)):
        used = "qm"
    else:
        t = TsTranslator(ts_path(lang))
        used = "ts"
    app.installTranslator(t)
    _installed.append(t)
    return used


def _install_qt_base(app, locale: str) -> None:
    """Qt's own words (the OK / Cancel of a dialog's standard buttons, the file dialog) in ``locale``,
    from the translations PySide6 ships (``qtbase_zh_CN.qm``); without them a Chinese dialog says OK."""
    from PySide6.QtCore import QLibraryInfo

    t = QTranslator()
    if t.load(f"qtbase_{locale}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(t)
        _installed.append(t)


# ---------------------------------------------------------------------- update tool
def collect() -> dict[str, list[str]]:
    """Source strings by context, in order of appearance."""
    out: dict[str, list[str]] = {}
    gui = Path(__file__).resolve().parent
    for py in sorted(gui.glob("*.py")):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value):
                if "\n" in node.value and len(node.value) > 200:
                    continue  # docstrings
                out.setdefault("DrillSim", []).append(node.value)
    for ui in sorted(ui_dir().glob("*.ui")):
        root = ET.parse(ui).getroot()
        cls = root.findtext("class") or ui.stem
        for s in root.iter("string"):
            if s.text and s.get("notr") != "true":
                out.setdefault(cls, []).append(s.text)
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def write_ts(path: Path, strings: dict[str, list[str]], table: dict[tuple[str, str], str],
             extra: dict[str, str] | None = None) -> tuple[int, int]:
    extra = extra or {}
    root = ET.Element("TS", version="2.1", language="en_US", sourcelanguage="zh_CN")
    done = todo = 0
    for ctx in sorted(strings):
        c = ET.SubElement(root, "context")
        ET.SubElement(c, "name").text = ctx
        for src in strings[ctx]:
            m = ET.SubElement(c, "message")
            ET.SubElement(m, "source").text = src
            tr = table.get((ctx, src)) or extra.get(src) or next(
                (v for (_, s), v in table.items() if s == src), None)
            t = ET.SubElement(m, "translation")
            if tr:
                t.text = tr
                done += 1
            else:
                t.set("type", "unfinished")
                todo += 1
    ET.indent(root)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                    + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    return done, todo


def lrelease(ts: Path) -> bool:
    exe = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    if not Path(exe).exists():
        return False
    r = subprocess.run([exe, str(ts), "-qm", str(ts.with_suffix(".qm"))], capture_output=True, text=True)
    return r.returncode == 0


def main(argv: list[str] | None = None) -> int:
    import json

    argv = list(sys.argv[1:] if argv is None else argv)
    extra = {}
    if argv:  # optional JSON {zh: en} with new translations to merge
        extra = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    ts = ts_path("en")
    done, todo = write_ts(ts, collect(), read_ts(ts), extra)
    ok = lrelease(ts)
    print(f"{ts}: {done} translated, {todo} unfinished; qm {'compiled' if ok else 'NOT compiled'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
