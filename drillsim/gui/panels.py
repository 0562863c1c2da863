"""Consoles: director (导演部), trainee seat (参演席位), evaluator (评估组), event log.

Each console is a Designer form (ui/*console.ui) plus this logic. Consoles refresh
about once a second from the live session; they never hold engine state themselves.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
)

from drillsim.core.events import Event
from drillsim.exercise.seat_view import SeatFilter
from drillsim.exercise.wording import (
    INJECT_STATUS,
    RESPONSE_LEVELS,
    TASK_KINDS,
    WARNING_COLORS,
    EventWords,
    SimNames,
    event_group,
    label,
    tier_stock,
    unit_type_label,
)
from drillsim.gui.common import (
    STATUS_COLORS,
    T,
    child,
    colon,
    fmt_min,
    gap,
    join,
    load_ui,
    pick,
    status_text,
)

MSEL_COLORS = {"ready": "#eceff1", "sent": "#fff3e0", "answered": "#e8f5e9", "missed": "#ffebee", "cancelled": "#f5f5f5"}
DEFAULT_CHECKLIST = [
    {"id": "warning", "step": "预警发布", "items": ["及时研判并发布预警", "预警覆盖受影响社区", "预警渠道多样(短信、村村响)"]},
    {"id": "response", "step": "响应启动", "items": ["按预案启动相应级别响应", "指挥部及时成立并明确分工"]},
    {"id": "dispatch", "step": "队伍调派", "items": ["首批力量及时出动", "队伍能力与任务匹配", "跨层级请求支援及时"]},
    {"id": "evacuation", "step": "群众转移", "items": ["危险区域群众及时转移", "避难场所及时开放并有序安置"]},
    {"id": "supplies", "step": "物资保障", "items": ["物资按需调运", "分级储备使用合理"]},
    {"id": "reporting", "step": "信息报送", "items": ["信息逐级及时报送", "通信中断时启用备用手段"]},
]


def set_cell(table: QTableWidget, r: int, c: int, text: str, bg: str | None = None, data: Any = None,
             tip: str | None = None) -> bool:
    """Set a cell (only what changed); ``tip`` sets the tooltip. True if the text changed."""
    it = table.item(r, c)
    if it is None:
        it = QTableWidgetItem()
        table.setItem(r, c, it)
    changed = it.text() != text
    if changed:
        it.setText(text)
    if tip is not None and it.toolTip() != tip:
        it.setToolTip(tip)
    if bg is not None:
        it.setBackground(QBrush(QColor(bg)))
    if data is not None:
        it.setData(Qt.ItemDataRole.UserRole, data)
    return changed


# ---------------------------------------------------------------------- seat views in replay
# Who sees which archived event, for the replay log's seat-view filter: the engine's rules,
# shared with networked drills and ``drillsim replay --seat``.
ArchiveSeats = SeatFilter


# ---------------------------------------------------------------------- event log
class EventModel(QAbstractTableModel):
    HEADERS = ("时间", "类型", "内容")

    def __init__(self, sim=None) -> None:
        super().__init__()
        self.sim = sim
        self.session = None
        self.all: list[Event] = []
        self.rows: list[Event] = []
        self.prefix = ""
        self.seat = ""
        self.search = ""
        self.fmt = EventWords(SimNames(sim))
        """The log's sentences (:mod:`drillsim.exercise.wording`, the report's words), in the app's language."""
        self.archive_seats: ArchiveSeats | None = None
        """Replay: seat visibility for archived events (``session`` is None then)."""
        self.now = 0.0
        """Replay: the scrubbed time (events a seat learns of later are hidden)."""

    def text(self, ev: Event) -> str:
        return self.fmt.text(ev)

    def accepts(self, ev: Event) -> bool:
        if self.prefix and not ev.type.startswith(self.prefix):
            return False
        if self.seat and self.seat != "director":
            if self.session is not None:
                t, now = self.session.seats.visible_at(self.seat, ev), self.session.now
            elif self.archive_seats is not None:
                t, now = self.archive_seats.visible_at(self.seat, ev), self.now
            else:
                t, now = ev.t, ev.t
            if t is None or t > now:
                return False
        if self.search and self.search not in ev.type and self.search not in self.fmt.text(ev):
            return False
        return True

    def reset(self, events: list[Event], sim=None) -> None:
        self.beginResetModel()
        self.sim = sim
        self.all = list(events)
        self.fmt.reset(SimNames(sim, self.session))
        for e in self.all:
            self.fmt.observe(e)
            if self.archive_seats is not None:
                self.archive_seats.observe(e)
        self.rows = [e for e in self.all if self.accepts(e)]
        self.endResetModel()

    def refilter(self) -> None:
        self.beginResetModel()
        self.rows = [e for e in self.all if self.accepts(e)]
        self.endResetModel()

    def append(self, events: list[Event]) -> None:
        self.all.extend(events)
        for e in events:
            self.fmt.observe(e)
            if self.archive_seats is not None:
                self.archive_seats.observe(e)
        new = [e for e in events if self.accepts(e)]
        if new:
            n = len(self.rows)
            self.beginInsertRows(QModelIndex(), n, n + len(new) - 1)
            self.rows.extend(new)
            self.endInsertRows()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 3

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        ev = self.rows[index.row()]
        c = index.column()
        if c == 0:
            return fmt_min(ev.t)
        if c == 1:  # what the event is about, in words (the search box still matches the raw type)
            return event_group(ev.type)
        return self.fmt.text(ev)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return T(self.HEADERS[section])
        return None


