"""Home: the balance in the largest type, four round actions, and recent activity."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from shared.errors import QrpayError
from shared.money import format_yen
from ui_common import theme
from wallet_app.activity_list import ActivityList
from wallet_app.screen_base import Screen, button, card, label

RECENT = 5


class HomeScreen(Screen):
    def __init__(self, window) -> None:
        super().__init__(window, back=False, scroll=False)
        frame, lay = card()
        lay.addWidget(label(self.tr("Balance"), "muted"))
        self.balance = QLabel("¥0")
        self.balance.setObjectName("balance")
        self.balance.setStyleSheet(f"font-size: 44pt; font-weight: 700; color: {theme.TEXT};")
        lay.addWidget(self.balance)
        self.body.addWidget(frame)

        actions = QGridLayout()
        actions.setHorizontalSpacing(8)
        self.pay_button = self._action(actions, 0, "▦", self.tr("Pay"), window.show_pay, primary=True)
        self.topup_button = self._action(actions, 1, "＋", self.tr("Top up"), window.show_topup)
        self.history_button = self._action(actions, 2, "☰", self.tr("History"), window.show_history)
        self.security_button = self._action(actions, 3, "⚙", self.tr("Security"), window.show_security)
        self.body.addLayout(actions)

        self.body.addWidget(label(self.tr("Recent activity"), "title"))
        self.recent = ActivityList()
        self.recent.setMinimumHeight(96)
        self.body.addWidget(self.recent, 1)
        self.sign_out_button = button(self.tr("Sign out"), None, window.sign_out)
        self.body.addWidget(self.sign_out_button, 0, Qt.AlignmentFlag.AlignRight)

    def _action(self, grid: QGridLayout, col: int, glyph: str, text: str, slot, primary: bool = False):
        holder = QWidget()
        v = QVBoxLayout(holder)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(4)
        b = button(glyph, "round", slot)
        b.setFixedSize(76, 76)  # a circle: the one place a fixed size is the design
        b.setAccessibleName(text)
        b.setToolTip(text)
        b.setStyleSheet("font-size: 22pt; border-radius: 38px;" + (
            f"background: {theme.ACCENT}; color: white; border: none;" if primary else ""))
        v.addWidget(b, 0, Qt.AlignmentFlag.AlignHCenter)
        cap = QLabel(text)
        cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cap.setWordWrap(True)
        v.addWidget(cap)
        grid.addWidget(holder, 0, col)
        return b

    def on_show(self) -> None:
        self.refresh()
        self.pay_button.setFocus()

    def refresh(self) -> None:
        s = self.window_.session
        if s is None:
            return
        self.set_title(self.tr("Hello, {name}").format(name=s.name))
        try:
            self.core.identity.session(s.token)  # a timed-out session goes back to sign-in
            self.balance.setText(format_yen(self.core.wallet.balance(s.customer_id)))
            self.recent.set_entries(self.core.wallet.history(s.customer_id, limit=RECENT))
        except QrpayError as exc:
            self.show_error(exc)

    def go_back(self) -> None:
        pass
