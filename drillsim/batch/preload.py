"""Imported once by the pool's forkserver: build the batch's map there, before any worker exists.

Workers are forked from the forkserver, so each starts with the map already built
(shared copy-on-write) instead of spending ~1.5 s of CPU building its own; that is
most of a worker's start-up, and it is paid again whenever a dead worker's pool is
rebuilt. The map to build comes in :data:`MAP_ENV` (set by the pool before the
forkserver starts); without it, or if it fails, workers build the map themselves.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from drillsim.batch.runner import MAP_ENV


def _preload() -> None:
    spec = os.environ.get(MAP_ENV)
    if not spec:
        return
    try:
        from drillsim.scenario.loader import build_map_spec

        d = json.loads(spec)
        build_map_spec(d["map"], Path(d["base_dir"])).load()
    except Exception:  # noqa: BLE001 - an exception here would kill the forkserver; workers build it
        pass


_preload()
