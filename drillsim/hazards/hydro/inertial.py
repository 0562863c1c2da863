"""2-D local inertial storage-cell flood model (Bates, Horritt & Fewtrell 2010).

Water depth h on cell centres, unit-width discharge q on cell faces (staggered grid).
Per time step (Bates et al. 2010, eq. 11 with the semi-implicit friction term):

    h_flow = max(eta_i, eta_j) - max(z_i, z_j)
    q <- (q - g h_flow dt d(eta)/dx) / (1 + g dt n^2 |q| / h_flow^(7/3))
    h_i <- h_i + dt/dx (sum of inflows - sum of outflows)

with the adaptive stable step dt = alpha dx / sqrt(g h_max) (eq. 12). To keep depth
non-negative while conserving volume exactly, a cell's outgoing face fluxes are
scaled down when they would remove more water than it holds (flux limiter). Walls
(no-flow cells: river channel, dike body) have zero face flux; the domain edge is
closed.

Only the *active* cells are computed: in each grid row a contiguous window that covers
the wet cells of the rows nearby plus a margin (``margin`` cells, Chebyshev). The
windows only grow. Their cells are packed row after row into 1-D arrays (the packed
state), so every array operation is contiguous and touches ~1.1x the wet area instead
of its bounding box (~2x); the north / south neighbours are found through index arrays.
A face between an active and an inactive cell is closed, which is exact because water
moves at most one cell per step and the windows are rebuilt before wet cells come
within ``check_every + 1`` cells of their edge. The full-grid arrays ``h``, ``qx``,
``qy`` stay the public state: reading them synchronises them with the packed state,
and writes to them are picked up at the next step.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

_BIG = np.float32(1.0e6)  # bed level given to closed faces: they never carry water


class InertialModel:
    def __init__(self, z: np.ndarray, dx: float, n: float | np.ndarray = 0.035,
                 wall: np.ndarray | None = None, g: float = 9.81, alpha: float = 0.7,
                 max_dt: float = 60.0, h_min: float = 0.001) -> None:
        self.z = np.asarray(z, dtype=np.float64)
        ny, nx = self.z.shape
        # momentum arithmetic in float32 (memory-bound, ~2x faster); depth stays float64 and
        # each face flux is added to one cell and removed from the other, so volume is
        # conserved to float64 round-off whatever the flux precision
        self.z32 = self.z.astype(np.float32)
        self.dx = float(dx)
        n32 = np.asarray(n, dtype=np.float32)
        self.n2 = np.broadcast_to(n32 ** 2, (ny, nx)).astype(np.float32)
        self.wall = np.zeros((ny, nx), bool) if wall is None else np.asarray(wall, bool)
        self.g, self.alpha, self.max_dt, self.h_min = g, alpha, max_dt, h_min
        self._h = np.zeros((ny, nx))
        self._qx = np.zeros((ny, nx + 1), np.float32)  # face k between cols k-1 and k; edges 0
        self._qy = np.zeros((ny + 1, nx), np.float32)
        self.open_x = np.zeros((ny, nx + 1), bool)
        self.open_x[:, 1:-1] = ~self.wall[:, :-1] & ~self.wall[:, 1:]
        self.open_y = np.zeros((ny + 1, nx), bool)
        self.open_y[1:-1, :] = ~self.wall[:-1, :] & ~self.wall[1:, :]
        # static face data: the bed level max(z_i, z_j) of each interior face (closed faces
        # raised out of reach, so h_flow < 0 there) and n_i^2 + n_j^2
        self._zx = np.where(self.open_x[:, 1:-1], np.maximum(self.z32[:, :-1], self.z32[:, 1:]), _BIG)
        self._zy = np.where(self.open_y[1:-1, :], np.maximum(self.z32[:-1, :], self.z32[1:, :]), _BIG)
        self._n2_uniform = bool((self.n2 == self.n2.flat[0]).all())
        if not self._n2_uniform:
            self._n2x = self.n2[:, :-1] + self.n2[:, 1:]
            self._n2y = self.n2[:-1, :] + self.n2[1:, :]
        self.t = 0.0
        self.box = None  # (i0, i1, j0, j1): bounding box of the active cells
        self.inflow_volume = 0.0
        self._steps = 0
        self.margin = 6
        self.check_every = 1
        self.rebuilds = 0
        self._active: np.ndarray | None = None  # full-grid mask of the active cells
        self._m = 0  # number of active cells
        self._stale = True  # packed state must be rebuilt from the full arrays
        self._full_ok = True  # full arrays hold the current state
        self._check = False  # check the window edges before the next step
        self._rev = 0
        self._idx_key: tuple | None = None

    # -- public state (full grids) --------------------------------------------
    @property
    def h(self) -> np.ndarray:
        """Depth (m) on the full grid; may be modified (picked up at the next step)."""
        self._sync()
        self._stale = True
        return self._h

    @h.setter
    def h(self, value: np.ndarray) -> None:
        self._sync()
        self._h = np.array(value, dtype=np.float64)
        self._stale = True

    @property
    def qx(self) -> np.ndarray:
        self._sync()
        self._stale = True
        return self._qx

    @property
    def qy(self) -> np.ndarray:
        self._sync()
        self._stale = True
        return self._qy

    def depth(self) -> np.ndarray:
        """Depth on the full grid, read-only (no re-packing at the next step)."""
        self._sync()
        return self._h

    def depth_at(self, cells: np.ndarray) -> np.ndarray:
        """Depth at flat cell indices (read-only)."""
        k = self._packed_index(cells)
        if k is None:
            return self.depth().ravel()[cells]
        return self._hc[k]

    @property
    def volume(self) -> float:
        return float(self.depth().sum() * self.dx * self.dx)

    def _sync(self) -> None:
        """Scatter the packed state into the full arrays."""
        if self._full_ok:
            return
        m = self._m
        self._h.ravel()[self._pos] = self._hc[:m]
        self._qx.ravel()[self._pos_x] = self._qxc[1:]
        self._qy.ravel()[self._pos_y] = self._qyc[:m]
        self._full_ok = True

    # -- active cells ----------------------------------------------------------
    def _grow_box(self, i0: int, i1: int, j0: int, j1: int) -> None:
        """Make the cells [i0:i1, j0:j1] (plus the margin) active."""
        ny, nx = self._h.shape
        m = self.margin
        if self._active is None:
            self._active = np.zeros((ny, nx), bool)
            self._cmap = np.full(ny * nx, -1, np.int64)
        self._active[max(0, i0 - m):min(ny, i1 + m), max(0, j0 - m):min(nx, j1 + m)] = True
        self._sync()
        self._stale = True

    def _rebuild(self, scan: bool = True) -> None:
        """Active windows from the wet cells (grown, never shrunk); pack the state.

        scan: look for wet cells on the whole grid (after outside writes), else only in
        the bounding box of the active cells (which holds all the water between rebuilds).
        """
        self._sync()
        h = self._h
        ny, nx = h.shape
        if self._active is None:
            self._active = np.zeros((ny, nx), bool)
            self._cmap = np.full(ny * nx, -1, np.int64)
        act = self._active
        self._rev += 1
        self._stale = False
        self._full_ok = True
        self._check = False
        self.rebuilds += 1
        if scan or self.box is None:
            seed = (h > 0) | act
            rows = np.flatnonzero(seed.any(axis=1))
            if rows.size == 0:
                self._m = 0
                return
            cols = np.flatnonzero(seed.any(axis=0))
            r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        else:
            r0, r1, c0, c1 = self.box
        m, s = self.margin, self.check_every
        pad = m + s + 3
        a0, a1 = max(0, r0 - pad), min(ny, r1 + pad)
        b0, b1 = max(0, c0 - pad), min(nx, c1 + pad)
        sub = ndimage.maximum_filter(h[a0:a1, b0:b1] > 0, size=2 * m + 1, mode="constant", cval=False)
        sub |= act[a0:a1, b0:b1]
        anyr = sub.any(axis=1)
        first = sub.argmax(axis=1)
        last = sub.shape[1] - 1 - sub[:, ::-1].argmax(axis=1)
        jj = np.arange(b1 - b0)
        sub = (jj >= first[:, None]) & (jj <= last[:, None]) & anyr[:, None]  # one window a row
        act[a0:a1, b0:b1] = sub
        # cells within check_every + 1 of an inactive cell: wet there -> rebuild
        edge = sub & ~ndimage.minimum_filter(sub, size=2 * (s + 1) + 1, mode="constant", cval=True)

        ii, jj = np.nonzero(sub)  # row-major: each row's window is contiguous
        ii += a0
        jj += b0
        pos = ii * nx + jj
        n = pos.size
        self._m = n
        self._pos = pos
        cmap = self._cmap
        cmap[pos] = np.arange(n)  # windows only grow: every old entry is overwritten
        ei, ej = np.nonzero(edge)
        self._edge = np.zeros(n, bool)
        self._edge_idx = cmap[(ei + a0) * nx + ej + b0]
        self._edge[self._edge_idx] = True
        self.box = (int(ii.min()), int(ii.max()) + 1, int(jj.min()), int(jj.max()) + 1)
        # east neighbour: the next packed cell when it is the next cell of the same row
        east = np.zeros(n, bool)
        east[:-1] = (pos[1:] == pos[:-1] + 1) & (jj[:-1] < nx - 1)
        zfx = np.full(n, _BIG, np.float32)
        zfx[east] = self._zx[ii[east], jj[east]]
        north = np.full(n, n, np.int64)  # n: a dummy cell (closed face, zero flux)
        ok = ii < ny - 1
        cand = cmap[pos[ok] + nx]
        north[ok] = np.where(cand >= 0, cand, n)
        south = np.full(n, n, np.int64)
        ok = ii > 0
        cand = cmap[pos[ok] - nx]
        south[ok] = np.where(cand >= 0, cand, n)
        has_n = north < n
        zfy = np.full(n, _BIG, np.float32)
        zfy[has_n] = self._zy[ii[has_n], jj[has_n]]
        self._north, self._south, self._zfx, self._zfy = north, south, zfx, zfy
        if not self._n2_uniform:
            self._n2xc = np.zeros(n, np.float32)
            self._n2xc[east] = self._n2x[ii[east], jj[east]]
            self._n2yc = np.zeros(n, np.float32)
            self._n2yc[has_n] = self._n2y[ii[has_n], jj[has_n]]
        self._zc = self.z32.ravel()[pos]
        self._nonwall = ~self.wall.ravel()[pos]
        # packed state, each with a trailing dummy slot
        self._hc = np.zeros(n + 1)
        self._hc[:n] = h.ravel()[pos]
        self._pos_x = ii * (nx + 1) + jj + 1  # east face of each cell in qx
        self._pos_y = (ii + 1) * nx + jj  # north face of each cell in qy
        self._qxc = np.zeros(n + 1, np.float32)  # [k + 1]: east face of cell k; [0] dummy
        self._qxc[1:] = self._qx.ravel()[self._pos_x]
        self._qyc = np.zeros(n + 1, np.float32)  # [k]: north face of cell k; [n] dummy
        self._qyc[:n] = self._qy.ravel()[self._pos_y]
        self._qxc[n] = 0.0  # the last cell's east face leads to an inactive cell
        f32 = [np.empty(n + 1, np.float32) for _ in range(7)]
        self._eta, self._h32, self._b1, self._b2, self._b3, self._b4, self._ys = f32
        self._eta[n] = 0.0
        self._ys[n] = 0.0
        self._act_f = np.empty(n, bool)
        self._over = np.empty(n, bool)
        self._div = np.empty(n)

    def _packed_index(self, cells: np.ndarray) -> np.ndarray | None:
        """Packed indices of flat cells (cached for a repeated array), None if any is inactive."""
        if self._stale or self._m == 0:
            return None
        key = self._idx_key
        if key is not None and key[0] is cells and key[1] == self._rev:
            return key[2]
        k = self._cmap[np.asarray(cells)]
        k = None if (k < 0).any() else k
        self._idx_key = (cells, self._rev, k, None if k is None else bool(self._edge[k].any()))
        return k

    def add_volume(self, cells: np.ndarray, volume_m3: float) -> None:
        """Add water (m3) spread evenly over flat cell indices (a breach, a source)."""
        if volume_m3 <= 0 or len(cells) == 0:
            return
        dh = volume_m3 / (len(cells) * self.dx * self.dx)
        self.inflow_volume += volume_m3
        k = self._packed_index(cells)
        if k is not None:
            self._hc[k] += dh
            self._full_ok = False
            if self._idx_key[3]:
                self._check = True
            return
        nx = self._h.shape[1]
        self._sync()
        self._h.ravel()[cells] += dh
        ii, jj = np.divmod(np.asarray(cells), nx)
        self._grow_box(int(ii.min()), int(ii.max()) + 1, int(jj.min()), int(jj.max()) + 1)

    def add_rain(self, depth_m: float) -> None:
        if depth_m <= 0:
            return
        dry_ok = ~self.wall
        self.inflow_volume += depth_m * dry_ok.sum() * self.dx * self.dx
        if not self._stale and self._m == self._h.size:
            self._hc[:self._m][self._nonwall] += depth_m
            self._full_ok = False
            return
        self._sync()
        self._h[dry_ok] += depth_m
        self._grow_box(0, self._h.shape[0], 0, self._h.shape[1])

    def stable_dt(self) -> float:
        if self._stale:
            self._rebuild()
        if self._m == 0:
            return self.max_dt
        hmax = float(self._hc[:self._m].max())
        if hmax <= self.h_min:
            return self.max_dt
        return min(self.max_dt, self.alpha * self.dx / np.sqrt(self.g * hmax))

    # -- the scheme ------------------------------------------------------------
    def step(self, dt: float) -> None:
        if self._stale:
            self._rebuild()
        elif (self._check or self._steps % self.check_every == 0) and self._m:
            self._check = False
            if (self._hc[self._edge_idx] > 0).any():
                self._rebuild(scan=False)
        n = self._m
        if n == 0:
            self.t += dt
            return
        hc, qxc, qyc = self._hc, self._qxc, self._qyc
        h32 = self._h32[:n]
        np.copyto(h32, hc[:n], casting="same_kind")
        eta = self._eta
        np.add(self._zc, h32, out=eta[:n])
        # x faces: between packed cells k and k + 1 (closed unless in the same row)
        k2 = np.float32(0.5 * self.g * dt)
        kx = k2 * np.float32(2.0 * self.n2.flat[0]) if self._n2_uniform else None
        self._faces(qxc[1:n], eta[:n - 1], eta[1:n], self._zfx[:n - 1],
                    kx if kx is not None else self._n2xc[:n - 1], k2, dt, n - 1)
        # y faces: between cell k and its north neighbour (gathered)
        en = np.take(eta, self._north, out=self._ys[:n], mode="clip")
        self._faces(qyc[:n], eta[:n], en, self._zfy,
                    kx if kx is not None else self._n2yc, k2, dt, n)
        # flux limiter: outgoing volume of each cell <= its volume
        ys = np.take(qyc, self._south, out=self._ys[:n], mode="clip")  # south face of each cell
        out, tmp = self._b1[:n], self._b2[:n]
        np.maximum(qxc[1:], 0.0, out=out)
        out -= np.minimum(qxc[:n], 0.0, out=tmp)
        out += np.maximum(qyc[:n], 0.0, out=tmp)
        out -= np.minimum(ys, 0.0, out=tmp)
        out *= np.float32(dt / self.dx)
        over = np.greater(out, h32, out=self._over)
        if over.any():
            ko = np.flatnonzero(over)
            f = h32[ko] / out[ko]
            f *= np.float32(1.0 - 1e-6)  # float32 rounding must not overdraw a cell
            # each face is scaled by the cell it leaves (at most one): east, west, north, south
            v = qxc[ko + 1]
            qxc[ko + 1] = np.where(v > 0, v * f, v)
            v = qxc[ko]
            qxc[ko] = np.where(v < 0, v * f, v)
            v = qyc[ko]
            qyc[ko] = np.where(v > 0, v * f, v)
            sk = self._south[ko]
            v = qyc[sk]
            qyc[sk] = np.where(v < 0, v * f, v)
            qyc[n] = 0.0
            ys[ko] = qyc[sk]
            nk = self._north[ko]
            ok = nk < n
            ys[nk[ok]] = qyc[ko[ok]]
        # depth (float64): dt/dx (in - out)
        div = self._div
        np.subtract(qxc[:n], qxc[1:], out=div, dtype=np.float64)
        np.add(div, ys, out=div, dtype=np.float64)
        np.subtract(div, qyc[:n], out=div, dtype=np.float64)
        div *= dt / self.dx
        h = hc[:n]
        h += div
        np.maximum(h, 0.0, out=h)  # round-off only (limiter keeps h >= 0)
        self._full_ok = False
        self.t += dt
        self._steps += 1

    def _faces(self, q, eta_a, eta_b, zf, kfr, k2, dt, n):
        """Bates et al. (2010) eq. 11 on one set of faces (a -> b is the +axis direction)."""
        hf = np.maximum(eta_a, eta_b, out=self._b1[:n])
        hf -= zf
        hmin = np.float32(self.h_min)
        act = np.greater(hf, hmin, out=self._act_f[:n])
        np.maximum(hf, hmin, out=hf)
        den = np.multiply(hf, hf, out=self._b2[:n])
        den *= np.cbrt(hf, out=self._b3[:n])  # h_flow^(7/3)
        fr = self._b3[:n]
        if np.ndim(kfr) == 0:
            np.abs(q, out=fr)
            fr *= kfr  # g dt (n_a^2 + n_b^2) / 2
        else:
            np.multiply(kfr, k2, out=fr)
            fr *= np.abs(q, out=self._b4[:n])
        fr /= den
        fr += 1.0
        grad = np.subtract(eta_b, eta_a, out=self._b4[:n])
        grad *= hf
        grad *= np.float32(self.g * dt / self.dx)
        q -= grad
        q /= fr
        q *= act

    def velocity(self) -> np.ndarray:
        """Cell speed (m/s) from the mean of face discharges over depth."""
        if self._stale:
            self._rebuild()
        self._sync()
        v = np.zeros(self._h.shape)
        if self.box is None:
            return v
        i0, i1, j0, j1 = self.box
        h = self._h[i0:i1, j0:j1]
        qxc = 0.5 * (self._qx[i0:i1, j0:j1] + self._qx[i0:i1, j0 + 1:j1 + 1])
        qyc = 0.5 * (self._qy[i0:i1, j0:j1] + self._qy[i0 + 1:i1 + 1, j0:j1])
        with np.errstate(divide="ignore", invalid="ignore"):
            v[i0:i1, j0:j1] = np.where(h > 0.01, np.hypot(qxc, qyc) / h, 0.0)
        return v
