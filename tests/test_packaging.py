"""The wheel carries scenarios/, resources/ and ui/, and code finds them when installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_data_and_installed_code_finds_it(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    wheel = next(tmp_path.glob("drillsim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("scenarios", "resources", "ui"):
        assert any(n.startswith(f"drillsim/_data/{folder}/") for n in names), folder
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = ("import drillsim.core.paths as p, json; "
            "print(json.dumps([str(p.data_root()), [s.name for s in p.shipped_scenarios()]]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    root, scenarios = json.loads(out.stdout)
    assert root == str(site / "drillsim" / "_data")
    assert "lanxi_earthquake.yaml" in scenarios
    info = subprocess.run([sys.executable, "-m", "drillsim.cli.main", "info",
                           str(site / "drillsim" / "_data" / "scenarios" / "lanxi_flood.yaml"), "--json"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout.strip().splitlines()[-1])["hazards"][0]["type"] == "flood"
