"""Units of measure in scenario files.

A numeric field is in the unit its name says: ``_min`` minutes, ``_h`` hours,
``_s`` seconds, ``_m`` metres, ``_km`` kilometres, ``_kg`` kilograms, ``_t`` tonnes,
``_m3`` cubic metres, ``_m2`` square metres, ``_ha`` hectares, ``_kmh`` km/h,
``_m_s`` m/s, ``_kg_s`` kg/s, ``rate_per_h`` / ``_per_h`` per hour. A plain number is taken in that
unit; a string with a unit is converted to it, e.g. ``duration_min: "72 h"`` -> 4320,
``weight_kg: "0.03 t"`` -> 30, ``capacity_m3: "2e6 m3"``, ``rate_per_h: "12000 /d"``.
Several terms of one dimension add up: ``"1 h 30 min"`` -> 90.

:func:`field_unit` says which unit a key is in; :func:`convert` turns a value into
a number of that unit or raises :class:`UnitError` with a message for the user.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

# unit symbol -> (dimension, factor to the SI base of that dimension)
_UNITS: dict[str, tuple[str, float]] = {}


def _add(dim: str, factor: float, *names: str) -> None:
    for n in names:
        _UNITS[n] = (dim, factor)


_add("time", 1.0, "s", "sec", "secs", "second", "seconds", "秒")
_add("time", 60.0, "min", "mins", "minute", "minutes", "分", "分钟")
_add("time", 3600.0, "h", "hr", "hrs", "hour", "hours", "小时", "时", "个小时")
_add("time", 86400.0, "d", "day", "days", "天", "日")
_add("time", 604800.0, "w", "wk", "week", "weeks", "周")
_add("length", 0.001, "mm", "毫米")
_add("length", 0.01, "cm", "厘米")
_add("length", 1.0, "m", "metre", "metres", "meter", "meters", "米")
_add("length", 1000.0, "km", "kilometre", "kilometres", "kilometer", "kilometers", "公里", "千米")
_add("mass", 0.001, "g", "gram", "grams", "克")
_add("mass", 1.0, "kg", "kilogram", "kilograms", "千克", "公斤")
_add("mass", 0.5, "斤")
_add("mass", 1000.0, "t", "tonne", "tonnes", "ton", "tons", "吨")
_add("volume", 0.001, "l", "L", "litre", "litres", "liter", "liters", "升")
_add("volume", 1.0, "m3", "m³", "m^3", "cubic metre", "cubic metres", "立方米", "方")
_add("volume", 1e4, "万立方米", "万方", "万m3", "万m³")
_add("volume", 1e8, "亿立方米", "亿方", "亿m3", "亿m³")
_add("volume", 1e9, "km3", "km³")
_add("area", 1.0, "m2", "m²", "m^2", "平方米")
_add("area", 1e4, "ha", "hectare", "hectares", "公顷")
_add("area", 1e6, "km2", "km²", "km^2", "平方公里")
_add("area", 10000.0 / 15.0, "亩", "mu")
_add("speed", 1.0, "m/s", "mps")
_add("mass rate", 1.0, "kg/s")
_add("mass rate", 1 / 60.0, "kg/min")
_add("mass rate", 1 / 3600.0, "kg/h")
_add("mass rate", 1000 / 3600.0, "t/h")
_add("mass rate", 1000 / 86400.0, "t/d")
_add("speed", 1000.0 / 3600.0, "km/h", "kmh", "kph")

# rate per time: "500 /h", "12000/d", "8 per min", "500 tents/h", "每小时 500"
_RATE_TIME = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0, "hour": 3600.0,
              "d": 86400.0, "day": 86400.0, "秒": 1.0, "分钟": 60.0, "小时": 3600.0, "天": 86400.0,
              "日": 86400.0}


@dataclass(frozen=True)
class FieldUnit:
    dim: str
    """time | length | mass | volume | area | speed | rate"""
    factor: float
    """Size of the field's unit in SI base units (rate: per second)."""
    name: str
    """The unit in words, for messages ("minutes")."""
    example: str
    """An example quantity in another unit ("'72 h'")."""


_SUFFIXES: list[tuple[str, FieldUnit]] = [
    ("_per_h", FieldUnit("rate", 1 / 3600.0, "per hour", "'12000 /d'")),
    ("_kg_s", FieldUnit("mass rate", 1.0, "kilograms per second", "'36 t/h'")),
    ("_m_s", FieldUnit("speed", 1.0, "metres per second", "'36 km/h'")),
    ("_kmh", FieldUnit("speed", 1000.0 / 3600.0, "km/h", "'10 m/s'")),
    ("_min", FieldUnit("time", 60.0, "minutes", "'72 h'")),
    ("_h", FieldUnit("time", 3600.0, "hours", "'90 min'")),
    ("_s", FieldUnit("time", 1.0, "seconds", "'5 min'")),
    ("_km", FieldUnit("length", 1000.0, "kilometres", "'800 m'")),
    ("_m", FieldUnit("length", 1.0, "metres", "'1.2 km'")),
    ("_kg", FieldUnit("mass", 1.0, "kilograms", "'0.03 t'")),
    ("_t", FieldUnit("mass", 1000.0, "tonnes", "'500 kg'")),
    ("_m3", FieldUnit("volume", 1.0, "cubic metres", "'2e6 m3'")),
    ("_m2", FieldUnit("area", 1.0, "square metres", "'2 ha'")),
    ("_ha", FieldUnit("area", 1e4, "hectares", "'1 km2'")),
]

