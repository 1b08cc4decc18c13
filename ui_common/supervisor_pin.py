"""The supervisor's approval: staff number and PIN, asked for every supervisor action (the till's
refunds, freezes, reports and supervisor area, and every app's kiosk exit guard).

The PIN is not checked here and not kept: it goes straight into the one core call that needs it
(`core.staff.require_supervisor`, `core.refunds.refund`, `core.wallet.freeze`), which checks it
and counts failures. Tests replace `SupervisorPinDialog.ask`.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from ui_common import theme


@dataclass(frozen=True)
class Approval:
    supervisor_id: int
    pin: str = ""
    reason: str = ""

    def __repr__(self) -> str:  # never print the PIN
        return f"Approval(supervisor_id={self.supervisor_id})"


class SupervisorPinDialog(QDialog):
    def __init__(self, parent: QWidget | None, *, action: str, ask_reason: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Supervisor approval"))
        self.setModal(True)
        self.setMinimumWidth(460)
        mark = QLabel("◆ " + self.tr("Supervisor only"))
        mark.setStyleSheet(f"color: white; background: {theme.SUPERVISOR}; padding: 6px 12px; border-radius: 8px;"
                           "font-weight: 700;")
        what = QLabel(action)
        what.setWordWrap(True)
        what.setProperty("role", "title")
        self.staff_edit = QLineEdit()
        self.staff_edit.setValidator(QIntValidator(1, 999_999, self))
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(8)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        form = QFormLayout()
        form.addRow(self.tr("Supervisor number"), self.staff_edit)
        form.addRow(self.tr("PIN"), self.pin_edit)
        if ask_reason:
            form.addRow(self.tr("Reason"), self.reason_edit)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        buttons = QDialogButtonBox()
        ok = QPushButton(self.tr("Approve"))
        ok.setProperty("role", "supervisor")
        cancel = QPushButton(self.tr("Cancel"))
        buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(mark, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.staff_edit.text().isdigit() or not self.pin_edit.text():
            self.error.setText(self.tr("Type the supervisor number and PIN."))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, *, action: str, ask_reason: bool = False) -> Approval | None:
        dlg = cls(parent, action=action, ask_reason=ask_reason)
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.staff_edit.text().isdigit():
                return None
            return Approval(int(dlg.staff_edit.text()), dlg.pin_edit.text(), dlg.reason_edit.text().strip())
        finally:
            dlg.pin_edit.clear()
            dlg.deleteLater()
