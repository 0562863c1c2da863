"""The incident command map (突发事件应急指挥图 / 应急一张图) as a QGraphicsScene.

Scene coordinates are map metres with y flipped (scene y = -map y) so north is up.
Roads are one QGraphicsPathItem per road class plus one per non-open status
(closed / damaged / flooded / contaminated), never one item per edge. Units,
places and incidents are small items that ignore the view transform (constant
pixel size). All units are ONE item (:class:`UnitsItem`): positions and statuses are
numpy arrays, painted as pre-rendered status sprites in device pixels; hover and
click find a unit by a vectorised nearest-point lookup, so 1,000 moving units cost
one item update per frame and no scene index churn. Hazard overlays are
QGraphicsPixmapItems rebuilt from ``hazard.overlay(t)`` at most twice a second.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QToolTip,
)

from drillsim.exercise.wording import (
    ROAD_STATUS,
    TASK_KINDS,
    TIERS,
    EventWords,
    SimNames,
    field_text,
    flag_text,
    label,
)
from drillsim.gui.common import (
    KIND_ZH,
    STATUS_COLORS,
    T,
    app_font,
    colon,
    fmt_min,
    join,
    lang,
    pick,
    status_text,
)
from drillsim.hazards.overlay_style import AEGL_COLORS, INTENSITY_COLORS, overlay_rgba

ROAD_STYLE = {  # class: (colour, width px); major roads get a grey casing
    "expressway": ("#9c7a1e", 3.2), "arterial": ("#f2d7a6", 2.4), "collector": ("#ffffff", 1.7),
    "local": ("#ffffff", 1.0), "rural": ("#fdf3d0", 1.3), "track": ("#a0886a", 0.9),
}
"""Road classes are muted (expressway dark yellow-brown, arterial light beige) so that the road
states drawn over them (:data:`ROAD_STATUS_STYLE`) stand out; a test checks the hues differ."""
ROAD_CLASS_ZH = {"expressway": "高速公路", "arterial": "主干道"}
"""Road classes shown in the legend."""
ROAD_STATUS_STYLE = {"damaged": ("#ff5f00", 3.2, Qt.PenStyle.DashLine),
                     "closed": ("#d50000", 3.0, Qt.PenStyle.SolidLine),
                     "flooded": ("#0277bd", 3.0, Qt.PenStyle.SolidLine),
                     "contaminated": ("#8e24aa", 3.0, Qt.PenStyle.SolidLine)}
PLACE_STYLE = {  # kind: (shape, fill, size px)
    "depot": ("square", "#6d4c41", 9), "shelter": ("house", "#2e7d32", 10),
    "hospital": ("cross", "#d32f2f", 10), "plant": ("diamond", "#7b1fa2", 10),
    "command_post": ("star", "#c62828", 12), "station": ("circle", "#1565c0", 8),
    "community": ("dot", "#546e7a", 5), "reservoir": ("circle", "#0288d1", 7),
    "forest": ("triangle", "#33691e", 9),
}
LABEL_PRIORITY = {"command_post": 1, "hospital": 2, "shelter": 3, "station": 4, "depot": 5, "plant": 3,
                  "reservoir": 6, "forest": 6}
PRIORITY_COLORS = {1: "#d50000", 2: "#ff6d00", 3: "#ffc400"}
LAYERS = ("terrain", "admin", "water", "roads", "hazards", "road_status", "places", "labels",
          "incidents", "units", "route")
LAYER_ZH = {"terrain": "地形", "admin": "行政区划", "water": "水系", "roads": "道路", "hazards": "灾害态势",
            "road_status": "道路状态", "places": "重点场所", "labels": "注记", "incidents": "事件",
            "units": "队伍", "route": "路线预览"}


def shape_path(shape: str, s: float) -> QPainterPath:
    p = QPainterPath()
    h = s / 2
    if shape == "square":
        p.addRect(-h, -h, s, s)
    elif shape in ("circle", "dot"):
        p.addEllipse(QPointF(0, 0), h, h)
    elif shape == "diamond":
        p.addPolygon(QPolygonF([QPointF(0, -h * 1.2), QPointF(h, 0), QPointF(0, h * 1.2), QPointF(-h, 0)]))
        p.closeSubpath()
    elif shape == "triangle":
        p.addPolygon(QPolygonF([QPointF(0, -h * 1.2), QPointF(h, h), QPointF(-h, h)]))
        p.closeSubpath()
    elif shape == "house":
        p.addPolygon(QPolygonF([QPointF(0, -h * 1.2), QPointF(h, -h * 0.2), QPointF(h, h),
                                QPointF(-h, h), QPointF(-h, -h * 0.2)]))
        p.closeSubpath()
    elif shape == "cross":
        w = s / 3
        p.addRect(-w / 2, -h, w, s)
        p.addRect(-h, -w / 2, s, w)
        p = p.simplified()
    elif shape == "star":
        pts = []
        for k in range(10):
            r = h * 1.2 if k % 2 == 0 else h * 0.5
            a = math.pi / 2 + k * math.pi / 5
            pts.append(QPointF(r * math.cos(a), -r * math.sin(a)))
        p.addPolygon(QPolygonF(pts))
        p.closeSubpath()
    return p


class Layer(QGraphicsItem):
    """An invisible parent item: toggling it shows or hides a whole layer."""

    def __init__(self, z: float) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.setZValue(z)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF()

    def paint(self, painter, option, widget=None) -> None:
        pass


class UnitsItem(QGraphicsItem):
    """Every unit in one item: a dot per unit in its status colour, constant pixel size.

    ``set_units`` takes parallel lists; ``paint`` maps the positions to device pixels
    with the painter's transform (numpy) and blits one cached sprite per status.
    ``shape()`` is empty so the scene never hit-tests this item; :meth:`unit_at`
    answers hover and click with a nearest-point lookup within ``PICK_PX`` pixels.
    """

    RADIUS = 5.0
    PICK_PX = 7.0

    def __init__(self, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.setData(0, "units")
        self.ids: list[str] = []
        self.index: dict[str, int] = {}
        self.xy = np.zeros((0, 2))
        """Scene coordinates (x, -y)."""
        self.status: list[str] = []
        self.selected: str | None = None
        self._rect = QRectF()
        self._sprites: dict[tuple[str, float], QPixmap] = {}
        self._order: np.ndarray | None = None

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect

    def shape(self) -> QPainterPath:
        return QPainterPath()

    def set_bounds(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)

    def set_units(self, ids: list[str], xs: list[float], ys: list[float], status: list[str]) -> bool:
        """Replace positions (map coordinates) and statuses; returns whether anything changed."""
        xy = np.column_stack([np.asarray(xs, dtype=float), -np.asarray(ys, dtype=float)]) if ids else np.zeros((0, 2))
        if ids == self.ids and status == self.status and xy.shape == self.xy.shape and np.array_equal(xy, self.xy):
            return False
        if ids != self.ids:
            self.ids = list(ids)
            self.index = {u: k for k, u in enumerate(self.ids)}
        if status != self.status:
            self.status = list(status)
            self._order = None
        self.xy = xy
        if xy.size:
            x0, y0 = xy.min(axis=0)
            x1, y1 = xy.max(axis=0)
            r = self._rect
            if not r.contains(QRectF(x0, y0, x1 - x0, y1 - y0)):
                self.set_bounds(r.united(QRectF(x0 - 50, y0 - 50, x1 - x0 + 100, y1 - y0 + 100)))
        self.update()
        return True

    def pos_of(self, uid: str) -> tuple[float, float] | None:
        k = self.index.get(uid)
        if k is None:
            return None
        return float(self.xy[k, 0]), float(-self.xy[k, 1])

    def status_of(self, uid: str) -> str | None:
        k = self.index.get(uid)
        return None if k is None else self.status[k]

    def _sprite(self, status: str, dpr: float) -> QPixmap:
        key = (status, dpr)
        pix = self._sprites.get(key)
        if pix is None:
            r = self.RADIUS
            size = int(math.ceil((2 * r + 2) * dpr))
            pix = QPixmap(size, size)
            pix.setDevicePixelRatio(dpr)
            pix.fill(Qt.GlobalColor.transparent)
            p = QPainter(pix)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(QPen(QColor("white"), 1.5))
            p.setBrush(QColor(STATUS_COLORS.get(status, "#455a64")))
            c = (2 * r + 2) / 2
            p.drawEllipse(QPointF(c, c), r - 0.25, r - 0.25)
            p.end()
            self._sprites[key] = pix
        return pix

    def device_points(self, tr: QTransform) -> np.ndarray:
        xy = self.xy
        if not xy.size:
            return xy
        x, y = xy[:, 0], xy[:, 1]
        return np.column_stack([tr.m11() * x + tr.m21() * y + tr.m31(), tr.m12() * x + tr.m22() * y + tr.m32()])

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self.ids:
            return
        tr = painter.worldTransform()
        pts = self.device_points(tr)
        dev = painter.device()
        w, h = dev.width(), dev.height()
        dpr = dev.devicePixelRatioF() if hasattr(dev, "devicePixelRatioF") else 1.0
        half = self.RADIUS + 1
        vis = (pts[:, 0] > -half) & (pts[:, 0] < w + half) & (pts[:, 1] > -half) & (pts[:, 1] < h + half)
        if self._order is None:  # idle first, busy on top
            self._order = np.argsort(np.array([s != "idle" for s in self.status]), kind="stable")
        painter.save()
        painter.resetTransform()
        status = self.status
        sprite = None
        last = None
        draw = painter.drawPixmap
        px = (pts[:, 0] - half).tolist()
        py = (pts[:, 1] - half).tolist()
        for k in self._order[vis[self._order]].tolist():
            st = status[k]
            if st != last:
                sprite, last = self._sprite(st, dpr), st
            draw(QPointF(px[k], py[k]), sprite)
        if self.selected in self.index:
            k = self.index[self.selected]
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor("#00e5ff"), 2.5))
            painter.drawEllipse(QPointF(float(pts[k, 0]), float(pts[k, 1])), self.RADIUS + 3, self.RADIUS + 3)
        painter.restore()

    def unit_at(self, scene_pt: QPointF, tr: QTransform) -> str | None:
        """The unit drawn nearest ``scene_pt`` (within PICK_PX device pixels), busy units first."""
        if not self.ids:
            return None
        pts = self.device_points(tr)
        p = tr.map(scene_pt)
        d2 = (pts[:, 0] - p.x()) ** 2 + (pts[:, 1] - p.y()) ** 2
        near = np.nonzero(d2 <= self.PICK_PX ** 2)[0]
        if near.size == 0:
            return None
        busy = [k for k in near.tolist() if self.status[k] != "idle"]
        cand = busy or near.tolist()
        return self.ids[min(cand, key=lambda k: d2[k])]


def grid_image(values: np.ndarray, rgba: np.ndarray) -> QImage:
    """An RGBA image from a (ny, nx) grid whose row 0 is the south edge (flipped north-up)."""
    rgba = np.ascontiguousarray(rgba[::-1])
    ny, nx = values.shape
    img = QImage(rgba.data, nx, ny, nx * 4, QImage.Format.Format_RGBA8888)
    return img.copy()  # own the buffer




class MapView(QGraphicsView):
    selected = Signal(str, str)
    """(kind, id) of the item the user clicked: unit, place, incident."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self.scene_ = QGraphicsScene(self)
        self.setScene(self.scene_)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setBackgroundBrush(QColor("#e9eef2"))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.layers: dict[str, Layer] = {}
        for z, name in enumerate(LAYERS):
            lay = Layer(z)
            self.scene_.addItem(lay)
            self.layers[name] = lay
        self.sim = None
        self.road_items: dict[str, QGraphicsPathItem] = {}
        self.status_items: dict[str, QGraphicsPathItem] = {}
        self.units_item = UnitsItem(self.layers["units"])
        self.incident_items: dict[str, QGraphicsPathItem] = {}
        self._incident_state: dict[str, Any] = {}
        self.place_items: dict[str, QGraphicsPathItem] = {}
        self.hazard_items: dict[str, QGraphicsPixmapItem] = {}
        self._hazard_t: float | None = None
        self._hazard_wall = 0.0
        self._road_version = -1
        self._road_statuses: Any = None
        self.route_item: QGraphicsPathItem | None = None
        self.t = 0.0
        self.legend_hazards: set[str] = set()
        self.replay_units: dict[str, dict[str, Any]] | None = None
        """Replay: the archived unit rows at ``self.t`` (tooltips read task and ETA from them)."""
        self.labels: list[tuple[int, QGraphicsSimpleTextItem]] = []
        self._legend_rect: QRectF | None = None
        self._legend_cache: tuple[Any, QPixmap] | None = None
        """(priority, label): lower priority numbers win when labels would overlap."""
        self._declutter_timer = QTimer(self)
        self._declutter_timer.setSingleShot(True)
        self._declutter_timer.setInterval(0)
        self._declutter_timer.timeout.connect(self.declutter_labels)
        self.scene_.selectionChanged.connect(self._on_selection)

    # ------------------------------------------------------------------ building
    def set_world(self, sim) -> None:
        """Draw the static map (terrain, admin, water, roads, places) of a simulation."""
        self.sim = sim
        for lay in self.layers.values():
            for c in lay.childItems():
                self.scene_.removeItem(c)
        self.units_item = UnitsItem(self.layers["units"])
        self.road_items.clear()
        self.status_items.clear()
        self.incident_items.clear()
        self._incident_state.clear()
        self.place_items.clear()
        self.labels.clear()
        self.hazard_items.clear()
        self._hazard_t = None
        self._road_version = -1
        self.route_item = None
        world = sim.world
        m = world.map
        x0, y0, x1, y1 = m.bounds
        pad = 300.0
        self.scene_.setSceneRect(QRectF(x0 - pad, -(y1 + pad), (x1 - x0) + 2 * pad, (y1 - y0) + 2 * pad))
        self.units_item.set_bounds(self.scene_.sceneRect())
        self._build_terrain(m)
        self._build_admin(m)
        self._build_water(m, world)
        self._build_roads(world.net)
        self._build_places(world)
        self.labels.sort(key=lambda pl: pl[0])
        self.update_live(sim, force=True)
        self.fit()

    def fit(self) -> None:
        self.resetTransform()
        self.fitInView(self.scene_.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.declutter_labels()

    def declutter_labels(self) -> None:
        """Hide labels that would overlap a more important one at the current zoom (greedy, by priority)."""
        vw = self.viewport().width()
        placed: list[QRectF] = [QRectF(vw - 40, 10, 30, 50)]  # north arrow
        if self._legend_rect is not None:
            placed.append(self._legend_rect)
        for _, lab in self.labels:
            p = self.mapFromScene(lab.pos())
            off = lab.transform()
            br = lab.boundingRect()
            r = QRectF(p.x() + off.dx(), p.y() + off.dy(), br.width(), br.height()).adjusted(-2, -1, 2, 1)
            free = not any(r.intersects(q) for q in placed)
            lab.setVisible(free)
            if free:
                placed.append(r)

    def resizeEvent(self, e) -> None:  # noqa: N802
        super().resizeEvent(e)
        self._declutter_timer.start()

    def _build_terrain(self, m) -> None:
        g = m.elevation
        if g is None:
            return
        z = np.asarray(g.values, dtype=float)
        lo, hi = float(np.nanmin(z)), float(np.nanmax(z))
        f = np.clip((z - lo) / max(1.0, hi - lo), 0, 1) ** 0.6
        gy, gx = np.gradient(z, g.cell)
        shade = np.clip(0.5 + 0.9 * (-gx * 0.7 + gy * 0.7), 0.2, 1.0)  # light from the north-west
        low, high = np.array([238, 243, 230]), np.array([205, 190, 160])
        rgb = (low[None, None, :] * (1 - f[..., None]) + high[None, None, :] * f[..., None])
        rgb = rgb * (0.85 + 0.15 * shade[..., None])
        rgba = np.concatenate([rgb.clip(0, 255).astype(np.uint8),
                               np.full((*z.shape, 1), 255, np.uint8)], axis=2)
        item = QGraphicsPixmapItem(QPixmap.fromImage(grid_image(z, rgba)), self.layers["terrain"])
        item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        ny, _ = z.shape
        item.setTransform(QTransform.fromScale(g.cell, g.cell))
        item.setPos(g.x0, -(g.y0 + ny * g.cell))

    def _build_admin(self, m) -> None:
        lay = self.layers["admin"]
        for a in m.admin:
            poly = QPolygonF([QPointF(float(x), -float(y)) for x, y in a["polygon"]])
            item = self.scene_.addPolygon(poly)
            item.setParentItem(lay)
            county = a.get("level") == "县"
            pen = QPen(QColor("#7b1fa2" if county else "#8d6e63"), 2.2 if county else 1.2,
                       Qt.PenStyle.DashDotLine if county else Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            item.setPen(pen)
            item.setBrush(Qt.BrushStyle.NoBrush)
            item.setData(0, "admin")
            item.setData(1, a["id"])
            if not county:
                c = poly.boundingRect().center()
                lab = QGraphicsSimpleTextItem(pick(a["name"]), self.layers["labels"])
                lab.setFont(app_font(11))
                lab.setBrush(QColor(93, 64, 55, 170))
                lab.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
                lab.setPos(c.x(), c.y() - 900)
                lab.setTransform(QTransform.fromTranslate(-lab.boundingRect().width() / 2, 0))
                self.labels.append((0, lab))

    def _build_water(self, m, world) -> None:
        lay = self.layers["water"]
        for p in world.places.values():
            poly = p.attrs.get("polygon")
            if not poly or p.kind not in ("reservoir", "forest"):
                continue
            item = self.scene_.addPolygon(QPolygonF([QPointF(float(x), -float(y)) for x, y in poly]))
            item.setParentItem(self.layers["water"] if p.kind == "reservoir" else self.layers["terrain"])
            col = QColor("#81d4fa") if p.kind == "reservoir" else QColor(104, 159, 56, 70)
            item.setBrush(col)
            item.setPen(QPen(Qt.PenStyle.NoPen))
        for line in m.rivers:
            path = QPainterPath()
            for k, (x, y) in enumerate(line):
                (path.moveTo if k == 0 else path.lineTo)(float(x), -float(y))
            item = QGraphicsPathItem(path, lay)
            pen = QPen(QColor("#64b5f6"), 90.0)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            item.setPen(pen)
            item.setData(0, "river")
        for d in m.dikes:
            path = QPainterPath()
            for k, (x, y) in enumerate(d.get("polyline") or []):
                (path.moveTo if k == 0 else path.lineTo)(float(x), -float(y))
            item = QGraphicsPathItem(path, lay)
            pen = QPen(QColor("#5d4037"), 1.5)
            pen.setCosmetic(True)
            item.setPen(pen)
            item.setData(0, "dike")
            item.setData(1, d.get("id", ""))

    @staticmethod
    def _edges_path(net, idx: np.ndarray) -> QPainterPath:
        path = QPainterPath()
        xs, ys = net.x, net.y
        u, v = net.u[idx], net.v[idx]
        ax, ay, bx, by = xs[u].tolist(), (-ys[u]).tolist(), xs[v].tolist(), (-ys[v]).tolist()
        move, line = path.moveTo, path.lineTo
        for k in range(len(ax)):
            move(ax[k], ay[k])
            line(bx[k], by[k])
        return path

    def _build_roads(self, net) -> None:
        lay = self.layers["roads"]
        order = sorted(range(len(net.class_names)), key=lambda c: ROAD_STYLE.get(net.class_names[c], ("", 1))[1])
        for c in order:
            name = net.class_names[c]
            idx = np.nonzero(net.road_class == c)[0]
            if idx.size == 0:
                continue
            col, w = ROAD_STYLE.get(name, ("#ffffff", 1.0))
            path = self._edges_path(net, idx)
            if w >= 1.6:  # casing under major roads
                case = QGraphicsPathItem(path, lay)
                pen = QPen(QColor("#9e9e9e"), w + 1.4)
                pen.setCosmetic(True)
                case.setPen(pen)
                case.setZValue(c * 0.01)
                case.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            item = QGraphicsPathItem(path, lay)
            pen = QPen(QColor(col), w, Qt.PenStyle.DashLine if name == "track" else Qt.PenStyle.SolidLine)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            item.setPen(pen)
            item.setZValue(0.5 + w / 10)
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # repaint from a pixmap
            item.setData(0, "roads")
            item.setData(1, name)
            self.road_items[name] = item
        for status, (col, w, style) in ROAD_STATUS_STYLE.items():
            item = QGraphicsPathItem(self.layers["road_status"])
            pen = QPen(QColor(col), w, style)
            pen.setCosmetic(True)
            item.setPen(pen)
            item.setData(0, "road_status")
            item.setData(1, status)
            self.status_items[status] = item

    def _build_places(self, world) -> None:
        lay = self.layers["places"]
        for pid, p in world.places.items():
            shape, col, size = PLACE_STYLE.get(p.kind, ("circle", "#455a64", 7))
            item = QGraphicsPathItem(shape_path(shape, size), lay)
            item.setBrush(QColor(col))
            item.setPen(QPen(QColor("white"), 1.2))
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
            item.setPos(p.at[0], -p.at[1])
            item.setData(0, "place")
            item.setData(1, pid)
            item.setZValue(2 if p.kind != "community" else 1)
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.place_items[pid] = item
            if p.kind in ("hospital", "depot", "plant", "station", "reservoir", "forest") or (
                    p.kind == "shelter" and (p.capacity or 0) >= 4000) or (
                    p.kind == "command_post" and p.level in ("县", "市", "区")):
                lab = QGraphicsSimpleTextItem(pick(p.name), self.layers["labels"])
                lab.setFont(app_font(7.5))
                lab.setBrush(QColor("#263238"))
                lab.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
                lab.setPos(p.at[0], -p.at[1])
                lab.setTransform(QTransform.fromTranslate(7, -6))
                self.labels.append((LABEL_PRIORITY.get(p.kind, 9), lab))
                lab.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def unit_pos(self, uid: str) -> tuple[float, float] | None:
        """Where the map draws unit ``uid`` (map coordinates)."""
        return self.units_item.pos_of(uid)

    # ------------------------------------------------------------------ live updates
    def update_live(self, sim, force: bool = False) -> None:
        """Move units, refresh incidents, road states and (throttled) hazard overlays."""
        self.t = sim.now
        self.replay_units = None
        self._update_units((u.id, u.status, *u.position()) for u in sim.units.values())
        self._update_incidents((i.id, i.at, i.priority, i.resolved is not None)
                                for i in sim.board.incidents.values())
        net = sim.world.net
        if force or net.version != self._road_version:
            self._road_version = net.version
            self._update_roads(net, net.status)
        n_legend = len(self.legend_hazards)
        self._update_hazards(sim, force)
        if force or len(self.legend_hazards) != n_legend:  # items repaint themselves; the legend does not
            self.viewport().update()

    def update_state(self, state: dict[str, Any], sim=None) -> None:
        """Draw a replay state (``Archive.state_at(t)``) over the static map of ``self.sim``."""
        self.t = float(state.get("t", 0.0))
        self.replay_units = {u["id"]: u for u in state.get("units", [])}
        self._update_units((u["id"], u.get("status", "idle"), u["x"], u["y"])
                           for u in state.get("units", []) if u.get("x") is not None)
        places = self.sim.world.places if self.sim is not None else {}

        def where(i):
            at = i.get("at")
            if at is None and i.get("place") in places:
                at = places[i["place"]].at
            return at

        self._update_incidents(((i["id"], where(i), i.get("priority") or 3, i.get("resolved") is not None)
                                for i in state.get("incidents", []) if where(i) is not None), prune=True)
        if self.sim is not None:
            net = self.sim.world.net
            status = np.array(["open"] * net.n_roads, dtype=object)
            roads = state.get("roads_not_open") or (state.get("world") or {}).get("roads") or {}
            for rid, st in roads.items():
                k = net.road_index.get(rid)
                if k is not None:
                    status[k] = st
            self._road_version = -1
            self._update_roads(net, status)
        if sim is not None:
            self._update_hazards(sim, True, t=self.t)
        self.viewport().update()

    def _update_units(self, rows) -> bool:
        ids, sts, xs, ys = [], [], [], []
        for uid, status, x, y in rows:
            ids.append(uid)
            sts.append(status)
            xs.append(x)
            ys.append(y)
        return self.units_item.set_units(ids, xs, ys, sts)

    def _update_incidents(self, rows, prune: bool = False) -> None:
        lay = self.layers["incidents"]
        seen = set()
        for iid, at, prio, resolved in rows:
            seen.add(iid)
            key = (prio, resolved)
            item = self.incident_items.get(iid)
            if item is None:
                item = QGraphicsPathItem(shape_path("triangle", 11), lay)
                item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
                item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
                item.setPen(QPen(QColor("#212121"), 1.0))
                item.setData(0, "incident")
                item.setData(1, iid)
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                item.setPos(float(at[0]), -float(at[1]))
                self.incident_items[iid] = item
            if self._incident_state.get(iid) != key:
                self._incident_state[iid] = key
                col = QColor("#9e9e9e") if resolved else QColor(PRIORITY_COLORS.get(int(prio), "#ffc400"))
                item.setBrush(col)
                item.setOpacity(0.45 if resolved else 1.0)
                item.setZValue(0 if resolved else 4 - int(prio))
        if prune:
            for iid in [k for k in self.incident_items if k not in seen]:
                self.scene_.removeItem(self.incident_items.pop(iid))
                self._incident_state.pop(iid, None)

    def _update_roads(self, net, status: np.ndarray) -> None:
        for st, item in self.status_items.items():
            idx = np.nonzero(status == st)[0]
            item.setPath(self._edges_path(net, idx) if idx.size else QPainterPath())

    def _update_hazards(self, sim, force: bool, t: float | None = None) -> None:
        t = sim.now if t is None else t
        wall = time.monotonic()
        if not force and (self._hazard_t is not None and (abs(t - self._hazard_t) < 1.0 or wall - self._hazard_wall < 0.5)):
            return
        self._hazard_t, self._hazard_wall = t, wall
        for hid, h in sim.hazards.items():
            if not h.started or (h.started_at is not None and t < h.started_at):
                if hid in self.hazard_items:
                    self.hazard_items[hid].setVisible(False)
                continue
            try:
                ov = h.overlay(t)
            except Exception:  # an overlay must never take the map down
                continue
            res = overlay_rgba(ov, t) if ov else None
            if res is None:
                continue
            values, rgba = res
            item = self.hazard_items.get(hid)
            if item is None:
                item = QGraphicsPixmapItem(self.layers["hazards"])
                item.setData(0, "hazard")
                item.setData(1, hid)
                item.setOpacity(0.8)
                self.hazard_items[hid] = item
            item.setVisible(True)
            item.setPixmap(QPixmap.fromImage(grid_image(values, rgba)))
            cell = float(ov["cell"])
            ny = values.shape[0]
            item.setTransform(QTransform.fromScale(cell, cell))
            item.setPos(float(ov["x0"]), -(float(ov["y0"]) + ny * cell))
            self.legend_hazards.add(h.type)

    # ------------------------------------------------------------------ route preview
    def show_route(self, nodes) -> None:
        self.clear_route()
        if self.sim is None or nodes is None or len(nodes) < 2:
            return
        net = self.sim.world.net
        path = QPainterPath()
        for k, n in enumerate(nodes):
            (path.moveTo if k == 0 else path.lineTo)(float(net.x[n]), -float(net.y[n]))
        self.route_item = QGraphicsPathItem(path, self.layers["route"])
        pen = QPen(QColor("#00e5ff"), 5.0)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.route_item.setPen(pen)
        inner = QGraphicsPathItem(path, self.route_item)
        pen2 = QPen(QColor("#0d47a1"), 2.0, Qt.PenStyle.DashLine)
        pen2.setCosmetic(True)
        inner.setPen(pen2)
        self.route_item.setData(0, "route")

    def clear_route(self) -> None:
        if self.route_item is not None:
            self.scene_.removeItem(self.route_item)
            self.route_item = None

    # ------------------------------------------------------------------ layers
    def set_layer_visible(self, name: str, on: bool) -> None:
        self.layers[name].setVisible(on)

    def layer_visible(self, name: str) -> bool:
        return self.layers[name].isVisible()

    # ------------------------------------------------------------------ interaction
    def wheelEvent(self, e) -> None:  # noqa: N802
        f = 1.2 ** (e.angleDelta().y() / 120.0)
        s = self.transform().m11()
        if (s < 0.01 and f < 1) or (s > 20 and f > 1):
            return
        self.scale(f, f)
        self.declutter_labels()
        self.viewport().update()

    def zoom(self, factor: float) -> None:
        self.scale(factor, factor)
        self.declutter_labels()

    def _on_selection(self) -> None:
        items = self.scene_.selectedItems()
        if items:
            it = items[0]
            self.select_unit(None)
            self.selected.emit(str(it.data(0)), str(it.data(1)))

    def select_unit(self, uid: str | None) -> None:
        """Highlight a unit (None clears); emits ``selected('unit', uid)``."""
        if self.units_item.selected != uid:
            self.units_item.selected = uid
            self.units_item.update()
        if uid is not None:
            self.scene_.clearSelection()
            self.selected.emit("unit", uid)

    def unit_at(self, scene_pt: QPointF) -> str | None:
        if not self.layer_visible("units"):
            return None
        return self.units_item.unit_at(scene_pt, self.viewportTransform())

    def mousePressEvent(self, e) -> None:  # noqa: N802
        if e.button() == Qt.MouseButton.LeftButton:
            uid = self.unit_at(self.mapToScene(e.position().toPoint()))
            if uid is not None:
                self.select_unit(uid)
                e.accept()
                return
        super().mousePressEvent(e)

    def item_at(self, scene_pt: QPointF) -> tuple[str, str] | None:
        """(kind, id) of what is drawn under ``scene_pt``: a unit, place or incident."""
        uid = self.unit_at(scene_pt)
        if uid is not None:
            return "unit", uid
        for it in self.scene_.items(scene_pt, Qt.ItemSelectionMode.IntersectsItemShape,
                                    Qt.SortOrder.DescendingOrder, self.viewportTransform()):
            if it.data(0) in ("place", "incident") and it.isVisible() and it.parentItem().isVisible():
                return str(it.data(0)), str(it.data(1))
        return None

    def tooltip_at(self, scene_pt: QPointF) -> str:
        """Tooltip text: the item under the cursor and the hazard fields there."""
        lines: list[str] = []
        sim = self.sim
        it = self.item_at(scene_pt)
        if it is not None and sim is not None:
            kind, key = it
            if kind == "unit" and key in sim.units:
                u = sim.units[key]
                lines.append(f"<b>{pick(u.spec.name)}</b> ({u.id})")
                lines.append(f"{T('状态')}{colon()}{status_text(self.units_item.status_of(key) or u.status)}")
                if self.replay_units is not None:  # replay: the archive's task and ETA, not the idle map sim's
                    row = self.replay_units.get(key) or {}
                    if row.get("task"):
                        lines.append(f"{T('任务')}{colon()}{row['task']}")
                    if row.get("eta") is not None:
                        lines.append(f"{T('预计到达')}{colon()}{fmt_min(row['eta'])}")
                else:
                    if u.task is not None:
                        lines.append(f"{T('任务')}{colon()}{EventWords(SimNames(sim)).task_text(u.task.id)}")
                    if u.eta is not None:
                        lines.append(f"{T('预计到达')}{colon()}{fmt_min(u.eta)}")
            elif kind == "place" and key in sim.world.places:
                p = sim.world.places[key]
                lines.append(f"<b>{pick(p.name)}</b> ({T(KIND_ZH.get(p.kind, p.kind))})")
                w = sim.world
                if p.kind == "shelter":
                    lines.append(f"{T('安置')}{colon()}{w.occupancy.get(key, 0)} / {p.capacity}"
                                 + ("" if w.shelter_open.get(key, True) else f" ({T('已关闭')})"))
                elif p.kind == "hospital":
                    lines.append(f"{T('床位')}{colon()}{w.beds_used.get(key, 0)} / {p.capacity}")
                elif p.kind == "community":
                    lines.append(f"{T('在地人口')}{colon()}{w.residents.get(key, 0)}")
                elif p.kind == "depot":
                    stock = w.stock.get(key, {})
                    items = join(f"{pick(sim.scenario.supplies[i].name) if i in sim.scenario.supplies else i} {q:g}"
                                 for i, q in list(stock.items())[:5])
                    lines.append(f"{T('层级')}{colon()}{label(TIERS, p.tier or '-')}  {items}")
                for k, v in (w.flags.get(key) or {}).items():
                    lines.append(flag_text(k, v))
            elif kind == "incident" and key in sim.board.incidents:
                inc = sim.board.incidents[key]
                lines.append(f"<b>{pick(inc.name)}</b>")
                lines.append(f"{T('优先级')}{colon()}{inc.priority}  {T('报告')}{colon()}{fmt_min(inc.reported)}")
                for tid in inc.tasks:
                    t = sim.board.tasks[tid]
                    lines.append(f"· {label(TASK_KINDS, t.kind, cap=True)} {t.done_qty:g}"
                                 + (f"/{t.quantity:g}" if t.quantity != float("inf") else ""))
        if sim is not None:
            x, y = scene_pt.x(), -scene_pt.y()
            for h in sim.hazards.values():
                if not h.started:
                    continue
                try:
                    f = h.fields(x, y, self.t)
                except Exception:
                    continue
                shown = {k: v for k, v in f.items() if v not in (None, "", 0, 0.0) and k not in ("caveat", "intensity_roman")}
                if shown:
                    vals = join(field_text(k, v) for k, v in shown.items())
                    lines.append(f"<i>{pick(h.spec.get('name') or h.id)}</i>{colon()}{vals}")
            if not lines:
                lines.append(f"x={x:.0f} m, y={y:.0f} m")
        return "<br>".join(lines)

    def viewportEvent(self, e) -> bool:  # noqa: N802
        if e.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(self.mapToScene(e.pos()))
            if text:
                QToolTip.showText(e.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(e)

    # ------------------------------------------------------------------ foreground: scale bar, legend
    @staticmethod
    def _legend_pixmap(rows, w: int, lh: int, dpr: float) -> QPixmap:
        h = lh * len(rows) + 10
        pix = QPixmap(int(math.ceil(w * dpr)), int(math.ceil(h * dpr)))
        pix.setDevicePixelRatio(dpr)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(app_font(8.5))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 215))
        painter.drawRoundedRect(QRectF(0, 0, w, h), 4, 4)
        lx = 0
        for k, (kind, col, text) in enumerate(rows):
            cy = 5 + lh * k + lh / 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(col))
            if kind == "dot":
                painter.drawEllipse(QPointF(lx + 12, cy), 4.5, 4.5)
            elif kind in ("line", "dash", "road"):
                if kind == "road":  # as on the map: grey casing under the class colour
                    painter.setPen(QPen(QColor("#9e9e9e"), 5))
                    painter.drawLine(QPointF(lx + 4, cy), QPointF(lx + 20, cy))
                pen = QPen(QColor(col), 3, Qt.PenStyle.DashLine if kind == "dash" else Qt.PenStyle.SolidLine)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                if kind == "dash":
                    pen.setDashPattern([2.0, 1.2])
                painter.setPen(pen)
                painter.drawLine(QPointF(lx + 4, cy), QPointF(lx + 20, cy))
            elif kind == "tri":
                painter.drawPolygon(QPolygonF([QPointF(lx + 12, cy - 5), QPointF(lx + 17, cy + 4), QPointF(lx + 7, cy + 4)]))
            else:
                painter.drawRect(QRectF(lx + 6, cy - 5, 12, 10))
            painter.setPen(QColor("#212121"))
            painter.drawText(QPointF(lx + 26, cy + 4), text)
        painter.end()
        return pix

    def legend_rows(self) -> list[tuple[str, str, str]]:
        """The legend, as (kind, colour, text) rows; kind: dot, line, dash (pen dashed as on the
        map), road (class colour over the grey casing), tri, box. Colours are the map's own."""
        rows: list[tuple[str, str, str]] = []
        if self.layer_visible("units"):
            for s in ("idle", "enroute", "working", "transporting", "returning", "stuck"):
                rows.append(("dot", STATUS_COLORS[s], status_text(s)))
        if self.layer_visible("roads"):
            for c, name in ROAD_CLASS_ZH.items():
                if c in self.road_items:
                    rows.append(("road", ROAD_STYLE[c][0], T(name)))
        if self.layer_visible("road_status"):
            for s, (col, _, style) in ROAD_STATUS_STYLE.items():
                rows.append(("dash" if style == Qt.PenStyle.DashLine else "line", col,
                             T("道路") + ("" if lang() == "zh" else " ") + label(ROAD_STATUS, s)))
        if self.layer_visible("incidents"):
            rows.append(("tri", PRIORITY_COLORS[1], T("事件(优先级1)")))
            rows.append(("tri", PRIORITY_COLORS[2], T("事件(优先级2)")))
        if self.layer_visible("hazards"):
            if "earthquake" in self.legend_hazards:
                for lvl in (6, 8, 10):
                    rows.append(("box", INTENSITY_COLORS[lvl], f"{T('烈度')} {['VI', 'VII', 'VIII', 'IX', 'X'][lvl - 6]}+"))
            if "chemical" in self.legend_hazards:
                for z in (3, 2, 1):
                    rows.append(("box", AEGL_COLORS[z], f"AEGL-{z}"))
            if "flood" in self.legend_hazards:
                rows.append(("box", "#4f8fc0", T("淹没水深")))
            if "wildfire" in self.legend_hazards:
                rows.append(("box", "#ff6d00", T("火场(等时线/小时)")))
        return rows

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(app_font(8.5))
        vw, vh = self.viewport().width(), self.viewport().height()
        # scale bar: a round length near 120 px
        m_per_px = 1.0 / max(1e-9, self.transform().m11())
        target = 120 * m_per_px
        nice = 10 ** math.floor(math.log10(max(target, 1e-6)))
        for k in (5, 2, 1):
            if k * nice <= target:
                nice = k * nice
                break
        px = nice / m_per_px
        x0, y0 = 16, vh - 22
        painter.setPen(QPen(QColor("#212121"), 2))
        painter.fillRect(QRectF(x0 - 6, y0 - 20, px + 70, 32), QColor(255, 255, 255, 200))
        painter.drawLine(QPointF(x0, y0), QPointF(x0 + px, y0))
        painter.drawLine(QPointF(x0, y0 - 5), QPointF(x0, y0 + 3))
        painter.drawLine(QPointF(x0 + px, y0 - 5), QPointF(x0 + px, y0 + 3))
        label = f"{nice / 1000:g} km" if nice >= 1000 else f"{nice:g} m"
        painter.drawText(QPointF(x0 + px + 6, y0 + 4), label)
        # north arrow
        painter.setBrush(QColor("#212121"))
        nx_, ny_ = vw - 26, 40
        painter.drawPolygon(QPolygonF([QPointF(nx_, ny_ - 18), QPointF(nx_ + 7, ny_), QPointF(nx_ - 7, ny_)]))
        painter.drawText(QPointF(nx_ - 4, ny_ + 14), "N")
        # legend
        rows = self.legend_rows()
        if rows:
            lh = 15
            w = 150
            lx, ly = vw - w - 12, 64
            rect = QRectF(lx, ly, w, lh * len(rows) + 10)
            if rect != self._legend_rect:  # labels under the legend give way (next turn of the event loop)
                self._legend_rect = rect
                self._declutter_timer.start()
            key = (tuple(rows), painter.device().devicePixelRatioF())
            if self._legend_cache is None or self._legend_cache[0] != key:  # text is drawn once, then blitted
                self._legend_cache = (key, self._legend_pixmap(rows, w, lh, key[1]))
            painter.drawPixmap(QPointF(lx, ly), self._legend_cache[1])
        painter.restore()
