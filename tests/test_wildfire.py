"""Wildfire: Rothermel / Albini fuel models, Wang Zhengfei, MTT growth, SimPy coupling."""

from __future__ import annotations

import numpy as np
import pytest

from drillsim.core.grid import Grid
from drillsim.hazards.fire import rothermel as roth
from drillsim.hazards.fire import wang
from drillsim.hazards.wildfire import FireGrid, Wildfire

MOIST_8 = {"d1h": 0.08, "d10h": 0.08, "d100h": 0.08, "live_herb": 1.0, "live_woody": 1.0}
MPH = 0.44704

# Anderson, H.E. 1982. Aids to determining fuel models for estimating fire behavior.
# USDA For. Serv. Gen. Tech. Rep. INT-122, Table 1 ("rate of spread, chains/h" and
# "flame length, ft") computed for 8 % dead fuel moisture, 100 % live fuel moisture
# and a 5 mi/h midflame wind on level ground.
ANDERSON_1982 = {1: (78, 4), 2: (35, 6), 3: (104, 12), 4: (75, 19), 5: (18, 4), 6: (32, 6),
                 7: (20, 5), 8: (1.6, 1), 9: (7.5, 2.6), 10: (7.9, 4.8), 11: (6.0, 3.5),
                 12: (13, 8), 13: (13.5, 10.5)}
# FM5 and FM7 are not reproducible from the Rothermel-Albini equations as BehavePlus
# computes them (see the BehavePlus 5 check below and docs/models-wildfire.md): the
# equations give 14.5 and 26.1 ch/h. They are checked against the equations' own
# sensitivity instead (test_fm5_fm7_anderson_values_bracketed_by_live_moisture).
ANDERSON_REPRODUCED = sorted(set(ANDERSON_1982) - {5, 7})


@pytest.mark.parametrize("fm", ANDERSON_REPRODUCED)
def test_rothermel_matches_anderson_1982_table(fm):
    ros_ch_h, flame_ft = ANDERSON_1982[fm]
    r = roth.behave(fm, MOIST_8, midflame_wind_m_s=5 * MPH)
    # stated tolerance: rate of spread within 10 %, flame length within the table's
    # rounding (whole feet above 5 ft, else 0.5 ft) plus 5 %
    assert r["ros_head_m_min"] / roth.CH_PER_H_TO_M_MIN == pytest.approx(ros_ch_h, rel=0.10)
    step = 1.0 if flame_ft >= 5 else 0.5
    assert abs(r["flame_m"] / roth.FT - flame_ft) <= step / 2 + 0.05 * flame_ft


def test_fm5_fm7_anderson_values_bracketed_by_live_moisture():
    """FM5 sits on the live-extinction knife edge: M_x,live = 107.8 % at 8 % dead moisture,
    so 100 % live moisture damps the live fuel to eta_M = 0.19 and the rate falls from
    26.7 (80 %) to 14.5 ch/h (100 %). Anderson's 18 ch/h lies inside that band; FM7's 20
    ch/h lies inside its 100-200 % band. Nothing in the equations moves both the same way."""
    def ros(fm, live):
        m = dict(MOIST_8, live_woody=live)
        return roth.behave(fm, m, midflame_wind_m_s=5 * MPH)["ros_head_m_min"] / roth.CH_PER_H_TO_M_MIN
    st5 = roth.fuel_state(5, MOIST_8)
    assert st5.mx_live == pytest.approx(1.078, abs=0.002)
    assert ros(5, 1.0) < ANDERSON_1982[5][0] < ros(5, 0.8)
    assert ros(7, 2.0) < ANDERSON_1982[7][0] < ros(7, 1.0)


# BehavePlus 5 SURFACE runs recorded in the GridFire test suite (pyregence/gridfire,
# test/gridfire/behaveplus_results.clj): Scott & Burgan (2005, RMRS-GTR-153) static fuel
# models with live woody fuel, moisture 1h/10h/100h 4/4/6 %, herb 30 %, woody 70 %.
# Columns: ROS no wind no slope (ch/h), flame length (ft), reaction intensity
# (Btu/ft2/min), live moisture of extinction (%), ROS at 10 mi/h midflame upslope on a
# 20 % slope (ch/h). These exercise every live-fuel term (M_x,live from W', the live
# heat sink, the f_i / f_ij and size-class weightings) that the 13 models share.
SB_MODELS = {  # depth ft, Mx dead, loads t/ac (1h, 10h, 100h, herb, woody), SAV 1h/herb/woody
    "SH2": (1.0, .15, (1.35, 2.4, .75, 0, 3.85), (2000, 1800, 1600)),
    "SH3": (2.4, .40, (.45, 3.0, 0, 0, 6.2), (1600, 1800, 1400)),
    "SH4": (3.0, .30, (.85, 1.15, .2, 0, 2.55), (2000, 1800, 1600)),
    "SH5": (6.0, .15, (3.6, 2.1, 0, 0, 2.9), (750, 1800, 1600)),
    "SH6": (2.0, .30, (2.9, 1.45, 0, 0, 1.4), (750, 1800, 1600)),
    "SH7": (6.0, .15, (3.5, 5.3, 2.2, 0, 3.4), (750, 1800, 1600)),
    "SH8": (3.0, .40, (2.05, 3.4, .85, 0, 4.35), (750, 1800, 1600)),
    "TU2": (1.0, .30, (.95, 1.8, 1.25, 0, .2), (2000, 1800, 1600)),
    "TU4": (0.5, .12, (4.5, 0, 0, 0, 2.0), (2300, 1800, 2000)),
    "TU5": (1.0, .25, (4, 4, 3, 0, 3), (1500, 1800, 750)),
}
BEHAVEPLUS5 = {
    "SH2": (0.8, 1.8, 6083, 124, 24.6), "SH3": (0.3, 0.8, 1981, 53, 12.6),
    "SH4": (1.8, 2.1, 3610, 128, 108.3), "SH5": (2.9, 3.6, 5720, 337, 174.2),
    "SH6": (1.6, 2.8, 5375, 670, 68.2), "SH7": (2.4, 3.8, 7668, 356, 113.6),
    "SH8": (1.7, 3.2, 8462, 197, 69.6), "TU2": (1.0, 1.2, 2059, 2392, 40.5),
    "TU4": (1.4, 2.2, 6882, 503, 46.4), "TU5": (1.2, 3.0, 9075, 737, 26.0),
}


