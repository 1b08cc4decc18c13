"""Supervisor area: security alerts from the audit log (replayed and forged codes, lockouts,
credential-stuffing and velocity alerts), newest first, and "Freeze wallet" for the customer an
alert names (`core.wallet.freeze`, with the supervisor's PIN and a reason).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from pos_app.messages import plain_error
from ui_common.supervisor_pin import SupervisorPinDialog
from shared.audit import AuditRow
from shared.errors import QrpayError
from shared.clock import jst_text
from ui_common.tasks import run_in_background
from ui_common.audit_event_texts import describe, details_text
from ui_common.widgets import Banner

class AlertsPanel(QWidget):
    def __init__(self, core, *, ask: Callable[..., object] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._ask = ask or SupervisorPinDialog.ask
        self.rows: list[AuditRow] = []
        self.banner = Banner()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Time (JST)"), self.tr("What happened"), self.tr("Customer"),
                                              self.tr("Details")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setMinimumSectionSize(44)                           # touch-sized rows,
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)   # taller where the details wrap
        self.table.setWordWrap(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.freeze_button = QPushButton(self.tr("Freeze wallet"))
        self.freeze_button.setProperty("role", "danger")
        self.freeze_button.clicked.connect(self.freeze_selected)
        self.count = QLabel()
        self.count.setProperty("role", "muted")
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(refresh)
        buttons.addWidget(self.freeze_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    @Slot()
    def refresh(self) -> None:
        self.rows = self._core.alerts()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            details = details_text(row.details)
            cells = [jst_text(row.at), describe(row), "" if row.customer_id is None else f"#{row.customer_id}", details]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(details_text(row.details, separator="\n") if c == 3 else text)
                self.table.setItem(r, c, item)
        self.count.setText(self.tr("1 alert") if len(self.rows) == 1 else self.tr("{n} alerts").format(n=len(self.rows)))
        self._update_buttons()

    def selected(self) -> AuditRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    @Slot()
    def _update_buttons(self) -> None:
        row = self.selected()
        self.freeze_button.setEnabled(row is not None and row.customer_id is not None)

    @Slot()
    def freeze_selected(self) -> None:
        row = self.selected()
        if row is None or row.customer_id is None:
            return
        customer_id = row.customer_id
        approval = self._ask(self, action=self.tr("Freeze the wallet of customer #{customer}: payments and top-ups stop, "
                                                  "and the customer is told.").format(customer=customer_id),
                             ask_reason=True)
        if approval is None:
            return
        reason = approval.reason or describe(row)
        core = self._core
        self.freeze_button.setEnabled(False)
        run_in_background(lambda: core.wallet.freeze(customer_id, supervisor_id=approval.supervisor_id,
                                                     pin=approval.pin, reason=reason[:200]),
                          on_success=lambda _: self._frozen(customer_id), on_failure=self._failed)

    def _frozen(self, customer_id: int) -> None:
        self.banner.show_state("ok", self.tr("Wallet of customer #{customer} frozen.").format(customer=customer_id))
        self.refresh()

    def _failed(self, error: QrpayError) -> None:
        self.banner.show_state("danger", plain_error(error))
        self._update_buttons()
