"""Shared helpers for the engine benchmarks: timing, memory, the scaled drill.

``scaled_drill`` builds the demo drill's kind of scenario on a synthetic
``grid_city`` map in code (no YAML), with fixed seeds so every run of a bench
simulates exactly the same thing.
"""

from __future__ import annotations

import json
import platform
import resource
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from drillsim.scenario.loader import build_units, default_supplies  # noqa: E402
from drillsim.scenario.maps import MapData  # noqa: E402
from drillsim.scenario.model import IncidentSpec, MapSpec, Meta, Scenario  # noqa: E402

# (type, share of units, capacity) -- every task kind has capable units:
# rescue (fire_rescue, earthquake_rescue, army, volunteer), transport (medical),
# evacuate (transport, army, militia, volunteer), deliver (transport, army),
# clear_road (fire_rescue, earthquake_rescue, army, engineering).
UNIT_MIX = [
    ("fire_rescue", 0.25, {}, 20),
    ("earthquake_rescue", 0.05, {}, 40),
    ("medical", 0.20, {"people": 2}, 3),
    ("transport", 0.20, {"people": 45, "cargo_t": 8}, 2),
    ("army", 0.10, {"people": 20, "cargo_t": 5}, 60),
    ("militia", 0.10, {"people": 20}, 30),
    ("engineering", 0.05, {}, 12),
    ("volunteer", 0.05, {"people": 10}, 15),
]

# Incident recipes and their share of incidents; the task count per recipe is len(needs).
RECIPES = [("rescue+transport", 0.25), ("rescue", 0.19), ("evacuate", 0.19),
           ("deliver", 0.25), ("clear_road", 0.12)]


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / 2**20


def timer() -> float:
    return time.perf_counter()


def env_info() -> dict[str, Any]:
    return {"python": platform.python_version(), "machine": platform.machine()}


def emit_json(obj: dict[str, Any]) -> None:
    """Print the result as the last line (one JSON object, for scripts and CI)."""
    print(json.dumps(obj, sort_keys=True))


def scaled_units(map_data: MapData, n_units: int, seed: int) -> list[dict[str, Any]]:
    """``n_units`` unit entries of mixed types, based at the map's stations."""
    rng = np.random.default_rng(seed)
    stations = [p["id"] for p in map_data.places if p["kind"] == "station"]
    out = []
    k = 0
    for utype, share, cap, size in UNIT_MIX:
        count = max(1, round(n_units * share))
        if utype == UNIT_MIX[-1][0]:
            count = max(1, n_units - k)
        for _ in range(count):
            k += 1
            out.append({"id": f"u{k:05d}", "type": utype, "base": stations[int(rng.integers(len(stations)))],
                        "size": size, "capacity": dict(cap)})
    return out[:n_units]


def scaled_incidents(map_data: MapData, n_tasks: int, hours: float, seed: int) -> tuple[
        list[IncidentSpec], list[tuple[float, str]]]:
    """Incidents with about ``n_tasks`` tasks spread over ``hours``; and (t, road id) closures.

    Each clear_road incident needs a road that is closed just before the incident is reported.
    """
    rng = np.random.default_rng(seed)
    places = map_data.places
    comms = [p["id"] for p in places if p["kind"] == "community"]
    shelters = [p["id"] for p in places if p["kind"] == "shelter"]
    nodes = list(map_data.graph.nodes)
    xs = {n: (map_data.graph.nodes[n]["x"], map_data.graph.nodes[n]["y"]) for n in nodes[:: max(1, len(nodes) // 5000)]}
    sample_nodes = list(xs)
    road_ids = [d["id"] for _, _, d in map_data.graph.edges(data=True)]
    names, shares = zip(*RECIPES, strict=True)
    per_inc = np.array([2 if n == "rescue+transport" else 1 for n in names], dtype=float)
    n_inc = int(round(n_tasks / float(np.dot(shares, per_inc))))
    incidents, closures = [], []
    tasks = 0
    for i in range(n_inc):
        if tasks >= n_tasks:
            break
        recipe = names[int(rng.choice(len(names), p=np.array(shares) / sum(shares)))]
        t = float(rng.uniform(0, hours * 60 * 0.9))
        prio = int(rng.integers(1, 5))
        at, place = None, None
        if recipe.startswith("rescue"):
            at = xs[sample_nodes[int(rng.integers(len(sample_nodes)))]]
            needs: dict[str, Any] = {"rescue": int(rng.integers(1, 11))}
            if recipe == "rescue+transport":
                needs["transport"] = int(rng.integers(1, 4))
        elif recipe == "evacuate":
            needs = {"evacuate": {"community": comms[int(rng.integers(len(comms)))],
                                  "people": int(rng.integers(20, 200))}}
        elif recipe == "deliver":
            place = shelters[int(rng.integers(len(shelters)))]
            needs = {"deliver": {"to": place, "items": {"water": int(rng.integers(100, 2000)),
                                                        "food": int(rng.integers(100, 2000)),
                                                        "tent": int(rng.integers(0, 20))}}}
        else:
            road = road_ids[int(rng.integers(len(road_ids)))]
            needs = {"clear_road": road}
            closures.append((t, road))
        tasks += len(needs)
        incidents.append(IncidentSpec(f"i{i:05d}", {"zh": recipe, "en": recipe},
                                      None if at is None else (float(at[0]), float(at[1])), place, t, prio,
                                      needs))
    return incidents, closures


def scaled_scenario(map_data: MapData, n_units: int, n_tasks: int, hours: float,
                    seed: int) -> tuple[Scenario, list[tuple[float, str]]]:
    """The scaled drill: units, incidents over ``hours`` and the road closures to schedule."""
    incidents, closures = scaled_incidents(map_data, n_tasks, hours, seed + 1)
    sc = Scenario(
        meta=Meta({"zh": "规模测试", "en": "scale bench"}, {"zh": "", "en": ""}, {"zh": "", "en": ""},
                  datetime(2026, 6, 12, 14, 28), hours * 60.0, seed),
        map=MapSpec(builtin=None), places=[], units=build_units(scaled_units(map_data, n_units, seed)),
        supplies=default_supplies(), incidents=incidents, hazards=[])
    return sc, closures
