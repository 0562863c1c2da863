"""Timed orders files (``scenarios/<scenario>.orders.yaml``) for headless drills.

Format::

    orders:
      - {t: 10, by: county_hq, op: set_response_level, level: III}
      - {t: 12, by: county_hq, op: issue_warning, color: orange, communities: all}
      - {t: 30, by: county_hq, op: dispatch, unit: fire1-1, task: i1/rescue}

Each becomes an :class:`Input` applied at sim minute ``t`` (the same path a live
order takes), so a file of orders and a live drill with the same orders give the
same event stream.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from drillsim.core.errors import InputError, Problem
from drillsim.exercise.inputs import Input
from drillsim.scenario import yamlpos
from drillsim.scenario.loader import read_text
from drillsim.scenario.model import ORDER_OPS

ALL_OPS = ORDER_OPS
ORDER_ARGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # op: (required arguments, optional arguments)
    "dispatch": (("unit", "task"), ()),
    "recall": (("unit",), ()),
    "move_supplies": (("items", "to"), ("from", "source")),
    "open_shelter": (("shelter",), ()),
    "close_shelter": (("shelter",), ()),
    "evacuate": (("community",), ("people", "shelter")),
    "evacuate_area": (("area",), ("shelter",)),
    "close_road": (("road",), ()),
    "open_road": (("road",), ()),
    "activate_contract": (("depot", "item"), ()),
    "start_production": (("depot", "item"), ()),
    "set_response_level": (("level",), ()),
    "issue_warning": (("color",), ("communities", "channels", "message")),
    "request_support": (("to",), ("units", "depot", "note")),
    "approve_request": (("request",), ("approve",)),
}
ENUMS = {("set_response_level", "level"): ("I", "II", "III", "IV", "none"),
         ("issue_warning", "color"): ("blue", "yellow", "orange", "red")}
INJECT_ACTIONS = ("fire", "edit", "adhoc", "answer", "cancel")


def load_orders(path: str | Path) -> list[Input]:
    path = Path(path)
    file = str(path)
    src = read_text(path)
    try:
        data, pos = yamlpos.parse(src)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise InputError(Problem(file, line, col, f"YAML syntax error: {getattr(e, 'problem', e)}")) from None
    if isinstance(data, dict):
        items, base = data.get("orders"), ("orders",)
        if items is None:
            raise InputError(Problem(file, 1, 1, "expected a top-level 'orders:' list"))
    else:
        items, base = data, ()
    if not isinstance(items, list):
        raise InputError(Problem(file, *yamlpos.position(pos, base), "'orders' must be a list of orders"))
    problems: list[Problem] = []
    out: list[Input] = []
    for k, d in enumerate(items):
        path_k = base + (k,)
        where = yamlpos.position(pos, path_k)
        if not isinstance(d, dict):
            problems.append(Problem(file, *where, "each order is a mapping like {t: 10, by: county_hq, op: dispatch, ...}"))
            continue
        t = d.get("t", d.get("time_min"))
        if not isinstance(t, (int, float)) or isinstance(t, bool) or t < 0:
            problems.append(Problem(file, *yamlpos.position(pos, path_k + ("t",)),
                                    "'t' (sim minute) must be a number >= 0"))
            continue
        if "inject" in d:
            action = d.get("inject")
            if action not in INJECT_ACTIONS:
                problems.append(Problem(file, *yamlpos.position(pos, path_k + ("inject",)),
                                        f"inject action must be one of {', '.join(INJECT_ACTIONS)}"))
                continue
            data_in: dict[str, Any] = {k2: v for k2, v in d.items() if k2 not in ("t", "time_min", "inject")}
            data_in["action"] = action
            out.append(Input(float(t), "inject", data_in))
            continue
        if "note" in d:
            out.append(Input(float(t), "note", {"text": str(d["note"]), "by": str(d.get("by", "evaluator"))}))
            continue
        op = d.get("op")
        if op not in ALL_OPS:
            hint = difflib.get_close_matches(str(op), ALL_OPS, n=1)
            msg = f"unknown order op {op!r}" + (f"; did you mean {hint[0]!r}?" if hint else
                                                 f"; known: {', '.join(ALL_OPS)}")
            problems.append(Problem(file, *yamlpos.position(pos, path_k + ("op",)), msg))
            continue
        args = {k2: v for k2, v in d.items() if k2 not in ("t", "time_min", "op", "by")}
        bad = _check_args(op, args, file, pos, path_k)
        if bad:
            problems.extend(bad)
            continue
        out.append(Input(float(t), "order", {"op": op, "by": str(d.get("by", "director")), "args": args}))
    if problems:
        raise InputError(problems)
    return sorted(out, key=lambda i: i.t)


def arg_problems(op: str, args: dict[str, Any]) -> list[tuple[str | None, str]]:
    """Unknown or missing arguments and impossible values of an order, with a did-you-mean:
    (the argument at fault, or None for the order itself; the message). Orders files and
    networked seats are checked by this one function."""
    required, optional = ORDER_ARGS[op]
    known = required + optional
    out: list[tuple[str | None, str]] = []
    for k in args:
        if k not in known:
            hint = difflib.get_close_matches(str(k), known, n=1)
            out.append((k, f"{op}: unknown argument {k!r}" + (f"; did you mean {hint[0]!r}?" if hint else
                                                                f"; it takes {', '.join(known)}")))
    for k in required:
        if k not in args:
            out.append((None, f"{op}: missing argument {k!r}"))
    for (o, k), allowed in ENUMS.items():
        if o == op and k in args and str(args[k]) not in allowed:
            out.append((k, f"{op}: {k} must be one of {', '.join(allowed)} (found {args[k]!r})"))
    for k, v in args.items():
        if k in known and (want := _type_problem(k, v)):
            out.append((k, f"{op}: {k} must be {want}"))
    return out


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) != float("inf")


def _type_problem(key: str, v: Any) -> str | None:
    """What ``v`` should be, if it is not (the engine trusts these types; a drill must never crash)."""
    if key == "items":
        ok = isinstance(v, dict) and v and all(isinstance(i, str) and _is_num(q) and q >= 0 for i, q in v.items())
        return None if ok else "a mapping of item to quantity, e.g. {tent: 100}"
    if key == "people":
        return None if v is None or (_is_num(v) and v >= 0) else "a number of people >= 0"
    if key == "approve":
        return None if isinstance(v, bool) else "true or false"
    if key in ("units", "communities", "channels"):
        items = [v] if isinstance(v, str) else v
        ok = isinstance(items, list) and len(items) <= 1000 and all(isinstance(x, str) for x in items)
        return None if ok else "a name or a list of names"
    if key == "message":
        ok = isinstance(v, str) or (isinstance(v, dict) and all(isinstance(x, str) for x in v.values()))
        return None if ok else "a text or {zh: ..., en: ...}"
    if key == "depot" and v is None:
        return None
    return None if isinstance(v, str) or (_is_num(v) and key != "note") else "a name (text)"


def _check_args(op: str, args: dict[str, Any], file: str, pos: dict, path: tuple) -> list[Problem]:
    out = []
    for k, msg in arg_problems(op, args):
        if k is None:
            out.append(Problem(file, *yamlpos.position(pos, path), msg))
        elif k in ORDER_ARGS[op][0] + ORDER_ARGS[op][1]:
            out.append(Problem(file, *yamlpos.position(pos, path + (k,)), msg))
        else:
            out.append(Problem(file, *yamlpos.position(pos, path + (k,), key=True), msg))
    return out


def reference_problems(path: str | Path, session: Any) -> list[Problem]:
    """What an orders file names that the drill it is used with does not have: seats, units,
    places, depots, supplies, roads, injects, and times after the drill ends.

    ``load_orders`` checks each entry alone; this checks it against ``session`` (a fresh
    :class:`~drillsim.exercise.session.Session` of the scenario), so that a typo such as
    ``unit: fire9-9`` is a ``FILE:LINE:COL`` problem before the drill runs instead of a
    silently rejected order found only in the event log. Task ids (``INCIDENT/KIND``) and
    request ids are made during the drill and are not checked here.
    """
    file = str(path)
    data, pos = yamlpos.parse(read_text(Path(path)))
    items, base = (data.get("orders"), ("orders",)) if isinstance(data, dict) else (data, ())
    if not isinstance(items, list):
        return []
    sim, seats = session.sim, session.seats
    world = sim.world
    shelters, depots = set(world.shelter_open), set(world.stock)
    communities = set(world.residents)
    towns = {str(world.places[c].attrs["town"]) for c in communities
             if c in world.places and world.places[c].attrs.get("town")}
    channels = set(seats.params["warning_channels"])
    seat_ids = set(seats.seats) | {"director", "evaluator"}
    supplies = set(sim.scenario.supplies)
    injects = set(session.msel.injects)
    problems: list[Problem] = []

    def unknown(path_k: tuple, what: str, value: Any, known: set[str], key: str | tuple = ()) -> None:
        value = str(value)
        if value in known:
            return
        hint = difflib.get_close_matches(value, sorted(known), n=1)
        listing = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
        msg = f"{what} {value!r} is not in this drill" + (f"; did you mean {hint[0]!r}?" if hint else
                                                         f"; it has {listing}" if known else "")
        at = path_k + (key if isinstance(key, tuple) else (key,))
        problems.append(Problem(file, *yamlpos.position(pos, at, key=isinstance(key, tuple) and bool(key)), msg))

    def names(v: Any) -> list[str]:
        return [v] if isinstance(v, str) else [str(x) for x in v] if isinstance(v, list) else []

    for k, d in enumerate(items):
        if not isinstance(d, dict):
            continue
        pk = base + (k,)
        t = d.get("t", d.get("time_min"))
        if isinstance(t, (int, float)) and not isinstance(t, bool) and t > sim.duration:
            problems.append(Problem(file, *yamlpos.position(pos, pk + ("t",)),
                                    f"t {t:g} is after the drill ends (minute {sim.duration:g}); it would never "
                                    "be given"))
        if "inject" in d:
            if d.get("inject") != "adhoc" and "id" in d:
                unknown(pk, "inject", d["id"], injects, "id")
            continue
        if "note" in d:
            continue
        op = d.get("op")
        if op not in ORDER_ARGS:
            continue
        if "by" in d:
            unknown(pk, "seat", d["by"], seat_ids, "by")
        if op in ("dispatch", "recall") and "unit" in d:
            unknown(pk, "unit", d["unit"], set(sim.units), "unit")
        if op == "request_support":
            if "to" in d:
                unknown(pk, "seat", d["to"], seat_ids, "to")
            for u in names(d.get("units")):
                unknown(pk, "unit", u, set(sim.units), "units")
            if d.get("depot") is not None:
                unknown(pk, "depot", d["depot"], depots, "depot")
        if op == "move_supplies":
            src = d.get("from", d.get("source"))
            if src is not None:
                unknown(pk, "depot", src, depots, "from" if "from" in d else "source")
            if "to" in d:
                unknown(pk, "place", d["to"], set(world.places), "to")
            if isinstance(d.get("items"), dict):
                for item in d["items"]:
                    unknown(pk, "supply", item, supplies, ("items", item))
        if op in ("open_shelter", "close_shelter") and "shelter" in d:
            unknown(pk, "shelter", d["shelter"], shelters, "shelter")
        if op == "evacuate":
            if "community" in d:
                unknown(pk, "community", d["community"], communities, "community")
            if d.get("shelter") is not None:
                unknown(pk, "shelter", d["shelter"], shelters, "shelter")
        if op == "evacuate_area":
            if "area" in d:
                unknown(pk, "area", d["area"], towns | communities | {"all"}, "area")
            if d.get("shelter") is not None:
                unknown(pk, "shelter", d["shelter"], shelters, "shelter")
        if op == "issue_warning":
            if isinstance(d.get("communities"), str):  # 'all', a town id or one community
                unknown(pk, "community or town", d["communities"], towns | communities | {"all"}, "communities")
            else:
                for c in names(d.get("communities")):
                    unknown(pk, "community", c, communities, "communities")
            for c in names(d.get("channels")):
                unknown(pk, "warning channel", c, channels, "channels")
        if op in ("close_road", "open_road") and "road" in d:
            unknown(pk, "road", d["road"], set(world.net.road_index), "road")
        if op in ("activate_contract", "start_production"):
            if "depot" in d:
                unknown(pk, "depot", d["depot"], depots, "depot")
            if "item" in d:
                unknown(pk, "supply", d["item"], supplies, "item")
    return problems
