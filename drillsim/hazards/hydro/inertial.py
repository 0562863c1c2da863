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
closed. Work is restricted to a bounding box of wet cells that only grows.
"""

from __future__ import annotations

import numpy as np


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
        self.n2 = np.broadcast_to(np.asarray(n, dtype=np.float32) ** 2, (ny, nx)).astype(np.float32)
        self.wall = np.zeros((ny, nx), bool) if wall is None else np.asarray(wall, bool)
        self.g, self.alpha, self.max_dt, self.h_min = g, alpha, max_dt, h_min
        self.h = np.zeros((ny, nx))
        self.qx = np.zeros((ny, nx + 1), np.float32)  # face k between cols k-1 and k; edges 0
        self.qy = np.zeros((ny + 1, nx), np.float32)
        self.open_x = np.zeros((ny, nx + 1), bool)
        self.open_x[:, 1:-1] = ~self.wall[:, :-1] & ~self.wall[:, 1:]
        self.open_y = np.zeros((ny + 1, nx), bool)
        self.open_y[1:-1, :] = ~self.wall[:-1, :] & ~self.wall[1:, :]
        self.t = 0.0
        self.box = None  # (i0, i1, j0, j1)
        self.inflow_volume = 0.0
        self._steps = 0
        self.margin = 6
        self.check_every = 4

    # -- bookkeeping -----------------------------------------------------------
    @property
    def volume(self) -> float:
        return float(self.h.sum() * self.dx * self.dx)

    def _grow_box(self, i0: int, i1: int, j0: int, j1: int) -> None:
        ny, nx = self.h.shape
        m = self.margin
        nb = (max(0, i0 - m), min(ny, i1 + m), max(0, j0 - m), min(nx, j1 + m))
        if self.box is None:
            self.box = nb
        else:
            b = self.box
            self.box = (min(b[0], nb[0]), max(b[1], nb[1]), min(b[2], nb[2]), max(b[3], nb[3]))

    def _update_box(self) -> None:
        if self.box is None:
            return
        i0, i1, j0, j1 = self.box
        wet = self.h[i0:i1, j0:j1] > 0
        rows = np.nonzero(wet.any(axis=1))[0]
        if rows.size == 0:
            return
        cols = np.nonzero(wet.any(axis=0))[0]
        self._grow_box(i0 + rows[0], i0 + rows[-1] + 1, j0 + cols[0], j0 + cols[-1] + 1)

    def add_volume(self, cells: np.ndarray, volume_m3: float) -> None:
        """Add water (m3) spread evenly over flat cell indices (a breach, a source)."""
        if volume_m3 <= 0 or len(cells) == 0:
            return
        ny, nx = self.h.shape
        self.h.ravel()[cells] += volume_m3 / (len(cells) * self.dx * self.dx)
        self.inflow_volume += volume_m3
        ii, jj = np.divmod(np.asarray(cells), nx)
        self._grow_box(int(ii.min()), int(ii.max()) + 1, int(jj.min()), int(jj.max()) + 1)

    def add_rain(self, depth_m: float) -> None:
        if depth_m <= 0:
            return
        dry_ok = ~self.wall
        self.h[dry_ok] += depth_m
        self.inflow_volume += depth_m * dry_ok.sum() * self.dx * self.dx
        self._grow_box(0, self.h.shape[0], 0, self.h.shape[1])

    def stable_dt(self) -> float:
        if self.box is None:
            return self.max_dt
        i0, i1, j0, j1 = self.box
        hmax = float(self.h[i0:i1, j0:j1].max())
        if hmax <= self.h_min:
            return self.max_dt
        return min(self.max_dt, self.alpha * self.dx / np.sqrt(self.g * hmax))

    # -- the scheme ------------------------------------------------------------
    def step(self, dt: float) -> None:
        if self.box is None:
            self.t += dt
            return
        dx = self.dx
        i0, i1, j0, j1 = self.box
        z = self.z32[i0:i1, j0:j1]
        h = self.h[i0:i1, j0:j1]
        n2 = self.n2[i0:i1, j0:j1]
        h32 = h.astype(np.float32)
        eta = z + h32
        # x faces strictly inside the box: columns j0+1 .. j1-1
        qx = self.qx[i0:i1, j0 + 1:j1]
        qy = self.qy[i0 + 1:i1, j0:j1]
        qx_new = self._face_update(qx, eta[:, :-1], eta[:, 1:], z[:, :-1], z[:, 1:],
                                   n2[:, :-1], n2[:, 1:], self.open_x[i0:i1, j0 + 1:j1], dt)
        qy_new = self._face_update(qy, eta[:-1, :], eta[1:, :], z[:-1, :], z[1:, :],
                                   n2[:-1, :], n2[1:, :], self.open_y[i0 + 1:i1, j0:j1], dt)
        # flux limiter: outgoing volume of each cell <= its volume
        px, nxf = np.maximum(qx_new, 0.0), np.minimum(qx_new, 0.0)
        py, nyf = np.maximum(qy_new, 0.0), np.minimum(qy_new, 0.0)
        out = np.zeros_like(h32)
        out[:, :-1] += px
        out[:, 1:] -= nxf
        out[:-1, :] += py
        out[1:, :] -= nyf
        out *= np.float32(dt / dx)
        over = out > h32
        if over.any():
            f = np.ones_like(h32)
            np.divide(h32, out, out=f, where=over)
            f[over] *= np.float32(1.0 - 1e-6)  # float32 rounding must not overdraw a cell
            px *= f[:, :-1]
            nxf *= f[:, 1:]
            py *= f[:-1, :]
            nyf *= f[1:, :]
            qx_new = px + nxf
            qy_new = py + nyf
        qx[...] = qx_new
        qy[...] = qy_new
        c = np.float32(dt / dx)
        h[:, :-1] -= c * qx_new
        h[:, 1:] += c * qx_new
        h[:-1, :] -= c * qy_new
        h[1:, :] += c * qy_new
        np.maximum(h, 0.0, out=h)  # round-off only (limiter keeps h >= 0)
        self.t += dt
        self._steps += 1
        if self._steps % self.check_every == 0:
            self._update_box()

    def _face_update(self, q, eta_a, eta_b, z_a, z_b, n2_a, n2_b, open_, dt):
        """Bates et al. (2010) eq. 11 on one set of faces (a -> b is the +axis direction)."""
        g = self.g
        hf = np.maximum(eta_a, eta_b)
        hf -= np.maximum(z_a, z_b)
        act = hf > self.h_min
        act &= open_
        np.maximum(hf, np.float32(self.h_min), out=hf)
        den = hf * hf
        den *= np.cbrt(hf)  # h_flow^(7/3)
        fr = n2_a + n2_b
        fr *= np.float32(0.5 * g * dt)
        fr *= np.abs(q)
        fr /= den
        fr += 1.0
        grad = eta_b - eta_a
        grad *= hf
        grad *= np.float32(g * dt / self.dx)
        qn = q - grad
        qn /= fr
        qn *= act
        return qn

    def velocity(self) -> np.ndarray:
        """Cell speed (m/s) from the mean of face discharges over depth."""
        qxc = 0.5 * (self.qx[:, :-1] + self.qx[:, 1:])
        qyc = 0.5 * (self.qy[:-1, :] + self.qy[1:, :])
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(self.h > 0.01, np.hypot(qxc, qyc) / self.h, 0.0)
        return v
