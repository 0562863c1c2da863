"""席位联网接入: a seat's (or the director's) window on a networked drill.

``drillsim-gui --join HOST:PORT --seat CODE [--fingerprint FP | --cafile PEM]`` opens
this window instead of a local drill. The network side is
:class:`drillsim.net.client.SeatClient` on a background thread
(:class:`~drillsim.net.client.ThreadedClient`); its messages reach the Qt thread
through a signal. The window shows only what the server sends the seat: its clock,
its own units and supplies, the events that have reached it, and the receipts of
its orders, and a map; the director also gets pause / resume and who is connected.
A seat is not sent the scenario (its MSEL and hazard set-up are the director's): the
map is the server's ``map`` message (roads, public places, its own depots;
:mod:`drillsim.net.seatmap`), drawn by the main window's :class:`MapView` through a
thin adapter, with the seat's units moving along the routes it has learned of and the
incidents and road reports that reached it.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from drillsim.core.events import Event
from drillsim.exercise.wording import EventWords, Names, op_label
from drillsim.gui.common import T, fmt_min, pick, status_text
from drillsim.gui.mapview import MapView
from drillsim.net.client import SeatClient, ThreadedClient, server_url
from drillsim.net.seatmap import SeatMap
from drillsim.scenario.model import ORDER_OPS


def parse_args_text(text: str) -> dict[str, Any]:
    """``unit=fire1-1 task=i1/rescue units=a1,a2`` (or a JSON object) as order arguments."""
    text = text.strip()
    if text.startswith("{"):
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError("expected a JSON object")
        return value
    out: dict[str, Any] = {}
    for word in shlex.split(text):
        if "=" not in word:
            raise ValueError(word)
        k, v = word.split("=", 1)
        if k in ("units", "communities", "channels") and "," in v:
            out[k] = [x for x in v.split(",") if x]
        elif k in ("people",) and v.isdigit():
            out[k] = int(v)
        elif k == "approve":
            out[k] = v.lower() not in ("0", "false", "no")
        else:
            out[k] = v
    return out


class _Bridge(QObject):
    message = Signal(dict)


class _SeatNames(Names):
    """Names a seat knows: the public places of its map and the incidents it has heard of."""

    def __init__(self, win: NetSeatWindow) -> None:
        self.win = win

    def name(self, kind: str, key: Any) -> Any:
        if kind == "place" and self.win.seat_map is not None:
            p = self.win.seat_map.places.get(key)
            return p.name if p is not None else None
        if kind == "incident":
            return self.win._incident_names.get(str(key))
        return None


class NetSeatWindow:
    """The joined seat's window; ``client`` already constructed (not yet started)."""

    def __init__(self, client: SeatClient, target: str) -> None:
        self.client = client
        self.target = target
        self.bridge = _Bridge()
        self.bridge.message.connect(self.on_message)
        client.on_message = self.bridge.message.emit  # called on the network thread; queued to Qt
        self.runner = ThreadedClient(client)
        self._incident_names: dict[str, Any] = {}
        self.fmt = EventWords(_SeatNames(self))
        self.role = "seat"
        self.sent: dict[int, str] = {}
        self.seat_map: SeatMap | None = None
        self._map_payload: dict[str, Any] | None = None
        self._events: list[dict[str, Any]] = []
        """Every event dict received (the map is rebuilt from them if the server sends a new map)."""
        self._build()
        self.timer = QTimer(self.win)
        self.timer.timeout.connect(self._tick)
        self.timer.start(250)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        w = QMainWindow()
        w.setObjectName("netSeatWindow")
        w.setWindowTitle(T("联网席位") + f" — {self.target}")
        self.win = w
        root = QWidget()
        lay = QVBoxLayout(root)
        self.header = QLabel(T("正在连接") + f" {self.target} …")
        self.header.setObjectName("netHeader")
        self.header.setStyleSheet("font-size: 15px; font-weight: bold; padding: 4px;")
        self.clock = QLabel("")
        self.clock.setObjectName("netClock")
        lay.addWidget(self.header)
        lay.addWidget(self.clock)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        self.units_label = QLabel(T("本席位队伍"))
        ll.addWidget(self.units_label)
        self.units = QTableWidget(0, 3)
        self.units.setObjectName("netUnits")
        self.units.setHorizontalHeaderLabels([T("队伍"), T("状态"), T("任务")])
        self.units.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        ll.addWidget(self.units, 3)
        ll.addWidget(QLabel(T("物资")))
        self.supplies = QTableWidget(0, 3)
        self.supplies.setObjectName("netSupplies")
        self.supplies.setHorizontalHeaderLabels([T("物资库"), T("物资"), T("数量")])
        self.supplies.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        ll.addWidget(self.supplies, 2)
        self.people_label = QLabel(T("在线情况"))
        self.people = QTableWidget(0, 3)
        self.people.setObjectName("netPeople")
        self.people.setHorizontalHeaderLabels([T("席位"), T("连接"), T("地址")])
        self.people.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        ll.addWidget(self.people_label)
        ll.addWidget(self.people, 2)
        split.addWidget(left)
        self.map = MapView()
        self.map.setObjectName("netMap")
        self.map.setMinimumWidth(320)
        split.addWidget(self.map)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(QLabel(T("已获知的情况")))
        self.log = QListWidget()
        self.log.setObjectName("netLog")
        rl.addWidget(self.log, 4)
        rl.addWidget(QLabel(T("指令回执")))
        self.receipts = QPlainTextEdit()
        self.receipts.setObjectName("netReceipts")
        self.receipts.setReadOnly(True)
        rl.addWidget(self.receipts, 1)
        form = QHBoxLayout()
        self.op = QComboBox()
        self.op.setObjectName("netOp")
        for op in ORDER_OPS:
            self.op.addItem(op_label(op, cap=True) + f" ({op})", op)
        self.args = QLineEdit()
        self.args.setObjectName("netArgs")
        self.args.setPlaceholderText(T("参数，如 unit=fire1-1 task=i1/rescue"))
        self.send_btn = QPushButton(T("下达指令"))
        self.send_btn.setObjectName("netSend")
        self.send_btn.clicked.connect(self.send_order)
        self.args.returnPressed.connect(self.send_order)
        form.addWidget(self.op, 1)
        form.addWidget(self.args, 3)
        form.addWidget(self.send_btn)
        rl.addLayout(form)
        ctl = QHBoxLayout()
        self.pause_btn = QPushButton(T("暂停"))
        self.pause_btn.setObjectName("netPause")
        self.resume_btn = QPushButton(T("继续"))
        self.resume_btn.setObjectName("netResume")
        self.pause_btn.clicked.connect(lambda: self.director("pause"))
        self.resume_btn.clicked.connect(lambda: self.director("resume"))
        ctl.addWidget(self.pause_btn)
        ctl.addWidget(self.resume_btn)
        ctl.addStretch(1)
        rl.addLayout(ctl)
        split.addWidget(right)
        split.setSizes([330, 560, 400])
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        w.setCentralWidget(root)
        self._role_widgets()

    def _role_widgets(self) -> None:
        director = self.role == "director"
        self.units_label.setText(T("本席位队伍") if self.role == "seat" else T("全部队伍"))
        for x in (self.pause_btn, self.resume_btn):
            x.setVisible(director)
        for x in (self.people, self.people_label):
            x.setVisible(self.role != "seat")
        ordering = self.role != "evaluator"
        for x in (self.op, self.args, self.send_btn):
            x.setEnabled(ordering)

    # ------------------------------------------------------------------ run
    def start(self) -> None:
        self.runner.start()

    def stop(self) -> None:
        self.timer.stop()
        self.client.on_message = lambda m: None  # nothing may reach Qt objects being torn down
        self.runner.stop()

    def _tick(self) -> None:
        v = self.client.view
        if not self.client.welcome:
            return
        state = T("已暂停") if v.paused else T("推演中")
        link = T("已连接") if self.client.joined.is_set() else T("重新连接中…")
        self.clock.setText(f"{fmt_min(v.sim_now())}　{state}　{T('速度')} {v.speed:g} {T('模拟分钟/秒')}　{link}")
        self._draw_map()

    def _draw_map(self) -> None:
        """The seat's picture now: its units along their routes, incidents and roads it learned of."""
        v = self.client.view
        if v.map is not None and v.map is not self._map_payload:  # first map, or a new one after a rejoin
            self._map_payload = v.map
            self.seat_map = SeatMap(v.map)
            for e in self._events:
                self.seat_map.observe(e)
            self.map.set_world(self.seat_map.sim)
        if self.seat_map is not None:
            self.map.update_state(self.seat_map.state_at(v.sim_now(), v.state or {}))

    # ------------------------------------------------------------------ messages
    def on_message(self, m: dict[str, Any]) -> None:
        kind = m.get("type")
        if kind == "welcome":
            self.role = m["role"]
            self._role_widgets()
            again = T("重新加入") if m.get("rejoin") else T("已加入")
            self.header.setText(f"{pick(m['name'])}（{m['seat']}）　{again} · {pick(m['scenario'])}")
            self.win.setWindowTitle(T("联网席位") + f" — {pick(m['name'])}")
        elif kind == "view":
            self._show_state(m["state"])
        elif kind == "events":
            for e in m["events"]:
                if e["seq"] in self._logged:
                    continue  # a rejoin's catch-up repeats what was shown
                self._events.append(e)
                if self.seat_map is not None:
                    self.seat_map.observe(e)
                self._log_event(e)
            self.log.scrollToBottom()
        elif kind == "ack":
            op = self.sent.get(m["seq"], m.get("kind", ""))
            if m["accepted"] is False:
                r = m.get("reason") or {}
                text = f"{fmt_min(m['t'])} #{m['seq']} {op}: {T('被拒绝')} — {pick(r)}"
            else:
                text = f"{fmt_min(m['t'])} #{m['seq']} {op}: {T('已执行')}"
            self.receipts.appendPlainText(text)
        elif kind == "reject":
            self.receipts.appendPlainText(f"#{m.get('seq')} {T('拒收')} ({m.get('code')}): {pick(m.get('reason') or {})}")
        elif kind == "status":
            self._show_status(m)
        elif kind == "end":
            self.receipts.appendPlainText(T("演练结束") + f"：{fmt_min(m['t'])}，{T('摘要')} {m['digest'][:16]}…")
            self.send_btn.setEnabled(False)
        elif kind == "error":
            self.header.setText(T("无法加入") + f"：{pick(m.get('reason') or {})}")
        self._tick()

    @property
    def _logged(self) -> set[int]:
        if not hasattr(self, "_seen"):
            self._seen: set[int] = set()
        return self._seen

    def _log_event(self, e: dict[str, Any]) -> None:
        if e["seq"] in self._logged:
            return
        self._logged.add(e["seq"])
        ev = Event(float(e["t"]), str(e["type"]), dict(e["data"]), int(e["seq"]))
        if ev.type == "incident.new" and ev.data.get("name"):
            self._incident_names[str(ev.data.get("id"))] = ev.data["name"]
        self.fmt.observe(ev)
        self.log.addItem(f"{fmt_min(ev.t)}  {self.fmt.text(ev)}")

    def _show_state(self, st: dict[str, Any]) -> None:
        units = st.get("units") or []
        self.units.setRowCount(len(units))
        for r, u in enumerate(units):
            for c, text in enumerate((u["id"], status_text(str(u.get("status"))), str(u.get("task") or ""))):
                self.units.setItem(r, c, QTableWidgetItem(text))
        rows = [(d, i, q) for d, stock in sorted((st.get("supplies") or {}).items()) for i, q in sorted(stock.items())]
        self.supplies.setRowCount(len(rows))
        for r, (d, i, q) in enumerate(rows):
            for c, text in enumerate((d, i, f"{q:g}")):
                self.supplies.setItem(r, c, QTableWidgetItem(text))

    def _show_status(self, m: dict[str, Any]) -> None:
        seats = m.get("seats") or []
        self.people.setRowCount(len(seats))
        for r, s in enumerate(seats):
            on = T("在线") if s["connected"] else T("离线")
            for c, text in enumerate((s["id"], on, s.get("addr") or "")):
                self.people.setItem(r, c, QTableWidgetItem(text))

    # ------------------------------------------------------------------ sending
    def send_order(self) -> int | None:
        op = self.op.currentData()
        try:
            args = parse_args_text(self.args.text())
        except ValueError as e:
            self.receipts.appendPlainText(T("参数格式应为 名称=值，以空格分隔") + f"（{e}）")
            return None
        fut = self.runner.call(self.client.order(op, **args))
        seq = fut.result(timeout=5)
        self.sent[seq] = op_label(op)
        self.receipts.appendPlainText(f"#{seq} {self.sent[seq]} {T('已发送')}")
        self.args.clear()
        return seq

    def director(self, action: str) -> None:
        self.runner.call(self.client.send("director", action=action))


