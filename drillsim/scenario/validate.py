"""Scenario checks: syntax, schema, units of measure, ranges and references.

:func:`check_text` runs every check on one scenario text and returns
``(data, positions, problems)``: the data normalised for :func:`loader.build`
(string keys, date-times as ISO text, quantities with units converted to the
unit the field name says), the position of every key and value, and every
problem found as ``FILE:LINE:COL: message``. It never raises on bad input.

Passes, in order (each skips what an earlier one rejected):

1. syntax: YAML parse errors, duplicate keys, not a mapping;
2. units of measure (:mod:`units_of_measure`): ``duration_min: "72 h"`` -> 4320;
3. schema: ``resources/scenario.schema.json`` (JSON Schema draft 2020-12), plus
   ``resources/schemas/hazard-<type>.json`` for a hazard's own fields when present;
4. meaning: map loads, ids unique, references exist (places, supplies, roads,
   communities, unit types, seats), points inside the map, times within the drill.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from drillsim.core.errors import InputError, Problem
from drillsim.core.paths import resources
from drillsim.scenario import catalog, yamlpos
from drillsim.scenario.model import (
    INJECT_EFFECTS,
    INJECT_KEYS,
    NEED_KINDS,
    ORDER_OPS,
    PLACE_SECTIONS,
    SEAT_KEYS,
)
from drillsim.scenario.units_of_measure import UnitError, convert, field_unit

Path_ = tuple[Any, ...]

MAP_MARGIN_M = 1000.0
"""Points may lie this far outside the map's road network bounds."""
DEFAULT_DURATION_MIN = 1440.0


def schema_path() -> Path:
    return resources("scenario.schema.json")


@cache
def schema() -> dict[str, Any]:
    with open(schema_path(), encoding="utf-8") as f:
        return json.load(f)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


@cache
def _hazard_validator(htype: str) -> Draft202012Validator | None:
    """Validator for resources/schemas/hazard-<type>.json, or None if there is no such file."""
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", htype):
        return None
    p = resources("schemas", f"hazard-{htype}.json")
    if not p.is_file():
        return None
    with open(p, encoding="utf-8") as f:
        s = json.load(f)
    Draft202012Validator.check_schema(s)
    return Draft202012Validator(s)


# ---------------------------------------------------------------- helpers


class _Report:
    def __init__(self, file: str, positions: dict[Path_, tuple[int, int]]) -> None:
        self.file = file
        self.positions = positions
        self.problems: list[Problem] = []
        self.bad: set[Path_] = set()
        """Paths already reported (schema or unit errors): later passes skip them."""

    def add(self, path: Path_, message: str, key: bool = False) -> None:
        line, col = yamlpos.position(self.positions, tuple(path), key=key)
        self.problems.append(Problem(self.file, line, col, message))

    def is_bad(self, path: Path_) -> bool:
        path = tuple(path)
        return any(path[:i] in self.bad for i in range(len(path), 0, -1))


def where(path: Path_) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "scenario"


