"""Topological simplification of an osmnx road graph, without edge geometry.

The rules are osmnx's ``simplify_graph`` (Boeing 2025, osmnx 2.x): a node is
an edge end if it loops to itself, has no way in or no way out, does not have
exactly two neighbours with 2 or 4 directed edges, or its edges differ in one
of ``differ`` (e.g. a bridge starts); every other node is dropped and each chain
between ends becomes one edge, ``length`` summed and other attributes kept
(single value) or listed (sorted, so runs are reproducible). Isolated rings go.
osmnx also builds a shapely line per merged edge, ~40 % of its time on a city
extract; DrillSim draws and routes on node positions only, so it is skipped
here (tests/test_osm_import.py checks the result equals osmnx's otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import Any

import networkx as nx


def _is_end(succ: dict, pred: dict, n: Any, differ: tuple[str, ...]) -> bool:
    s, p = succ[n], pred[n]
    if n in s or not s or not p:
        return True
    if len(s.keys() | p.keys()) != 2:
        return True
    if sum(map(len, s.values())) + sum(map(len, p.values())) not in (2, 4):
        return True
    for a in differ:
        vals = {d.get(a) for ks in s.values() for d in ks.values()}
        vals |= {d.get(a) for ks in p.values() for d in ks.values()}
        if len(vals) > 1:
            return True
    return False


def _path(succ: dict, start: Any, first: Any, ends: set) -> list:
    path = [start, first]
    on = {start, first}
    for nxt in succ[first]:
        if nxt in on:
            continue
        path.append(nxt)
        on.add(nxt)
        node = nxt
        while node not in ends:
            ahead = [m for m in succ[node] if m not in on]
            if len(ahead) != 1:
                if not ahead and start in succ[node]:
                    return [*path, start]  # a loop back to the start
                return path  # a digitising quirk (one-way turning two-way): stop here
            node = ahead[0]
            path.append(node)
            on.add(node)
        return path
    return path


def simplify(g: nx.MultiDiGraph, differ: Iterable[str] = ()) -> nx.MultiDiGraph:
    differ = tuple(differ)
    g = g.copy()
    succ, pred = g._succ, g._pred
    ends = {n for n in g.nodes if _is_end(succ, pred, n, differ)}
    drop: set = set()
    new: list[tuple[Any, Any, dict[str, Any]]] = []
    for start in ends:
        for first in list(succ[start]):
            if first in ends:
                continue
            path = _path(succ, start, first, ends)
            values: dict[str, list] = {}
            for u, v in pairwise(path):
                data = next(iter(succ[u][v].values()))
                for k, val in data.items():
                    values.setdefault(k, []).append(val)
            attrs: dict[str, Any] = {}
            for k, vals in values.items():
                if k == "length":
                    attrs[k] = sum(vals)
                else:
                    uniq = set(map(_hashable, vals))
                    attrs[k] = vals[0] if len(uniq) == 1 else sorted(uniq, key=str)
            new.append((path[0], path[-1], attrs))
            drop.update(path[1:-1])
    g.add_edges_from(new)
    g.remove_nodes_from(drop)
    rings = [c for c in nx.weakly_connected_components(g) if not any(_is_end(succ, pred, n, differ) for n in c)]
    for c in rings:
        g.remove_nodes_from(c)
    g.graph["simplified"] = True
    return g


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v
