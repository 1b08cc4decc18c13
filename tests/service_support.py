"""Helpers for the service tests (not a test module): an app on a folder of worlds with fixed clocks, and a
shop in a world (the demo seeded, terminal T1 keyed, a clerk's shift, customers signed in)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from shared import totp
from shared.clock import FixedClock
from shared.service.app import Limits, create_app
from shared.service.worlds import SqliteWorldStore

T0 = 1_795_600_000.0
ADMIN = "admin-token-for-tests-0123456789"
ADMIN_H = {"Authorization": f"Bearer {ADMIN}"}
ROOT = Path(__file__).resolve().parents[1]


def make_app(tmp_path, **kw):
    store = SqliteWorldStore(tmp_path / "worlds", default_file=tmp_path / "default.sqlite3",
                             clock_factory=lambda: FixedClock(T0))
    kw.setdefault("limits", Limits(per_address=100_000, per_account=100_000))
    return create_app(store, ADMIN, **kw), store


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Shop:
    """A seeded world driven only through HTTP (`client` is an httpx.Client or a TestClient)."""

    def __init__(self, client, world: str = "default", *, create: bool = False) -> None:
        self.c, self.w = client, world
        if create:
            assert client.post("/worlds", json={"name": world}, headers=ADMIN_H).status_code == 201
        r = client.post(f"/worlds/{world}/seed-demo", headers=ADMIN_H)
        assert r.status_code == 200, r.text
        self.demo = r.json()
        r = client.post(f"/worlds/{world}/terminals/T1/key", headers=ADMIN_H)
        assert r.status_code == 200, r.text
        self.terminal_key = r.json()["key"]
        self.clerk = next(s for s in self.demo["staff"] if s["role"] == "clerk")
        self.supervisor = next(s for s in self.demo["staff"] if s["role"] == "supervisor")
        self.shift = self.open_shift()
        self.sessions: dict[int, str] = {}
        self.jan = self.demo["items"][0]["jan"]
        self.price = self.demo["items"][0]["price"]

    def url(self, path: str) -> str:
        return f"/worlds/{self.w}{path}"

    def open_shift(self, terminal="T1", key=None, pin=None) -> str:
        r = self.c.post(self.url("/shifts"), headers={"X-Terminal-Key": key or self.terminal_key},
                        json={"terminal_id": terminal, "clerk_id": self.clerk["id"], "pin": pin or self.clerk["pin"]})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def advance(self, seconds: float = 31) -> None:
        r = self.c.post(self.url("/clock/advance"), json={"seconds": seconds}, headers=ADMIN_H)
        assert r.status_code == 200, r.text

    def now(self) -> float:
        return self.c.get(self.url("/clock")).json()["now"]

    def customer(self, i: int) -> dict:
        return self.demo["customers"][i]

    def sign_in(self, i: int = 0) -> str:
        if i not in self.sessions:
            cu = self.customer(i)
            self.advance()
            r = self.c.post(self.url("/identity/sign-in"), json={
                "email": cu["email"], "password": cu["password"], "totp": totp.totp_code(cu["totp_secret"], self.now())})
            assert r.status_code == 200, r.text
            self.sessions[i] = r.json()["token"]
        return self.sessions[i]

    def issue(self, i: int = 0, *, step_up: bool = True) -> dict:
        """A fresh code; `step_up=False` relies on the sign-in's recent second factor (no clock move)."""
        token = self.sign_in(i)
        body = {}
        if step_up:
            self.advance()
            body = {"totp": totp.totp_code(self.customer(i)["totp_secret"], self.now())}
        r = self.c.post(self.url("/me/codes"), headers=bearer(token), json=body)
        assert r.status_code == 201, r.text
        return r.json()

    def pay(self, code_text: str, sale_id: str, qty: int = 1, shift: str | None = None):
        return self.c.post(self.url("/till/sales"), headers=bearer(shift or self.shift),
                           json={"sale_id": sale_id, "code": code_text, "lines": [[self.jan, qty]]})

    def balance(self, i: int = 0) -> int:
        r = self.c.get(self.url("/me/balance"), headers=bearer(self.sign_in(i)))
        assert r.status_code == 200, r.text
        return r.json()["balance"]


class ServerThread:
    """The app served by a real uvicorn on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, app) -> None:
        import socket
        import threading

        import uvicorn
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "ServerThread":
        import time
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                return self
            time.sleep(0.01)
        raise RuntimeError("the server did not start")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@contextmanager
def app_server(tmp_path, **kw) -> Iterator[ServerThread]:
    """`make_app(tmp_path, **kw)` served by a ServerThread; its worlds are closed after."""
    app, store = make_app(tmp_path, **kw)
    try:
        with ServerThread(app) as srv:
            yield srv
    finally:
        store.close()


def start_server(db, port: int, env: dict, *extra: str):
    """`qrpay --db DB serve` as its own process: (process, admin token) once it answers (`extra`: more options;
    with --tls the health check trusts the printed certificate)."""
    import subprocess, sys, time
    import httpx
    p = subprocess.Popen([sys.executable, "-m", "shared.cli.main", "--db", str(db), "serve", "--port", str(port),
                          "--limit-address", "0", "--limit-account", "0", *extra],
                         cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    token, verify, scheme = None, True, "http"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = p.stdout.readline()
        if line.startswith("admin token: "):
            token = line.split(": ", 1)[1].strip()
        if line.startswith("tls certificate: "):
            import ssl
            verify, scheme = ssl.create_default_context(cafile=line.split(": ", 1)[1].split(" (")[0]), "https"
        if line.startswith("serving "):
            break
        if not line and p.poll() is not None:
            raise AssertionError(p.stderr.read())
    for _ in range(200):
        try:
            if httpx.get(f"{scheme}://127.0.0.1:{port}/health", verify=verify).status_code == 200:
                return p, token
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError("server did not answer")


def free_port() -> int:
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
