"""The Presenter menu's "Phone wallet…" (`qrpay demo --phone`): the web wallet's address as a big QR and as
text, for the presenter's own phone to open. The phone's Pay code is then read by this till's camera (or
its screen source) like the desktop wallet's."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from shared.code_image import qr_matrix
from ui_common import theme
from ui_common.widgets import QrWidget


class PhoneWalletDialog(QDialog):
    """The QR on the left, as big as the screen allows (a phone's camera reads it across a desk), the
    address and the three steps on the right."""

    def __init__(self, url: str, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.setWindowTitle(self.tr("Phone wallet"))
        row = QHBoxLayout(self)
        row.setSpacing(18)
        self.qr = QrWidget()
        self.qr.setMinimumSize(400, 400)
        self.qr.set_matrix(qr_matrix(url))
        self.qr.setAccessibleName(self.tr("QR code of the phone wallet's address"))
        row.addWidget(self.qr, 1)
        column = QWidget()
        column.setFixedWidth(440)             # wrapped text gets the height it needs in either language
        side = QVBoxLayout(column)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(12)
        row.addWidget(column)
        heading = QLabel(self.tr("Open the wallet on your phone"))
        heading.setProperty("role", "title")
        heading.setWordWrap(True)
        side.addWidget(heading)
        self.address = QLabel(url)
        self.address.setWordWrap(True)
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address.setStyleSheet("font-size: 20px; font-weight: 600;")
        side.addWidget(self.address)
        steps = QLabel(self.tr("1. Join the phone to this laptop's Wi-Fi.\n"
                               "2. Point the phone's camera at this code (or type the address).\n"
                               "3. Sign in (or sign up), tap Pay and show the phone's code to this till."))
        steps.setWordWrap(True)
        side.addWidget(steps)
        notes = [self.tr("Anyone on this network can open this address while the demo runs.")]
        if url.startswith("https://"):
            notes.append(self.tr("The phone will warn that the certificate is not trusted: it is this laptop's "
                                 "own, made by qrpay serve. Continue only on your own network."))
        self.warning = QLabel("⚠ " + " ".join(notes))
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {theme.MUTED};")
        side.addWidget(self.warning)
        side.addStretch(1)
        close = QPushButton(self.tr("Close"))
        close.setDefault(True)
        close.clicked.connect(self.reject)
        side.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.setMinimumHeight(self.sizeHint().height())
