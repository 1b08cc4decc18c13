"""The cart: lines with quantity − / + and remove, the tax per rate, a large total, and the one
primary action "Pay by QR ¥X".

The cart holds only (JAN, quantity) pairs; every figure shown comes from `core.sales.quote`,
so the till shows exactly what the core will charge. A change the core refuses (a quantity over
its limit, an unknown JAN) is undone and explained in the cart's own message line.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from pos_app.messages import plain_error
from pos_app.elided_label import ElidedLabel
from shared.errors import QrpayError
from shared.money import format_yen
from shared.tax import REDUCED_MARK, CartLine, CartTotals
from ui_common.widgets import clear_layout, column_scroll


class CartLineRow(QFrame):
    def __init__(self, line: CartLine, name: str, on_qty, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cartLine")
        self.jan = line.jan
        mark = f" {REDUCED_MARK}" if line.reduced else ""
        self.name = ElidedLabel(name, suffix=mark, lines=2)
        self.unit = QLabel(f"{format_yen(line.unit_price)} × {line.qty}")
        self.unit.setProperty("role", "muted")
        self.minus = QPushButton("−")
        self.plus = QPushButton("+")
        self.qty = QLabel(str(line.qty))
        self.qty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qty.setMinimumWidth(32)
        self.amount = QLabel(format_yen(line.amount))
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.amount.setMinimumWidth(84)
        bold = self.amount.font()
        bold.setBold(True)
        self.amount.setFont(bold)
        self.remove = QPushButton("✕")
        self.remove.setToolTip(self.tr("Remove"))
        self.remove.setAccessibleName(self.tr("Remove"))
        for b in (self.minus, self.plus, self.remove):
            b.setStyleSheet("padding: 0px; min-width: 48px;")  # still a 48 px touch target, no side padding
            b.setFixedWidth(48)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.minus.clicked.connect(lambda: on_qty(self.jan, line.qty - 1))
        self.plus.clicked.connect(lambda: on_qty(self.jan, line.qty + 1))
        self.remove.clicked.connect(lambda: on_qty(self.jan, 0))
        self.minus.setEnabled(line.qty > 1)
        # Two rows: the name gets the full width (Japanese and long English names are never
        # squeezed by the buttons), the controls sit under it.
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.amount)
        controls = QHBoxLayout()
        controls.addWidget(self.unit, 1)
        controls.addWidget(self.minus)
        controls.addWidget(self.qty)
        controls.addWidget(self.plus)
        controls.addSpacing(8)
        controls.addWidget(self.remove)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 6, 6, 6)
        rows.setSpacing(2)
        rows.addLayout(top)
        rows.addLayout(controls)


class CartPanel(QWidget):
    pay_requested = Signal()
    changed = Signal()

    def __init__(self, core, *, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._lang = lang
        self._lines: dict[str, int] = {}
        self.totals: CartTotals | None = None

        title = QLabel(self.tr("Cart"))
        title.setProperty("role", "title")
        self._rows_host = QWidget()
        self._rows = QVBoxLayout(self._rows_host)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(4)
        # The rows keep their height and the list scrolls; squeezed rows would cut their text.
        self._rows.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self._rows.addStretch(1)
        scroll = column_scroll(self._rows_host)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._rows_host.setObjectName("cartRows")
        self._rows_host.setStyleSheet("QWidget#cartRows { background: transparent; }")
        scroll.viewport().setAutoFillBackground(False)
        self.empty = QLabel(self.tr("Tap an item or scan its barcode."))
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)
        self.message = QLabel()
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.hide()
        self.tax_label = QLabel()
        self.tax_label.setProperty("role", "muted")
        self.tax_label.setWordWrap(True)
        total_row = QHBoxLayout()
        total_caption = QLabel(self.tr("Total"))
        total_caption.setProperty("role", "title")
        self.total_label = QLabel(format_yen(0))
        self.total_label.setProperty("role", "amount")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        total_row.addWidget(total_caption)
        total_row.addWidget(self.total_label, 1)
        self.pay_button = QPushButton()
        self.pay_button.setProperty("role", "primary")
        self.pay_button.setObjectName("payButton")
        self.pay_button.setMinimumHeight(72)
        self.pay_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.pay_button.clicked.connect(self.pay_requested.emit)
        self.discard_button = QPushButton(self.tr("Discard cart"))
        self.discard_button.clicked.connect(self.clear)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.tax_label)
        layout.addLayout(total_row)
        layout.addWidget(self.pay_button)
        layout.addWidget(self.discard_button)
        self._render()

    # -- the cart's content ------------------------------------------------------------------------
    @property
    def lines(self) -> list[tuple[str, int]]:
        return list(self._lines.items())

    @property
    def total(self) -> int:
        return self.totals.total if self.totals else 0

    def add(self, jan: str, qty: int = 1) -> bool:
        """Add `qty` of an item; False (and a message) when the core refuses it."""
        return self._apply({**self._lines, jan: self._lines.get(jan, 0) + qty}, jan_added=jan)

    def set_qty(self, jan: str, qty: int) -> bool:
        wanted = dict(self._lines)
        if qty <= 0:
            wanted.pop(jan, None)
        else:
            wanted[jan] = qty
        return self._apply(wanted)

    @Slot()
    def clear(self) -> None:
        self._lines = {}
        self.totals = None
        self.message.hide()
        self._render()
        self.changed.emit()

    def _apply(self, wanted: dict[str, int], jan_added: str | None = None) -> bool:
        try:
            totals = self._core.sales.quote(list(wanted.items())) if wanted else None
        except QrpayError as e:
            self.show_message(plain_error(e))
            return False
        if jan_added is not None and totals is not None:
            # The core normalises the JAN (full-width digits, spaces); keep its spelling.
            known = {line.jan for line in totals.lines}
            if jan_added not in known:
                wanted = {line.jan: line.qty for line in totals.lines}
        self._lines = {jan: qty for jan, qty in wanted.items()}
        self.totals = totals
        self.message.hide()
        self._render()
        self.changed.emit()
        return True

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # -- drawing ------------------------------------------------------------------------------------
    def _render(self) -> None:
        clear_layout(self._rows, keep=1)   # the stretch under the lines stays
        totals = self.totals
        lines = totals.lines if totals else ()
        for i, line in enumerate(lines):
            name = line.name_ja if self._lang == "ja" else line.name_en
            self._rows.insertWidget(i, CartLineRow(line, name, self.set_qty))
        self.empty.setVisible(not lines)
        if totals:
            parts = [self.tr("{rate}% taxable {taxable} (tax {tax})").format(
                         rate=r.rate, taxable=format_yen(r.taxable_incl), tax=format_yen(r.tax))
                     for r in totals.by_rate]
            if any(line.reduced for line in lines):
                parts.append(self.tr("※ reduced rate (8%)"))
            self.tax_label.setText("\n".join(parts))
        else:
            self.tax_label.setText("")
        self.total_label.setText(format_yen(self.total))
        self.pay_button.setText(self.tr("Pay by QR {amount}").format(amount=format_yen(self.total)))
        self.pay_button.setEnabled(bool(lines))
        self.discard_button.setEnabled(bool(lines))