@pytest.mark.parametrize("code", sorted(SB_MODELS))
def test_rothermel_reproduces_behaveplus5_live_fuel_models(code):
    depth, mx, loads, (s1, sh, sw) = SB_MODELS[code]
    fm = roth.FuelModel(0, tuple(x * roth.TONS_AC_TO_LB_FT2 for x in loads), (s1, 109, 30, sh, sw),
                        depth, mx, 8000, 32, 0.0555, 0.010, {})
    moist = {"d1h": .04, "d10h": .04, "d100h": .06, "live_herb": .30, "live_woody": .70}
    ros0, flame, ir, mx_live, ros_ws = BEHAVEPLUS5[code]
    st = roth.fuel_state(fm, moist)
    assert st.ir == pytest.approx(ir, abs=0.6)  # printed to 1 Btu/ft2/min
    assert st.mx_live * 100 == pytest.approx(mx_live, abs=0.6)
    calm = roth.spread(st, 0.0, 0.0, 0.0, 0.0)
    assert float(calm["ros_head_m_min"]) / roth.CH_PER_H_TO_M_MIN == pytest.approx(ros0, abs=0.051)
    assert float(calm["flame_m"]) / roth.FT == pytest.approx(flame, abs=0.051)
    windy = roth.spread(st, 10 * MPH, 0.0, 0.20, 0.0)
    assert float(windy["ros_head_m_min"]) / roth.CH_PER_H_TO_M_MIN == pytest.approx(ros_ws, abs=0.051)


def test_slope_and_wind_raise_spread_and_wind_limit_caps():
    base = roth.behave(1, MOIST_8)
    upslope = roth.behave(1, MOIST_8, slope_pct=30)
    assert upslope["ros_head_m_min"] > base["ros_head_m_min"] > 0
    capped = roth.behave(8, MOIST_8, midflame_wind_m_s=30.0)
    free = roth.behave(8, MOIST_8, midflame_wind_m_s=30.0, wind_limit=False)
    assert capped["ros_head_m_min"] < free["ros_head_m_min"]


def test_byram_flame_length_si_and_english_agree():
    # Byram (1959): L = 0.45 I^0.46 (ft, Btu/ft/s) == 0.0775 I^0.46 (m, kW/m)
    i_kw = 1000.0
    i_btu = i_kw / roth.BTU_FT_S_TO_KW_M
    assert roth.byram_flame_length_m(i_kw) == pytest.approx(0.45 * i_btu ** 0.46 * roth.FT, rel=0.01)


def test_anderson_1983_length_to_breadth():
    assert roth.length_to_breadth(0.0) == pytest.approx(1.0, abs=1e-9)
    # L/B at 5 mi/h (below the cap of 8 used by FARSITE)
    assert roth.length_to_breadth(5.0) == pytest.approx(
        0.936 * np.exp(0.2566 * 5) + 0.461 * np.exp(-0.1548 * 5) - 0.397, rel=1e-9)


def test_wang_kw_exponential_fits_published_table():
    # Kw = exp(0.1783 V) is the (least-squares-like) fit of Wang's wind-correction table (wangzhengfei.yaml)
    table = wang.params()["kw_table"]
    for v, kw in table.items():
        assert float(wang.kw(float(v))) == pytest.approx(kw, rel=0.06)  # worst: 7 m/s, 5.4 %


