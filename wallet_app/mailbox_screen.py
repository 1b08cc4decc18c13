"""Mailbox: the customer's simulated e-mail inbox (notices, reset codes), newest first, each in the
app's language (the core writes notices in English and Japanese; older mail is English only)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPlainTextEdit, QSplitter

from ui_common.app import language
from wallet_app.activity_list import when_text
from wallet_app.screen_base import Screen, button, label


class MailboxScreen(Screen):
    def __init__(self, window) -> None:
        super().__init__(window, scroll=False)
        self.address: str | None = None
        self.back_to = None
        self.messages = []
        self.to_label = label("", "muted")
        self.body.addWidget(self.to_label)
        split = QSplitter(Qt.Orientation.Vertical)
        self.list = QListWidget()
        self.list.setStyleSheet("QListWidget::item { padding: 6px; }")
        self.list.setWordWrap(True)  # long subjects wrap on a phone instead of scrolling sideways
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self.open_row)
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        split.addWidget(self.list)
        split.addWidget(self.view)
        split.setSizes([260, 200])
        self.body.addWidget(split, 1)
        self.refresh_button = button(self.tr("Check for new mail"), None, self.refresh)
        self.body.addWidget(self.refresh_button)

    def set_address(self, address: str | None, *, back_to=None) -> None:
        self.address = address
        self.back_to = back_to if back_to is not self else self.back_to

    def on_show(self) -> None:
        self.set_title(self.tr("Mailbox"))
        self.refresh()
        self.list.setFocus()

    def refresh(self) -> None:
        self.list.clear()
        self.view.clear()
        if not self.address:
            self.to_label.setText(self.tr("Type your e-mail address on the sign-in or reset screen first."))
            self.messages = []
            return
        self.to_label.setText(self.tr("Inbox of {address}").format(address=self.address))
        self.messages = self.core.inbox(self.address)
        for m in self.messages:
            item = QListWidgetItem(f"{m.subject_in(language())}\n{when_text(m.sent_at)}")
            self.list.addItem(item)
        if not self.messages:
            self.view.setPlainText(self.tr("No messages."))
        else:
            self.list.setCurrentRow(0)

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.messages):
            m = self.messages[row]
            lang = language()
            self.view.setPlainText(f"{m.subject_in(lang)}\n{when_text(m.sent_at)} JST\n\n{m.body_in(lang)}")

    def tick(self) -> None:
        # mail arrives from the core at any time (a reset code, a payment notice): look every 5 s
        self._ticks = getattr(self, "_ticks", 0) + 1
        if self._ticks % 5 == 0 and self.address and len(self.core.inbox(self.address)) != len(self.messages):
            row = self.list.currentRow()
            self.refresh()
            self.list.setCurrentRow(0 if row <= 0 else row)

    def go_back(self) -> None:
        target = self.back_to
        if target is None or target is self:
            super().go_back()
        else:
            self.window_._show(target)
