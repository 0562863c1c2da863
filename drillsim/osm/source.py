"""Read an OSM extract: the raw road graph (osmnx format, lon/lat) and tagged features.

``.osm`` / ``.osm.bz2`` (XML) go through osmnx (``graph_from_xml``,
``features_from_xml``); ``.osm.pbf`` through pyosmium (:mod:`drillsim.osm.pbf`),
which hands the same nodes and ways to osmnx's graph builder, so both give the
same graph. Every read failure becomes an :class:`InputError` naming the file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx as nx

from drillsim.core.errors import InputError, Problem
from drillsim.scenario import catalog

EXTRA_WAY_TAGS = ("motor_vehicle", "motorcar", "maxspeed", "lanes", "bridge", "tunnel", "name:zh", "name:en")
"""Way tags kept on edges beyond osmnx's defaults (``settings.useful_tags_way``)."""


@dataclass
class Feature:
    """One tagged OSM object (node, way or relation) with its shapely geometry in lon/lat."""

    osm_type: str
    osm_id: int
    tags: dict[str, str]
    geometry: Any


@dataclass
class OsmData:
    graph: nx.MultiDiGraph
    """Drivable roads, unsimplified, node x/y = lon/lat (osmnx conventions)."""
    features: list[Feature] = field(default_factory=list)


def kind_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".osm.pbf") or name.endswith(".pbf"):
        return "pbf"
    if name.endswith((".osm", ".osm.bz2", ".xml", ".osm.xml", ".osm.gz")):
        return "xml"
    raise InputError(Problem(str(path), 1, 1, "unknown OSM file type; give a .osm, .osm.bz2 or .osm.pbf extract"))


def drivable(tags: dict[str, Any]) -> bool:
    """True for a way motor vehicles may use (resources/data/osm.yaml ``highways`` and ``exclude``)."""
    rules = catalog.load_data("osm")
    hw = tags.get("highway")
    if isinstance(hw, list):
        hw = hw[0]
    if hw not in rules["highways"]:
        return False
    return not any(str(tags.get(k)) in [str(x) for x in bad] for k, bad in rules["exclude"].items())


def feature_tags() -> dict[str, list[str]]:
    """{tag: values} of every place and land-cover rule, plus admin boundaries and rivers."""
    rules = catalog.load_data("osm")
    out: dict[str, list[str]] = {"boundary": ["administrative"], "waterway": ["river"]}
    for r in rules["places"] + rules["landcover"]:
        out.setdefault(r["tag"], []).extend(v for v in r["values"] if v not in out.get(r["tag"], []))
    return out


@contextlib.contextmanager
def _way_tags() -> Iterator[None]:
    import osmnx as ox

    old = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = old + [t for t in EXTRA_WAY_TAGS if t not in old]
    try:
        yield
    finally:
        ox.settings.useful_tags_way = old


def read_osm(path: Path) -> OsmData:
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), 1, 1, "OSM file not found; check the path"))
    if path.stat().st_size == 0:
        raise InputError(Problem(str(path), 1, 1, "the OSM file is empty"))
    kind = kind_of(path)
    with _way_tags():
        return _read_pbf(path) if kind == "pbf" else _read_xml(path)


def _read_xml(path: Path) -> OsmData:
    import osmnx as ox
    from osmnx._errors import InsufficientResponseError

    try:
        g = ox.graph_from_xml(path, retain_all=True, simplify=False)
        try:
            gdf = ox.features_from_xml(path, tags=feature_tags())
        except InsufficientResponseError:
            gdf = None
    except ElementTree.ParseError as e:
        line, col = getattr(e, "position", (1, 0))
        raise InputError(Problem(str(path), line or 1, (col or 0) + 1,
                                 f"broken OSM XML ({str(e).split(':')[0]}); the file may be truncated: "
                                 f"download or export it again")) from None
    except (OSError, EOFError, ValueError) as e:  # bz2 / gzip damage, bad numbers
        raise InputError(Problem(str(path), 1, 1, f"cannot read the OSM XML: {e}")) from None
    except InsufficientResponseError:
        raise InputError(Problem(str(path), 1, 1, "the file holds no OSM nodes or ways")) from None
    except KeyError as e:
        raise InputError(Problem(str(path), 1, 1, f"the OSM XML is incomplete: a way names node {e} "
                                                   f"that the file does not hold (cut extracts need "
                                                   f"'complete ways')")) from None
    drop = [(u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if not drivable(d)]
    g.remove_edges_from(drop)
    g.remove_nodes_from([n for n in list(g.nodes) if g.degree(n) == 0])
    features: list[Feature] = []
    if gdf is not None:
        for (etype, eid), row in gdf.iterrows():
            tags = {str(k): str(v) for k, v in row.items() if k != "geometry" and isinstance(v, str)}
            features.append(Feature(str(etype), int(eid), tags, row["geometry"]))
    return OsmData(g, features)


def _read_pbf(path: Path) -> OsmData:
    from drillsim.osm.pbf import read_pbf

    return read_pbf(path)
