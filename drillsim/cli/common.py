"""Helpers shared by CLI commands."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from drillsim.core.i18n import set_lang


def apply_lang(args: argparse.Namespace) -> None:
    if getattr(args, "lang", None):
        set_lang(args.lang)


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, sort_keys=True))


def is_tty() -> bool:
    return sys.stdout.isatty()
