"""History: every payment, top-up and refund; a payment or refund opens its receipt."""
from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit

from shared.errors import QrpayError
from shared.wallet import EntryKind
from wallet_app.activity_list import ActivityList
from wallet_app.screen_base import PagedScreen, label, mono_font

LIMIT = 200


class HistoryScreen(PagedScreen):
    LIST, RECEIPT = range(2)

    def __init__(self, window) -> None:
        super().__init__(window, scroll=False, stretch=1)
        l = self.new_page()
        l.addWidget(label(self.tr("Choose a payment to see its receipt."), "muted"))
        self.entries = ActivityList(detailed=True)
        self.entries.itemActivated.connect(lambda item: self.open_row(self.entries.row(item)))
        self.entries.itemClicked.connect(lambda item: self.open_row(self.entries.row(item)))
        l.addWidget(self.entries, 1)
        self.receipt_view = QPlainTextEdit()
        self.receipt_view.setReadOnly(True)
        self.receipt_view.setFont(mono_font(10))  # a till receipt's ~40 columns on a phone's width
        self.receipt_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.pages.addWidget(self.receipt_view)

    def on_show(self) -> None:
        self.pages.setCurrentIndex(self.LIST)
        self.set_title(self.tr("History"))
        self.reload()
        self.entries.setFocus()

    def reload(self) -> None:
        self.for_customer(lambda s: self.entries.set_entries(self.core.wallet.history(s.customer_id, limit=LIMIT)))

    def on_data_changed(self) -> None:
        if self.page == self.LIST:
            self.reload()

    def go_back(self) -> None:
        if self.page == self.RECEIPT:
            self.pages.setCurrentIndex(self.LIST)
            self.set_title(self.tr("History"))
            self.entries.setFocus()
        else:
            self.window_.show_home()

    def open_row(self, row: int) -> None:
        entry = self.entries.entry_at(row)
        if entry is None:
            return
        if entry.kind not in (EntryKind.PAYMENT, EntryKind.REFUND):
            self.banner.show_state("info", self.tr("Only payments and refunds have receipts."))
            return
        self.show_receipt(entry.ref)

    def show_receipt(self, sale_id: str) -> None:
        self.banner.clear()
        try:
            from shared.receipts import render_text

            receipt = self.core.sales.receipt(sale_id)
        except QrpayError as exc:
            self.show_error(exc)
            return
        self.receipt_view.setPlainText(render_text(receipt))
        self.pages.setCurrentIndex(self.RECEIPT)
        self.set_title(self.tr("Receipt {no}").format(no=receipt.receipt_no))