def did_you_mean(word: Any, candidates: Any) -> str:
    cands = [str(c) for c in candidates]
    w = str(word)
    close = difflib.get_close_matches(w, cands, n=1, cutoff=0.6)
    if not close:
        low = {c.lower(): c for c in cands}
        close = difflib.get_close_matches(w.lower(), list(low), n=1, cutoff=0.6)
        close = [low[c] for c in close]
    return f"; did you mean {close[0]!r}?" if close else ""


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_point(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(_is_num(x) for x in v)


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    v = data.get(key) if isinstance(data, dict) else None
    if not isinstance(v, list):
        return []
    return [(i, x) for i, x in enumerate(v) if isinstance(x, dict)]


def _found(v: Any) -> str:
    if v is None:
        return "nothing (an empty value)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return f"the number {v}"
    if isinstance(v, str):
        s = v if len(v) <= 40 else v[:37] + "..."
        return f"the text {s!r}"
    if isinstance(v, list):
        return f"a list of {len(v)}" if v else "an empty list"
    if isinstance(v, dict):
        return "a mapping"
    return f"a value of type {type(v).__name__}"


_TYPE_WORD = {
    "number": "a number", "integer": "a whole number", "string": "a text",
    "object": "a mapping (key: value)", "array": "a list", "boolean": "true or false",
    "null": "nothing",
}


# ---------------------------------------------------------------- pass 1: syntax


def _parse(src: str, file: str) -> tuple[Any, dict[Path_, tuple[int, int]], list[Problem]]:
    try:
        data, positions = yamlpos.parse(src)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = e.problem or e.context or str(e)
        if e.context and e.problem and e.context not in msg:
            msg = f"{msg} ({e.context})"
        if "merge" in msg:
            msg = "YAML merge keys ('<<') are not supported; write the keys out"
        return None, {}, [Problem(file, line, col, f"YAML syntax error: {msg}")]
    except yaml.YAMLError as e:
        return None, {}, [Problem(file, 1, 1, f"YAML syntax error: {e}")]
    except RecursionError:
        return None, {}, [Problem(file, 1, 1, "YAML nested too deeply (or a recursive alias)")]
    except (ValueError, TypeError, OverflowError) as e:
        line, col, value = _locate_bad_scalar(src)
        what = f" {value!r}" if value else ""
        return None, {}, [Problem(file, line, col, f"cannot read the value{what}: {e}")]
    return data, positions, []


def _walk_nodes(root: yaml.Node):
    stack = [root]
    seen: set[int] = set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        if isinstance(n, yaml.MappingNode):
            for k, v in reversed(n.value):
                stack.extend([v, k])
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(reversed(n.value))


def _locate_bad_scalar(src: str) -> tuple[int, int, str]:
    """Find the first scalar PyYAML cannot construct (e.g. a date 2026-13-45)."""
    try:
        root = yaml.compose(src, Loader=yaml.SafeLoader)
        loader = yaml.SafeLoader("")
        for n in _walk_nodes(root) if root is not None else []:
            if isinstance(n, yaml.ScalarNode):
                try:
                    loader.construct_object(n, deep=True)
                except Exception:
                    return n.start_mark.line + 1, n.start_mark.column + 1, str(n.value)
    except Exception:
        pass
    return 1, 1, ""


def _duplicate_keys(src: str, file: str) -> list[Problem]:
    try:
        root = yaml.compose(src, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:
        return []
    out = []
    for n in _walk_nodes(root) if root is not None else []:
        if isinstance(n, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, _ in n.value:
                if not isinstance(k, yaml.ScalarNode):
                    continue
                if k.value in seen:
                    out.append(Problem(file, k.start_mark.line + 1, k.start_mark.column + 1,
                                       f"duplicate key {k.value!r}; it is already given on line {seen[k.value]}"))
                else:
                    seen[k.value] = k.start_mark.line + 1
    return out


def _key_str(k: Any) -> str:
    if isinstance(k, bool):
        return "true" if k else "false"
    if k is None:
        return "null"
    if isinstance(k, (datetime, date)):
        return k.isoformat()
    return str(k)


def _normalise(v: Any, old: Path_, new: Path_, pos: dict, out: dict) -> Any:
    """String keys, ISO text for date-times; positions re-keyed to the new paths."""
    if old in pos:
        out[new] = pos[old]
    if isinstance(v, dict):
        res: dict[str, Any] = {}
        for k, x in v.items():
            nk = k if isinstance(k, str) else _key_str(k)
            kp = pos.get(old + (("key", k),))
            if kp is not None:
                out[new + (("key", nk),)] = kp
            res[nk] = _normalise(x, old + (k,), new + (nk,), pos, out)
        return res
    if isinstance(v, list):
        return [_normalise(x, old + (i,), new + (i,), pos, out) for i, x in enumerate(v)]
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, (date, time)):
        return v.isoformat()
    return v


# ---------------------------------------------------------------- pass 2: units of measure


def _convert_units(data: Any, rep: _Report) -> None:
    stack: list[tuple[Any, Path_]] = [(data, ())]
    while stack:
        v, path = stack.pop()
        if isinstance(v, dict):
            for k, x in v.items():
                p = path + (k,)
                fu = field_unit(k)
                if fu is not None and (isinstance(x, str) or (isinstance(x, float) and not math.isfinite(x))):
                    if k == "start_min" and x == "triggered" and len(path) >= 1 and path[0] == "hazards":
                        continue
                    try:
                        v[k] = convert(k, x, fu)
                    except UnitError as e:
                        rep.add(p, f"{where(p[:-1]) + '.' if p[:-1] else ''}{e}")
                        rep.bad.add(p)
                elif isinstance(x, float) and not math.isfinite(x):
                    rep.add(p, f"{where(p)}: {x} is not a finite number")
                    rep.bad.add(p)
                else:
                    stack.append((x, p))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                if isinstance(x, float) and not math.isfinite(x):
                    rep.add(path + (i,), f"{where(path + (i,))}: {x} is not a finite number")
                    rep.bad.add(path + (i,))
                else:
                    stack.append((x, path + (i,)))


# ---------------------------------------------------------------- pass 3: schema


def _schema_errors(validator: Draft202012Validator, instance: Any, prefix: Path_, rep: _Report) -> None:
    done_required: set[Path_] = set()
    for e in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        _say(e, prefix, rep, done_required)


def _say(e: ValidationError, prefix: Path_, rep: _Report, done_required: set[Path_]) -> None:
    path = prefix + tuple(e.absolute_path)
    if rep.is_bad(path):
        return
    v, inst, sch = e.validator, e.instance, e.schema if isinstance(e.schema, dict) else {}
    w = where(path)
    if v == "additionalProperties" and isinstance(inst, dict):
        props = sch.get("properties", {})
        pats = sch.get("patternProperties", {})
        extras = [k for k in inst if k not in props and not any(re.search(p, str(k)) for p in pats)
                  and not rep.is_bad(path + (k,))]  # said already (a hazard type's schema after the main one)
        unused = [p for p in props if p not in inst] or list(props)
        for k in extras:
            if k == "<<":
                msg = f"{w}: YAML merge keys ('<<') are not supported; write the keys out"
            else:
                hint = did_you_mean(k, unused) or f"; known keys: {', '.join(props)}"
                if inst[k] is None and not did_you_mean(k, unused):
                    hint += ("; if this is part of a text, quote it: a comma inside {...} "
                             "starts a new key (en: \"Lanxi, Yunzhou\")")
                msg = f"{w + ': ' if path else ''}unknown key {k!r}{hint}"
            rep.add(path + (k,), msg, key=True)
            rep.bad.add(path + (k,))
        return
    if v == "required" and isinstance(inst, dict):
        if path in done_required:
            return
        done_required.add(path)
        props = sch.get("properties", {})
        extras = [str(k) for k in inst if k not in props]
        for k in e.validator_value:
            if k in inst:
                continue
            if difflib.get_close_matches(k, extras, n=1, cutoff=0.6):
                continue  # reported as a misspelt key already
            what = "section" if not path else "key"
            rep.add(path, f"{w + ': ' if path else ''}missing required {what} {k!r}", key=True)
        return
    rep.bad.add(path)
    if v == "type":
        types = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
        if set(types) == {"number", "string"} and "pattern" in sch:
            words = "a number (or a quantity with a unit, such as '2 h')"
        else:
            words = " or ".join(_TYPE_WORD.get(t, t) for t in types)
        if path and path[-1] == "at" and "array" in types:
            words = "a point [x, y] in map metres"
        rep.add(path, f"{w}: expected {words}, found {_found(inst)}")
    elif v in ("enum", "const"):
        allowed = e.validator_value if v == "enum" else [e.validator_value]
        if path == ("version",):
            rep.add(path, f"version: {inst!r} is not a format version this DrillSim reads; use version: 1")
        else:
            rep.add(path, f"{w}: {inst!r} is not one of {', '.join(map(str, allowed))}"
                          f"{did_you_mean(inst, allowed)}")
    elif v == "minimum":
        rep.add(path, f"{w}: must be at least {e.validator_value} (found {inst})")
    elif v == "exclusiveMinimum":
        rep.add(path, f"{w}: must be more than {e.validator_value} (found {inst})")
    elif v == "maximum":
        rep.add(path, f"{w}: must be at most {e.validator_value} (found {inst})")
    elif v == "exclusiveMaximum":
        rep.add(path, f"{w}: must be less than {e.validator_value} (found {inst})")
    elif v in ("minItems", "maxItems"):
        if sch.get("minItems") == 2 and sch.get("maxItems") == 2:
            rep.add(path, f"{w}: expected a point [x, y] in map metres, found {_found(inst)}")
        elif v == "minItems":
            rep.add(path, f"{w}: needs at least {e.validator_value} items (found {len(inst)})")
        else:
            rep.add(path, f"{w}: allows at most {e.validator_value} items (found {len(inst)})")
    elif v == "minProperties":
        props = list(sch.get("properties", {}))
        rep.add(path, f"{w}: must not be empty" + (f"; give at least one of {', '.join(props)}" if props else ""))
    elif v == "maxProperties":
        props = list(sch.get("properties", {}))
        rep.add(path, f"{w}: give only one of {', '.join(props)}" if props
                else f"{w}: allows at most {e.validator_value} entries")
    elif v == "minLength":
        rep.add(path, f"{w}: must not be empty")
    elif v == "pattern":
        if e.validator_value == r"^\S+$":
            rep.add(path, f"{w}: ids must not contain spaces ({inst!r})")
        elif path and path[-1] == "start":
            rep.add(path, f"{w}: {inst!r} is not a date-time; write it as '2026-06-12T14:28:00'")
        else:
            rep.add(path, f"{w}: {inst!r} is not in the expected form")
    elif v == "uniqueItems":
        rep.add(path, f"{w}: lists the same item twice")
    elif v in ("anyOf", "oneOf"):
        ctx = list(e.context or [])
        deep = [c for c in ctx if not (not c.relative_path and c.validator in ("type", "const", "enum", "pattern"))]
        if deep:
            branch = deep[0].schema_path[0] if deep[0].schema_path else None
            rep.bad.discard(path)
            for c in deep:
                if not c.schema_path or c.schema_path[0] == branch:
                    _say(c, prefix, rep, done_required)
            rep.bad.add(path)
            return
        words: list[str] = []
        for c in ctx:
            if c.validator == "type":
                ts = c.validator_value if isinstance(c.validator_value, list) else [c.validator_value]
                for t in ts:
                    word = _TYPE_WORD.get(t, t)
                    if t == "object" and "zh" in (c.schema.get("properties") or {}):
                        word = "{zh: ..., en: ...}"
                    if word not in words:
                        words.append(word)
            elif c.validator == "const":
                words.append(repr(c.validator_value))
        rep.add(path, f"{w}: expected {' or '.join(words) or 'another kind of value'}, found {_found(inst)}")
    else:
        rep.add(path, f"{w}: {e.message}")


# ---------------------------------------------------------------- pass 4: meaning

_map_cache: dict[tuple, Any] = {}


def cached_map(spec: Any):
    """The map a scenario's ``map`` section names (a :class:`~drillsim.scenario.model.MapSpec`), from the
    cache that validation fills: reading names from it costs nothing after the scenario was loaded."""
    return _load_map(spec.builtin, spec.graphml, spec.dir)


def _load_map(builtin: str | None, graphml: Path | None, folder: Path | None = None):
    from drillsim.scenario.maps import load_map

    source = folder / "roads.graphml" if folder is not None else graphml
    if source is None:
        return load_map(builtin=builtin)
    st = source.stat() if source.exists() else None
    key = (str(source.resolve()), st.st_mtime_ns if st else 0, st.st_size if st else 0, folder is not None)
    if key not in _map_cache:
        if len(_map_cache) > 16:
            _map_cache.clear()
        _map_cache[key] = load_map(graphml=graphml, folder=folder)
    return _map_cache[key]


class _Meaning:
    def __init__(self, data: dict[str, Any], rep: _Report, base_dir: Path) -> None:
        self.d = data
        self.rep = rep
        self.base_dir = base_dir
        self.map = None
        self.map_ok = False
        self.bounds: tuple[float, float, float, float] | None = None
        self.roads: set[str] = set()
        self.places: dict[str, str] = {}
        """place id -> kind (map places, then scenario places replacing them)."""
        self.population: dict[str, int] = {}
        self.supplies: set[str] = set()
        self.duration = DEFAULT_DURATION_MIN

    def add(self, path: Path_, msg: str, key: bool = False) -> None:
        self.rep.add(path, msg, key)

    def ok(self, path: Path_) -> bool:
        return not self.rep.is_bad(path)

    def run(self) -> None:
        self.check_meta()
        self.check_map()
        self.check_supplies()
        self.check_places()
        self.check_units()
        self.check_incidents()
        self.check_hazards()
        self.check_exercise()
        self.check_initial()

    # -- meta and map

    def check_meta(self) -> None:
        m = self.d.get("meta")
        if not isinstance(m, dict):
            return
        if _is_num(m.get("duration_min")) and self.ok(("meta", "duration_min")):
            self.duration = float(m["duration_min"])
        s = m.get("start")
        if isinstance(s, str) and self.ok(("meta", "start")):
            try:
                datetime.fromisoformat(s)
            except ValueError as e:
                self.add(("meta", "start"), f"meta.start: {s!r} is not a valid date-time ({e})")

    def check_map(self) -> None:
        mp = self.d.get("map")
        builtin: str | None = "lanxi"
        graphml: Path | None = None
        folder: Path | None = None
        if mp is not None:
            if not isinstance(mp, dict) or not self.ok(("map",)):
                return
            if any(self.rep.is_bad(("map", k)) for k in ("graphml", "builtin", "dir")):
                return
            if isinstance(mp.get("dir"), str) and mp["dir"]:
                folder = self.base_dir / mp["dir"]
                builtin = None
            elif isinstance(mp.get("graphml"), str) and mp["graphml"]:
                graphml = self.base_dir / mp["graphml"]
                builtin = None
            elif isinstance(mp.get("builtin"), str):
                builtin = mp["builtin"]
        try:
            self.map = _load_map(builtin, graphml, folder)
        except InputError as e:
            msg = "; ".join(p.message for p in e.problems)
            src = f"{folder or graphml}" if folder or graphml else f"built-in map {builtin!r}"
            self.add(("map",), f"map: cannot load {src}: {msg}", key=True)
            return
        except Exception as e:  # a broken map module or file must not crash validation
            src = f"{folder or graphml}" if folder or graphml else f"built-in map {builtin!r}"
            self.add(("map",), f"map: cannot load {src}: {type(e).__name__}: {e}", key=True)
            return
        self.map_ok = True
        try:
            self.bounds = self.map.bounds
        except Exception:
            self.bounds = None
        for _, _, ed in self.map.graph.edges(data=True):
            if ed.get("id") is not None:
                self.roads.add(str(ed["id"]))
        for p in self.map.places or []:
            if isinstance(p, dict) and p.get("id") is not None:
                pid = str(p["id"])
                self.places[pid] = str(p.get("kind", ""))
                if isinstance(p.get("population"), (int, float)):
                    self.population[pid] = int(p["population"])

    def check_point(self, path: Path_, v: Any) -> None:
        if not _is_point(v) or not self.ok(path) or self.bounds is None:
            return
        x0, y0, x1, y1 = self.bounds
        x, y = v
        m = MAP_MARGIN_M
        if not (x0 - m <= x <= x1 + m and y0 - m <= y <= y1 + m):
            self.add(path, f"{where(path)}: point [{x:g}, {y:g}] is outside the map "
                           f"(x {x0:.0f}..{x1:.0f}, y {y0:.0f}..{y1:.0f} m, plus a 1 km margin)")

    def check_time(self, path: Path_, v: Any) -> None:
        if _is_num(v) and self.ok(path) and v > self.duration:
            self.add(path, f"{where(path)}: {v:g} min is after the end of the drill "
                           f"(meta.duration_min {self.duration:g})")

    def check_unique(self, seen: dict[str, Path_], path: Path_, ident: Any, what: str) -> None:
        if not isinstance(ident, str):
            return
        if ident in seen:
            line = yamlpos.position(self.rep.positions, seen[ident])[0]
            self.add(path, f"{where(path)}: duplicate {what} id {ident!r} (already used on line {line})")
        else:
            seen[ident] = path

    def check_supply(self, path: Path_, sid: Any, key: bool = False) -> None:
        if isinstance(sid, str) and self.ok(path) and sid not in self.supplies:
            self.add(path, f"{where(path)}: unknown supply {sid!r}{did_you_mean(sid, self.supplies)}"
                           f" (the catalogue is resources/data/supplies.yaml plus the scenario's supplies)",
                     key=key)

    def check_place_ref(self, path: Path_, pid: Any, what: str = "place") -> str | None:
        """Check a place reference; return its kind if found."""
        if not isinstance(pid, str) or not self.ok(path):
            return None
        if pid in self.places:
            return self.places[pid]
        if not self.map_ok:
            return None  # the map failed to load (reported); can't tell
        cands = [k for k, v in self.places.items() if v == what] if what != "place" else self.places
        self.add(path, f"{where(path)}: unknown {what} {pid!r}{did_you_mean(pid, cands)}")
        return None

    # -- sections

    def check_supplies(self) -> None:
        try:
            self.supplies = set(map(str, (catalog.load_data("supplies") or {})))
        except Exception:
            self.supplies = set()
        seen: dict[str, Path_] = {}
        for i, s in _items(self.d, "supplies"):
            self.check_unique(seen, ("supplies", i, "id"), s.get("id"), "supply")
            if isinstance(s.get("id"), str):
                self.supplies.add(s["id"])

    def check_places(self) -> None:
        places = self.d.get("places")
        if not isinstance(places, dict):
            return
        seen: dict[str, Path_] = {}
        for section, kind in PLACE_SECTIONS.items():
            for i, p in _items(places, section):
                base = ("places", section, i)
                pid = p.get("id")
                self.check_unique(seen, base + ("id",), pid, "place")
                if isinstance(pid, str):
                    self.places[pid] = kind
                    if isinstance(p.get("population"), int):
                        self.population[pid] = p["population"]
                self.check_point(base + ("at",), p.get("at"))
                poly = p.get("polygon")
                if isinstance(poly, list):
                    for j, q in enumerate(poly):
                        self.check_point(base + ("polygon", j), q)
                if isinstance(p.get("stock"), dict):
                    for sid in p["stock"]:
                        self.check_supply(base + ("stock", sid), sid, key=True)
                for key in ("contracts", "production"):
                    for j, c in _items(p, key):
                        self.check_supply(base + (key, j, "item"), c.get("item"))
                crest, normal = p.get("crest_elevation_m"), p.get("normal_level_m")
                if _is_num(crest) and _is_num(normal) and normal > crest and self.ok(base + ("normal_level_m",)):
                    self.add(base + ("normal_level_m",), f"{where(base)}.normal_level_m: {normal:g} m is above "
                                                         f"the dam crest (crest_elevation_m {crest:g} m)")

    def check_units(self) -> None:
        types = catalog.unit_types()
        type_names = list(types) + [t["name"]["zh"] for t in types.values() if isinstance(t, dict)]
        seats = [s.get("id") for _, s in _items(self.d, "seats") if isinstance(s.get("id"), str)]
        owners = set(seats) | {k for k, v in self.places.items() if v == "command_post"}
        seen: dict[str, Path_] = {}
        for i, u in _items(self.d, "units"):
            base = ("units", i)
            uid = u.get("id")
            count = u.get("count", 1)
            if isinstance(uid, str):
                if isinstance(count, int) and not isinstance(count, bool) and count > 1 and self.ok(base + ("count",)):
                    for k in range(1, count + 1):
                        self.check_unique(seen, base + ("id",), f"{uid}-{k}", "unit")
                else:
                    self.check_unique(seen, base + ("id",), uid, "unit")
            t = u.get("type")
            if isinstance(t, str) and self.ok(base + ("type",)) and catalog.unit_type_id(t) is None:
                self.add(base + ("type",), f"{where(base + ('type',))}: unknown unit type {t!r}"
                                           f"{did_you_mean(t, type_names)} (see resources/data/unit_types.yaml)")
            self.check_place_ref(base + ("base",), u.get("base"))
            owner = u.get("owner")
            if seats and isinstance(owner, str) and owner and owner not in owners and self.ok(base + ("owner",)):
                self.add(base + ("owner",), f"{where(base + ('owner',))}: {owner!r} is not a seat id"
                                            f"{did_you_mean(owner, owners)}")

    def check_incidents(self) -> None:
        seen: dict[str, Path_] = {}
        for i, inc in _items(self.d, "incidents"):
            base = ("incidents", i)
            self.check_unique(seen, base + ("id",), inc.get("id"), "incident")
            has_at, has_place = "at" in inc, "place" in inc
            if has_at and has_place:
                self.add(base + ("place",), f"{where(base)}: give either 'at' or 'place', not both", key=True)
            elif not has_at and not has_place:
                self.add(base, f"{where(base)}: give a location: 'at: [x, y]' or 'place: <place id>'")
            self.check_point(base + ("at",), inc.get("at"))
            self.check_place_ref(base + ("place",), inc.get("place"))
            self.check_time(base + ("start_min",), inc.get("start_min"))
            needs = inc.get("needs")
            if not isinstance(needs, dict) or not self.ok(base + ("needs",)):
                continue
            nb = base + ("needs",)
            if isinstance(needs.get("deliver"), dict):
                for sid in needs["deliver"]:
                    self.check_supply(nb + ("deliver", sid), sid, key=True)
            road = needs.get("clear_road")
            if isinstance(road, str) and self.ok(nb + ("clear_road",)) and self.map_ok and road not in self.roads:
                self.add(nb + ("clear_road",), f"{where(nb + ('clear_road',))}: unknown road id {road!r}"
                                               f"{did_you_mean(road, self.roads)}")
            sh = needs.get("shelter")
            if isinstance(sh, dict) and self.ok(nb + ("shelter",)):
                kind = self.check_place_ref(nb + ("shelter", "community"), sh.get("community"), "community")
                if kind is not None and kind != "community":
                    p = nb + ("shelter", "community")
                    self.add(p, f"{where(p)}: {sh.get('community')!r} is a {kind.replace('_', ' ')}, not a community")
            ev = needs.get("evacuate")
            ep = nb + ("evacuate",)
            people = None
            if isinstance(ev, dict):
                people = ev.get("people")
                ev = ev.get("community")
                ep = ep + ("community",)
            kind = self.check_place_ref(ep, ev, "community")
            if kind is not None and kind != "community":
                self.add(ep, f"{where(ep)}: {ev!r} is a {kind.replace('_', ' ')}, not a community")
            elif kind == "community" and isinstance(people, int) and self.population.get(ev, 0) > 0:
                pop = self.population[ev]
                if people > pop:
                    self.add(nb + ("evacuate", "people"), f"{where(nb + ('evacuate', 'people'))}: {people} is "
                                                          f"more than the population of {ev!r} ({pop})")

    def check_hazards(self) -> None:
        seen: dict[str, Path_] = {}
        for i, h in _items(self.d, "hazards"):
            base = ("hazards", i)
            self.check_unique(seen, base + ("id",), h.get("id"), "hazard")
            self.check_point(base + ("at",), h.get("at"))
            self.check_time(base + ("start_min",), h.get("start_min"))
            t = h.get("type")
            if not isinstance(t, str) or not self.ok(base + ("type",)):
                continue
            try:
                val = _hazard_validator(t)
            except Exception as e:
                self.add(base + ("type",), f"{where(base + ('type',))}: the schema file "
                                           f"resources/schemas/hazard-{t}.json is broken ({type(e).__name__}: {e})")
                continue
            if val is not None:
                _schema_errors(val, {k: v for k, v in h.items() if k != "trigger"}, base, self.rep)
            if t == "flood":
                self.check_flood_uncertainty(base, h)
        self.check_triggers(seen)

    def check_flood_uncertainty(self, base: Path_, h: dict[str, Any]) -> None:
        """A flood's forecast error must have a forecast to act on (a stage, an inflow, a rainfall)."""
        unc = h.get("uncertainty")
        p = base + ("uncertainty",)
        if not isinstance(unc, dict) or not self.ok(p):
            return
        rows = [r for r in h.get("hydrograph") or [] if isinstance(r, dict)]
        for key, needs, what in (("stage_sd_m", any("stage_m" in r for r in rows), "a hydrograph with stage_m"),
                                 ("inflow_cv", any("inflow_m3_s" in r for r in rows), "a hydrograph with inflow_m3_s"),
                                 ("rain_cv", isinstance(h.get("rainfall"), dict), "rainfall")):
            v = unc.get(key)
            if _is_num(v) and v > 0 and not needs and self.ok(p + (key,)):
                self.add(p + (key,), f"{where(p + (key,))}: this flood has no {what} for the error to act on")

    def check_triggers(self, hazard_ids: dict[str, Path_]) -> None:
        """Chain triggers (灾害链): the source hazard, the place and the condition."""
        for i, h in _items(self.d, "hazards"):
            trig = h.get("trigger")
            base = ("hazards", i, "trigger")
            if trig is None:
                continue
            if not isinstance(trig, dict):
                self.add(base, f"{where(base)}: a trigger is a mapping like "
                               "{by: eq1, place: plant_cl, field: intensity, '>=': 8}")
                continue
            if h.get("start_min") != "triggered":
                self.add(("hazards", i, "start_min"), f"{where(('hazards', i, 'start_min'))}: a hazard with a "
                                                      "trigger must have start_min: triggered")
            by = trig.get("by")
            if by not in hazard_ids:
                self.add(base + ("by",), f"{where(base + ('by',))}: unknown hazard {by!r}"
                                         f"{did_you_mean(str(by), list(hazard_ids))}")
            elif by == h.get("id"):
                self.add(base + ("by",), f"{where(base + ('by',))}: a hazard cannot trigger itself")
            if "place" in trig:
                self.check_place_ref(base + ("place",), trig.get("place"))
            elif "at" in trig:
                self.check_point(base + ("at",), trig.get("at"))
            else:
                self.add(base, f"{where(base)}: say where to watch: 'place: <id>' or 'at: [x, y]'")
            if not isinstance(trig.get("field"), str):
                self.add(base, f"{where(base)}: name the source field to watch, e.g. field: intensity")
            ops = [k for k in (">=", ">", "<=", "<") if k in trig]
            if not ops and not trig.get("reached"):
                self.add(base, f"{where(base)}: give a condition: '>=': N (or >, <=, <), or reached: true")
            for k in ops:
                if not isinstance(trig[k], (int, float)) or isinstance(trig[k], bool):
                    self.add(base + (k,), f"{where(base + (k,))}: threshold must be a number")

    def check_initial(self) -> None:
        init = self.d.get("initial")
        if not isinstance(init, dict) or not self.ok(("initial",)):
            return
        for k, sid in enumerate(init.get("open_shelters") or []):
            kind = self.check_place_ref(("initial", "open_shelters", k), sid, "shelter")
            if kind is not None and kind != "shelter":
                p = ("initial", "open_shelters", k)
                self.add(p, f"{where(p)}: {sid!r} is a {kind.replace('_', ' ')}, not a shelter")
        for k, road in enumerate(init.get("closed_roads") or []):
            p = ("initial", "closed_roads", k)
            if isinstance(road, str) and self.map_ok and road not in self.roads:
                self.add(p, f"{where(p)}: unknown road id {road!r}{did_you_mean(road, self.roads)}")

    def check_exercise(self) -> None:
        seats: dict[str, Path_] = {}
        for i, s in _items(self.d, "seats"):
            self.check_unique(seats, ("seats", i, "id"), s.get("id"), "seat")
            self.check_keys(("seats", i), s, SEAT_KEYS)
            for k in ("parent",):
                ids = {x.get("id") for _, x in _items(self.d, "seats") if isinstance(x.get("id"), str)}
                if isinstance(s.get(k), str) and s[k] not in ids:
                    self.add(("seats", i, k), f"{where(('seats', i, k))}: unknown seat {s[k]!r}"
                                              f"{did_you_mean(s[k], list(seats))}")
        hazards = {h.get("id") for _, h in _items(self.d, "hazards") if isinstance(h.get("id"), str)}
        seen: dict[str, Path_] = {}
        for i, inj in _items(self.d, "injects"):
            base = ("injects", i)
            self.check_unique(seen, base + ("id",), inj.get("id"), "inject")
            self.check_time(base + ("time_min",), inj.get("time_min"))
            self.check_keys(base, inj, INJECT_KEYS)
            if seats:
                for k in ("to",):
                    v = inj.get(k)
                    if isinstance(v, str) and v and v not in seats and v != "director":
                        self.add(base + (k,), f"{where(base + (k,))}: unknown seat {v!r}{did_you_mean(v, list(seats))}")
            exp = inj.get("expected_action", inj.get("expected"))
            if isinstance(exp, dict) and "op" in exp and exp["op"] not in ORDER_OPS:
                p = base + ("expected_action", "op")
                self.add(p, f"{where(p)}: unknown order {exp['op']!r}{did_you_mean(str(exp['op']), ORDER_OPS)}")
            eff = inj.get("effect")
            if isinstance(eff, dict):
                self.check_effect(base + ("effect",), eff, set(seats), hazards)

    def check_keys(self, path: Path_, d: dict, known: tuple[str, ...]) -> None:
        for k in d:
            if isinstance(k, str) and k not in known and not k.startswith(("x_", "x-")):
                hint = did_you_mean(k, known) or f"; known keys: {', '.join(known)}"
                self.add(path + (k,), f"{where(path)}: unknown key {k!r}{hint}", key=True)

    def check_effect(self, path: Path_, eff: dict, seats: set[str], hazards: set[Any]) -> None:
        """An inject's world change (情况导入的影响): keys and what they name must exist."""
        self.check_keys(path[:-1], {"effect": 1}, INJECT_KEYS)
        for key, value in eff.items():
            p = path + (key,)
            if key not in INJECT_EFFECTS:
                self.add(p, f"{where(path)}: unknown effect {key!r}{did_you_mean(str(key), INJECT_EFFECTS)}", key=True)
                continue
            values = value if isinstance(value, list) else [value]
            for j, v in enumerate(values):
                pj = p + (j,) if isinstance(value, list) else p
                if key in ("close_road", "open_road"):
                    if self.map_ok and isinstance(v, str) and v not in self.roads:
                        self.add(pj, f"{where(pj)}: unknown road id {v!r}{did_you_mean(v, self.roads)}")
                elif key in ("shelter_full", "close_shelter"):
                    kind = self.check_place_ref(pj, v, "shelter")
                    if kind is not None and kind != "shelter":
                        self.add(pj, f"{where(pj)}: {v!r} is a {kind.replace('_', ' ')}, not a shelter")
                elif key in ("start_hazard", "trigger_hazard"):
                    if v not in hazards:
                        self.add(pj, f"{where(pj)}: unknown hazard {v!r}{did_you_mean(str(v), [h for h in hazards if h])}")
                elif key in ("comms_down", "comms_up"):
                    if seats and v not in seats:
                        self.add(pj, f"{where(pj)}: unknown seat {v!r}{did_you_mean(str(v), list(seats))}")
                elif key == "incident":
                    if not isinstance(v, dict):
                        self.add(pj, f"{where(pj)}: an incident effect is a mapping like "
                                     "{id: x1, place: c12, needs: {rescue: 10}}")
                        continue
                    if "place" in v:
                        self.check_place_ref(pj + ("place",), v.get("place"))
                    elif "at" in v:
                        self.check_point(pj + ("at",), v.get("at"))
                    else:
                        self.add(pj, f"{where(pj)}: give the incident a location: place: <id> or at: [x, y]")
                    needs = v.get("needs")
                    if not isinstance(needs, dict) or not needs:
                        self.add(pj, f"{where(pj)}: the incident needs 'needs', e.g. {{rescue: 10, transport: 4}}")
                        continue
                    for nk in needs:
                        if nk not in NEED_KINDS:
                            self.add(pj + ("needs", nk), f"{where(pj + ('needs',))}: unknown need {nk!r}"
                                                         f"{did_you_mean(str(nk), NEED_KINDS)}", key=True)


# ---------------------------------------------------------------- entry point


def check_text(src: str, file: str, base_dir: Path) -> tuple[Any, dict, list[Problem]]:
    """Check one scenario text; return (normalised data, positions, problems)."""
    data, positions, problems = _parse(src, file)
    if problems:
        return None, positions, problems
    if data is None:
        return None, positions, [Problem(file, 1, 1, "empty file; a scenario needs at least 'meta' and 'units'")]
    if not isinstance(data, dict):
        return None, positions, [Problem(
            file, 1, 1, f"expected a mapping of sections (version, meta, map, places, units, ...), "
                        f"found {_found(data)}")]
    if "orders" in data and "meta" not in data and "units" not in data:
        return None, positions, [Problem(file, 1, 1, "this is an orders file (orders: ...), not a scenario; "
                                                     "use it with 'drillsim run SCENARIO --orders FILE'")]
    new_pos: dict[Path_, tuple[int, int]] = {}
    try:
        data = _normalise(data, (), (), positions, new_pos)
    except RecursionError:
        return None, positions, [Problem(file, 1, 1, "YAML nested too deeply")]
    return check_data(data, file, base_dir, new_pos, _duplicate_keys(src, file))


def check_data(data: dict[str, Any], file: str, base_dir: Path, positions: dict | None = None,
               problems: list[Problem] | None = None) -> tuple[Any, dict, list[Problem]]:
    """Run the unit, schema and meaning passes on parsed data (normalised, string keys).

    Converts quantities in ``data`` in place; returns (data, positions, problems sorted by line).
    """
    new_pos = positions if positions is not None else {}
    rep = _Report(file, new_pos)
    rep.problems.extend(problems or [])
    try:
        _convert_units(data, rep)
        _schema_errors(_validator(), data, (), rep)
        _Meaning(data, rep, base_dir).run()
    except RecursionError:
        rep.problems.append(Problem(file, 1, 1, "YAML nested too deeply"))
    except Exception as e:  # never a traceback for a user's file; but say it is our fault
        rep.problems.append(Problem(file, 1, 1, f"internal error while checking ({type(e).__name__}: {e}); "
                                                f"please report this with the scenario file"))
    seen: set[tuple[int, int, str]] = set()
    out = []
    for p in sorted(rep.problems, key=lambda p: (p.line, p.col)):
        k = (p.line, p.col, p.message)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return data, new_pos, out


def check_file(path: str | Path) -> tuple[Any, list[Problem]]:
    """Read and check a scenario file; never raises for bad input."""
    from drillsim.scenario.loader import read_text

    path = Path(path)
    try:
        src = read_text(path)
    except InputError as e:
        return None, list(e.problems)
    except OSError as e:
        return None, [Problem(str(path), 1, 1, f"cannot read the file: {e.strerror or e}")]
    data, _, problems = check_text(src, str(path), path.parent)
    return data, problems


def summary(data: dict[str, Any]) -> dict[str, int]:
    """Counts for the OK line: units (after ``count`` expansion), incidents, hazards."""
    units = 0
    for _, u in _items(data, "units"):
        c = u.get("count", 1)
        units += c if isinstance(c, int) and c > 0 else 1
    return {"units": units, "incidents": len(_items(data, "incidents")),
            "hazards": len(_items(data, "hazards"))}