def open_join(target: str, code: str, fingerprint: str | None = None, cafile: str | None = None,
              lang: str | None = None) -> NetSeatWindow:
    from drillsim.net.tls import normalise_pin

    pin = normalise_pin(fingerprint) if fingerprint else None
    url = server_url(target, tls=bool(pin or cafile))
    client = SeatClient(url, code, cafile=cafile, fingerprint=pin, lang=lang)
    win = NetSeatWindow(client, target)
    win.start()
    win.win.resize(1200, 760)
    win.win.show()
    return win


def run_join(app, args) -> int:
    """``drillsim-gui --join HOST:PORT --seat CODE``: the seat window until it is closed.

    With ``--screenshot`` it waits for the seat's first view (and ``--run-for`` sim
    minutes of the served drill), saves the window and exits."""
    import os
    import sys
    import time

    from drillsim.core.errors import InputError

    code = args.seat or os.environ.get("DRILLSIM_JOIN_CODE")
    if not code:
        print("--seat: give the seat's join code (or set DRILLSIM_JOIN_CODE)", file=sys.stderr)
        return 2
    try:
        win = open_join(args.join, code, args.fingerprint, args.cafile, app.lang)
    except InputError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        return 2
    app.net_window = win
    if not args.screenshot:
        rc = app.qapp.exec()
        win.stop()
        return rc
    end = time.monotonic() + 30
    while time.monotonic() < end and (not win.client.view.state or win.client.view.sim_now() < (args.run_for or 0)):
        if win.runner.error is not None:
            break
        app.qapp.processEvents()
        time.sleep(0.02)
    for _ in range(5):
        app.qapp.processEvents()
        time.sleep(0.05)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        width, height = 1280, 800
    win.win.resize(width, height)
    app.qapp.processEvents()
    win.map.fit()  # to the map pane's final size
    app.qapp.processEvents()
    win.win.grab().save(args.screenshot, "PNG")
    print(f"{args.screenshot}: {width}x{height} {app.lang}")
    ok = win.runner.error is None and bool(win.client.view.state)
    win.stop()
    return 0 if ok else 1
