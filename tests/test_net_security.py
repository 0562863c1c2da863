"""Hostile input on loopback: garbage bytes, huge frames, bad JSON, wrong schema, wrong code or
token, replayed and forged messages, floods and out-of-authority orders. Each is refused with a
reason (zh/en) and logged, and the drill keeps running for everyone else."""

from __future__ import annotations

import asyncio
import json
import logging
import socket

import pytest
from net_support import ServerThread
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from drillsim.net.client import JoinError, SeatClient
from drillsim.net.protocol import MAX_MESSAGE_BYTES
from drillsim.record.archive import Archive


async def _raw(url: str):
    return await connect(url, proxy=None, compression=None, max_size=None)


async def _reply(ws) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


async def _joined(url: str, code: str):
    ws = await _raw(url)
    await ws.send(json.dumps({"v": 1, "type": "hello", "code": code}))
    welcome = await _reply(ws)
    assert welcome["type"] == "welcome"
    while (await _reply(ws))["type"] != "view":
        pass
    return ws, welcome["token"]


async def _next_of(ws, kind: str) -> dict:
    while True:
        m = await _reply(ws)
        if m["type"] == kind:
            return m


def test_hostile_messages_are_refused_with_reasons_and_the_drill_goes_on(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="drillsim.net")
    with ServerThread(tmp_path, until=4000, speed=1, rate=5, burst=10) as s:
        url = s.url

        async def main():
            out = {}
            # 1. garbage bytes instead of an HTTP upgrade: the handshake fails, nothing else does
            r, w = await asyncio.open_connection("127.0.0.1", s.server.port)
            w.write(b"\x00\xff\x13garbage\r\n\r\n" * 50)
            await w.drain()
            out["garbage"] = await asyncio.wait_for(r.read(200), 5)
            w.close()
            # 2. a wrong join code: refused, connection closed, no token
            ws = await _raw(url)
            await ws.send(json.dumps({"v": 1, "type": "hello", "code": "x" * 22}))
            out["bad_code"] = await _reply(ws)
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)
            # 3. an order before joining
            ws = await _raw(url)
            await ws.send(json.dumps({"v": 1, "type": "order", "token": "t" * 20, "seq": 1, "op": "recall",
                                      "args": {"unit": "m1"}}))
            out["not_joined"] = await _reply(ws)
            # 4. the county seat: malformed and forged messages on a joined connection
            ws, token = await _joined(url, s.code("county_hq"))
            order = {"v": 1, "type": "order", "token": token, "seq": 1, "op": "set_response_level",
                     "args": {"level": "IV"}}
            await ws.send("{not json")
            out["bad_json"] = await _next_of(ws, "reject")
            await ws.send(b"\x00\x01binary")
            out["binary"] = await _next_of(ws, "reject")
            await ws.send(json.dumps({**order, "v": 99}))
            out["version"] = await _next_of(ws, "reject")
            await ws.send(json.dumps({**order, "op": "nuke_city"}))
            out["schema"] = await _next_of(ws, "reject")
            await ws.send(json.dumps({**order, "token": "A" * 32}))
            out["bad_token"] = await _next_of(ws, "reject")
            await ws.send(json.dumps({**order, "args": {"level": "IV", "by": "city_hq"}}))
            out["forged"] = await _next_of(ws, "reject")
            await ws.send(json.dumps({**order, "args": {"levle": "IV"}}))
            out["bad_args"] = await _next_of(ws, "reject")
            await ws.send(json.dumps({**order, "op": "dispatch", "args": {"unit": {"x": [1]}, "task": ["t"]}}))
            out["bad_types"] = await _next_of(ws, "reject")
            await ws.send(json.dumps({**order, "type": "director", "action": "pause", "op": None, "args": None}))
            out["director_schema"] = await _next_of(ws, "reject")
            await ws.send(json.dumps({"v": 1, "type": "director", "token": token, "seq": 1, "action": "pause"}))
            out["not_director"] = await _next_of(ws, "reject")
            await ws.send(json.dumps(order))
            out["ack"] = await _next_of(ws, "ack")
            await ws.send(json.dumps(order))  # the same message again: a replay
            out["replayed"] = await _next_of(ws, "reject")
            await ws.send(json.dumps({**order, "seq": 2, "op": "dispatch", "args": {"unit": "a1", "task": "i1/rescue"}}))
            out["authority"] = await _next_of(ws, "ack")  # recorded, refused by the drill: the army is the city's
            # 5. a flood: the rate limit refuses the excess, the rest still works
            for k in range(3, 40):
                await ws.send(json.dumps({**order, "seq": k, "args": {"level": "III"}}))
            got = [await _reply(ws) for _ in range(37)]
            got = [m for m in got if m["type"] in ("ack", "reject")]
            while len(got) < 37:
                m = await _reply(ws)
                if m["type"] in ("ack", "reject"):
                    got.append(m)
            out["flood"] = got
            # 6. an oversized frame closes only that connection (1009)
            big = await _raw(url)
            await big.send("x" * (MAX_MESSAGE_BYTES + 1000))
            with pytest.raises(ConnectionClosed) as e:
                await asyncio.wait_for(big.recv(), 5)
            out["big_close"] = e.value.rcvd.code if e.value.rcvd else None
            # 7. meanwhile another seat is served promptly
            t0 = asyncio.get_running_loop().time()
            c = SeatClient(url, s.code("town_w"))
            await c.join()
            reader = asyncio.create_task(c.run())
            seq = await c.order("open_shelter", shelter="sh1")
            await c.wait_acked([seq], timeout=5)
            out["other_seat_s"] = asyncio.get_running_loop().time() - t0
            out["other_ack"] = c.acks[seq]
            await c.close()
            await reader
            # 8. an evaluator may not order
            ev, etok = await _joined(url, s.code("evaluator"))
            await ev.send(json.dumps({**order, "token": etok, "seq": 1}))
            out["evaluator"] = await _next_of(ev, "reject")
            return out

        out = asyncio.run(main())
        alive = s.thread.is_alive()
        s.stop()
    assert alive, "the server must survive all of it"
    assert out["garbage"] == b"" or out["garbage"].startswith(b"HTTP/1.1 400")  # dropped, nothing else
    codes = {k: out[k]["code"] for k in ("bad_code", "not_joined", "bad_json", "binary", "version", "schema",
                                          "bad_token", "forged", "bad_args", "bad_types", "director_schema",
                                          "not_director", "replayed", "evaluator")}
    assert codes == {"bad_code": "bad_code", "not_joined": "not_joined", "bad_json": "bad_json", "binary": "binary",
                     "version": "version", "schema": "schema", "bad_token": "bad_token", "forged": "forged",
                     "bad_args": "bad_args", "bad_types": "bad_args", "director_schema": "schema", "not_director": "not_allowed",
                     "replayed": "replayed", "evaluator": "not_allowed"}
    for k in codes:  # every refusal says why, in Chinese and English
        assert out[k]["reason"]["zh"] and out[k]["reason"]["en"], k
    assert "did you mean 'level'" in out["bad_args"]["reason"]["en"]
    assert "unit must be a name" in out["bad_types"]["reason"]["en"]  # never handed to the engine
    assert "nuke_city" in out["schema"]["reason"]["en"] or "op" in out["schema"]["reason"]["en"]
    assert out["ack"]["accepted"] is True
    assert out["authority"]["accepted"] is False and "city_hq" in out["authority"]["reason"]["en"]
    flood = out["flood"]
    limited = [m for m in flood if m["type"] == "reject" and m["code"] == "rate"]
    acked = [m for m in flood if m["type"] == "ack"]
    assert limited and acked and len(limited) + len(acked) == 37
    assert out["big_close"] == 1009
    assert out["other_ack"]["accepted"] is True and out["other_seat_s"] < 5
    logged = caplog.text
    for code in ("bad_code", "bad_json", "forged", "replayed", "rate", "bad_token"):
        assert f"refused {code}" in logged, code
    # only what passed every check reached the archive
    with Archive.open(tmp_path / "net.drill") as arc:
        orders = [(i.data["by"], i.data["op"]) for i in arc.inputs() if i.kind == "order"]
    assert orders[:2] == [("county_hq", "set_response_level"), ("county_hq", "dispatch")]
    assert ("town_w", "open_shelter") in orders
    assert all(by in ("county_hq", "town_w") for by, _ in orders)
    assert len(orders) == 2 + len(acked) + 1


