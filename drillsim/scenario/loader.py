"""Read a scenario file: parse YAML with positions, validate, build :class:`Scenario`.

Every problem becomes a :class:`~drillsim.core.errors.Problem` with file, line and
column; :func:`load_scenario` raises one :class:`InputError` holding all of them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from drillsim.core.errors import InputError, Problem
from drillsim.scenario import catalog
from drillsim.scenario.model import (
    PLACE_SECTIONS,
    IncidentSpec,
    MapSpec,
    Meta,
    Place,
    Scenario,
    Supply,
    UnitSpec,
    text,
)


def read_text(path: Path) -> str:
    """Read a scenario file as UTF-8 text, turning every failure into an InputError."""
    name = str(path)
    if not path.exists():
        raise InputError(Problem(name, 1, 1, "file not found; check the path"))
    if path.is_dir():
        raise InputError(Problem(name, 1, 1, "is a folder, expected a scenario .yaml file"))
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputError(Problem(name, 1, 1, "binary file, expected a UTF-8 YAML scenario"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError(Problem(name, line, 1, "not UTF-8 text; save the file as UTF-8")) from None


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    return load_scenario_text(read_text(path), str(path), base_dir=path.parent, path=path)


def load_scenario_text(
    src: str, file: str = "<scenario>", base_dir: Path | None = None, path: Path | None = None
) -> Scenario:
    from drillsim.scenario.validate import check_text

    data, positions, problems = check_text(src, file, base_dir or Path("."))
    if problems:
        raise InputError(problems)
    sc = build(data, base_dir or Path("."))
    sc.text = src
    sc.path = path
    return sc


def build(data: dict[str, Any], base_dir: Path) -> Scenario:
    """Build a Scenario from validated data (no checks here; see validate.py)."""
    m = data["meta"]
    meta = Meta(
        name=text(m["name"]),
        description=text(m.get("description", "")),
        region=text(m.get("region", "")),
        start=_datetime(m.get("start", "2026-01-01T08:00:00")),
        duration_min=float(m.get("duration_min", 1440)),
        seed=int(m.get("seed", 0)),
    )
    map_spec = build_map_spec(data, base_dir)
    places = []
    for section, kind in PLACE_SECTIONS.items():
        for d in (data.get("places") or {}).get(section) or []:
            places.append(Place.from_dict(kind, d))
    units = build_units(data.get("units") or [])
    supplies = default_supplies()
    supplies |= {
        str(s["id"]): Supply(str(s["id"]), text(s.get("name", s["id"])), text(s.get("unit", "")),
                             float(s.get("weight_kg", 1.0)))
        for s in data.get("supplies") or []
    }
    incidents = [
        IncidentSpec(
            id=str(d["id"]), name=text(d.get("name", d["id"])),
            at=(float(d["at"][0]), float(d["at"][1])) if d.get("at") is not None else None,
            place=d.get("place"), start_min=float(d.get("start_min", 0)),
            priority=int(d.get("priority", 3)), needs=dict(d.get("needs") or {}),
        )
        for d in data.get("incidents") or []
    ]
    return Scenario(
        meta=meta, map=map_spec, places=places, units=units, supplies=supplies,
        incidents=incidents, hazards=list(data.get("hazards") or []),
        injects=list(data.get("injects") or []), seats=list(data.get("seats") or []),
        plan=dict(data.get("plan") or {}), checklists=list(data.get("checklists") or []),
        initial=dict(data.get("initial") or {}),
        raw=data,
    )


def build_map_spec(data: dict[str, Any], base_dir: Path) -> MapSpec:
    """The map a scenario document names (paths relative to the scenario's folder)."""
    mp = data.get("map") or {}
    graphml, folder = mp.get("graphml"), mp.get("dir")
    return MapSpec(
        builtin=None if graphml or folder else mp.get("builtin", "lanxi"),
        graphml=(base_dir / graphml) if graphml else None,
        dir=(base_dir / folder) if folder else None,
    )


def default_supplies() -> dict[str, Supply]:
    """The default supply catalogue (resources/data/supplies.yaml); scenario supplies replace by id."""
    return {
        str(sid): Supply(str(sid), text(d.get("name", sid)), text(d.get("unit", "")),
                         float(d.get("weight_kg", 1.0)))
        for sid, d in (catalog.load_data("supplies") or {}).items()
    }


def build_units(items: list[dict[str, Any]]) -> list[UnitSpec]:
    """Expand unit entries (``count: n`` gives ids ``ID-1`` .. ``ID-n``) with type defaults."""
    types = catalog.unit_types()
    out: list[UnitSpec] = []
    for d in items:
        tid = catalog.unit_type_id(str(d["type"])) or str(d["type"])
        t = types.get(tid, {})
        count = int(d.get("count", 1))
        cap = d.get("capacity") or {}
        for i in range(count):
            uid = str(d["id"]) if count == 1 else f"{d['id']}-{i + 1}"
            name = text(d.get("name", uid))
            if count > 1:
                name = {k: f"{v} {i + 1}" for k, v in name.items()}
            out.append(UnitSpec(
                id=uid, name=name, type=tid, base=str(d["base"]), size=int(d.get("size", 10)),
                vehicle=str(d.get("vehicle", t.get("vehicle", "ordinary"))),
                skills=list(d.get("skills", t.get("skills", []))),
                capacity_people=int(cap.get("people", 0)),
                capacity_cargo_t=float(cap.get("cargo_t", 0.0)),
                owner=str(d.get("owner", "")), level=str(d.get("level", "县")),
                ppe=bool(d.get("ppe", t.get("ppe", False))),
            ))
    return out


def _datetime(v: Any) -> datetime:
    if isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v))
