"""`drillsim validate`: every problem as FILE:LINE:COL, never a traceback."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from drillsim.cli.main import main
from drillsim.core.paths import resources, shipped_scenarios
from drillsim.scenario import catalog, validate
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.units_of_measure import UnitError, convert

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
VALID = DATA / "valid.yaml"
ROOT = Path(__file__).resolve().parent.parent


def where_is(path: Path, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """(line, col), 1-based, of the n-th occurrence of needle in the file."""
    hits = [(i + 1, line.index(needle) + 1)
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()) if needle in line]
    return hits[occurrence]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drillsim.cli.main", "validate", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def check(tmp_path: Path, text: str, name: str = "s.yaml") -> list[str]:
    """Validate a scenario text (beside a copy of the tiny map); return problem strings."""
    (tmp_path / "tiny.graphml").write_bytes((DATA / "tiny.graphml").read_bytes())
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    _, problems = validate.check_file(p)
    return [str(x) for x in problems]


def valid_text() -> str:
    return VALID.read_text(encoding="utf-8")


# ---------------------------------------------------------------- CLI, subprocess


def test_cli_valid_file_ok():
    r = run_cli(str(VALID))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{VALID}: OK (3 units, 2 incidents, 2 hazards)"
    assert r.stderr == ""


def test_cli_misspelt_key_exact_position():
    f = BAD / "misspelt_units.yaml"
    line, col = where_is(f, "untis:")
    assert col == 1
    r = run_cli(str(f))
    assert r.returncode == 2
    assert f"{f}:{line}:1: unknown key 'untis'; did you mean 'units'?" in r.stderr.splitlines()
    assert "Traceback" not in r.stderr
    assert "missing required section 'units'" not in r.stderr  # the typo says it already


def test_several_files_sorted_and_schema_flag(capsys):
    code = main(["validate", str(BAD / "negative_size.yaml"), str(VALID), str(BAD / "bad_base.yaml")])
    out, err = capsys.readouterr()
    assert code == 2
    assert "valid.yaml: OK" in out
    lines = [x for x in err.splitlines() if re.match(r".+:\d+:\d+: ", x)]
    assert lines == sorted(lines, key=lambda s: (s.split(":")[0], int(s.split(":")[1])))
    assert len(lines) == 2
    assert main(["validate", "--schema"]) == 0
    assert Path(capsys.readouterr().out.strip()) == resources("scenario.schema.json")


# ---------------------------------------------------------------- CLI, in process


def test_valid_in_process(capsys):
    assert main(["validate", str(VALID)]) == 0
    assert "OK (3 units, 2 incidents, 2 hazards)" in capsys.readouterr().out


@pytest.mark.parametrize("name, message", [
    ("empty.yaml", "1:1: empty file"),
    ("binary.yaml", "1:1: binary file"),
    ("list.yaml", "1:1: expected a mapping of sections"),
    ("scalar.yaml", "1:1: expected a mapping of sections"),
    ("not_utf8.yaml", "2:1: not UTF-8 text"),
    ("syntax.yaml", "3:6: YAML syntax error"),
    ("missing.yaml", "1:1: file not found"),
])
def test_unreadable_inputs(capsys, name, message):
    assert main(["validate", str(BAD / name)]) == 2
    err = capsys.readouterr().err
    assert f"{BAD / name}:{message}" in err
    assert "Traceback" not in err


def test_folder(capsys, tmp_path):
    assert main(["validate", str(tmp_path)]) == 2
    assert f"{tmp_path}:1:1: is a folder" in capsys.readouterr().err


def test_wrong_types_everywhere(capsys):
    f = BAD / "wrong_types.yaml"
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    line, col = where_is(f, "[1, 2]")
    assert f"{f}:{line}:{col}: meta.name: expected a text or {{zh: ..., en: ...}}, found a list of 2" in err
    line, col = where_is(f, "units: 5")
    assert f"{f}:{line}:{col + 7}: units: expected a list, found the number 5" in err
    assert "incidents[0].at: expected a point [x, y] in map metres, found the text 'abc'" in err
    assert "hazards[0].type: 'volcano' is not one of earthquake, flood, chemical, wildfire" in err
    assert len(err.splitlines()) > 20


def test_misspelt_base_names_value_line_and_suggests(capsys):
    f = BAD / "bad_base.yaml"
    line, col = where_is(f, "st_fier1")
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"{f}:{line}:{col}: units[0].base: unknown place 'st_fier1'; did you mean 'st_fire1'?" in err


def test_unknown_road(capsys):
    f = BAD / "bad_road.yaml"
    line, col = where_is(f, "r22")
    assert main(["validate", str(f)]) == 2
    assert (f"{f}:{line}:{col}: incidents[1].needs.clear_road: unknown road id 'r22'; did you mean 'r2'?"
            in capsys.readouterr().err)


def test_wrong_dimension(capsys):
    f = BAD / "wrong_dimension.yaml"
    line, col = where_is(f, '"3 km"')
    assert main(["validate", str(f)]) == 2
    assert (f"{f}:{line}:{col}: meta.duration_min: '3 km' is a length; give a time such as '72 h' "
            "or a number of minutes") in capsys.readouterr().err


def test_negative_size(capsys):
    f = BAD / "negative_size.yaml"
    line, col = where_is(f, "-3")
    assert main(["validate", str(f)]) == 2
    assert f"{f}:{line}:{col}: units[0].size: must be at least 1 (found -3)" in capsys.readouterr().err


# ---------------------------------------------------------------- checks, on text


def test_loader_gets_converted_units():
    sc = load_scenario(VALID)
    assert sc.meta.duration_min == 4320
    depot = next(p for p in sc.places if p.id == "d1")
    assert depot.contracts[0]["lead_time_min"] == 720
    assert depot.production[0]["rate_per_h"] == 500
    assert sc.supplies["mask"].weight_kg == 0.5 and sc.supplies["tent"].name["zh"] == "帐篷"
    assert next(p for p in sc.places if p.id == "res1").attrs["capacity_m3"] == 2_000_000
    assert [u.id for u in sc.units] == ["fire1-1", "fire1-2", "med1"]
    assert sc.injects[0]["time_min"] == 120


@pytest.mark.parametrize("old, new, expected", [
    ("{id: med1, name: 县医院急救队, type: medical,", "{id: med1, name: 县医院急救队, type: medcal,",
     "units[1].type: unknown unit type 'medcal'; did you mean 'medical'?"),
    ("deliver: {tent: 50, mask: 10}", "deliver: {tnet: 50, mask: 10}", "unknown supply 'tnet'; did you mean 'tent'?"),
    ("stock: {tent: 500,", "stock: {tent: 500, quilts: 3,", "unknown supply 'quilts'; did you mean 'quilt'?"),
    ("at: [2000, 1000]", "at: [9000, 1000]", "incidents[1].at: point [9000, 1000] is outside the map"),
    ("start_min: 10,", "start_min: 5000,", "incidents[1].start_min: 5000 min is after the end of the drill"),
    ("priority: 2", "priority: 7", "incidents[1].priority: must be at most 5 (found 7)"),
    ("{id: s1,", "{id: d1,", "places.shelters[0].id: duplicate place id 'd1'"),
    ("- {id: med1,", "- {id: fire1-2,", "units[1].id: duplicate unit id 'fire1-2'"),
    ("name: 桥梁受损, at: [2000, 1000],", "name: 桥梁受损, place: c1, at: [2000, 1000],",
     "incidents[1]: give either 'at' or 'place', not both"),
    ("evacuate: {community: c1, people: 500}", "evacuate: h1", "incidents[0].needs.evacuate: 'h1' is a hospital, not a community"),
    ("people: 500}", "people: 5000}", "5000 is more than the population of 'c1' (600)"),
    ("tier: 县", "tier: 县级", "'县级' is not one of 区, 市, 县; did you mean '县'?"),
    ("vehicle: heavy", "vehicle: heavvy", "'heavvy' is not one of ordinary, high_clearance, heavy; did you mean 'heavy'?"),
    ("    size: 20", "    sise: 20", "unknown key 'sise'; did you mean 'size'?"),
    ("owner: county\n", "owner: countyy\n", "'countyy' is not a seat id; did you mean 'county'?"),
    ("graphml: tiny.graphml", "graphml: nowhere.graphml", "map: cannot load"),
    ("normal_level_m: 115", "normal_level_m: 130", "is above the dam crest"),
    ("lead_time_min: \"12 h\"", "lead_time_min: \"12 kg\"", "lead_time_min: '12 kg' is a mass"),
    ("weight_kg: \"0.5 kg\"", "weight_kg: \"0.5 hours\"", "weight_kg: '0.5 hours' is a time; give a mass"),
    ("version: 1", "version: 2", "version: 2 is not a format version this DrillSim reads"),
    ("seed: 7", "seed: 7\n  seed: 8", "duplicate key 'seed'"),
    ("start: \"2026-06-12T14:28:00\"", "start: \"2026-13-45T14:28:00\"", "meta.start: '2026-13-45T14:28:00' is not a valid date-time"),
    ("{type: earthquake, id: eq1", "{type: earthquaek, id: eq1", "did you mean 'earthquake'?"),
    ("{type: chemical, id: leak1", "{type: chemical, id: eq1", "duplicate hazard id 'eq1'"),
    ("start_min: triggered", "start_min: -4", "hazards[1].start_min: must be at least 0 (found -4)"),
    ("rescue: 30,", "rescue: 0,", "needs.rescue: must be at least 1 (found 0)"),
    ("at: [1500, 1500]", "at: [1500]", "places.shelters[0].at: expected a point [x, y] in map metres, found a list of 1"),
])
def test_problem_found(tmp_path, old, new, expected):
    src = valid_text()
    assert old in src, old
    problems = check(tmp_path, src.replace(old, new, 1))
    assert any(expected in p for p in problems), problems
    assert not any("internal error" in p for p in problems)
    # the problem points at the changed line (a map problem at the `map:` key just above it)
    changed = src[: src.index(old)].count("\n") + 1
    assert any(int(p.split(":")[1]) in (changed, changed - 1, changed + 1) for p in problems if expected in p)


def test_unknown_key_points_at_the_key(tmp_path):
    problems = check(tmp_path, valid_text().replace("    size: 20", "    sise: 20"))
    line = valid_text().splitlines().index("    size: 20") + 1
    assert any(p.endswith(f"s.yaml:{line}:5: units[0]: unknown key 'sise'; did you mean 'size'?") for p in problems)


def test_yaml_date_value_bad(tmp_path):
    problems = check(tmp_path, valid_text().replace('start: "2026-06-12T14:28:00"', "start: 2026-13-45"))
    assert len(problems) == 1 and "cannot read the value '2026-13-45'" in problems[0]
    assert problems[0].split(":")[1] == str(valid_text().splitlines().index('  start: "2026-06-12T14:28:00"') + 1)


def test_unquoted_datetime_is_accepted(tmp_path):
    assert check(tmp_path, valid_text().replace('start: "2026-06-12T14:28:00"', "start: 2026-06-12T14:28:00")) == []


def test_minimal_scenario(tmp_path):
    src = ("meta: {name: 最小想定}\nmap: {graphml: tiny.graphml}\n"
           "units: [{id: u1, type: 民兵, base: st}]\nplaces: {stations: [{id: st, at: [0, 0]}]}\n")
    assert check(tmp_path, src) == []


def test_no_crash_on_any_wrong_type(tmp_path):
    """Replace every value of the valid sample, one at a time, by values of the wrong type."""
    base = yaml.safe_load(valid_text())
    paths: list[tuple] = []

    def walk(v, p):
        paths.append(p)
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, p + (k,))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, p + (i,))

    walk(base, ())
    bads = (5, "abc", [1, 2], {"a": 1}, None, -1.5, True)
    for n, p in enumerate(paths[1:]):
        for bad in (bads[n % len(bads)], bads[(n + 3) % len(bads)]):
            d = copy.deepcopy(base)
            tgt = d
            for k in p[:-1]:
                tgt = tgt[k]
            tgt[p[-1]] = bad
            _, _, problems = validate.check_data(d, "f.yaml", DATA)
            assert not any("internal error" in x.message for x in problems), (p, bad, problems)


def test_per_type_hazard_schema(tmp_path, monkeypatch):
    schemas = tmp_path / "res" / "schemas"
    schemas.mkdir(parents=True)
    (schemas / "hazard-earthquake.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": {"magnitude": {"type": "number", "minimum": 0, "maximum": 9.5}},
        "required": ["magnitude"]}))
    monkeypatch.setattr(validate, "resources", lambda *parts: tmp_path.joinpath("res", *parts))
    validate._hazard_validator.cache_clear()
    try:
        problems = check(tmp_path, valid_text().replace("magnitude: 6.8", "magnitude: 12"))
        assert any("hazards[0].magnitude: must be at most 9.5 (found 12)" in p for p in problems), problems
        assert check(tmp_path, valid_text()) == []
    finally:
        validate._hazard_validator.cache_clear()


# ---------------------------------------------------------------- units of measure


@pytest.mark.parametrize("key, value, expected", [
    ("duration_min", "72 h", 4320), ("lead_time_min", "12 h", 720), ("weight_kg", "0.03 t", 30),
    ("capacity_m3", "2e6 m3", 2e6), ("rate_per_h", "12000 /d", 500), ("duration_min", "1 h 30 min", 90),
    ("capacity_m3", "300万立方米", 3e6), ("inventory_kg", "20 t", 20000), ("cargo_t", "500 kg", 0.5),
    ("crest_elevation_m", "1.2 km", 1200), ("duration_min", "90", 90), ("duration_min", 45, 45),
])
def test_convert(key, value, expected):
    assert convert(key, value) == pytest.approx(expected)


@pytest.mark.parametrize("key, value, message", [
    ("duration_min", "3 km", "duration_min: '3 km' is a length; give a time such as '72 h' or a number of minutes"),
    ("duration_min", "72 hrz", "unknown unit 'hrz' in '72 hrz'; did you mean 'hr'?"),
    ("duration_min", "abc", "cannot read 'abc'"),
    ("weight_kg", "3 m3", "'3 m3' is a volume; give a mass"),
    ("rate_per_h", "5 km", "'5 km' is a length; give a rate"),
])
def test_convert_errors(key, value, message):
    with pytest.raises(UnitError, match=re.escape(message)):
        convert(key, value)


# ---------------------------------------------------------------- the schema itself


def test_schema_is_valid_and_documented():
    s = json.loads(resources("scenario.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(s)
    missing = []

    def walk(node, path):
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                desc = sub.get("description", "")
                if not (re.search(r"[A-Za-z]", desc) and re.search(r"[\u4e00-\u9fff]", desc)):
                    missing.append(path + "." + name)
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")

    walk(s, "")
    assert missing == [], f"properties without an English + Chinese description: {missing}"


def test_schema_knows_every_skill_and_vehicle():
    s = json.loads(resources("scenario.schema.json").read_text(encoding="utf-8"))
    unit = s["properties"]["units"]["items"]["properties"]
    skills = {sk for t in catalog.unit_types().values() for sk in t.get("skills", [])}
    skills |= {t["skill"] for t in catalog.task_params().values() if isinstance(t, dict) and "skill" in t}
    assert skills <= set(unit["skills"]["items"]["enum"])
    assert set(unit["vehicle"]["enum"]) == set(catalog.vehicles())


def test_default_supplies_catalogue():
    data = catalog.load_data("supplies")
    assert {"tent", "quilt", "food", "water", "medicine", "sandbag", "pump", "generator"} <= set(data)
    for d in data.values():
        assert d["name"]["zh"] and d["name"]["en"] and d["unit"]["zh"] and d["weight_kg"] > 0


# ---------------------------------------------------------------- shipped scenarios

SHIPPED = shipped_scenarios()


@pytest.mark.parametrize("path", SHIPPED or [VALID], ids=lambda p: p.name)
def test_shipped_scenarios_validate(path, capsys):
    code = main(["validate", str(path)])
    assert code == 0, capsys.readouterr().err


def test_docs_example_validates(tmp_path):
    """The example in docs/scenario-format.md stays valid (built-in map, quoted commas)."""
    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    example = re.search(r"## Example\n\n```yaml\n(.*?)```", text, re.S).group(1)
    _, _, problems = validate.check_text(example, "example.yaml", tmp_path)
    assert [str(p) for p in problems] == []
    broken = example.replace('"Lanxi, Yunzhou, Beiling"', "Lanxi, Yunzhou")
    _, _, problems = validate.check_text(broken, "example.yaml", tmp_path)
    assert any("quote it: a comma inside {...}" in str(p) for p in problems)


def test_inject_effects_and_expected_actions_are_checked(tmp_path, capsys):
    f = tmp_path / "bi.yaml"
    f.write_text(
        "version: 1\nmeta: {name: t, duration_min: 60}\nmap: {builtin: lanxi}\n"
        "seats:\n  - {id: county_hq, level: 县}\nunits: []\n"
        "hazards:\n  - {type: chemical, id: lpg, at: [12600, 4020], start_min: triggered, substance: propane,"
        " rate_kg_s: 1}\n"
        "injects:\n  - {id: M1, time_min: 1, message: {zh: 甲, en: a}, efect: {close_road: r1}}\n"
        "  - id: M2\n    time_min: 2\n    message: {zh: 乙, en: b}\n    to: county_hqq\n"
        "    effect: {comms_down: town9, shelter_full: sh99, start_hazard: lgp,"
        " incident: {id: a, place: c01, needs: {transprot: 8}}}\n"
        "    expected_action: {op: issue_warnin}\n", encoding="utf-8")
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    for expected in ("10:52: injects[0]: unknown key 'efect'; did you mean 'effect'?",
                     "14:9: injects[1].to: unknown seat 'county_hqq'; did you mean 'county_hq'?",
                     "unknown seat 'town9'", "unknown shelter 'sh99'", "unknown hazard 'lgp'; did you mean 'lpg'?",
                     "unknown need 'transprot'; did you mean 'transport'?",
                     "unknown order 'issue_warnin'; did you mean 'issue_warning'?"):
        assert expected in err, expected


def test_inject_sender_and_objective_take_zh_en(tmp_path):
    """An inject's ``from`` and ``objective`` are text like ``message``: a plain string or {zh, en}."""
    from drillsim.exercise.msel import Inject

    src = valid_text()
    old = "from: 东镇政府}"
    assert old in src
    both = src.replace(old, "from: {zh: 东镇政府, en: East town government}, objective: {zh: 信息报送, en: Reporting}}")
    assert check(tmp_path, both) == []
    bad = src.replace(old, "from: [1, 2]}")
    assert any("injects[0].from: expected a text or {zh: ..., en: ...}, found a list of 2" in p for p in check(tmp_path, bad))
    inj = Inject.from_dict({"id": "i", "time_min": 1, "message": "m", "from": {"zh": "东镇政府", "en": "East town government"}})
    assert inj.sender == {"zh": "东镇政府", "en": "East town government"}
    assert Inject.from_dict({"id": "i", "time_min": 1, "message": "m", "from": "东镇政府"}).sender == "东镇政府"  # as before
