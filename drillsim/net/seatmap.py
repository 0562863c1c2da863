"""The map a seat may see (席位态势图), sent once after it joins, and what moves on it.

A seat is never sent the scenario: that holds the MSEL injects and the hazard
set-up, which trainees must not see. The ``map`` message carries only what a
player may know: the road network's geometry (node coordinates, edges with class
and bridge flags, road ids so ``road.state`` reports can be drawn), admin
boundaries and rivers, and the public places (shelters, hospitals, communities,
command posts, stations, reservoirs, ...) with their names, plus the seat's own
depots. No injects, no hazards, no stock, no units, no other seat's depots.

The payload is JSON, zlib-compressed and base64-encoded, and split into parts of
at most :data:`PART_CHARS` characters (each part one frame, far below the 32 MiB
a client accepts). Numeric arrays are base64 of little-endian binary.

On the client :class:`SeatMap` rebuilds the arrays, and an adapter with the
attributes :class:`drillsim.gui.mapview.MapView` reads from a simulation
(``world.map``, ``world.net``, ``world.places``) so the app's own map widget draws
a seat's map. :meth:`SeatMap.state_at` turns what the seat has learned (its
units' departures, incidents and road reports that reached it) into the
replay-state shape the widget draws, interpolating unit positions along their
compact routes (:mod:`drillsim.world.routecode`) like the archive replay does.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

from drillsim.core.events import Event
from drillsim.exercise.seat_view import ALL_SEEING
from drillsim.record.replay_state import route_position
from drillsim.response.incidents import IncidentLedger
from drillsim.scenario.model import Place

PART_CHARS = 512 * 1024
"""Characters of base64 per ``map`` frame."""
PUBLIC_KINDS = ("shelter", "hospital", "community", "command_post", "station", "reservoir", "forest", "plant")
"""Places every seat may see (public facilities and geography); depots only a seat's own."""
MOVES = ("unit.depart", "unit.arrive", "unit.reroute", "unit.diverted", "unit.stuck")


