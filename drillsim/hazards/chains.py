"""Hazard chains (灾害链, 次生衍生灾害): declared triggers that start one hazard from another.

A hazard declared with ``start_min: triggered`` and a ``trigger`` block starts when
another hazard's field at a place crosses a threshold::

    - type: chemical
      id: leak1
      start_min: triggered
      trigger: {by: eq1, place: plant_cl, field: intensity, ">=": 8}     # quake shakes the plant
    - type: chemical
      id: leak2
      start_min: triggered
      trigger: {by: fire1, place: plant_lpg, field: arrival_min, reached: true}  # fire reaches it

The watcher samples the source hazard's pure field functions every ``every_min``
sim minutes (default 1), so chains follow the hazards' own physics.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from drillsim.hazards.base import Hazard, HazardContext

OPS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}


def location(trigger: dict[str, Any], ctx: HazardContext) -> tuple[float, float] | None:
    if "place" in trigger and trigger["place"] in ctx.world.places:
        return ctx.world.places[trigger["place"]].at
    if "at" in trigger:
        return float(trigger["at"][0]), float(trigger["at"][1])
    return None


def condition_met(trigger: dict[str, Any], fields: dict[str, Any]) -> bool:
    value = fields.get(str(trigger.get("field")))
    if trigger.get("reached"):
        return value is not None
    if value is None:
        return False
    for op, fn in OPS.items():
        if op in trigger and not fn(float(value), float(trigger[op])):
            return False
    return any(op in trigger for op in OPS)


class ChainWatcher:
    def __init__(self, ctx: HazardContext, hazards: dict[str, Hazard]) -> None:
        self.ctx = ctx
        self.links = [(h, h.spec["trigger"]) for h in hazards.values()
                      if h.triggered_only and isinstance(h.spec.get("trigger"), dict)]
        if self.links:
            ctx.env.process(self._watch())

    def _watch(self) -> Generator:
        every = min(float(t.get("every_min", 1.0)) for _, t in self.links)
        while self.links:
            now = self.ctx.env.now
            for target, trig in list(self.links):
                source = self.ctx.hazards.get(str(trig.get("by")))
                where = location(trig, self.ctx)
                if target.started:
                    self.links.remove((target, trig))
                    continue
                if source is None or not source.started or where is None:
                    continue
                fields = source.fields(where[0], where[1], now)
                if condition_met(trig, fields):
                    self.links.remove((target, trig))
                    self.ctx.emit("hazard.chain", source=source.id, target=target.id,
                                  place=trig.get("place"), field=trig.get("field"),
                                  value=fields.get(str(trig.get("field"))))
                    self.ctx.trigger(target.id, cause=f"chain:{source.id}")
            yield self.ctx.env.timeout(every)