def test_wrong_code_with_the_client_is_an_error_not_a_crash(tmp_path):
    with ServerThread(tmp_path, until=4000, speed=1) as s:
        async def main():
            with pytest.raises(JoinError) as e:
                await SeatClient(s.url, "not-a-code").join()
            return e.value

        err = asyncio.run(main())
        assert err.code == "bad_code" and err.zh == "加入码无效"
        # a half-open connection that never says hello does not hold up anything either
        sock = socket.create_connection(("127.0.0.1", s.server.port))
        c = asyncio.run(_one_order(s.url, s.code("county_hq")))
        sock.close()
        assert c["accepted"] is True


async def _one_order(url: str, code: str) -> dict:
    c = SeatClient(url, code)
    await c.join()
    reader = asyncio.create_task(c.run())
    seq = await c.order("set_response_level", level="IV")
    await c.wait_acked([seq], timeout=5)
    await c.close()
    await reader
    return c.acks[seq]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_with_their_seq(number):
    """json.loads takes NaN/Infinity; a speed of NaN passed the schema's bounds (NaN compares false) and was ignored."""
    from drillsim.net.protocol import Refusal, parse_client

    token = "t" * 16
    raw = f'{{"v":1,"type":"director","token":"{token}","seq":1,"action":"speed","speed":{number}}}'
    with pytest.raises(Refusal) as e:
        parse_client(raw)
    assert e.value.code == "schema" and e.value.seq == 1 and "NaN" in e.value.en
    ok = parse_client(raw.replace(number, "2"))
    assert ok["speed"] == 2
