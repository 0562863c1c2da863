"""The compact route texts of ``unit.depart`` events: exact round trips, old list form, replay positions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drillsim.core.events import Event
from drillsim.record.replay_state import ReplayState
from drillsim.world.routecode import decode_path, decode_times, encode_path, encode_times


@given(st.lists(st.integers(-(2 ** 62), 2 ** 62), min_size=1, max_size=60))
def test_path_round_trip(nodes):
    assert list(decode_path(encode_path(np.array(nodes, dtype=np.int64)))) == nodes


@given(st.lists(st.floats(0, 5000, allow_nan=False), min_size=1, max_size=60))
def test_times_round_trip_to_thousandths(steps):
    times = np.cumsum(steps)
    got = decode_times(encode_times(times))
    assert list(got) == [k / 1000 for k in np.rint(times * 1000).astype(np.int64).tolist()]
    assert np.all(np.abs(np.array(got) - times) <= 0.0005 + 1e-9)


def test_documented_example_and_widths():
    assert encode_path(np.array([7, 8, 6])) == "7:1AgM="
    assert encode_path(np.array([5])) == "5:1"
    assert decode_times(encode_times(np.array([0.0, 0.1234, 0.5]))) == (0.0, 0.123, 0.5)
    # the narrowest width that holds every zigzag difference
    assert encode_path(np.array([0, 127])).split(":")[1][0] == "1"
    assert encode_path(np.array([0, 128])).split(":")[1][0] == "2"
    assert encode_path(np.array([0, 40000])).split(":")[1][0] == "4"
    assert encode_path(np.array([0, 2 ** 40])).split(":")[1][0] == "8"
    # grid-like paths take ~2.7 characters per node, not ~7 as a decimal list
    rng = np.random.default_rng(3)
    nodes = 50_000 + np.cumsum(rng.choice([-1, 1, -316, 316], 300))
    assert len(encode_path(nodes)) < 3 * len(nodes) < len(str(nodes.tolist())) / 2


def test_older_list_form_passes_through_and_bad_text_is_refused():
    assert decode_path([3, 4, 5]) == [3, 4, 5] and decode_times([0.0, 1.5]) == [0.0, 1.5]
    for bad in ("x", "7:3AA==", "7:1***", "7"):
        with pytest.raises(ValueError):
            decode_path(bad)


def test_replay_position_same_for_text_and_list_routes():
    x = np.arange(10, dtype=float) * 100.0
    y = np.zeros(10)
    ctx = {"units": {"u1": {"type": "fire_rescue", "node": 0}}, "shelters": {}, "hospitals": {}, "depots": {}}
    path, times = np.array([0, 1, 2, 5]), np.array([0.0, 1.0, 3.5, 4.25])
    states = []
    for p, t in ((encode_path(path), encode_times(times)), (path.tolist(), times.tolist())):
        s = ReplayState(ctx, (x, y))
        s.apply(Event(10.0, "unit.depart", {"unit": "u1", "dest": 5, "eta": 14.25, "path": p, "times": t}, 1))
        states.append(s)
    for s in states:
        assert s.position("u1", 10.5) == (50.0, 0.0)
        assert s.position("u1", 12.25) == (150.0, 0.0)
        assert s.position("u1", 13.875) == (350.0, 0.0)
        assert s.position("u1", 20.0) == (500.0, 0.0)
        assert s.view(11.0)["units"][0]["eta"] == 14.25


def test_replay_attributes_a_chain_to_its_source_and_target_not_to_a_hazard_named_hazard():
    """Regression: hazard.chain (no ``id``) was counted as a hazard "hazard" ("Hazard hazard (hazard): 1 events")."""
    ctx = {"units": {}, "shelters": {}, "hospitals": {}, "depots": {}}
    s = ReplayState(ctx)
    s.apply(Event(0.0, "hazard.started", {"id": "quake", "hazard": "earthquake", "at": [0, 0], "cause": ""}, 0))
    s.apply(Event(0.0, "earthquake.mainshock", {"id": "quake", "magnitude": 6.0}, 1))
    s.apply(Event(30.0, "hazard.chain", {"source": "quake", "target": "leak", "place": "p1", "field": "intensity",
                                         "value": 8.2}, 2))
    s.apply(Event(30.0, "hazard.started", {"id": "leak", "hazard": "chemical", "at": [0, 0], "cause": "chain:quake"}, 3))
    hz = {h["id"]: h for h in s.view()["hazards"]}
    assert set(hz) == {"quake", "leak"}
    assert (hz["quake"]["type"], hz["quake"]["events"]) == ("earthquake", 3)
    assert (hz["leak"]["type"], hz["leak"]["events"], hz["leak"]["started"]) == ("chemical", 2, 30.0)
    assert hz["leak"]["last"]["hazard.chain"]["source"] == "quake"
