"""Refunds (supervisor area): find a receipt by its number, refund all of it or some lines.

Each line offers at most what is still refundable (sold minus earlier refunds, as the receipt
shows them); the core enforces the same limit and computes the refund's tax. The refund id is
made once per attempt and reused if the same request is sent again, so a time-out never refunds
twice. The supervisor's PIN is asked for the refund itself, with the amount in the question.
"""
from __future__ import annotations

import uuid
from typing import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from pos_app.elided_label import ElidedLabel
from pos_app.messages import plain_error
from ui_common.supervisor_pin import SupervisorPinDialog
from shared.errors import QrpayError
from shared.money import format_yen
from shared.receipts import Receipt
from shared.tax import REDUCED_MARK
from ui_common.tasks import run_in_background
from ui_common.widgets import Banner, clear_layout


class QtyStepper(QWidget):
    """− n + with touch-sized buttons (a QSpinBox's arrows are too small for a finger)."""

    valueChanged = Signal(int)  # noqa: N815 (QSpinBox's name)

    def __init__(self, maximum: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._max = max(0, maximum)
        self._value = 0
        self.minus = QPushButton("−")
        self.plus = QPushButton("+")
        self.label = QLabel("0")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(48)
        for b in (self.minus, self.plus):
            b.setFixedWidth(52)
        self.minus.clicked.connect(lambda: self.setValue(self._value - 1))
        self.plus.clicked.connect(lambda: self.setValue(self._value + 1))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.minus)
        row.addWidget(self.label)
        row.addWidget(self.plus)
        self._update()

    def value(self) -> int:
        return self._value

    def maximum(self) -> int:
        return self._max

    def setValue(self, value: int) -> None:  # noqa: N802
        value = min(max(0, value), self._max)
        if value != self._value:
            self._value = value
            self._update()
            self.valueChanged.emit(value)

    def _update(self) -> None:
        self.label.setText(f"{self._value} / {self._max}")
        self.minus.setEnabled(self._value > 0)
        self.plus.setEnabled(self._value < self._max)


class RefundPanel(QWidget):
    refunded = Signal(object)   # shared.refunds.Refund

    def __init__(self, core, *, lang: str, ask: Callable[..., object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._lang = lang
        self._ask = ask or SupervisorPinDialog.ask
        self.receipt: Receipt | None = None
        self._refund_id: str | None = None
        self._request: tuple | None = None

        self.receipt_edit = QLineEdit()
        self.receipt_edit.setPlaceholderText(self.tr("Receipt number, e.g. T1-000001"))
        self.receipt_edit.returnPressed.connect(self.find)
        find = QPushButton(self.tr("Find receipt"))
        find.clicked.connect(self.find)
        top = QHBoxLayout()
        top.addWidget(self.receipt_edit, 1)
        top.addWidget(find)

        self.banner = Banner()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setColumnStretch(0, 1)
        self.spins: dict[str, QtyStepper] = {}
        self._prices: dict[str, int] = {}

        self.all_button = QPushButton()
        self.all_button.setProperty("role", "danger")
        self.all_button.clicked.connect(lambda: self._refund(full=True))
        self.lines_button = QPushButton()
        self.lines_button.setProperty("role", "danger")
        self.lines_button.clicked.connect(lambda: self._refund(full=False))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.lines_button)
        buttons.addWidget(self.all_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addWidget(self._grid_host)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._render()

    @Slot()
    def find(self) -> None:
        self.banner.clear()
        try:
            self.receipt = self._core.sales.receipt(self.receipt_edit.text())
        except QrpayError as e:
            self.receipt = None
            self.banner.show_state("danger", plain_error(e))
        self._refund_id = None
        self._render()

    def load(self, receipt_no: str) -> None:
        self.receipt_edit.setText(receipt_no)
        self.find()

    def refundable(self) -> dict[str, int]:
        r = self.receipt
        if r is None:
            return {}
        done: dict[str, int] = {}
        for ref in r.refunds:
            for jan, qty, _amount in ref.lines:
                done[jan] = done.get(jan, 0) + qty
        return {line.jan: line.qty - done.get(line.jan, 0) for line in r.lines}

    def _render(self) -> None:
        clear_layout(self._grid)
        self.spins, self._prices = {}, {}
        r = self.receipt
        left = self.refundable()
        if r is None:
            self.summary.setText(self.tr("Type the receipt number printed on the customer's receipt."))
        else:
            self.summary.setText(self.tr("Receipt {receipt} — {time} — paid {paid}, refunded so far {refunded}").format(
                                 receipt=r.receipt_no, time=r.at_jst, paid=format_yen(r.total),
                                 refunded=format_yen(r.refunded_total)))
            for i, line in enumerate(r.lines):
                name = line.name_ja if self._lang == "ja" else line.name_en
                mark = f" {REDUCED_MARK}" if line.reduced else ""
                self._grid.addWidget(ElidedLabel(name, suffix=mark, lines=2), i, 0)
                self._grid.addWidget(QLabel(f"{format_yen(line.unit_price)} × {line.qty}"), i, 1)
                spin = QtyStepper(left.get(line.jan, 0))
                spin.valueChanged.connect(self._selection_changed)
                self._grid.addWidget(spin, i, 2)
                self.spins[line.jan] = spin
                self._prices[line.jan] = line.unit_price
        self._selection_changed()

    def selected(self) -> list[tuple[str, int]]:
        return [(jan, s.value()) for jan, s in self.spins.items() if s.value() > 0]

    @Slot()
    def _selection_changed(self) -> None:
        left = self.refundable()
        remaining = sum(self._prices.get(j, 0) * q for j, q in left.items())
        chosen = sum(self._prices[j] * q for j, q in self.selected())
        self.all_button.setText(self.tr("Refund all {amount}").format(amount=format_yen(remaining)))
        self.all_button.setEnabled(remaining > 0)
        self.lines_button.setText(self.tr("Refund selected {amount}").format(amount=format_yen(chosen)))
        self.lines_button.setEnabled(chosen > 0)

    def _refund(self, *, full: bool) -> None:
        r = self.receipt
        if r is None:
            return
        lines = None if full else self.selected()
        amount = (sum(self._prices.get(j, 0) * q for j, q in self.refundable().items()) if full
                  else sum(self._prices[j] * q for j, q in lines or []))
        approval = self._ask(self, action=self.tr("Refund {amount} to the customer's wallet (receipt {receipt})")
                             .format(amount=format_yen(amount), receipt=r.receipt_no))
        if approval is None:
            return
        request = (r.sale_id, None if lines is None else tuple(lines))
        if self._refund_id is None or self._request != request:
            self._refund_id = "R" + uuid.uuid4().hex[:20]
            self._request = request
        refund_id, sale_id, core = self._refund_id, r.sale_id, self._core
        for b in (self.all_button, self.lines_button):
            b.setEnabled(False)
        run_in_background(lambda: core.refunds.refund(sale_id=sale_id, lines=lines, supervisor_id=approval.supervisor_id,
                                                      pin=approval.pin, refund_id=refund_id),
                          on_success=self._done, on_failure=self._failed)

    def _done(self, refund) -> None:
        self.receipt_edit.setText(self.receipt.receipt_no if self.receipt else "")
        self.find()
        self.banner.show_state("ok", self.tr("Refunded {amount} to the customer's wallet.").format(
            amount=format_yen(refund.total)))
        self.refunded.emit(refund)

    def _failed(self, error: QrpayError) -> None:
        self._selection_changed()
        self.banner.show_state("danger", plain_error(error))
