"""Receipt data (what a qualified invoice must show) and its plain-text rendering.

The record is built by `core.sales.receipt(...)`; the CLI prints `render_text`, and the POS app
renders its own Qt/PDF version from the same record, so both always agree on the figures.
Times on receipts and business days are in Japan time (UTC+9, no daylight saving).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from shared.clock import in_jst, jst_text, to_iso
from shared.money import format_yen
from shared.tax import REDUCED_MARK, REDUCED_NOTE_EN, REDUCED_NOTE_JA, CartLine, RateTotal

PAYMENT_METHOD = "qrpay"
WIDTH = 42


def business_date_of(t: float) -> str:
    """The business day (YYYY-MM-DD, Japan time) that unix time `t` falls in."""
    return in_jst(t).strftime("%Y-%m-%d")


def mask_ref(ref: str) -> str:
    """A wallet reference as printed: enough to match it with the wallet app, not to reuse it."""
    tail = ref[-4:] if len(ref) >= 8 else ""
    return f"****{tail}"


@dataclass(frozen=True, slots=True)
class RefundRef:
    refund_id: str
    at: float
    total: int
    lines: tuple[tuple[str, int, int], ...]   # (jan, qty, amount)
    by_rate: tuple[RateTotal, ...]


@dataclass(frozen=True, slots=True)
class Receipt:
    sale_id: str
    receipt_no: str
    store_name_ja: str
    store_name_en: str
    registration_no: str
    address: str
    terminal_id: str
    clerk_name: str
    at: float
    lines: tuple[CartLine, ...]
    by_rate: tuple[RateTotal, ...]
    total: int
    payment_method: str
    wallet_ref: str            # masked
    refunds: tuple[RefundRef, ...] = ()

    @property
    def at_jst(self) -> str:
        return jst_text(self.at)

    @property
    def refunded_total(self) -> int:
        return sum(r.total for r in self.refunds)

    def to_json(self) -> dict[str, Any]:
        return {
            "sale_id": self.sale_id, "receipt_no": self.receipt_no,
            "store": {"name_ja": self.store_name_ja, "name_en": self.store_name_en,
                      "registration_no": self.registration_no, "address": self.address},
            "terminal": self.terminal_id, "clerk": self.clerk_name,
            "at": to_iso(self.at), "at_jst": self.at_jst,
            "lines": [{"jan": l.jan, "name_ja": l.name_ja, "name_en": l.name_en, "unit_price": l.unit_price,
                       "qty": l.qty, "amount": l.amount, "tax_rate": l.tax_rate, "reduced": l.reduced}
                      for l in self.lines],
            "by_rate": [{"rate": r.rate, "taxable_incl": r.taxable_incl, "tax": r.tax} for r in self.by_rate],
            "total": self.total, "payment_method": self.payment_method, "wallet_ref": self.wallet_ref,
            "refunds": [{"refund_id": r.refund_id, "at": to_iso(r.at), "total": r.total,
                         "lines": [{"jan": j, "qty": q, "amount": a} for j, q, a in r.lines],
                         "by_rate": [{"rate": x.rate, "taxable_incl": x.taxable_incl, "tax": x.tax}
                                     for x in r.by_rate]} for r in self.refunds],
        }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _row(left: str, right: str, width: int = WIDTH) -> str:
    gap = width - _width(left) - _width(right)
    if gap < 1:  # no room on one line: the figure goes right-aligned on the next
        return left + "\n" + " " * max(0, width - _width(right)) + right
    return left + " " * gap + right


def _center(text: str, width: int = WIDTH) -> str:
    return " " * max(0, (width - _width(text)) // 2) + text


def render_text(r: Receipt, width: int = WIDTH) -> str:
    """The receipt as fixed-width text (full-width characters count as two columns)."""
    rule = "-" * width
    out = [_center(r.store_name_ja, width), _center(r.store_name_en, width), _center(r.address, width),
           _center(f"登録番号 {r.registration_no}", width), "",
           _row(r.at_jst, f"レジ {r.terminal_id}", width),
           _row(f"担当 {r.clerk_name}", f"No. {r.receipt_no}", width), rule]
    for line in r.lines:
        mark = f" {REDUCED_MARK}" if line.reduced else ""
        out.append(_row(f"{line.name_ja}{mark}", format_yen(line.amount), width))
        detail = f"  {line.name_en}"
        if line.qty > 1:
            detail += f"  {line.qty} x {format_yen(line.unit_price)}"
        out.append(detail)
    out.append(rule)
    out.append(_row("合計 Total", format_yen(r.total), width))
    for rt in r.by_rate:
        out.append(_row(f"  {rt.rate}%対象 {format_yen(rt.taxable_incl)}", f"(内消費税 {format_yen(rt.tax)})", width))
    if any(line.reduced for line in r.lines):
        out.append(f"{REDUCED_NOTE_JA} / {REDUCED_NOTE_EN}")
    out.append(rule)
    out.append(_row(f"お支払い {r.payment_method}", format_yen(r.total), width))
    out.append(f"  wallet {r.wallet_ref}")
    for ref in r.refunds:
        out.append(rule)
        out.append(_row(f"返品 Refund {ref.refund_id}", format_yen(-ref.total), width))
        out.append(f"  {jst_text(ref.at)}")
        for rt in ref.by_rate:
            out.append(_row(f"  {rt.rate}%対象 {format_yen(-rt.taxable_incl)}",
                            f"(内消費税 {format_yen(-rt.tax)})", width))
    return "\n".join(out) + "\n"
