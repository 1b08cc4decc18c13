"""The verdict, unmistakable from two metres: a green "✓ Approved ¥X" panel with the receipt,
or a red "✕ Refused" panel with the reason in plain words and what to do next.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from pos_app.messages import ClerkMessage
from pos_app.receipt_view import ReceiptView
from shared.money import format_yen
from shared.receipts import Receipt
from ui_common import theme

_FLASH_MS = 350
NARROW_PX = 1000


def _panel_style(colour: str) -> str:
    return (f"QFrame#verdict {{ background: {colour}; border-radius: 16px; }}"
            "QFrame#verdict QLabel { color: white; background: transparent; }")


class ResultPanel(QWidget):
    new_sale = Signal()
    back_to_scanner = Signal()
    cancel_payment = Signal()
    save_pdf = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        self.verdict = QFrame()
        self.verdict.setObjectName("verdict")
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon.setStyleSheet("font-size: 56pt; font-weight: 700;")
        self.headline = QLabel()
        self.headline.setProperty("role", "amount")
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.headline.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setProperty("role", "title")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.next_step = QLabel()
        self.next_step.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_step.setWordWrap(True)
        self.next_step.setStyleSheet("font-size: 18pt;")
        self.saved = QLabel()
        self.saved.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.saved.setWordWrap(True)

        self.primary = QPushButton()
        self.primary.setMinimumHeight(64)
        self.primary.clicked.connect(self._primary_clicked)
        self.secondary = QPushButton()
        self.secondary.setMinimumHeight(64)
        self.secondary.clicked.connect(self._secondary_clicked)
        for b in (self.primary, self.secondary):   # the buttons keep their height; the words above make room
            b.setSizePolicy(b.sizePolicy().horizontalPolicy(), QSizePolicy.Policy.Fixed)
            b.installEventFilter(self)

        v = QVBoxLayout(self.verdict)
        v.setContentsMargins(32, 24, 32, 24)
        v.addStretch(1)
        v.addWidget(self.icon)
        v.addWidget(self.headline)
        v.addWidget(self.detail)
        v.addWidget(self.next_step)
        v.addWidget(self.saved)
        v.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.secondary)
        buttons.addWidget(self.primary, 1)
        v.addLayout(buttons)

        self.receipt = ReceiptView()
        layout = QHBoxLayout(self)
        layout.addWidget(self.verdict, 3)
        layout.addWidget(self.receipt, 2)

    # -- states -----------------------------------------------------------------------------------
    def show_approved(self, receipt: Receipt) -> None:
        self._show("approved", theme.OK, "✓", self.tr("Approved {amount}").format(amount=format_yen(receipt.total)),
                   self.tr("Receipt {receipt}").format(receipt=receipt.receipt_no),
                   self.tr("Hand the customer the receipt."),
                   (self.tr("New sale"), "primary"), self.tr("Print / Save PDF"))   # Enter starts the next sale
        self.receipt.show_receipt(receipt)
        self.receipt.setVisible(self.width() >= NARROW_PX)
        QApplication.beep()
        self._flash(theme.OK)

    def show_refused(self, message: ClerkMessage) -> None:
        # the reason (the headline) is what must be read from afar
        self._show("refused", theme.DANGER, "✕ " + self.tr("Refused"), message.headline, "", message.next_step,
                   (self.tr("Back to scanner"), ""), self.tr("Cancel payment"))   # Enter goes back to the scanner
        self.receipt.hide()

    def _show(self, kind: str, colour: str, icon: str, headline: str, detail: str, next_step: str,
              primary: tuple[str, str], secondary: str) -> None:
        """The verdict panel in `colour`: its words (no `detail`: no line for it), the primary button's text
        and role (it takes the focus: Enter presses it) and the secondary's text."""
        self.kind = kind
        self.verdict.setStyleSheet(_panel_style(colour))
        self.icon.setText(icon)
        self.headline.setText(headline)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.next_step.setText(next_step)
        self.saved.clear()
        self.primary.setText(primary[0])
        self.primary.setProperty("role", primary[1])
        self.secondary.setText(secondary)
        self.secondary.show()
        self._repolish()
        self.primary.setFocus()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        # The theme draws a thicker border on the focused button: its size hint grows by 2 px,
        # which the layout only honours when told.
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            obj.updateGeometry()
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802
        # Beside the wallet the verdict needs the whole width to be read from afar; the receipt
        # is one click away (Print / Save PDF).
        super().resizeEvent(event)
        self.receipt.setVisible(self.kind == "approved" and self.width() >= NARROW_PX)

    def show_saved(self, text: str) -> None:
        self.saved.setText(text)

    def _flash(self, colour: str) -> None:
        # A brief white flash of the panel: seen from the corner of the eye, even mid-conversation.
        self.verdict.setStyleSheet(_panel_style("white").replace("color: white", f"color: {colour}"))
        QTimer.singleShot(_FLASH_MS, self, self._unflash)

    def _unflash(self) -> None:
        if self.kind == "approved":
            self.verdict.setStyleSheet(_panel_style(theme.OK))

    def _repolish(self) -> None:
        for b in (self.primary, self.secondary):
            b.style().unpolish(b)
            b.style().polish(b)
            b.updateGeometry()  # a new role can change the size it needs

    def _primary_clicked(self) -> None:
        (self.new_sale if self.kind == "approved" else self.back_to_scanner).emit()

    def _secondary_clicked(self) -> None:
        (self.save_pdf if self.kind == "approved" else self.cancel_payment).emit()
