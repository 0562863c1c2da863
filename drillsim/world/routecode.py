"""Compact text encoding of a route for ``unit.depart`` events (path and times).

A 72 h drill emits tens of thousands of departures with routes of hundreds of
nodes; as JSON lists of ints and floats they dominated the event encoding time,
the memory of the kept stream and the archive size. Each list is encoded
instead as one string (a JSON string is copied, not converted per element):

- ``path``: ``"{first}:{width}{base64}"``: the first node index in decimal,
  then the differences between consecutive nodes (small on road graphs, whose
  nodes are numbered by locality), zigzag-mapped to unsigned (0, -1, 1, -2...
  -> 0, 1, 2, 3...), as little-endian integers of the narrowest width in bytes
  (1, 2, 4 or 8) that holds them all: that width's digit, then the base64
  (RFC 4648, with padding) of the bytes. E.g. nodes 7, 8, 6 -> ``"7:1AgM="``;
- ``times``: the cumulative minutes rounded to thousandths (``rint(t * 1000)``),
  encoded the same way (the first is 0: ``"0:2..."``). Decoding
  gives ``k / 1000`` for the rounded cumulative thousandths ``k``.

Typical cost: 2 bytes per node and per edge before base64 (~2.7 characters),
against ~7 for the decimal lists; encoding is a handful of numpy calls.
:func:`decode_path` and :func:`decode_times` also accept the plain lists of
archives recorded before this encoding.
"""

from __future__ import annotations

import base64
from functools import lru_cache

import numpy as np

_WIDTHS = tuple((w, cap, np.dtype(f"<u{w}")) for w, cap in ((1, 0xFF), (2, 0xFFFF), (4, 0xFFFFFFFF), (8, None)))


def _delta_text(values: np.ndarray) -> str:
    """``"{first}:{width}{base64}"``: the first value, then its successors' differences, zigzag."""
    v = np.asarray(values, dtype=np.int64)
    if v.size == 0:
        return ""
    d = v[1:] - v[:-1]
    z = ((d << 1) ^ (d >> 63)).view(np.uint64)  # zigzag: small magnitudes -> small unsigned values
    top = int(z.max()) if z.size else 0
    width, dtype = next((w, dt) for w, cap, dt in _WIDTHS if cap is None or top <= cap)
    return f"{int(v[0])}:{width}" + base64.b64encode(z.astype(dtype).tobytes()).decode("ascii")


def _undelta(text: str) -> np.ndarray:
    if not text:
        return np.zeros(0, dtype=np.int64)
    first, sep, rest = text.partition(":")
    if not sep or not rest or rest[0] not in "1248":
        raise ValueError(f"not a compact route text: {text[:24]!r}")
    z = np.frombuffer(base64.b64decode(rest[1:], validate=True), dtype=f"<u{rest[0]}").astype(np.uint64)
    d = ((z >> np.uint64(1)) ^ (np.uint64(0) - (z & np.uint64(1)))).view(np.int64)
    out = np.empty(d.size + 1, dtype=np.int64)
    out[0] = int(first)
    np.cumsum(d, out=out[1:])
    out[1:] += out[0]
    return out


def encode_path(nodes: np.ndarray) -> str:
    """Node indices (origin first) as the compact ``path`` text."""
    return _delta_text(nodes)


def encode_times(times: np.ndarray) -> str:
    """Cumulative minutes at each node as the compact ``times`` text (thousandths)."""
    return _delta_text(np.rint(np.asarray(times, dtype=np.float64) * 1000.0))


@lru_cache(maxsize=4096)
def _decode_path_text(text: str) -> tuple[int, ...]:
    return tuple(_undelta(text).tolist())


@lru_cache(maxsize=4096)
def _decode_times_text(text: str) -> tuple[float, ...]:
    return tuple((_undelta(text) / 1000.0).tolist())


def decode_path(path: str | list[int]) -> tuple[int, ...] | list[int]:
    """Node indices of a ``unit.depart`` path (compact text, or the list of older archives)."""
    return _decode_path_text(path) if isinstance(path, str) else path


def decode_times(times: str | list[float]) -> tuple[float, ...] | list[float]:
    """Cumulative minutes of a ``unit.depart`` route (compact text, or the list of older archives)."""
    return _decode_times_text(times) if isinstance(times, str) else times
