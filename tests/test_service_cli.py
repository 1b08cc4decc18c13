"""`qrpay serve`: loopback by default, no client time, the admin token's file, TLS, and no secret in its output."""
from __future__ import annotations

import os
import ssl
import stat
from pathlib import Path

import httpx
import pytest

from shared.cli.main import build_parser, main
from service_support import ROOT, free_port, start_server


def test_serve_binds_loopback_unless_told():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    assert build_parser().parse_args(["serve", "--host", "0.0.0.0"]).host == "0.0.0.0"


def test_serve_refuses_a_client_time(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "x.sqlite3"), "--now", "2026-01-01T00:00:00Z", "serve"]) == 1
    assert "client_time_refused" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "x.sqlite3"), "serve", "--database", "postgresql://x/y"]) == 1
    assert "not both" in capsys.readouterr().err                     # a file or a server, never both
    assert main(["serve", "--database", "mysql://x/y"]) == 1
    assert "bad_database_url" in capsys.readouterr().err


def test_tls_serves_https_with_its_own_certificate_and_logs_no_secret(tmp_path):
    port = free_port()
    env = {**os.environ, "QRPAY_ADMIN_TOKEN": "", "PYTHONPATH": str(ROOT)}
    p, token = start_server(tmp_path / "tls.sqlite3", port, env, "--tls")
    try:
        tls_dir = Path(os.environ["QRPAY_CONFIG_DIR"]) / "server-tls"
        cert = tls_dir / "cert.pem"
        assert stat.S_IMODE(os.stat(tls_dir / "key.pem").st_mode) == 0o600
        assert stat.S_IMODE(os.stat(Path(os.environ["QRPAY_CONFIG_DIR"]) / "server-admin-token").st_mode) == 0o600
        assert (Path(os.environ["QRPAY_CONFIG_DIR"]) / "server-admin-token").read_text().strip() == token
        h = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=ssl.create_default_context(cafile=str(cert))) as c:
            assert c.get("/worlds", headers=h).status_code == 200
            assert c.post("/worlds", json={"name": "t1"}, headers=h).status_code == 201
            assert c.get("/worlds/t1/policy", headers={"Authorization": "Bearer wrong-" + token}).status_code == 200
        with pytest.raises(httpx.HTTPError):       # a client that trusts only the system's CAs refuses it
            httpx.get(f"https://127.0.0.1:{port}/health", verify=ssl.create_default_context())
        with pytest.raises(httpx.HTTPError):       # no plain HTTP on the TLS port
            httpx.get(f"http://127.0.0.1:{port}/health")
    finally:
        p.kill()
        p.wait(10)
    out = p.stdout.read() + p.stderr.read()
    assert token not in out                        # printed once at start (read by start_server), never logged
