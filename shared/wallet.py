"""WalletService: a customer's balance and history, and a supervisor's freeze / unfreeze.

The balance is the ledger's `wallet:<customer_id>` account; the history is that account's
postings, newest first, in words a customer understands. Freezing is what support does when an
account is being abused: the flag stops payments (`account_locked` at the till) and top-ups,
every outstanding payment code is revoked, and the owner is told.
"""
from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass

from shared import audit, codes, ledger
from shared.audit_events import AuditEvent
from shared.clock import jst_text
from shared.errors import InputError
from shared.mailbox import MessageKind
from shared.money import format_yen
from shared.storage import catalog_store, ledger_store, sales_store
from shared.notices import notice

_MAX_REASON = 200


class EntryKind(enum.Enum):
    TOPUP = "topup"
    PAYMENT = "payment"
    REFUND = "refund"
    REVERSAL = "reversal"
    OPENING = "opening"    # a demo database's opening balance (seed-demo)
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class HistoryItem:
    name_ja: str
    name_en: str
    qty: int


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of a customer's history, with what a payment app shows: where, what, which receipt.

    `kind` is the EntryKind the app translates; `description` is an English summary for the
    CLI. A payment's or refund's store, items and receipt number come from the sale."""
    at: float
    kind: EntryKind
    amount: int        # signed, from the wallet's side: a payment is negative
    description: str
    ref: str           # the sale id when there is one, else "T<transfer id>"
    store_name_ja: str = ""
    store_name_en: str = ""
    receipt_no: str = ""
    items: tuple[HistoryItem, ...] = ()


def _kind(raw: str) -> EntryKind:
    if raw == "seed":
        return EntryKind.OPENING
    try:
        return EntryKind(raw)
    except ValueError:
        return EntryKind.OTHER


def _describe(kind: EntryKind, row: sqlite3.Row) -> str:
    memo = row["memo"] or ""
    if kind is EntryKind.PAYMENT:
        base = memo or "Payment"
        return f"{base} (sale {row['sale_id']})" if row["sale_id"] and row["sale_id"] not in base else base
    if kind is EntryKind.REFUND:
        base = memo or "Refund"
        return f"{base} (sale {row['sale_id']})" if row["sale_id"] and row["sale_id"] not in base else base
    if kind is EntryKind.TOPUP:
        return memo or "Top-up"
    if kind is EntryKind.REVERSAL:
        return memo or "Correction"
    if kind is EntryKind.OPENING:
        return memo or "Demo opening balance"
    return memo or row["kind"]


def _check_customer_id(customer_id: object) -> int:
    """A customer id from a caller: a positive int that fits SQLite (never a bool, str or float)."""
    if isinstance(customer_id, bool) or not isinstance(customer_id, int) or not 0 < customer_id < 2**63:
        raise InputError("A customer id is a positive whole number.")
    return customer_id


def _sale_details(conn: sqlite3.Connection, kind: EntryKind, row: sqlite3.Row) -> dict:
    """Store, receipt number and items of the sale a payment or refund belongs to (a refund lists
    the items it gave back)."""
    sale = sales_store.sale(conn, row["sale_id"])
    if sale is None:
        return {}
    store_row = catalog_store.store(conn, sale["store_id"])
    lines = sales_store.sale_lines(conn, sale["id"])
    items = tuple(HistoryItem(ln["name_ja"], ln["name_en"], int(ln["qty"])) for ln in lines)
    key = row["key"] or ""
    if kind is EntryKind.REFUND and key.startswith("refund:"):
        names = {ln["jan"]: ln for ln in lines}
        items = tuple(HistoryItem(names[r["jan"]]["name_ja"], names[r["jan"]]["name_en"], int(r["qty"]))
                      for r in sales_store.refund_lines(conn, key[len("refund:"):]) if r["jan"] in names)
    return {"store_name_ja": store_row["name_ja"] if store_row else "",
            "store_name_en": store_row["name_en"] if store_row else "",
            "receipt_no": sale["receipt_no"], "items": items}


class WalletService:
    def __init__(self, core) -> None:
        self.core = core

    def balance(self, customer_id: int) -> int:
        _check_customer_id(customer_id)
        with self.core.db.read() as conn:
            return ledger.wallet_balance(conn, customer_id)

    def history(self, customer_id: int, limit: int = 100) -> list[HistoryEntry]:
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise InputError("The history length must be 1 to 10,000 entries.")
        account = ledger.wallet_account(_check_customer_id(customer_id))
        out = []
        with self.core.db.read() as conn:
            rows = ledger_store.account_entries(conn, account, limit)
            for r in rows:
                kind = _kind(r["kind"])
                extra = _sale_details(conn, kind, r) if r["sale_id"] else {}
                out.append(HistoryEntry(r["at"], kind, int(r["amount"]), _describe(kind, r),
                                        str(r["sale_id"]) if r["sale_id"] else f"T{r['id']}", **extra))
        return out

    def change_counter(self) -> int:
        """A number that moves whenever another connection (another process: the till) committed
        a change to the database, so a wallet can poll once a second and re-read only then.
        SQLite's `PRAGMA data_version` does exactly that and costs no table read (PostgreSQL: a
        counter every write transaction bumps); `Database.change_counter`."""
        return self.core.db.change_counter()

    # -- freeze ---------------------------------------------------------------------------------
    def freeze(self, customer_id: int, *, supervisor_id: int, pin: str, reason: str = "") -> None:
        self._set_frozen(customer_id, True, supervisor_id=supervisor_id, pin=pin, reason=reason)

    def unfreeze(self, customer_id: int, *, supervisor_id: int, pin: str, reason: str = "") -> None:
        self._set_frozen(customer_id, False, supervisor_id=supervisor_id, pin=pin, reason=reason)

    def _set_frozen(self, customer_id: int, frozen: bool, *, supervisor_id: int, pin: str, reason: str) -> None:
        if reason is None:
            reason = ""
        if not isinstance(reason, str) or len(reason) > _MAX_REASON or not reason.isprintable():
            raise InputError(f"The reason is at most {_MAX_REASON} printable characters.")
        _check_customer_id(customer_id)
        supervisor = self.core.staff.require_supervisor(supervisor_id, pin)
        self.core.identity.customer(customer_id)  # NotFound before anything is written
        now = self.core.now()
        with self.core.db.write() as conn:
            self.core.identity.set_frozen(conn, customer_id, frozen)
            revoked = self._revoke_codes(conn, customer_id, now) if frozen else None
            audit.record(conn, at=now, event=AuditEvent.WALLET_FROZEN if frozen else AuditEvent.WALLET_UNFROZEN,
                         severity="warning",
                         customer_id=customer_id, actor=f"staff:{supervisor.id}", reason=reason.strip(),
                         payment_codes_revoked=revoked)
            balance = ledger.wallet_balance(conn, customer_id)
            key = ("wallet_frozen_reason" if reason.strip() else "wallet_frozen") if frozen else "wallet_unfrozen"
            self.core.identity.notify_owner(conn, customer_id, kind=MessageKind.SECURITY,
                                            **notice(key, time=jst_text(now), at=now, reason=reason.strip(),
                                                     balance=format_yen(balance)))

    def _revoke_codes(self, conn: sqlite3.Connection, customer_id: int, now: float) -> int:
        """Outstanding payment codes die with the freeze, in the freeze's transaction."""
        return codes.revoke_all_for_customer(conn, customer_id, reason="frozen", at=now)
