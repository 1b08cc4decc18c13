"""Faults at the HTTP layer, with real sockets and real processes: a client that stops halfway, a body over
the limit announced up front, "paid" reaching an open stream, and the server killed with SIGKILL mid-payment."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from shared.sales import Sale
from shared.service.codec import decode
from service_support import ADMIN_H, Shop, app_server, bearer, free_port, start_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def quick(tmp_path):
    """A server whose clients get 1 s between two chunks of a body, and whose streams re-read only every 60 s
    (so a stream that sees "paid" at once was woken by the payment, not by its own polling)."""
    with app_server(tmp_path, body_timeout=1.0, stream_poll=60.0) as srv:
        yield srv


def _raw(port: int, head: bytes, body: bytes = b"", *, shut: bool = False, wait: float = 5.0) -> bytes:
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(wait)
    s.sendall(head + body)
    if shut:
        s.shutdown(socket.SHUT_WR)
    out = b""
    try:
        while chunk := s.recv(65536):
            out += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out


def _head(path: str, length: int, token: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()


def test_a_client_that_stops_halfway(quick):
    with httpx.Client(base_url=quick.url, timeout=30) as c:
        shop = Shop(c)
        code = shop.issue(0)
        body = json.dumps({"sale_id": "half-1", "code": code["text"], "lines": [[shop.jan, 1]]}).encode()
        before = len(c.get("/worlds/default/audit", params={"limit": 5000}, headers=ADMIN_H).json())
        # stalls: half the body, then nothing (the connection stays open) -> 408 body_timeout
        reply = _raw(quick.port, _head("/worlds/default/till/sales", len(body), shop.shift), body[: len(body) // 2])
        assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
        assert b'"code":"body_timeout"' in reply
        # hangs up: half the body, then closes its side -> nothing runs, no 5xx
        reply = _raw(quick.port, _head("/worlds/default/till/sales", len(body), shop.shift), body[: len(body) // 2],
                     shut=True)
        assert not reply.startswith(b"HTTP/1.1 5"), reply[:200]
        # announces a body over the limit -> 413 before reading it
        reply = _raw(quick.port, _head("/worlds/default/till/sales", 10**8, shop.shift), b"{")
        assert reply.startswith(b"HTTP/1.1 413") and b"body_too_large" in reply
        # nothing was sold, the code is still good, and the server still serves
        assert c.get(shop.url(f"/me/codes/{code['nonce']}"), headers=bearer(shop.sign_in(0))).json()["state"] == "issued"
        assert len(c.get("/worlds/default/audit", params={"limit": 5000}, headers=ADMIN_H).json()) == before
        assert shop.pay(code["text"], "half-1").status_code == 200


def _listening(url: str, shop: Shop, code: dict, token: str) -> tuple[list[tuple[str, dict, float]], threading.Thread]:
    """A client listening to `code`'s event stream in a thread, once the stream has said "issued": the events
    (name, status, when seen) as they arrive, and the thread (it ends with the stream)."""
    events: list[tuple[str, dict, float]] = []
    opened = threading.Event()

    def listen():
        with httpx.Client(base_url=url, timeout=30) as s, s.stream(
                "GET", shop.url(f"/me/codes/{code['nonce']}/events"), headers=bearer(token)) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            name = None
            for line in r.iter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    events.append((name, json.loads(line[6:]), time.monotonic()))
                    opened.set()
    t = threading.Thread(target=listen, daemon=True)
    t.start()
    assert opened.wait(10) and events[0][1]["state"] == "issued"
    return events, t


def test_paid_reaches_an_open_stream_as_it_happens(quick):
    with httpx.Client(base_url=quick.url, timeout=30) as c:
        shop = Shop(c)
        code = shop.issue(0)
        events, t = _listening(quick.url, shop, code, shop.sign_in(0))
        paid_at = time.monotonic()
        assert shop.pay(code["text"], "live-1").status_code == 200
        t.join(20)
        assert not t.is_alive(), "the stream did not end after the payment"
        name, status, seen_at = events[-1]
        assert (name, status["state"], status["sale_id"]) == ("status", "paid", "live-1")
        assert seen_at - paid_at < 30       # the stream re-reads only every 60 s: the payment woke it


def test_paid_by_a_till_on_the_database_file_reaches_an_open_stream_at_once(quick, tmp_path):
    """`qrpay demo --phone`: the till pays on the database file itself, not through this server, so nothing
    bumps the stream; it sees another process's commit within a tick (streams re-read only every 60 s here),
    with the amount and the store's name the phone shows ("Paid ¥X at STORE")."""
    from shared.clock import FixedClock
    from shared.core import Core

    with httpx.Client(base_url=quick.url, timeout=30) as c:
        shop = Shop(c)
        code = shop.issue(0)
        events, t = _listening(quick.url, shop, code, shop.sign_in(0))
        till = Core.open(tmp_path / "default.sqlite3", clock=FixedClock(shop.now()))
        try:
            sale = till.sales.pay(terminal_id="T1", clerk_id=shop.clerk["id"], code=code["text"],
                                  lines=[(shop.jan, 2)], sale_id="file-till-1")
            store_name = till.sales.summary(sale.id).store_name
        finally:
            till.close()
        t.join(20)
        assert not t.is_alive(), "the stream did not see the till's payment (it re-reads only every 60 s)"
        name, status, _ = events[-1]
        assert (name, status["state"], status["sale_id"]) == ("status", "paid", "file-till-1")
        assert status["amount"] == sale.total == 2 * shop.price and status["store_name"] == store_name and store_name


