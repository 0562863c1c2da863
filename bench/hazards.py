"""Hazard model benchmarks: ``python bench/hazards.py``.

Each benchmark is one function ``bench_NAME() -> (key, seconds, note)`` listed in
BENCHES; the last printed line is a JSON object {key: seconds, ...}. To add one
(e.g. plume_200_ms, intensity_200_ms), write a function and append it to BENCHES.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drillsim.core.grid import Grid  # noqa: E402


def _terrain(n: int, cell: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n] * cell
    z = 200 + 150 * np.sin(x / 4000.0) * np.cos(y / 5000.0)
    return z + rng.normal(0, 2, (n, n))


def bench_fire():
    """Rothermel + MTT, 500 x 500 cells of 30 m, mixed Albini fuels, hilly terrain, 12 h."""
    from drillsim.hazards.wildfire import FireGrid

    n, cell = 500, 30.0
    rng = np.random.default_rng(2)
    fuel = rng.choice([1, 2, 5, 8, 9, 10], size=(n, n))
    fuel[:, 300:303] = 0  # a road / firebreak
    spec = {"model": "rothermel", "wind": {"speed_m_s": 5.0, "from_deg": 225},
            "fuel_moisture": {"d1h": 0.06, "d10h": 0.07, "d100h": 0.08, "live_herb": 0.9, "live_woody": 1.0},
            "duration_min": 720}
    t = time.perf_counter()
    fg = FireGrid(Grid(0, 0, cell, np.zeros((n, n))), _terrain(n, cell), fuel, spec)
    fg.run(np.array([250 * n + 150]), np.array([0.0]))
    dt = time.perf_counter() - t
    st = fg.stats(720)
    return "fire_500x500_12h_s", dt, f"burned {st['burned_area_ha']:.0f} ha, head {st['head_spread_rate_m_min']:.1f} m/min"


def bench_flood():
    """Dike breach, local inertial model, 500 x 500 cells of 50 m, 12 h simulated."""
    import networkx as nx

    from drillsim.hazards.flood import FloodRun
    from drillsim.scenario.maps import MapData

    n, cell = 500, 50.0
    y, x = np.mgrid[0:n, 0:n] * cell + cell / 2
    z = 20.0 + 0.0004 * (n * cell - y) + 0.0002 * np.abs(x - n * cell / 2)
    g = nx.Graph()
    g.add_node(0, x=0.0, y=0.0)
    md = MapData(name={"zh": "b", "en": "b"}, graph=g, elevation=Grid(0, 0, cell, z),
                 rivers=[[[0, n * cell - 100], [n * cell, n * cell - 100]]],
                 dikes=[{"line": [[0, n * cell - 200], [n * cell, n * cell - 200]]}])
    spec = {"at": [n * cell / 2, n * cell - 200], "source": "river",
            "hydrograph": [{"at_min": 0, "stage_m": 24.0}, {"at_min": 360, "stage_m": 25.0},
                           {"at_min": 720, "stage_m": 23.5}],
            "breach": {"final_width_m": 150, "bottom_elevation_m": 20.0, "formation_min": 60,
                       "crest_elevation_m": 26.0}, "grid_cell_m": cell, "duration_min": 720}
    t = time.perf_counter()
    fr = FloodRun(spec, md, tuple(spec["at"]))
    fr.advance(720)
    dt = time.perf_counter() - t
    st = fr.stats(720)
    mb = abs(fr.model.volume - fr.out_volume) / fr.out_volume
    return "flood_500x500_12h_s", dt, (f"{st['flooded_area_km2']:.1f} km2, max depth {st['max_depth_m']:.2f} m, "
                                       f"volume {st['volume_m3'] / 1e6:.1f} Mm3, mass error {mb:.1e}")


def _best_ms(f, repeats: int = 7) -> float:
    f()
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best * 1000.0


def bench_plume():
    """Gaussian plume field on a 200 x 200 grid (goal <= 50 ms)."""
    from drillsim.hazards import chemical as ch

    h = ch.ChemicalRelease({"type": "chemical", "id": "c", "at": [0, 0], "start_min": 0, "substance": "chlorine",
                            "rate_kg_s": 2, "duration_min": 60, "wind": {"speed_m_s": 3, "from_deg": 270},
                            "stability": "D"})
    x = np.linspace(-5000, 5000, 200)
    X, Y = np.meshgrid(x, x)
    ms = _best_ms(lambda: h.concentration(X, Y, 30.0))
    return "plume_200_ms", ms / 1000.0, "best of 7, chlorine 2 kg/s, class D"


def bench_intensity():
    """Elliptical intensity field on a 200 x 200 grid (goal <= 20 ms)."""
    from drillsim.hazards import earthquake as eq

    c = eq.coefficients("wang2000", "west")
    x = np.linspace(-50000, 50000, 200)
    X, Y = np.meshgrid(x, x)
    ms = _best_ms(lambda: eq.intensity_field(X, Y, (0, 0), 7.0, 45.0, c))
    return "intensity_200_ms", ms / 1000.0, "best of 7, M7.0, wang2000 west"


BENCHES = [bench_fire, bench_flood, bench_plume, bench_intensity]


def main() -> None:
    out = {}
    for fn in BENCHES:
        key, secs, note = fn()
        out[key] = round(secs * 1000.0, 2) if key.endswith("_ms") else round(secs, 3)
        shown = f"{secs * 1000.0:8.2f} ms" if key.endswith("_ms") else f"{secs:8.3f} s "
        print(f"{key:28s} {shown}   {note}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
