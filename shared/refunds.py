"""RefundService (`core.refunds`): money back to the wallet that paid, approved by a supervisor.

A refund is linked to its sale and can be the whole remainder of the sale or some of its lines.
Per line it never returns more units than were sold minus what earlier refunds returned, so the
total refunded can never exceed what was paid. The tax of the refunded part is computed by the
same once-per-rate rule as a receipt. The refund id makes the request idempotent: the same id
again returns the first refund. "The same" means the same sale, lines asked for, terminal and
approving supervisor (a fingerprint stored with the refund, compared in constant time); the same
id for anything else is refused with `IdempotencyConflict` code `refund_id_conflict`, audited in
its own transaction, and nothing moves. The units left to refund are read and the refund written
in one write transaction, so parallel refunds of the same line never return more than was sold.

A refund to a frozen wallet is allowed on purpose: a freeze stops money leaving the wallet
(payments, and top-ups that launder stolen cards into it), but a supervisor-approved refund only
returns the customer's own money from the store; refusing it would leave it with the store.

The refund is booked on the terminal of the original sale (unless another one is named) and on
the business day it happens, which is where the X/Z reports look for it.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared import audit, idempotency, ledger
from shared.audit_events import AuditEvent
from shared.errors import Conflict, IdempotencyConflict, NotFound
from shared.money import format_yen
from shared.clock import jst_text
from shared.receipts import business_date_of
from shared.sales import check_sale_id, load_sale, normalise_lines
from shared.storage import catalog_store, sales_store
from shared.tax import CartLine, RateTotal, TaxByRate, refund_tax, totals
from shared.notices import notice

if TYPE_CHECKING:
    from shared.core import Core


@dataclass(frozen=True, slots=True)
class Refund(TaxByRate):
    id: str
    sale_id: str
    terminal_id: str
    supervisor_id: int
    customer_id: int
    total: int
    lines: tuple[CartLine, ...]
    by_rate: tuple[RateTotal, ...]
    at: float
    business_date: str


def _request_text(wanted: tuple[tuple[str, int], ...] | None) -> str:
    return json.dumps({"lines": None if wanted is None else sorted(wanted)}, separators=(",", ":"))


class _IdConflict(Exception):
    def __init__(self, sale_id: str, customer_id: int) -> None:
        super().__init__("refund_id_conflict")
        self.sale_id, self.customer_id = sale_id, customer_id


class RefundService:
    def __init__(self, core: "Core") -> None:
        self.core = core

    def refund(self, *, sale_id: str, lines: object = None, supervisor_id: int, pin: str,
               refund_id: str | None = None, terminal_id: str | None = None) -> Refund:
        """`lines=None` refunds everything not refunded yet; else [(jan, qty), …]."""
        sale_id = check_sale_id(sale_id)
        refund_id = check_sale_id(refund_id, "refund id") if refund_id is not None else "R" + secrets.token_hex(8)
        wanted = None if lines is None else normalise_lines(lines)
        # Approval first: nothing about the sale is revealed to someone without a supervisor's PIN.
        supervisor = self.core.staff.require_supervisor(supervisor_id, pin)
        if terminal_id is not None:
            terminal_id = self.core.catalog.terminal(terminal_id).id
        now = self.core.now()
        request = _request_text(wanted)
        try:
            return self._refund(sale_id=sale_id, wanted=wanted, request=request, supervisor=supervisor,
                                refund_id=refund_id, terminal_id=terminal_id, now=now)
        except _IdConflict as clash:
            with self.core.db.write() as conn:
                audit.record(conn, at=now, event=AuditEvent.REFUND_ID_CONFLICT, severity="warning",
                             actor=f"staff:{supervisor.id}", customer_id=clash.customer_id, refund_id=refund_id,
                             sale_id=sale_id, first_sale_id=clash.sale_id)
            raise IdempotencyConflict("This refund id was already used for a different refund; nothing was moved.",
                                      code="refund_id_conflict", refund_id=refund_id) from None

    def _refund(self, *, sale_id: str, wanted, request: str, supervisor, refund_id: str, terminal_id: str | None,
                now: float) -> Refund:
        with self.core.db.write() as conn:
            row = sales_store.sale(conn, sale_id)
            first = sales_store.refund(conn, refund_id)
            if first is not None:
                # The request as it would be booked: the sale's terminal unless another one was named.
                booked = terminal_id or (row["terminal_id"] if row is not None else "")
                fp = self._fingerprint(conn, sale_id, request, booked, supervisor.id)
                stored = first["request_fp"] or self._fingerprint(
                    conn, first["sale_id"], first["request"], first["terminal_id"], int(first["supervisor_id"]))
                if not idempotency.same(stored, fp):
                    raise _IdConflict(first["sale_id"], int(first["customer_id"]))
                return self._load(conn, first)
            if row is None:
                raise NotFound(f"No sale {sale_id}.")
            sale = load_sale(conn, row)
            refund_lines = self._lines(conn, sale, wanted)
            money = totals(refund_lines)
            before = sales_store.refunded_by_rate(conn, sale.id)  # by earlier refunds of this sale
            terminal = terminal_id or sale.terminal_id
            day = business_date_of(now)
            if sales_store.z_report(conn, terminal, day) is not None:
                raise Conflict(f"Terminal {terminal} was closed (Z report) for {day}; refund at another terminal.",
                               code="day_closed")
            store = catalog_store.store(conn, sale.store_id)
            moved = ledger.transfer(
                conn, key=f"refund:{refund_id}", kind="refund", at=now, customer_id=sale.customer_id,
                sale_id=sale.id, memo=f"refund of {sale.receipt_no}",
                postings=[(ledger.store_account(sale.store_id), -money.total),
                          (ledger.wallet_account(sale.customer_id), money.total)])
            sales_store.insert_refund(conn, refund_id=refund_id, sale_id=sale.id, terminal_id=terminal,
                                      supervisor_id=supervisor.id, customer_id=sale.customer_id, total=money.total,
                                      at=now, business_date=day, transfer_id=moved.id, request=request,
                                      request_fp=self._fingerprint(conn, sale.id, request, terminal, supervisor.id))
            sales_store.insert_refund_lines(conn, refund_id, ((l.jan, l.qty, l.amount, l.tax_rate)
                                                              for l in refund_lines))
            # The refund's tax is what the sale's tax falls by (tax.refund_tax), so a sale refunded line by
            # line nets to exactly ¥0 of tax (the X/Z reports recompute it the same way).
            sold = {r.rate: r.taxable_incl for r in sale.by_rate}
            sales_store.insert_refund_taxes(conn, refund_id, (
                (r.rate, r.taxable_incl, refund_tax(sold[r.rate], before.get(r.rate, 0), r.taxable_incl, r.rate))
                for r in money.by_rate))
            audit.record(conn, at=now, event=AuditEvent.REFUND, severity="warning", customer_id=sale.customer_id,
                         actor=f"staff:{supervisor.id}", refund_id=refund_id, sale_id=sale.id, amount=money.total,
                         terminal=terminal, receipt_no=sale.receipt_no, full=wanted is None)
            self.core.identity.notify_owner(
                conn, sale.customer_id, **notice("refund", amount=format_yen(money.total), store_en=store["name_en"],
                                                 store_ja=store["name_ja"], time=jst_text(now), at=now,
                                                 receipt=sale.receipt_no))
            return self._load(conn, sales_store.refund(conn, refund_id))

    @staticmethod
    def _fingerprint(conn: sqlite3.Connection, sale_id: str, request: str, terminal_id: str, supervisor_id: int) -> str:
        return idempotency.fingerprint(conn, "refund", sale=sale_id, request=request, terminal=terminal_id,
                                       supervisor=int(supervisor_id))

    @staticmethod
    def _lines(conn: sqlite3.Connection, sale, wanted) -> list[CartLine]:
        sold = {l.jan: l for l in sale.lines}
        done = sales_store.refunded_qty(conn, sale.id)
        if wanted is None:
            wanted = tuple((jan, l.qty - done.get(jan, 0)) for jan, l in sold.items() if l.qty > done.get(jan, 0))
            if not wanted:
                raise Conflict(f"Sale {sale.id} was already refunded in full.", code="already_refunded")
        out = []
        for jan, qty in wanted:
            line = sold.get(jan)
            if line is None:
                raise NotFound(f"JAN {jan} is not on receipt {sale.receipt_no}.", jan=jan)
            left = line.qty - done.get(jan, 0)
            if qty > left:
                raise Conflict(f"Only {left} of {line.name_en} ({jan}) can still be refunded; {qty} asked.",
                               code="exceeds_paid", jan=jan, refundable=left)
            out.append(CartLine(jan, line.name_ja, line.name_en, line.unit_price, qty, line.unit_price * qty,
                                line.tax_rate))
        return out

    @staticmethod
    def _load(conn: sqlite3.Connection, r: sqlite3.Row) -> Refund:
        sale_lines = {l["jan"]: l for l in sales_store.sale_lines(conn, r["sale_id"])}
        lines = []
        for l in sales_store.refund_lines(conn, r["id"]):
            s = sale_lines[l["jan"]]
            lines.append(CartLine(l["jan"], s["name_ja"], s["name_en"], int(s["unit_price"]), int(l["qty"]),
                                  int(l["amount"]), int(l["tax_rate"])))
        by_rate = tuple(RateTotal(int(x["rate"]), int(x["taxable_incl"]), int(x["tax"]))
                        for x in sales_store.refund_taxes(conn, r["id"]))
        return Refund(r["id"], r["sale_id"], r["terminal_id"], int(r["supervisor_id"]), int(r["customer_id"]),
                      int(r["total"]), tuple(lines), by_rate, float(r["at"]), r["business_date"])

    def refunds_of(self, sale_id: str) -> list[Refund]:
        with self.core.db.read() as conn:
            return [self._load(conn, r) for r in sales_store.refunds_of_sale(conn, check_sale_id(sale_id))]
