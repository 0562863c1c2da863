"""Write a map folder's road graph: GraphML (the interchange file) plus its array twin.

networkx's GraphML writer builds an ElementTree of the whole graph (minutes for a
city); this streams the same GraphML with one formatted line per element. The
twin ``roads.npz`` holds the same nodes and edges as arrays and the GraphML's
sha256, so reading a big map takes seconds (:mod:`drillsim.scenario.map_dir`);
an edited GraphML no longer matches the hash and is read instead.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.sax.saxutils import escape

import networkx as nx
import numpy as np

from drillsim.scenario.map_dir import EDGE_FIELDS, NODE_FIELDS

_GRAPHML_TYPE = {float: "double", int: "long", bool: "boolean", str: "string"}


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return escape(str(v))


def write_roads(g: nx.DiGraph, graphml: Path, twin: Path) -> str:
    """Write ``g`` (attributes NODE_FIELDS / EDGE_FIELDS) as GraphML and npz; return the GraphML sha256."""
    keys = [(f"n{k}", "node", name, typ) for k, (name, typ) in enumerate(NODE_FIELDS)]
    keys += [(f"e{k}", "edge", name, typ) for k, (name, typ) in enumerate(EDGE_FIELDS)]
    h = hashlib.sha256()
    with open(graphml, "w", encoding="utf-8", newline="\n") as f:
        def put(text: str) -> None:
            f.write(text)
            h.update(text.encode("utf-8"))

        put('<?xml version="1.0" encoding="utf-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for kid, for_, name, typ in keys:
            put(f'  <key id="{kid}" for="{for_}" attr.name="{name}" attr.type="{_GRAPHML_TYPE[typ]}" />\n')
        put(f'  <graph edgedefault="{"directed" if g.is_directed() else "undirected"}">\n')
        buf: list[str] = []
        for n, d in g.nodes(data=True):
            data = "".join(f'<data key="n{k}">{_value(d[name])}</data>' for k, (name, _) in enumerate(NODE_FIELDS))
            buf.append(f'    <node id="{escape(str(n))}">{data}</node>\n')
            if len(buf) >= 5000:
                put("".join(buf))
                buf = []
        for u, v, d in g.edges(data=True):
            data = "".join(f'<data key="e{k}">{_value(d[name])}</data>' for k, (name, _) in enumerate(EDGE_FIELDS))
            buf.append(f'    <edge source="{escape(str(u))}" target="{escape(str(v))}">{data}</edge>\n')
            if len(buf) >= 5000:
                put("".join(buf))
                buf = []
        put("".join(buf) + "  </graph>\n</graphml>\n")
    digest = h.hexdigest()
    ids = list(g.nodes)
    index = {n: i for i, n in enumerate(ids)}
    cols: dict[str, np.ndarray] = {"graphml_sha256": np.array(digest), "node_id": np.array(ids, dtype=str)}
    for name, typ in NODE_FIELDS:
        cols[f"node_{name}"] = np.array([d[name] for _, d in g.nodes(data=True)], dtype=typ)
    cols["edge_u"] = np.array([index[u] for u, _ in g.edges()], dtype=np.int64)
    cols["edge_v"] = np.array([index[v] for _, v in g.edges()], dtype=np.int64)
    for name, typ in EDGE_FIELDS:
        cols[f"edge_{name}"] = np.array([d[name] for _, _, d in g.edges(data=True)], dtype=typ)
    np.savez(twin, **cols)
    return digest
