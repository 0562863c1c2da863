"""A tiny world for hazard tests: an 11 x 11 street grid (500 m spacing) and a few communities."""

from __future__ import annotations

from datetime import datetime

import networkx as nx
import numpy as np
import simpy

from drillsim.core.events import EventStream
from drillsim.core.grid import Grid
from drillsim.hazards.base import HazardContext
from drillsim.scenario.maps import MapData
from drillsim.scenario.model import MapSpec, Meta, Scenario
from drillsim.world.world import World


def grid_world(communities: list[dict], seed: int = 7, n: int = 11, spacing: float = 500.0,
               bridges: bool = True, slope: bool = False, duration_min: float = 1440.0):
    g = nx.Graph()
    off = (n - 1) / 2 * spacing
    for i in range(n):
        for j in range(n):
            g.add_node(i * n + j, x=j * spacing - off, y=i * spacing - off)
    k = 0
    for i in range(n):
        for j in range(n):
            for di, dj in ((0, 1), (1, 0)):
                if i + di < n and j + dj < n:
                    g.add_edge(i * n + j, (i + di) * n + j + dj, length=spacing, road_class="local",
                               id=f"r{k}", bridge=bridges and k % 17 == 0)
                    k += 1
    elev = None
    if slope:  # a steep valley side in the east: 40 % grade
        xs = np.arange(-off - 500, off + 500, 100.0)
        X, Y = np.meshgrid(xs, xs)
        elev = Grid(xs[0] - 50, xs[0] - 50, 100.0, np.where(X > 1500, (X - 1500) * 0.6, 0.0))
    places = [dict(c, kind="community") for c in communities]
    md = MapData(name={"zh": "测试", "en": "test"}, graph=g, places=places, elevation=elev)
    meta = Meta(name={"zh": "t", "en": "t"}, description={"zh": "", "en": ""}, region={"zh": "", "en": ""},
                start=datetime(2024, 1, 1), duration_min=duration_min, seed=seed)
    sc = Scenario(meta=meta, map=MapSpec(), places=[], units=[], supplies={}, incidents=[])
    env = simpy.Environment()
    events = EventStream()
    world = World(md, sc, events, now=lambda: env.now)
    ctx = HazardContext(env=env, world=world, events=events)
    return env, world, events, ctx
