"""The built-in demo world: 澜溪市 (Lanxi), a fictional county-level city.

Lanxi lies in the fictional 云州市 (Yunzhou city), 北岭自治区 (Beiling region).
Every name here is invented. The map is 14 km x 12 km in map metres (x east,
y north, origin at the south-west corner):

- a perturbed-grid urban core (城关镇, about 6 km x 4.5 km) with arterials every
  ~1 km, collectors between them and local streets;
- the 澜溪河 (Lanxi River) running from 青龙水库 (Qinglong reservoir) in the
  north-western hills south-east through the core and out at the east edge,
  with dikes along the urban reach; roads cross it only on bridges;
- four rural towns and ~34 villages linked by rural roads, mountain tracks in
  the forested hills to the north-west (peaks near 800 m);
- the 云澜高速 expressway from the west edge (towards the region) round the
  south and east of the core to the north-east edge (towards Yunzhou);
- the 临河化工园区 chemical park downstream, with three plants.

``build_demo_city()`` is deterministic (fixed seed) and takes well under a
second; ``drillsim.scenario.maps`` caches it. docs/maps.md lists every place id.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
from scipy.ndimage import zoom
from scipy.spatial import Delaunay, cKDTree

from drillsim.core.grid import Grid
from drillsim.scenario.maps import MapData

W, H = 14000.0, 12000.0
CELL = 50.0
SEED = 20260611

CORE = (4500.0, 3500.0, 10500.0, 7940.0)  # x0, y0, x1, y1 of the urban grid
CORE_STEP = 120.0
ART_EVERY, COL_EVERY = 8, 4

RIVER_CTRL = [(2900, 9050), (3400, 8500), (4000, 7600), (4600, 6900), (5500, 6400),
              (6500, 6150), (7500, 6300), (8500, 5900), (9500, 5600), (10500, 5700),
              (11500, 5400), (12500, 5000), (13300, 4700), (14000, 4600)]
RIVER_HALF_WIDTH = 45.0
RES_CENTRE, RES_A, RES_B, RES_ANGLE = (2450.0, 9500.0), 640.0, 300.0, -math.pi / 4
EXPRESSWAY_CTRL = [(10, 1900), (3000, 2100), (6500, 2500), (10000, 2900), (11600, 3300),
                   (12200, 5000), (12600, 7500), (13200, 9500), (13990, 11000)]
FOREST_POLY = [(150, 7600), (1500, 7300), (2600, 8000), (3300, 9900), (4300, 10400),
               (5600, 10200), (6400, 10900), (6300, 11850), (150, 11850)]
PARK_CENTRE = (12600.0, 3800.0)

TOWNS = [  # id, zh, en, seat, polygon
    ("town1", "城关镇", "Chengguan", (7400.0, 5000.0),
     [(4000, 3000), (11000, 3000), (11000, 8500), (4000, 8500)]),
    ("town2", "青龙乡", "Qinglong", (2300.0, 7200.0),
     [(0, 6000), (4000, 6000), (4000, 8500), (8000, 8500), (8000, 12000), (0, 12000)]),
    ("town3", "石桥镇", "Shiqiao", (11200.0, 9600.0),
     [(8000, 8500), (11000, 8500), (11000, 6000), (14000, 6000), (14000, 12000), (8000, 12000)]),
    ("town4", "临河镇", "Linhe", (12000.0, 1700.0),
     [(7500, 0), (14000, 0), (14000, 6000), (11000, 6000), (11000, 3000), (7500, 3000)]),
    ("town5", "南坪乡", "Nanping", (2600.0, 3900.0),
     [(0, 0), (7500, 0), (7500, 3000), (4000, 3000), (4000, 6000), (0, 6000)]),
]

VILLAGES = [
    ("张家湾", "Zhangjiawan"), ("李家坪", "Lijiaping"), ("王家沟", "Wangjiagou"),
    ("刘家庄", "Liujiazhuang"), ("陈家岭", "Chenjialing"), ("杨柳村", "Yangliu"),
    ("赵家河", "Zhaojiahe"), ("黄土坡", "Huangtupo"), ("周家坝", "Zhoujiaba"),
    ("吴家寨", "Wujiazhai"), ("徐家店", "Xujiadian"), ("孙家台", "Sunjiatai"),
    ("马家岔", "Majiacha"), ("朱家堡", "Zhujiabu"), ("胡家营", "Hujiaying"),
    ("郭家洼", "Guojiawa"), ("何家庄", "Hejiazhuang"), ("高家山", "Gaojiashan"),
    ("林家湾", "Linjiawan"), ("罗家坪", "Luojiaping"), ("石门村", "Shimen"),
    ("桃园村", "Taoyuan"), ("杏花村", "Xinghua"), ("松树岭", "Songshuling"),
    ("柏木沟", "Baimugou"), ("青石岗", "Qingshigang"), ("白杨村", "Baiyang"),
    ("红岩村", "Hongyan"), ("枣林村", "Zaolin"), ("梨树湾", "Lishuwan"),
    ("龙泉村", "Longquan"), ("凤凰岭", "Fenghuangling"), ("双河村", "Shuanghe"),
    ("三岔口", "Sanchakou"), ("五里铺", "Wulipu"), ("十里堡", "Shilibu"),
]

CORE_COMMUNITIES = [
    ("南关社区", "Nanguan"), ("城南社区", "Chengnan"), ("育才社区", "Yucai"), ("东关社区", "Dongguan"),
    ("西门社区", "Ximen"), ("建设社区", "Jianshe"), ("新华社区", "Xinhua"), ("东门社区", "Dongmen"),
    ("和平社区", "Heping"), ("人民路社区", "Renminlu"), ("滨河社区", "Binhe"), ("金桥社区", "Jinqiao"),
    ("北关社区", "Beiguan"), ("文昌社区", "Wenchang"), ("花园社区", "Huayuan"), ("朝阳社区", "Chaoyang"),
]
ROW_NAMES = ["南环路", "建设路", "解放路", "人民路", "北环路"]
COL_NAMES = ["西环路", "文昌街", "中山街", "澜溪大道", "新华街", "东风街", "东环路"]

ITEMS = ("tent", "quilt", "food", "water", "medicine", "sandbag", "pump", "generator")
TOTAL_STOCK = {"tent": 10000, "quilt": 60000, "food": 300000, "water": 400000,
               "medicine": 20000, "sandbag": 200000, "pump": 200, "generator": 100}
"""Whole reserve per item; region / city / county hold 50 / 30 / 20 % of it."""


# --------------------------------------------------------------------- geometry
def _chaikin(pts: np.ndarray, n: int = 3) -> np.ndarray:
    for _ in range(n):
        q = 0.75 * pts[:-1] + 0.25 * pts[1:]
        r = 0.25 * pts[:-1] + 0.75 * pts[1:]
        mid = np.empty((2 * len(q), 2))
        mid[0::2], mid[1::2] = q, r
        pts = np.vstack([pts[:1], mid, pts[-1:]])
    return pts


def _resample(pts: np.ndarray, step: float) -> np.ndarray:
    seg = np.hypot(*np.diff(pts, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    t = np.linspace(0.0, s[-1], max(2, int(math.ceil(s[-1] / step)) + 1))
    return np.column_stack([np.interp(t, s, pts[:, 0]), np.interp(t, s, pts[:, 1])])


def _inside(px: np.ndarray, py: np.ndarray, poly: list[tuple[float, float]]) -> np.ndarray:
    """Even-odd point-in-polygon, vectorised over points."""
    inside = np.zeros(np.shape(px), dtype=bool)
    n = len(poly)
    for k in range(n):
        x1, y1 = poly[k]
        x2, y2 = poly[(k + 1) % n]
        cond = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            xc = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        inside ^= cond & (px < xc)
    return inside


def _in_reservoir(x: np.ndarray, y: np.ndarray, margin: float = 0.0) -> np.ndarray:
    dx, dy = np.asarray(x) - RES_CENTRE[0], np.asarray(y) - RES_CENTRE[1]
    c, s = math.cos(RES_ANGLE), math.sin(RES_ANGLE)
    u, v = dx * c + dy * s, -dx * s + dy * c
    return (u / (RES_A + margin)) ** 2 + (v / (RES_B + margin)) ** 2 <= 1.0


def _reservoir_polygon() -> list[list[float]]:
    t = np.linspace(0, 2 * math.pi, 37)[:-1]
    c, s = math.cos(RES_ANGLE), math.sin(RES_ANGLE)
    u, v = RES_A * np.cos(t), RES_B * np.sin(t)
    return [[round(RES_CENTRE[0] + a * c - b * s, 1), round(RES_CENTRE[1] + a * s + b * c, 1)]
            for a, b in zip(u, v, strict=True)]


def _segments_cross(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray, q2: np.ndarray) -> np.ndarray:
    """Whether segments p1-p2 (N) cross any of q1-q2 (M): bool (N,)."""
    def orient(a, b, c):
        return ((b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1])
                - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0]))
    a, b = p1[:, None, :], p2[:, None, :]
    c, d = q1[None, :, :], q2[None, :, :]
    o1, o2 = orient(a, b, c), orient(a, b, d)
    o3, o4 = orient(c, d, a), orient(c, d, b)
    return ((o1 * o2 < 0) & (o3 * o4 < 0)).any(axis=1)


# --------------------------------------------------------------------- builder
class _Builder:
    def __init__(self) -> None:
        self.xs: list[float] = []
        self.ys: list[float] = []
        self.edges: list[tuple[int, int, str, str]] = []

    def node(self, x: float, y: float) -> int:
        self.xs.append(float(min(max(x, 5.0), W - 5.0)))
        self.ys.append(float(min(max(y, 5.0), H - 5.0)))
        return len(self.xs) - 1

    def edge(self, a: int, b: int, cls: str, name: str = "") -> None:
        if a != b:
            self.edges.append((a, b, cls, name))

    def xy(self, i: int) -> tuple[float, float]:
        return self.xs[i], self.ys[i]

    def link(self, a: int, b: int, cls: str, name: str, rng: np.random.Generator,
             step: float = 220.0, wiggle: float = 0.08) -> None:
        """A winding road from node a to node b through new intermediate nodes."""
        (x1, y1), (x2, y2) = self.xy(a), self.xy(b)
        length = math.hypot(x2 - x1, y2 - y1)
        k = max(1, int(math.ceil(length / step)))
        nx_, ny_ = -(y2 - y1) / max(length, 1.0), (x2 - x1) / max(length, 1.0)
        amp = min(wiggle * length, 160.0) * rng.choice([-1.0, 1.0])
        prev = a
        for i in range(1, k):
            t = i / k
            off = amp * math.sin(math.pi * t) + rng.normal(0, 12.0)
            cur = self.node(x1 + t * (x2 - x1) + off * nx_, y1 + t * (y2 - y1) + off * ny_)
            self.edge(prev, cur, cls, name)
            prev = cur
        self.edge(prev, b, cls, name)

    def cluster(self, cx: float, cy: float, n: int, step: float, angle: float, cls: str,
                main: str | None = None, name: str = "") -> list[int]:
        """A small n x n street grid centred on (cx, cy); returns its nodes (centre first)."""
        c, s = math.cos(angle), math.sin(angle)
        half = (n - 1) / 2
        ids = {}
        for i in range(n):
            for j in range(n):
                u, v = (j - half) * step, (i - half) * step
                ids[i, j] = self.node(cx + u * c - v * s, cy + u * s + v * c)
        mid = n // 2
        for i in range(n):
            for j in range(n):
                if j + 1 < n:
                    self.edge(ids[i, j], ids[i, j + 1], main if (main and i == mid) else cls, name)
                if i + 1 < n:
                    self.edge(ids[i, j], ids[i + 1, j], main if (main and j == mid) else cls, name)
        centre = ids[mid, mid]
        return [centre] + [v for k, v in ids.items() if v != centre]


def _attach(b: _Builder, members: list[int], towards: tuple[float, float]) -> int:
    """The node of a cluster best placed to start a road towards a point."""
    cx, cy = b.xy(members[0])
    if len(members) == 1:
        return members[0]
    d = np.array(towards) - (cx, cy)
    d = d / max(np.hypot(*d), 1.0)
    spread = max(math.hypot(b.xs[m] - cx, b.ys[m] - cy) for m in members)
    tx, ty = cx + d[0] * spread, cy + d[1] * spread
    return min(members, key=lambda m: (b.xs[m] - tx) ** 2 + (b.ys[m] - ty) ** 2)


# --------------------------------------------------------------------- terrain
def _terrain(rng: np.random.Generator, river: np.ndarray):
    nx_, ny_ = int(W / CELL), int(H / CELL)
    xs = (np.arange(nx_) + 0.5) * CELL
    ys = (np.arange(ny_) + 0.5) * CELL
    X, Y = np.meshgrid(xs, ys)
    hills = (720 * np.exp(-(((X - 1500) / 2200) ** 2 + ((Y - 10800) / 2000) ** 2))
             + 330 * np.exp(-(((X - 5600) / 1300) ** 2 + ((Y - 11200) / 1000) ** 2))
             + 110 * np.exp(-(((X - 13200) / 1200) ** 2 + ((Y - 900) / 1000) ** 2)))
    coarse = rng.normal(0, 1, (ny_ // 20 + 2, nx_ // 20 + 2))
    noise = zoom(coarse, (ny_ / coarse.shape[0], nx_ / coarse.shape[1]), order=3)[:ny_, :nx_]
    base = 42 + 0.0016 * (W - X) + 0.0008 * Y + hills + noise * (3 + 0.08 * hills)
    # river valley: a bed that never rises downstream, banks sloping up to the plain
    tree = cKDTree(river)
    d, k = tree.query(np.column_stack([X.ravel(), Y.ravel()]))
    d, k = d.reshape(X.shape), k.reshape(X.shape)
    ri = np.clip(((river[:, 1] / CELL) - 0.5).round().astype(int), 0, ny_ - 1)
    rj = np.clip(((river[:, 0] / CELL) - 0.5).round().astype(int), 0, nx_ - 1)
    bed = np.minimum.accumulate(base[ri, rj]) - 4.0
    bed_c = bed[k]
    rise = np.maximum(base - bed_c, 4.0)
    elev = bed_c + rise * (1.0 - np.exp(-np.maximum(d - RIVER_HALF_WIDTH, 0.0) / 350.0))
    return X, Y, elev, d, bed


# --------------------------------------------------------------------- main
def build_demo_city() -> MapData:
    """Build the 澜溪市 demo map (about 3,000 nodes; deterministic)."""
    rng = np.random.default_rng(SEED)
    river = _resample(_chaikin(np.array(RIVER_CTRL, dtype=float), 3), 20.0)
    X, Y, elev, river_d, river_bed = _terrain(rng, river)
    elev_grid = Grid(0.0, 0.0, CELL, elev)
    rtree = cKDTree(river)
    seg = np.diff(river, axis=0)
    normals = np.column_stack([-seg[:, 1], seg[:, 0]]) / np.hypot(seg[:, 0], seg[:, 1])[:, None]
    normals = np.vstack([normals, normals[-1:]])

    b = _Builder()

    # --- urban core: perturbed grid ---------------------------------------
    x0, y0, x1, y1 = CORE
    ncol = int(round((x1 - x0) / CORE_STEP)) + 1
    nrow = int(round((y1 - y0) / CORE_STEP)) + 1
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    grid_id: dict[tuple[int, int], int] = {}
    for i in range(nrow):
        for j in range(ncol):
            x = x0 + j * CORE_STEP
            y = y0 + i * CORE_STEP
            on_art = i % ART_EVERY == 0 or j % ART_EVERY == 0
            if ((x - cx) / 3150) ** 4 + ((y - cy) / 2350) ** 4 > 1.0 and not on_art:
                continue  # rounded corners
            if ((x - cx) / 3150) ** 4 + ((y - cy) / 2350) ** 4 > 1.35:
                continue
            x += 35 * math.sin(y / 900) + rng.normal(0, 9)
            y += 35 * math.sin(x / 1100) + rng.normal(0, 9)
            dist, k = rtree.query([x, y])
            if dist < RIVER_HALF_WIDTH + 8:  # push out of the channel onto the bank
                n = normals[k]
                side = 1.0 if np.dot([x, y] - river[k], n) >= 0 else -1.0
                x, y = river[k] + side * (RIVER_HALF_WIDTH + 10) * n
            grid_id[i, j] = b.node(x, y)
    for (i, j), a in grid_id.items():
        for di, dj, horiz in ((0, 1, True), (1, 0, False)):
            nb = grid_id.get((i + di, j + dj))
            if nb is None:
                continue
            if horiz:
                cls = "arterial" if i % ART_EVERY == 0 else "collector" if i % COL_EVERY == 0 else "local"
                name = ROW_NAMES[i // ART_EVERY] if cls == "arterial" else ""
            else:
                cls = "arterial" if j % ART_EVERY == 0 else "collector" if j % COL_EVERY == 0 else "local"
                name = COL_NAMES[j // ART_EVERY] if cls == "arterial" else ""
            if cls == "local" and rng.random() < 0.08:
                continue
            b.edge(a, nb, cls, name)
    gates = []  # ends of arterial lines: where rural roads leave the city
    for i in range(0, nrow, ART_EVERY):
        row = [grid_id[i, j] for j in range(ncol) if (i, j) in grid_id]
        gates += [row[0], row[-1]]
    for j in range(0, ncol, ART_EVERY):
        col = [grid_id[i, j] for i in range(nrow) if (i, j) in grid_id]
        gates += [col[0], col[-1]]
    gates = list(dict.fromkeys(gates))

    # --- towns, villages, chemical park ----------------------------------
    centres: list[tuple[float, float]] = []
    members: list[list[int]] = []
    kinds: list[str] = []
    names: list[str] = []
    for g in gates:
        centres.append(b.xy(g))
        members.append([g])
        kinds.append("gate")
        names.append("城区")
    town_nodes: dict[str, list[int]] = {"town1": [grid_id[min(grid_id, key=lambda ij: (
        (x0 + ij[1] * CORE_STEP - TOWNS[0][3][0]) ** 2 + (y0 + ij[0] * CORE_STEP - TOWNS[0][3][1]) ** 2))]]}
    for tid, zh, _en, (tx, ty), _poly in TOWNS[1:]:
        m = b.cluster(tx, ty, 5, 100.0, float(rng.uniform(-0.4, 0.4)), "local", main="collector",
                      name=f"{zh}街")
        town_nodes[tid] = m
        centres.append((tx, ty))
        members.append(m)
        kinds.append("town")
        names.append(zh)
    park = b.cluster(*PARK_CENTRE, 4, 160.0, 0.2, "collector", name="园区路")
    centres.append(PARK_CENTRE)
    members.append(park)
    kinds.append("park")
    names.append("临河化工园区")

    # expressway polyline (needed to keep villages off it)
    expy = _resample(_chaikin(np.array(EXPRESSWAY_CTRL, dtype=float), 2), 400.0)
    etree = cKDTree(_resample(expy, 50.0))

    # villages by Poisson-disk rejection sampling
    village_xy: list[tuple[float, float]] = []
    taken = [c for c in centres]
    tries = 0
    while len(village_xy) < len(VILLAGES) and tries < 20000:
        tries += 1
        x, y = rng.uniform(500, W - 500), rng.uniform(500, H - 500)
        if x0 - 700 < x < x1 + 700 and y0 - 700 < y < y1 + 700:
            continue
        if _in_reservoir(np.array(x), np.array(y), 350.0):
            continue
        if rtree.query([x, y])[0] < 350 or etree.query([x, y])[0] < 350:
            continue
        if elev_grid.sample(x, y) > 560:
            continue
        if any((x - a) ** 2 + (y - c) ** 2 < 1250.0 ** 2 for a, c in taken):
            continue
        village_xy.append((x, y))
        taken.append((x, y))
    village_nodes: list[list[int]] = []
    for (vx, vy), (zh, _en) in zip(village_xy, VILLAGES, strict=False):
        m = b.cluster(vx, vy, 3, 80.0, float(rng.uniform(0, math.pi / 2)), "local", name=zh)
        village_nodes.append(m)
        centres.append((vx, vy))
        members.append(m)
        kinds.append("village")
        names.append(zh)

    # reservoir dam and forest station are road ends too
    dam_xy = (RIVER_CTRL[0][0] + 120.0, RIVER_CTRL[0][1] - 60.0)
    dam_node = b.node(*dam_xy)
    centres.append(dam_xy)
    members.append([dam_node])
    kinds.append("dam")
    names.append("青龙水库")

    # --- rural road network: Gabriel graph over the settlements ----------
    pts = np.array(centres)
    tri = Delaunay(pts)
    pairs = set()
    for simplex in tri.simplices:
        for a_, c_ in ((0, 1), (1, 2), (0, 2)):
            p, q = sorted((int(simplex[a_]), int(simplex[c_])))
            pairs.add((p, q))
    ptree = cKDTree(pts)
    kept = []
    for p, q in sorted(pairs):
        if kinds[p] == "gate" and kinds[q] == "gate":
            continue
        a, c = pts[p], pts[q]
        length = float(np.hypot(*(c - a)))
        if length > 3200:
            continue
        mid = (a + c) / 2
        near = ptree.query_ball_point(mid, length / 2 * 0.98)
        if any(r not in (p, q) for r in near):
            continue  # not a Gabriel edge
        t = np.linspace(0, 1, max(3, int(length / 50)))
        sx, sy = a[0] + t * (c[0] - a[0]), a[1] + t * (c[1] - a[1])
        if ((sx > x0 + 100) & (sx < x1 - 100) & (sy > y0 + 100) & (sy < y1 - 100)).any():
            continue
        if _in_reservoir(sx, sy, 80.0).any():
            continue
        kept.append((p, q, length, sx, sy))
    for p, q, _length, sx, sy in kept:
        hill = np.mean([elev_grid.sample(x, y) for x, y in zip(sx, sy, strict=True)])
        cls = "track" if hill > 330 else "rural"
        if kinds[p] in ("gate", "town", "park") and kinds[q] in ("gate", "town", "park"):
            cls = "collector" if cls == "rural" else cls
        name = "林道" if cls == "track" else f"{names[p]}—{names[q]}"
        a = _attach(b, members[p], tuple(pts[q]))
        c = _attach(b, members[q], tuple(pts[p]))
        b.link(a, c, cls, name, rng)

    # --- mountain tracks into the forest ---------------------------------
    forest_starts = [m[0] for m in village_nodes if _inside(
        np.array(b.xs[m[0]]), np.array(b.ys[m[0]]), FOREST_POLY)]
    forest_starts.append(dam_node)
    for s_idx, start in enumerate(forest_starts):
        for _rep in range(2):
            x, y = b.xy(start)
            heading = rng.uniform(0, 2 * math.pi)
            prev = start
            for _step in range(int(rng.integers(6, 12))):
                # climb: head roughly up the slope, with some meander
                gx = elev_grid.sample(x + 100, y, 0) - elev_grid.sample(x - 100, y, 0)
                gy = elev_grid.sample(x, y + 100, 0) - elev_grid.sample(x, y - 100, 0)
                up = math.atan2(gy, gx) if (gx or gy) else heading
                heading = 0.6 * heading + 0.4 * up + rng.normal(0, 0.35)
                nx1, ny1 = x + 200 * math.cos(heading), y + 200 * math.sin(heading)
                if not (100 < nx1 < W - 100 and 100 < ny1 < H - 100):
                    break
                if _in_reservoir(np.array(nx1), np.array(ny1), 60.0) or rtree.query([nx1, ny1])[0] < 60:
                    break
                cur = b.node(nx1, ny1)
                b.edge(prev, cur, "track", f"林道{s_idx + 1}")
                prev, x, y = cur, nx1, ny1

    # --- expressway with interchanges -----------------------------------
    e_nodes = [b.node(x, y) for x, y in expy]
    for a, c in zip(e_nodes[:-1], e_nodes[1:], strict=True):
        b.edge(a, c, "expressway", "云澜高速")
    others = np.array([i for i in range(len(b.xs)) if i not in set(e_nodes)])
    otree = cKDTree(np.column_stack([np.array(b.xs)[others], np.array(b.ys)[others]]))
    for frac in (0.12, 0.42, 0.6, 0.72, 0.9):
        en = e_nodes[int(frac * (len(e_nodes) - 1))]
        _, k = otree.query(b.xy(en))
        b.link(en, int(others[k]), "arterial", "高速连接线", rng, step=300.0, wiggle=0.02)

    # --- assemble: bridges where roads cross the river -------------------
    xs, ys = np.array(b.xs), np.array(b.ys)
    e_u = np.array([e[0] for e in b.edges])
    e_v = np.array([e[1] for e in b.edges])
    p1 = np.column_stack([xs[e_u], ys[e_u]])
    p2 = np.column_stack([xs[e_v], ys[e_v]])
    coarse_river = river[::3]
    crosses = np.zeros(len(b.edges), dtype=bool)
    # only test edges near the river
    mid = (p1 + p2) / 2
    near = rtree.query(mid)[0] < (np.hypot(*(p2 - p1).T) / 2 + 80)
    idx = np.nonzero(near)[0]
    if idx.size:
        crosses[idx] = _segments_cross(p1[idx], p2[idx], coarse_river[:-1], coarse_river[1:])
    g = nx.Graph()
    for n in range(len(xs)):
        g.add_node(n, x=round(float(xs[n]), 2), y=round(float(ys[n]), 2))
    bridge_count = 0
    for k, (a, c, cls, name) in enumerate(b.edges):
        if g.has_edge(a, c):
            continue
        if crosses[k]:
            if cls in ("local", "collector", "track"):
                continue  # no bridge for minor roads: they stop at the bank
            bridge_count += 1
            base = name if name and "—" not in name else "澜溪河"
            name = f"{base}大桥" if cls in ("expressway", "arterial") else f"{base}桥"
        g.add_edge(a, c, road_class=cls, name=name, bridge=bool(crosses[k]))
    # keep the connected road network
    comp = max(nx.connected_components(g), key=len)
    g = g.subgraph(sorted(comp)).copy()
    g = nx.convert_node_labels_to_integers(g, ordering="sorted")
    for k, (a, c, d) in enumerate(g.edges(data=True)):
        d["id"] = f"r{k}"
        xa, ya, xc, yc = g.nodes[a]["x"], g.nodes[a]["y"], g.nodes[c]["x"], g.nodes[c]["y"]
        d["length"] = round(max(1.0, math.hypot(xc - xa, yc - ya)), 1)

    # --- fuel ------------------------------------------------------------
    fuel = _fuel(rng, X, Y, elev, river_d, centres, kinds)

    places = _places(g, rng, village_xy, town_nodes, elev_grid)
    dikes = _dikes(river, normals, elev_grid, river_bed)
    admin = [{"id": "county", "level": "县", "name": {"zh": "澜溪市", "en": "Lanxi"},
              "polygon": [[0.0, 0.0], [W, 0.0], [W, H], [0.0, H]], "parent": "云州市"}]
    for tid, zh, en, seat, poly in TOWNS:
        admin.append({"id": tid, "level": "乡镇", "name": {"zh": zh, "en": en},
                      "polygon": [[float(x), float(y)] for x, y in poly], "seat": list(seat)})
    river_line = [(round(float(x), 1), round(float(y), 1)) for x, y in _resample(river, 100.0)]
    return MapData(
        name={"zh": "澜溪市 (云州市, 北岭自治区)", "en": "Lanxi (Yunzhou, Beiling region)"},
        graph=g, places=places, rivers=[river_line], dikes=dikes, admin=admin,
        elevation=elev_grid, fuel=Grid(0.0, 0.0, CELL, fuel),
    )


def _fuel(rng, X, Y, elev, river_d, centres, kinds) -> np.ndarray:
    ny_, nx_ = X.shape
    coarse = rng.random((ny_ // 8 + 2, nx_ // 8 + 2))
    patch = zoom(coarse, (ny_ / coarse.shape[0], nx_ / coarse.shape[1]), order=1)[:ny_, :nx_]
    fuel = np.where(patch < 0.55, 1, np.where(patch < 0.8, 2, 5)).astype(np.int16)  # grass / shrub
    fuel[(elev > 250) & (patch > 0.4)] = 5
    forest = _inside(X, Y, FOREST_POLY)
    timber = np.where(elev < 380, 8, np.where(elev < 600, 9, 10))
    fuel[forest] = np.where(patch[forest] > 0.88, 5, timber[forest])
    x0, y0, x1, y1 = CORE
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    urban = ((X - cx) / 3250) ** 4 + ((Y - cy) / 2450) ** 4 <= 1.0
    fuel[urban] = 0
    for (px, py), kind in zip(centres, kinds, strict=True):
        if kind in ("town", "village", "park"):
            r = {"town": 330.0, "village": 160.0, "park": 400.0}[kind]
            fuel[(X - px) ** 2 + (Y - py) ** 2 < r * r] = 0
    fuel[river_d < RIVER_HALF_WIDTH] = 0
    fuel[_in_reservoir(X, Y)] = 0
    return fuel


def _dikes(river, normals, elev_grid, bed) -> list[dict[str, Any]]:
    out = []
    x0, _, x1, _ = CORE
    reach = (river[:, 0] > x0 + 200) & (river[:, 0] < x1 - 100)
    split = 7500.0
    for side, sz, sen in ((1.0, "左岸", "left"), (-1.0, "右岸", "right")):
        # walking downstream (west to east) the left bank is the north bank
        for part, (lo, hi) in enumerate(((x0, split), (split, x1))):
            m = reach & (river[:, 0] >= lo) & (river[:, 0] < hi)
            if not m.any():
                continue
            line = river[m][::5] + side * 90.0 * normals[m][::5]
            ground = max(elev_grid.sample(x, y) for x, y in line)
            crest = round(max(ground + 3.0, float(bed[m].max()) + 7.5), 1)
            bank = "北" if side > 0 else "南"
            out.append({
                "id": f"dike_{'n' if side > 0 else 's'}{part + 1}",
                "name": {"zh": f"澜溪河{bank}堤{'西' if part == 0 else '东'}段 ({sz})",
                         "en": f"Lanxi River {sen}-bank dike, {'west' if part == 0 else 'east'} reach"},
                "polyline": [[round(float(x), 1), round(float(y), 1)] for x, y in line],
                "crest_elevation_m": crest,
            })
    return out


def _split_stock(frac: float) -> dict[str, float]:
    return {k: round(v * frac, 6) for k, v in TOTAL_STOCK.items()}


def _places(g: nx.Graph, rng, village_xy, town_nodes, elev_grid) -> list[dict[str, Any]]:
    xy = np.array([[d["x"], d["y"]] for _, d in g.nodes(data=True)])
    ntree = cKDTree(xy)
    x0, y0, x1, y1 = CORE

    def snap(x: float, y: float, max_d: float = 150.0) -> list[float]:
        d, k = ntree.query([x, y])
        if d > max_d:  # pull it to the road, keeping a little offset
            nx1, ny1 = xy[k]
            f = 60.0 / d
            x, y = nx1 + (x - nx1) * f, ny1 + (y - ny1) * f
        return [round(float(x), 1), round(float(y), 1)]

    def core(fx: float, fy: float) -> list[float]:
        return snap(x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))

    def town_of(x: float, y: float) -> str:
        for tid, _zh, _en, _seat, poly in TOWNS:
            if _inside(np.array(x), np.array(y), poly):
                return tid
        return "town1"

    seats = {t[0]: t[3] for t in TOWNS}
    P: list[dict[str, Any]] = []

    # depots (50 / 30 / 20 % by tier; county share split 60 / 20 / 20 over three sites)
    county = _split_stock(0.2)
    dep_c = {k: v * 0.6 for k, v in county.items()}
    dep_c2 = {k: v * 0.2 for k, v in county.items()}
    dep_c3 = {k: county[k] - dep_c[k] - dep_c2[k] for k in ITEMS}
    P += [
        {"kind": "depot", "id": "dep_region", "tier": "区", "at": snap(60.0, 1950.0),
         "name": {"zh": "北岭自治区救灾物资储备库(调运入口)", "en": "Beiling regional relief depot (arrival point)"},
         "stock": _split_stock(0.5), "role": "物资库", "offmap": True,
         "production": [{"item": "quilt", "rate_per_h": 800, "max": 20000}],
         "contracts": [{"item": "tent", "quantity": 3000, "lead_time_min": 1440}]},
        {"kind": "depot", "id": "dep_city", "tier": "市", "at": snap(13940.0, 10950.0),
         "name": {"zh": "云州市应急物资储备库(调运入口)", "en": "Yunzhou city emergency depot (arrival point)"},
         "stock": _split_stock(0.3), "role": "物资库", "offmap": True,
         "contracts": [{"item": "water", "quantity": 100000, "lead_time_min": 480},
                       {"item": "food", "quantity": 80000, "lead_time_min": 480}]},
        {"kind": "depot", "id": "dep_county", "tier": "县", "at": core(0.55, 0.06),
         "name": {"zh": "澜溪市应急物资储备库", "en": "Lanxi county emergency depot"},
         "stock": dep_c, "role": "物资库",
         "contracts": [{"item": "food", "quantity": 30000, "lead_time_min": 240},
                       {"item": "water", "quantity": 50000, "lead_time_min": 180}],
         "production": [{"item": "sandbag", "rate_per_h": 2000, "max": 60000}]},
        {"kind": "depot", "id": "dep_qinglong", "tier": "县", "at": snap(*seats["town2"]),
         "name": {"zh": "青龙乡物资分储点", "en": "Qinglong sub-depot"}, "stock": dep_c2, "role": "分储点",
         "town": "town2"},
        {"kind": "depot", "id": "dep_linhe", "tier": "县", "at": snap(seats["town4"][0] + 150, seats["town4"][1]),
         "name": {"zh": "临河镇物资代储点(超市)", "en": "Linhe agent depot (supermarket)"}, "stock": dep_c3,
         "role": "代储点", "town": "town4",
         "contracts": [{"item": "water", "quantity": 20000, "lead_time_min": 120}]},
    ]

    # shelters
    shelters = [
        ("sh01", "澜溪体育场", "Lanxi stadium", core(0.30, 0.20), 8000, "stadium"),
        ("sh02", "澜溪一中", "Lanxi No.1 Middle School", core(0.18, 0.35), 3000, "school"),
        ("sh03", "人民公园", "People's Park", core(0.50, 0.40), 6000, "park"),
        ("sh04", "滨河公园", "Riverside Park", core(0.68, 0.50), 4000, "park"),
        ("sh05", "实验小学", "Experimental Primary School", core(0.80, 0.25), 1500, "school"),
        ("sh06", "会展中心", "Exhibition centre", core(0.62, 0.85), 5000, "hall"),
        ("sh07", "城南广场", "Chengnan square", core(0.42, 0.08), 5000, "square"),
        ("sh08", "职业技术学院", "Vocational college", core(0.25, 0.88), 4000, "school"),
        ("sh09", "青龙乡中心小学", "Qinglong central primary school",
         snap(seats["town2"][0] - 150, seats["town2"][1] + 100), 800, "school"),
        ("sh10", "石桥镇中学", "Shiqiao middle school",
         snap(seats["town3"][0] + 150, seats["town3"][1] - 100), 1500, "school"),
        ("sh11", "临河镇文化广场", "Linhe culture square",
         snap(seats["town4"][0] - 100, seats["town4"][1] + 150), 2000, "square"),
        ("sh12", "南坪乡中学", "Nanping middle school",
         snap(seats["town5"][0] + 100, seats["town5"][1] + 150), 1000, "school"),
    ]
    for sid, zh, en, at, cap, typ in shelters:
        P.append({"kind": "shelter", "id": sid, "name": {"zh": zh, "en": en}, "at": at, "capacity": cap,
                  "type": typ, "town": town_of(*at), "open": False,
                  "ground_elevation_m": round(elev_grid.sample(*at), 1)})

    hospitals = [
        ("hos01", "澜溪市人民医院", "Lanxi People's Hospital", core(0.45, 0.30), 600, "二级甲等"),
        ("hos02", "澜溪市中医院", "Lanxi TCM Hospital", core(0.70, 0.75), 300, "二级甲等"),
        ("hos03", "澜溪市妇幼保健院", "Lanxi Maternal and Child Hospital", core(0.22, 0.62), 120, "二级乙等"),
        ("hos04", "临河镇卫生院", "Linhe town health centre", snap(seats["town4"][0], seats["town4"][1] - 150),
         30, "一级"),
        ("hos05", "石桥镇卫生院", "Shiqiao town health centre", snap(seats["town3"][0] - 150, seats["town3"][1]),
         30, "一级"),
    ]
    for hid, zh, en, at, beds, grade in hospitals:
        P.append({"kind": "hospital", "id": hid, "name": {"zh": zh, "en": en}, "at": at, "beds": beds,
                  "grade": grade, "town": town_of(*at)})

    # communities: 16 in the core, one per town seat, one per village
    k = 0
    for n, (zh, en) in enumerate(CORE_COMMUNITIES):
        fx, fy = 0.12 + 0.25 * (n % 4), 0.12 + 0.25 * (n // 4)
        k += 1
        at = core(fx, fy)
        P.append({"kind": "community", "id": f"c{k:02d}", "name": {"zh": zh, "en": f"{en} community"},
                  "at": at, "population": int(rng.integers(8000, 13000)), "level": "社区", "town": "town1"})
    for tid, zh, en, seat, _poly in TOWNS[1:]:
        k += 1
        P.append({"kind": "community", "id": f"c{k:02d}", "name": {"zh": f"{zh}集镇社区", "en": f"{en} town"},
                  "at": snap(*seat), "population": int(rng.integers(4000, 7000)), "level": "社区", "town": tid})
    village_ids = []
    for (vx, vy), (zh, en) in zip(village_xy, VILLAGES, strict=False):
        k += 1
        at = snap(vx, vy)
        village_ids.append((f"c{k:02d}", zh, en, at))
        P.append({"kind": "community", "id": f"c{k:02d}", "name": {"zh": zh, "en": f"{en} village"},
                  "at": at, "population": int(rng.integers(600, 2500)), "level": "村", "town": town_of(vx, vy),
                  "elevation_m": round(elev_grid.sample(vx, vy), 1)})

    # command posts at all five levels
    P += [
        {"kind": "command_post", "id": "cp_region", "level": "区", "at": snap(60.0, 2050.0),
         "name": {"zh": "北岭自治区应急管理厅指挥中心(前方联络点)", "en": "Beiling regional command (liaison point)"},
         "offmap": True},
        {"kind": "command_post", "id": "cp_city", "level": "市", "at": snap(13940.0, 11050.0),
         "name": {"zh": "云州市应急指挥中心(前方联络点)", "en": "Yunzhou city command (liaison point)"},
         "offmap": True},
        {"kind": "command_post", "id": "cp_county", "level": "县", "at": core(0.48, 0.22),
         "name": {"zh": "澜溪市应急指挥中心", "en": "Lanxi county command centre"}},
    ]
    for n, (tid, zh, en, seat, _poly) in enumerate(TOWNS):
        at = core(0.48, 0.26) if tid == "town1" else snap(seat[0] + 60, seat[1] + 60)
        P.append({"kind": "command_post", "id": f"cp_town{n + 1}", "level": "乡镇", "at": at, "town": tid,
                  "name": {"zh": f"{zh}应急指挥部", "en": f"{en} township command"}})
    for n, (cid, zh, en, at) in enumerate(village_ids[:6]):
        P.append({"kind": "command_post", "id": f"cp_v{n + 1:02d}", "level": "村", "at": at, "community": cid,
                  "town": town_of(*at), "name": {"zh": f"{zh}村委会", "en": f"{en} village committee"}})

    # chemical park: three plants
    px, py = PARK_CENTRE
    P += [
        {"kind": "plant", "id": "plant_cl", "at": snap(px - 200, py - 160),
         "name": {"zh": "澜溪氯碱化工有限公司", "en": "Lanxi Chlor-Alkali Co."}, "park": "临河化工园区",
         "substances": [{"substance": "chlorine", "inventory_kg": 20000},
                        {"substance": "hydrogen_chloride", "inventory_kg": 5000}], "town": "town4"},
        {"kind": "plant", "id": "plant_nh3", "at": snap(px + 200, py - 160),
         "name": {"zh": "云州化肥厂(合成氨)", "en": "Yunzhou Fertiliser (ammonia)"}, "park": "临河化工园区",
         "substances": [{"substance": "ammonia", "inventory_kg": 60000}], "town": "town4"},
        {"kind": "plant", "id": "plant_lpg", "at": snap(px, py + 220),
         "name": {"zh": "临河液化气储配站", "en": "Linhe LPG terminal"}, "park": "临河化工园区",
         "substances": [{"substance": "propane", "inventory_kg": 150000}], "town": "town4"},
    ]

    # forest and reservoir
    fx, fy = 2300.0, 10200.0
    P.append({"kind": "forest", "id": "forest1", "at": snap(fx, fy, 120.0),
              "name": {"zh": "青龙山国有林场", "en": "Qinglongshan state forest farm"},
              "polygon": [[float(x), float(y)] for x, y in FOREST_POLY], "fuel_models": [8, 9, 10],
              "town": "town2"})
    dam = (RIVER_CTRL[0][0] + 120.0, RIVER_CTRL[0][1] - 60.0)
    dam_foot = elev_grid.sample(*dam)
    P.append({"kind": "reservoir", "id": "res1", "at": snap(*dam),
              "name": {"zh": "青龙水库", "en": "Qinglong reservoir"},
              "capacity_m3": 28_000_000, "normal_level_m": round(dam_foot + 26.0, 1),
              "crest_elevation_m": round(dam_foot + 32.0, 1), "dam_height_m": 34.0,
              "polygon": _reservoir_polygon(), "river": "lanxi_river", "town": "town2"})

    # stations (team home bases)
    hos01 = next(p["at"] for p in P if p["id"] == "hos01")
    stations = [
        ("st_fire1", "城关消防救援站", "Chengguan fire station", core(0.35, 0.30), "fire_rescue"),
        ("st_fire2", "城东消防救援站", "East city fire station", core(0.88, 0.40), "fire_rescue"),
        ("st_fire3", "城北消防救援站", "North city fire station", core(0.45, 0.90), "fire_rescue"),
        ("st_hazmat", "临河化工园区特勤消防站", "Linhe chemical park hazmat station", snap(px - 60, py + 40),
         "hazmat"),
        ("st_forest", "青龙山森林消防站", "Qinglongshan forest fire station",
         snap(seats["town2"][0] + 300, seats["town2"][1] + 500), "forest_fire"),
        ("st_army", "驻军某部营区", "Army garrison barracks", snap(11200.0, 7400.0), "army"),
        ("st_police", "武警澜溪中队", "Armed police Lanxi squadron", core(0.10, 0.80), "armed_police"),
        ("st_militia", "澜溪市人武部民兵应急连", "Lanxi militia emergency company", core(0.15, 0.15), "militia"),
        ("st_ambulance", "120急救站(人民医院)", "Ambulance base (People's Hospital)",
         snap(hos01[0] + 40, hos01[1] + 40), "medical"),
        ("st_transport", "澜溪运输保障车队", "Lanxi transport depot", core(0.62, 0.04), "transport"),
        ("st_flood", "澜溪河防汛抢险队", "Lanxi River flood team", core(0.58, 0.45), "flood_control"),
    ]
    for sid, zh, en, at, utype in stations:
        P.append({"kind": "station", "id": sid, "name": {"zh": zh, "en": en}, "at": at, "unit_type": utype,
                  "town": town_of(*at)})
    return P
