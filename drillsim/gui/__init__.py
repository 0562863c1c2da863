"""The desktop app (PySide6): map, clock and timeline, director / trainee / evaluator consoles, replay.

This is the only package that imports Qt (import-linter enforces it). It drives the
engine through :class:`drillsim.exercise.session.Session` exactly like a headless run.
"""
