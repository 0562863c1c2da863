"""Words the hazards put in their own event texts (incident names): Chinese and English side by side.

The hazards layer sits below :mod:`drillsim.exercise`, so the vocabularies a hazard needs to name
what it reports live here, and :mod:`drillsim.exercise.wording` reads them from here (one table
each, not a copy). No heavy imports: the wording module imports this without the engine.
"""

from __future__ import annotations

import re

DAMAGE_STATES: dict[str, tuple[str, str]] = {
    "none": ("基本完好", "undamaged"), "slight": ("轻微破坏", "slight damage"),
    "moderate": ("中等破坏", "moderate damage"), "extensive": ("严重破坏", "extensive damage"),
    "complete": ("毁坏", "complete damage")}
"""Damage states of buildings and bridges (HAZUS slight / moderate / extensive / complete): key -> (zh, en)."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def damage_state(ds: str) -> dict[str, str]:
    """A damage state in words ({zh, en}); an unknown key stands as it is."""
    zh, en = DAMAGE_STATES.get(ds, (ds, ds))
    return {"zh": zh, "en": en}


def road_label(road_name: str, road_id: str) -> dict[str, str]:
    """A road in words: its name on the map if it has one (Chinese names only in Chinese text), else its
    id ("道路 r12" / "road r12")."""
    name = (road_name or "").strip()
    return {"zh": name or f"道路 {road_id}", "en": name if name and not _CJK.search(name) else f"road {road_id}"}


def road_incident_name(road_name: str, road_id: str, cause: str) -> dict[str, str]:
    """The name of a road's clearing incident, ``cause`` "debris" or "landslide": "东风街倒塌废墟阻断" /
    "Road r123 blocked by debris", "岭下公路滑坡阻断" / "Landslide on road r7"; no name: "道路 r7 滑坡阻断"."""
    r = road_label(road_name, road_id)
    if not (road_name or "").strip():
        r["zh"] += " "  # "道路 r12 滑坡阻断", spaced as "道路 r12 上的桥梁"
    if cause == "landslide":
        return {"zh": f"{r['zh']}滑坡阻断", "en": f"Landslide on {r['en']}"}
    return {"zh": f"{r['zh']}倒塌废墟阻断", "en": f"{r['en'][:1].upper()}{r['en'][1:]} blocked by debris"}


def bridge_label(road_name: str, road_id: str) -> dict[str, str]:
    """The bridge carrying a road, in words: its name on the map if it has one (Chinese names only in
    Chinese text), else the road's id in a sentence ("道路 r12 上的桥梁" / "bridge on road r12")."""
    name = (road_name or "").strip()
    zh = en = ""
    if name:
        zh = name if "桥" in name or "bridge" in name.lower() else f"{name}桥梁"
        if not _CJK.search(name):
            en = name if "bridge" in name.lower() else f"{name} bridge"
    return {"zh": zh or f"道路 {road_id} 上的桥梁", "en": en or f"bridge on road {road_id}"}


def bridge_incident_name(road_name: str, road_id: str, ds: str) -> dict[str, str]:
    """The name of a damaged bridge's incident: "东风街大桥震损（严重破坏）" / "Bridge on road r1741: extensive damage"."""
    b, d = bridge_label(road_name, road_id), damage_state(ds)
    return {"zh": f"{b['zh']}震损（{d['zh']}）", "en": f"{b['en'][:1].upper()}{b['en'][1:]}: {d['en']}"}
