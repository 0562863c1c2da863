"""Rebuild a drill's state at sim time t from its events alone (no simulation).

:class:`ReplayState` is a reducer: feed it events in order with :meth:`apply`,
ask for the state at time t with :meth:`view`. Its whole internal state is
JSON-able (:meth:`dump` / :meth:`load`), which is what archive snapshots store,
so seeking is "nearest snapshot <= t, then the events after it".

What it needs besides the events is a small, static *context* taken from the
scenario and map when the drill was recorded (:func:`context_from_sim`): unit
bases, shelter capacities, hospital beds, depot stock, and the map's node
coordinates (unit positions are interpolated along the last ``unit.depart``
path with its cumulative times, as the live :class:`~drillsim.response.units.Unit`
does; the route is kept in the event's compact text form, see
:mod:`drillsim.world.routecode`, and decoded when a position is asked for).

Incidents follow :mod:`drillsim.response.incidents`: every report is kept, but
:meth:`ReplayState.view` lists only those that gave responders a task, as the live
board, the KPIs and the report do.

Known difference from the live state: when a unit is interrupted mid-edge (a
re-route or a recall) no event is emitted until it reaches the next node, so
for those few minutes the replayed unit keeps moving along its old path while
the live one is drawn at its route origin.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

import numpy as np

from drillsim.core.events import Event
from drillsim.response.incidents import report_id
from drillsim.response.kpis import KpiTracker
from drillsim.world.routecode import decode_path, decode_times

HAZARD_PREFIXES = ("hazard.", "earthquake.", "flood.", "chemical.", "wildfire.")


def _hazard_ids(ty: str, d: dict[str, Any]) -> list[str]:
    """The hazards a hazard event is about: its ``id``; a chain (``hazard.chain``) is about both its
    source and its target; a ``hazard.*`` event naming neither is about no hazard in particular."""
    if "id" in d:
        return [str(d["id"])]
    if ty == "hazard.chain":
        return list(dict.fromkeys(str(d[k]) for k in ("source", "target") if d.get(k)))
    return [] if ty.startswith("hazard.") else [ty.split(".")[0]]


def _type_of(ty: str) -> str | None:
    """A hazard's type from an event type ("flood.breach" -> "flood"); None for the generic ``hazard.*``
    (the hazard's own ``hazard.started`` says it)."""
    kind = ty.split(".")[0]
    return None if kind == "hazard" else kind


def context_from_sim(sim: Any) -> dict[str, Any]:
    """The static facts the reducer needs, read from a live Simulation (scenario + map)."""
    world = sim.world
    places = world.places
    return {
        "units": {u.id: {"type": u.spec.type, "base": u.spec.base, "node": int(u.base_node),
                         "name": u.spec.name, "owner": u.spec.owner} for u in sim.units.values()},
        "shelters": {pid: {"capacity": p.capacity, "open": bool(world.shelter_open.get(pid, True)),
                           "name": p.name} for pid, p in places.items() if p.kind == "shelter"},
        "hospitals": {pid: {"beds": p.capacity, "name": p.name}
                      for pid, p in places.items() if p.kind == "hospital"},
        "depots": {pid: {"stock": dict(p.stock), "tier": p.tier, "name": p.name}
                   for pid, p in places.items() if p.kind == "depot"},
        "injects": [str(i.get("id")) for i in (sim.scenario.injects or []) if isinstance(i, dict)],
        "response_level": None,
    }


_SCALARS = (str, int, float, bool, type(None))
_NUMBERS = {int, float}
_STR = {str}


def _enc(v: Any) -> Any:
    """JSON-able encoding of a KpiTracker attribute: sets, tuples and non-string dict keys survive."""
    if type(v) in _SCALARS:
        return v
    if type(v) is dict and all(type(k) is str for k in v):
        return {k: x if type(x) in _SCALARS else _enc(x) for k, x in v.items()}
    if isinstance(v, (set, frozenset)):
        return {"__set__": sorted((_enc(x) for x in v), key=repr)}
    if isinstance(v, tuple):
        return {"__tuple__": [_enc(x) for x in v]}
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v):
            return {k: _enc(x) for k, x in v.items()}
        return {"__items__": [[_enc(k), _enc(x)] for k, x in v.items()]}
    if isinstance(v, list):
        return [_enc(x) for x in v]
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


def _dec(v: Any) -> Any:
    t = type(v)
    if t is dict:
        if len(v) == 1:
            if "__set__" in v:
                return {_hashable(_dec(x)) for x in v["__set__"]}
            if "__tuple__" in v:
                return tuple(_dec(x) for x in v["__tuple__"])
            if "__items__" in v:
                return {_hashable(_dec(k)): _dec(x) for k, x in v["__items__"]}
        return {k: x if type(x) in _SCALARS else _dec(x) for k, x in v.items()}
    if t is list:
        return [x if type(x) in _SCALARS else _dec(x) for x in v]
    return v


