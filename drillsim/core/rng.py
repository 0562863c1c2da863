"""Per-component random streams spawned from the scenario seed.

Each component asks for its own stream by a stable name, so adding randomness to
one component never shifts another's draws (reproducibility by construction).
"""

from __future__ import annotations

import hashlib

import numpy as np


class RandomStreams:
    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        if name not in self._streams:
            key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
            self._streams[name] = np.random.default_rng(np.random.SeedSequence([self.seed, key]))
        return self._streams[name]
