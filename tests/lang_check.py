"""Language leaks in what a person reads: Chinese in English text, raw keys and ASCII enum words in Chinese.

The app and the report speak one language at a time (docs/report.md, docs/gui.md). Allowed in
Chinese text: ids a user typed or reads as ids (units, seats, injects, roads, given by the caller),
units of measure, standards and model names (AQ/T 9009, AEGL, MSEL, Rothermel), roman numerals
(intensity, response levels), digests, file names, times. Allowed in English text: whatever the
caller passes (e.g. the drill's Chinese name on the cover, labelled as such).

``KNOWN_ELSEWHERE``: leaks whose source is owned by another change (the hazards' own event texts);
they are stripped here, named, and listed in the hand-over so that they are fixed at their source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
HALF_COMMA = re.compile(r"[\u4e00-\u9fff][,;:]|[,;][\u4e00-\u9fff]")
ROMAN = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$")
NOISE = [re.compile(p) for p in (
    r"\b[0-9a-f]{16,}\b",  # digests
    r"\d{4}-\d{2}-\d{2}T[\d:.+]+",  # ISO times
    r"[\w./-]+\.(?:yaml|yml|md|drill|html|pdf|graphml)\b",  # file names
    r"\bT\+\d",  # sim clock
    r"\bM\d",  # magnitudes (M6.0)
)]
ALLOWED_WORDS = {
    "DrillSim", "AQ", "T", "AEGL", "MSEL", "ID", "UTC", "sha256", "P90", "HSEEP", "GB", "PGA", "Rothermel",
    "HTML", "PDF", "OSM", "HR", "SMS", "TV",  # formats and names Chinese text uses as they are
    "km", "m", "kg", "s", "t", "h", "ha", "ppm", "mg", "g", "L", "x", "min",
    "A", "B", "C", "D", "E", "F",  # Pasquill stability classes
}

KNOWN_ELSEWHERE: list[tuple[re.Pattern[str], str]] = []


def _strip(text: str, allowed: Iterable[str], lang: str) -> str:
    """``text`` without what may stand: known leaks owned elsewhere, digests, times, file names, and the
    allowed strings (ids, names), each only as a whole word (the unit id ``quake`` is not in ``earthquake``)."""
    for pat, lg in KNOWN_ELSEWHERE:
        if lg == lang:
            text = pat.sub(" ", text)
    for a in sorted({str(a) for a in allowed if a}, key=len, reverse=True):
        if a in text:
            text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(a)}(?![A-Za-z0-9_])", " ", text)
    for n in NOISE:
        text = n.sub(" ", text)
    return text


def en_leaks(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Chinese characters (and full-width punctuation) in English text, and snake_case keys."""
    rest = _strip(text, allowed, "en")
    out = [f"Chinese in English: {text!r}"] if CJK.search(rest) else []
    out += [f"raw key {k!r}: {text!r}" for k in SNAKE.findall(rest)]
    return out


def zh_leaks(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """ASCII words in Chinese text that are not ids, units, standards or numerals; half-width commas."""
    rest = _strip(text, allowed, "zh")
    out = [f"half-width punctuation in Chinese: {text!r}"] if HALF_COMMA.search(rest) else []
    for w in WORD.findall(rest):
        if w in ALLOWED_WORDS or ROMAN.match(w):
            continue
        out.append(f"{w!r} in Chinese: {text!r}")
    return out


def leaks(text: str, lang: str, allowed: Iterable[str] = ()) -> list[str]:
    return en_leaks(text, allowed) if lang == "en" else zh_leaks(text, allowed)


class VisibleText(HTMLParser):
    """The text a reader sees in an HTML page (no style, no script), one string per text node."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "script"):
            self.skip += 1
        elif tag == "img":
            self.out += [v for k, v in attrs if k == "alt" and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.out.append(data.strip())


def visible_text(html: str) -> list[str]:
    p = VisibleText()
    p.feed(html)
    return list(dict.fromkeys(p.out))