def _hashable(v: Any) -> Any:
    return tuple(_hashable(x) for x in v) if isinstance(v, list) else v


def kpi_dump(k: KpiTracker) -> dict[str, Any]:
    """KpiTracker's attributes as JSON-able data (whatever KPIs it grows, as long as they are plain data)."""
    return {key: _enc(v) for key, v in vars(k).items() if not callable(v)}


def kpi_load(d: dict[str, Any]) -> KpiTracker:
    k = KpiTracker()
    for key, v in d.items():
        setattr(k, key, _dec(v))
    return k


def route_position(x: np.ndarray, y: np.ndarray, route: list[Any], t: float) -> tuple[float, float]:
    """Where a unit on ``route`` ([t0, path, times] of its ``unit.depart``) is at sim minute ``t``:
    interpolated along the edge it is on, at the origin before t0, at the end after arriving."""
    t0, path, times = route[0], decode_path(route[1]), decode_times(route[2])
    e = t - t0
    if len(path) == 1 or e <= 0:
        n = path[0]
        return float(x[n]), float(y[n])
    if e >= times[-1]:
        n = path[-1]
        return float(x[n]), float(y[n])
    k = bisect_right(times, e) - 1
    a, b = path[k], path[k + 1]
    span = times[k + 1] - times[k]
    f = 0.0 if span <= 0 else (e - times[k]) / span
    return float(x[a] + f * (x[b] - x[a])), float(y[a] + f * (y[b] - y[a]))


