"""``drillsim`` command line: each subcommand lives in its own ``cmd_*.py`` module.

A command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``. Bad input is reported as ``FILE:LINE:COL: message`` on
stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from drillsim import __version__
from drillsim.core.errors import InputError
from drillsim.core.i18n import set_lang

EXIT_BAD_INPUT = 2


def _commands():
    import drillsim.cli as pkg

    mods = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("cmd_"):
            mods.append(importlib.import_module(f"drillsim.cli.{info.name}"))
    return sorted(mods, key=lambda m: getattr(m, "ORDER", 50))


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(
        prog="drillsim",
        description="DrillSim 应急演练模拟 — headless drills: validate, run, probe, replay, report.",
    )
    parser.add_argument("--version", action="version", version=f"drillsim {__version__}")
    parser.add_argument("--lang", choices=["zh", "en"], default=None,
                        help="language of messages and reports (default: zh, or DRILLSIM_LANG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    handlers = {}
    for mod in _commands():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        if not any("--lang" in a.option_strings for a in p._actions):
            # also after the command (``drillsim replay A.drill --lang en``), as report takes it
            p.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                           help="language of messages (default: zh, or DRILLSIM_LANG)")
        handlers[mod.NAME] = mod.run
    return parser, handlers


def main(argv: list[str] | None = None) -> int:
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    # each call starts from the default language (zh, or DRILLSIM_LANG) unless --lang says otherwise:
    # a previous call in the same process (tests, the app) must not leak its language into this one
    set_lang(getattr(args, "lang", None))
    if not args.command:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(handlers[args.command](args) or 0)
    except InputError as e:
        for p in e.problems:
            print(str(p), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