_DIM_WORD = {"time": "a time", "length": "a length", "mass": "a mass", "volume": "a volume",
             "area": "an area", "speed": "a speed", "rate": "a rate",
             "mass rate": "a mass flow rate"}


def field_unit(key: object) -> FieldUnit | None:
    """The unit a field is in, from its name (``duration_min`` -> minutes), or None."""
    if not isinstance(key, str):
        return None
    if key == "rate_per_h":
        return _SUFFIXES[0][1]
    for suffix, fu in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return fu
    return None


class UnitError(ValueError):
    """A value that cannot be read as a quantity of the field's unit; str() is for the user."""


_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_TERM = re.compile(rf"\s*({_NUM})\s*([^\d\s+\-.,][^\d\s]*(?:[23](?![\d.]))?)?\s*")
_RATE = re.compile(rf"^\s*({_NUM})\s*(?:[^\d/]*?)\s*(?:/|per\b|每)\s*(\S+?)\s*$")
_RATE_ZH = re.compile(rf"^\s*每\s*(\S+?)\s*({_NUM})\s*\S*\s*$")


def _term_dim(unit: str) -> tuple[str, float] | None:
    u = unit.strip()
    if u in _UNITS:
        return _UNITS[u]
    if u.lower() in _UNITS:
        return _UNITS[u.lower()]
    return None


def _fmt(v: float) -> float | int:
    r = round(v, 9)
    return int(r) if r == int(r) and abs(r) < 1e15 else r


def convert(key: str, value: object, fu: FieldUnit | None = None) -> float | int:
    """Return ``value`` as a number in the field's unit; raise UnitError if it can't be."""
    fu = fu or field_unit(key)
    if fu is None:
        raise UnitError(f"{key}: no unit known for this field")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise UnitError(f"{key}: expected a number of {fu.name}")  # schema pass words it better
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise UnitError(f"{key}: {value} is not a finite number")
        return value
    s = value.strip()
    plain = "a number per hour" if fu.dim == "rate" else f"a number of {fu.name}"
    hint = f"give {_DIM_WORD[fu.dim]} such as {fu.example} or {plain}"
    if not s:
        raise UnitError(f"{key}: empty text; {hint}")
    try:
        v = float(s)
    except ValueError:
        pass
    else:
        if not math.isfinite(v):
            raise UnitError(f"{key}: {value!r} is not a finite number")
        return _fmt(v)
    if fu.dim == "rate":
        return _convert_rate(key, value, s, fu, hint)
    total = 0.0
    pos = 0
    dims: set[str] = set()
    terms = 0
    while pos < len(s):
        m = _TERM.match(s, pos)
        if not m or m.end() == pos:
            raise UnitError(f"{key}: cannot read {value!r} as a quantity; {hint}")
        num, unit = m.group(1), (m.group(2) or "").strip()
        if not unit:
            raise UnitError(f"{key}: {value!r} has a number without a unit; {hint}")
        du = _term_dim(unit)
        if du is None:
            close = difflib.get_close_matches(unit, list(_UNITS), n=1, cutoff=0.6)
            sug = f"; did you mean {close[0]!r}?" if close else f"; {hint}"
            raise UnitError(f"{key}: unknown unit {unit!r} in {value!r}{sug}")
        dims.add(du[0])
        total += float(num) * du[1]
        terms += 1
        pos = m.end()
    if terms == 0:
        raise UnitError(f"{key}: cannot read {value!r} as a quantity; {hint}")
    if len(dims) > 1:
        raise UnitError(f"{key}: {value!r} mixes {' and '.join(sorted(dims))}; {hint}")
    dim = dims.pop()
    if dim != fu.dim:
        raise UnitError(f"{key}: {value!r} is {_DIM_WORD[dim]}; {hint}")
    return _fmt(total / fu.factor)


def _convert_rate(key: str, value: str, s: str, fu: FieldUnit, hint: str) -> float | int:
    m = _RATE.match(s)
    if m:
        num, per = m.group(1), m.group(2)
    else:
        m = _RATE_ZH.match(s)
        if not m:
            du = None
            t = _TERM.match(s)
            if t and t.group(2):
                du = _term_dim(t.group(2))
            if du is not None:
                raise UnitError(f"{key}: {value!r} is {_DIM_WORD[du[0]]}; {hint}")
            raise UnitError(f"{key}: cannot read {value!r} as a rate; {hint}")
        per, num = m.group(1), m.group(2)
    sec = _RATE_TIME.get(per) or _RATE_TIME.get(per.lower())
    if sec is None:
        du = _term_dim(per)
        if du is not None and du[0] == "time":
            sec = du[1]
        else:
            raise UnitError(f"{key}: {value!r}: '/{per}' is not a time unit; {hint}")
    return _fmt(float(num) / sec / fu.factor)
