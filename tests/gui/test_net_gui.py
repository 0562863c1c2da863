"""The desktop app joined to a networked drill on loopback: a seat's window shows its own units
and receipts of its orders; the director's shows who is connected and controls the clock."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from net_support import ServerThread  # noqa: E402

from drillsim.gui.net_client import open_join, parse_args_text  # noqa: E402


def test_parse_order_arguments():
    assert parse_args_text("unit=fire1-1 task=i1/rescue") == {"unit": "fire1-1", "task": "i1/rescue"}
    assert parse_args_text("to=county_hq units=a1,a2") == {"to": "county_hq", "units": ["a1", "a2"]}
    assert parse_args_text('{"level": "IV"}') == {"level": "IV"}


def test_seat_and_director_windows_over_the_network(qtbot, tmp_path):
    with ServerThread(tmp_path, until=5000, speed=2) as s:
        seat = open_join(f"127.0.0.1:{s.server.port}", s.code("town_w"))
        director = open_join(f"127.0.0.1:{s.server.port}", s.code("director"))
        try:
            qtbot.addWidget(seat.win)
            qtbot.addWidget(director.win)
            qtbot.waitUntil(lambda: seat.units.rowCount() == 1, timeout=10000)
            assert seat.units.item(0, 0).text() == "truck"  # only its own unit
            assert "西镇指挥部" in seat.header.text()
            assert not seat.pause_btn.isVisible() and not seat.people.isVisible()
            # an order through the form: the sibling's unit is refused by the drill, with the reason
            seat.op.setCurrentIndex(seat.op.findData("dispatch"))
            seat.args.setText("unit=f1-1 task=i1/rescue")
            seat.send_btn.click()
            qtbot.waitUntil(lambda: "town_e" in seat.receipts.toPlainText() or "东镇" in seat.receipts.toPlainText(),
                            timeout=10000)
            assert "被拒绝" in seat.receipts.toPlainText()
            # the director sees who is connected and pauses the drill for everyone
            qtbot.waitUntil(lambda: director.people.rowCount() >= 3, timeout=10000)
            rows = {director.people.item(r, 0).text(): director.people.item(r, 1).text()
                    for r in range(director.people.rowCount())}
            assert rows["town_w"] == "在线" and rows["town_e"] == "离线" and rows["director"] == "在线"
            assert director.units.rowCount() == 5
            director.pause_btn.click()
            qtbot.waitUntil(lambda: seat.client.view.paused, timeout=10000)
            assert s.drill.session.paused
        finally:
            seat.stop()
            director.stop()
        s.stop()


def test_host_from_the_app_serves_the_open_drill(win, qtbot, tmp_path, monkeypatch):
    """文件 → 主持联网演练 runs drillsim serve on the open scenario: codes shown, the director joins
    from the dialog, 结束演练 closes the archive."""
    from PySide6.QtGui import QAction

    from drillsim.gui.common import child
    from drillsim.gui.net_host import HostDialog, drill_source
    from drillsim.record.archive import Archive
    from tests.net_support import SCENARIO as NET_SCENARIO

    monkeypatch.setenv("DRILLSIM_DATA_DIR", str(tmp_path / "data"))
    assert child(win.win, QAction, "actionHostNet").text() == "主持联网演练…"
    assert drill_source(win).name == "lanxi_gui.yaml"  # the open drill is what would be served
    dlg = HostDialog(NET_SCENARIO, win.win, record=tmp_path / "hosted.drill")
    qtbot.addWidget(dlg)
    dlg.port.setValue(0)
    dlg.tls.setChecked(False)
    dlg.start()
    qtbot.waitUntil(lambda: dlg.codes.rowCount() == 5, timeout=60000)
    idents = [dlg.codes.item(r, 0).text() for r in range(5)]
    assert sorted(idents) == ["county_hq", "director", "evaluator", "town_e", "town_w"]
    assert all(len(dlg.codes.item(r, 1).text()) >= 20 for r in range(5))
    director = dlg.join_as_director()
    qtbot.waitUntil(lambda: director.people.rowCount() == 5, timeout=15000)
    dlg.stop()
    qtbot.waitUntil(lambda: dlg.result is not None, timeout=15000)
    assert dlg.result["archive"].endswith("hosted.drill")
    with Archive.open(tmp_path / "hosted.drill") as arc:
        assert arc.meta["complete"] is True and arc.meta["digest"] == dlg.result["digest"]


def test_seat_window_map_shows_the_roads_and_its_unit_moving(qtbot, tmp_path):
    """The seat's map is the app's MapView on the server's map message: every road of the scenario,
    only public places and the seat's own unit, which moves as the drill runs."""
    with ServerThread(tmp_path, until=60, speed=10, start_paused=True) as s:
        net = s.drill.session.sim.world.net
        seat = open_join(f"127.0.0.1:{s.server.port}", s.code("town_w"))
        try:
            qtbot.addWidget(seat.win)
            qtbot.waitUntil(lambda: seat.seat_map is not None and seat.map.unit_pos("truck") is not None,
                            timeout=10000)
            drawn = sum(item.path().elementCount() // 2 for item in seat.map.road_items.values())
            assert drawn == net.n_roads == seat.map.sim.world.net.n_roads
            assert sorted(seat.map.place_items) == ["c1", "hos1", "sh1", "st1", "st2"]  # no county depot
            assert seat.map.units_item.ids == ["truck"]
            home = seat.map.unit_pos("truck")
            seat.runner.call(seat.client.order("dispatch", unit="truck", task="i1/transport")).result(5)
            s.call(s.server.control, "resume")
            seen = {home}

            def moved():
                pos = seat.map.unit_pos("truck")
                seen.add(pos)
                return len(seen) >= 3

            qtbot.waitUntil(moved, timeout=15000)
            qtbot.waitUntil(lambda: seat.map.units_item.status_of("truck") != "idle", timeout=5000)
            qtbot.waitUntil(lambda: "i1" in seat.map.incident_items, timeout=15000)  # reached it 15 min late
        finally:
            seat.stop()
        s.stop()
