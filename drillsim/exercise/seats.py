"""Trainee seats (参演席位) and the command structure: who owns what, who may order what,
and what each seat gets to see, when.

Seats follow the five levels 区/市/县/乡镇/村 plus team commands (消防救援支队, 驻军).
A scenario may declare them (``seats:``); otherwise a default set is derived from
the map's command posts and the units' owners.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from drillsim.core.events import Event
from drillsim.exercise.wording import TIERS, label
from drillsim.response.orders import OrderResult
from drillsim.scenario import catalog
from drillsim.scenario.model import LEVELS, text

if TYPE_CHECKING:
    from drillsim.exercise.session import Session

LEVEL_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}  # 区 0 (highest) .. 村 4
RESPONSE_LEVELS = ("IV", "III", "II", "I")
ARMY_TYPES = ("army", "armed_police")


@dataclass
class Seat:
    id: str
    name: dict[str, str]
    level: str
    parent: str | None = None
    kind: str = "hq"  # hq | team
    town: str | None = None
    played: bool = True
    units: set[str] = field(default_factory=set)
    depots: set[str] = field(default_factory=set)
    comms_ok: bool = True
    comms_down_since: float | None = None

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "level": self.level, "parent": self.parent,
                "kind": self.kind, "played": self.played, "units": sorted(self.units),
                "depots": sorted(self.depots), "comms_ok": self.comms_ok}


def default_seats(session: Session) -> list[dict[str, Any]]:
    """Seats derived from command posts (区/市/县/乡镇) and unit owners."""
    world = session.sim.world
    out: list[dict[str, Any]] = []
    posts = {p.level: p for p in world.of_kind("command_post") if p.level in ("区", "市", "县")}
    chain = [("region_hq", "区", {"zh": "区应急指挥部", "en": "Region HQ"}),
             ("city_hq", "市", {"zh": "市应急指挥部", "en": "City HQ"}),
             ("county_hq", "县", {"zh": "县应急指挥部", "en": "County HQ"})]
    parent = None
    for sid, level, name in chain:
        p = posts.get(level)
        out.append({"id": sid, "level": level, "parent": parent,
                    "name": p.name if p else name})
        parent = sid
    for p in world.of_kind("command_post"):
        if p.level == "乡镇":
            out.append({"id": p.attrs.get("town") or p.id, "level": "乡镇", "parent": "county_hq",
                        "name": p.name, "town": p.attrs.get("town")})
    return out


class Seats:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.sim = session.sim
        self.params = catalog.load_data("exercise")
        specs = session.scenario.seats or default_seats(session)
        self.seats: dict[str, Seat] = {}
        for d in specs:
            s = Seat(id=str(d["id"]), name=text(d.get("name", d["id"])), level=str(d.get("level", "县")),
                     parent=d.get("parent"), kind=str(d.get("kind", "hq")), town=d.get("town"),
                     played=bool(d.get("played", True)), units=set(d.get("units") or []),
                     depots=set(d.get("depots") or []))
            self.seats[s.id] = s
        # unit owners: a unit's `owner` names its seat; unknown owners fall to the county
        for u in self.sim.units.values():
            owner = u.spec.owner
            if owner not in self.seats:
                if u.spec.type in ARMY_TYPES:
                    owner = self._ensure_team("army_cmd", {"zh": "驻军指挥所", "en": "Army command"}, "市")
                else:
                    owner = self._county() or next(iter(self.seats), "")
            if owner:
                self.seats[owner].units.add(u.id)
        # depots by tier
        for pid, place in self.sim.world.places.items():
            if place.kind != "depot":
                continue
            holder = place.attrs.get("owner")
            if holder not in self.seats:
                holder = self._by_level(place.tier or "县")
            if holder:
                self.seats[holder].depots.add(pid)
        self.response_level: str | None = None
        self.grants: dict[str, set[str]] = {}
        """seat -> unit ids or depot ids it may use through an approved request."""
        self.requests: dict[str, dict[str, Any]] = {}
        self.warned: dict[str, dict[str, Any]] = {}
        self.sim.events.emit(0.0, "seats", seats=[s.summary() for s in self.seats.values()])

    @classmethod
    def from_summaries(cls, summaries: list[dict[str, Any]]) -> Seats:
        """The seat rules alone (structure, ownership, visibility), rebuilt from the ``seats``
        event's summaries, without a live session: replay and networked views use them."""
        rules = cls.__new__(cls)
        rules.session = rules.sim = None  # type: ignore[assignment]
        rules.params = catalog.load_data("exercise")
        rules.seats = {str(d["id"]): Seat(id=str(d["id"]), name=d.get("name") or {"zh": str(d["id"]), "en": str(d["id"])},
                                          level=str(d.get("level", "县")), parent=d.get("parent"),
                                          kind=str(d.get("kind", "hq")), played=bool(d.get("played", True)),
                                          units=set(d.get("units") or []), depots=set(d.get("depots") or []),
                                          comms_ok=bool(d.get("comms_ok", True)))
                       for d in summaries if d.get("id") is not None}
        rules.response_level = None
        rules.grants = {}
        rules.requests = {}
        rules.warned = {}
        return rules

    # ------------------------------------------------------------------ structure
    def _ensure_team(self, sid: str, name: dict[str, str], level: str) -> str:
        if sid not in self.seats:
            self.seats[sid] = Seat(sid, name, level, parent=self._by_level("区"), kind="team")
        return sid

    def _by_level(self, level: str) -> str | None:
        for s in self.seats.values():
            if s.level == level and s.kind == "hq":
                return s.id
        return None

    def _county(self) -> str | None:
        return self._by_level("县")

    def _memo(self, name: str) -> dict:
        """Memo of a structural answer (the chain and ownership are fixed once the seats exist;
        a networked drill asks them for every event and every seat)."""
        memo = self.__dict__.get("_memos")
        if memo is None or memo[0] != len(self.seats):
            memo = (len(self.seats), {})
            self._memos = memo
        return memo[1].setdefault(name, {})

    def _cached(self, name: str, key: tuple, compute) -> Any:
        memo = self._memo(name)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = compute(*key)
        return hit

    def is_under(self, seat: str, ancestor: str) -> bool:
        """True if ``seat`` is ``ancestor`` or below it in the command chain."""
        return self._cached("under", (seat, ancestor), self._is_under)

    def _is_under(self, seat: str, ancestor: str) -> bool:
        seen = set()
        while seat and seat not in seen:
            if seat == ancestor:
                return True
            seen.add(seat)
            s = self.seats.get(seat)
            seat = s.parent if s else None
        return False

    def chain_up(self, seat: str) -> list[str]:
        out = []
        while seat in self.seats and seat not in out:
            out.append(seat)
            seat = self.seats[seat].parent or ""
        return out

    def owner_of_unit(self, unit: str) -> str | None:
        owners = self._memo("unit_owner")
        if not owners:
            for s in self.seats.values():
                for u in s.units:
                    owners.setdefault(u, s.id)
        return owners.get(unit)

    def owner_of_depot(self, depot: str) -> str | None:
        for s in self.seats.values():
            if depot in s.depots:
                return s.id
        return None

    # ------------------------------------------------------------------ authority
    def may_use_unit(self, seat: str, unit: str) -> bool:
        owner = self.owner_of_unit(unit)
        if owner is None or self.is_under(owner, seat):
            return True
        return unit in self.grants.get(seat, set())

    def may_use_depot(self, seat: str, depot: str) -> bool:
        owner = self.owner_of_depot(depot)
        if owner is None or self.is_under(owner, seat):
            return True
        return depot in self.grants.get(seat, set())

    def authorise(self, by: str, op: str, args: dict[str, Any]) -> dict[str, str] | None:
        """None if ``by`` may give this order, else the reason (zh, en)."""
        if by == "director":
            return None
        if by not in self.seats:
            return {"zh": f"无此席位 {by}", "en": f"no seat {by!r}"}
        if op in ("dispatch", "recall"):
            unit = str(args.get("unit"))
            if unit in self.sim.units and not self.may_use_unit(by, unit):
                owner = self.owner_of_unit(unit)
                return {"zh": f"{unit} 隶属 {self.seats[owner].name['zh']}，须先请求并获批准",
                        "en": f"{unit} belongs to {owner}; request it and wait for approval"}
        if op == "move_supplies":
            src = args.get("from") or args.get("source")
            if src is None:
                return {"zh": "请指明调出物资库", "en": "name the depot to move supplies from ('from')"}
            if src in self.sim.world.stock and not self.may_use_depot(by, str(src)):
                owner = self.owner_of_depot(str(src))
                tier = self.sim.world.places[str(src)].tier
                return {"zh": f"{tier}级储备由 {self.seats[owner].name['zh']} 管理，须先请求并获批准",
                        "en": f"{tier}-tier stock is held by {owner}; request it and wait for approval"}
        if op in ("activate_contract", "start_production"):
            depot = str(args.get("depot"))
            if depot in self.sim.world.stock and not self.may_use_depot(by, depot):
                return {"zh": "无权动用该库储备", "en": f"{by} may not use reserves of {depot}"}
        if op == "approve_request":
            req = self.requests.get(str(args.get("request")))
            if req is not None and req["to"] != by and not self.is_under(req["to"], by):
                return {"zh": "只有被请求的席位可以批准", "en": "only the requested seat (or above) may approve"}
        return None

    # ------------------------------------------------------------------ comms and views
    def set_comms(self, seat: str, ok: bool, cause: str) -> None:
        s = self.seats.get(seat)
        if s is None or s.comms_ok == ok:
            return
        s.comms_ok = ok
        s.comms_down_since = None if ok else self.sim.now
        self.sim.events.emit(self.sim.now, "comms.up" if ok else "comms.down", seat=seat, cause=cause)

    def report_delay(self, from_level: str, to_seat: str) -> float:
        """Minutes for news originating at ``from_level`` to reach ``to_seat`` up the chain."""
        return self._cached("delay", (from_level, to_seat), self._report_delay)

    def _report_delay(self, from_level: str, to_seat: str) -> float:
        s = self.seats[to_seat]
        delays = self.params["report_delay_min"]
        lo, hi = LEVEL_RANK.get(s.level, 2), LEVEL_RANK.get(from_level, 4)
        return float(sum(delays[LEVELS[k]] for k in range(lo + 1, hi + 1) if LEVELS[k] in delays))

    def visible_at(self, seat: str, ev: Event) -> float | None:
        """Sim minute at which ``seat`` learns of ``ev`` (None: never relevant to it)."""
        if seat == "director":
            return ev.t
        s = self.seats.get(seat)
        if s is None:
            return None
        d = ev.data
        if ev.type.startswith(("unit.", "dispatch", "task.progress")):
            unit = d.get("unit")
            if unit is None:
                return None
            owner = self.owner_of_unit(unit)
            if owner is None or not (self.is_under(owner, seat) or unit in self.grants.get(seat, set())):
                return None
            t = ev.t + (0.0 if owner == seat else self.report_delay(self.seats[owner].level, seat))
        elif ev.type.startswith(("incident.", "hazard.", "earthquake.", "flood.", "chemical.", "wildfire.",
                                 "road.", "task.")):
            t = ev.t + self.report_delay("村", seat)
        elif ev.type.startswith(("inject.",)):
            to = d.get("to") or ""
            if to and not self.is_under(to, seat) and to != seat:
                return None
            t = ev.t
        elif ev.type.startswith("order.") or ev.type.startswith("support.") or ev.type.startswith("warning."):
            by = d.get("by") or d.get("from") or ""
            if by and not (self.is_under(by, seat) or self.is_under(seat, by) or d.get("to") == seat):
                return None
            t = ev.t
        else:
            t = ev.t
        if not s.comms_ok and s.comms_down_since is not None and t >= s.comms_down_since:
            t = max(t, s.comms_down_since + float(self.params["comms_fallback_delay_min"]))
        return t

    def view(self, seat: str, now: float | None = None) -> list[Event]:
        """The events ``seat`` has learned of by ``now`` (the director sees everything at once)."""
        now = self.sim.now if now is None else now
        out = []
        for ev in self.sim.events.events:
            t = self.visible_at(seat, ev)
            if t is not None and t <= now:
                out.append(ev)
        return out

    # ------------------------------------------------------------------ session-level orders
    def _accept(self, op: str, by: str, args: dict[str, Any]) -> OrderResult:
        return self.sim.orders._accept(op, by, args)

    def _reject(self, op: str, by: str, args: dict[str, Any], zh: str, en: str) -> OrderResult:
        return self.sim.orders._reject(op, by, args, zh, en)

    def order_set_response_level(self, by: str, level: str) -> OrderResult:
        args = {"level": level}
        if level not in RESPONSE_LEVELS and level != "none":
            return self._reject("set_response_level", by, args, "响应级别应为 I、II、III、IV",
                                "response level must be I, II, III or IV (or none)")
        seat = self.seats.get(by)
        # Level I/II are declared at region/city level, III/IV at county level (分级负责)
        need = {"I": "区", "II": "市", "III": "县", "IV": "县"}.get(level, "县")
        if seat is not None and LEVEL_RANK.get(seat.level, 4) > LEVEL_RANK[need]:
            return self._reject("set_response_level", by, args,
                                f"{level}级响应须由{need}级及以上指挥部启动",
                                f"level {level} response is declared at {label(TIERS, need, 'en')} level or above")
        if level == self.response_level:
            return self._reject("set_response_level", by, args, "已是该响应级别", "already at that level")
        res = self._accept("set_response_level", by, args)
        old, self.response_level = self.response_level, (None if level == "none" else level)
        self.sim.events.emit(self.sim.now, "response.level", level=self.response_level, previous=old, by=by)
        return res

    def communities_in(self, area: str) -> list[str]:
        """Communities of an area: 'all', a town id (乡镇), or one community id."""
        world = self.sim.world
        if area == "all":
            return sorted(world.residents)
        if area in world.residents:
            return [area]
        return sorted(c for c in world.residents if world.places[c].attrs.get("town") == area)

    def order_evacuate_area(self, by: str, area: str, shelter: str | None = None) -> OrderResult:
        """Evacuate every community of an area (a town id or 'all') that still has residents."""
        args = {"area": area, "shelter": shelter}
        targets = [c for c in self.communities_in(str(area)) if self.sim.world.residents.get(c, 0) > 0]
        if not targets:
            return self._reject("evacuate_area", by, args, f"区域 {area} 内无待转移群众",
                                f"no one left to evacuate in {area!r} (give a town id such as town2, or 'all')")
        res = self._accept("evacuate_area", by, {**args, "communities": targets})
        for c in targets:
            self.sim.orders.evacuate(c, by=by, shelter=shelter)
        return res

    def order_issue_warning(self, by: str, color: str, communities: list[str] | str = "all",
                            channels: list[str] | None = None, message: Any = "") -> OrderResult:
        params = self.params
        channels = channels or ["sms", "village_loudspeaker"]
        args = {"color": color, "communities": communities, "channels": channels}
        if color not in params["warning_levels"]:
            return self._reject("issue_warning", by, args, "预警颜色应为 红/橙/黄/蓝 (red/orange/yellow/blue)",
                                "warning colour must be red, orange, yellow or blue")
        bad = [c for c in channels if c not in params["warning_channels"]]
        if bad:
            return self._reject("issue_warning", by, args, f"未知预警渠道 {'、'.join(map(str, bad))}",
                                f"unknown channels {', '.join(map(str, bad))}; known: {', '.join(params['warning_channels'])}")
        world = self.sim.world
        if isinstance(communities, str) and self.communities_in(communities):
            targets = self.communities_in(communities)  # 'all', a town id or one community
        else:
            targets = [communities] if isinstance(communities, str) else list(communities)
            unknown = [c for c in targets if c not in world.residents]
            if unknown:
                return self._reject("issue_warning", by, args, f"无此社区 {'、'.join(map(str, unknown))}",
                                    f"no communities {', '.join(map(str, unknown))}")
        res = self._accept("issue_warning", by, args)
        self.sim.events.emit(self.sim.now, "warning.issued", by=by, color=color, communities=targets,
                             channels=channels, message=text(message) if message else None)
        # each channel reaches a share of residents after its delay; shares combine independently
        miss = 1.0
        delay = 0.0
        for c in channels:
            ch = params["warning_channels"][c]
            miss *= 1.0 - float(ch["reach"])
            delay = max(delay, float(ch["delay_min"]))
        reach = 1.0 - miss

        def deliver() -> Generator:
            yield self.sim.env.timeout(delay)
            for cid in targets:
                people = int(round(world.residents.get(cid, 0) * reach))
                self.warned[cid] = {"color": color, "t": self.sim.now, "reached": people}
                world.set_flag(cid, "warning", color)
                share = float(world.flags.get(cid, {}).get("warned_share", 0.0))
                world.set_flag(cid, "warned_share", round(max(share, reach), 4))
            self.sim.events.emit(self.sim.now, "warning.received", color=color, communities=targets,
                                 reach=round(reach, 4),
                                 people=int(sum(round(world.residents.get(c, 0) * reach) for c in targets)))

        self.sim.env.process(deliver())
        return res

    def order_request_support(self, by: str, to: str, units: list[str] | None = None,
                              depot: str | None = None, note: str = "") -> OrderResult:
        """Ask a seat above, a neighbour or the army for units or reserve stock."""
        args = {"to": to, "units": units or [], "depot": depot}
        if to not in self.seats:
            return self._reject("request_support", by, args, f"无此席位 {to}", f"no seat {to!r}")
        units = list(units or [])
        unknown = [u for u in units if u not in self.sim.units]
        if unknown:
            return self._reject("request_support", by, args, f"无此队伍 {'、'.join(map(str, unknown))}",
                                f"no units {', '.join(map(str, unknown))}")
        if depot is not None and depot not in self.sim.world.stock:
            return self._reject("request_support", by, args, f"无此物资库 {depot}", f"no depot {depot!r}")
        if not units and depot is None:
            return self._reject("request_support", by, args, "请指明请求的队伍或物资库",
                                "name the units or the depot you request")
        rid = f"req{len(self.requests) + 1}"
        res = self._accept("request_support", by, {**args, "request": rid})
        self.requests[rid] = {"id": rid, "from": by, "to": to, "units": units, "depot": depot,
                              "status": "pending", "t": self.sim.now}
        self.sim.events.emit(self.sim.now, "support.requested", request=rid, **{"from": by}, to=to,
                             units=units, depot=depot, note=note)
        if not self.seats[to].played:
            delay = float(self.params["auto_approval_delay_min"])

            def auto() -> Generator:
                yield self.sim.env.timeout(delay)
                if self.requests[rid]["status"] == "pending":
                    self._decide(rid, True, by_seat=to, auto=True)

            self.sim.env.process(auto())
        return res

    def order_approve_request(self, by: str, request: str, approve: bool = True) -> OrderResult:
        args = {"request": request, "approve": approve}
        req = self.requests.get(request)
        if req is None:
            return self._reject("approve_request", by, args, f"无此请求 {request}", f"no request {request!r}")
        if req["status"] != "pending":
            return self._reject("approve_request", by, args, "该请求已处理", "request already decided")
        res = self._accept("approve_request", by, args)
        self._decide(request, approve, by_seat=by, auto=False)
        return res

    def _decide(self, rid: str, approve: bool, by_seat: str, auto: bool) -> None:
        req = self.requests[rid]
        if approve:
            # only what the approving seat itself commands can be granted
            units = [u for u in req["units"] if self.may_use_unit(by_seat, u) or by_seat == "director"]
            depot = req["depot"] if req["depot"] and (self.may_use_depot(by_seat, req["depot"]) or by_seat == "director") else None
            grant = self.grants.setdefault(req["from"], set())
            grant.update(units)
            if depot:
                grant.add(depot)
            req["status"] = "approved"
            self.sim.events.emit(self.sim.now, "support.approved", request=rid, to=req["from"], by=by_seat,
                                 units=units, depot=depot, auto=auto)
        else:
            req["status"] = "refused"
            self.sim.events.emit(self.sim.now, "support.refused", request=rid, to=req["from"], by=by_seat, auto=auto)