# -- the real server process, killed mid-payment --------------------------------------------------------
def test_sigkill_mid_payment_loses_and_doubles_nothing(tmp_path):
    env = {**os.environ, "QRPAY_ADMIN_TOKEN": "", "PYTHONPATH": str(ROOT)}
    db, port = tmp_path / "shop.sqlite3", free_port()
    p, token = start_server(db, port, env)
    assert token and len(token) >= 32
    assert oct(os.stat(Path(os.environ["QRPAY_CONFIG_DIR"]) / "server-admin-token").st_mode & 0o777) == "0o600"
    url = f"http://127.0.0.1:{port}"
    admin = {"Authorization": f"Bearer {token}"}
    import service_support
    service_support.ADMIN_H.clear()
    service_support.ADMIN_H.update(admin)
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            # 2019's codes live a day and do not supersede each other: many payments in flight at once, and
            # none expires while the server is down (exactly-once is the sale id's promise under any policy)
            assert c.put("/worlds/default/policy", json={"preset": "2019"}, headers=admin).status_code == 200
            shop = Shop(c)
            codes = [(i % 3, shop.issue(i % 3, step_up=False)) for i in range(24)]
            balances = [shop.balance(i) for i in range(3)]
            results: dict[str, object] = {}
            first_done = threading.Event()

            def till(n: int, code: dict) -> None:
                try:
                    with httpx.Client(base_url=url, timeout=30) as t:
                        results[f"kill-{n}"] = shop_pay(t, shop, code["text"], f"kill-{n}").status_code
                        first_done.set()
                except httpx.HTTPError as e:
                    results[f"kill-{n}"] = type(e).__name__
            threads = [threading.Thread(target=till, args=(n, cd)) for n, (_, cd) in enumerate(codes)]
            for t in threads:
                t.start()
            assert first_done.wait(30)
            p.send_signal(signal.SIGKILL)       # the others are queued or inside pay()
            for t in threads:
                t.join(30)
        p.wait(10)
        assert 200 in results.values() and set(results.values()) != {200}, results   # killed mid-run
        p, token = start_server(db, port, env)
        admin = {"Authorization": f"Bearer {token}"}
        service_support.ADMIN_H.clear()
        service_support.ADMIN_H.update(admin)
        with httpx.Client(base_url=url, timeout=30) as c:
            shop.c = c
            shop.shift = shop.open_shift(key=c.post("/worlds/default/terminals/T1/key", headers=admin).json()["key"])
            sales = []
            for i, (_, code) in enumerate(codes):   # every till retries with its sale id: exactly once
                r = shop.pay(code["text"], f"kill-{i}")
                assert r.status_code == 200, (results, r.text)
                sales.append(decode(Sale, r.json()))
                again = shop.pay(code["text"], f"kill-{i}")
                assert decode(Sale, again.json()) == sales[-1]
            shop.sessions.clear()
            for i in range(3):
                paid = sum(s.total for s in sales if s.customer_id == shop.customer(i)["customer_id"])
                assert shop.balance(i) == balances[i] - paid
            verdict = c.get("/worlds/default/audit/verify", headers=admin).json()
            assert verdict["ok"], verdict
    finally:
        p.kill()
        p.wait(10)
        service_support.ADMIN_H.clear()
        service_support.ADMIN_H.update({"Authorization": f"Bearer {service_support.ADMIN}"})


