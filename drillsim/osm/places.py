"""Places from OSM tags: unit bases, hospitals, shelter candidates, plants, forests,
settlements, admin areas and rivers, in map metres and snapped to the road network.

Rules (which tag makes which kind, shelter capacities, population estimates) are
data: resources/data/osm.yaml. A place's ``at`` is its nearest road node (where
units start and stop); ``osm_at`` keeps its own point and ``snap_m`` the gap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree
from shapely.geometry import LineString, MultiPolygon, Polygon

from drillsim.osm.source import Feature
from drillsim.scenario import catalog

PREFIX = {"station": "st", "hospital": "hos", "shelter": "sh", "plant": "plant", "forest": "forest",
          "water": "water", "community": "c"}


@dataclass
class PlaceResult:
    places: list[dict[str, Any]] = field(default_factory=list)
    admin: list[dict[str, Any]] = field(default_factory=list)
    rivers: list[list[list[float]]] = field(default_factory=list)
    water: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def build_places(features: list[Feature], crs: str, origin: tuple[float, float],
                 node_xy: np.ndarray) -> PlaceResult:
    """Classify ``features`` and place them on the map (node_xy: road node coordinates, map metres)."""
    rules = catalog.load_data("osm")
    project = projector(crs, origin)
    tree = cKDTree(node_xy)
    x0, y0 = node_xy.min(axis=0)
    x1, y1 = node_xy.max(axis=0)
    box = shapely.box(x0, y0, x1, y1)
    out = PlaceResult()
    dropped = 0
    seen: set[str] = set()
    for f in sorted(features, key=lambda f: (f.osm_type, f.osm_id)):
        if f.geometry is None or f.geometry.is_empty:
            continue
        tags = f.tags
        geom = project(f.geometry)
        if tags.get("boundary") == "administrative":
            level = rules["admin_levels"].get(str(tags.get("admin_level", "")))
            poly = _largest(geom)
            if level and poly is not None and poly.intersects(box):
                out.admin.append({"id": f"adm_{f.osm_type[0]}{f.osm_id}", "level": level,
                                  "name": _names(tags, {"zh": "行政区", "en": "Admin area"}, f),
                                  "polygon": _ring(poly, 50.0)})
            continue
        if tags.get("waterway") == "river" and isinstance(geom, LineString):
            part = geom.intersection(box.buffer(500.0))
            for line in getattr(part, "geoms", [part]):
                if isinstance(line, LineString) and line.length > 0:
                    out.rivers.append([[round(x, 1), round(y, 1)] for x, y in line.simplify(20.0).coords])
            continue
        rule = next((r for r in rules["places"] if tags.get(r["tag"]) in r["values"]), None)
        if rule is None:
            continue
        pid = f"{PREFIX[rule['kind']]}_{f.osm_type[0]}{f.osm_id}"
        if pid in seen:
            continue
        pt = geom.representative_point()
        dist, node = tree.query([pt.x, pt.y])
        if dist > rules["max_snap_m"] and not (rule["kind"] in ("forest", "water") and geom.intersects(box)):
            dropped += 1
            continue
        seen.add(pid)
        nx_, ny_ = node_xy[node]
        rec: dict[str, Any] = {
            "kind": rule["kind"], "id": pid, "name": _names(tags, rule["name"], f),
            "at": [round(float(nx_), 1), round(float(ny_), 1)],
            "osm_at": [round(pt.x, 1), round(pt.y, 1)], "snap_m": round(float(dist), 1),
            "osm": f"{f.osm_type}/{f.osm_id}",
        }
        area = float(geom.area) if isinstance(geom, Polygon | MultiPolygon) else 0.0
        _details(rec, rule, tags, area, geom, rules)
        if rule["kind"] == "water":
            out.water.append(rec)
        else:
            out.places.append(rec)
    kinds: dict[str, int] = {}
    for p in out.places:
        key = p["kind"] if p["kind"] != "station" else f"station:{p['unit_type']}"
        kinds[key] = kinds.get(key, 0) + 1
    out.stats = {"places": kinds, "admin": len(out.admin), "rivers": len(out.rivers),
                 "water": len(out.water), "dropped_far_from_roads": dropped}
    return out


def projector(crs: str, origin: tuple[float, float]) -> Callable[[Any], Any]:
    """A function taking a shapely geometry in lon/lat to map metres (``crs`` shifted by ``origin``)."""
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    ox0, oy0 = origin

    def shift(c: np.ndarray) -> np.ndarray:
        x, y = to_map.transform(c[:, 0], c[:, 1])
        return np.column_stack([np.asarray(x) - ox0, np.asarray(y) - oy0])

    return lambda geom: shapely.transform(geom, shift)


def _details(rec: dict[str, Any], rule: dict[str, Any], tags: dict[str, str], area: float,
             geom: Any, rules: dict[str, Any]) -> None:
    kind = rule["kind"]
    if kind == "station":
        rec["unit_type"] = rule["unit_type"]
    elif kind == "hospital":
        rec["beds"] = _int(tags.get("beds")) or int(rules["hospital_beds"])
    elif kind == "shelter":
        sc = rules["shelter_capacity"]
        kind_sc = sc[rule["shelter"]]
        if area > 0:
            cap = int(area * kind_sc["usable_share"] / sc["m2_per_person"])
        else:
            cap = int(kind_sc["point_capacity"])
        rec["capacity"] = max(50, min(int(sc["max_capacity"]), cap))
        rec["shelter_type"] = rule["shelter"]
        rec["area_m2"] = round(area)
    elif kind == "plant":
        rec["chemical"] = bool(rule.get("chemical"))
        rec["area_m2"] = round(area)
    elif kind in ("forest", "water"):
        poly = _largest(geom)
        if poly is not None:
            rec["polygon"] = _ring(poly, 20.0)
        rec["area_m2"] = round(area)
    elif kind == "community":
        place = tags.get("place", "")
        pop = _int(tags.get("population"))
        rec["population"] = pop or int(rules["population_estimate"].get(place, 500))
        rec["population_source"] = "osm" if pop else "estimate"
        rec["level"] = "村" if place in rules["village_places"] else "社区"
        rec["place_type"] = place


def _largest(geom: Any) -> Polygon | None:
    if isinstance(geom, Polygon):
        return geom
    if isinstance(geom, MultiPolygon) and geom.geoms:
        return max(geom.geoms, key=lambda p: p.area)
    return None


def _ring(poly: Polygon, tolerance: float) -> list[list[float]]:
    simple = poly.simplify(tolerance)
    if simple.is_empty or not isinstance(simple, Polygon):
        simple = poly
    simple = simple.normalize()  # one start corner and direction, whatever the source
    return [[round(x, 1), round(y, 1)] for x, y in list(simple.exterior.coords)[:-1]]


def _names(tags: dict[str, str], default: dict[str, str], f: Feature) -> dict[str, str]:
    zh = tags.get("name:zh") or tags.get("name")
    en = tags.get("name:en") or (tags.get("name") if tags.get("name", "").isascii() else None)
    ref = f"{f.osm_type[0]}{f.osm_id}"
    return {"zh": zh or f"{default['zh']} {ref}", "en": en or zh or f"{default['en']} {ref}"}


def _int(v: Any) -> int:
    m = re.search(r"\d[\d,]*", str(v or ""))
    return int(m.group(0).replace(",", "")) if m else 0
