"""The orders a trainee gives, validated; the same API serves the GUI and headless runs.

Every order is checked first. An accepted order emits ``order.accepted`` and acts;
a rejected one emits ``order.rejected`` with the reason in Chinese and English and
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drillsim.response.simulation import Simulation


@dataclass
class OrderResult:
    ok: bool
    reason: dict[str, str] | None = None

    def __bool__(self) -> bool:
        return self.ok


class Orders:
    OPS = ("dispatch", "move_supplies", "open_shelter", "close_shelter", "evacuate",
           "close_road", "open_road", "recall", "activate_contract", "start_production")

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self._seq = 0

    # ------------------------------------------------------------------ generic
    def apply(self, order: dict[str, Any]) -> OrderResult:
        """Apply an order given as data: {op: NAME, by: SEAT, ...arguments}."""
        op = str(order.get("op", ""))
        args = {k: v for k, v in order.items() if k not in ("op", "t", "time_min", "by")}
        by = str(order.get("by", "trainee"))
        if op not in self.OPS:
            return self._reject(op or "?", by, args, f"未知指令 {op!r}", f"unknown order {op!r}; "
                                f"known: {', '.join(self.OPS)}")
        try:
            return getattr(self, op)(by=by, **args)
        except TypeError as e:
            return self._reject(op, by, args, f"指令参数错误：{e}", f"bad arguments: {e}")

    def _accept(self, op: str, by: str, args: dict[str, Any]) -> OrderResult:
        self.sim.events.emit(self.sim.env.now, "order.accepted", op=op, by=by, args=args)
        return OrderResult(True)

    def _reject(self, op: str, by: str, args: dict[str, Any], zh: str, en: str) -> OrderResult:
        reason = {"zh": zh, "en": en}
        self.sim.events.emit(self.sim.env.now, "order.rejected", op=op, by=by, args=args, reason=reason)
        return OrderResult(False, reason)

    def _incident(self, kind: str, at_place: str, needs: dict[str, Any], by: str, name: dict[str, str]) -> str:
        self._seq += 1
        iid = f"order{self._seq}"
        self.sim.events.emit(self.sim.env.now, "incident.new", id=iid, name=name, at=None, place=at_place,
                             needs=needs, priority=2, cause=f"order:{kind}:{by}")
        return iid

    # ------------------------------------------------------------------ orders
    def dispatch(self, unit: str, task: str, by: str = "trainee") -> OrderResult:
        args = {"unit": unit, "task": task}
        u = self.sim.units.get(unit)
        t = self.sim.board.tasks.get(task)
        if u is None:
            return self._reject("dispatch", by, args, f"无此队伍 {unit}", f"no unit {unit!r}")
        if t is None:
            return self._reject("dispatch", by, args, f"无此任务 {task}", f"no task {task!r}")
        if not t.open:
            return self._reject("dispatch", by, args, "任务已完成", "task is already done")
        if not u.can(t.kind):
            return self._reject("dispatch", by, args, f"{u.spec.name['zh']} 不具备该任务所需能力",
                                f"{unit} lacks the skill or capacity for task {task}")
        if u.load_people or u.load_items:
            return self._reject("dispatch", by, args, "队伍正在运送人员或物资，卸载后再调派",
                                "unit is carrying people or supplies; re-task it after it unloads")
        if u.task is t or (u._next is t):
            return self._accept("dispatch", by, {**args, "already": True})  # consistent with what happens
        res = self._accept("dispatch", by, args)
        self.sim.dispatcher.assign(u, t, by=by)
        return res

    def recall(self, unit: str, by: str = "trainee") -> OrderResult:
        args = {"unit": unit}
        u = self.sim.units.get(unit)
        if u is None:
            return self._reject("recall", by, args, f"无此队伍 {unit}", f"no unit {unit!r}")
        if u.status == "idle" and u.node == u.base_node:
            return self._reject("recall", by, args, "队伍已在驻地待命", "unit is already idle at its base")
        res = self._accept("recall", by, args)
        u.recall()
        return res

    def move_supplies(self, items: dict[str, float], to: str, by: str = "trainee",
                      **kw: Any) -> OrderResult:
        src = kw.get("from") or kw.get("source")
        args = {"from": src, "to": to, "items": items}
        w = self.sim.world
        if to not in w.places:
            return self._reject("move_supplies", by, args, f"无此地点 {to}", f"no place {to!r}")
        if src is not None and src not in w.stock:
            return self._reject("move_supplies", by, args, f"无此物资库 {src}", f"no depot {src!r}")
        if not items or any(float(q) <= 0 for q in items.values()):
            return self._reject("move_supplies", by, args, "物资数量须为正数", "quantities must be positive")
        unknown = [i for i in items if i not in self.sim.scenario.supplies]
        if unknown:
            return self._reject("move_supplies", by, args, f"物资目录中无 {'、'.join(unknown)}",
                                f"not in the supplies catalogue: {', '.join(unknown)}")
        pool = w.stock[src] if src else self.sim.supplies.total_stock()
        short = {i: q for i, q in items.items() if pool.get(i, 0.0) < float(q)}
        if short:
            sup = self.sim.scenario.supplies
            zh = "、".join(f"{sup[i].name['zh']} {float(q):g}" for i, q in short.items())
            en = ", ".join(f"{sup[i].name['en']} {float(q):g}" for i, q in short.items())
            return self._reject("move_supplies", by, args, f"库存不足：{zh}", f"not enough stock: {en}")
        res = self._accept("move_supplies", by, args)
        need = {"items": {i: float(q) for i, q in items.items()}, "to": to}
        if src:
            need["from"] = src
        self._incident("move_supplies", to, {"deliver": need}, by,
                       {"zh": f"物资调运至{w.places[to].name['zh']}", "en": f"Supplies to {w.places[to].name['en']}"})
        return res

    def open_shelter(self, shelter: str, by: str = "trainee") -> OrderResult:
        return self._shelter(shelter, True, by)

    def close_shelter(self, shelter: str, by: str = "trainee") -> OrderResult:
        return self._shelter(shelter, False, by)

    def _shelter(self, shelter: str, open_: bool, by: str) -> OrderResult:
        op = "open_shelter" if open_ else "close_shelter"
        w = self.sim.world
        if shelter not in w.shelter_open:
            return self._reject(op, by, {"shelter": shelter}, f"无此避难场所 {shelter}", f"no shelter {shelter!r}")
        if w.shelter_open[shelter] == open_:
            return self._reject(op, by, {"shelter": shelter}, "避难场所已是该状态",
                                f"shelter is already {'open' if open_ else 'closed'}")
        res = self._accept(op, by, {"shelter": shelter})
        w.shelter_open[shelter] = open_
        if open_:
            w.shelters_held_closed.discard(shelter)
        else:
            w.shelters_held_closed.add(shelter)
        self.sim.events.emit(self.sim.env.now, "shelter.opened" if open_ else "shelter.closed", place=shelter,
                             by=by)
        return res

    def evacuate(self, community: str, by: str = "trainee", people: int | None = None,
                 shelter: str | None = None) -> OrderResult:
        args = {"community": community, "people": people, "shelter": shelter}
        w = self.sim.world
        if community not in w.residents:
            return self._reject("evacuate", by, args, f"无此社区 {community}", f"no community {community!r}")
        if w.residents[community] <= 0:
            return self._reject("evacuate", by, args, "该社区已无待转移群众", "nobody left to evacuate there")
        if shelter is not None and shelter not in w.shelter_open:
            return self._reject("evacuate", by, args, f"无此避难场所 {shelter}", f"no shelter {shelter!r}")
        current = next((t for t in self.sim.board.open_tasks()
                        if t.kind == "evacuate" and t.community == community), None)
        if current is not None:  # already under way: the order steers it rather than doubling it
            res = self._accept("evacuate", by, {**args, "task": current.id})
            if shelter is not None:
                current.destination = shelter
            current.priority = min(current.priority, 2)
            return res
        res = self._accept("evacuate", by, args)
        need: dict[str, Any] = {"community": community}
        if people is not None:
            need["people"] = min(int(people), w.residents[community])
        if shelter is not None:
            need["shelter"] = shelter
        p = w.places[community]
        self._incident("evacuate", community, {"evacuate": need}, by,
                       {"zh": f"转移{p.name['zh']}群众", "en": f"Evacuate {p.name['en']}"})
        return res

    def close_road(self, road: str, by: str = "trainee") -> OrderResult:
        return self._road(road, "closed", by)

    def open_road(self, road: str, by: str = "trainee") -> OrderResult:
        return self._road(road, "open", by)

    def _road(self, road: str, status: str, by: str) -> OrderResult:
        op = "close_road" if status == "closed" else "open_road"
        net = self.sim.world.net
        if road not in net.road_index:
            return self._reject(op, by, {"road": road}, f"无此道路 {road}", f"no road {road!r}")
        r = net.road_index[road]
        if status == "open" and net.status[r] != "closed":
            return self._reject(op, by, {"road": road}, "道路未处于管制关闭状态",
                                "road is not closed (damage must be cleared by a team)")
        res = self._accept(op, by, {"road": road})
        self.sim.world.set_roads([r], status, cause=f"order:{by}")
        return res

    def activate_contract(self, depot: str, item: str, by: str = "trainee") -> OrderResult:
        """Call on a supplier contract (协议储备): stock arrives after its lead time."""
        return self._reserve("activate_contract", depot, item, by, "contracts", self.sim.supplies._contracts_used,
                             self.sim.supplies.activate_contract,
                             ("该库无可启用的此项协议储备", "no unused contract reserve for this item at this depot"))

    def start_production(self, depot: str, item: str, by: str = "trainee") -> OrderResult:
        """Start production capacity (产能储备): stock grows at its hourly rate."""
        return self._reserve("start_production", depot, item, by, "production", self.sim.supplies._production_on,
                             self.sim.supplies.start_production,
                             ("该库无此项产能储备", "no production reserve for this item at this depot"))

    def _reserve(self, op: str, depot: str, item: str, by: str, kind: str, used: set, start,
                 none: tuple[str, str]) -> OrderResult:
        args = {"depot": depot, "item": item}
        w = self.sim.world
        if depot not in w.stock:
            return self._reject(op, by, args, f"无此物资库 {depot}", f"no depot {depot!r}")
        for k, entry in enumerate(getattr(w.places[depot], kind)):
            if entry["item"] == item and (depot, k) not in used:
                res = self._accept(op, by, args)
                start(depot, k, by=by)
                return res
        return self._reject(op, by, args, *none)
