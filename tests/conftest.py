"""Shared fixtures. GUI tests run offscreen; Qt warnings fail tests (see tests/gui)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import settings  # noqa: E402

# Property tests check values, not speed: on a loaded 2-core CI machine hypothesis's 200 ms
# per-example deadline fails correct code (seen on test_routecode under load).
settings.register_profile("drillsim", deadline=None)
settings.load_profile("drillsim")