def _b64(a: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


def _unb64(s: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=dtype).copy()


def map_payload(sim: Any, seat: str, depots: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """What ``seat`` may know of the map: roads, boundaries, rivers, public places and its ``depots``."""
    world, net, m = sim.world, sim.world.net, sim.world.map
    everyone = seat in ALL_SEEING
    places = []
    for pid, p in world.places.items():
        if not (everyone or p.kind in PUBLIC_KINDS or (p.kind == "depot" and pid in depots)):
            continue
        row: dict[str, Any] = {"id": pid, "kind": p.kind, "name": p.name, "at": [float(p.at[0]), float(p.at[1])]}
        if p.level:
            row["level"] = p.level
        if p.tier:
            row["tier"] = p.tier
        if p.kind in ("shelter", "hospital") and p.capacity:
            row["capacity"] = int(p.capacity)
        if p.kind in ("reservoir", "forest") and p.attrs.get("polygon"):
            row["polygon"] = [[float(x), float(y)] for x, y in p.attrs["polygon"]]
        places.append(row)
    return {
        "name": m.name,
        "bounds": [float(b) for b in m.bounds],
        "nodes": {"n": int(net.n_nodes), "x": _b64(net.x, "<f8"), "y": _b64(net.y, "<f8")},
        "roads": {"n": int(net.n_roads), "u": _b64(net.u, "<i4"), "v": _b64(net.v, "<i4"),
                  "class": _b64(net.road_class, "<i2"), "class_names": list(net.class_names),
                  "bridge": np.nonzero(net.bridge)[0].tolist(), "ids": list(net.road_ids)},
        "places": places,
        "admin": [{"id": a.get("id"), "level": a.get("level"), "name": a.get("name"),
                   "polygon": [[float(x), float(y)] for x, y in a["polygon"]]} for a in m.admin],
        "rivers": [[[float(x), float(y)] for x, y in line] for line in m.rivers],
    }


def map_frames(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The payload as ``map`` message bodies (without ``v``/``type``): zlib, base64, in parts."""
    text = base64.b64encode(zlib.compress(json.dumps(payload, ensure_ascii=False,
                                                     separators=(",", ":")).encode("utf-8"), 6)).decode("ascii")
    parts = [text[k:k + PART_CHARS] for k in range(0, len(text), PART_CHARS)] or [""]
    return [{"encoding": "zlib+base64", "part": k, "parts": len(parts), "data": d} for k, d in enumerate(parts)]


class MapAssembly:
    """Collects ``map`` parts; :attr:`payload` is the decoded map once all have arrived."""

    def __init__(self) -> None:
        self.parts: dict[int, str] = {}
        self.payload: dict[str, Any] | None = None

    def add(self, m: dict[str, Any]) -> dict[str, Any] | None:
        if m.get("part") == 0:
            self.parts.clear()
        self.parts[int(m["part"])] = m["data"]
        if len(self.parts) == int(m["parts"]):
            text = "".join(self.parts[k] for k in range(int(m["parts"])))
            self.payload = json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))
            self.parts.clear()
            return self.payload
        return None


@dataclass
class _Net:
    """The road network's drawable part, with the attributes MapView reads."""

    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    road_class: np.ndarray
    class_names: list[str]
    road_ids: list[str]
    bridge: np.ndarray
    status: np.ndarray = field(init=False)
    version: int = 0

    def __post_init__(self) -> None:
        self.n_nodes, self.n_roads = len(self.x), len(self.u)
        self.road_index = {r: k for k, r in enumerate(self.road_ids)}
        self.status = np.array(["open"] * self.n_roads, dtype=object)


class SeatMap:
    """A seat's map from the ``map`` payload, and its live picture from what the seat learned.

    ``sim`` is the adapter MapView draws (``set_world(seat_map.sim)``); feed every
    event dict the seat receives to :meth:`observe`, then draw :meth:`state_at`
    with ``MapView.update_state``.
    """

    def __init__(self, payload: dict[str, Any]) -> None:
        nodes, roads = payload["nodes"], payload["roads"]
        bridge = np.zeros(int(roads["n"]), dtype=bool)
        bridge[np.asarray(roads["bridge"], dtype=np.int64)] = True
        self.net = _Net(_unb64(nodes["x"], "<f8"), _unb64(nodes["y"], "<f8"),
                        _unb64(roads["u"], "<i4").astype(np.int64), _unb64(roads["v"], "<i4").astype(np.int64),
                        _unb64(roads["class"], "<i2"), list(roads["class_names"]), list(roads["ids"]), bridge)
        self.places = {p["id"]: Place.from_dict(p["kind"], {k: v for k, v in p.items() if k != "kind"})
                       for p in payload["places"]}
        b = payload["bounds"]
        mapdata = SimpleNamespace(name=payload.get("name"), bounds=tuple(b), elevation=None, fuel=None,
                                  admin=payload.get("admin") or [], rivers=payload.get("rivers") or [], dikes=[])
        world = SimpleNamespace(map=mapdata, net=self.net, places=self.places, occupancy={}, beds_used={},
                                residents={}, stock={}, flags={}, shelter_open={})
        self.sim = SimpleNamespace(world=world, now=0.0, units={}, hazards={},
                                   board=SimpleNamespace(incidents={}), scenario=SimpleNamespace(supplies={}))
        """What MapView.set_world reads from a simulation: the map only, nothing moving."""
        self.moves: dict[str, tuple[float, str, Any, int]] = {}
        """Unit -> (t, event type, route [t0, path, times] or node, seq) of its latest movement event."""
        self.status: dict[str, tuple[int, str]] = {}
        """Unit -> (seq, status) of its latest ``unit.status`` event (ahead of the once-a-second state)."""
        self.incidents: dict[str, dict[str, Any]] = {}
        self.ledger = IncidentLedger()
        """Which reports are incidents (:mod:`drillsim.response.incidents`): those are drawn."""
        self.roads: dict[str, str] = {}
        self._seen: set[int] = set()

    def observe(self, e: dict[str, Any]) -> None:
        """One event the seat learned of (canonical event JSON); order does not matter, repeats are ignored."""
        seq = int(e["seq"])
        if seq in self._seen:
            return
        self._seen.add(seq)
        ty, d, t = e["type"], e["data"], float(e["t"])
        if ty.startswith("incident.") or ty == "task.new":
            self.ledger.consume_incident(Event(t, ty, d, seq))
        if ty in MOVES:
            uid = str(d.get("unit"))
            old = self.moves.get(uid)
            if old is not None and (old[0], old[3]) > (t, seq):
                return
            if ty == "unit.depart":
                where: Any = [t, d["path"], d["times"]]
            else:
                where = int(d["at_node"] if ty == "unit.stuck" else d["node"])
            self.moves[uid] = (t, ty, where, seq)
        elif ty == "unit.status":
            uid = str(d.get("unit"))
            if self.status.get(uid, (-1, ""))[0] < seq:
                self.status[uid] = (seq, str(d["status"]))
        elif ty == "incident.new":
            self.incidents[str(d["id"])] = {"id": str(d["id"]), "at": d.get("at"), "place": d.get("place"),
                                            "priority": d.get("priority"), "resolved": None, "seq": seq}
        elif ty == "incident.resolved" and d.get("incident") in self.incidents:
            self.incidents[d["incident"]] = {**self.incidents[d["incident"]], "resolved": t}
        elif ty == "incident.rejected":
            self.incidents.pop(str(d.get("id")), None)
        elif ty == "road.state":
            for r in d.get("roads") or []:
                if d.get("status") == "open":
                    self.roads.pop(r, None)
                else:
                    self.roads[r] = d["status"]

    def unit_xy(self, uid: str, t: float, fallback: tuple[float, float] | None) -> tuple[float, float] | None:
        """Where unit ``uid`` is at sim minute ``t``: along its last route, else ``fallback``
        (the position in the seat's latest state, for a unit that has not moved since the seat learned of it)."""
        mv = self.moves.get(uid)
        if mv is None:
            return fallback
        _, ty, where, _ = mv
        if ty == "unit.depart":
            return route_position(self.net.x, self.net.y, where, t)
        return float(self.net.x[where]), float(self.net.y[where])

    def state_at(self, t: float, state: dict[str, Any]) -> dict[str, Any]:
        """The picture at sim minute ``t``: the seat's units (from its latest ``state``) at their
        interpolated positions, the incidents and road states it has learned of."""
        units = []
        for u in state.get("units") or []:
            fb = (u["x"], u["y"]) if u.get("x") is not None else None
            xy = self.unit_xy(u["id"], t, fb)
            if xy is not None:
                status = self.status.get(u["id"], (0, u.get("status", "idle")))[1]
                units.append({**u, "status": status, "x": round(xy[0], 1), "y": round(xy[1], 1)})
        return {"t": t, "units": units, "roads_not_open": dict(self.roads),
                "incidents": [dict(i) for iid, i in self.incidents.items() if self.ledger.is_incident(iid)]}
