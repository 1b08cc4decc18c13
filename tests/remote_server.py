"""A real `qrpay serve` in a subprocess, for the tests of the clients (shared/remote, the CLI's
--server, the apps): `with served(folder) as srv: srv.url, srv.token, srv.new_world()`.

The server is `qrpay serve --db FOLDER/default.sqlite3 --worlds FOLDER` with the rate limits off (the tests
drive hundreds of calls from one address) and the admin token given in $QRPAY_ADMIN_TOKEN; each test takes a world of its own (`new_world`), so one server serves a whole module."""
from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    folder: Path
    port: int
    token: str
    proc: subprocess.Popen | None = None
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "QRPAY_ADMIN_TOKEN": self.token, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "shared.cli.main", "serve", "--port", str(self.port),
               "--db", str(self.folder / "default.sqlite3"), "--worlds", str(self.folder),
               "--limit-address", "0", "--limit-account", "0"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT,
                                     env=env, stdout=subprocess.DEVNULL, stderr=open(self.folder / "server.log", "ab"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.folder / "server.log").read_text()
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def new_world(self) -> str:
        name = f"t{next(self._names)}-{secrets.token_hex(3)}"
        r = httpx.post(self.url + "/worlds", json={"name": name}, headers={"Authorization": f"Bearer {self.token}"},
                       timeout=30)
        assert r.status_code == 201, r.text
        return name


@contextlib.contextmanager
def served(folder: Path, *, port: int | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    srv = Served(folder, port or free_port(), "adm_" + secrets.token_urlsafe(24))
    srv.start()
    try:
        yield srv
    finally:
        srv.kill()
