"""Supervisor area: the journal (the day's sales, reprint a receipt) and the X / Z reports.

Every figure is the core's (`core.sales.journal`, `core.reports`); the report shows on its face
whether it agrees with the ledger. A Z report closes the terminal's day, so it asks first.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from pos_app.messages import plain_error
from pos_app.receipt_view import ReceiptView, receipt_html, report_html, save_pdf
from ui_common.flow_layout import FlowLayout
from shared.errors import QrpayError
from shared.sales import EntryMethod
from shared.money import format_yen
from shared.clock import jst_text
from shared.receipts import business_date_of
from ui_common.dialogs import ask_yes_no
from ui_common.widgets import Banner


class _DayField(QLineEdit):
    def __init__(self, core) -> None:
        super().__init__(business_date_of(core.now()))
        self.setInputMask("9999-99-99")
        self.setMaximumWidth(190)


class JournalView(QWidget):
    refund_requested = Signal(str)   # receipt number

    def __init__(self, core, *, terminal_id: str, documents_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._terminal_id = terminal_id
        self._documents_dir = documents_dir
        self.day = _DayField(core)
        show = QPushButton(self.tr("Show"))
        show.clicked.connect(self.refresh)
        self.day.returnPressed.connect(self.refresh)
        self.banner = Banner()
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Receipt"), self.tr("Total"), self.tr("Items"),
                                              self.tr("Entry")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(44)   # touch-sized rows
        self.table.itemSelectionChanged.connect(self._selected)
        self.receipt = ReceiptView()
        self.save_button = QPushButton(self.tr("Reprint (Save PDF)"))
        self.save_button.clicked.connect(self.save)
        self.refund_button = QPushButton(self.tr("Refund…"))
        self.refund_button.setProperty("role", "supervisor")
        self.refund_button.clicked.connect(self._refund)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Business day")))
        top.addWidget(self.day)
        top.addWidget(show)
        top.addStretch(1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.receipt, 1)
        rb = QWidget()
        flow = FlowLayout(rb, align_right=True)
        flow.addWidget(self.refund_button)
        flow.addWidget(self.save_button)
        rl.addWidget(rb)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([560, 440])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        self._receipt_nos: list[str] = []
        self.current = None
        self._update_buttons()

    @Slot()
    def refresh(self) -> None:
        self.banner.clear()
        try:
            sales = self._core.sales.journal(self._terminal_id, self.day.text())
        except QrpayError as e:
            self.banner.show_state("danger", plain_error(e))
            sales = []
        self.table.setRowCount(len(sales))
        self._receipt_nos = [s.receipt_no for s in sales]
        for row, s in enumerate(sales):
            cells = [jst_text(s.at)[11:16], s.receipt_no, format_yen(s.total), str(sum(l.qty for l in s.lines)),
                     self._entry_text(s.entry_method)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if not sales:
            self.receipt.show_html("")
            self.current = None
        self._update_buttons()

    def _entry_text(self, method: EntryMethod) -> str:
        """How the customer's code came in, in words (the journal's last column)."""
        return {EntryMethod.CAMERA: self.tr("camera"), EntryMethod.SCREEN: self.tr("screen"),
                EntryMethod.KEYED: self.tr("keyed by hand")}.get(method, method.value)

    def select_receipt(self, receipt_no: str) -> None:
        if receipt_no in self._receipt_nos:
            self.table.selectRow(self._receipt_nos.index(receipt_no))

    @Slot()
    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        try:
            self.current = self._core.sales.receipt(self._receipt_nos[rows[0].row()])
        except QrpayError as e:
            self.banner.show_state("danger", plain_error(e))
            return
        self.receipt.show_receipt(self.current)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self.current is not None)
        self.refund_button.setEnabled(self.current is not None)

    @Slot()
    def save(self) -> None:
        if self.current is None:
            return
        path = save_pdf(receipt_html(self.current), self._documents_dir / f"receipt-{self.current.receipt_no}.pdf",
                        title=self.current.receipt_no)
        self.banner.show_state("ok", self.tr("Saved {path}").format(path=path))

    def _refund(self) -> None:
        if self.current is not None:
            self.refund_requested.emit(self.current.receipt_no)


class ReportsView(QWidget):
    def __init__(self, core, *, terminal_id: str, documents_dir: Path, shift_float: Callable[[], int | None],
                 confirm: Callable[[QWidget, str], bool] = ask_yes_no, ask: Callable[..., object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._ask = ask
        self._terminal_id = terminal_id
        self._documents_dir = documents_dir
        self._shift_float = shift_float
        self._confirm = confirm
        self.report = None
        self.day = _DayField(core)
        self.x_button = QPushButton(self.tr("X report (running)"))
        self.x_button.clicked.connect(self.show_x)
        self.z_button = QPushButton(self.tr("Z report (close the day)"))
        self.z_button.setProperty("role", "danger")
        self.z_button.clicked.connect(self.close_day)
        self.save_button = QPushButton(self.tr("Save PDF"))
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(False)
        self.banner = Banner()
        self.view = ReceiptView()
        # Two rows: the day, then the three actions; one row cut "X report (running)" beside the wallet.
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Business day")))
        top.addWidget(self.day)
        top.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.x_button)
        actions.addWidget(self.z_button)
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)

    def _store_name(self) -> str:
        try:
            s = self._core.catalog.store()
            return f"{s.name_ja} / {s.name_en}"
        except QrpayError:
            return ""

    def _html(self, rep) -> str:
        text = report_html(rep, store_name=self._store_name(), shift_float=self._shift_float())
        head = rep.audit_head
        if head:  # a Z report prints the audit log's head: the paper anchor `qrpay audit verify --against-z` checks
            text = text.replace("</body>", f"<p style='font-family: monospace; font-size: small'>監査ログ Audit log: "
                                           f"{int(rep.audit_rows)} rows<br>{head[:32]}<br>{head[32:]}</p></body>")
        return text

    def _show(self, rep) -> None:
        self.report = rep
        self.view.show_html(self._html(rep))
        self.save_button.setEnabled(True)

    @Slot()
    def show_x(self) -> None:
        self.banner.clear()
        try:
            self._show(self._core.reports.x_report(self._terminal_id, self.day.text()))
        except QrpayError as e:
            self.banner.show_state("danger", plain_error(e))

    @Slot()
    def close_day(self) -> None:
        self.banner.clear()
        day = self.day.text()
        try:
            if self._core.reports.is_closed(self._terminal_id, day):
                self._show(self._core.reports.z_report_get(self._terminal_id, day))
                self.banner.show_state("info", self.tr("This day is already closed; this is the stored Z report."))
                return
            if not self._confirm(self, self.tr("Close terminal {terminal} for {day}? No more sales or refunds can be "
                                               "booked on it for that day.").format(terminal=self._terminal_id, day=day)):
                return
            ask = self._ask
            if ask is None:
                from ui_common.supervisor_pin import SupervisorPinDialog
                ask = SupervisorPinDialog.ask
            approval = ask(self, action=self.tr("Close terminal {terminal} for {day} (Z report)").format(terminal=self._terminal_id,
                                                                                       day=day))
            if approval is None:
                return
            self._show(self._core.reports.z_report(self._terminal_id, day, supervisor_id=approval.supervisor_id,
                                                   pin=approval.pin))
            self.banner.show_state("ok", self.tr("Day closed."))
        except QrpayError as e:
            self.banner.show_state("danger", plain_error(e))

    @Slot()
    def save(self) -> None:
        rep = self.report
        if rep is None:
            return
        path = save_pdf(self._html(rep),
                        self._documents_dir / f"{rep.kind.value.lower()}-report-{rep.terminal_id}-{rep.business_date}.pdf",
                        title=f"{rep.kind.value} report")
        self.banner.show_state("ok", self.tr("Saved {path}").format(path=path))