def test_wang_worked_example():
    # R0 = 0.03 T + 0.05 V + 0.01 h - 0.3 with T = 25 degC, force-3 wind, h = 30 %:
    # R0 = 0.75 + 0.15 + 0.30 - 0.30 = 0.90 m/min; thatch/weeds Ks = 1.6; 3 m/s: Kw = e^0.5349;
    # level ground Kphi = 1 -> R = 0.90 * 1.6 * 1.7071 = 2.458 m/min (hand computation)
    r0 = wang.initial_rate(25.0, 3.0, 30.0)
    assert r0 == pytest.approx(0.90, abs=1e-9)
    assert wang.rate(r0, wang.ks("thatch_weeds"), 3.0, 0.0) == pytest.approx(2.458, rel=1e-3)
    # Kphi = exp(3.533 tan^1.2) (FCFDG 1992 eq. 39): 20 deg slope
    assert float(wang.kphi(np.tan(np.radians(20)))) == pytest.approx(
        np.exp(3.533 * np.tan(np.radians(20)) ** 1.2), rel=1e-12)


def _grid_fire(spec, n=201, cell=10.0, fuel=1, firebreak=None):
    g = Grid(0.0, 0.0, cell, np.zeros((n, n)))
    fg = FireGrid(g, np.zeros((n, n)), np.full((n, n), fuel), spec, firebreak)
    c = n // 2
    fg.run(np.array([c * n + c]), np.array([0.0]))
    return fg, c


SPEC = {"model": "rothermel", "fuel_moisture": MOIST_8, "duration_min": 600,
        "wind": {"speed_m_s": 0.0, "from_deg": 270, "height": "midflame"}}


def test_mtt_no_wind_circle_radius_r_times_t():
    fg, c = _grid_fire(dict(SPEC, duration_min=3000))
    r = roth.behave(1, MOIST_8)["ros_head_m_min"]
    a = fg.arrival.reshape(fg.ny, fg.nx)
    radii = []
    for ang in np.linspace(0, 2 * np.pi, 48, endpoint=False):
        i, j = c + int(round(80 * np.sin(ang))), c + int(round(80 * np.cos(ang)))
        dist = np.hypot(i - c, j - c) * fg.cell
        radii.append(r * a[i, j] / dist)  # = 1 for an exact circle R t
    # 16-neighbour MTT: shape error below ~3 % (Finney 2002)
    assert max(radii) < 1.035 and min(radii) >= 0.999


def test_mtt_wind_elongates_downwind_and_firebreak_stops():
    spec = dict(SPEC, wind={"speed_m_s": 3.0, "from_deg": 270, "height": "midflame"})
    fg, c = _grid_fire(spec)
    a = fg.arrival.reshape(fg.ny, fg.nx)
    assert a[c, c + 50] * 3 < a[c, c - 50]  # wind from the west: spreads east
    brk = np.zeros((201, 201), bool)
    brk[:, c + 20] = True
    fg2, _ = _grid_fire(spec, firebreak=brk)
    a2 = fg2.arrival.reshape(fg2.ny, fg2.nx)
    assert np.isinf(a2[:, c + 21:]).all()
    assert np.isfinite(a2[c, c + 19])


def test_suppression_stops_forward_spread():
    import networkx as nx

    from drillsim.scenario.maps import MapData

    n, cell = 101, 10.0
    g = nx.Graph()
    g.add_node(0, x=0.0, y=0.0)
    g.add_node(1, x=1000.0, y=1000.0)
    g.add_edge(0, 1, length=1414.0, road_class="local", id="r0")
    md = MapData(name={"zh": "t", "en": "t"}, graph=g,
                 elevation=Grid(0, 0, cell, np.zeros((n, n))), fuel=Grid(0, 0, cell, np.full((n, n), 1.0)))
    hz = Wildfire({"type": "wildfire", "id": "f", "at": [505, 505], "start_min": 0, **SPEC}, None, md)
    before = hz.fields(900, 505, 1e9)["arrival_min"]
    assert before is not None
    hz.suppress(800, 505, 60, 5.0)
    after = hz.fields(900, 505, 1e9)["arrival_min"]
    assert after is None or after > before


def test_simpy_wildfire_closes_roads_and_warns_community():
    from tests.hazard_world import grid_world

    env, world, events, ctx = grid_world([{"id": "c1", "name": "东村", "at": [1000, 0], "population": 300}])
    world.map.fuel = Grid(-3000, -3000, 50.0, np.full((120, 120), 1.0))
    world.map.elevation = Grid(-3000, -3000, 50.0, np.zeros((120, 120)))
    spec = {"type": "wildfire", "id": "wf", "at": [0, 0], "start_min": 0, "grid_cell_m": 50,
            "fuel_moisture": {"d1h": 0.05, "d10h": 0.06, "d100h": 0.07, "live_herb": 1.0, "live_woody": 1.0},
            "wind": {"speed_m_s": 6.0, "from_deg": 270}, "duration_min": 120}
    hz = Wildfire(spec, ctx)
    hz.schedule()
    env.run(until=130)
    closed = [e for e in events.of_type("road.state") if e.data["status"] == "closed"]
    assert closed and closed[0].data["cause"] == "wildfire"
    inc = [e for e in events.of_type("incident.new") if e.data["needs"] == {"evacuate": "c1"}]
    assert inc, "community downwind gets an evacuation incident"
    ups = events.of_type("wildfire.update")
    assert len(ups) >= 12 and ups[-1].data["burned_area_ha"] > 0
    f = hz.fields(1000, 0, 130)
    assert f["arrival_min"] is not None and f["flame_length_m"] > 0
