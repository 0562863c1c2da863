"""Order and inject dialogs (forms in ui/*_dialog.ui).

Each order dialog calls ``session.order(op, by=SEAT, **args)`` — the same API as a
headless run — and, if the order is refused, shows the reason and stays open.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
)

from drillsim.exercise.wording import TASK_KINDS, TIERS, WARNING_COLORS, label, op_label
from drillsim.gui.common import KIND_ZH, T, child, colon, fmt_min, load_ui, pick, status_text


class FormDialog:
    """A loaded .ui dialog plus its logic. ``self.dlg`` is the QDialog."""

    form = ""

    def __init__(self, main) -> None:
        self.main = main
        self.session = main.controller.session
        self.sim = self.session.sim
        self.dlg: QDialog = load_ui(self.form, main.win)
        self.dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.reason: QLabel = child(self.dlg, QLabel, "reasonLabel")
        self.buttons: QDialogButtonBox = child(self.dlg, QDialogButtonBox, "buttonBox")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.dlg.reject)
        self.dlg.finished.connect(self.on_finished)
        self.result = None

    def c(self, cls, name):
        return child(self.dlg, cls, name)

    def combo(self, name: str, items: list[tuple[str, Any]], current: Any = None) -> QComboBox:
        cb: QComboBox = self.c(QComboBox, name)
        cb.clear()
        for text, data in items:
            cb.addItem(text, data)
        if current is not None:
            k = cb.findData(current)
            if k >= 0:
                cb.setCurrentIndex(k)
        return cb

    def seats_combo(self, name: str = "seatCombo") -> QComboBox:
        items = [(T("导演部"), "director")] + [(pick(s.name), s.id) for s in self.session.seats.seats.values()]
        return self.combo(name, items, self.main.current_seat())

    def show(self) -> FormDialog:
        self.dlg.show()
        return self

    def submit(self) -> None:
        raise NotImplementedError

    def apply(self, op: str, by: str, **args: Any) -> bool:
        res = self.session.order(op, by=by, **args)
        self.result = res
        self.main.controller.flush()
        if res:
            self.main.status(T("指令已执行") + f": {op}")
            self.dlg.accept()
            return True
        text = pick(res.reason or {"zh": "被拒绝", "en": "refused"})
        self.reason.setText(T("指令被拒绝") + colon() + text)
        self.main.status(T("指令被拒绝") + colon() + text)
        return False

    def on_finished(self, _code: int) -> None:
        pass


class DispatchDialog(FormDialog):
    form = "dispatch_dialog"

    def __init__(self, main, task: str | None = None, unit: str | None = None) -> None:
        super().__init__(main)
        self.seats_combo()
        board = self.sim.board
        tasks = sorted(board.open_tasks(), key=lambda t: (t.priority, t.created))
        items = []
        for t in tasks:
            inc = board.incidents.get(t.incident)
            items.append((f"{pick(inc.name) if inc else t.incident} · {label(TASK_KINDS, t.kind, cap=True)} "
                          + (f"({t.done_qty:g}/{t.quantity:g})" if t.quantity != float("inf") else f"({t.done_qty:g})"), t.id))
        self.tasks = self.combo("taskCombo", items, task)
        self.units = self.c(QComboBox, "unitCombo")
        self.route_label: QLabel = self.c(QLabel, "routeLabel")
        self.tasks.currentIndexChanged.connect(self._fill_units)
        self.units.currentIndexChanged.connect(self._preview)
        self._fill_units(unit=unit)

    def _fill_units(self, *_a, unit: str | None = None) -> None:
        tid = self.tasks.currentData()
        t = self.sim.board.tasks.get(tid)
        items = []
        for u in self.sim.units.values():
            if t is not None and not u.can(t.kind):
                continue
            items.append((f"{pick(u.spec.name)} · {status_text(u.status)}", u.id))
        self.combo("unitCombo", items, unit)
        self._preview()

    def _preview(self, *_a) -> None:
        u = self.sim.units.get(self.units.currentData())
        t = self.sim.board.tasks.get(self.tasks.currentData())
        self.main.map.clear_route()
        if u is None or t is None:
            self.route_label.setText("-")
            return
        route = self.sim.world.router.route(u.current_node(), t.node, u.vehicle, u.spec.ppe)
        if route is None:
            self.route_label.setText(T("无可通行路线"))
            return
        self.main.map.show_route(route.nodes)
        km = float(sum(self.sim.world.net.length[route.roads])) / 1000.0 if len(route.roads) else 0.0
        self.route_label.setText(f"{km:.1f} km · {route.minutes:.0f} {T('分钟')} · "
                                 f"{T('预计到达')} {fmt_min(self.session.now + route.minutes)}")

    def submit(self) -> None:
        self.apply("dispatch", self.c(QComboBox, "seatCombo").currentData(),
                   unit=self.units.currentData(), task=self.tasks.currentData())

    def on_finished(self, _code: int) -> None:
        self.main.map.clear_route()


class SuppliesDialog(FormDialog):
    form = "supplies_dialog"

    def __init__(self, main) -> None:
        super().__init__(main)
        self.seats_combo()
        w = self.sim.world
        depots = [(f"{pick(w.places[d].name)} ({label(TIERS, w.places[d].tier or '-')})", d) for d in w.stock]
        self.src = self.combo("fromCombo", depots)
        sup = self.sim.scenario.supplies
        self.item = self.combo("itemCombo", [(pick(s.name), sid) for sid, s in sup.items()])
        dest = [(f"{pick(p.name)} ({T(KIND_ZH.get(p.kind, p.kind))})", pid)
                for pid, p in w.places.items() if p.kind in ("shelter", "depot", "hospital", "community")]
        self.combo("toCombo", dest)
        self.src.currentIndexChanged.connect(self._stock)
        self.item.currentIndexChanged.connect(self._stock)
        self._stock()

    def _stock(self, *_a) -> None:
        q = self.sim.world.stock.get(self.src.currentData(), {}).get(self.item.currentData(), 0.0)
        self.c(QLabel, "stockLabel").setText(f"{q:g}")

    def submit(self) -> None:
        qty = self.c(QDoubleSpinBox, "quantitySpin").value()
        self.apply("move_supplies", self.c(QComboBox, "seatCombo").currentData(),
                   items={self.item.currentData(): qty}, to=self.c(QComboBox, "toCombo").currentData(),
                   **{"from": self.src.currentData()})


class EvacuateDialog(FormDialog):
    form = "evacuate_dialog"

    def __init__(self, main) -> None:
        super().__init__(main)
        self.seats_combo()
        w = self.sim.world
        self.combo("communityCombo", [(f"{pick(w.places[c].name)} ({n})", c) for c, n in w.residents.items() if n > 0])
        self.combo("shelterCombo", [(T("就近安置"), None)] + [
            (f"{pick(w.places[s].name)} ({w.occupancy[s]}/{w.places[s].capacity})", s) for s in w.occupancy])

    def submit(self) -> None:
        n = self.c(QSpinBox, "peopleSpin").value()
        args: dict[str, Any] = {"community": self.c(QComboBox, "communityCombo").currentData()}
        if n > 0:
            args["people"] = n
        sh = self.c(QComboBox, "shelterCombo").currentData()
        if sh:
            args["shelter"] = sh
        self.apply("evacuate", self.c(QComboBox, "seatCombo").currentData(), **args)


class WarningDialog(FormDialog):
    form = "warning_dialog"

    def __init__(self, main) -> None:
        super().__init__(main)
        self.seats_combo()
        self.combo("colorCombo", [(label(WARNING_COLORS, c, cap=True) + T("预警"), c) for c in ("red", "orange", "yellow", "blue")])
        w = self.sim.world
        self.combo("scopeCombo", [(T("全部社区"), "all")] + [(pick(w.places[c].name), c) for c in w.residents])
        lst: QListWidget = self.c(QListWidget, "channelList")
        params = self.session.seats.params.get("warning_channels", {})
        for ch in params:
            it = QListWidgetItem(pick(params[ch]) if isinstance(params[ch], dict) else ch, lst)
            it.setData(Qt.ItemDataRole.UserRole, ch)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if ch in ("sms", "village_loudspeaker") else Qt.CheckState.Unchecked)

    def submit(self) -> None:
        lst: QListWidget = self.c(QListWidget, "channelList")
        chans = [lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())
                 if lst.item(i).checkState() == Qt.CheckState.Checked]
        msg = self.c(QLineEdit, "messageEdit").text().strip()
        self.apply("issue_warning", self.c(QComboBox, "seatCombo").currentData(),
                   color=self.c(QComboBox, "colorCombo").currentData(),
                   communities=self.c(QComboBox, "scopeCombo").currentData(), channels=chans or None,
                   message=msg)


class LevelDialog(FormDialog):
    form = "level_dialog"

    def __init__(self, main) -> None:
        super().__init__(main)
        self.seats_combo()
        self.combo("levelCombo", [(T("I级(特别重大)"), "I"), (T("II级(重大)"), "II"), (T("III级(较大)"), "III"),
                                  (T("IV级(一般)"), "IV"), (T("终止响应"), "none")],
                   self.session.scenario.plan.get("response_level"))

    def submit(self) -> None:
        self.apply("set_response_level", self.c(QComboBox, "seatCombo").currentData(),
                   level=self.c(QComboBox, "levelCombo").currentData())


class RequestDialog(FormDialog):
    form = "request_dialog"

    def __init__(self, main) -> None:
        super().__init__(main)
        self.seats_combo()
        seats = self.session.seats
        self.combo("toCombo", [(pick(s.name), s.id) for s in seats.seats.values()])
        lst: QListWidget = self.c(QListWidget, "unitList")
        for u in self.sim.units.values():
            it = QListWidgetItem(f"{pick(u.spec.name)} ({u.id})", lst)
            it.setData(Qt.ItemDataRole.UserRole, u.id)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
        w = self.sim.world
        self.combo("depotCombo", [(T("无"), None)] + [(pick(w.places[d].name), d) for d in w.stock])

    def submit(self) -> None:
        lst: QListWidget = self.c(QListWidget, "unitList")
        units = [lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())
                 if lst.item(i).checkState() == Qt.CheckState.Checked]
        self.apply("request_support", self.c(QComboBox, "seatCombo").currentData(),
                   to=self.c(QComboBox, "toCombo").currentData(), units=units,
                   depot=self.c(QComboBox, "depotCombo").currentData(),
                   note=self.c(QLineEdit, "noteEdit").text())


class InjectDialog(FormDialog):
    """Ad-hoc inject (临时导入, sent now) or edit of a Ready inject."""

    form = "inject_dialog"
    DELIVERY = {"phone": "电话", "radio": "电台", "email": "邮件", "fax": "传真", "village_loudspeaker": "村村响",
                "satellite": "卫星电话", "in_person": "当面", "sms": "短信"}
    EFFECTS = {"": "无", "close_road": "道路中断", "incident": "新增事件(在场所)", "trigger_hazard": "触发次生灾害",
               "comms_down": "席位通信中断", "comms_up": "席位通信恢复", "shelter_full": "避难场所满员"}
    OPS = ("issue_warning", "set_response_level", "evacuate", "dispatch", "move_supplies", "request_support",
           "open_shelter")
    """Expected actions offered, named as the report names them (:data:`drillsim.exercise.wording.OP_LABELS`)."""

    def __init__(self, main, inject_id: str | None = None) -> None:
        super().__init__(main)
        self.inject_id = inject_id
        s = self.session
        self.combo("toCombo", [(pick(x.name), x.id) for x in s.seats.seats.values()])
        self.combo("deliveryCombo", [(T(v), k) for k, v in self.DELIVERY.items()])
        self.combo("expectedCombo", [(T("无"), "")] + [(op_label(op, cap=True), op) for op in self.OPS])
        self.effect = self.combo("effectCombo", [(T(v), k) for k, v in self.EFFECTS.items()])
        self.effect.currentIndexChanged.connect(self._targets)
        self._targets()
        spin: QDoubleSpinBox = self.c(QDoubleSpinBox, "timeSpin")
        spin.setValue(s.now)
        if inject_id is None:
            self.dlg.setWindowTitle(T("临时情况导入"))
            spin.setEnabled(False)
        else:
            inj = s.msel.injects[inject_id]
            self.dlg.setWindowTitle(T("编辑情况导入") + f" {inject_id}")
            self.c(QLineEdit, "idEdit").setText(inj.id)
            self.c(QLineEdit, "idEdit").setEnabled(False)
            spin.setValue(inj.time_min)
            self.combo("toCombo", [(pick(x.name), x.id) for x in s.seats.seats.values()], inj.to)
            self.c(QLineEdit, "fromEdit").setText(pick(inj.sender))
            self.c(QPlainTextEdit, "messageEdit").setPlainText(pick(inj.message))
            k = self.c(QComboBox, "deliveryCombo").findData(inj.delivery)
            if k >= 0:
                self.c(QComboBox, "deliveryCombo").setCurrentIndex(k)
            self.c(QComboBox, "effectCombo").setEnabled(False)
            self.c(QComboBox, "targetCombo").setEnabled(False)

    def _targets(self, *_a) -> None:
        kind = self.effect.currentData()
        w = self.sim.world
        items: list[tuple[str, Any]] = []
        if kind == "close_road":
            items = [(f"{w.net.road_names[k] or rid} ({rid})", rid) for k, rid in enumerate(w.net.road_ids)
                     if w.net.road_class[k] <= 1][:300]
        elif kind == "incident":
            items = [(pick(p.name), p.id) for p in w.places.values() if p.kind in ("community", "shelter", "plant", "hospital")]
        elif kind == "trigger_hazard":
            items = [(h.id, h.id) for h in self.sim.hazards.values() if not h.started]
        elif kind in ("comms_down", "comms_up"):
            items = [(pick(s.name), s.id) for s in self.session.seats.seats.values()]
        elif kind == "shelter_full":
            items = [(pick(w.places[s].name), s) for s in w.shelter_open]
        self.combo("targetCombo", items)

    def data(self) -> dict[str, Any]:
        msg = self.c(QPlainTextEdit, "messageEdit").toPlainText().strip()
        d: dict[str, Any] = {"message": {"zh": msg, "en": msg}, "to": self.c(QComboBox, "toCombo").currentData(),
                             "from": self.c(QLineEdit, "fromEdit").text().strip() or T("导调组"),
                             "delivery": self.c(QComboBox, "deliveryCombo").currentData()}
        op = self.c(QComboBox, "expectedCombo").currentData()
        if op:
            d["expected_action"] = {"op": op}
            dl = self.c(QSpinBox, "deadlineSpin").value()
            if dl > 0:
                d["deadline_min"] = dl
        return d

    def submit(self) -> None:
        d = self.data()
        if not pick(d["message"]):
            self.reason.setText(T("请填写导入内容"))
            return
        s = self.session
        if self.inject_id is None:
            iid = self.c(QLineEdit, "idEdit").text().strip()
            if iid:
                d["id"] = iid
            kind, target = self.effect.currentData(), self.c(QComboBox, "targetCombo").currentData()
            if kind and target:
                if kind == "incident":
                    d["effect"] = {"incident": {"id": f"adhoc_{target}_{int(s.now)}", "name": d["message"],
                                                "place": target, "needs": {"rescue": 10}, "priority": 1}}
                else:
                    d["effect"] = {kind: target}
            ok = s.adhoc_inject(d)
        else:
            d["time_min"] = self.c(QDoubleSpinBox, "timeSpin").value()
            ok = s.edit_inject(self.inject_id, d)
        self.main.controller.flush()
        if ok:
            self.dlg.accept()
        else:
            self.reason.setText(T("操作未成功(该导入可能已下发)"))
