"""Bad input to drillsim serve / drillsim seat: a clear FILE-or-flag message, exit code 2, no
traceback, and no archive left behind when no drill was served."""

from __future__ import annotations

import socket

from net_support import SCENARIO

from drillsim.cli.main import main


def _run(capsys, *argv: str) -> tuple[int, str]:
    rc = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return rc, err


def test_serve_bad_input(tmp_path, capsys):
    rec = tmp_path / "x.drill"
    rc, err = _run(capsys, "serve", str(tmp_path / "missing.yaml"), "--record", str(rec))
    assert rc == 2 and "missing.yaml:1:1: file not found" in err
    rc, err = _run(capsys, "serve", str(SCENARIO), "--speed", "0", "--record", str(rec))
    assert rc == 2 and err.startswith("--speed:1:1:")
    rc, err = _run(capsys, "serve", str(SCENARIO), "--pause-on-drop", "county_hq,nope", "--record", str(rec))
    assert rc == 2 and "no seat nope" in err and not rec.exists()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        rc, err = _run(capsys, "serve", str(SCENARIO), "--port", str(port), "--record", str(rec))
    assert rc == 2 and f"127.0.0.1:{port}:1:1: cannot listen" in err and not rec.exists()


def test_seat_bad_input(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DRILLSIM_JOIN_CODE", raising=False)
    rc, err = _run(capsys, "seat", "127.0.0.1:9")
    assert rc == 2 and "--code" in err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    rc, err = _run(capsys, "seat", f"127.0.0.1:{free}", "--code", "abc")
    assert rc == 2 and "无法连接演练服务器" in err  # Chinese first
    rc, err = _run(capsys, "seat", "127.0.0.1:notaport", "--code", "abc")
    assert rc == 2 and "127.0.0.1:notaport:1:1:" in err
    rc, err = _run(capsys, "seat", "127.0.0.1:9", "--code", "abc", "--fingerprint", "zz")
    assert rc == 2 and "--fingerprint:1:1: expected a SHA-256 fingerprint" in err
    bad = tmp_path / "o.yaml"
    bad.write_text("orders:\n  - {t: 1, op: dispatch, unit: {x: 1}, task: t}\n", encoding="utf-8")
    rc, err = _run(capsys, "seat", "127.0.0.1:9", "--code", "abc", "--orders", str(bad))
    assert rc == 2 and f"{bad}:2:" in err and "unit must be a name" in err
