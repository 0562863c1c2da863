"""The networked drill's wire format, version 1 (docs/net-protocol.md).

One JSON object per WebSocket text frame, with ``v`` (protocol version) and
``type``. Client messages are checked against ``resources/net/protocol.schema.json``
before anything acts on them; every refusal is a :class:`Refusal` carrying a
machine code and the reason in Chinese and English, which the server sends back as
a ``reject`` message and logs.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import jsonschema

from drillsim.core.paths import resources

VERSION = 1
FEATURES = ("at",)
"""Additions to version 1 this server offers, listed in ``welcome.features`` (docs/net-protocol.md):
``at``: order / inject / note messages may carry the sim minute they are meant for, and the
server applies them exactly then."""
MAX_MESSAGE_BYTES = 64 * 1024
"""Largest frame a seat may send (an order is a few hundred bytes)."""
MAX_SERVER_MESSAGE_BYTES = 32 * 1024 * 1024
"""Largest frame a client accepts from the server (a rejoin's catch-up is chunked well below it)."""


class Refusal(Exception):
    """A message the server will not act on: ``code`` plus the reason in zh and en."""

    def __init__(self, code: str, zh: str, en: str, seq: int | None = None, close: bool = False) -> None:
        super().__init__(en)
        self.code, self.zh, self.en, self.seq, self.close = code, zh, en, seq, close

    def message(self) -> dict[str, Any]:
        return msg("reject", seq=self.seq, code=self.code, reason={"zh": self.zh, "en": self.en})


@cache
def schema() -> dict[str, Any]:
    with open(resources("net", "protocol.schema.json"), encoding="utf-8") as f:
        return json.load(f)


@cache
def _validator(side: str, kind: str) -> jsonschema.Draft202012Validator:
    root = schema()
    sub = {"$defs": root["$defs"], **root["$defs"][side][kind]}
    return jsonschema.Draft202012Validator(sub)


def client_types() -> tuple[str, ...]:
    return tuple(schema()["$defs"]["client"])


def msg(kind: str, /, **fields: Any) -> dict[str, Any]:
    return {"v": VERSION, "type": kind, **fields}


def encode(m: dict[str, Any]) -> str:
    return json.dumps(m, ensure_ascii=False, separators=(",", ":"))


def _non_finite(v: Any) -> bool:
    """Whether a parsed message holds NaN or ±Infinity anywhere.

    ``json.loads`` accepts them, though JSON has no such numbers; a field holding one
    passes the schema's minimum/maximum checks (comparisons with NaN are false).
    """
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, dict):
        return any(_non_finite(x) for x in v.values())
    if isinstance(v, list):
        return any(_non_finite(x) for x in v)
    return False


def parse_client(raw: str | bytes) -> dict[str, Any]:
    """A client frame as a validated message, or :class:`Refusal` saying what is wrong."""
    if isinstance(raw, (bytes, bytearray, memoryview)):
        raise Refusal("binary", "不接受二进制帧，请发送 JSON 文本", "binary frames are not accepted; send JSON text")
    try:
        m = json.loads(raw)
    except (ValueError, RecursionError):
        raise Refusal("bad_json", "消息不是合法的 JSON", "message is not valid JSON") from None
    if not isinstance(m, dict):
        raise Refusal("bad_json", "消息应为 JSON 对象", "message must be a JSON object")
    seq = m.get("seq") if isinstance(m.get("seq"), int) and not isinstance(m.get("seq"), bool) else None
    if m.get("v") != VERSION:
        raise Refusal("version", f"协议版本应为 {VERSION}（收到 {m.get('v')!r}）",
                      f"protocol version must be {VERSION} (got {m.get('v')!r})", seq)
    kind = m.get("type")
    if kind not in client_types():
        raise Refusal("bad_type", f"未知消息类型 {kind!r}",
                      f"unknown message type {kind!r}; expected one of {', '.join(client_types())}", seq)
    if _non_finite(m):  # refused with its seq, so the sender knows which message
        raise Refusal("schema", f"{kind} 消息含 NaN 或 Infinity（不是数值）",
                      f"bad {kind} message: NaN and Infinity are not numbers", seq)
    err = next(iter(sorted(_validator("client", kind).iter_errors(m), key=lambda e: list(e.path))), None)
    if err is not None:
        where = "/".join(str(p) for p in err.path) or "(message)"
        raise Refusal("schema", f"{kind} 消息格式错误（{where}）：{err.message}",
                      f"bad {kind} message at {where}: {err.message}", seq)
    return m


def check_server(m: dict[str, Any]) -> list[str]:
    """Schema problems of a server message (empty when it conforms); clients and tests use it."""
    kind = m.get("type")
    if kind not in schema()["$defs"]["server"]:
        return [f"unknown server message type {kind!r}"]
    return [e.message for e in _validator("server", kind).iter_errors(m)]