class ReplayState:
    """Drill state reduced from events; ``xy`` are the map's node coordinates (arrays) or None.

    ``kpi``: a :class:`KpiTracker` that something else feeds the same events, in seq
    order, before each one reaches :meth:`apply` (the recorder passes its simulation's
    tracker: it sees every event before the recorder's tap sees the next, so at each
    snapshot it holds exactly what a tracker of its own would). :meth:`apply` then
    does not feed it again, and dumps take its ``t`` from the reducer (the simulation
    sets its tracker's clock to the end before the last event).
    """

    _feed_kpi = True

    def __init__(self, context: dict[str, Any], xy: tuple[np.ndarray, np.ndarray] | None = None,
                 kpi: KpiTracker | None = None) -> None:
        self.ctx = context
        self.xy = xy
        self.t = 0.0
        self.n = 0
        self.last_seq = -1
        self.units: dict[str, dict[str, Any]] = {
            uid: {"status": "idle", "task": None, "node": u["node"], "route": None}
            for uid, u in context["units"].items()}
        self.incidents: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.shelters = {sid: {"occupancy": 0, "open": s["open"]} for sid, s in context["shelters"].items()}
        self.beds_used = dict.fromkeys(context["hospitals"], 0)
        self.stock = {d: dict(s["stock"]) for d, s in context["depots"].items()}
        self.roads: dict[str, str] = {}
        self.hazards: dict[str, dict[str, Any]] = {}
        self.response_level = context.get("response_level")
        self.warnings: list[dict[str, Any]] = []
        self.injects = dict.fromkeys(context.get("injects", []), "ready")
        self.notes: list[dict[str, Any]] = []
        self.kpi = KpiTracker() if kpi is None else kpi
        if kpi is not None:
            self._feed_kpi = False

    # ------------------------------------------------------------------ dump / load
    _FIELDS = ("t", "n", "last_seq", "units", "incidents", "tasks", "shelters", "beds_used", "stock",
               "roads", "hazards", "response_level", "warnings", "injects", "notes")

    def dump(self) -> dict[str, Any]:
        d = {f: getattr(self, f) for f in self._FIELDS}
        d["kpi"] = kpi_dump(self.kpi)
        if not self._feed_kpi:
            d["kpi"]["t"] = self.t
        return d

    @classmethod
    def load(cls, context: dict[str, Any], d: dict[str, Any],
             xy: tuple[np.ndarray, np.ndarray] | None = None) -> ReplayState:
        """Restore from :meth:`dump` output (which must be a fresh copy, e.g. from json.loads)."""
        s = cls.__new__(cls)
        s.ctx, s.xy = context, xy
        for f in cls._FIELDS:
            setattr(s, f, d[f])
        s.kpi = kpi_load(d["kpi"])
        if (s.hazards.get("hazard") or {}).get("type") == "hazard":  # a snapshot from before chains were
            del s.hazards["hazard"]  # attributed: its hazard.chain counted as a hazard named "hazard"
        if "tasked" not in d["kpi"]:  # a snapshot from before the tracker kept it: the tasks say it
            s.kpi.tasked = {str(t.get("incident")) for t in s.tasks.values()}
        return s

    # ------------------------------------------------------------------ snapshot parts
    SHARED_MAPS = ("incidents", "tasks")
    """Maps whose entries :meth:`apply` replaces on change and never mutates in place."""

    def delta_maps(self) -> dict[str, dict[str, Any]]:
        """The maps a snapshot may store as changes since the previous one, by name.

        ``incidents`` and ``tasks`` (entries replaced, never mutated: an entry
        changed iff it is another object) and the KPI tracker's larger plain
        str -> number dicts (``kpi.NAME``; numbers are immutable too). They hold
        nearly all of a late drill's state and change little between snapshots.
        """
        maps = {f: getattr(self, f) for f in self.SHARED_MAPS}
        for key, v in vars(self.kpi).items():
            if type(v) is dict and len(v) >= 32 and set(map(type, v)) == _STR and set(map(type, v.values())) <= _NUMBERS:
                maps["kpi." + key] = v
        return maps

    def dump_rest(self, maps: dict[str, Any]) -> dict[str, Any]:
        """:meth:`dump` without the maps named in ``maps`` (those go in a snapshot's delta part)."""
        d = {f: getattr(self, f) for f in self._FIELDS if f not in maps}
        d["kpi"] = {key: _enc(v) for key, v in vars(self.kpi).items()
                    if not callable(v) and "kpi." + key not in maps}
        if not self._feed_kpi and "t" in d["kpi"]:
            d["kpi"]["t"] = self.t
        return d

    @classmethod
    def load_parts(cls, context: dict[str, Any], rest: dict[str, Any], maps: dict[str, dict[str, Any]],
                   xy: tuple[np.ndarray, np.ndarray] | None = None) -> ReplayState:
        """Restore from :meth:`dump_rest` output plus the maps (fresh dicts; shared entries are not mutated)."""
        d = {**rest, **{f: m for f, m in maps.items() if not f.startswith("kpi.")}}
        s = cls.load(context, d, xy)
        for name, m in maps.items():
            if name.startswith("kpi."):
                setattr(s.kpi, name[4:], m)
        return s

    # ------------------------------------------------------------------ reduce
    def apply(self, ev: Event) -> None:
        self.t = ev.t
        self.n += 1
        self.last_seq = ev.seq
        if self._feed_kpi:
            self.kpi.consume(ev)
        ty, d = ev.type, ev.data
        if ty.startswith("unit."):
            u = self.units.get(d.get("unit"))
            if u is None:
                return
            if ty == "unit.depart":
                u["route"] = [ev.t, d["path"], d["times"]]
            elif ty == "unit.arrive":
                u["node"], u["route"] = int(d["node"]), None
            elif ty in ("unit.reroute", "unit.diverted"):
                u["node"], u["route"] = int(d["node"]), None
            elif ty == "unit.status":
                u["status"], u["task"] = d["status"], d.get("task")
            elif ty == "unit.stuck":
                u["node"], u["route"] = int(d["at_node"]), None
            return
        if ty.startswith("incident."):
            if ty == "incident.new":
                iid = report_id(d["id"], self.incidents)
                self.incidents[iid] = {
                    "id": iid, "name": d.get("name"), "at": d.get("at"), "place": d.get("place"),
                    "priority": d.get("priority"), "reported": ev.t, "first_response": None,
                    "resolved": None, "cause": d.get("cause")}
            elif ty == "incident.rejected":
                self.incidents.pop(str(d.get("id")), None)
            elif ty == "incident.first_response":
                inc = self.incidents.get(d["incident"])
                if inc is not None:
                    self.incidents[d["incident"]] = {**inc, "first_response": ev.t}
            elif ty == "incident.resolved":
                inc = self.incidents.get(d["incident"])
                if inc is not None:
                    self.incidents[d["incident"]] = {**inc, "resolved": ev.t}
            return
        if ty.startswith("task."):
            tid = d.get("task")
            if ty == "task.new":
                self.tasks[tid] = {"id": tid, "incident": d.get("incident"), "kind": d.get("kind"),
                                   "quantity": d.get("quantity"), "done": 0.0, "status": "open",
                                   "created": ev.t}
            elif tid in self.tasks:
                task = self.tasks[tid]
                if ty == "task.progress":
                    self.tasks[tid] = {**task, "done": d.get("done", task["done"])}
                elif ty == "task.done":
                    self.tasks[tid] = {**task, "status": "done"}
                elif ty == "task.blocked":
                    self.tasks[tid] = {**task, "status": "blocked"}
                elif ty == "task.first_response" and task["status"] == "open":
                    self.tasks[tid] = {**task, "status": "working"}
            return
        if ty.startswith("supply."):
            if ty == "supply.loaded":
                st = self.stock.setdefault(d["depot"], {})
                for i, q in (d.get("items") or {}).items():
                    st[i] = round(st.get(i, 0.0) - q, 6)
            elif ty == "supply.added":
                self.stock.setdefault(d["depot"], {})[d["item"]] = d["stock"]
            elif ty == "supply.delivered" and d.get("to") in self.stock:
                st = self.stock[d["to"]]
                for i, q in (d.get("items") or {}).items():
                    st[i] = round(st.get(i, 0.0) + q, 6)
            return
        if ty == "shelter.admit":
            self.shelters.setdefault(d["place"], {"occupancy": 0, "open": True})["occupancy"] = d["occupancy"]
        elif ty in ("shelter.opened", "shelter.closed"):
            self.shelters.setdefault(d["place"], {"occupancy": 0, "open": True})["open"] = ty == "shelter.opened"
        elif ty == "hospital.admit":
            self.beds_used[d["place"]] = d["beds_used"]
        elif ty == "road.state":
            for r in d["roads"]:
                if d["status"] == "open":
                    self.roads.pop(r, None)
                else:
                    self.roads[r] = d["status"]
        elif ty == "response.level":
            self.response_level = d.get("level")
        elif ty == "warning.issued":
            self.warnings.append({"t": ev.t, "by": d.get("by"), "color": d.get("color"),
                                  "communities": len(d.get("communities") or [])})
        elif ty.startswith("inject."):
            iid = str(d.get("id"))
            status = {"inject.sent": "sent", "inject.answered": "answered", "inject.missed": "missed",
                      "inject.cancelled": "cancelled"}.get(ty)
            if status:
                self.injects[iid] = status
            elif ty == "inject.edited":
                self.injects.setdefault(iid, "ready")
        elif ty == "note":
            self.notes.append({"t": ev.t, "seq": ev.seq, **d})
        elif ty.startswith(HAZARD_PREFIXES):
            for hid in _hazard_ids(ty, d):
                h = self.hazards.setdefault(hid, {"id": hid, "type": d.get("hazard") or _type_of(ty),
                                                  "started": None, "events": 0, "last": {}})
                if ty == "hazard.started":
                    h["started"], h["type"] = ev.t, d.get("hazard", h["type"])
                h["events"] += 1
                h["last_t"] = ev.t
                h["last"][ty] = d

    # ------------------------------------------------------------------ view
    def position(self, uid: str, t: float) -> tuple[float, float] | None:
        if self.xy is None:
            return None
        x, y = self.xy
        u = self.units[uid]
        if u["route"] is None:
            n = u["node"]
            return float(x[n]), float(y[n])
        return route_position(x, y, u["route"], t)

    def view(self, t: float | None = None) -> dict[str, Any]:
        """The JSON-able state at ``t`` (default: the last event's time)."""
        t = self.t if t is None else float(t)
        units = []
        for uid, u in self.units.items():
            pos = self.position(uid, t)
            eta = None
            if u["route"] is not None:
                eta = round(u["route"][0] + decode_times(u["route"][2])[-1], 2)
                if eta <= t:
                    eta = None
            units.append({"id": uid, "type": self.ctx["units"][uid]["type"], "status": u["status"],
                          "task": u["task"], "x": None if pos is None else round(pos[0], 1),
                          "y": None if pos is None else round(pos[1], 1), "eta": eta})
        shelters = {sid: {"capacity": self.ctx["shelters"].get(sid, {}).get("capacity", 0), **s}
                    for sid, s in self.shelters.items()}
        hospitals = {hid: {"beds": self.ctx["hospitals"].get(hid, {}).get("beds", 0), "used": used}
                     for hid, used in self.beds_used.items()}
        return {
            "t": t, "events": self.n, "last_seq": self.last_seq,
            "units": units,
            # the incidents (drillsim.response.incidents: reports that gave a task); copies: seeks share the entries
            "incidents": [dict(i) for iid, i in self.incidents.items() if self.kpi.is_incident(iid)],
            "tasks": [dict(k) for k in self.tasks.values()],
            "shelters": shelters, "hospitals": hospitals,
            "supplies": self.stock,
            "roads_not_open": self.roads,
            "hazards": list(self.hazards.values()),
            "response_level": self.response_level,
            "warnings": self.warnings,
            "injects": self.injects,
            "notes": self.notes,
            "kpis": self.kpi.summary(),
        }
