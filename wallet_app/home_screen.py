"""Home: the balance in the largest type, four round actions, and recent activity.

Balance and activity follow what the till does (WalletWindow polls the database's change
counter and calls on_data_changed), so a refund shows here without opening History."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from shared.money import format_yen
from shared.wallet import EntryKind
from ui_common import theme
from wallet_app.activity_list import ActivityList
from wallet_app.screen_base import Screen, button, card, label

RECENT = 8
ROUND = 60   # the round actions' diameter: four side by side fit a 300 px phone


class HomeScreen(Screen):
    def __init__(self, window) -> None:
        # scrolling: on a short phone nothing is squeezed; the activity list takes the height left
        super().__init__(window, back=False, scroll=True)
        frame, lay = card()
        lay.setSpacing(2)
        lay.setContentsMargins(14, 4, 14, 4)
        self.balance_caption = label(self.tr("Balance"), "muted")
        lay.addWidget(self.balance_caption)
        self.balance = QLabel("¥0")
        self.balance.setObjectName("balance")
        self.balance.setStyleSheet(f"font-size: {theme.AMOUNT_PT - 4}pt; font-weight: 700; color: {theme.TEXT};")
        lay.addWidget(self.balance)
        self.body.addWidget(frame)
        self.body.setSpacing(6)

        actions = QGridLayout()
        actions.setHorizontalSpacing(4)
        self.pay_button = self._action(actions, 0, "▦", self.tr("Pay"), window.show_pay, primary=True)
        self.topup_button = self._action(actions, 1, "＋", self.tr("Top up"), window.show_topup)
        self.history_button = self._action(actions, 2, "☰", self.tr("History"), window.show_history)
        self.security_button = self._action(actions, 3, "⚙", self.tr("Security"), window.show_security)
        self.body.addLayout(actions)

        head = QHBoxLayout()
        recent_title = label(self.tr("Recent activity"), wrap=False)
        recent_title.setStyleSheet("font-weight: 700;")
        head.addWidget(recent_title, 1)
        self.sign_out_button = button(self.tr("Sign out"), None, window.sign_out)
        self.sign_out_button.setFlat(True)
        self.sign_out_button.setStyleSheet("min-height: 36px;")  # a header link: the list gets the height
        self.sign_out_button.setProperty("role", "link")  # a quiet secondary action
        head.addWidget(self.sign_out_button)
        self.body.addLayout(head)
        self.recent = ActivityList()
        self.recent.setMinimumHeight(64)   # it takes all the height left: several rows
        self.recent.itemClicked.connect(lambda item: self._open_entry(self.recent.row(item)))
        self.body.addWidget(self.recent, 1)

    def _action(self, grid: QGridLayout, col: int, glyph: str, text: str, slot, primary: bool = False):
        holder = QWidget()
        v = QVBoxLayout(holder)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(4)
        b = button(glyph, "round", slot)
        b.setFixedSize(ROUND, ROUND)  # a circle: the one place a fixed size is the design
        b.setAccessibleName(text)
        b.setToolTip(text)
        b.setStyleSheet(f"font-size: 20pt; border-radius: {ROUND // 2}px; min-width: {ROUND}px; max-width: {ROUND}px;"
                        f"min-height: {ROUND}px; max-height: {ROUND}px; padding: 0;" + (
            f"background: {theme.ACCENT}; color: white; border: none;" if primary else ""))
        v.addWidget(b, 0, Qt.AlignmentFlag.AlignHCenter)
        cap = QLabel(text)
        cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cap.setWordWrap(False)
        cap.setStyleSheet(f"font-size: {theme.BODY_PT - 2}pt;")  # a caption under an icon, as phones do
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
        # no title row on Home: the phone's height goes to the activity list (the e-mail is on top)
        self.title.hide()
        self.balance_caption.setText(self.tr("{name}'s balance").format(name=s.name))
        self.for_customer(self._show_money)

    def _show_money(self, s) -> None:
        self.balance.setText(format_yen(self.core.wallet.balance(s.customer_id)))
        self.recent.set_entries(self.core.wallet.history(s.customer_id, limit=RECENT))

    def on_data_changed(self) -> None:
        self.refresh()

    def _open_entry(self, row: int) -> None:
        entry = self.recent.entry_at(row)
        if entry is not None and entry.kind in (EntryKind.PAYMENT, EntryKind.REFUND):
            self.window_.show_history().show_receipt(entry.ref)

    def go_back(self) -> None:
        pass
