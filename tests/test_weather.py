"""Seeded weather uncertainty: the drawn errors have the specified moments, runs are reproducible per seed,
the block absent (or all spreads 0) is today's drill bit for bit, and the draw moves the plume, fire and flood."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from hazard_world import grid_world

from drillsim.cli.main import main
from drillsim.core.paths import scenarios_dir
from drillsim.core.rng import RandomStreams
from drillsim.exercise.wording import describe
from drillsim.hazards import weather
from drillsim.hazards.flood import _series
from drillsim.hazards.registry import build_hazard
from drillsim.response.simulation import Simulation
from drillsim.scenario import load_scenario

N_SEEDS = 4000
"""Fixed seeds 0..N-1: the statistics are the same numbers on every run of the suite (never flaky);
the tolerances are about 4 standard errors, so a wrong sd, cv or correlation fails them."""

CHEM = scenarios_dir() / "lanxi_chemical.yaml"
FIRE = scenarios_dir() / "qinglong_wildfire.yaml"
FLOOD = scenarios_dir() / "lanxi_flood.yaml"

# digests of the shipped scenarios before weather uncertainty existed (DrillSim main 38f3e08), with the
# uncertainty block taken out again: `drillsim run FILE [--until 120] --json`
# Digests of today's drills (uncertainty block out). Updated when the shipped scenarios gave their injects'
# from/objective as {zh, en} (inject.sent carries them): the same code on the previous scenario files still
# gives 2f789f0a…, 2fe4160a…, 94efb85a…. The chemical digest changed again when the shelter-in-place
# advice got full-width commas in Chinese (one chemical.advice message; the code before gives a422e67f…).
TODAY = {("lanxi_chemical", None): "af4410226b18abde322fc0dff9122302eecc327f48d2f42c7b84d438b82e1b08",
         ("qinglong_wildfire", 120): "afbe3257c0f53f10d21001a84c8af44987f147df7c16fde35de1e1b11ae80ba6",
         ("lanxi_flood", 120): "4b121ca5b0877c1a45c3dafff266111f2b258e7b291dd7ba7277acdc3d2f3c45"}
OLD_SEED = {"lanxi_chemical": 908}  # the shipped seed before it was chosen for the drawn weather


def _moments(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1))


# ---------------------------------------------------------------- the process itself


def test_drawn_wind_errors_have_the_specified_mean_sd_and_correlation():
    cfg = {"wind_dir_sd_deg": 30.0, "wind_speed_cv": 0.4, "decorrelation_min": 180.0, "step_min": 60.0}
    forecast = [{"at_min": 0.0, "speed_m_s": 3.0, "from_deg": 180.0}, {"at_min": 90.0, "speed_m_s": 5.0, "from_deg": 200.0}]
    d, f = [], []
    for seed in range(N_SEEDS):
        rs = RandomStreams(seed)
        rows = weather.draw_wind(forecast, cfg, rs.get(weather.stream("cl2", "wind_dir")),
                                 rs.get(weather.stream("cl2", "wind_speed")), horizon=240.0)
        assert [r["at_min"] for r in rows] == [0.0, 60.0, 90.0, 120.0, 180.0]
        d.append([r["d_from_deg"] for r in rows])
        f.append([r["speed_factor"] for r in rows])
        # the model's wind is the forecast row in force plus the drawn error
        assert rows[2]["speed_m_s"] == pytest.approx(5.0 * rows[2]["speed_factor"], abs=1e-3)
        assert (rows[3]["from_deg"] - rows[3]["d_from_deg"] - 200.0 + 180.0) % 360.0 == pytest.approx(180.0, abs=0.011)
    d, f = np.array(d), np.array(f)
    se_d = 30.0 / math.sqrt(N_SEEDS)
    for k in range(d.shape[1]):  # stationary: the same moments at every time
        mean, sd = _moments(d[:, k])
        assert abs(mean) < 4 * se_d and sd == pytest.approx(30.0, rel=0.045)
        mean, sd = _moments(f[:, k])
        assert mean == pytest.approx(1.0, abs=4 * 0.4 / math.sqrt(N_SEEDS)) and sd / mean == pytest.approx(0.4, rel=0.06)
    for a, b, lag in ((0, 1, 60.0), (0, 4, 180.0), (1, 2, 30.0)):  # OU: correlation exp(-lag / tau)
        assert np.corrcoef(d[:, a], d[:, b])[0, 1] == pytest.approx(math.exp(-lag / 180.0), abs=0.03)
        assert np.corrcoef(np.log(f[:, a]), np.log(f[:, b]))[0, 1] == pytest.approx(math.exp(-lag / 180.0), abs=0.03)
    # direction and speed come from separate streams: independent
    assert abs(np.corrcoef(d[:, 0], np.log(f[:, 0]))[0, 1]) < 0.05


def test_drawn_stage_error_and_rain_factor_moments():
    cfg = {"stage_sd_m": 0.15, "decorrelation_min": 360.0, "step_min": 60.0}
    tv = (np.array([0.0, 180.0, 480.0]), np.array([55.0, 55.8, 55.5]))
    errs, rain = [], []
    for seed in range(N_SEEDS):
        rs = RandomStreams(seed)
        pts = weather.draw_series(tv, rs.get(weather.stream("b1", "stage")), cfg, horizon=720.0, sd=0.15)
        assert pts[-1][0] == 720.0 and len(pts) == 13  # 0, 60, ..., 720: linear to the end of the flood
        base = np.interp([p[0] for p in pts], *tv)
        assert np.allclose([p[1] - p[2] for p in pts], base, atol=1e-3)
        errs.append([p[2] for p in pts])
        rain.append(float(weather.lognormal_factor(rs.get(weather.stream("b1", "rain")).standard_normal(), 0.5)))
    errs, rain = np.array(errs), np.array(rain)
    for k in (0, 6, 12):
        mean, sd = _moments(errs[:, k])
        assert abs(mean) < 4 * 0.15 / math.sqrt(N_SEEDS) and sd == pytest.approx(0.15, rel=0.045)
    assert np.corrcoef(errs[:, 0], errs[:, 6])[0, 1] == pytest.approx(math.exp(-1.0), abs=0.03)
    mean, sd = _moments(rain)
    assert mean == pytest.approx(1.0, abs=0.04) and sd / mean == pytest.approx(0.5, rel=0.08)
    assert (rain > 0).all()


def test_breakpoints_and_activity():
    assert weather.breakpoints([45.0], 60.0, 240.0) == [0.0, 45.0, 60.0, 120.0, 180.0]
    assert weather.breakpoints([45.0, 300.0], 60.0, 240.0, end=True) == [0.0, 45.0, 60.0, 120.0, 180.0, 240.0]
    assert weather.active({"wind_dir_sd_deg": 30}) and weather.active({"stage_sd_m": 0.1})
    assert not weather.active(None) and not weather.active({}) and not weather.active({"decorrelation_min": 60})
    assert not weather.active({"wind_dir_sd_deg": 0, "wind_speed_cv": 0.0})


# ---------------------------------------------------------------- reproducibility and today's drills


def _stripped(src: Path, tmp_path: Path, **unc) -> Path:
    """The shipped scenario with its uncertainty block replaced by ``unc`` (or taken out), at its old seed."""
    text = src.read_text(encoding="utf-8")
    text = re.sub(r"\n    uncertainty: \{[^}]*\}", "", text)
    if src.stem in OLD_SEED:
        text = re.sub(r"\n  seed: \d+", f"\n  seed: {OLD_SEED[src.stem]}", text)
    if unc:
        text = text.replace("\nincidents:", "\n    uncertainty: " + json.dumps(unc) + "\nincidents:", 1)
    out = tmp_path / src.name
    out.write_text(text, encoding="utf-8")
    return out


def _run(path: Path, capsys, *args: str) -> dict:
    assert main(["run", str(path), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.parametrize("src", [CHEM, FIRE, FLOOD], ids=lambda p: p.stem)
def test_block_absent_or_all_zero_is_todays_drill(src, tmp_path, capsys):
    until = next(u for (name, u) in TODAY if name == src.stem)
    args = ["--until", str(until)] if until else []
    plain = _run(_stripped(src, tmp_path), capsys, *args)
    assert plain["digest"] == TODAY[(src.stem, until)]
    zero = {"wind_dir_sd_deg": 0, "wind_speed_cv": 0} if src != FLOOD else {"stage_sd_m": 0, "decorrelation_min": 60}
    (tmp_path / "z").mkdir()
    assert _run(_stripped(src, tmp_path / "z", **zero), capsys, *args)["digest"] == plain["digest"]


def test_same_seed_same_drill_other_seed_other_weather(capsys):
    a = _run(CHEM, capsys, "--until", "90")
    assert _run(CHEM, capsys, "--until", "90")["digest"] == a["digest"]
    b = _run(CHEM, capsys, "--until", "90", "--seed", "915")
    assert b["digest"] != a["digest"]
    sc = load_scenario(CHEM)
    w = [Simulation(sc, seed=s).hazards["cl2"].weather["wind"] for s in (914, 914, 915)]
    assert w[0] == w[1] != w[2]


def test_shipped_draws_are_recorded_as_the_models_use_them():
    sims = {p.stem: Simulation(load_scenario(p)) for p in (CHEM, FIRE, FLOOD)}
    cl2 = sims["lanxi_chemical"].hazards["cl2"]
    assert cl2.forecast_wind[0]["from"] == 12.0 and cl2.wind[0]["from"] == cl2.weather["wind"][0]["from_deg"]
    assert [r["at_min"] for r in cl2.weather["wind"][:4]] == [0.0, 45.0, 60.0, 120.0]
    fire = sims["qinglong_wildfire"].hazards["fire1"]
    fg = fire.ensure()
    assert [s[0] for s in fg.wind] == [0.0, 180.0, 300.0, 360.0, 540.0]
    dm = fire.weather["d_dead_moisture"]
    assert fg.moisture["d1h"] == fire.weather["fuel_moisture"]["d1h"] == pytest.approx(max(0.03, 0.05 + dm), abs=1e-9)
    assert fg.moisture["d100h"] == pytest.approx(max(0.05, 0.08 + dm), abs=1e-9)
    flood = sims["lanxi_flood"].hazards["breach1"]
    fr = flood.ensure()
    drawn = flood.weather["stage"]
    assert fr.stage(60.0) == pytest.approx(drawn[1]["stage_m"]) and fr.stage(90.0) == pytest.approx(
        (drawn[1]["stage_m"] + drawn[2]["stage_m"]) / 2)
    assert drawn[1]["stage_m"] - drawn[1]["d_stage_m"] == pytest.approx(float(np.interp(60, *_series(
        flood.spec["hydrograph"], "stage_m"))), abs=1e-3)


# ---------------------------------------------------------------- the draw moves the hazards

COMMUNITIES = [{"id": "south", "name": {"zh": "南村", "en": "South"}, "at": [0, -1500], "population": 1000}]


def _chem(ctx, unc=None):
    spec = {"type": "chemical", "id": "leak", "at": [0, 0], "start_min": 0, "substance": "chlorine",
            "rate_kg_s": 5.0, "duration_min": 60, "wind": {"speed_m_s": 3.0, "from_deg": 0}, "stability": "D"}
    if unc:
        spec["uncertainty"] = unc
    return build_hazard(spec, ctx)


def test_plume_footprint_moves_with_the_draw():
    *_, ctx = grid_world(COMMUNITIES, bridges=False)
    zones = {}
    for seed in (1, 2, 3):
        ctx.world.rng = RandomStreams(seed)
        h = _chem(ctx, {"wind_dir_sd_deg": 30, "wind_speed_cv": 0.4})
        h.started_at = 0.0
        zones[seed] = np.array(h.overlay(20.0, n=60)["values"])
        assert (zones[seed] >= 2).sum() > 0
    plain = _chem(ctx)
    plain.started_at = 0.0
    base = np.array(plain.overlay(20.0, n=60)["values"])
    assert all(not np.array_equal(z, base) for z in zones.values())
    assert not np.array_equal(zones[1], zones[2]) and not np.array_equal(zones[2], zones[3])


def test_drawn_fuel_moisture_error_moments_and_floor():
    *_, ctx = grid_world(COMMUNITIES, bridges=False)
    spec = {"type": "wildfire", "id": "f", "at": [0, 0], "start_min": 0, "fuel_model": 1,
            "fuel_moisture": {"d1h": 0.08, "d10h": 0.09, "d100h": 0.10},
            "uncertainty": {"dead_fuel_moisture_sd": 0.016}}
    dm, d1 = [], []
    for seed in range(1500):
        ctx.world.rng = RandomStreams(seed)
        w = build_hazard(spec, ctx).weather
        dm.append(w["d_dead_moisture"])
        d1.append(w["fuel_moisture"]["d1h"])
        assert w["wind"][0]["d_from_deg"] == 0.0 and w["wind"][0]["speed_factor"] == 1.0  # no wind spread given
    mean, sd = _moments(np.array(dm))
    assert abs(mean) < 4 * 0.016 / math.sqrt(1500) and sd == pytest.approx(0.016, rel=0.08)
    assert min(d1) == 0.03 and np.allclose(np.array(d1), np.maximum(0.03, 0.08 + np.array(dm)))


def test_fire_area_changes_with_the_draw():
    *_, ctx = grid_world(COMMUNITIES, bridges=False)
    spec = {"type": "wildfire", "id": "f", "at": [0, 0], "start_min": 0, "fuel_model": 1, "grid_cell_m": 50,
            "duration_min": 120, "wind": {"speed_m_s": 5.0, "from_deg": 270}}
    areas = []
    for seed, unc in ((0, None), (1, {"wind_speed_cv": 0.3, "wind_dir_sd_deg": 20, "dead_fuel_moisture_sd": 0.016}),
                      (2, {"wind_speed_cv": 0.3, "wind_dir_sd_deg": 20, "dead_fuel_moisture_sd": 0.016})):
        ctx.world.rng = RandomStreams(seed)
        h = build_hazard(dict(spec, uncertainty=unc) if unc else spec, ctx)
        areas.append(h.ensure().stats(120.0)["burned_area_ha"])
    assert areas[0] > 0 and len(set(areas)) == 3


def test_flood_depth_changes_with_the_draw():
    from drillsim.hazards.flood import Flood
    from drillsim.scenario.maps import load_map

    m = load_map()
    sc = load_scenario(FLOOD)
    vols = {seed: Simulation(sc, seed=seed, map_data=m).hazards["breach1"].ensure().stats(120.0)["volume_m3"]
            for seed in (721, 722)}
    spec = {k: v for k, v in sc.hazards[0].items() if k != "uncertainty"}
    base = Flood(spec, None, map_data=m).ensure().stats(120.0)
    assert len({vols[721], vols[722], base["volume_m3"]}) == 3
    assert all(abs(v / base["volume_m3"] - 1) < 0.5 for v in vols.values())  # a stage error, not a new flood


def test_batch_on_the_shipped_chemical_scenario_has_a_spread_in_exposure(tmp_path):
    from drillsim.batch.evaluate import Batch, execute
    from drillsim.batch.results import ResultsFile

    b = Batch(CHEM, 8, [], until=60.0)
    res = ResultsFile(tmp_path / "r.csv")
    out = execute(b, b.specs, res, workers=0)
    assert out.done == 8 and not out.failed
    pm = [float(r["person_minutes_above_aegl2"]) for r in res.rows]
    assert len(set(pm)) > 2 and np.std(pm) > 0
    assert len({r["digest"] for r in res.rows}) == 8


# ---------------------------------------------------------------- events, archive, replay


def test_weather_event_is_in_the_stream_archive_and_replay(tmp_path, capsys):
    arc = tmp_path / "cl.drill"
    assert main(["run", str(CHEM), "--until", "30", "--record", str(arc)]) == 0
    capsys.readouterr()
    from drillsim.record import Archive

    with Archive.open(arc) as a:
        evs = list(a.events(types="hazard.weather"))
        assert len(evs) == 1 and evs[0].t == 0.0
        d = evs[0].data
        assert d["id"] == "cl2" and d["hazard"] == "chemical"
        assert d["uncertainty"] == {"wind_dir_sd_deg": 30.0, "wind_speed_cv": 0.4, "decorrelation_min": 180.0,
                                    "step_min": 60.0}
        sim = Simulation(load_scenario(CHEM))
        assert len(d["wind"]) >= 3 and d["wind"] == sim.hazards["cl2"].weather["wind"][:len(d["wind"])]
        st = a.state_at(20.0)
        from drillsim.report.maps import MapData

        rebuilt = MapData(a).hazards["cl2"]  # the report's maps (and the GUI replay) redraw the same plume
        assert rebuilt.weather["wind"][:len(d["wind"])] == d["wind"]
    h = next(h for h in st["hazards"] if h["id"] == "cl2")
    assert h["last"]["hazard.weather"]["wind"] == d["wind"]
    assert main(["replay", str(arc), "--at", "20"]) == 0
    out = capsys.readouterr().out
    first = d["wind"][0]
    assert describe(evs[0], "zh") in out and f"风向 {first['from_deg']:.0f}°" in out
    assert main(["--lang", "en", "replay", str(arc), "--at", "20"]) == 0
    out = capsys.readouterr().out
    assert describe(evs[0], "en") in out and f"Weather drawn for cl2 in this run (first of {len(d['wind'])} periods)" in out


def test_invalid_uncertainty_is_refused_with_its_place(tmp_path, capsys):
    src = CHEM.read_text(encoding="utf-8")
    bad = src.replace("uncertainty: {wind_dir_sd_deg: 30, wind_speed_cv: 0.4, decorrelation_min: 180}",
                      "uncertainty: {wind_dir_sd: 30, wind_speed_cv: -0.4, decorrelation_min: 0, stage_sd_m: 1}")
    assert bad != src
    f = tmp_path / "bad.yaml"
    f.write_text(bad, encoding="utf-8")
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    line = next(i for i, t in enumerate(bad.splitlines(), 1) if "wind_dir_sd:" in t)
    col = bad.splitlines()[line - 1].index("wind_dir_sd:") + 1
    assert f"{f}:{line}:{col}: hazards[0].uncertainty: unknown key 'wind_dir_sd'; did you mean 'wind_dir_sd_deg'?" in err
    assert "hazards[0].uncertainty.wind_speed_cv: must be at least 0 (found -0.4)" in err
    assert "hazards[0].uncertainty.decorrelation_min: must be more than 0 (found 0)" in err
    assert "hazards[0].uncertainty: unknown key 'stage_sd_m'" in err  # a flood key on a chemical hazard
    assert "Traceback" not in err
    # the hazard block itself: a misspelt 'uncertainty' on a fire is named (the fire refuses unknown keys now)
    fire = FIRE.read_text(encoding="utf-8").replace("    uncertainty: {", "    uncertanty: {")
    f2 = tmp_path / "fire.yaml"
    f2.write_text(fire, encoding="utf-8")
    assert main(["validate", str(f2)]) == 2
    assert "unknown key 'uncertanty'; did you mean 'uncertainty'?" in capsys.readouterr().err
    # a flood error with nothing to act on
    flood = yaml.safe_load(FLOOD.read_text(encoding="utf-8"))
    flood["hazards"][0]["uncertainty"] = {"rain_cv": 0.5, "stage_sd_m": 0.2}
    f3 = tmp_path / "flood.yaml"
    f3.write_text(yaml.safe_dump(flood, allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(f3)]) == 2
    err = capsys.readouterr().err
    assert "hazards[0].uncertainty.rain_cv: this flood has no rainfall for the error to act on" in err
    assert "stage_sd_m" not in err
