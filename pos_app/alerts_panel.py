"""Supervisor area: security alerts from the audit log (replayed and forged codes, lockouts,
credential-stuffing and velocity alerts), newest first, and "Freeze wallet" for the customer an
alert names (`core.wallet.freeze`, with the supervisor's PIN and a reason).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Slot
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from pos_app.messages import plain_error
from ui_common.supervisor_pin import SupervisorPinDialog
from shared.audit import AuditRow
from shared.audit_events import AuditEvent
from shared.errors import QrpayError
from shared.clock import jst_text
from ui_common.tasks import run_in_background
from ui_common.widgets import Banner

_HIDDEN_DETAIL_KEYS = {"nonce", "key_id"}


# One description for every event the core can write (tests/test_typed_contracts_gui.py checks that
# each AuditEvent member is here and has finished Japanese in pos_app_ja.ts, context "Alerts").
EVENT_TEXTS: dict[AuditEvent, str] = {
    AuditEvent.CUSTOMER_REGISTERED: QT_TRANSLATE_NOOP("Alerts", "Customer account created"),
    AuditEvent.REGISTER_EXISTING_EMAIL: QT_TRANSLATE_NOOP("Alerts", "Sign-up tried with an address that has an account"),
    AuditEvent.TOTP_ENROLLED: QT_TRANSLATE_NOOP("Alerts", "Authenticator app set up"),
    AuditEvent.TOTP_ENROL_FAILED: QT_TRANSLATE_NOOP("Alerts", "Wrong code while setting up the authenticator"),
    AuditEvent.LOGIN_SUCCEEDED: QT_TRANSLATE_NOOP("Alerts", "Customer signed in"),
    AuditEvent.LOGIN_FAILED: QT_TRANSLATE_NOOP("Alerts", "Sign-in failed"),
    AuditEvent.LOGIN_SECOND_FACTOR_MISSING: QT_TRANSLATE_NOOP("Alerts", "Right password without the second factor"),
    AuditEvent.TOTP_REUSED: QT_TRANSLATE_NOOP("Alerts", "Authenticator code used twice"),
    AuditEvent.NEW_DEVICE: QT_TRANSLATE_NOOP("Alerts", "Sign-in from a new device"),
    AuditEvent.LOCKOUT: QT_TRANSLATE_NOOP("Alerts", "Customer account locked"),
    AuditEvent.STUFFING_ALERT: QT_TRANSLATE_NOOP("Alerts", "Credential-stuffing attack suspected"),
    AuditEvent.ACCOUNT_UNLOCKED: QT_TRANSLATE_NOOP("Alerts", "Customer account unlocked by a supervisor"),
    AuditEvent.SESSION_EXPIRED: QT_TRANSLATE_NOOP("Alerts", "Session expired"),
    AuditEvent.SESSION_REVOKED: QT_TRANSLATE_NOOP("Alerts", "Session signed out"),
    AuditEvent.STEP_UP: QT_TRANSLATE_NOOP("Alerts", "Identity confirmed with the second factor"),
    AuditEvent.STEP_UP_FAILED: QT_TRANSLATE_NOOP("Alerts", "Identity confirmation failed"),
    AuditEvent.EXTERNAL_ID_SIGNIN: QT_TRANSLATE_NOOP("Alerts", "Signed in with an SNS ID"),
    AuditEvent.EXTERNAL_ID_REFUSED: QT_TRANSLATE_NOOP("Alerts", "Sign-in with an SNS ID refused"),
    AuditEvent.EXTERNAL_ID_LINKED: QT_TRANSLATE_NOOP("Alerts", "SNS ID linked to the account"),
    AuditEvent.RESET_REQUESTED: QT_TRANSLATE_NOOP("Alerts", "Password reset requested"),
    AuditEvent.RESET_REDIRECT_ATTEMPT: QT_TRANSLATE_NOOP("Alerts", "Password reset to an address not on record attempted"),
    AuditEvent.RESET_RATE_LIMITED: QT_TRANSLATE_NOOP("Alerts", "Too many password reset requests"),
    AuditEvent.RESET_COMPLETED: QT_TRANSLATE_NOOP("Alerts", "Password reset completed"),
    AuditEvent.RESET_FAILED: QT_TRANSLATE_NOOP("Alerts", "Wrong password reset code"),
    AuditEvent.PASSWORD_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Password changed"),
    AuditEvent.EMAIL_CHANGED: QT_TRANSLATE_NOOP("Alerts", "E-mail address changed"),
    AuditEvent.TOTP_REENROL_STARTED: QT_TRANSLATE_NOOP("Alerts", "Authenticator change started"),
    AuditEvent.TOTP_REENROLLED: QT_TRANSLATE_NOOP("Alerts", "Authenticator app changed"),
    AuditEvent.RECOVERY_CODES_REGENERATED: QT_TRANSLATE_NOOP("Alerts", "New recovery codes issued"),
    AuditEvent.WALLET_FROZEN: QT_TRANSLATE_NOOP("Alerts", "Wallet frozen"),
    AuditEvent.WALLET_UNFROZEN: QT_TRANSLATE_NOOP("Alerts", "Wallet unfrozen"),
    AuditEvent.TOPUP: QT_TRANSLATE_NOOP("Alerts", "Wallet topped up"),
    AuditEvent.TOPUP_DECLINED: QT_TRANSLATE_NOOP("Alerts", "Top-up card declined"),
    AuditEvent.TOPUP_VELOCITY_ALERT: QT_TRANSLATE_NOOP("Alerts", "Too many top-ups in a short time"),
    AuditEvent.TOPUP_PASSWORD_SET: QT_TRANSLATE_NOOP("Alerts", "Top-up password set"),
    AuditEvent.TOPUP_PASSWORD_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Top-up password changed"),
    AuditEvent.TOPUP_PASSWORD_FAILED: QT_TRANSLATE_NOOP("Alerts", "Wrong top-up password"),
    AuditEvent.TOPUP_PASSWORD_LOCKED: QT_TRANSLATE_NOOP("Alerts", "Top-up password locked after wrong tries"),
    AuditEvent.IDEMPOTENCY_KEY_CONFLICT: QT_TRANSLATE_NOOP("Alerts", "Top-up retried with other details"),
    AuditEvent.PAYMENT: QT_TRANSLATE_NOOP("Alerts", "Payment"),
    AuditEvent.PAYMENT_VELOCITY_ALERT: QT_TRANSLATE_NOOP("Alerts", "Too many payments in a short time"),
    AuditEvent.SALE_ID_CONFLICT: QT_TRANSLATE_NOOP("Alerts", "Sale number reused for another payment"),
    AuditEvent.REFUND: QT_TRANSLATE_NOOP("Alerts", "Refund"),
    AuditEvent.REFUND_ID_CONFLICT: QT_TRANSLATE_NOOP("Alerts", "Refund number reused for another refund"),
    AuditEvent.ISSUER_KEY_CREATED: QT_TRANSLATE_NOOP("Alerts", "Payment code signing key created"),
    AuditEvent.CODE_ISSUED: QT_TRANSLATE_NOOP("Alerts", "Payment code issued"),
    AuditEvent.CODE_TTL_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Payment code lifetime changed"),
    AuditEvent.CODES_REVOKED: QT_TRANSLATE_NOOP("Alerts", "Payment codes withdrawn"),
    AuditEvent.CODE_NOT_OURS: QT_TRANSLATE_NOOP("Alerts", "Scanned code is not a qrpay code"),
    AuditEvent.CODE_MALFORMED: QT_TRANSLATE_NOOP("Alerts", "Damaged payment code"),
    AuditEvent.CODE_FORGED: QT_TRANSLATE_NOOP("Alerts", "Forged payment code (bad signature)"),
    AuditEvent.CODE_EXPIRED: QT_TRANSLATE_NOOP("Alerts", "Expired payment code presented"),
    AuditEvent.CODE_NOT_YET_VALID: QT_TRANSLATE_NOOP("Alerts", "Payment code not valid yet (clock skew)"),
    AuditEvent.CODE_SUPERSEDED: QT_TRANSLATE_NOOP("Alerts", "Replaced payment code presented"),
    AuditEvent.CODE_REPLAYED: QT_TRANSLATE_NOOP("Alerts", "Payment code used twice (replay)"),
    AuditEvent.CODE_ACCOUNT_LOCKED: QT_TRANSLATE_NOOP("Alerts", "Frozen wallet tried to pay"),
    AuditEvent.CODE_INSUFFICIENT_FUNDS: QT_TRANSLATE_NOOP("Alerts", "Payment refused: balance too low"),
    AuditEvent.CODE_LIMIT_EXCEEDED: QT_TRANSLATE_NOOP("Alerts", "Payment refused: over the limit"),
    AuditEvent.CODE_REFUSED: QT_TRANSLATE_NOOP("Alerts", "Payment code refused"),
    AuditEvent.STAFF_ADDED: QT_TRANSLATE_NOOP("Alerts", "Staff member added"),
    AuditEvent.STAFF_LOGIN_FAILED: QT_TRANSLATE_NOOP("Alerts", "Wrong staff PIN"),
    AuditEvent.STAFF_LOCKED: QT_TRANSLATE_NOOP("Alerts", "Staff PIN locked after wrong PINs"),
    AuditEvent.Z_REPORT: QT_TRANSLATE_NOOP("Alerts", "Z report (day closed)"),
    AuditEvent.POLICY_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Security settings changed"),
    AuditEvent.CLOCK_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Simulated clock changed"),
    AuditEvent.DEMO_SEEDED: QT_TRANSLATE_NOOP("Alerts", "Demo data created"),
    AuditEvent.AUDIT_LOG_ADOPTED: QT_TRANSLATE_NOOP("Alerts", "Existing audit log adopted and signed"),
    AuditEvent.AUDIT_ANCHOR_ADOPTED: QT_TRANSLATE_NOOP("Alerts", "Audit log re-signed after a failed check"),
}


def describe(row: AuditRow) -> str:
    """The event in words (translated). A name no member has (a database written by a newer
    version) shows as that name."""
    text = EVENT_TEXTS.get(row.event) if isinstance(row.event, AuditEvent) else None
    return QCoreApplication.translate("Alerts", text) if text else str(row.event)


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
        self.table.verticalHeader().setDefaultSectionSize(44)   # touch-sized rows
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
            details = ", ".join(f"{k}={v}" for k, v in row.details.items() if k not in _HIDDEN_DETAIL_KEYS)
            cells = [jst_text(row.at), describe(row), "" if row.customer_id is None else f"#{row.customer_id}", details]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.count.setText(self.tr("{n} alert(s)").format(n=len(self.rows)))
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
