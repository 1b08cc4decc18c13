"""The apps' server connection state (ui_common/connection_status.py, `--server` mode): a call that cannot
reach the server, made from a background thread as the windows make them, turns the status bar into the
red "unreachable" banner; it pings until the server answers, then shows the server and world again."""
from __future__ import annotations

import http.server
import threading

import pytest
from PySide6.QtWidgets import QMainWindow

from shared.remote import RemoteCore, ServerUnreachable
from tests.remote_server import free_port
from ui_common import connection_status
from ui_common.connection_status import ConnectionStatus


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_lost_then_back(qtbot, monkeypatch):
    monkeypatch.setattr(connection_status, "RETRY_MS", 50)
    port = free_port()
    core = RemoteCore(f"http://127.0.0.1:{port}", world="room-3")
    window = QMainWindow()
    qtbot.addWidget(window)
    status = ConnectionStatus(window, core)
    assert status.connected and "127.0.0.1" in status.label.full_text() and "room-3" in status.label.full_text()

    failed = []

    def call():   # a window's background task
        try:
            core.catalog.items()
        except ServerUnreachable as e:
            failed.append(e.code)
    t = threading.Thread(target=call)
    t.start()
    t.join()
    assert failed == ["server_unreachable"]
    qtbot.waitUntil(lambda: not status.connected, timeout=5000)
    assert "unreachable" in status.label.full_text()
    assert status._retry.isActive()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        qtbot.waitUntil(lambda: status.connected, timeout=10000)   # the ping got through
        assert not status._retry.isActive() and "room-3" in status.label.full_text()
    finally:
        server.shutdown()
        server.server_close()
        core.close()


def test_japanese_status_texts_exist():
    from pathlib import Path
    ts = (Path(__file__).resolve().parents[1] / "ui_common/i18n/ui_common_ja.ts").read_text(encoding="utf-8")
    for source in ("World {world} · server {server}", "Server unreachable, retrying… ({server})"):
        assert f"<source>{source}</source>" in ts


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_world_name_stays_readable_in_a_phone_wide_window(qtbot, lang):
    """The wallet is phone-wide: the status line is elided from the right, so the world comes first and its
    name is shown whole, in either language (the server's address is what gets cut)."""
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication
    from ui_common.app import install_translator
    app = QApplication.instance()
    before = set(app.findChildren(QTranslator))
    if lang == "ja":
        install_translator(app, "wallet_app", "ja")
    try:
        core = RemoteCore("http://qrpay-classroom-server.example.invalid:8765", world="team-a")
        window = QMainWindow()
        qtbot.addWidget(window)
        status = ConnectionStatus(window, core)
        window.resize(390, 700)
        window.show()
        qtbot.waitExposed(window)
        status.label._elide()
        shown = status.label.text()
        assert "team-a" in shown and shown != status.label.full_text(), shown     # cut, but not the world
        assert ("ワールド" in shown) == (lang == "ja")
        core.close()
    finally:
        for t in set(app.findChildren(QTranslator)) - before:
            app.removeTranslator(t)
