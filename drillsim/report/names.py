"""Names for the report's sentences, from the archived scenario and its map, without drawing anything.

Places (the map's own and the scenario's), hazards (their ``name``), supplies (the catalogue's names
and units, the scenario's added to the defaults), incidents (from the facts) and seats (from the
archive's ``seats`` event). With ``--no-maps`` the report still says 临河镇集镇社区, not ``c19``.
When the scenario cannot be loaded (no scenario text, a map file moved), whatever the archived
scenario text itself names is used: its own places, hazards and supplies.
"""

from __future__ import annotations

from typing import Any

from drillsim.exercise.wording import TableNames


def report_names(f: Any, archive: Any = None) -> TableNames:
    """Names for the report of ``f`` (:class:`~drillsim.report.facts.Facts`); ``archive`` adds the map's places."""
    from drillsim.scenario.loader import default_supplies
    from drillsim.scenario.model import PLACE_SECTIONS

    places: dict[str, Any] = {}
    sc = _scenario(archive)
    raw = f.scenario or {}
    if sc is not None:
        from drillsim.scenario.validate import cached_map

        try:
            places.update({str(d["id"]): d.get("name") for d in cached_map(sc.map).places if d.get("name")})
        except Exception:  # noqa: BLE001 - a map that cannot be read leaves the scenario's own places
            pass
        places.update({p.id: p.name for p in sc.places})
        supplies = sc.supplies
    else:
        for section in PLACE_SECTIONS:
            for d in (raw.get("places") or {}).get(section) or []:
                if isinstance(d, dict) and d.get("id") is not None and d.get("name"):
                    places[str(d["id"])] = d["name"]
        supplies = default_supplies()
        supplies.update({str(s["id"]): _Supply(s.get("name") or s["id"], s.get("unit") or "")
                         for s in raw.get("supplies") or [] if isinstance(s, dict) and s.get("id") is not None})
    hazards = {str(h["id"]): h["name"] for h in raw.get("hazards") or []
               if isinstance(h, dict) and h.get("id") is not None and h.get("name")}
    incidents = {i["id"]: i["name"] for i in f.incidents if i.get("name")}
    seats = {sid: x["name"] for sid, x in f.seats.items() if x.get("name")}
    return TableNames(places=places, incidents=incidents, seats=seats, hazards=hazards,
                      supplies={k: s.name for k, s in supplies.items()},
                      supply_units={k: s.unit for k, s in supplies.items() if s.unit})


class _Supply:
    def __init__(self, name: Any, unit: Any) -> None:
        self.name, self.unit = name, unit


def _scenario(archive: Any) -> Any:
    if archive is None:
        return None
    from drillsim.core.errors import InputError
    from drillsim.record.rerun import scenario_of

    try:
        return scenario_of(archive)
    except InputError:
        return None