class EventLog:
    TYPES = [("全部", ""), ("事件", "incident."), ("任务", "task."), ("队伍", "unit."), ("调派", "dispatch"),
             ("指令", "order."), ("情况导入", "inject."), ("道路", "road."), ("预警", "warning."),
             ("响应", "response."), ("支援", "support."), ("评估记录", "note"), ("导演部", "director."),
             ("地震", "earthquake."), ("危化品", "chemical."), ("洪水", "flood."), ("森林火灾", "wildfire.")]

    def __init__(self, main) -> None:
        self.main = main
        self.w = load_ui("eventlog")
        self.model = EventModel()
        self.table: QTableView = child(self.w, QTableView, "logTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 80)
        self.table.setColumnWidth(1, 150)
        self.types: QComboBox = child(self.w, QComboBox, "typeCombo")
        for text, prefix in self.TYPES:
            self.types.addItem(T(text), prefix)
        self.seats: QComboBox = child(self.w, QComboBox, "seatCombo")
        self.count: QLabel = child(self.w, QLabel, "countLabel")
        self.search: QLineEdit = child(self.w, QLineEdit, "searchEdit")
        self.types.currentIndexChanged.connect(self._filter)
        self.seats.currentIndexChanged.connect(self._filter)
        self.search.textChanged.connect(self._filter)

    def set_session(self, session) -> None:
        self.model.session = session
        self.model.archive_seats = None
        self.seats.blockSignals(True)
        self.seats.clear()
        self.seats.addItem(T("导演部(全部)"), "director")
        for s in session.seats.seats.values():
            self.seats.addItem(pick(s.name), s.id)
        self.seats.blockSignals(False)
        self.model.reset(session.events.events, session.sim)
        self._count()

    def show_events(self, events: list[Event], n: int, prev: int, sim=None, seats: ArchiveSeats | None = None,
                    now: float | None = None) -> None:
        """Replay: show ``events[:n]`` (archived, time-ordered); appends when scrubbing forward.

        ``seats`` fills the 席位视角 list (the archive's seats) and filters by what each seat
        had learned by ``now`` (default: the last shown event's time)."""
        now = (events[n - 1].t if n > 0 else 0.0) if now is None else float(now)
        fresh = self.model.session is not None or self.model.archive_seats is not seats
        if fresh:
            self._fill_seats(seats.names() if seats is not None else [])
            self.model.session = None
            self.model.archive_seats = seats
            self.model.seat = self.seats.currentData() or ""
        if fresh or prev < 0 or n < prev or self.model.sim is not sim:
            self.model.now = now
            if seats is not None:  # grants and comms are rebuilt from t=0
                seats.reset()
            self.model.reset(events[:n], sim)
            self.table.scrollToBottom()
            self._count()
            return
        moved = now != self.model.now
        self.model.now = now
        if n > prev:
            self.append(events[prev:n])
        if moved and self.model.seat not in ("", "director"):  # news reaches the seat later
            self.model.refilter()
            self.table.scrollToBottom()
            self._count()

    def _fill_seats(self, seats: list[tuple[str, str]]) -> None:
        """The seat-view list: the director (everything) then ``seats``; keeps the current seat if still there."""
        cur = self.seats.currentData()
        self.seats.blockSignals(True)
        self.seats.clear()
        self.seats.addItem(T("导演部(全部)"), "director")
        for sid, name in seats:
            self.seats.addItem(name, sid)
        k = self.seats.findData(cur) if cur else -1
        self.seats.setCurrentIndex(max(0, k))
        self.seats.blockSignals(False)

    def _filter(self, *_a) -> None:
        self.model.prefix = self.types.currentData() or ""
        self.model.seat = self.seats.currentData() or ""
        self.model.search = self.search.text().strip()
        self.model.refilter()
        self._count()

    def append(self, events: list[Event]) -> None:
        at_end = self.table.verticalScrollBar().value() >= self.table.verticalScrollBar().maximum() - 2
        self.model.append(events)
        if at_end:
            self.table.scrollToBottom()
        self._count()

    def _count(self) -> None:
        self.count.setText(f"{len(self.model.rows)} / {len(self.model.all)}")


# ---------------------------------------------------------------------- director
class DirectorConsole:
    def __init__(self, main) -> None:
        self.main = main
        self.w = load_ui("directorconsole")
        self.msel: QTableWidget = child(self.w, QTableWidget, "mselTable")
        self.requests: QTableWidget = child(self.w, QTableWidget, "requestsTable")
        for t in (self.msel, self.requests):
            t.verticalHeader().setVisible(False)
            t.horizontalHeader().setStretchLastSection(True)
        self.msel.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.msel.horizontalHeader().setStretchLastSection(False)
        # the message column stretches and wraps (rows grow to fit, up to MSEL_LINES lines);
        # the full text is also the tooltip
        self.msel.setWordWrap(True)
        self.msel.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.msel.setColumnWidth(0, 62)
        self.msel.setColumnWidth(1, 52)
        self.msel.setColumnWidth(2, 84)
        self.msel.setColumnWidth(4, 76)
        self.msel.horizontalHeader().sectionResized.connect(lambda *_: self._fit_rows())
        lay = self.w.layout()
        lay.setStretchFactor(self.msel, 3)  # the MSEL gets the room; requests are few
        lay.setStretchFactor(self.requests, 1)
        self.level: QLabel = child(self.w, QLabel, "levelLabel")
        self.overview: QLabel = child(self.w, QLabel, "overviewLabel")
        child(self.w, QPushButton, "pauseAllButton").clicked.connect(main.pause_all)
        child(self.w, QPushButton, "fireButton").clicked.connect(self.fire_selected)
        child(self.w, QPushButton, "editButton").clicked.connect(self.edit_selected)
        child(self.w, QPushButton, "answerButton").clicked.connect(self.answer_selected)
        child(self.w, QPushButton, "adhocButton").clicked.connect(lambda: main.open_dialog("inject"))
        child(self.w, QPushButton, "approveButton").clicked.connect(lambda: self.decide(True))
        child(self.w, QPushButton, "refuseButton").clicked.connect(lambda: self.decide(False))

    MSEL_LINES = 3

    def _fit_rows(self) -> None:
        """Row heights: the wrapped message, at most MSEL_LINES lines (the tooltip has the rest)."""
        fm = self.msel.fontMetrics()
        cap = fm.lineSpacing() * self.MSEL_LINES + 8
        for r in range(self.msel.rowCount()):
            h = min(cap, max(self.msel.sizeHintForRow(r), fm.lineSpacing() + 8))
            if self.msel.rowHeight(r) != h:
                self.msel.setRowHeight(r, h)

    def selected_inject(self) -> str | None:
        r = self.msel.currentRow()
        it = self.msel.item(r, 1) if r >= 0 else None
        return it.text() if it else None

    def fire_selected(self) -> None:
        iid = self.selected_inject()
        if iid:
            ok = self.main.controller.session.fire_inject(iid)
            self.main.controller.flush()
            self.main.status((T("已下发") if ok else T("无法下发(非待发状态)")) + f" {iid}")
            self.refresh()

    def edit_selected(self) -> None:
        iid = self.selected_inject()
        if iid:
            self.main.open_dialog("inject", inject_id=iid)

    def answer_selected(self) -> None:
        iid = self.selected_inject()
        if iid:
            self.main.controller.session.answer_inject(iid)
            self.main.controller.flush()
            self.refresh()

    def decide(self, approve: bool) -> None:
        r = self.requests.currentRow()
        if r < 0:
            return
        rid = self.requests.item(r, 0).text()
        res = self.main.controller.session.order("approve_request", by="director", request=rid, approve=approve)
        if not res:
            self.main.status(pick(res.reason or ""))
        self.main.controller.flush()
        self.refresh()

    def refresh(self) -> None:
        s = self.main.controller.session
        if s is None:
            return
        injects = sorted(s.msel.injects.values(), key=lambda i: (i.time_min, i.id))
        refit = self.msel.rowCount() != len(injects)
        self.msel.setRowCount(len(injects))
        for r, inj in enumerate(injects):
            bg = MSEL_COLORS.get(inj.status)
            set_cell(self.msel, r, 0, fmt_min(inj.time_min), bg)
            set_cell(self.msel, r, 1, inj.id, bg)
            to = s.seats.seats.get(inj.to)
            to_name = pick(to.name) if to else inj.to
            set_cell(self.msel, r, 2, to_name, bg, tip=to_name)
            msg = pick(inj.message)
            refit |= set_cell(self.msel, r, 3, msg, bg, tip=msg)
            set_cell(self.msel, r, 4, label(INJECT_STATUS, inj.status, cap=True), bg)
        if refit:
            self._fit_rows()
        reqs = list(s.seats.requests.values())
        self.requests.setRowCount(len(reqs))
        for r, q in enumerate(reqs):
            set_cell(self.requests, r, 0, q["id"])
            frm, to = s.seats.seats.get(q["from"]), s.seats.seats.get(q["to"])
            set_cell(self.requests, r, 1, f"{pick(frm.name) if frm else q['from']} → {pick(to.name) if to else q['to']}")
            depot = s.sim.world.places.get(q["depot"]) if q.get("depot") else None
            set_cell(self.requests, r, 2, join([*q["units"], *([pick(depot.name) if depot else q["depot"]] if q.get("depot") else [])]))
            set_cell(self.requests, r, 3, {"pending": T("待批"), "approved": T("已批准"), "refused": T("已拒绝")}.get(q["status"], q["status"]))
        lvl = s.seats.response_level
        self.level.setText(T("响应级别") + colon() + (label(RESPONSE_LEVELS, lvl, cap=True) if lvl else T("未启动")))
        sim = s.sim
        busy = sum(1 for u in sim.units.values() if u.status != "idle")
        open_inc = sum(1 for i in sim.board.incidents.values() if i.resolved is None)
        k = sim.kpis.summary()
        self.overview.setText(gap().join([
            f"{T('事件')}{colon()}{open_inc} {T('未处置')} / {len(sim.board.incidents)}",
            f"{T('队伍')}{colon()}{busy} {T('出动')} / {len(sim.units)}",
            f"{T('获救')}{colon()}{k['rescued']} / {k['trapped']}", f"{T('道路受阻')}{colon()}{k['roads_blocked']}"]))


# ---------------------------------------------------------------------- trainee
class TraineeConsole:
    def __init__(self, main) -> None:
        self.main = main
        self.w = load_ui("traineeconsole")
        self.seat: QComboBox = child(self.w, QComboBox, "seatCombo")
        self.status: QLabel = child(self.w, QLabel, "statusLabel")
        self.incidents: QTreeWidget = child(self.w, QTreeWidget, "incidentTree")
        self.units: QTableWidget = child(self.w, QTableWidget, "unitTable")
        self.supplies: QTreeWidget = child(self.w, QTreeWidget, "supplyTree")
        self.shelters: QTableWidget = child(self.w, QTableWidget, "shelterTable")
        for t in (self.units, self.shelters):
            t.verticalHeader().setVisible(False)
            t.horizontalHeader().setStretchLastSection(True)
        self.units.setColumnWidth(0, 150)
        # incident tree: the name column takes what is left and elides (full text in the tooltip);
        # no horizontal scrolling in the console dock
        hdr = self.incidents.header()
        hdr.setStretchLastSection(False)
        hdr.setMinimumSectionSize(36)
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hdr.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)  # short: 1, 2, 3
        hdr.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)  # 处置中 / In progress, 3/10
        hdr.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)  # T+00:59, or a task's units (elided)
        self.incidents.setColumnWidth(3, 84)
        self.incidents.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.supplies.setColumnWidth(0, 230)
        self.shelters.setColumnWidth(0, 150)
        for name, kind in (("dispatchButton", "dispatch"), ("suppliesButton", "supplies"),
                           ("evacuateButton", "evacuate"), ("warningButton", "warning"),
                           ("levelButton", "level"), ("requestButton", "request")):
            child(self.w, QPushButton, name).clicked.connect(lambda _=False, k=kind: main.open_dialog(k))
        self.incidents.itemDoubleClicked.connect(self._dispatch_for)
        self.units.itemSelectionChanged.connect(self._select_unit)
        self.seat.currentIndexChanged.connect(lambda *_: self.refresh())
        self._inc_items: dict[str, QTreeWidgetItem] = {}

    def set_session(self, session) -> None:
        self.seat.blockSignals(True)
        self.seat.clear()
        self.seat.addItem(T("导演部(全部)"), "director")
        for s in session.seats.seats.values():
            self.seat.addItem(pick(s.name), s.id)
        k = self.seat.findData("county_hq")
        self.seat.setCurrentIndex(k if k >= 0 else 0)
        self.seat.blockSignals(False)
        self.incidents.clear()
        self._inc_items.clear()

    def current_seat(self) -> str:
        return self.seat.currentData() or "director"

    def _dispatch_for(self, item: QTreeWidgetItem, _col: int) -> None:
        tid = item.data(0, Qt.ItemDataRole.UserRole)
        if tid and "/" in str(tid):
            self.main.open_dialog("dispatch", task=tid)

    def _select_unit(self) -> None:
        r = self.units.currentRow()
        it = self.units.item(r, 0) if r >= 0 else None
        if it is not None:
            self.main.focus_unit(it.data(Qt.ItemDataRole.UserRole))

    def refresh(self) -> None:
        s = self.main.controller.session
        if s is None:
            return
        sim, seats = s.sim, s.seats
        seat = self.current_seat()
        now = s.now
        # status line: response level, warnings, comms
        lvl = seats.response_level
        warned = {}
        for w in seats.warned.values():
            warned[w["color"]] = warned.get(w["color"], 0) + 1
        parts = [T("响应级别") + colon() + (label(RESPONSE_LEVELS, lvl, cap=True) if lvl else T("未启动"))]
        if warned:
            parts.append(T("预警") + colon() + join(f"{label(WARNING_COLORS, c, cap=True)} {n}" for c, n in warned.items()))
        if seat in seats.seats and not seats.seats[seat].comms_ok:
            parts.append("<span style='color:#c62828'>" + T("通信中断，信息延迟") + "</span>")
        pend = [q for q in seats.requests.values() if q["to"] == seat and q["status"] == "pending"]
        if pend:
            parts.append(T("待批支援请求") + f"{colon()}{len(pend)}")
        self.status.setText(gap().join(parts))
        # incidents the seat knows of
        known = None
        if seat != "director":
            known = set()
            for ev in sim.events.of_type("incident.new"):
                t = seats.visible_at(seat, ev)
                if t is not None and t <= now:
                    known.add(str(ev.data.get("id")))
        incs = [i for i in sim.board.incidents.values() if (known is None or i.id.split("#")[0] in known)]
        incs.sort(key=lambda i: (i.resolved is not None, i.priority, i.reported))
        wanted = {i.id for i in incs}
        for iid in [k for k in self._inc_items if k not in wanted]:
            it = self._inc_items.pop(iid)
            self.incidents.takeTopLevelItem(self.incidents.indexOfTopLevelItem(it))
        self.incidents.setUpdatesEnabled(False)
        for inc in incs[:300]:
            it = self._inc_items.get(inc.id)
            if it is None:
                it = QTreeWidgetItem(self.incidents)
                it.setData(0, Qt.ItemDataRole.UserRole, inc.id)
                self._inc_items[inc.id] = it
            name = pick(inc.name)
            if it.text(0) != name:
                it.setText(0, name)
                it.setToolTip(0, f"{name} ({inc.id})")
            it.setText(1, str(inc.priority))
            done = T("已处置") if inc.resolved is not None else (T("处置中") if inc.first_response is not None else T("待处置"))
            it.setText(2, done)
            it.setText(3, fmt_min(inc.reported))
            col = QColor("#9e9e9e") if inc.resolved is not None else QColor({1: "#c62828", 2: "#e65100"}.get(inc.priority, "#37474f"))
            it.setForeground(0, QBrush(col))
            if it.childCount() != len(inc.tasks):
                it.takeChildren()
                for tid in inc.tasks:
                    c = QTreeWidgetItem(it)
                    c.setData(0, Qt.ItemDataRole.UserRole, tid)
            for k, tid in enumerate(inc.tasks):
                t = sim.board.tasks[tid]
                c = it.child(k)
                text = f"{label(TASK_KINDS, t.kind, cap=True)} ({tid})"
                if c.text(0) != text:
                    c.setText(0, text)
                    c.setToolTip(0, text)
                c.setText(2, f"{t.done_qty:g}/{t.quantity:g}" if t.quantity != float("inf") else f"{t.done_qty:g}")
                who = ", ".join(sorted(t.units))
                if c.text(3) != who:
                    c.setText(3, who)  # elided in the column; the tooltip has them all
                    c.setToolTip(3, who)
        self.incidents.setUpdatesEnabled(True)
        # units the seat commands (the director sees all)
        units = [u for u in sim.units.values() if seat == "director" or seat not in seats.seats or seats.may_use_unit(seat, u.id)]
        words = EventWords(SimNames(sim, s))
        self.units.setRowCount(len(units))
        for r, u in enumerate(units):
            set_cell(self.units, r, 0, pick(u.spec.name), data=u.id)
            set_cell(self.units, r, 1, unit_type_label(u.spec.type))
            set_cell(self.units, r, 2, status_text(u.status), STATUS_COLORS.get(u.status, "#ffffff") + "40")
            set_cell(self.units, r, 3, words.task_text(u.task.id) if u.task else "-")
            set_cell(self.units, r, 4, fmt_min(u.eta) if u.eta is not None and u.eta > now else "-")
        # supplies by tier and depot
        w = sim.world
        sup = sim.scenario.supplies
        self.supplies.setUpdatesEnabled(False)
        self.supplies.clear()
        tiers: dict[str, QTreeWidgetItem] = {}
        for d, stock in w.stock.items():
            p = w.places[d]
            tier = p.tier or "-"
            if tier not in tiers:
                tiers[tier] = QTreeWidgetItem(self.supplies, [tier_stock(tier, cap=True), ""])
                tiers[tier].setExpanded(True)
            di = QTreeWidgetItem(tiers[tier], [pick(p.name), ""])
            for item, q in stock.items():
                unit = pick(sup[item].unit) if item in sup else ""
                QTreeWidgetItem(di, [pick(sup[item].name) if item in sup else item, f"{q:,.0f} {unit}"])
        self.supplies.setUpdatesEnabled(True)
        # shelters
        sh = list(w.occupancy)
        self.shelters.setRowCount(len(sh))
        for r, sid in enumerate(sh):
            p = w.places[sid]
            occ, cap = w.occupancy[sid], p.capacity
            full = cap and occ >= cap
            set_cell(self.shelters, r, 0, pick(p.name), data=sid)
            set_cell(self.shelters, r, 1, f"{occ:,}", "#ffcdd2" if full else None)
            set_cell(self.shelters, r, 2, f"{cap:,}")
            set_cell(self.shelters, r, 3, T("开放") if w.shelter_open.get(sid) else T("关闭"))


