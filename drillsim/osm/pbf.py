"""Read an ``.osm.pbf`` extract with pyosmium into the same data the XML reader gives.

One pass collects drivable ways with their node locations (and the few tagged
road nodes), point features and river lines; osmium's area assembler builds
polygons for areas and multipolygon / boundary relations. The roads go through
osmnx's own graph builder (``osmnx.graph._create_graph``, what ``graph_from_xml``
uses), so a PBF and an XML of the same data give the same graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import osmium
import osmium.geom
import shapely.wkb
from shapely.geometry import Point

from drillsim.core.errors import InputError, Problem
from drillsim.osm.source import Feature, OsmData, drivable, feature_tags


class _Collector(osmium.SimpleHandler):
    def __init__(self, node_tags: list[str], want: dict[str, list[str]]) -> None:
        super().__init__()
        self.node_tags = node_tags
        self.want = want
        self.tagged_nodes: dict[int, dict[str, str]] = {}
        self.nodes: dict[int, tuple[float, float]] = {}
        self.ways: list[dict[str, Any]] = []
        self.features: list[Feature] = []
        self.wkb = osmium.geom.WKBFactory()

    def _wanted(self, tags: dict[str, str]) -> bool:
        return any(tags.get(k) in vals for k, vals in self.want.items())

    def node(self, n: osmium.osm.Node) -> None:
        if not len(n.tags):
            return
        tags = dict(n.tags)
        kept = {k: v for k, v in tags.items() if k in self.node_tags}
        if kept:
            self.tagged_nodes[n.id] = kept
        if self._wanted(tags) and n.location.valid():
            self.features.append(Feature("node", n.id, tags, Point(n.location.lon, n.location.lat)))

    def way(self, w: osmium.osm.Way) -> None:
        tags = dict(w.tags)
        if "highway" in tags and drivable(tags):
            run: list[int] = []
            for nd in w.nodes:
                if nd.location.valid():
                    self.nodes[nd.ref] = (nd.location.lon, nd.location.lat)
                    run.append(nd.ref)
                    continue
                if len(run) > 1:  # a node outside the extract: split the way there
                    self.ways.append({"type": "way", "id": w.id, "nodes": run, "tags": tags})
                run = []
            if len(run) > 1:
                self.ways.append({"type": "way", "id": w.id, "nodes": run, "tags": tags})
        elif tags.get("waterway") in self.want.get("waterway", ()):
            try:
                line = shapely.wkb.loads(self.wkb.create_linestring(w), hex=True)
            except (RuntimeError, osmium.InvalidLocationError):
                return
            self.features.append(Feature("way", w.id, tags, line))

    def area(self, a: osmium.osm.Area) -> None:
        tags = dict(a.tags)
        if not self._wanted(tags):
            return
        try:
            geom = shapely.wkb.loads(self.wkb.create_multipolygon(a), hex=True)
        except (RuntimeError, osmium.InvalidLocationError):
            return
        self.features.append(Feature("way" if a.from_way() else "relation", a.orig_id(), tags, geom))


def read_pbf(path: Path) -> OsmData:
    import osmnx as ox

    h = _Collector(list(ox.settings.useful_tags_node), feature_tags())
    try:
        h.apply_file(str(path), locations=True)
    except RuntimeError as e:
        raise InputError(Problem(str(path), 1, 1, f"broken OSM PBF ({e}); the file may be truncated: "
                                                  f"download or export it again")) from None
    if not h.ways:
        return OsmData(nx.MultiDiGraph(crs="epsg:4326"), h.features)
    elements: list[dict[str, Any]] = [
        {"type": "node", "id": nid, "lon": lon, "lat": lat, **({"tags": h.tagged_nodes[nid]}
                                                              if nid in h.tagged_nodes else {})}
        for nid, (lon, lat) in h.nodes.items()]
    elements += h.ways
    g = ox.graph._create_graph([{"elements": elements}], bidirectional=False)
    return OsmData(g, h.features)
