"""Plan variants: ``--vary KEY=V1,V2,...`` edits of the scenario document, crossed.

A KEY is a dotted path into the scenario YAML. List items are named by their
``id`` (``units.fire1.count``, ``hazards.eq1.magnitude``) or by position
(``injects.0.time_min``). ``places.ID...`` finds a place by id in any places
section, and a place that only the map holds (the demo city's depots, shelters,
...) is copied into the scenario first, since a scenario place with a map
place's id replaces it. So a planner writes ``places.dep_county.stock.tent=+0,+500``
for "500 more tents in the county depot" and ``units.quake.count=+0,+1`` for
"a second USAR team": a larger ``count`` adds a copy of the entry, id ``quake_extra``,
so the units the scenario, its seats and orders name keep their ids.

A value is a YAML scalar (``3``, ``6.5``, ``true``, ``II``) or a change of the
scenario's own number: ``+500`` / ``-2`` (add), ``x1.5`` (multiply). Several
``--vary`` flags give every combination (a cartesian product). Each variant is
validated like a scenario file; a bad key names the key and the nearest match.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import pick, tr
from drillsim.scenario.loader import build_map_spec
from drillsim.scenario.model import PLACE_SECTIONS
from drillsim.scenario.validate import check_data, schema

if TYPE_CHECKING:
    from drillsim.batch.planfile import Plan

ARG = "--vary"
_REL = re.compile(r"^([+\-]|[x*×])\s*([0-9.eE+\-]+)$")
_SECTION_OF_KIND = {kind: section for section, kind in PLACE_SECTIONS.items()}


@dataclass(frozen=True)
class Change:
    """One value of one key: ``op`` is ``set``, ``add`` or ``mul``."""

    key: str
    op: str
    value: Any
    text: str

    @property
    def label(self) -> str:
        return f"{self.key}={self.text}"


@dataclass
class Variant:
    index: int
    changes: tuple[Change, ...]
    data: dict[str, Any] = field(repr=False, default_factory=dict)
    """The validated scenario document of this variant (normalised like the loader's)."""
    name: dict[str, str] | None = None
    """The plan's name from a ``--variants`` file (its changes come first in ``changes``)."""
    named: int = 0
    """How many of ``changes`` the named plan made."""

    @property
    def label(self) -> str:
        """Full name, e.g. ``places.dep_county.stock.tent=+500; units.fire1.count=3``."""
        parts = ([pick(self.name)] if self.name else []) + [c.label for c in self.changes[self.named:]]
        return "; ".join(parts) or tr("基准", "baseline")

    @property
    def short(self) -> str:
        """Chart label: the plan's name, the last two key parts and the value."""
        parts = ([pick(self.name)] if self.name else []) + [
            ".".join(c.key.split(".")[-2:]) + "=" + c.text for c in self.changes[self.named:]]
        return "\n".join(parts) or tr("基准", "baseline")


def _bad(msg: str) -> InputError:
    return InputError(Problem(ARG, 1, 1, msg))


def parse_value(token: str) -> tuple[str, Any]:
    t = token.strip()
    if not t:
        raise ValueError("empty value")
    m = _REL.match(t)
    if m:
        num = float(m.group(2))
        if not math.isfinite(num):
            raise ValueError(f"{t!r} is not a finite number")
        return ("add", num if m.group(1) == "+" else -num) if m.group(1) in "+-" else ("mul", num)
    v = yaml.safe_load(t)
    if isinstance(v, (dict, list)) or v is None:
        raise ValueError(f"{t!r} is not a single value")
    return "set", v


def parse_vary(spec: str) -> list[Change]:
    """``KEY=V1,V2,...`` -> one :class:`Change` per value."""
    key, sep, values = spec.partition("=")
    key = key.strip()
    if not sep or not key or not values.strip():
        raise _bad(tr(f"“{spec}”：应写成 KEY=V1,V2,...，例如 units.fire1.count=2,3",
                      f"{spec!r}: expected KEY=V1,V2,..., e.g. units.fire1.count=2,3"))
    if not all(key.split(".")):
        raise _bad(tr(f"“{key}”：键的各段不能为空", f"{key!r}: empty part in the key"))
    out = []
    for token in values.split(","):
        try:
            op, v = parse_value(token)
        except (ValueError, yaml.YAMLError) as e:
            raise _bad(f"{spec}: {e}") from None
        out.append(Change(key, op, v, token.strip()))
    if len({c.text for c in out}) < len(out):
        raise _bad(tr(f"{spec}：取值重复", f"{spec}: a value is given twice"))
    return out


def build_variants(specs: list[str], data: dict[str, Any], file: str, base_dir: Path,
                   positions: dict | None = None, plans: Sequence[Plan] = ()) -> list[Variant]:
    """Every named plan (``--variants``) crossed with every combination of the ``--vary``
    values, each applied to a copy of ``data`` and validated.

    ``data`` and ``positions`` are what :func:`~drillsim.scenario.validate.check_text` gave
    for the scenario file, so a variant's problem points at the line of the value it changed."""
    groups = [parse_vary(s) for s in specs]
    keys = [g[0].key for g in groups]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise _bad(tr(f"键 {sorted(dup)[0]} 出现在多个 --vary 中；把取值写在同一个里",
                      f"key {sorted(dup)[0]} is varied twice; put its values in one --vary"))
    both = sorted({c.key for p in plans for c in p.changes} & set(keys))
    if both:
        raise _bad(tr(f"键 {both[0]} 既在 --variants 文件中又在 --vary 中；只在一处改它",
                      f"key {both[0]} is set in the --variants file and varied by --vary; change it in one place"))
    variants = []
    for i, (plan, *combo) in enumerate(itertools.product(list(plans) or [None], *groups)):
        changes = (tuple(plan.changes) if plan else ()) + tuple(combo)
        doc = copy.deepcopy(data)
        extras: dict[str, dict[str, Any]] = {}
        for k, ch in enumerate(changes):
            try:
                apply_change(doc, ch, base_dir, extras)
            except InputError as e:
                if plan is None or k >= len(plan.changes):
                    raise
                line, col = plan.where[k]  # a key from the --variants file: point at its line
                raise InputError([Problem(plan.file, line, col, p.message) for p in e.problems]) from None
        v = Variant(i, changes, doc, plan.text if plan else None, len(plan.changes) if plan else 0)
        _, _, problems = check_data(doc, file, base_dir, dict(positions or {}))
        if problems:
            label = "; ".join(c.label for c in changes)
            if v.name:
                label = f"{pick(v.name)}: {label}"
            raise InputError([Problem(p.file, p.line, p.col,
                                      tr(f"变体 [{label}]：{p.message}", f"variant [{label}]: {p.message}"))
                              for p in problems])
        _restore_map_extras(doc, extras)
        variants.append(v)
    return variants


# ---------------------------------------------------------------- paths


def apply_change(doc: dict[str, Any], ch: Change, base_dir: Path,
                 extras: dict[str, dict[str, Any]] | None = None) -> None:
    """Apply one change in place; ``extras`` collects map-only fields of places copied from the map."""
    parts = ch.key.split(".")
    parent, last = _resolve(doc, parts, ch.key, base_dir, {} if extras is None else extras)
    if isinstance(parent, list):
        idx = _list_index(parent, last, ch.key, parts[:-1])
        old = parent[idx]
    elif last in parent:
        old = parent[last]
    elif parts[-2:-1] == ["stock"]:
        old = 0  # a depot may be given an item it does not hold yet
    elif parts[0] == "units" and len(parts) == 3 and last == "count":
        old = 1
    else:
        raise _bad(_unknown(ch.key, parts[:-1], last, list(parent)))
    if isinstance(old, (dict, list)):
        raise _bad(tr(f"{ch.key} 是一组设置，不是单个数值；请写到其中一项，例如 {ch.key}.{_first(old)}",
                      f"{ch.key} is a section, not a single value; vary one of its entries, "
                      f"e.g. {ch.key}.{_first(old)}"))
    new = _new_value(old, ch)
    if isinstance(parent, list):
        parent[idx] = new
    elif parts[0] == "units" and len(parts) == 3 and last == "count" and _more_units(doc, parent, old, new):
        return
    else:
        parent[last] = new


EXTRA = "_extra"


def _more_units(doc: dict[str, Any], entry: dict[str, Any], old: Any, new: Any) -> bool:
    """More units of an entry: a copy of the entry with id ``ID_extra`` holds the added ones.

    The loader names the units of an entry ``ID`` (count 1) or ``ID-1`` .. ``ID-n``, so
    raising the count itself would rename a single unit (``quake`` -> ``quake-1``) and
    orders and seats naming it would no longer find it; the copy keeps every id."""
    if not (isinstance(old, int) and isinstance(new, int) and not isinstance(new, bool) and new > old):
        return False
    extra = copy.deepcopy(entry)
    extra["id"] = f"{entry['id']}{EXTRA}"
    extra["count"] = new - old
    units = doc["units"]
    units.insert(units.index(entry) + 1, extra)
    return True


def _first(v: Any) -> str:
    if isinstance(v, dict):
        return str(next(iter(v), "..."))
    return str(v[0]["id"]) if v and isinstance(v[0], dict) and "id" in v[0] else "0"


def _new_value(old: Any, ch: Change) -> Any:
    if ch.op == "set":
        return ch.value
    if isinstance(old, bool) or not isinstance(old, (int, float)):
        raise _bad(tr(f"{ch.label}：{ch.key} 的值 {old!r} 不是数值，不能用 +/-/x",
                      f"{ch.label}: {ch.key} is {old!r}, not a number; +/-/x need a number"))
    new = old + ch.value if ch.op == "add" else old * ch.value
    if isinstance(old, int) and float(new).is_integer():
        return int(new)
    return round(new, 9)


def _resolve(doc: dict[str, Any], parts: list[str], key: str, base_dir: Path,
             extras: dict[str, dict[str, Any]]) -> tuple[Any, str]:
    """The container holding the last part of ``parts`` (a dict or a list)."""
    node: Any = doc
    i = 0
    if parts[0] == "places" and len(parts) > 2 and parts[1] not in PLACE_SECTIONS:
        node = _place(doc, parts[1], key, base_dir, extras)
        i = 2
    for j in range(i, len(parts) - 1):
        p = parts[j]
        if isinstance(node, dict):
            if p not in node:
                raise _bad(_unknown(key, parts[:j], p, list(node)))
            node = node[p]
        elif isinstance(node, list):
            node = node[_list_index(node, p, key, parts[:j])]
        else:
            raise _bad(tr(f"{key}：{'.'.join(parts[:j])} 是单个值，下面没有 {p}",
                          f"{key}: {'.'.join(parts[:j])} is a single value, it has no {p!r}"))
    if not isinstance(node, (dict, list)):
        raise _bad(tr(f"{key}：{'.'.join(parts[:-1])} 是单个值，下面没有 {parts[-1]}",
                      f"{key}: {'.'.join(parts[:-1])} is a single value, it has no {parts[-1]!r}"))
    return node, parts[-1]


def _list_index(items: list[Any], part: str, key: str, at: list[str]) -> int:
    ids = [str(x.get("id")) for x in items if isinstance(x, dict) and "id" in x]
    for k, x in enumerate(items):
        if isinstance(x, dict) and str(x.get("id")) == part:
            return k
    if part.isdigit() and int(part) < len(items):
        return int(part)
    raise _bad(_unknown(key, at, part, ids, what=tr("编号", "id")))


def _unknown(key: str, at: list[str], part: str, candidates: list[Any], what: str = "") -> str:
    where = ".".join(at) or tr("想定", "the scenario")
    close = difflib.get_close_matches(part, [str(c) for c in candidates], n=1, cutoff=0.6)
    hint = tr(f"；是否想写 “{close[0]}”？", f"; did you mean {close[0]!r}?") if close else ""
    listed = ", ".join(map(str, candidates[:12])) + (" ..." if len(candidates) > 12 else "")
    what = what or tr("键", "key")
    return tr(f"{key}：{where} 下没有{what} “{part}”{hint}（可选：{listed}）",
              f"{key}: no {what} {part!r} in {where}{hint} (there: {listed})")


def _place(doc: dict[str, Any], pid: str, key: str, base_dir: Path,
           extras: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The scenario's place ``pid``; a map place is copied into the scenario's places first.

    Fields the scenario format does not have (the map's ``role``, ``town``, ...) are
    kept aside in ``extras`` while the variant is validated, then put back, so the
    copy behaves exactly like the map place it replaces."""
    places = doc.setdefault("places", {})
    for section in PLACE_SECTIONS:
        for p in places.get(section) or []:
            if isinstance(p, dict) and str(p.get("id")) == pid:
                return p
    map_places = build_map_spec(doc, base_dir).load().places
    for p in map_places:
        if str(p.get("id")) == pid:
            section = _SECTION_OF_KIND[p["kind"]]
            known = _place_keys(section)
            rec = copy.deepcopy({k: v for k, v in p.items() if k in known})
            extras[pid] = copy.deepcopy({k: v for k, v in p.items() if k not in known and k != "kind"})
            places.setdefault(section, []).append(rec)
            return rec
    ids = [str(p.get("id")) for s in PLACE_SECTIONS for p in places.get(s) or [] if isinstance(p, dict)]
    ids += [str(p.get("id")) for p in map_places]
    raise _bad(_unknown(key, ["places"], pid, ids, what=tr("地点", "place")))


def _place_keys(section: str) -> set[str]:
    props = schema()["properties"]["places"]["properties"][section]["items"].get("properties") or {}
    return set(props)


def _restore_map_extras(doc: dict[str, Any], extras: dict[str, dict[str, Any]]) -> None:
    for section in PLACE_SECTIONS:
        for p in (doc.get("places") or {}).get(section) or []:
            if isinstance(p, dict) and str(p.get("id")) in extras:
                p.update(extras[str(p["id"])])
