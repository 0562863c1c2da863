"""One home for the words people read (drillsim.exercise.wording): every event the engine emits has a
Chinese and an English sentence, every order and KPI a Chinese and an English name.

The event types come from running each shipped scenario with its orders file to the end, so a new
event type (a hazard's, say) that nobody gave a sentence fails here, not in front of a trainee.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from drillsim.core.events import Event
from drillsim.core.paths import shipped_scenarios
from drillsim.exercise import wording as w
from drillsim.exercise.order_file import ALL_OPS, load_orders
from drillsim.exercise.scoring import score
from drillsim.exercise.session import Session
from drillsim.response.kpis import KpiTracker
from drillsim.scenario import load_scenario

CJK = re.compile(r"[\u3400-\u9fff]")
FULLWIDTH = re.compile(r"[，：（）、；]")
SCENARIOS = shipped_scenarios()


@cache
def _run(path) -> Session:
    s = Session(load_scenario(path), inputs=load_orders(path.with_name(path.stem + ".orders.yaml")))
    s.run(step=240)
    return s


def _sentence(ev: Event, lang: str, names: w.Names | None = None) -> str:
    """The formatter itself, so that an exception fails the test instead of falling back to key=value."""
    f = w.FORMATS.get(ev.type) or (w._director if ev.type.startswith("director.") else None)
    assert f is not None, f"{ev.type}: no sentence in drillsim.exercise.wording.FORMATS"
    words = w.EventWords(names)
    return f(w.Say(words, lang), ev, ev.data)


def _check(ev: Event, names: w.Names | None = None) -> None:
    zh, en = _sentence(ev, "zh", names), _sentence(ev, "en", names)
    for lang, text in (("zh", zh), ("en", en)):
        assert text.strip() and text != ev.type, (ev.type, lang, text)
        assert text != w.kv_text(ev.data) or not ev.data, (ev.type, lang, "key=value fallback")
    assert CJK.search(zh), (ev.type, zh)
    assert zh != en, (ev.type, zh)
    assert not FULLWIDTH.search(en), (ev.type, "Chinese punctuation in English", en)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_event_type_a_run_emits_has_zh_and_en_sentences(path):
    s = _run(path)
    names = w.SimNames(s.sim, s)
    first: dict[str, Event] = {}
    for ev in s.events.events:
        first.setdefault(ev.type, ev)
    assert len(first) > 20
    for ev in first.values():
        _check(ev, names)
        _check(ev)  # without names (the seat window, drillsim seat): ids stand in


# types the shipped runs do not emit (live controls, rare outcomes), with the engine's fields
RARE = [
    ("director.pause", {"reason": "seat_dropped", "seat": "county_hq"}), ("director.resume", {}),
    ("director.speed", {"speed": 60}), ("unit.recalled", {"unit": "fire1-1"}),
    ("shelter.closed", {"place": "sh01", "cause": "inject:M05"}), ("comms.up", {"seat": "town2", "cause": "inject:M06"}),
    ("support.refused", {"request": "req2", "to": "county_hq", "by": "city_hq", "auto": False}),
    ("order.rejected", {"op": "dispatch", "by": "town2", "reason": {"zh": "无权调派", "en": "not allowed"}}),
    ("incident.rejected", {"id": "x1", "reason": {"zh": "事件缺少位置", "en": "incident has no location"}}),
    ("inject.cancelled", {"id": "M03"}), ("inject.edited", {"id": "M03", "changes": {"time_min": 40}}),
    ("effect.unknown", {"key": "meteor", "source": "inject:M09"}),
    ("supply.contract_activated", {"depot": "dep_county", "item": "tent", "quantity": 500, "lead_time_min": 120,
                                   "by": "county_hq"}),
    ("hazard.warning", {"id": "cl2", "hazard": "chemical", "message": {"zh": "模型仅适用于平坦地形",
                                                                        "en": "the model assumes flat terrain"}}),
    ("wildfire.suppressed", {"id": "fire1", "at": [0, 0], "radius_m": 50.0, "cells": 12}),
    ("wildfire.contained", {"id": "fire1", "burned_area_ha": 1017.3}),
    ("note", {"by": "evaluator", "text": "指挥部交接清楚"}),
]


@pytest.mark.parametrize("ty,data", RARE, ids=[t for t, _ in RARE])
def test_rarer_event_types_have_sentences(ty, data):
    _check(Event(10.0, ty, data, 1))


def test_unknown_type_falls_back_to_key_value():
    ev = Event(3.0, "mystery.thing", {"a": 1, "b": "x", "c": [1, 2]}, 4)
    assert not w.has_sentence(ev.type)
    assert w.describe(ev, "zh") == w.describe(ev, "en") == "a=1, b=x"


def test_departure_says_where_the_unit_goes():
    words = w.EventWords()
    evs = [Event(1.0, "unit.status", {"unit": "fire1-1", "status": "enroute", "task": "i1/rescue"}, 1),
           Event(1.0, "unit.depart", {"unit": "fire1-1", "dest": 12, "eta": 42.0}, 2),
           Event(50.0, "unit.status", {"unit": "fire1-1", "status": "returning", "task": None}, 3),
           Event(50.0, "unit.depart", {"unit": "fire1-1", "dest": 3, "eta": 80.0}, 4)]
    for e in evs:
        words.observe(e)
    assert words.text(evs[1], "zh") == "fire1-1 出发前往 i1/rescue，预计 T+00:42 到达"
    assert words.text(evs[3], "en") == "fire1-1 returning to base, ETA T+01:20"
    assert w.describe(evs[1], "en") == "fire1-1 sets off, ETA T+00:42"  # no context: no destination


def test_every_order_has_zh_and_en_names():
    assert set(w.OP_LABELS) == set(ALL_OPS)
    for op in ALL_OPS:
        zh, en = w.op_label(op, "zh"), w.op_label(op, "en")
        assert CJK.search(zh) and zh != op, op
        assert en and "_" not in en and not CJK.search(en), (op, en)
    assert w.op_label("set_response_level", "en", cap=True) == "Set the response level"


def test_every_kpi_and_score_component_has_zh_and_en_names():
    s = _run(SCENARIOS[0])
    kpis = {**KpiTracker().summary(), **s.kpis()}
    comps = score(kpis).get("components") or {}
    keys = [k for k in kpis if not k.startswith("_") and k != "score_components"] + ["score"]
    keys += [f"score_components.{c}" for c in comps] + [f"score_components.{c}" for c in w.COMPONENT_LABELS]
    for k in keys:
        zh, en = w.kpi_label(k, "zh"), w.kpi_label(k, "en")
        assert zh != k and en != k and CJK.search(zh) and not CJK.search(en), (k, zh, en)
    assert w.kpi_label("supplies_loaded_by_tier.县", "zh") == "按储备层级装运(件) · 县级"
    assert w.kpi_label("supplies_loaded_by_tier.县", "en") == "Items loaded by reserve tier · county"
    assert w.kpi_label("score_components.rescue", "en") == "Score: Rescue"
    assert w.kpi_label("no_such_kpi", "zh") == "no_such_kpi"


def test_numbers_and_labels():
    assert w.num(35810.0, 0) == "35,810" and w.num(1234567.0) == "1,234,567"  # never 1.23457e+06
    assert w.num(0.09) == "0.1" and w.num(26.58, 2) == "26.58" and w.num(6662) == "6,662" and w.num(None) == "-"
    assert w.label(w.UNIT_STATUS, "enroute", "en") == "en route"
    assert w.label(w.UNIT_STATUS, "enroute", "en", cap=True) == "En route"
    assert w.label(w.UNIT_STATUS, "enroute", "zh", cap=True) == "出动途中"
    assert w.label(w.UNIT_STATUS, "teleporting", "en") == "teleporting"
    ev = Event(5.0, "earthquake.mainshock", {"magnitude": 6.0, "depth_km": 10.0, "max_intensity_roman": "VIII"})
    assert w.describe(ev, "zh") == "6.0 级主震，震源深度 10 km，最大烈度 VIII 度"
    assert w.describe(ev, "en") == "M6.0 mainshock, depth 10 km, max intensity VIII"


def test_weather_sentence():
    """A run's drawn weather (hazard.weather): the first period and its difference to the forecast."""
    wind = Event(0.0, "hazard.weather", {"id": "cl2", "hazard": "chemical", "wind": [
        {"at_min": 0.0, "from_deg": 341.97, "d_from_deg": -30.03, "speed_m_s": 2.733, "speed_factor": 0.9109}]}, 1)
    fire = Event(0.0, "hazard.weather", {"id": "fire1", "hazard": "wildfire", "wind": [
        {"at_min": 0.0, "from_deg": 200.0, "d_from_deg": 5.2, "speed_m_s": 4.0, "speed_factor": 1.1},
        {"at_min": 180.0, "from_deg": 210.0, "d_from_deg": 15.0, "speed_m_s": 4.4, "speed_factor": 1.2}],
        "fuel_moisture": {"d1h": 0.0512, "d10h": 0.0612, "d100h": 0.0712}, "d_dead_moisture": -0.0088}, 2)
    stage = Event(60.0, "hazard.weather", {"id": "b1", "hazard": "flood", "stage": [
        {"at_min": 0.0, "stage_m": 54.894, "d_stage_m": -0.106}], "rainfall": {"mm_per_h": 60.0, "factor": 1.2}}, 3)
    assert w.describe(wind, "zh") == "cl2 本次实际天气（随机抽样）：风向 342°（较预报 -30°），风速 2.7 米/秒（预报的 0.91 倍）"
    assert w.describe(wind, "en") == ("Weather drawn for cl2 in this run: wind from 342° (-30° on the forecast), "
                                      "2.7 m/s (0.91 × forecast)")
    assert w.describe(fire, "zh") == ("fire1 本次实际天气（随机抽样，共 2 段，首段）：风向 200°（较预报 +5°），"
                                      "风速 4 米/秒（预报的 1.1 倍）；1小时枯死可燃物含水率 5.1%（较预报 -0.9 个百分点）")
    assert w.describe(fire, "en") == ("Weather drawn for fire1 in this run (first of 2 periods): wind from 200° "
                                      "(+5° on the forecast), 4 m/s (1.1 × forecast); 1-h dead fuel moisture 5.1 % "
                                      "(-0.9 points on the forecast)")
    assert w.describe(stage, "zh") == "b1 本次实际天气（随机抽样）：水位较预报 -0.11 米；雨强 60 毫米/小时（预报的 1.2 倍）"
    assert w.describe(stage, "en") == "Weather drawn for b1 in this run: stage -0.11 m on the forecast; rain 60 mm/h (1.2 × forecast)"
    for ev in (wind, fire, stage):
        _check(ev)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_event_sentences_speak_one_language(path):
    """Every sentence of a whole shipped run, as the app's event log shows it (names known): no Chinese
    in English, no raw keys or enum words in Chinese (tests/lang_check.py says what is allowed)."""
    from tests.lang_check import leaks

    s = _run(path)
    words = w.EventWords(w.SimNames(s.sim, s))
    ids = {*s.sim.units, *s.session_ids} if hasattr(s, "session_ids") else {*s.sim.units}
    ids |= {str(i.id) for i in s.msel.injects.values()} | set(s.seats.seats)
    for ev in s.events.events:
        if ev.type == "order.accepted":
            a = ev.data.get("args") or {}
            ids |= {str(a[k]) for k in ("road", "request") if a.get(k)}
        elif ev.type == "support.requested":
            ids.add(str(ev.data.get("request")))
    bad: dict[str, str] = {}
    for ev in s.events.events:
        words.observe(ev)
        for lang in ("zh", "en"):
            for problem in leaks(words.text(ev, lang), lang, ids):
                bad.setdefault(problem, ev.type)
    assert not bad, "\n".join(f"{ty}: {p}" for p, ty in list(bad.items())[:40])
