"""TLS on loopback: the certificate made on first use, pinned or given as a CA file; a wrong pin
never sends the join code; plain WebSocket to a TLS server gets nowhere."""

from __future__ import annotations

import asyncio
import logging
import stat

import pytest
from net_support import ServerThread

from drillsim.net.client import JoinError, SeatClient
from drillsim.net.tls import ensure_certificate, server_context


def test_tls_pinned_or_ca_file_wrong_pin_refused(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="drillsim.net")
    monkeypatch.setenv("DRILLSIM_DATA_DIR", str(tmp_path / "data"))
    ctx, cert, fp = server_context(["127.0.0.1"])
    key = cert.with_name("server-key.pem")
    assert cert.parent == tmp_path / "data" / "net" and key.exists()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    again = ensure_certificate(["127.0.0.1"])
    assert again[2] is False  # made once, reused after
    assert len(fp.split(":")) == 32
    with ServerThread(tmp_path, until=5000, speed=1, ssl_context=ctx) as s:
        assert s.url.startswith("wss://")

        async def order(client: SeatClient) -> dict:
            await client.join()
            reader = asyncio.create_task(client.run())
            seq = await client.order("set_response_level", level="IV" if not client.acks else "III")
            await client.wait_acked([seq], timeout=5)
            await client.close()
            await reader
            return client.acks[seq]

        async def main():
            out = {"pinned": await order(SeatClient(s.url, s.code("county_hq"), fingerprint=fp.lower()))}
            out["cafile"] = await order(SeatClient(s.url.replace("127.0.0.1", "localhost"), s.code("town_w"),
                                                   cafile=str(cert)))
            wrong = "AB:" * 31 + "AB"
            with pytest.raises(JoinError) as e:
                await SeatClient(s.url, s.code("town_e"), fingerprint=wrong).join()
            out["wrong_pin"] = e.value.code
            with pytest.raises(Exception):  # noqa: B017 - plain ws:// to a TLS port: handshake fails
                await SeatClient(s.url.replace("wss://", "ws://"), s.code("town_e")).join()
            return out

        out = asyncio.run(main())
        s.stop()
    assert out["pinned"]["accepted"] is True and out["cafile"]["type"] == "ack"
    assert out["wrong_pin"] == "pin"
    assert "joined: county_hq" in caplog.text and "joined: town_w" in caplog.text
    assert "joined: town_e" not in caplog.text  # the code never left the client