def shop_pay(client, shop, text, sale_id):
    return client.post(shop.url("/till/sales"), headers=bearer(shop.shift),
                       json={"sale_id": sale_id, "code": text, "lines": [[shop.jan, 1]]})


def _pay_in_process(args: tuple[str, str, str, str, str]) -> tuple[int, str]:
    url, path, shift, body, _ = args
    r = httpx.post(url + path, headers={**bearer(shift), "Content-Type": "application/json"}, content=body, timeout=60)
    return r.status_code, r.text


def test_parallel_tills_in_separate_processes_charge_once(tmp_path):
    import multiprocessing
    with app_server(tmp_path) as srv, httpx.Client(base_url=srv.url, timeout=60) as c:
        shop = Shop(c)
        before = shop.balance(0)
        code = shop.issue(0)
        path = shop.url("/till/sales")
        # eight tills present the same code with eight sale ids: one sale, seven replays
        jobs = [(srv.url, path, shop.open_shift(), json.dumps(
            {"sale_id": f"race-{i}", "code": code["text"], "lines": [[shop.jan, 1]]}), str(i)) for i in range(8)]
        with multiprocessing.get_context("spawn").Pool(8) as pool:
            results = pool.map(_pay_in_process, jobs)
        statuses = sorted(s for s, _ in results)
        assert statuses == [200] + [409] * 7, results
        assert all(json.loads(t)["error"]["code"] == "replayed" for s, t in results if s == 409)
        assert shop.balance(0) == before - shop.price
        # one till's retry storm: the same sale id from eight processes at once is one sale
        code = shop.issue(0)
        body = json.dumps({"sale_id": "storm-1", "code": code["text"], "lines": [[shop.jan, 1]]})
        with multiprocessing.get_context("spawn").Pool(8) as pool:
            results = pool.map(_pay_in_process, [(srv.url, path, shop.shift, body, str(i)) for i in range(8)])
        assert [s for s, _ in results] == [200] * 8, results
        assert len({json.loads(t)["receipt_no"] for _, t in results}) == 1
        assert shop.balance(0) == before - 2 * shop.price


def test_an_open_stream_does_not_keep_a_stopping_server_alive(tmp_path):
    """A phone's Pay page holds a code-status stream open; SIGTERM (Ctrl+C, the demo's reset) still stops the
    server: what is open is ended after a short grace (without it, the server waited for the stream, which
    under 2019 settings lasts a day)."""
    import pyotp

    admin_token = "adm-" + "s" * 28
    env = {**os.environ, "QRPAY_ADMIN_TOKEN": admin_token, "PYTHONPATH": str(ROOT)}
    p, _ = start_server(tmp_path / "shop.sqlite3", (port := free_port()), env)
    url, admin = f"http://127.0.0.1:{port}/worlds/default", {"Authorization": f"Bearer {admin_token}"}
    ended = threading.Event()
    try:
        assert httpx.put(f"{url}/policy", json={"preset": "2019"}, headers=admin, timeout=30).status_code == 200
        customer = httpx.post(f"{url}/seed-demo", headers=admin, timeout=120).json()["customers"][0]
        now = httpx.get(f"{url}/clock", timeout=30).json()["now"]
        token = httpx.post(f"{url}/identity/sign-in", timeout=60, json={
            "email": customer["email"], "password": customer["password"],
            "totp": pyotp.TOTP(customer["totp_secret"]).at(now)}).json()["token"]
        code = httpx.post(f"{url}/me/codes", headers=bearer(token), json={}, timeout=30).json()
        opened = threading.Event()

        def listen():
            try:
                with httpx.stream("GET", f"{url}/me/codes/{code['nonce']}/events", headers=bearer(token),
                                  timeout=120) as r:
                    for line in r.iter_lines():
                        if line.startswith("data: "):
                            opened.set()
            except httpx.HTTPError:
                pass
            ended.set()
        threading.Thread(target=listen, daemon=True).start()
        assert opened.wait(20)
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            pytest.fail("the server did not stop while a stream was open")
        assert p.returncode in (0, -signal.SIGTERM) and ended.wait(10)     # uvicorn re-raises the signal it handled
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
