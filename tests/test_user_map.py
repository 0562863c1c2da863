"""A drill on a user's own GraphML map (osmnx-style highway tags), with its own places."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_drill_on_a_user_graphml_map_runs_end_to_end():
    f = ROOT / "tests" / "data" / "hillside_user_map.yaml"
    r = subprocess.run([sys.executable, "-m", "drillsim.cli.main", "run", str(f), "--json"],
                       capture_output=True, text=True, cwd=ROOT / "docs", timeout=300)  # any cwd works
    assert r.returncode == 0, r.stderr
    k = json.loads(r.stdout.strip().splitlines()[-1])["kpis"]
    assert (k["rescued"], k["casualties_transported"], k["people_evacuated"]) == (6, 3, 400)
    assert k["first_response_min_mean"] < 30
