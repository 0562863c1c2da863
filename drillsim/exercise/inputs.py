"""Inputs: everything people do to a drill, with the sim time they did it.

A drill is reproducible from scenario + seed + this list. Re-running applies each
input after advancing the simulation to its time (exactly what happened live,
where inputs arrive between clock slices), so the event stream is identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INPUT_KINDS = ("order", "inject", "director", "note")
"""order: a trainee's order; inject: fire / edit an inject; director: clock and
level decisions that change the drill; note: evaluator notes (change nothing)."""


@dataclass(frozen=True)
class Input:
    t: float
    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.t, "kind": self.kind, "data": self.data}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Input:
        return cls(float(d["t"]), str(d["kind"]), dict(d.get("data") or {}))
