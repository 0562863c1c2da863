"""Find bundled data (scenarios/, resources/, ui/) in a checkout or an installed wheel.

Code never uses paths relative to the working directory: it asks here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent


@cache
def data_root() -> Path:
    """The folder holding scenarios/, resources/ and ui/."""
    installed = _PKG / "_data"
    if (installed / "resources").is_dir():
        return installed
    return _PKG.parent


def resources(*parts: str) -> Path:
    return data_root().joinpath("resources", *parts)


def scenarios_dir() -> Path:
    return data_root() / "scenarios"


def ui_dir() -> Path:
    return data_root() / "ui"


def shipped_scenarios() -> list[Path]:
    return sorted(p for p in scenarios_dir().glob("*.yaml") if not p.name.endswith(".orders.yaml"))
