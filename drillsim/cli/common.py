"""Helpers shared by CLI commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import set_lang


def apply_lang(args: argparse.Namespace) -> None:
    if getattr(args, "lang", None):
        set_lang(args.lang)


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, sort_keys=True))


def is_tty() -> bool:
    return sys.stdout.isatty()


def check_output(path: str | Path, option: str, force: bool | None = None) -> None:
    """Refuse an output file that cannot be written before any work is done (exit 2, no traceback).

    ``force=False``: an existing file is refused too (a recorded archive is never replaced
    silently); ``force=None``: an existing file may be overwritten (plain exports).
    """
    p = Path(path)
    if p.is_dir():
        raise InputError(Problem(str(p), 1, 1, f"{option}: is a folder; give a file name"))
    parent = p.resolve().parent
    if not parent.is_dir():
        raise InputError(Problem(str(p), 1, 1, f"{option}: folder {parent} does not exist; create it first "
                                               "or choose another path"))
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise InputError(Problem(str(p), 1, 1, f"{option}: cannot write here (read-only); choose another path"))
    if force is False and p.exists():
        raise InputError(Problem(str(p), 1, 1, f"{option}: already exists; choose another file or add --force "
                                               "to replace it"))
