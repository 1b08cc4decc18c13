"""SalesService (`core.sales`): quote a cart, take a payment with a code, receipts, the journal.

`pay` is one write transaction: the code is verified and marked redeemed, the limits are checked,
the sale, its lines and its per-rate tax are inserted and the ledger moves the money — all of it
commits, or none of it does. The sale id comes from the till, so a retry after a crash or a
time-out finds the first sale and returns it without moving money again (the ledger key
"sale:<id>" guards the same thing one level down).

Every refusal the till must show is a `CodeRefused` whose `code` is one of: not_ours, malformed,
bad_signature, expired, not_yet_valid, superseded, replayed, account_locked (from the code
service) and insufficient_funds, limit_exceeded (from here). A refusal is recorded by
`core.codes.record_refusal` in its own transaction after the payment's transaction rolled back,
so the attempt is on record even though nothing else was written.

Each sale records how its code came in (`EntryMethod`: camera, screen or keyed), shown in the
journal. The `qrpay` CLI is a keyed entry unless `--entry` says otherwise (`--image` means camera).
The entry method is not part of what makes a retry "the same request": a till that retries from
its camera after the clerk's keyed attempt timed out is asking for the same sale; the sale keeps
the entry method of the attempt that succeeded.

A retried sale id is the same request or nothing: the sale stores a fingerprint
(`shared.idempotency`) of its terminal, clerk, cart and the payment code's identity (its nonce,
whether the code came as QR text or as the 20-digit number). A retry whose fingerprint differs
(another code — garbage, a forgery, another customer's live code —, another cart, terminal or
clerk) is refused with `IdempotencyConflict` code `sale_id_conflict`, audited in its own
transaction (a keyed hash of the presented code, never the code), and the presented code is left
untouched: its owner can still pay with it.
"""
from __future__ import annotations

import enum
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from shared import audit, idempotency, ledger
from shared.audit_events import AuditEvent
from shared.catalog import normalize_jan
from shared.errors import (CodeRefused, Conflict, IdempotencyConflict, InputError, InsufficientFunds, NotFound,
                           QrpayError)
from shared.money import format_yen
from shared.clock import jst_text
from shared.receipts import PAYMENT_METHOD, Receipt, RefundRef, business_date_of, mask_ref
from shared.storage import catalog_store, sales_store
from shared.tax import CartLine, CartTotals, RateTotal, TaxByRate, check_qty, make_line, totals
from shared.notices import notice

if TYPE_CHECKING:
    from shared.codes import CodeStatus
    from shared.core import Core

