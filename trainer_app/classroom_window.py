"""The classroom: every world of a `qrpay serve` server on one screen, for the trainer of a training room.

    room = ClassroomWindow(remote_core)      # a RemoteCore with the admin token; polls every REFRESH_MS
    room.refresh()                           # ask now (off the GUI thread; tests wait for it)

One row per world: its challenges solved (n of 8), its alerts and the newest, its last activity, its policy
(hardened / 2019 / custom with N defences off) and "Reset world…" (asks first). "New world" takes a name and
shows the join command (`--server URL --world NAME`) large enough to put on the projector. The server
decides everything (GET /worlds, GET /worlds/{name}/summary); this window only shows it.
`python -m trainer_app --server URL --classroom` opens it alone; the trainer has a button for it in
server mode.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (QFrame, QGridLayout, QLabel, QLineEdit, QMainWindow, QPushButton, QWidget)

from shared.clock import jst_text
from shared.errors import NotFound, QrpayError
from ui_common import app as ui_app
from ui_common import theme
from ui_common.audit_event_texts import describe_event
from ui_common.background_poller import BackgroundPoller
from ui_common.dialogs import ask_yes_no
from ui_common.tasks import run_in_background
from ui_common.widgets import Banner, column_scroll, titled_page

log = logging.getLogger(__name__)

REFRESH_MS = 3000
PER_WORLD_MS = 250      # a refresh is 1 + one request per world; the server allows 600 a minute per address


def fetch_summaries(client) -> list[dict]:
    """Every world's summary, in the server's order (runs off the GUI thread). A world deleted between
    the list and its summary is left out."""
    out = []
    for w in client.worlds():
        try:
            out.append(client.world_summary(w["name"]))
        except NotFound:
            continue
    return out


def refresh_interval_ms(worlds: int, base_ms: int = REFRESH_MS) -> int:
    """Every few seconds, slower with many worlds: 30 worlds ask 31 times per 7.5 s (~250 a minute), well
    under the server's 600 a minute per client address, which the trainer's own window shares."""
    return max(base_ms, worlds * PER_WORLD_MS)


class WorldRow:
    """The widgets of one world's row in the grid."""

    def __init__(self, window: "ClassroomWindow", name: str) -> None:
        self.name = name
        self.world = QLabel(name)
        self.world.setTextFormat(Qt.TextFormat.RichText)     # a world's name is [a-z0-9_-]: nothing to escape
        self.world.setObjectName(f"world_{name}")
        self.world.setStyleSheet(f"font-size: {theme.BODY_PT + 2}pt; font-weight: 700;")
        self.solved = QLabel()
        self.solved.setObjectName(f"solved_{name}")
        self.alerts = QLabel()
        self.alerts.setObjectName(f"alerts_{name}")
        self.newest = QLabel()                    # the event in words, its time under it (never elided)
        self.newest.setObjectName(f"newest_{name}")
        self.activity = QLabel()
        self.activity.setObjectName(f"activity_{name}")
        self.policy = QLabel()
        self.policy.setObjectName(f"policy_{name}")
        self.reset = QPushButton(QCoreApplication.translate("ClassroomWindow", "Reset world…"))
        self.reset.setObjectName(f"reset_{name}")
        # no bold here: the button is sized for the regular face, and bold "Reset world…" was cut at both ends
        self.reset.setStyleSheet(f"QPushButton {{ color: {theme.DANGER}; border: 2px solid {theme.DANGER}; }}")
        self.reset.clicked.connect(lambda: window.ask_reset(name))
        self.data: dict[str, Any] | None = None

    def widgets(self) -> list[QWidget]:
        return [self.world, self.solved, self.alerts, self.newest, self.activity, self.policy, self.reset]

    def show(self, window: "ClassroomWindow", s: dict[str, Any]) -> None:
        self.data = s
        code = s.get("join_code")
        if code:      # the world's name, and under it the short code trainees type with --join
            self.world.setText(f'{self.name}<br><span style="font-family: monospace; font-size: {theme.BODY_PT + 4}pt;'
                               f' color: {theme.ACCENT};">{code[:3]}-{code[3:]}</span>')
            self.world.setToolTip(QCoreApplication.translate("ClassroomWindow", "Join code: --join {code}").format(
                code=f"{code[:3]}-{code[3:]}"))
        self.solved.setText(QCoreApplication.translate("ClassroomWindow", "{solved} of {total}").format(
            solved=s["solved"], total=s["total"]))
        self.solved.setStyleSheet(f"color: {theme.OK}; font-weight: 700;" if s["solved"] else "")
        n = s["alerts"]
        self.alerts.setText(("⚠ " + str(n)) if n else "–")
        self.alerts.setStyleSheet(f"color: {theme.DANGER}; font-weight: 700;" if n else f"color: {theme.MUTED};")
        if s["newest_alert"]:
            at = jst_text(s["newest_alert_at"], seconds=True)[11:]
            self.newest.setText(f'{describe_event(s["newest_alert"])}\n{at}')
        else:
            self.newest.setText(QCoreApplication.translate("ClassroomWindow", "none"))
        last = s["last_activity"]
        if last is not None:
            self.activity.setText(f'{jst_text(last, seconds=True)[11:]}\n{window.ago(s["now"] - last)}')
        else:
            self.activity.setText(QCoreApplication.translate("ClassroomWindow", "nothing yet"))
        preset, off = s["preset"], s["off"]
        if preset == "2019":
            self.policy.setText("⚠ " + QCoreApplication.translate("ClassroomWindow", "2019 (insecure)"))
            self.policy.setStyleSheet(f"color: white; background: {theme.WARNING}; font-weight: 700;"
                                      " padding: 2px 8px; border-radius: 6px;")
        elif preset == "hardened" and not off:
            self.policy.setText("✓ " + QCoreApplication.translate("ClassroomWindow", "hardened"))
            self.policy.setStyleSheet(f"color: {theme.OK}; font-weight: 700;")
        else:
            self.policy.setText("⚠ " + QCoreApplication.translate("ClassroomWindow", "custom, {n} off").format(
                n=len(off)))
            self.policy.setStyleSheet(f"color: {theme.WARNING}; font-weight: 700;")
        self.policy.setToolTip(", ".join(off))


