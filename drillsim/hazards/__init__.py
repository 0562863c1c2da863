"""Hazard models: pure field functions plus SimPy processes that change the world.

Each hazard type registers a :class:`~drillsim.hazards.base.Hazard` subclass in
:data:`drillsim.hazards.registry.HAZARD_TYPES`.
"""