_SALE_ID = idempotency.ID_PATTERN              # always fullmatch: "S1\n" is not "S1"
_RECEIPT_NO = re.compile(r"T[0-9]{1,3}-[0-9]{6,12}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_LINES = 60
DAY_SECONDS = 24 * 3600


class EntryMethod(enum.Enum):
    """How the payment code reached the till."""
    CAMERA = "camera"   # the till's own camera read the QR code off the phone
    SCREEN = "screen"   # a handheld/presentation scanner read the QR code off the phone's screen
    KEYED = "keyed"     # typed or pasted by the clerk (the 20-digit number, or the code's text)


def check_entry_method(value: object) -> EntryMethod:
    """An `EntryMethod`, or exactly one of its values ("camera", "screen", "keyed"); nothing else."""
    if isinstance(value, EntryMethod):
        return value
    if isinstance(value, str):
        for m in EntryMethod:
            if value == m.value:
                return m
    raise InputError("The entry method is camera, screen or keyed.")


@dataclass(frozen=True, slots=True)
class Sale(TaxByRate):
    id: str
    receipt_no: str
    terminal_id: str
    store_id: int
    clerk_id: int
    customer_id: int
    total: int
    lines: tuple[CartLine, ...]
    by_rate: tuple[RateTotal, ...]
    at: float
    business_date: str
    entry_method: EntryMethod = EntryMethod.KEYED


@dataclass(frozen=True, slots=True)
class SaleSummary:
    sale_id: str
    total: int
    store_name: str
    receipt_no: str
    at: float
    store_name_en: str = ""


def paid_details(sales, status: "CodeStatus", lang: str) -> tuple[int | None, str | None, str, float | None]:
    """What a wallet shows for a paid code (the desktop's and the web's "Paid"): the amount, the store (its
    English name in English, when it has one), the receipt number and the time; from the sale when
    `sales.summary` (a SalesService's or a remote core's) finds it, else from the status alone."""
    amount, store, receipt_no, at = status.amount, status.store_name, "", status.at
    if status.sale_id:
        try:
            summary = sales.summary(status.sale_id)
        except QrpayError:
            return amount, store, receipt_no, at
        amount, receipt_no, at = summary.total, summary.receipt_no, summary.at
        store = summary.store_name_en if lang == "en" and summary.store_name_en else summary.store_name
    return amount, store, receipt_no, at


def check_sale_id(sale_id: object, what: str = "sale id") -> str:
    return idempotency.check_id(sale_id, what)


def check_business_date(text: object) -> str:
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise InputError("Give the business day as YYYY-MM-DD.")
    from datetime import date
    try:
        date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{text} is not a date.") from None
    return text


def normalise_lines(lines: object) -> tuple[tuple[str, int], ...]:
    """[(jan, qty), …] → the same with valid JANs, the same JAN merged, in first-seen order."""
    if isinstance(lines, (str, bytes)) or not isinstance(lines, Iterable):
        raise InputError("Give the cart as a list of (JAN, quantity).")
    merged: dict[str, int] = {}
    for entry in lines:
        if not isinstance(entry, Sequence) or isinstance(entry, (str, bytes)) or len(entry) != 2:
            raise InputError("Each cart line is a JAN and a quantity.")
        jan, qty = normalize_jan(entry[0]), check_qty(entry[1])
        merged[jan] = merged.get(jan, 0) + qty
        if len(merged) > MAX_LINES:
            raise InputError(f"A receipt has at most {MAX_LINES} different items.")
    if not merged:
        raise InputError("The cart is empty: add at least one item.")
    for qty in merged.values():
        check_qty(qty)
    return tuple(merged.items())


def _line(r: sqlite3.Row) -> CartLine:
    return CartLine(r["jan"], r["name_ja"], r["name_en"], int(r["unit_price"]), int(r["qty"]), int(r["amount"]),
                    int(r["tax_rate"]))


def _rate(r: sqlite3.Row) -> RateTotal:
    return RateTotal(int(r["rate"]), int(r["taxable_incl"]), int(r["tax"]))


def load_sale(conn: sqlite3.Connection, row: sqlite3.Row) -> Sale:
    lines = tuple(_line(r) for r in sales_store.sale_lines(conn, row["id"]))
    by_rate = tuple(_rate(r) for r in sales_store.sale_taxes(conn, row["id"]))
    return Sale(row["id"], row["receipt_no"], row["terminal_id"], int(row["store_id"]), int(row["clerk_id"]),
                int(row["customer_id"]), int(row["total"]), lines, by_rate, float(row["at"]), row["business_date"],
                EntryMethod(row["entry_method"]))


def priced_cart(conn: sqlite3.Connection, wanted: Iterable[tuple[str, int]]) -> CartTotals:
    out = []
    for jan, qty in wanted:
        item = catalog_store.item(conn, jan)
        if item is None:
            raise NotFound(f"No item with JAN {jan} in the catalog.", jan=jan)
        out.append(make_line(jan=jan, name_ja=item["name_ja"], name_en=item["name_en"], unit_price=int(item["price"]),
                             qty=qty, tax_rate=int(item["tax_rate"])))
    return totals(out)


class _IdConflict(Exception):
    """Carries a sale-id conflict out of the rolled-back transaction, to be audited after."""

    def __init__(self, sale_id: str, differs: list[str], customer_id: int) -> None:
        super().__init__("sale_id_conflict")
        self.sale_id, self.differs, self.customer_id = sale_id, differs, customer_id


def _canonical_cart(wanted: Iterable[tuple[str, int]]) -> list[list]:
    return [[jan, int(qty)] for jan, qty in sorted(wanted)]


class _Refusal(Exception):
    """Carries a CodeRefused out of the rolled-back transaction, with the alert to record after."""

    def __init__(self, error: CodeRefused, alert: dict | None = None, customer_id: int | None = None) -> None:
        super().__init__(error.code)
        self.error, self.alert, self.customer_id = error, alert, customer_id


class SalesService:
    def __init__(self, core: "Core") -> None:
        self.core = core

    # -- the cart -------------------------------------------------------------------------------
    def quote(self, lines: object) -> CartTotals:
        wanted = normalise_lines(lines)
        with self.core.db.read() as conn:
            return priced_cart(conn, wanted)

    # -- payment --------------------------------------------------------------------------------
    def pay(self, *, terminal_id: str, clerk_id: int, code: str, lines: object, sale_id: str,
            entry_method: EntryMethod | str = EntryMethod.KEYED) -> Sale:
        sale_id = check_sale_id(sale_id)
        entry = check_entry_method(entry_method)
        wanted = normalise_lines(lines)
        if not isinstance(code, str) or not code.strip():
            raise InputError("Scan or type the customer's payment code.")
        try:
            with self.core.db.write() as conn:
                # Terminal, clerk and policy are read inside the payment's transaction: one snapshot.
                terminal = self.core.catalog.terminal(terminal_id)
                clerk = self.core.staff.get(clerk_id)
                policy, now = self.core.policy, self.core.now()
                first = sales_store.sale(conn, sale_id)
                if first is not None:
                    return self._retry(conn, first, terminal.id, clerk.id, wanted, code)
                cart = priced_cart(conn, wanted)
                store = catalog_store.store(conn, terminal.store_id)
                day = business_date_of(now)
                if sales_store.z_report(conn, terminal.id, day) is not None:
                    raise Conflict(f"Terminal {terminal.id} was closed (Z report) for {day}; use another terminal.",
                                   code="day_closed")
                try:
                    verified = self.core.codes.verify_for_redeem(conn, code, now=now, amount=cart.total, policy=policy)
                except CodeRefused as e:
                    raise _Refusal(e) from None
                cid = verified.customer_id
                self._check_money(conn, verified, cart.total, policy, now)
                receipt_no = f"{terminal.id}-{catalog_store.next_receipt_seq(conn, terminal.id):06d}"
                try:
                    moved = ledger.transfer(
                        conn, key=f"sale:{sale_id}", kind="payment", at=now, customer_id=cid, sale_id=sale_id,
                        memo=f"{store['name_en']} {receipt_no}",
                        postings=[(ledger.wallet_account(cid), -cart.total), (ledger.store_account(store["id"]),
                                                                              cart.total)])
                except InsufficientFunds:  # the balance was read above in this transaction; belt and braces
                    raise _Refusal(CodeRefused("The wallet balance is not enough for this payment.",
                                               code="insufficient_funds"), customer_id=cid) from None
                sales_store.insert_sale(
                    conn, sale_id=sale_id, receipt_no=receipt_no, terminal_id=terminal.id, store_id=store["id"],
                    clerk_id=clerk.id, clerk_name=clerk.name, customer_id=cid, code_nonce=verified.nonce,
                    wallet_ref=mask_ref(verified.wallet_ref), total=cart.total, at=now,
                    business_date=day, transfer_id=moved.id, entry_method=entry.value,
                    request_fp=self._fingerprint(conn, terminal.id, clerk.id, wanted, verified.nonce))
                sales_store.insert_sale_lines(conn, sale_id, (
                    (l.jan, l.name_ja, l.name_en, l.unit_price, l.qty, l.amount, l.tax_rate) for l in cart.lines))
                sales_store.insert_sale_taxes(conn, sale_id, ((r.rate, r.taxable_incl, r.tax) for r in cart.by_rate))
                try:
                    self.core.codes.mark_redeemed(conn, verified.nonce, sale_id=sale_id, at=now, amount=cart.total)
                except CodeRefused as e:  # the code's own UNIQUE guard caught a redemption we could not see
                    raise _Refusal(e, customer_id=cid) from None
                audit.record(conn, at=now, event=AuditEvent.PAYMENT, customer_id=cid, actor=f"staff:{clerk.id}",
                             sale_id=sale_id, amount=cart.total, terminal=terminal.id, receipt_no=receipt_no,
                             store_id=store["id"], entry_method=entry.value)
                self.core.identity.notify_owner(
                    conn, cid, **notice("payment", amount=format_yen(cart.total), store_en=store["name_en"],
                                        store_ja=store["name_ja"], time=jst_text(now), at=now, receipt=receipt_no))
                # What was just written, as load_sale would read it back (a retry reads it: the same Sale).
                return Sale(sale_id, receipt_no, terminal.id, int(store["id"]), int(clerk.id), int(cid), int(cart.total),
                            cart.lines, cart.by_rate, float(now), day, entry)
        except _Refusal as refused:
            self._after_refusal(refused, code, terminal.id, now)
            raise refused.error from None
        except _IdConflict as clash:
            self._after_conflict(clash, code, terminal.id, clerk.id, now)
            raise IdempotencyConflict(
                "This sale id was already used for a different payment (another code, cart, terminal or clerk); "
                "nothing was charged. Start a new sale.", code="sale_id_conflict", sale_id=sale_id) from None

    @staticmethod
    def _fingerprint(conn: sqlite3.Connection, terminal_id: str, clerk_id: int, wanted: Iterable[tuple[str, int]],
                     code_ref: str) -> str:
        return idempotency.fingerprint(conn, "sale", terminal=terminal_id, clerk=int(clerk_id),
                                       cart=_canonical_cart(wanted), code=code_ref)

    def _retry(self, conn: sqlite3.Connection, first: sqlite3.Row, terminal_id: str, clerk_id: int,
               wanted: tuple[tuple[str, int], ...], code: str) -> Sale:
        """The first sale when this is the same request again; else `_IdConflict` (nothing written)."""
        # The presented code counts only as a whole, genuine code of ours: its nonce, whatever its form.
        nonce = self.core.codes.identify(conn, code)
        code_ref = nonce if nonce is not None else "unidentified:" + idempotency.secret_ref(conn, code)
        computed = self._fingerprint(conn, terminal_id, clerk_id, wanted, code_ref)
        stored = first["request_fp"]
        if stored is None:  # a sale written before fingerprints: the same rule, from its columns
            stored = self._fingerprint(conn, first["terminal_id"], int(first["clerk_id"]),
                                       [(l["jan"], int(l["qty"])) for l in sales_store.sale_lines(conn, first["id"])],
                                       first["code_nonce"])
        if idempotency.same(stored, computed):
            return load_sale(conn, first)
        sale = load_sale(conn, first)
        differs = [name for name, same in (
            ("code", nonce is not None and idempotency.same(first["code_nonce"], nonce)),
            ("cart", _canonical_cart((l.jan, l.qty) for l in sale.lines) == _canonical_cart(wanted)),
            ("terminal", sale.terminal_id == terminal_id),
            ("clerk", sale.clerk_id == clerk_id)) if not same]
        raise _IdConflict(sale.id, differs or ["request"], sale.customer_id)

    def _after_conflict(self, clash: _IdConflict, code: str, terminal_id: str, clerk_id: int, now: float) -> None:
        """Audited in its own transaction; a different code under a paid sale's id is an alert."""
        with self.core.db.write() as conn:
            audit.record(conn, at=now, event=AuditEvent.SALE_ID_CONFLICT,
                         severity="alert" if "code" in clash.differs else "warning", actor=f"staff:{clerk_id}",
                         customer_id=clash.customer_id, sale_id=clash.sale_id, terminal=terminal_id,
                         differs=",".join(clash.differs), presented_code_ref=idempotency.secret_ref(conn, code))

    def _check_money(self, conn: sqlite3.Connection, verified, total: int, policy, now: float) -> None:
        cid = verified.customer_id
        cap = verified.amount_cap
        if cap is not None and total > cap:
            raise _Refusal(CodeRefused(f"This code allows at most {format_yen(cap)}; the total is "
                                       f"{format_yen(total)}.", code="limit_exceeded", reason="amount_cap"),
                           customer_id=cid)
        if ledger.wallet_balance(conn, cid) < total:
            # The till is not told the balance: the clerk does not need it, the customer sees it in the app.
            raise _Refusal(CodeRefused(f"The wallet balance is not enough for {format_yen(total)}.",
                                       code="insufficient_funds"), customer_id=cid)
        if policy.payment_max_per_transaction and total > policy.payment_max_per_transaction:
            raise _Refusal(CodeRefused(f"One payment can be at most {format_yen(policy.payment_max_per_transaction)}.",
                                       code="limit_exceeded", reason="per_transaction"), customer_id=cid)
        if policy.payment_max_per_day:
            _, spent = sales_store.customer_payments_since(conn, cid, now - DAY_SECONDS)
            if spent + total > policy.payment_max_per_day:
                raise _Refusal(CodeRefused(f"This wallet's payments are limited to "
                                           f"{format_yen(policy.payment_max_per_day)} in 24 hours.",
                                           code="limit_exceeded", reason="per_day"), customer_id=cid)
        window = policy.payment_velocity_seconds
        if window > 0 and (policy.payment_velocity_count or policy.payment_velocity_amount):
            count, amount = sales_store.customer_payments_since(conn, cid, now - window)
            too_many = policy.payment_velocity_count and count + 1 > policy.payment_velocity_count
            too_much = policy.payment_velocity_amount and amount + total > policy.payment_velocity_amount
            if too_many or too_much:
                raise _Refusal(
                    CodeRefused("Too many payments from this wallet in a short time; it was refused for the "
                                "customer's safety.", code="limit_exceeded", reason="velocity"),
                    alert={"payments_in_window": count + 1, "amount_in_window": amount + total,
                           "window_seconds": window, "rule": "count" if too_many else "amount"},
                    customer_id=cid)

    def _after_refusal(self, refused: _Refusal, code: str, terminal_id: str, now: float) -> None:
        if refused.alert is not None:
            with self.core.db.write() as conn:
                audit.record(conn, at=now, event=AuditEvent.PAYMENT_VELOCITY_ALERT, severity="alert",
                             customer_id=refused.customer_id, terminal=terminal_id, **refused.alert)
                # 7pay's victims learned of fraud days later: tell the owner at once.
                self.core.identity.notify_owner(conn, refused.customer_id,
                                                **notice("payment_velocity", terminal=terminal_id))
        self.core.codes.record_refusal(code, refused.error.code, terminal_id=terminal_id)

    # -- reading --------------------------------------------------------------------------------
    @staticmethod
    def _sale_row(conn: sqlite3.Connection, sale_id: str) -> sqlite3.Row:
        row = sales_store.sale(conn, check_sale_id(sale_id))
        if row is None:
            raise NotFound(f"No sale {sale_id}.")
        return row

    def sale(self, sale_id: str) -> Sale:
        with self.core.db.read() as conn:
            return load_sale(conn, self._sale_row(conn, sale_id))

    def summary(self, sale_id: str) -> SaleSummary:
        """What the wallet shows for a paid code: "Paid ¥1,234 at <store>"."""
        with self.core.db.read() as conn:
            row = self._sale_row(conn, sale_id)
            store = catalog_store.store(conn, row["store_id"])
        return SaleSummary(row["id"], int(row["total"]), store["name_ja"], row["receipt_no"], float(row["at"]),
                           store["name_en"])

    def receipt(self, sale_id_or_receipt_no: str) -> Receipt:
        key = sale_id_or_receipt_no
        if not isinstance(key, str) or not (_SALE_ID.fullmatch(key) or _RECEIPT_NO.fullmatch(key)):
            raise InputError("Give a sale id or a receipt number (e.g. T1-000042), exactly, without spaces.")
        with self.core.db.read() as conn:
            row = sales_store.sale(conn, key) if _SALE_ID.fullmatch(key) else None
            if row is None and _RECEIPT_NO.fullmatch(key):
                row = sales_store.sale_by_receipt(conn, key)
            if row is None:
                raise NotFound(f"No sale or receipt {key[:40]}.")
            sale = load_sale(conn, row)
            store = catalog_store.store(conn, sale.store_id)
            refunds = tuple(self._refund_ref(conn, r) for r in sales_store.refunds_of_sale(conn, sale.id))
        return Receipt(sale.id, sale.receipt_no, store["name_ja"], store["name_en"], store["registration_no"],
                       store["address"], sale.terminal_id, row["clerk_name"], sale.at, sale.lines, sale.by_rate,
                       sale.total, PAYMENT_METHOD, row["wallet_ref"], refunds)

    @staticmethod
    def _refund_ref(conn: sqlite3.Connection, r: sqlite3.Row) -> RefundRef:
        lines = tuple((l["jan"], int(l["qty"]), int(l["amount"])) for l in sales_store.refund_lines(conn, r["id"]))
        by_rate = tuple(_rate(x) for x in sales_store.refund_taxes(conn, r["id"]))
        return RefundRef(r["id"], float(r["at"]), int(r["total"]), lines, by_rate)

    def journal(self, terminal_id: str, business_date: str) -> list[Sale]:
        """The terminal's sales of one business day (Japan time), oldest first."""
        terminal = self.core.catalog.terminal(terminal_id)
        day = check_business_date(business_date)
        with self.core.db.read() as conn:
            return [load_sale(conn, r) for r in sales_store.sales_of_day(conn, terminal.id, day)]
