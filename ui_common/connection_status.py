"""The server connection, shown in a window's status bar (`--server` mode only).

    status = ConnectionStatus(window, core)   # core: a shared.remote.RemoteCore

The bar says where the app is connected ("World NAME · server URL") and turns into a red
"Server unreachable: retrying…" banner as soon as a call fails to reach the server; while it is red
it pings the server every RETRY_MS, and turns back once a call (its own or the window's) gets
through. The transport reports from whatever thread made the call (a background task), so the state
crosses to the GUI thread through a queued signal.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from shared.errors import QrpayError
from ui_common import theme
from ui_common.widgets import ElidedLabel

RETRY_MS = 2000


class ConnectionStatus(QObject):
    state_changed = Signal(bool)    # True: reached the server; False: unreachable

    def __init__(self, window: QMainWindow, core) -> None:
        super().__init__(window)
        self._core = core
        self.label = ElidedLabel("", window)    # one line in the phone's width too (full text in the tooltip)
        self.label.setObjectName("connection_status")
        window.statusBar().addWidget(self.label, 1)
        window.statusBar().setSizeGripEnabled(False)
        self.connected = True
        self._retry = QTimer(self, interval=RETRY_MS)
        self._retry.timeout.connect(self._ping)
        self.state_changed.connect(self._show)
        core.transport.on_state(self.state_changed.emit)   # emitted from any thread: queued to ours
        self._show(core.transport.connected is not False)

    def _server(self) -> str:
        return self._core.url.split("://", 1)[-1]

    def _where(self) -> str:
        # the world first: in the phone-wide wallet the line is elided from the right, and the world is what a
        # trainee checks ("am I in team-a?"); the server's address is in the tooltip when cut
        return self.tr("World {world} · server {server}").format(server=self._server(), world=self._core.world)

    def _show(self, connected: bool) -> None:
        self.connected = connected
        if connected:
            self._retry.stop()
            self.label.setText("✓ " + self._where())
            self.label.setStyleSheet(f"color: {theme.OK}; font-weight: 600; padding: 2px 8px;")
        else:
            self.label.setText("✕ " + self.tr("Server unreachable, retrying… ({server})").format(server=self._server()))
            self.label.setStyleSheet(theme.banner_style("danger").replace("padding: 12px 16px", "padding: 4px 10px"))
            if not self._retry.isActive():
                self._retry.start()

    def _ping(self) -> None:
        try:
            self._core.ping()
        except QrpayError:
            pass   # still unreachable: the transport keeps the state; the timer tries again

    def stop(self) -> None:
        self._retry.stop()
