"""Batch plan evaluation: variants, seeds, pool / Dask / inline give the same rows, dead workers, files."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from drillsim.batch import executors
from drillsim.batch.evaluate import Batch, execute
from drillsim.batch.results import ResultsFile
from drillsim.batch.runner import KILL_HOOK_ENV
from drillsim.batch.stats import describe, summarise
from drillsim.batch.table import cell
from drillsim.cli.main import main
from drillsim.core.errors import InputError
from drillsim.core.i18n import pick, set_lang
from drillsim.exercise.session import Session
from drillsim.scenario import load_scenario
from drillsim.scenario.loader import build

DATA = Path(__file__).parent / "data"
SCENARIO = DATA / "valid.yaml"  # tiny GraphML town: a run takes a fraction of a second
UNTIL = 400.0
VARY = ["places.d1.stock.tent=+0,+500", "units.fire1.count=2,4"]


@pytest.fixture(autouse=True)
def default_language():
    """``--lang`` sets a process-wide language; each test starts from the default (zh)."""
    set_lang(None)
    yield
    set_lang(None)


def by_run(rows):
    """(variant label, seed) -> (digest, KPI columns)."""
    skip = {"wall_s", "cpu_s", "variant_index", "run"}
    return {(r["variant"], r["seed"]): {k: v for k, v in r.items() if k not in skip} for r in rows}


@pytest.fixture(scope="module")
def batch():
    return Batch(SCENARIO, 2, VARY, until=UNTIL)


@pytest.fixture(scope="module")
def inline_rows(batch, tmp_path_factory):
    res = ResultsFile(tmp_path_factory.mktemp("inline") / "r.csv")
    out = execute(batch, batch.specs, res, workers=0)
    assert out.done == 8 and not out.failed
    return res.rows


def test_variants_cross_keys_and_change_values(batch):
    assert len(batch.variants) == 4
    seen = set()
    for v in batch.variants:
        tent = v.data["places"]["depots"][0]["stock"]["tent"]
        fire = {u["id"]: u.get("count", 1) for u in v.data["units"] if u["id"].startswith("fire1")}
        assert fire["fire1"] == 2  # more units come as a copy of the entry: fire1-1, fire1-2 keep their ids
        seen.add((tent, sum(fire.values())))
    assert seen == {(500, 2), (500, 4), (1000, 2), (1000, 4)}
    assert batch.seeds == [7, 8]  # meta.seed 7, then +1 per run
    assert len(set(batch.keys.values())) == 4


def test_map_place_is_copied_with_its_map_fields():
    b = Batch(Path(__file__).parents[1] / "scenarios" / "lanxi_earthquake.yaml", 1,
              ["places.dep_county.stock.tent=+0,+500", "units.quake.count=+0,+1"], until=1)
    depots = [[p for p in v.data["places"]["depots"] if p["id"] == "dep_county"][0] for v in b.variants]
    assert depots[2]["stock"]["tent"] == depots[0]["stock"]["tent"] + 500
    # a second USAR team: the orders' 'quake' keeps its id, the new team is quake_extra
    ids = [u.id for u in build(b.variants[1].data, Path("scenarios")).units]
    assert "quake" in ids and "quake_extra" in ids and len(ids) == 32
    assert depots[0]["role"] == "物资库"  # the map-only field is kept, so the copy replaces the map place as is
    assert depots[0]["stock"]["quilt"] == depots[1]["stock"]["quilt"] > 0


def test_named_plans_from_a_variants_file_crossed_with_vary():
    root = Path(__file__).parents[1] / "scenarios"
    b = Batch(root / "lanxi_earthquake.yaml", 1, ["hazards.eq1.magnitude=6.0,6.5"],
              variants_file=root / "variants" / "lanxi_earthquake.variants.yaml", until=1)
    assert len(b.variants) == 6
    v = b.variants[2]  # three more buses, magnitude 6.0
    assert v.name == {"zh": "增派3辆转移大巴", "en": "three more buses"}
    assert v.label == f"{pick(v.name)}; hazards.eq1.magnitude=6.0"
    buses = {u["id"]: u["count"] for u in v.data["units"] if u["id"].startswith("bus")}
    assert buses == {"bus": 6, "bus_extra": 3}  # '+3' adds three (plain YAML would read it as 3)
    ids = {u["id"] for u in b.variants[4].data["units"]}
    assert "quake_extra" in ids
    assert [c.key for c in b.variants[5].changes] == ["places.dep_county.stock.tent", "units.quake.count",
                                                      "hazards.eq1.magnitude"]


def test_bad_variants_file_names_its_line(tmp_path, capsys):
    scen = tmp_path / "town.yaml"
    scen.write_text(SCENARIO.read_text(encoding="utf-8").replace("graphml: tiny.graphml",
                                                                 f"graphml: {DATA / 'tiny.graphml'}"),
                    encoding="utf-8")
    bad = tmp_path / "town.variants.yaml"
    bad.write_text("variants:\n  - name: A\n  - name: B\n    set: {units.fire2.count: +1}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        Batch(scen, 1, variants_file=bad)
    p = e.value.problems[0]
    assert (p.file, p.line) == (str(bad), 4) and "fire2" in p.message and "fire1" in p.message
    assert main(["validate", str(bad)]) == 2
    assert f"{bad}:4:" in capsys.readouterr().err
    bad.write_text("variants:\n  - name: A\n    sett: {}\n", encoding="utf-8")
    assert main(["--lang", "en", "validate", str(bad)]) == 2
    assert "unknown key 'sett'" in capsys.readouterr().err


@pytest.mark.parametrize("spec, words", [
    ("units.fire9.count=2", ["fire9", "fire1"]),
    ("places.d2.stock.tent=1", ["d2", "d1"]),
    ("units.fire1.cuont=3", ["cuont", "count"]),
    ("units.fire1.count=0", ["units[0].count", "at least 1"]),
    ("units.fire1.count", ["KEY=V1,V2"]),
    ("meta.name.zh=+5", ["不是数值"]),
    ("units.fire1.count=2,+0", ["#0", "#1", "同一个想定"]),  # fire1 has count 2: the same scenario twice
])
def test_bad_vary_is_a_clear_input_error(spec, words):
    with pytest.raises(InputError) as e:
        Batch(SCENARIO, 1, [spec])
    msg = str(e.value)
    for w in words:
        assert w in msg, msg


def test_cli_bad_vary_exit_2_names_key(tmp_path, capsys):
    code = main(["--lang", "en", "batch", str(SCENARIO), "--runs", "2", "--vary", "units.fire1.cuont=2,3",
                 "-o", str(tmp_path / "r.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert "units.fire1.cuont" in err and "did you mean 'count'" in err and "Traceback" not in err
    assert not (tmp_path / "r.csv").exists()


def test_run_zero_is_drillsim_run_and_seeds_change_luck(batch, inline_rows):
    sc = load_scenario(SCENARIO)
    s = Session(sc)
    s.sim.duration = UNTIL
    s.run()
    base = [r for r in inline_rows if r["variant_index"] == 0]
    assert base[0]["seed"] == 7 and base[0]["digest"] == s.events.digest
    assert base[0]["score"] == s.kpis()["score"]
    assert len({r["digest"] for r in base}) == 2  # each seed its own weather and aftershock luck
    # more fire crews answer faster on the same seed (common random numbers)
    more = {r["seed"]: r for r in inline_rows if r["variant_index"] == 1}
    assert all(more[r["seed"]]["dispatches"] >= r["dispatches"] for r in base)


def test_pool_gives_identical_rows_and_survives_a_killed_worker(batch, inline_rows, tmp_path, monkeypatch):
    marker = tmp_path / "killed"
    monkeypatch.setenv(KILL_HOOK_ENV, f"8:{marker}")  # the first run with seed 8 dies (SIGKILL)
    res = ResultsFile(tmp_path / "r.parquet")
    events = []
    out = execute(batch, batch.specs, res, workers=2, progress=lambda what, spec, why: events.append((what, spec.seed)))
    assert marker.exists(), "the hook killed a worker"
    assert out.done == 8 and not out.failed and out.retries >= 1
    assert ("retry", 8) in events
    assert by_run(res.rows) == by_run(inline_rows)
    back = ResultsFile.load(tmp_path / "r.parquet").rows  # Parquet round trip keeps every value
    assert by_run(back) == by_run(inline_rows)


def test_runs_that_always_kill_their_worker_or_raise_fail_alone(tmp_path, monkeypatch):
    b = Batch(SCENARIO, 3, until=120.0)
    monkeypatch.setenv(KILL_HOOK_ENV, "9:")  # no marker: the run with seed 9 dies every time
    broken = dataclasses.replace(b.specs[0], run=3, seed=10, data={**b.specs[0].data, "meta": {}})
    res = ResultsFile(tmp_path / "r.csv")
    out = execute(b, b.specs + [broken], res, workers=1, retries=1)
    assert sorted(f["seed"] for f in out.failed) == [9, 10]
    assert "KeyError" in next(f["error"] for f in out.failed if f["seed"] == 10)
    assert out.retries == 2  # one retry each
    assert sorted(r["seed"] for r in res.rows) == [7, 8]


def test_interrupted_batch_keeps_finished_rows_and_resumes(batch, inline_rows, tmp_path):
    path = tmp_path / "r.csv"
    res = ResultsFile(path)
    seen = []

    def stop_after_three(what, spec, why):
        seen.append(spec)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        execute(batch, batch.specs, res, workers=0, progress=stop_after_three)
    kept = ResultsFile.load(path)
    assert len(kept.rows) == 3
    todo = batch.todo(kept)
    assert len(todo) == 5
    execute(batch, todo, kept, workers=0)
    assert by_run(ResultsFile.load(path).rows) == by_run(inline_rows)


def test_cli_csv_stats_chart_and_resume(tmp_path, capsys):
    out = tmp_path / "plan.csv"
    args = ["--lang", "en", "batch", str(SCENARIO), "--until", "300", "--vary", "units.fire1.count=2,4",
            "-o", str(out), "--workers", "0", "--json"]
    assert main(args + ["--runs", "2"]) == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert res["ran"] == 4 and res["reused"] == 0 and res["failed"] == []
    rows = ResultsFile.load(out).rows
    assert len(rows) == 4 and Path(res["chart"]).stat().st_size > 10_000
    for v in res["variants"]:
        vals = [r["first_response_min_mean"] for r in rows if r["variant_index"] == v["index"]]
        s = v["kpis"]["first_response_min_mean"]
        assert s["mean"] == pytest.approx(sum(vals) / 2, abs=1e-3)
        assert s["ci95"][0] <= s["mean"] <= s["ci95"][1] and s["p5"] <= s["p50"] <= s["p95"]
    assert res["variants"][1]["diff_vs_first"]["dispatches"]["mean"] > 0
    assert res["variants"][1]["changes"] == [{"key": "units.fire1.count", "op": "set", "value": 4}]

    assert main(args + ["--runs", "3"]) == 2  # the file exists: --resume or --force
    assert "--resume" in capsys.readouterr().err
    other = tmp_path / "other.csv"
    other.write_text("x,y\n", encoding="utf-8")  # not ours: --resume must not take it over
    assert main([*args[:args.index("-o") + 1], str(other), *args[args.index("-o") + 2:], "--resume"]) == 2
    assert "not a drillsim batch results file" in capsys.readouterr().err
    assert other.read_text(encoding="utf-8") == "x,y\n"
    assert main(args + ["--runs", "3", "--resume"]) == 0
    res2 = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert res2["ran"] == 2 and res2["reused"] == 4
    rows2 = ResultsFile.load(out).rows
    assert {r["digest"] for r in rows} <= {r["digest"] for r in rows2} and len(rows2) == 6


def test_cli_table_is_readable(tmp_path, capsys):
    out = tmp_path / "plan.parquet"
    assert main(["--lang", "zh", "batch", str(SCENARIO), "--runs", "2", "--until", "300", "--vary", "units.fire1.count=2,4",
                 "-o", str(out), "--workers", "0", "--no-chart"]) == 0
    text = capsys.readouterr().out
    assert "批量评估" in text and "综合评分" in text and "#1: units.fire1.count=4" in text
    assert not out.with_suffix(".png").exists()


def test_t_interval():
    s = describe([1.0, 2.0, 3.0, 4.0])
    half = 3.182446305284263 * math.sqrt(5 / 3) / 2  # t(0.975, 3) * s / sqrt(n)
    assert s.mean == 2.5 and s.ci == pytest.approx((2.5 - half, 2.5 + half))
    stats = summarise([{"variant_index": 0, "seed": i, "run": i, "x": v} for i, v in enumerate([5, 5])], {0: "a"})
    assert stats[0].kpis["x"].ci == (5.0, 5.0)
    # the table marks a paired difference whose interval excludes 0
    assert cell(s, describe([2.0, 2.5, 3.0])).endswith("Δ +2.5 ±1.24 *")  # [1.26, 3.74]: excludes 0
    assert cell(s, describe([1.0, 2.0, 3.0])).endswith("Δ +2 ±2.48")  # [-0.48, 4.48]: may be no difference


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_rows_after_a_worker_dies(inline_rows, tmp_path, monkeypatch, capsys):
    distributed = pytest.importorskip("distributed")
    marker = tmp_path / "killed"
    monkeypatch.setenv(KILL_HOOK_ENV, f"8:{marker}")  # the workers inherit it: the first seed-8 run dies
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=":0") as cl:
        out = tmp_path / "r.csv"
        args = ["batch", str(SCENARIO), "--runs", "2", "--until", str(UNTIL), "-o", str(out), "--no-chart",
                "--scheduler", cl.scheduler_address, "--json"]
        for v in VARY:
            args += ["--vary", v]
        assert main(args) == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert marker.exists(), "a Dask worker was killed"
    assert res["ran"] == 8 and not res["failed"] and res["executor"].startswith("dask")
    assert by_run(ResultsFile.load(out).rows) == by_run(inline_rows)


def test_unreachable_scheduler_is_input_error(batch, monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(InputError, match="Dask"):
        executors.run_dask(batch.specs[:1], None, "tcp://127.0.0.1:9")


def test_scenario_as_written_is_always_variant_0():
    """``--vary K=+2`` alone asks "how much better with two more?": #0 is the baseline."""
    f = Path(__file__).parents[1] / "scenarios" / "lanxi_flood.yaml"
    b = Batch(f, 1, ["units.bus.count=+2"], until=1)
    assert [len(v.changes) for v in b.variants] == [0, 1]
    assert b.variants[1].changes[0].label == "units.bus.count=+2"
    plain = Batch(f, 1, [], until=1)
    assert b.keys[0] == plain.keys[0]
    # given explicitly (+0), the baseline is not added twice
    assert len(Batch(f, 1, ["units.bus.count=+0,+2"], until=1).variants) == 2


def test_equal_values_have_no_interval_noise():
    from drillsim.batch.stats import describe

    s = describe([1021.8, 1021.8, 1021.8])
    assert s.mean == 1021.8 and s.sd == 0.0 and s.ci == (1021.8, 1021.8)