# ---------------------------------------------------------------------- evaluator
class EvaluatorConsole:
    RATINGS = ["观察", "做得好", "需改进", "问题"]

    def __init__(self, main) -> None:
        self.main = main
        self.w = load_ui("evaluatorconsole")
        self.tree: QTreeWidget = child(self.w, QTreeWidget, "checklistTree")
        self.tree.setColumnWidth(0, 260)
        self.edit: QPlainTextEdit = child(self.w, QPlainTextEdit, "noteEdit")
        self.rating: QComboBox = child(self.w, QComboBox, "ratingCombo")
        self.notes: QListWidget = child(self.w, QListWidget, "notesList")
        child(self.w, QPushButton, "addNoteButton").clicked.connect(self.add_note)
        self.tree.itemChanged.connect(self._checked)
        self._loading = False

    def set_session(self, session) -> None:
        self._loading = True
        self.tree.clear()
        lists = session.scenario.checklists or DEFAULT_CHECKLIST
        for step in lists:
            top = QTreeWidgetItem(self.tree, [T(str(step.get("step", step.get("id", "")))) if isinstance(step.get("step"), str) else pick(step.get("step")), ""])
            top.setData(0, Qt.ItemDataRole.UserRole, step.get("id"))
            top.setExpanded(True)
            for k, item in enumerate(step.get("items") or []):
                text = T(item) if isinstance(item, str) else pick(item.get("text", item) if isinstance(item, dict) else item)
                c = QTreeWidgetItem(top, [text, ""])
                c.setData(0, Qt.ItemDataRole.UserRole, f"{step.get('id')}.{k + 1}")
                c.setFlags(c.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                c.setCheckState(0, Qt.CheckState.Unchecked)
        self.notes.clear()
        for ev in session.events.of_type("note"):
            self._note_row(ev)
        self._loading = False

    def _checked(self, item: QTreeWidgetItem, col: int) -> None:
        if self._loading or col != 0 or item.parent() is None:
            return
        s = self.main.controller.session
        on = item.checkState(0) == Qt.CheckState.Checked
        item.setText(1, fmt_min(s.now) if on else "")
        ev = s.note(("✓ " if on else "✗ ") + item.text(0), by="evaluator",
                    checklist=str(item.data(0, Qt.ItemDataRole.UserRole)), done=on)
        self.main.controller.flush()
        self._note_row(ev)

    def add_note(self) -> Any:
        text = self.edit.toPlainText().strip()
        if not text:
            return None
        s = self.main.controller.session
        links: dict[str, Any] = {"rating": self.RATINGS[max(0, self.rating.currentIndex())]}
        cur = self.tree.currentItem()
        if cur is not None:
            links["checklist"] = str(cur.data(0, Qt.ItemDataRole.UserRole))
        ev = s.note(text, by="evaluator", **links)
        self.main.controller.flush()
        self.edit.clear()
        self._note_row(ev)
        return ev

    def _note_row(self, ev: Event) -> None:
        d = ev.data
        tag = f"[{T(d['rating'])}] " if d.get("rating") else ""
        it = QListWidgetItem(f"{fmt_min(ev.t)}  {tag}{d.get('text', '')}", self.notes)
        it.setData(Qt.ItemDataRole.UserRole, ev.t)
        self.notes.scrollToBottom()

    def refresh(self) -> None:
        pass
