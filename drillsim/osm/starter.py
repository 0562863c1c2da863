"""``drillsim scenario new``: a starting scenario on an imported map folder.

From what the import found: teams at the imported unit bases (fire stations,
police, barracks, hospitals), tiered depots 区/市/县 holding 50/30/20 % of a
reserve sized by the map's residents, shelters from the shelter candidates (the
nearest few beyond the hazard's first ring open), the settlements as
communities, a hazard of the chosen type at the given point with parameters from
resources/data/starter.yaml, a first incident and a first report. Everything it
makes up (a depot site, a missing base) is said in the description. The result
validates and runs as is; the director then edits it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from drillsim.core.errors import InputError, Problem
from drillsim.core.paths import resources
from drillsim.scenario import catalog
from drillsim.scenario.map_dir import load_map_dir, read_manifest
from drillsim.scenario.maps import MapData

HAZARDS = ("earthquake", "flood", "chemical", "wildfire")
CLASS_RANK = ("expressway", "arterial", "collector", "rural", "local", "track")


def parse_point(text: str, what: str = "--at") -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(Problem(what, 1, 1, f"{what} {text!r}: expected X,Y in map metres, e.g. 2500,1800")) from None
    return x, y


def new_scenario(map_dir: Path, hazard: str, at: tuple[float, float], out: Path) -> str:
    """The YAML text of a starting scenario; ``out`` is where it will live (paths are relative to it)."""
    if hazard not in HAZARDS:
        raise InputError(Problem("--hazard", 1, 1, f"unknown hazard {hazard!r}; choose one of {', '.join(HAZARDS)}"))
    map_dir = Path(map_dir)
    manifest = read_manifest(map_dir)
    m = load_map_dir(map_dir)
    x0, y0, x1, y1 = m.bounds
    if not (x0 <= at[0] <= x1 and y0 <= at[1] <= y1):
        raise InputError(Problem("--at", 1, 1, f"--at {at[0]:g},{at[1]:g} is outside the map's roads "
                                               f"(x {x0:.0f}..{x1:.0f}, y {y0:.0f}..{y1:.0f} m)"))
    return _Builder(m, manifest, hazard, at, map_dir, Path(out)).yaml()


class _Builder:
    def __init__(self, m: MapData, manifest: dict[str, Any], hazard: str, at: tuple[float, float],
                 map_dir: Path, out: Path) -> None:
        self.m, self.hazard, self.at = m, hazard, at
        self.rules = catalog.load_data("starter")
        self.h = self.rules["hazards"][hazard]
        self.map_dir, self.out = map_dir, out
        self.notes: list[dict[str, str]] = []
        self.places: dict[str, list[dict[str, Any]]] = {}
        self.units: list[dict[str, Any]] = []
        self.node_xy = np.array([[d["x"], d["y"]] for _, d in m.graph.nodes(data=True)])
        self.node_ids = list(m.graph.nodes)
        self.of_kind: dict[str, list[dict[str, Any]]] = {}
        for p in m.places:
            self.of_kind.setdefault(p["kind"], []).append(p)

    def dist(self, p: dict[str, Any] | tuple[float, float] | list[float]) -> float:
        xy = p["at"] if isinstance(p, dict) else p
        return math.dist(xy, self.at)

    def nearest(self, kind: str, n: int | None = None, **match: Any) -> list[dict[str, Any]]:
        ps = [p for p in self.of_kind.get(kind, []) if all(p.get(k) == v for k, v in match.items())]
        return sorted(ps, key=lambda p: (self.dist(p), p["id"]))[:n]

    # ---------------------------------------------------------------- places
    def depots(self) -> dict[str, dict[str, Any]]:
        g = self.m.graph
        best = {}
        for u, v, d in g.edges(data=True):
            r = CLASS_RANK.index(d.get("road_class", "local")) if d.get("road_class") in CLASS_RANK else 4
            best[u] = min(best.get(u, 9), r)
            best[v] = min(best.get(v, 9), r)
        top = min(best.values())
        cand = np.array([i for i, n in enumerate(self.node_ids) if best.get(n) == top])
        x0, y0, x1, y1 = self.m.bounds
        xy = self.node_xy[cand]
        edge = np.minimum.reduce([xy[:, 0] - x0, x1 - xy[:, 0], xy[:, 1] - y0, y1 - xy[:, 1]])
        rim = cand[edge <= 0.1 * max(x1 - x0, y1 - y0)]
        rim = rim if rim.size else cand
        dh = np.hypot(*(self.node_xy[rim] - self.at).T)
        region = int(rim[np.argmax(dh)])
        dr = np.hypot(*(self.node_xy[rim] - self.node_xy[region]).T)
        city = int(rim[np.argmax(np.minimum(dh, dr))])
        comms = self.of_kind.get("community", [])
        if comms:
            w = np.array([max(1, c.get("population", 1)) for c in comms], dtype=float)
            centre = (np.array([c["at"] for c in comms]) * w[:, None]).sum(axis=0) / w.sum()
        else:
            centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        county = int(np.argmin(np.hypot(*(self.node_xy - centre).T)))
        residents = sum(int(c.get("population", 0)) for c in comms)
        per = self.rules["reserve_per_1000"]
        total = {k: max(int(self.rules["reserve_min"][k]), int(round(per[k] * residents / 1000))) for k in per}
        share = self.rules["tier_share"]
        stock = {t: {k: int(total[k] * share[t]) for k in total} for t in share}
        for k in total:  # the county tier takes the rounding: exactly the total per item
            stock["县"][k] = total[k] - stock["区"][k] - stock["市"][k]
        self.notes.append({"zh": f"物资储备按 {residents} 名居民配置（区/市/县 50/30/20%），区、市两级库位于地图边缘干道，代表外部调入入口",
                           "en": f"reserve sized for {residents} residents (region/city/county 50/30/20 %); the region "
                                 f"and city depots sit where a main road leaves the map: stock brought in from outside"})
        names = {"区": ({"zh": "上级救灾物资储备库(调运入口)", "en": "Regional relief depot (arrival point)"}, region),
                 "市": ({"zh": "市级应急物资储备库(调运入口)", "en": "City emergency depot (arrival point)"}, city),
                 "县": ({"zh": "县级应急物资储备库", "en": "County emergency depot"}, county)}
        out = {}
        for tier, key in (("区", "dep_region"), ("市", "dep_city"), ("县", "dep_county")):
            name, node = names[tier]
            out[tier] = {"id": key, "name": name, "at": self._xy(node), "tier": tier, "stock": stock[tier]}
        return out

    def _xy(self, node: int) -> list[float]:
        return [round(float(self.node_xy[node][0]), 1), round(float(self.node_xy[node][1]), 1)]

    # ---------------------------------------------------------------- build
    def build(self) -> dict[str, Any]:
        h, mname = self.h, self.m.name
        depots = self.depots()
        county_at = depots["县"]["at"]
        self.places["depots"] = list(depots.values())
        self.places["command_posts"] = [{"id": "cp_county", "name": {"zh": "县应急指挥中心", "en": "County command centre"},
                                         "at": county_at, "level": "县"}]
        fires = self.nearest("station", unit_type="fire_rescue")
        if not fires:
            self.places["stations"] = [{"id": "st_fire_added", "at": county_at,
                                        "name": {"zh": "县消防救援大队(位置待核实)", "en": "County fire brigade (site to confirm)"}}]
            fires = [{"id": "st_fire_added", "at": county_at, "name": self.places["stations"][0]["name"]}]
            self.notes.append({"zh": "地图中没有消防站：在县物资库处添加了一个，请核实位置",
                               "en": "the map has no fire station: one was added at the county depot; check its site"})
        self._teams(fires)
        shelters = self.nearest("shelter")
        if not shelters:
            self.places["shelters"] = [{"id": "sh_added", "at": county_at, "capacity": 2000,
                                        "name": {"zh": "临时安置点(位置待核实)", "en": "Temporary shelter (site to confirm)"}}]
            shelters = self.places["shelters"]
        clear = float(self.rules["shelter_clear_m"])
        far = [s for s in shelters if self.dist(s) >= clear] or shelters
        opened = [s["id"] for s in far[: int(self.rules["open_shelters"])]]
        if not self.of_kind.get("community"):
            node = int(np.argmin(np.hypot(*(self.node_xy - self.at).T)))
            self.places["communities"] = [{"id": "c_added", "at": self._xy(node), "population": 1000, "level": "社区",
                                           "name": {"zh": "受灾社区(人口估计)", "en": "Affected community (estimated)"}}]
        spec = self._hazard_spec()
        incidents = []
        if h.get("incident"):
            incidents.append({"id": "i1", "at": [round(self.at[0], 1), round(self.at[1], 1)], "start_min": 5,
                              **h["incident"]})
        label = h["label"]
        where = f"({self.at[0]:.0f}, {self.at[1]:.0f})"
        n_st = len(self.of_kind.get("station", []))
        desc_zh = (f"在导入地图「{mname['zh']}」上于 {where} 发生{label['zh']}。起始想定由 drillsim scenario new 生成："
                   f"队伍驻扎在地图中的 {n_st} 个驻地和医院，避难场所来自学校、公园和体育场，"
                   f"社区来自居民点。" + "；".join(n["zh"] for n in self.notes) + "。")
        desc_en = (f"A {label['en']} at {where} on the imported map {mname['en']}. Starting scenario made by "
                   f"drillsim scenario new: teams at the map's {n_st} bases and hospitals, shelters from schools, "
                   f"parks and stadiums, communities from settlements. " + "; ".join(n["en"] for n in self.notes) + ".")
        return {
            "version": 1,
            "meta": {"name": {"zh": f"{_joined(mname['zh'], label['zh'])}应急演练", "en": f"{mname['en']} {label['en']} drill"},
                     "description": {"zh": desc_zh, "en": desc_en},
                     "region": dict(mname), "start": "2026-06-01T09:00:00",
                     "duration_min": int(h["duration_min"]), "seed": 1},
            "map": {"dir": Path(os.path.relpath(self.map_dir.resolve(), self.out.resolve().parent)).as_posix()},
            "initial": {"open_shelters": opened},
            "seats": [
                {"id": "region_hq", "level": "区", "played": False, "name": {"zh": "上级应急指挥部", "en": "Regional HQ"}},
                {"id": "city_hq", "level": "市", "parent": "region_hq", "played": False,
                 "name": {"zh": "市应急指挥部", "en": "City HQ"}},
                {"id": "county_hq", "level": "县", "parent": "city_hq", "name": {"zh": "县应急指挥部", "en": "County HQ"}},
            ],
            "places": self.places,
            "units": self.units,
            "hazards": [spec],
            "incidents": incidents,
            "injects": [{"id": "M01", "time_min": 0, "from": "现场报告", "to": "county_hq",
                         "message": {"zh": f"{where}：{h['report']['zh']}", "en": f"{where}: {h['report']['en']}"},
                         "expected_action": {"op": "dispatch"}, "deadline_min": 30, "objective": "先期处置 First response"}],
            "plan": {"use": self.hazard},
        }

    def _teams(self, fires: list[dict[str, Any]]) -> None:
        teams = self.rules["teams"]
        for utype, t in teams.items():
            bases = self.nearest("hospital") if utype == "medical" else self.nearest("station", unit_type=utype)
            if utype == "fire_rescue":
                bases = fires
            for k, b in enumerate(bases[: int(t["max_bases"])], start=1):
                self.units.append(self._unit(f"{utype}{k}", utype, b["id"], t,
                                             {"zh": f"{b['name']['zh']}{t['name']['zh']}" if utype == "medical"
                                              else b["name"]["zh"],
                                              "en": f"{b['name']['en']} {t['name']['en']}" if utype == "medical"
                                              else b["name"]["en"]}))
        for t in self.rules["county_teams"] + self.h.get("teams", []):
            base = fires[0]["id"] if t.get("at") == "fire" else "dep_county"
            self.units.append(self._unit(t["id"], t["type"], base, t, t["name"]))

    @staticmethod
    def _unit(uid: str, utype: str, base: str, t: dict[str, Any], name: dict[str, str]) -> dict[str, Any]:
        u: dict[str, Any] = {"id": uid, "type": utype, "base": base, "size": int(t["size"]),
                             "owner": "county_hq", "name": dict(name)}
        if int(t.get("count", 1)) > 1:
            u["count"] = int(t["count"])
        for k in ("capacity", "level"):
            if k in t:
                u[k] = t[k]
        return u

    def _hazard_spec(self) -> dict[str, Any]:
        h = self.h
        spec: dict[str, Any] = {"type": self.hazard, "id": "h1",
                                "name": {"zh": f"{self.m.name['zh']}{h['label']['zh']}",
                                         "en": f"{self.m.name['en']} {h['label']['en']}"},
                                "at": [round(self.at[0], 1), round(self.at[1], 1)], "start_min": 0}
        params = yaml.safe_load(yaml.safe_dump(h["spec"]))  # a deep copy
        if self.hazard == "flood":
            ground = self.m.elevation.sample(*self.at, default=0.0) if self.m.elevation is not None else 0.0
            params["hydrograph"] = [{"at_min": s["at_min"], "stage_m": round(ground + s["rise_m"], 2)}
                                    for s in h["stage_above_ground_m"]]
            b = params["breach"]
            b["bottom_elevation_m"] = round(ground + b.pop("bottom_above_ground_m"), 2)
        if self.hazard == "chemical":
            plant = self.nearest("plant", 1, chemical=True)
            if plant and self.dist(plant[0]) <= 300:
                spec["plant"] = plant[0]["id"]
        return {**spec, **params}

    def yaml(self) -> str:
        data = self.build()
        schema = os.path.relpath(resources("scenario.schema.json"), self.out.resolve().parent)
        head = (f"# yaml-language-server: $schema={Path(schema).as_posix()}\n"
                f"# {data['meta']['name']['zh']} / {data['meta']['name']['en']}\n"
                f"# made by: drillsim scenario new --hazard {self.hazard} --at {self.at[0]:g},{self.at[1]:g}\n")
        return head + yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=110,
                                default_flow_style=None)


class _NoAliases(yaml.SafeDumper):
    """Write shared values (a depot's point reused by the command post) in full, not as &anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_scenario(text: str, out: Path, force: bool = False) -> None:
    """Write ``text`` to ``out`` whole (temp file, then rename); never over a file unless ``force``."""
    out = Path(out)
    if out.exists() and not force:
        raise InputError(Problem(str(out), 1, 1, "the file exists; use --force to replace it or choose another -o"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)


def _joined(place: str, what: str) -> str:
    """Chinese runs on without a space (青石县6.0级地震), a Latin map name keeps one (town 6.0级地震)."""
    return f"{place} {what}" if place[-1:].isascii() and place[-1:].isalnum() else place + what
