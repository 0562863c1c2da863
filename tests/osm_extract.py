"""Small OSM extracts made in code (XML text, PBF via osmium.SimpleWriter) and a GeoTIFF DEM.

The town (``town()``), around 120.0 E, 30.0 N, in local metres before conversion:

- a 5 x 5 grid of two-way residential streets, 200 m apart (nodes 1..25), the
  south row a primary road with ``maxspeed=60``, the east column ``lanes=2``;
- the middle row's centre segment is one-way west-to-east (``oneway=yes``), the
  street above it one-way east-to-west given as ``oneway=-1``;
- the north column's middle segment is a ``bridge=yes`` tertiary road;
- a one-way spur (nodes 40-41) leaving the grid with no way back: dropped by
  the strongly connected filter; an island street (50-51) far east: dropped too;
- a footway (60-61) and a building outline: not roads;
- places: hospital (node, beds=80), fire station (area), police (node), school
  (area 100 x 100 m), park (area), chemical works (area), forest (area), a
  village with population=1234, a hamlet without population, a county boundary,
  a residential landuse area around the hospital (land cover for the fuel grid).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

LON0, LAT0 = 120.0, 30.0
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))


def lonlat(x: float, y: float) -> tuple[float, float]:
    return LON0 + x / M_PER_DEG_LON, LAT0 + y / M_PER_DEG_LAT


class Extract:
    """Nodes {id: (lon, lat, tags)}, ways {id: (refs, tags)}, relations {id: (members, tags)}."""

    def __init__(self) -> None:
        self.nodes: dict[int, tuple[float, float, dict[str, str]]] = {}
        self.ways: dict[int, tuple[list[int], dict[str, str]]] = {}
        self.relations: dict[int, tuple[list[tuple[str, int, str]], dict[str, str]]] = {}

    def node(self, nid: int, x: float, y: float, **tags: str) -> int:
        lon, lat = lonlat(x, y)
        self.nodes[nid] = (lon, lat, dict(tags))
        return nid

    def way(self, wid: int, refs: list[int], **tags: str) -> int:
        self.ways[wid] = (list(refs), {k.replace("__", ":"): v for k, v in tags.items()})
        return wid

    def area(self, wid: int, first_node: int, x0: float, y0: float, x1: float, y1: float, **tags: str) -> int:
        ids = [self.node(first_node + k, x, y) for k, (x, y) in enumerate([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])]
        return self.way(wid, ids + [ids[0]], **tags)

    def write_xml(self, path: Path) -> Path:
        out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="drillsim-tests">']
        for nid, (lon, lat, tags) in sorted(self.nodes.items()):
            if tags:
                out.append(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}" version="1">')
                out += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
                out.append("  </node>")
            else:
                out.append(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}" version="1"/>')
        for wid, (refs, tags) in sorted(self.ways.items()):
            out.append(f'  <way id="{wid}" version="1">')
            out += [f'    <nd ref="{r}"/>' for r in refs]
            out += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
            out.append("  </way>")
        for rid, (members, tags) in sorted(self.relations.items()):
            out.append(f'  <relation id="{rid}" version="1">')
            out += [f'    <member type="{t}" ref="{r}" role="{role}"/>' for t, r, role in members]
            out += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
            out.append("  </relation>")
        out.append("</osm>")
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        return path

    def write_pbf(self, path: Path) -> Path:
        import osmium
        from osmium.osm.mutable import Node, Relation, Way

        if path.exists():
            path.unlink()
        w = osmium.SimpleWriter(str(path))
        try:
            for nid, (lon, lat, tags) in sorted(self.nodes.items()):
                w.add_node(Node(id=nid, location=(lon, lat), tags=tags, version=1))
            for wid, (refs, tags) in sorted(self.ways.items()):
                w.add_way(Way(id=wid, nodes=refs, tags=tags, version=1))
            for rid, (members, tags) in sorted(self.relations.items()):
                w.add_relation(Relation(id=rid, members=[(t[0], r, role) for t, r, role in members],
                                        tags=tags, version=1))
        finally:
            w.close()
        return path


def town() -> Extract:
    e = Extract()
    grid = {}
    for i in range(5):
        for j in range(5):
            grid[i, j] = e.node(1 + i * 5 + j, j * 200.0, i * 200.0)
    wid = 100
    for i in range(5):  # east-west streets, split per segment so tags can differ
        for j in range(4):
            tags: dict[str, Any] = {"highway": "residential", "name": f"东西街{i}"}
            if i == 0:
                tags = {"highway": "primary", "maxspeed": "60", "name": "南环路", "name__en": "South Ring Road"}
            if (i, j) == (2, 1):
                tags["oneway"] = "yes"
            if (i, j) == (3, 1):
                tags["oneway"] = "-1"
            e.way(wid, [grid[i, j], grid[i, j + 1]], **tags)
            wid += 1
    for j in range(5):  # north-south streets
        for i in range(4):
            tags = {"highway": "residential", "name": f"南北街{j}"}
            if j == 4:
                tags["lanes"] = "2"
            if (i, j) == (3, 2):
                tags = {"highway": "tertiary", "bridge": "yes", "layer": "1", "name": "北大桥"}
            e.way(wid, [grid[i, j], grid[i + 1, j]], **tags)
            wid += 1
    # a one-way spur out of the grid (no way back) and an island street
    e.node(40, 1000.0, 400.0)
    e.node(41, 1300.0, 450.0)
    e.way(300, [grid[2, 4], 40, 41], highway="residential", oneway="yes")
    e.node(50, 3000.0, 0.0)
    e.node(51, 3300.0, 0.0)
    e.way(301, [50, 51], highway="residential")
    # not roads
    e.node(60, 100.0, 100.0)
    e.node(61, 100.0, 300.0)
    e.way(302, [60, 61], highway="footway")
    e.area(303, 70, 20.0, 20.0, 60.0, 60.0, building="yes")
    # places
    e.node(80, 420.0, 390.0, amenity="hospital", name="县人民医院", beds="80")
    e.area(400, 81, 590.0, 590.0, 650.0, 650.0, amenity="fire_station", name="城关消防救援站")
    e.node(85, 180.0, 610.0, amenity="police", name="城关派出所")
    e.area(401, 86, 220.0, 220.0, 320.0, 320.0, amenity="school", name="实验小学", **{"name:en": "Experimental School"})
    e.area(402, 90, 620.0, 220.0, 780.0, 380.0, leisure="park", name="人民公园")
    e.area(403, 94, 820.0, -80.0, 900.0, -20.0, industrial="chemical", landuse="industrial", name="化工厂")
    e.area(404, 98, -300.0, 500.0, -50.0, 800.0, landuse="forest", name="东山林场")
    e.area(406, 120, 380.0, 340.0, 620.0, 620.0, landuse="residential")  # built-up: fuel 0
    e.node(102, 790.0, 810.0, place="village", name="张家村", population="1234")
    e.node(103, 20.0, 790.0, place="hamlet", name="李家湾")
    ring = [e.node(110 + k, x, y) for k, (x, y) in enumerate([(-500, -300), (1400, -300), (1400, 1100), (-500, 1100)])]
    e.way(405, ring + [ring[0]])
    e.relations[500] = ([("way", 405, "outer")], {"type": "boundary", "boundary": "administrative",
                                                   "admin_level": "6", "name": "测试县", "name:en": "Test County"})
    return e


def write_dem(path: Path, z_of=lambda x, y: 100.0 + 0.05 * x + 0.1 * y, cell_deg: float = 0.0005,
              lon_range: tuple[float, float] = (119.99, 120.03), lat_range: tuple[float, float] = (29.99, 30.02),
              nodata: float | None = None) -> Path:
    """A GeoTIFF DEM in EPSG:4326 whose height is ``z_of(x, y)`` of the local metres above."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    w, e = lon_range
    s, n = lat_range
    ncol, nrow = round((e - w) / cell_deg), round((n - s) / cell_deg)
    lons = w + (np.arange(ncol) + 0.5) * cell_deg
    lats = n - (np.arange(nrow) + 0.5) * cell_deg
    lon, lat = np.meshgrid(lons, lats)
    z = z_of((lon - LON0) * M_PER_DEG_LON, (lat - LAT0) * M_PER_DEG_LAT).astype("float32")
    with rasterio.open(path, "w", driver="GTiff", width=ncol, height=nrow, count=1, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(w, n, cell_deg, cell_deg), nodata=nodata) as ds:
        ds.write(z, 1)
    return path