class ClassroomWindow(QMainWindow):
    """The worlds of a server, refreshed every REFRESH_MS off the GUI thread."""

    refreshed = Signal()            # a refresh arrived and the rows show it (tests wait for it)

    def __init__(self, client, *, refresh_ms: int = REFRESH_MS,
                 confirm: Callable[[QWidget, str], bool] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self._confirm = confirm or ask_yes_no
        self.rows: dict[str, WorldRow] = {}
        self.setWindowTitle(self.tr("qrpay-sim — Classroom"))
        root, outer, head = titled_page(self.tr("Classroom"))
        self.count = QLabel()
        self.count.setObjectName("worldCount")
        self.count.setProperty("role", "muted")
        head.addWidget(self.count, 1)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("newWorldName")
        self.name_edit.setPlaceholderText("team-a")  # an example name, the same in every language
        self.name_edit.setMaxLength(32)
        self.name_edit.setMinimumWidth(180)
        self.name_edit.returnPressed.connect(self.create_world)
        head.addWidget(self.name_edit)
        self.new_button = QPushButton("+ " + self.tr("New world"))
        self.new_button.setObjectName("newWorldButton")
        self.new_button.setProperty("role", "primary")
        self.new_button.clicked.connect(self.create_world)
        head.addWidget(self.new_button)
        self.server = QLabel(self.tr("Server: {url}").format(url=client.url))
        self.server.setProperty("role", "muted")
        self.server.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.server)
        self.message = Banner()
        self.message.setObjectName("classroomMessage")
        outer.addWidget(self.message)
        self.join = QLabel()
        self.join.setObjectName("joinCommand")
        self.join.setWordWrap(True)
        self.join.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.join.setStyleSheet(f"background: {theme.SURFACE}; border: 2px solid {theme.ACCENT}; border-radius: 10px;"
                                f" padding: 10px 14px; font-size: {theme.BODY_PT + 6}pt; font-weight: 600;")
        self.join.hide()
        outer.addWidget(self.join)
        frame = QFrame()
        frame.setProperty("role", "card")
        self.grid = QGridLayout(frame)
        self.grid.setContentsMargins(12, 8, 12, 8)
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(6)
        heads = (self.tr("World\njoin code"), self.tr("Challenges solved"), self.tr("Alerts"), self.tr("Newest alert"),
                 self.tr("Last activity"), self.tr("Policy"), "")
        self.headers = []
        for col, text in enumerate(heads):
            h = QLabel(text)
            h.setStyleSheet(f"color: {theme.MUTED}; font-weight: 600;")
            self.grid.addWidget(h, 0, col)
            self.headers.append(h)
        self.grid.setColumnStretch(3, 1)
        self.empty = QLabel(self.tr("No worlds yet: make one with “New world”."))
        self.empty.setProperty("role", "muted")
        self.grid.addWidget(self.empty, 1, 0, 1, len(heads))
        self.grid.setRowStretch(1000, 1)
        outer.addWidget(column_scroll(frame), 1)
        self.setCentralWidget(root)
        self._base_ms = refresh_ms
        self.poller = BackgroundPoller(lambda: fetch_summaries(self.client), interval_ms=refresh_ms, parent=self)
        self.poller.arrived.connect(self._show)
        self.poller.failed.connect(self._failed)
        self.poller.recovered.connect(self.message.clear)
        self.refresh()
        if not ui_app.apply_window_geometry(self):
            self.resize(1366, 768)

    def ago(self, seconds: float) -> str:
        s = max(0, int(seconds))
        if s < 60:
            return self.tr("{n} s ago").format(n=s)
        if s < 3600:
            return self.tr("{n} min ago").format(n=s // 60)
        return self.tr("{n} h ago").format(n=s // 3600)

    def row(self, name: str) -> WorldRow:
        return self.rows[name]

    def join_command(self, name: str) -> str:
        return f"--server {self.client.url} --world {name}"

    # -- refreshing ---------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Ask the server for every world's summary, off the GUI thread (one request at a time; one in
        flight may have started before a reset: then once more after it)."""
        self.poller.poll()

    def _failed(self, e: QrpayError) -> None:
        self.message.show_state("danger", self.tr("The server did not answer: {reason}").format(reason=e.message))

    def _show(self, summaries: list[dict]) -> None:
        names = [s["name"] for s in summaries]
        if names != list(self.rows):
            for r in self.rows.values():
                for w in r.widgets():
                    self.grid.removeWidget(w)
                    w.deleteLater()
            self.rows = {}
            for i, name in enumerate(names, start=1):
                r = WorldRow(self, name)
                for col, w in enumerate(r.widgets()):
                    self.grid.addWidget(w, i, col, Qt.AlignmentFlag.AlignVCenter)
                self.rows[name] = r
        self.empty.setVisible(not names)
        for s in summaries:
            self.rows[s["name"]].show(self, s)
        self.poller.set_interval(refresh_interval_ms(len(names), self._base_ms))
        seconds = round(self.poller.interval_ms() / 1000)
        self.count.setText(self.tr("{n} worlds · refreshed every {s} s").format(n=len(names), s=max(1, seconds))
                           if seconds else self.tr("{n} worlds").format(n=len(names)))
        self.refreshed.emit()

    # -- actions ------------------------------------------------------------------------------
    @Slot()
    def create_world(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self.message.show_state("warning", self.tr("Type a name for the new world first (a-z, 0-9, - and _)."))
            self.name_edit.setFocus()
            return
        self.new_button.setEnabled(False)

        def done(_info: Any) -> None:
            self.new_button.setEnabled(True)
            self.name_edit.clear()
            self.message.show_state("ok", self.tr("World {name} is ready. Trainees join it with:").format(name=name))
            self.join.setText(self.join_command(name))
            self.join.show()
            self.refresh()

        def failed(e: QrpayError) -> None:
            self.new_button.setEnabled(True)
            self.message.show_state("danger", e.message)

        run_in_background(lambda: self.client.create_world(name), on_success=done, on_failure=failed)

    def ask_reset(self, name: str) -> None:
        if not self._confirm(self, self.tr("Reset the world {name}? Its customers, payments, alerts and solved "
                                           "challenges are erased; the other worlds are not touched.").format(
                                               name=name)):
            return
        row = self.rows.get(name)
        if row is not None:
            row.reset.setEnabled(False)

        def done(_info: Any) -> None:
            if row is not None:
                row.reset.setEnabled(True)
            self.message.show_state("info", self.tr("World {name} was reset.").format(name=name))
            self.refresh()

        def failed(e: QrpayError) -> None:
            if row is not None:
                row.reset.setEnabled(True)
            self.message.show_state("danger", e.message)

        run_in_background(lambda: self.client.reset_world(name), on_success=done, on_failure=failed)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """No request outlives the window: one in flight is waited for (the client closes after this)."""
        self.poller.stop()
