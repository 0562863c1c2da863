"""The recorder's background writer: batches committed in order, flush waits, write errors surface."""

import sqlite3

import pytest

from drillsim.record.archive import SCHEMA, connect, unpack_payload
from drillsim.record.writer import Batch, Writer


@pytest.mark.parametrize("background", [True, False])
def test_writer_commits_batches_in_order_and_packs_payloads(tmp_path, background):
    con = connect(tmp_path / "a.drill")
    con.executescript(SCHEMA)
    w = Writer(con, background=background)
    big = b'{"path":"' + b"ab" * 400 + b'"}'
    w.submit(Batch(events=[(0, 0.0, "x", b'{"a":1}', b"h" * 32), (1, 1.0, "y", big, b"i" * 32)], end_t="1.0"))
    w.submit(Batch(events=[(2, 2.0, "z", b"{}", b"j" * 32)], snaps=[(0.0, 2, "key", b'{"t":0}\n{}')], end_t="2.0"))
    w.wait()
    other = sqlite3.connect(tmp_path / "a.drill")  # what another process sees: committed rows only
    rows = other.execute("SELECT seq, type, data FROM events ORDER BY seq").fetchall()
    assert [r[:2] for r in rows] == [(0, "x"), (1, "y"), (2, "z")]
    assert rows[1][2][:1] == b"x" and unpack_payload(rows[1][2]) == big  # zlib'd: long and shrinks
    assert other.execute("SELECT value FROM meta WHERE key = 'end_t'").fetchone()[0] == "2.0"
    codec, = other.execute("SELECT codec FROM snapshots").fetchone()
    assert codec.endswith("-key")
    w.close()
    other.close()
    con.close()


@pytest.mark.parametrize("background", [True, False])
def test_a_write_error_is_raised_on_the_recorder_side(tmp_path, background):
    con = connect(tmp_path / "b.drill")
    con.executescript(SCHEMA)
    w = Writer(con, background=background)
    row = (0, 0.0, "x", b"{}", b"h" * 32)
    w.submit(Batch(events=[row]))
    with pytest.raises(sqlite3.IntegrityError):  # the same seq again: a primary-key violation
        w.submit(Batch(events=[row, (1, 1.0, "y", b"{}", b"i" * 32)]))
        w.wait()  # from the thread: raised here
    w.close()
    assert con.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1  # the failed batch rolled back
    con.close()
