"""Under `qrpay serve --tls` the session cookie is Secure (never sent over plain HTTP), seen by Chromium."""
from __future__ import annotations

import os

from tests.remote_server import ROOT, free_port
from tests.service_support import start_server
from tests.web.browser import PHONE


def test_the_session_cookie_is_secure_under_tls(browser, tmp_path):
    port = free_port()
    env = {**os.environ, "QRPAY_ADMIN_TOKEN": "", "PYTHONPATH": str(ROOT), "QRPAY_CONFIG_DIR": str(tmp_path / "cfg")}
    p, _ = start_server(tmp_path / "tls.sqlite3", port, env, "--tls")
    try:
        context = browser.new_context(**PHONE, ignore_https_errors=True)   # the server's own self-signed certificate
        try:
            page = context.new_page()
            r = page.goto(f"https://127.0.0.1:{port}/wallet/signin")
            assert r.status == 200
            cookie = {c["name"]: c for c in context.cookies()}["qrpay_wallet"]
            assert cookie["secure"] is True and cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
        finally:
            context.close()
    finally:
        p.kill()
        p.wait(10)
