"""``drillsim-gui [SCENARIO | ARCHIVE] [--run-for MIN --screenshot OUT.png --view NAME --lang zh|en]``

With no file, a start page lists the shipped scenarios and recent files. A bad
scenario shows FILE:LINE:COL problems (a message box, and on stderr with exit
code 2 on the command-line path) — never a traceback.

Launch: the main window is shown first (with a busy indicator); the scenario is
validated and the session/world built on the next event-loop turn (the engine is
imported only then). ``--screenshot`` / ``--run-for`` load before any window.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

T0 = time.perf_counter()


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="drillsim-gui", description="DrillSim desktop app (应急演练推演)")
    p.add_argument("file", nargs="?", help="scenario .yaml or archive .drill")
    p.add_argument("--run-for", type=float, default=None, metavar="MIN", help="advance MIN sim minutes first")
    p.add_argument("--screenshot", default=None, metavar="OUT.png", help="save the main window and exit")
    p.add_argument("--view", default="trainee", help="map, director, trainee, evaluator, kpi, replay")
    p.add_argument("--lang", default=None, choices=["zh", "en"], help="UI language for this run, not saved (default: the saved one, else zh; "
                   "screenshots: zh)")
    p.add_argument("--size", default="1440x900", help="window size for screenshots (WxH)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--exit-after-show", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--join", default=None, metavar="HOST:PORT", help="join a networked drill (drillsim serve)")
    p.add_argument("--seat", default=None, metavar="CODE", help="the seat's join code (or DRILLSIM_JOIN_CODE)")
    p.add_argument("--fingerprint", default=None, help="pin the server's TLS certificate (SHA-256)")
    p.add_argument("--cafile", default=None, help="trust this server certificate (PEM)")
    return p.parse_args(argv)


class App:
    """Owns the QApplication, the drill controller, the start page and the main window."""

    def __init__(self, lang: str | None = None, offscreen: bool = False) -> None:
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QApplication

        from drillsim.core.paths import resources
        from drillsim.gui.common import app_font, settings
        from drillsim.gui.controller import DrillController

        QCoreApplication.setOrganizationName("DrillSim")
        QCoreApplication.setApplicationName("DrillSim")
        self.qapp = QApplication.instance() or QApplication(sys.argv[:1])
        self.qapp.setStyle("Fusion")
        self.qapp.setFont(app_font(9.5))
        qss = resources("styles", "drillsim.qss")
        if qss.exists():
            text = qss.read_text(encoding="utf-8")
            if self.qapp.styleSheet() != text:  # re-polishing every live widget is slow
                self.qapp.setStyleSheet(text)
        self.offscreen = offscreen or self.qapp.platformName() == "offscreen"
        self.lang = lang or str(settings().value("language", "zh"))
        self.switching = False
        self._install_lang(self.lang)
        self.controller = DrillController()
        self.window = None
        self.start = None

    def _install_lang(self, lang: str) -> None:
        from drillsim.gui import i18n

        i18n.install(lang)
        self.lang = "en" if lang.startswith("en") else "zh"

    # ------------------------------------------------------------------ windows
    def main_window(self):
        from drillsim.gui.mainwindow import MainWindow

        if self.window is None:
            self.window = MainWindow(self)
        return self.window

    def show_start(self) -> None:
        from drillsim.gui.startpage import StartPage

        self.start = StartPage(self)
        self.start.w.show()

    def set_language(self, lang: str) -> None:
        """Switch language: re-create the windows from their .ui forms with the new translator."""
        from drillsim.gui.common import settings

        s = settings()
        s.setValue("language", lang)
        s.sync()
        self._install_lang(lang)
        old = self.window
        replay_path = None
        if old is not None:
            if old.mode == "replay" and old.replay.archive is not None:
                replay_path = old.replay.archive.path
            self.switching = True
            try:
                old.save_settings()
                self.window = None
                new = self.main_window()
                new.win.show()
                old.win.close()
                old.win.deleteLater()
            finally:
                self.switching = False
            if replay_path is not None:
                new.replay.load(replay_path)
        if self.start is not None and self.start.w.isVisible():
            self.start.w.close()
            self.show_start()

    # ------------------------------------------------------------------ files
    def load_session(self, path: str | Path, seed: int | None = None, scenario=None):
        from drillsim.exercise.session import Session
        from drillsim.scenario import load_scenario

        sc = scenario if scenario is not None else load_scenario(Path(path))
        return Session(sc, seed=seed)

    def open_scenario_deferred(self, path: str | Path, seed: int | None = None, on_done=None,
                               on_shown=None) -> None:
        """Show the main window now (with a busy indicator); build the session on the next event-loop turn.

        ``on_shown()`` runs once the window has been painted, ``on_done(ok, error)`` after the
        build (error: the InputError or None). The build runs on
        the GUI thread: a worker thread was tried and made the load 3-4x slower (GIL hand-offs
        with the event loop), for a window that cannot be used before the session exists anyway.
        """
        from PySide6.QtCore import QTimer

        from drillsim.core.errors import InputError
        from drillsim.gui.common import T, add_recent

        path = Path(path)
        w = self.main_window()
        w.show_loading(T("正在加载想定") + f" {path.name} …")
        w.win.show()

        def load() -> None:
            err = None
            try:
                sess = self.load_session(path, seed)
            except InputError as e:
                err = e
            except Exception as e:  # noqa: BLE001 - shown to the user as a problem, not a traceback
                err = InputError(f"{type(e).__name__}: {e}", file=str(path))
            w.show_loading(None)
            if err is None:
                add_recent(path)
                w.start_session(sess, origin="")
            else:
                self.last_error = err
            if on_done is not None:
                on_done(err is None, err)

        def painted() -> None:
            self.qapp.processEvents()  # paint the window (and the busy banner) before the long build
            if on_shown is not None:
                on_shown()
            QTimer.singleShot(0, load)

        QTimer.singleShot(0, painted)

    def open_path(self, path: str | Path, seed: int | None = None, quiet: bool = False, scenario=None) -> bool:
        """Open a scenario (new live drill) or an archive (replay). Shows problems; returns success."""
        from drillsim.core.errors import InputError
        from drillsim.gui.common import add_recent

        path = Path(path)
        try:
            if path.suffix == ".drill":
                w = self.main_window()
                w.replay.load(path)
            else:
                sess = self.load_session(path, seed, scenario=scenario)
                add_recent(path)
                w = self.main_window()
                w.start_session(sess, origin="")
        except InputError as e:
            if not quiet:
                self.show_problems(e)
            self.last_error = e
            return False
        w.win.show()
        if self.start is not None:
            self.start.w.close()
        return True

    def show_problems(self, e) -> None:
        from PySide6.QtWidgets import QMessageBox

        from drillsim.gui.common import T

        text = "\n".join(str(p) for p in e.problems[:20])
        box = QMessageBox(QMessageBox.Icon.Critical, T("无法打开文件"), T("文件有错误，请修改后重试：") + "\n\n" + text)
        box.setObjectName("problemBox")
        self.problem_box = box
        if self.offscreen:
            box.show()
        else:
            box.exec()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.screenshot and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from drillsim.core.errors import InputError

    scenario = None
    deferred = bool(args.file) and not args.file.endswith(".drill") and not (args.screenshot or args.run_for)
    if args.file and not args.file.endswith(".drill") and not deferred:
        # validate before any window exists: CLI errors go to stderr with exit code 2
        try:
            from drillsim.scenario import load_scenario

            scenario = load_scenario(Path(args.file))
        except InputError as e:
            for p in e.problems:
                print(p, file=sys.stderr)
            return 2
    if args.screenshot or args.run_for:
        # one-off run: neither read nor write the user's settings (reproducible screenshots)
        from drillsim.gui.common import use_scratch_settings

        use_scratch_settings()
    app = App(lang=args.lang)  # --lang applies to this run only; 语言 menu choices are saved
    if args.join:
        from drillsim.gui.net_client import run_join

        return run_join(app, args)
    if not args.file:
        if args.screenshot:
            app.show_start()
            app.qapp.processEvents()
            app.start.w.grab().save(args.screenshot, "PNG")
            return 0
        app.show_start()
        return app.qapp.exec()
    if deferred:
        return _run_deferred(app, args)
    try:
        ok = app.open_path(args.file, seed=args.seed, quiet=True, scenario=scenario)
    except Exception as e:  # pragma: no cover - last resort, still no traceback for users
        print(f"{args.file}:1:1: {e}", file=sys.stderr)
        return 2
    if not ok:
        for p in app.last_error.problems:
            print(p, file=sys.stderr)
        return 2
    w = app.window
    if args.run_for:
        if w.mode == "replay":
            w.replay.seek(args.run_for)
        else:
            app.controller.advance_to(args.run_for, sample_every=5.0)
    if args.screenshot:
        try:
            width, height = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            print(f"--size: expected WxH, got {args.size!r}", file=sys.stderr)
            return 2
        try:
            w.set_view(args.view)
        except ValueError as e:
            print(f"--view: {e}", file=sys.stderr)
            return 2
        w.win.resize(max(1280, width), max(800, height))
        w.win.show()
        for _ in range(3):
            app.qapp.processEvents()
        w.refresh_panels()
        if w.mode == "live":
            w.map.update_live(app.controller.session.sim, force=True)
        w.map.fit()
        app.qapp.processEvents()
        wpx, hpx = w.screenshot(args.screenshot)
        print(f"{args.screenshot}: {wpx}x{hpx} {app.lang}")
        app.switching = True
        w.win.close()
        return 0
    if args.exit_after_show:
        w.win.show()
        app.qapp.processEvents()
        print(f"shown {time.perf_counter() - T0:.3f}", flush=True)
        return 0
    return app.qapp.exec()


def _run_deferred(app: App, args: argparse.Namespace) -> int:
    """Interactive launch: window first, then the scenario; a bad file exits with code 2."""
    from PySide6.QtCore import QTimer

    result = {"rc": 0}

    def done(ok: bool, err) -> None:
        if args.exit_after_show:
            print(f"ready {time.perf_counter() - T0:.3f}", flush=True)
        if not ok:
            for p in err.problems:
                print(p, file=sys.stderr)
            result["rc"] = 2
            if not app.offscreen and not args.exit_after_show:
                app.show_problems(err)  # modal: the user reads it, then the app exits
            app.switching = True
            app.window.win.close()
            QTimer.singleShot(0, lambda: app.qapp.exit(2))  # posted: works before exec() has started too
        elif args.exit_after_show:
            QTimer.singleShot(0, lambda: app.qapp.exit(0))

    def shown() -> None:
        if args.exit_after_show:
            print(f"shown {time.perf_counter() - T0:.3f}", flush=True)

    app.open_scenario_deferred(args.file, seed=args.seed, on_done=done, on_shown=shown)
    rc = app.qapp.exec()
    return result["rc"] or rc


if __name__ == "__main__":
    raise SystemExit(main())
