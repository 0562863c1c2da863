"""The app speaks one language at a time: every text a widget shows, for every shipped scenario run
with its orders file, in English (no Chinese) and in Chinese (no raw keys or English enum words).

Widgets: labels, buttons, tabs, combo boxes, tables and trees (every cell and header), the event log,
the map's labels, legend and tooltips, and the order dialogs' lists. What is allowed: tests/lang_check.py.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from drillsim.core.paths import shipped_scenarios
from tests.lang_check import leaks

SCENARIOS = shipped_scenarios()
DIALOGS = ("dispatch", "supplies", "evacuate", "warning", "level", "request", "inject")


def _model_text(view: QAbstractItemView) -> list[str]:
    from PySide6.QtCore import QModelIndex, Qt

    m = view.model()
    if m is None:
        return []
    out: list[str] = []
    for orient in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        n = m.columnCount() if orient == Qt.Orientation.Horizontal else 0
        out += [str(m.headerData(c, orient)) for c in range(n) if m.headerData(c, orient)]

    def walk(parent: QModelIndex) -> None:
        for r in range(m.rowCount(parent)):
            for c in range(m.columnCount(parent)):
                ix = m.index(r, c, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    v = m.data(ix, role)
                    if isinstance(v, str) and v.strip():
                        out.append(v)
            first = m.index(r, 0, parent)
            if m.rowCount(first) > 0:
                walk(first)

    walk(QModelIndex())
    return out


def widget_texts(root: QWidget) -> list[str]:
    """Everything a reader may see in ``root`` and its children (also tooltips and hidden pages)."""
    out: list[str] = [root.windowTitle()]
    for w in [root, *root.findChildren(QWidget)]:
        out.append(w.toolTip())
        if isinstance(w, QLabel):
            out.append(w.text())
        elif isinstance(w, QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, QLineEdit):
            out += [w.text(), w.placeholderText()]
        elif isinstance(w, (QTextEdit, QPlainTextEdit)):
            out.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabBar):
            out += [w.tabText(i) for i in range(w.count())] + [w.tabToolTip(i) for i in range(w.count())]
        if isinstance(w, QListWidget):
            out += [w.item(i).text() for i in range(w.count())]
        elif isinstance(w, QAbstractItemView):
            out += _model_text(w)
    for a in root.findChildren(__import__("PySide6.QtGui", fromlist=["QAction"]).QAction):
        out += [a.text(), a.toolTip()]
    return [t for t in dict.fromkeys(out) if t and t.strip()]


def scene_texts(view, sim) -> list[str]:
    """The map's labels and the tooltips over every place, incident and unit (hazard fields included)."""
    import re

    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QGraphicsSimpleTextItem, QGraphicsTextItem

    out: list[str] = []
    for it in view.scene().items():
        if isinstance(it, QGraphicsSimpleTextItem):
            out.append(it.text())
        elif isinstance(it, QGraphicsTextItem):
            out.append(it.toPlainText())
        out.append(it.toolTip())
    points = [p.at for p in sim.world.places.values()] + [i.at for i in sim.board.incidents.values() if i.at]
    points += [u.position() for u in sim.units.values()]
    for x, y in points:
        tip = view.tooltip_at(QPointF(float(x), -float(y)))
        out += [re.sub(r"<[^>]+>", "", line) for line in tip.split("<br>")]
    return [t for t in dict.fromkeys(out) if t and t.strip()]


def _ids(session) -> set[str]:
    s = session
    ids = {*s.sim.units, *s.seats.seats, *s.msel.injects, *s.sim.board.incidents, *s.sim.board.tasks}
    for ev in s.events.events:
        if ev.type == "order.accepted":
            ids |= {str(v) for k, v in (ev.data.get("args") or {}).items() if k in ("road", "request") and v}
        elif ev.type == "support.requested":
            ids.add(str(ev.data.get("request")))
    return ids


def _scan(w, s, lang: str) -> list[str]:
    texts: list[str] = []
    for view in ("director", "trainee", "evaluator", "kpi", "map"):
        w.set_view(view)
        w.refresh_panels()
        texts += widget_texts(w.win)
    texts += scene_texts(w.map, s.sim)
    if w.kpi.fig is not None:  # the KPI dashboard's charts (matplotlib)
        from matplotlib.text import Text

        texts += [t.get_text() for t in w.kpi.fig.findobj(Text)]
    for kind in DIALOGS:
        d = w.open_dialog(kind)
        texts += widget_texts(d.dlg)
        d.dlg.close()
    ids = _ids(s) | {"中文" if lang == "en" else "English"}  # the language menu names each language in itself
    return [f"{lang}: {p}" for t in dict.fromkeys(texts) for p in leaks(t, lang, ids)]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_app_speaks_one_language(app, qtbot, path):
    """Chinese first, then the same drill after switching the app to English (the windows are rebuilt)."""
    from drillsim.exercise.order_file import load_orders
    from drillsim.exercise.session import Session
    from drillsim.scenario import load_scenario

    w = app.main_window()
    s = Session(load_scenario(path), inputs=load_orders(path.with_name(path.stem + ".orders.yaml")))
    w.start_session(s)
    w.win.show()
    w.controller.advance_to(min(240.0, s.sim.duration))
    problems = _scan(w, s, "zh")
    app.set_language("en")
    w = app.window
    assert w.controller.session is s
    w.win.show()
    problems += _scan(w, s, "en")
    problems = list(dict.fromkeys(problems))
    assert not problems, f"{len(problems)} leaks:\n" + "\n".join(problems[:60])
