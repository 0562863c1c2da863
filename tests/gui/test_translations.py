"""The English .ts holds exactly the strings the GUI reads out, all translated, and the .qm is its compile.

``python -m drillsim.gui.i18n`` keeps them so; these tests catch a .ts left behind by a change
(a string removed from the code but still in the .ts, or added without a translation) and a
.qm not recompiled after the .ts changed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from drillsim.gui import i18n


def _ts_messages() -> dict[str, list[tuple[str, str | None, str | None]]]:
    out: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for ctx in ET.parse(i18n.ts_path("en")).getroot().iter("context"):
        for m in ctx.iter("message"):
            tr = m.find("translation")
            out.setdefault(ctx.findtext("name") or "", []).append(
                (m.findtext("source") or "", tr.text if tr is not None else None, tr.get("type") if tr is not None else None))
    return out


def test_ts_holds_exactly_the_strings_in_use_all_translated():
    used = i18n.collect()
    ts = _ts_messages()
    stale = sorted((c, s) for c, msgs in ts.items() for s, _, _ in msgs if s not in used.get(c, []))
    missing = sorted((c, s) for c, srcs in used.items() for s in srcs if s not in {x for x, _, _ in ts.get(c, [])})
    untranslated = sorted((c, s) for c, msgs in ts.items() for s, text, kind in msgs if kind or not text)
    assert not stale, f"in the .ts but no longer in the code (run python -m drillsim.gui.i18n): {stale}"
    assert not missing, f"in the code but not in the .ts (run python -m drillsim.gui.i18n): {missing}"
    assert not untranslated, f"no English yet: {untranslated}"


def test_qm_is_the_compiled_ts(tmp_path):
    exe = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    if not Path(exe).exists():
        pytest.skip("pyside6-lrelease not installed")
    ts = i18n.ts_path("en")
    out = tmp_path / "check.qm"
    subprocess.run([exe, str(ts), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == ts.with_suffix(".qm").read_bytes(), \
        "drillsim_en.qm is not the compile of drillsim_en.ts (run python -m drillsim.gui.i18n)"
