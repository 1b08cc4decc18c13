"""Japanese consumption tax on a receipt, by the qualified-invoice (インボイス) rules.

Prices are tax-inclusive. The lines of a receipt are grouped by rate, and the tax of each rate is
computed ONCE on that rate's total and rounded down:

    tax(rate) = floor(total_of_rate × rate / (100 + rate))

Rounding each line separately and adding the results is not allowed under the qualified-invoice
rules (it can differ by a yen per line), which is why nothing here computes a per-line tax.
Reduced-rate lines (8%: food and drink to take away) are marked on the receipt with ※.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from shared.errors import InputError
from shared.money import yen

STANDARD_RATE = 10
REDUCED_RATE = 8
RATES = (REDUCED_RATE, STANDARD_RATE)
REDUCED_MARK = "※"
REDUCED_NOTE_JA = "※は軽減税率対象商品"
REDUCED_NOTE_EN = "* reduced rate"

MIN_QTY = 1
MAX_QTY = 99


@dataclass(frozen=True, slots=True)
class CartLine:
    jan: str
    name_ja: str
    name_en: str
    unit_price: int
    qty: int
    amount: int
    tax_rate: int

    @property
    def reduced(self) -> bool:
        return self.tax_rate == REDUCED_RATE


@dataclass(frozen=True, slots=True)
class RateTotal:
    rate: int
    taxable_incl: int   # the rate's total, tax included
    tax: int            # the tax contained in it, rounded down once


class TaxByRate:
    """For a record with `by_rate` (a cart's totals, a sale, a refund): its tax per rate as the CLI prints it."""
    __slots__ = ()
    by_rate: tuple[RateTotal, ...]

    def tax_by_rate(self) -> dict[str, int]:
        """{"8": n, "10": n}: the shape the CLI prints (both rates always present)."""
        out = {str(rate): 0 for rate in RATES}
        for r in self.by_rate:
            out[str(r.rate)] = r.tax
        return out


@dataclass(frozen=True, slots=True)
class CartTotals(TaxByRate):
    lines: tuple[CartLine, ...]
    total: int
    by_rate: tuple[RateTotal, ...]

    @property
    def tax_total(self) -> int:
        return sum(r.tax for r in self.by_rate)


def check_rate(rate: object) -> int:
    if isinstance(rate, bool) or not isinstance(rate, int) or rate not in RATES:
        raise InputError("The tax rate must be 10 (standard) or 8 (reduced).")
    return rate


def check_qty(qty: object) -> int:
    if isinstance(qty, bool) or not isinstance(qty, int):
        raise InputError("A quantity must be a whole number.")
    if not MIN_QTY <= qty <= MAX_QTY:
        raise InputError(f"A quantity must be from {MIN_QTY} to {MAX_QTY}.")
    return qty


def tax_included(total_of_rate: int, rate: int) -> int:
    """The consumption tax contained in a tax-inclusive amount at `rate`, rounded down."""
    amount = yen(total_of_rate)
    check_rate(rate)
    if amount < 0:
        raise InputError("A taxable total cannot be negative.")
    return amount * rate // (100 + rate)


def refund_tax(sold: int, refunded_before: int, amount: int, rate: int) -> int:
    """The tax a refund of `amount` (at `rate`) takes off a sale that had `sold` at that rate, of which
    `refunded_before` was already refunded: how much the sale's once-rounded tax falls. Refunds of a
    sale therefore add up to exactly its tax, however the lines are split (no ¥1 left over)."""
    left = yen(sold) - yen(refunded_before)
    amount = yen(amount)
    if amount < 0 or left < amount:
        raise InputError("A refund cannot take more than what is left of the sale at that rate.")
    return tax_included(left, rate) - tax_included(left - amount, rate)


def make_line(*, jan: str, name_ja: str, name_en: str, unit_price: int, qty: int, tax_rate: int) -> CartLine:
    price = yen(unit_price)
    if price <= 0:
        raise InputError("A unit price must be more than ¥0.")
    check_qty(qty)
    check_rate(tax_rate)
    return CartLine(jan, name_ja, name_en, price, qty, price * qty, tax_rate)


def totals(lines: Iterable[CartLine]) -> CartTotals:
    """Totals and per-rate tax of a receipt (or of the refunded part of one)."""
    lines = tuple(lines)
    if not lines:
        raise InputError("The cart is empty: add at least one item.")
    per_rate: dict[int, int] = {}
    for line in lines:
        if line.amount != line.unit_price * line.qty:
            raise InputError("A line's amount must be its unit price times its quantity.")
        per_rate[check_rate(line.tax_rate)] = per_rate.get(line.tax_rate, 0) + line.amount
    by_rate = tuple(RateTotal(rate, per_rate[rate], tax_included(per_rate[rate], rate))
                    for rate in RATES if rate in per_rate)
    return CartTotals(lines, sum(per_rate.values()), by_rate)
