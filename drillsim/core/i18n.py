"""Language choice for the engine's human-readable text: Chinese first, English available."""

from __future__ import annotations

import os

_lang: str | None = None


def lang() -> str:
    return _lang or os.environ.get("DRILLSIM_LANG", "zh")


def set_lang(value: str | None) -> None:
    global _lang
    _lang = value


def pick(text: dict[str, str] | str) -> str:
    """The text in the current language (falls back to the other one)."""
    if isinstance(text, dict):
        return text.get(lang()) or text.get("zh") or text.get("en") or ""
    return str(text)


def tr(zh: str, en: str) -> str:
    return zh if lang() == "zh" else en
