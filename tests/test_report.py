"""After-action report: HTML + PDF from a recorded chlorine drill, Chinese and English, bad input,
a comparison of three archives, maps, the PDF rendered to PNG."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from drillsim.cli.main import main
from drillsim.core.paths import scenarios_dir
from drillsim.exercise.order_file import load_orders
from drillsim.exercise.scoring import score as score_fn
from drillsim.exercise.session import Session
from drillsim.exercise.wording import describe
from drillsim.record import Archive, Recorder
from drillsim.response.kpis import KpiTracker
from drillsim.scenario import load_scenario

UNTIL = 180.0


@pytest.fixture(scope="module")
def drill(tmp_path_factory) -> Path:
    """The shipped chlorine drill with its orders file, 180 min, plus two evaluator notes linked to checklist steps."""
    out = tmp_path_factory.mktemp("report") / "cl.drill"
    sc_path = scenarios_dir() / "lanxi_chemical.yaml"
    sc = load_scenario(sc_path)
    s = Session(sc, inputs=load_orders(scenarios_dir() / "lanxi_chemical.orders.yaml"))
    s.sim.duration = UNTIL
    rec = Recorder(s, out, scenario_path=sc_path)
    try:
        s.run_until(40)
        s.note("疏散方向未考虑风向", by="evaluator", checklist="warn.2", rating="需改进", seat="county_hq")
        s.run_until(60)
        s.note("堵漏组着A级防护进入", by="evaluator", checklist="ppe.1", rating="做得好")
        s.note("指挥部交接清楚", by="evaluator")
        s.run()
    finally:
        rec.close()
    return out


@pytest.fixture(scope="module")
def others(tmp_path_factory) -> list[Path]:
    """Two more runs of the chlorine drill, 120 min: the auto-dispatcher alone, and the orders without it."""
    d = tmp_path_factory.mktemp("others")
    sc = str(scenarios_dir() / "lanxi_chemical.yaml")
    orders = str(scenarios_dir() / "lanxi_chemical.orders.yaml")
    b, c = d / "auto.drill", d / "noauto.drill"
    assert main(["run", sc, "--until", "120", "--record", str(b)]) == 0
    assert main(["run", sc, "--orders", orders, "--no-auto", "--until", "120", "--record", str(c)]) == 0
    return [b, c]


def _kpis(path: Path) -> dict:
    with Archive.open(path) as a:
        k = KpiTracker()
        for ev in a.events():
            k.consume(ev)
    return k.summary()


@pytest.fixture(scope="module")
def built(drill, tmp_path_factory):
    d = tmp_path_factory.mktemp("out")
    html, pdf = d / "r.html", d / "r.pdf"
    assert main(["report", str(drill), "-o", str(html), "--pdf", str(pdf)]) == 0
    return html, pdf


def _pdf_pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", out).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def test_html_report(drill, built):
    html_path, _ = built
    html = html_path.read_text(encoding="utf-8")
    with Archive.open(drill) as a:
        ids = [e.data["id"] for e in a.events(types="inject.sent")]
        k = KpiTracker()
        for ev in a.events():
            k.consume(ev)
        score = score_fn(k.summary())["score"]
    assert score is not None and f"{score:.1f}" in html
    assert ids and all(i in html for i in ids)
    for zh in ("演练评估报告", "情况导入", "整改计划", "临河化工园区液氯泄漏应急演练", "综合评分", "按时响应的情况导入"):
        assert zh in html, zh
    # self-contained: no external resources, charts inline
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert html.count("data:image/png;base64,") >= 4
    # evaluator notes grouped by the scenario's checklist steps, with their item text
    assert "预警与疏散" in html and "疏散方向与风向垂直" in html and "危化处置" in html and "未关联检查项" in html
    # the missed inject (M04, evacuation) is an area for improvement with its addressee seat
    ip = html.split('id="findings"')[1]
    assert "M04" in ip and "county_hq" in ip and "疏散方向未考虑风向" in ip
    # the weather this run drew (hazard.weather) is a line of the timeline, in the app's sentence (its first wind)
    with Archive.open(drill) as a:
        ev = next(iter(a.events(types="hazard.weather")))
    w = ev.data["wind"][0]
    tl = html.split('id="timeline"')[1].split('id="maps"')[0]
    assert "液氯管道泄漏 本次实际天气" in tl and f"风向 {w['from_deg']:.0f}°（较预报 {w['d_from_deg']:+.0f}°）" in tl  # the hazard by name


def test_pdf_report(built):
    _, pdf = built
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert _pdf_pages(pdf) >= 2
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "演练评估报告" in text and "M01" in text and "M04" in text


def test_english_and_compare(drill, tmp_path):
    html = tmp_path / "en.html"
    assert main(["report", str(drill), "-o", str(html), "--lang", "en", "--compare", str(drill), "--no-maps"]) == 0
    text = html.read_text(encoding="utf-8")
    for h in ("After-Action Report", "Drill overview", "Summary", "Evaluation table (AQ/T 9009)", "Timeline",
              "Problems and improvement plan", "Suggested deadline", "Comparison of runs", "Injects answered on time",
              "Response-time distribution", "weather drawn for chlorine pipe leak in this run"):
        assert h.lower() in text.lower(), h
    assert "演练评估报告" not in text and "评估表" not in text and "关键时刻态势图" not in text
    assert "identical event streams" in text


def test_sections_and_numbers_match_the_archive(drill, built):
    html = built[0].read_text(encoding="utf-8")
    k = _kpis(drill)
    sections = re.findall(r'<section id="([a-z_]+)">', html)
    assert sections == ["cover", "summary", "evaluation", "timeline", "maps", "charts", "notes", "findings"]
    for zh in ("演练概况", "参演席位", "随机种子", "评估表（AQ/T 9009）", "组织指挥与策划", "预案执行", "评定",
               "关键时刻态势图", "响应时间分布", "转移安置曲线", "暴露人口", "问题清单与整改计划", "建议期限", "15 日内"):
        assert zh in html, zh
    # the evaluation table's findings carry the archive's KPIs
    ev = html.split('id="evaluation"')[1].split("</section>")[0]
    assert f"已转移 {k['people_evacuated']:,} 人" in ev and f"待转移 {k['people_to_evacuate']:,} 人" in ev
    assert f"平均首次响应 {k['first_response_min_mean']:.1f} 分钟" in ev
    # one map per key moment: the hazard start, each inject sent, the peak, the end
    from drillsim.report import collect
    from drillsim.report.maps import key_moments

    with Archive.open(drill) as a:
        sent = sorted({e.t for e in a.events(types="inject.sent")})
        moments = key_moments(collect(a, verify_chain=False))
        dur = a.duration
    assert {m.t for m in moments} == {0.0, *sent, dur}  # the peak (25 min) falls on inject M03's minute
    maps = html.split('id="maps"')[1].split("</section>")[0]
    assert maps.count("data:image/png;base64,") == len(moments) == 8
    assert "演练结束" in maps and "危化品泄漏" in maps  # the plume is drawn on at least one map


def test_three_archives_side_by_side(drill, others, tmp_path):
    out = tmp_path / "cmp.html"
    assert main(["report", str(drill), *map(str, others), "-o", str(out), "--no-maps", "--lang", "zh"]) == 0
    html = out.read_text(encoding="utf-8")
    cmp = html.split('id="compare"')[1].split("</section>")[0]
    assert "对比 3 次演练" in cmp and "<th>C</th>" in cmp
    for p in (drill, *others):
        assert str(p) in cmp
    row = re.search(r"<tr[^>]*><td>调派次数</td>(.*?)</tr>", cmp)
    cells = re.findall(r"<td>([^<]*)</td>", row.group(1))
    assert cells == [f"{_kpis(p)['dispatches']:,}" for p in (drill, *others)]
    assert len({_kpis(p)["dispatches"] for p in (drill, *others)}) > 1  # the runs really differ
    for key in ("cmp_open", "cmp_evac", "cmp_units"):
        assert f'id="chart-{key}"' in cmp
    assert "A / B" in cmp and "A / C" in cmp and "事件 seq" in cmp


def _blank(png: Path) -> bool:
    from matplotlib.image import imread

    img = imread(str(png))
    return float(img[..., :3].std()) < 0.01


def test_pdf_by_extension(drill, tmp_path):
    pdf = tmp_path / "r.pdf"
    assert main(["report", str(drill), "-o", str(pdf), "--lang", "zh", "--no-maps"]) == 0
    assert pdf.read_bytes()[:5] == b"%PDF-" and not (tmp_path / "r.html").exists()
    assert not list(tmp_path.glob(".*.part"))


def test_pdf_fonts_and_pages_render(built, tmp_path):
    pdf = built[1]
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        cjk = [ln for ln in fonts.splitlines() if "CJK" in ln or "WenQuanYi" in ln]
        assert cjk and all(ln.split()[-5] == "yes" for ln in cjk), fonts  # emb column
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm missing (poppler-utils)")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == _pdf_pages(pdf) >= 8
    assert not any(_blank(p) for p in pages)
    if shutil.which("pdftotext"):
        for i, _ in enumerate(pages, 1):
            text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                                  text=True, check=True).stdout
            if "关键时刻态势图" in text:  # the first map page has coloured map ink (roads, markers)
                from matplotlib.image import imread

                img = imread(str(pages[i - 1]))[..., :3]
                assert float((img.min(axis=2) < 0.9).mean()) > 0.03  # roads drawn
                assert float((img.max(axis=2) - img.min(axis=2) > 0.2).mean()) > 0.001  # and coloured markers
                break
        else:
            raise AssertionError("no map page")


def test_unknown_output_format_exits_2(drill, tmp_path, capsys):
    out = tmp_path / "r.docx"
    assert main(["report", str(drill), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{out}:1:1: ") and ".html or .pdf" in err and not out.exists()


def test_fonts_render_chinese():
    from drillsim.report.charts import cjk_font

    if shutil.which("fc-list") and "CJK" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout \
            and "WenQuanYi" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout:
        pytest.skip("no CJK font installed")
    assert cjk_font() is not None


@pytest.mark.parametrize("content", [None, b"not a drill at all", b"SQLite format 3\x00" + b"\x00" * 200])
def test_bad_archive_exits_2(tmp_path, capsys, content):
    bad = tmp_path / "bad.drill"
    if content is not None:
        bad.write_bytes(content)
    assert main(["report", str(bad), "-o", str(tmp_path / "x.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}:1:1: ") and "Traceback" not in err
    assert not (tmp_path / "x.html").exists()


def test_bad_archive_no_traceback_from_the_command(tmp_path):
    bad = tmp_path / "missing.drill"
    r = subprocess.run([sys.executable, "-m", "drillsim.cli.main", "report", str(bad), "--pdf", str(tmp_path / "x.pdf")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.strip() == f"{bad}:1:1: archive not found; check the path"


def test_key_hazard_events_say_what_the_event_log_says(drill, built):
    """The timeline's key hazard events are drillsim.exercise.wording's sentences (the app's event log),
    with places and hazards named as the app names them (a simulation of the archived scenario)."""
    import html as html_mod

    from drillsim.exercise.wording import SimNames
    from drillsim.report.facts import KEY_HAZARD_EVENTS
    from drillsim.report.maps import open_map

    text = built[0].read_text(encoding="utf-8")
    timeline = html_mod.unescape(text.split('id="timeline"')[1].split("</section>")[0])
    with Archive.open(drill) as a:
        md, _ = open_map(a)
        names = SimNames(md.sim)
        evs = [e for e in a.events() if e.type in KEY_HAZARD_EVENTS]
    assert {e.type for e in evs} >= {"hazard.started", "chemical.release", "chemical.advice"}
    for e in evs:
        assert describe(e, "zh", names) in timeline, e.type
    assert "澜溪氯碱化工有限公司" in timeline  # the plant by name, not plant_cl
    assert "液氯管道泄漏" in timeline and "灾害 cl2" not in timeline  # the hazard by its scenario name


def test_no_maps_report_names_places(drill, tmp_path):
    """Without maps (nothing drawn), places and hazards are still named, from the scenario and its map data."""
    import html as html_mod

    out = tmp_path / "nomaps.html"
    assert main(["report", str(drill), "-o", str(out), "--no-maps", "--lang", "en"]) == 0
    text = html_mod.unescape(out.read_text(encoding="utf-8"))
    assert "Lanxi Chlor-Alkali" in text and "plant_cl" not in text
    assert "Chlorine pipe leak" in text and "id=\"maps\"" not in text
