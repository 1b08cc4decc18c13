"""Clerk sign-in and shift opening: staff number + PIN (checked by `core.staff.verify`, off the
GUI thread because it is an Argon2 hash), and the cash float counted into the drawer.

The shift (who, when, float) is kept in memory by the window for this run of the till and shown
on the X report; the simulator has no cash drawer, so the float is informational only.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.messages import plain_error
from shared.errors import InputError, QrpayError
from shared.money import parse_yen
from shared.staff import Staff
from ui_common.tasks import run_in_background

DEFAULT_FLOAT = 30_000


@dataclass(frozen=True, slots=True)
class Shift:
    clerk: Staff
    cash_float: int
    opened_at: float

    @property
    def is_supervisor(self) -> bool:
        return self.clerk.role.value == "supervisor"


class ClerkSignIn(QWidget):
    signed_in = Signal(object)    # Shift

    def __init__(self, core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        card = QFrame()
        card.setProperty("role", "card")
        card.setMaximumWidth(520)
        title = QLabel(self.tr("Open the till"))
        title.setProperty("role", "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.staff_edit = QLineEdit()
        self.staff_edit.setValidator(QIntValidator(1, 999_999, self))
        self.staff_edit.setPlaceholderText(self.tr("e.g. 1"))
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(8)
        self.pin_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.float_edit = QLineEdit(f"{DEFAULT_FLOAT:,}")
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.button = QPushButton(self.tr("Sign in and open shift"))
        self.button.setProperty("role", "primary")
        self.button.clicked.connect(self.submit)
        for w in (self.staff_edit, self.pin_edit, self.float_edit):
            w.returnPressed.connect(self.submit)

        form = QFormLayout()
        form.addRow(self.tr("Staff number"), self.staff_edit)
        form.addRow(self.tr("PIN"), self.pin_edit)
        form.addRow(self.tr("Cash float (¥)"), self.float_edit)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 24, 32, 24)
        inner.setSpacing(14)
        inner.addWidget(title)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def reset(self) -> None:
        self.pin_edit.clear()
        self.error.clear()
        self.button.setEnabled(True)
        self.staff_edit.setFocus()

    def sign_in_as(self, staff_id: int, pin: str) -> None:
        """Types the staff number and the PIN and signs in, as the clerk would (the demos, the tour, autoplay)."""
        self.staff_edit.setText(str(staff_id))
        self.pin_edit.setText(pin)
        self.submit()

    @Slot()
    def submit(self) -> None:
        if not self.button.isEnabled():
            return
        try:
            staff_id = int(self.staff_edit.text())
        except ValueError:
            self.error.setText(self.tr("Type your staff number."))
            return
        try:
            cash_float = parse_yen(self.float_edit.text()) if self.float_edit.text().strip() not in ("", "0") else 0
        except InputError as e:
            self.error.setText(e.message)
            return
        pin = self.pin_edit.text()
        self.pin_edit.clear()
        self.error.clear()
        self.button.setEnabled(False)
        core = self._core
        run_in_background(lambda: core.staff.verify(staff_id, pin),
                          on_success=lambda staff: self._done(staff, cash_float),
                          on_failure=self._failed)

    def _done(self, staff: Staff, cash_float: int) -> None:
        self.button.setEnabled(True)
        self.signed_in.emit(Shift(staff, cash_float, self._core.now()))

    def _failed(self, error: QrpayError) -> None:
        self.button.setEnabled(True)
        self.error.setText(plain_error(error))
        self.pin_edit.setFocus()
