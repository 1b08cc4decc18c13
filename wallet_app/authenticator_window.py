"""The kiosk's authenticator app: the customer's *second device*, in a window of its own.

It lists the accounts enrolled in this database with their current 6-digit codes and the
seconds left, re-reading every second, so a demo works without a phone. A real authenticator
app scanning the sign-up QR shows the same codes.

The demo gives it a short tile (the tour: ~140 px inside the frame), so an account is one row —
the big code, and beside it the account's name over the time left — and below COMPACT_BELOW_PX
the explaining banner steps aside (it stays in the tooltip): the code is never scrolled away.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QScrollArea, QVBoxLayout, QWidget

from shared.totp import STEP_SECONDS, totp_code
from ui_common.widgets import ElidedLabel, clear_layout
from wallet_app.screen_base import card, label

TICK_MS = 1000
COMPACT_BELOW_PX = 220     # a window shorter than this shows the codes only


class AuthenticatorWindow(QWidget):
    def __init__(self, core) -> None:
        super().__init__()
        self.core = core
        self.setWindowTitle(self.tr("Authenticator — the customer's second device"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        self.banner = label(self.tr("This window is the customer's phone authenticator app (a second device). "
                                    "Codes change every 30 seconds."), "muted")
        outer.addWidget(self.banner)
        self.list_holder = QWidget()
        self.rows = QVBoxLayout(self.list_holder)
        self.rows.setSpacing(8)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(self.list_holder)
        area.setToolTip(self.banner.text())
        outer.addWidget(area, 1)
        self.entries: list[tuple[str, str, QLabel, QProgressBar, QLabel]] = []
        self._accounts: list[tuple[str, str]] = []
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()
        self.resize(440, 560)

    def codes(self) -> dict[str, list[str]]:
        """e-mail → current codes shown (a re-enrolment in progress shows two)."""
        out: dict[str, list[str]] = {}
        for email, _secret, code_label, _bar, _name in self.entries:
            out.setdefault(email, []).append(code_label.text().replace(" ", ""))
        return out

    def refresh(self) -> None:
        accounts = self.core.identity.authenticator_accounts()
        if accounts != self._accounts:
            self._rebuild(accounts)
        now = self.core.now()
        left = STEP_SECONDS - (now % STEP_SECONDS)
        for _email, secret, code_label, bar, _name in self.entries:
            code = totp_code(secret, now)
            code_label.setText(f"{code[:3]} {code[3:]}")
            bar.setValue(int(left * 100 / STEP_SECONDS))
            bar.setFormat(self.tr("{s} s").format(s=int(left)))
            warn = left <= 5
            if bar.property("warning") != warn:
                bar.setProperty("warning", warn)
                bar.style().unpolish(bar)
                bar.style().polish(bar)

    def _rebuild(self, accounts: list[tuple[str, str]]) -> None:
        self._accounts = list(accounts)
        clear_layout(self.rows)
        self.entries = []
        seen: set[str] = set()
        for email, secret in accounts:
            frame, lay = card()
            lay.setContentsMargins(12, 6, 12, 6)
            row = QHBoxLayout()   # one row per account: the window's tile is short
            row.setSpacing(14)
            code = QLabel()
            code.setObjectName("authCode")
            code.setStyleSheet("font-size: 28pt; font-weight: 700; letter-spacing: 3px;")
            code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row.addWidget(code)
            side = QVBoxLayout()
            side.setSpacing(2)
            name = ElidedLabel(f"qrpay-sim: {email}")
            name.setProperty("role", "muted")
            if email in seen:
                name.setText(name.full_text() + "  " + self.tr("(new, being set up)"))
            seen.add(email)
            side.addWidget(name)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setTextVisible(True)
            side.addWidget(bar)
            row.addLayout(side, 1)
            lay.addLayout(row)
            self.rows.addWidget(frame)
            self.entries.append((email, secret, code, bar, name))
        if not accounts:
            self.rows.addWidget(label(self.tr("No accounts yet. Create one in the wallet.")))
        self.rows.addStretch(1)

    def resizeEvent(self, event) -> None:  # noqa: N802
        self.banner.setVisible(self.height() >= COMPACT_BELOW_PX)
        super().resizeEvent(event)

    def shutdown(self) -> None:
        self.timer.stop()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        self.timer.start()
        self.refresh()
        super().showEvent(event)
