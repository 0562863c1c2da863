"""Shared fixtures. GUI tests run offscreen; Qt warnings fail tests (see tests/gui)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
