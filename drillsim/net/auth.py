"""Who may join a networked drill, and as what: join codes, session tokens, rate limits.

Each played seat, the director and each evaluator get a random join code
(``secrets.token_urlsafe``, 128 bits) printed when the drill is served. A code is
compared in constant time against every code (no early exit reveals a prefix);
a successful join issues a fresh session token that every later message must
carry, and invalidates the previous one, so a seat that rejoins takes its seat
back and the old connection's messages are refused.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field

CODE_BYTES = 16
TOKEN_BYTES = 24


@dataclass
class Identity:
    """One joinable identity: a seat id (or ``director`` / ``evaluator``), its role and code."""

    id: str
    role: str  # seat | director | evaluator
    view_as: str  # the seat whose view it gets (director / evaluator see everything)
    code: str
    token: str | None = None
    last_seq: int = 0
    """Highest message seq the server has taken for this identity: applied, or held to be
    applied at its ``at`` time (kept across rejoins)."""
    scheduled: dict[int, float] = field(default_factory=dict)
    """Messages taken with a future ``at`` and not applied yet: seq -> sim minute."""
    connected: bool = False
    since: float | None = None
    addr: str | None = None
    joins: int = 0
    bucket: TokenBucket = field(default_factory=lambda: TokenBucket(5.0, 20.0))


class TokenBucket:
    """``rate`` messages per second on average, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: float, clock=time.monotonic) -> None:
        self.rate, self.burst, self.clock = float(rate), float(burst), clock
        self.tokens = float(burst)
        self.last = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Roster:
    """The identities of one served drill."""

    def __init__(self, seats: list[str], evaluators: int = 1, rate: float = 5.0, burst: float = 20.0) -> None:
        self.ids: dict[str, Identity] = {}
        for sid in seats:
            self._add(Identity(sid, "seat", sid, new_code()), rate, burst)
        self._add(Identity("director", "director", "director", new_code()), rate, burst)
        for k in range(evaluators):
            eid = "evaluator" if k == 0 else f"evaluator{k + 1}"
            self._add(Identity(eid, "evaluator", "evaluator", new_code()), rate, burst)

    def _add(self, ident: Identity, rate: float, burst: float) -> None:
        ident.bucket = TokenBucket(rate, burst)
        self.ids[ident.id] = ident

    def by_code(self, code: str) -> Identity | None:
        """The identity whose code matches, comparing against all codes in constant time each."""
        found = None
        given = code.encode()
        for ident in self.ids.values():
            if hmac.compare_digest(ident.code.encode(), given):
                found = ident
        return found

    def issue_token(self, ident: Identity) -> str:
        ident.token = secrets.token_urlsafe(TOKEN_BYTES)
        ident.joins += 1
        return ident.token

    @staticmethod
    def token_ok(ident: Identity, token: str) -> bool:
        return ident.token is not None and hmac.compare_digest(ident.token.encode(), token.encode())

    def codes(self) -> dict[str, str]:
        return {i.id: i.code for i in self.ids.values()}


def new_code() -> str:
    """128 random bits, URL-safe; never starting with '-' (it would read as an option on a command line)."""
    while True:
        code = secrets.token_urlsafe(CODE_BYTES)
        if not code.startswith("-"):
            return code
