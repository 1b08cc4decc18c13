"""The supervisor area, visibly marked: refunds, the journal, X/Z reports and security alerts.

It is entered with a supervisor's number and PIN (checked by `core.staff.require_supervisor`);
money-moving actions inside ask for the PIN again, with the amount in the question.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from pos_app.elided_label import ElidedLabel

from pos_app.alerts_panel import AlertsPanel
from pos_app.refund_panel import RefundPanel
from pos_app.reports_view import JournalView, ReportsView
from ui_common.dialogs import ask_yes_no
from ui_common import theme


class SupervisorArea(QWidget):
    leave = Signal()

    def __init__(self, core, *, terminal_id: str, lang: str, documents_dir: Path,
                 shift_float: Callable[[], int | None], ask: Callable[..., object] | None = None,
                 confirm: Callable[[QWidget, str], bool] = ask_yes_no, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supervisorArea")
        self.title = ElidedLabel()
        self.title.setStyleSheet(f"color: white; background: {theme.SUPERVISOR}; padding: 8px 16px;"
                                 "border-radius: 10px; font-weight: 700;")
        back = QPushButton(self.tr("Leave supervisor area"))
        back.setProperty("role", "supervisor")
        back.clicked.connect(self.leave.emit)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(back)

        self.refunds = RefundPanel(core, lang=lang, ask=ask)
        self.journal = JournalView(core, terminal_id=terminal_id, documents_dir=documents_dir)
        self.reports = ReportsView(core, terminal_id=terminal_id, documents_dir=documents_dir,
                                   shift_float=shift_float, confirm=confirm, ask=ask)
        self.alerts = AlertsPanel(core, ask=ask)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.refunds, self.tr("Refunds"))
        self.tabs.addTab(self.journal, self.tr("Journal"))
        self.tabs.addTab(self.reports, self.tr("X / Z reports"))
        self.tabs.addTab(self.alerts, self.tr("Alerts"))
        self.journal.refund_requested.connect(self._refund_from_journal)
        self.refunds.refunded.connect(lambda _r: self.journal.refresh())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def enter(self, supervisor_name: str) -> None:
        self.title.setText("◆ " + self.tr("Supervisor area — {name}").format(name=supervisor_name))
        self.journal.refresh()
        self.alerts.refresh()

    def _refund_from_journal(self, receipt_no: str) -> None:
        self.refunds.load(receipt_no)
        self.tabs.setCurrentWidget(self.refunds)
