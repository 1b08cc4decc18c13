"""The "set up your authenticator app" panel: the otpauth:// QR, the secret for typing in by hand,
and a field for the first code. Used by the sign-up wizard and by Security's re-enrolment."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from shared.code_image import qr_matrix
from ui_common.widgets import QrWidget
from wallet_app.screen_base import button, code_edit, grouped, label, mono_font


def qr_rows(text: str) -> list[list[bool]]:
    """Modules with the 4-module quiet zone, level M (the core's QR module, shared/code_image.py)."""
    return qr_matrix(text)


class AuthenticatorSetup(QWidget):
    def __init__(self, on_confirm: Callable[[], None]) -> None:
        super().__init__()
        self.uri = ""
        self.secret = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        lay.addWidget(label(self.tr("1. Open an authenticator app (Google Authenticator, Microsoft Authenticator, "
                                    "1Password, … or this kiosk's Authenticator window) and scan this code:")))
        self.qr = QrWidget()
        self.qr.setMinimumSize(240, 240)
        self.qr.setMaximumSize(300, 300)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.qr)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(label(self.tr("Cannot scan? Type this key into the app instead (time-based, 6 digits):"),
                            "muted"))
        key_row = QHBoxLayout()
        self.secret_label = QLabel()
        self.secret_label.setFont(mono_font(14))
        self.secret_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.secret_label.setWordWrap(True)
        key_row.addWidget(self.secret_label, 1)
        lay.addLayout(key_row)
        self.copy_key = button(self.tr("Copy key"), None, self._copy)
        lay.addWidget(self.copy_key, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(label(self.tr("2. Type the 6-digit code the app shows now:")))
        self.code = code_edit(on_confirm, name="enrolCode")
        lay.addWidget(self.code)

    def set_enrollment(self, uri: str, secret: str) -> None:
        self.uri, self.secret = uri, secret
        self.qr.set_matrix(qr_rows(uri))
        self.secret_label.setText(grouped(secret))
        self.code.clear()

    def clear(self) -> None:
        self.uri = self.secret = ""
        self.qr.set_matrix([])
        self.secret_label.setText("")
        self.code.clear()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.secret)
