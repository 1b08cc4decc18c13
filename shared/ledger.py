"""Double-entry ledger: every movement of money is one transfer whose postings sum to 0.

    with core.db.write() as conn:
        ledger.transfer(conn, key="topup:7:abc", kind="topup", at=core.now(),
                        postings=[("card_clearing", -5000), (ledger.wallet_account(7), 5000)])

Rules, each enforced where it cannot be bypassed:
- amounts are `int` yen (a float or bool raises `TypeError`), non-zero, at least two postings,
  summing to 0 (here, and recomputed by `check`);
- a wallet (`wallet:<customer_id>`) never goes below 0: checked inside the caller's write
  transaction (and by a CHECK on the balance cache), so two processes cannot both spend the
  same yen;
- the client's key makes a transfer idempotent: the same key returns the first transfer and
  moves nothing; the same key with another kind or other postings is a `Conflict` (never the
  first transfer silently returned); keys are strict (printable ASCII, no surrounding spaces);
- postings are append-only (database triggers); corrections are `reverse()`-ing transfers.

Accounts: `wallet:<customer_id>`, `store:<store_id>`, `card_clearing` (money arriving from cards,
negative: what the card schemes owe us), `refunds`.
"""
from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from shared.errors import Conflict, InputError, InsufficientFunds, NotFound
from shared.money import Yen, format_yen
from shared.storage import ledger_store

CARD_CLEARING = "card_clearing"
REFUNDS = "refunds"
WALLET_PREFIX = "wallet:"
STORE_PREFIX = "store:"
_ACCOUNT = re.compile(r"[a-z][a-z_]{0,31}(:[A-Za-z0-9_\-]{1,40})?")   # always fullmatch
_KIND = re.compile(r"[a-z][a-z_]{0,31}")
_MAX_KEY = 200
_MAX_POSTINGS = 1000
_MAX_AMOUNT = 10**12  # far above any real wallet; keeps sums well inside SQLite's 64-bit integers
APPEND_ONLY_TRIGGERS = ("transfers_no_update", "transfers_no_delete", "postings_no_update", "postings_no_delete")


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    amount: int


@dataclass(frozen=True, slots=True)
class Transfer:
    id: int
    key: str
    kind: str
    at: float
    postings: tuple[Posting, ...]
    memo: str = ""
    customer_id: int | None = None
    sale_id: str | None = None
    reverses: int | None = None


def wallet_account(customer_id: int) -> str:
    if isinstance(customer_id, bool) or not isinstance(customer_id, int):
        raise TypeError("a customer id is an int")
    if not 0 < customer_id < 2 ** 63:  # an id sqlite could never have issued (e.g. beyond 64 bits)
        raise InputError("No such customer.", code="not_found")
    return f"{WALLET_PREFIX}{customer_id}"


def store_account(store_id: int | str) -> str:
    return f"{STORE_PREFIX}{store_id}"


def is_wallet(account: str) -> bool:
    return account.startswith(WALLET_PREFIX)


def _amount(value: object) -> int:
    if isinstance(value, Yen):
        value = value.amount
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a posting amount must be an int of yen, not {type(value).__name__}")
    if value == 0:
        raise InputError("A posting of ¥0 moves nothing; leave it out.")
    if abs(value) > _MAX_AMOUNT:
        raise InputError("That amount is far too large for one posting.")
    return value


def _normalise(postings: Iterable[tuple[str, int] | Posting]) -> tuple[Posting, ...]:
    out = []
    for p in postings:
        account, amount = (p.account, p.amount) if isinstance(p, Posting) else p
        if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
            raise InputError(f"Not a ledger account name: {str(account)[:50]!r}.")
        out.append(Posting(account, _amount(amount)))
        if len(out) > _MAX_POSTINGS:
            raise InputError("Too many postings in one transfer.")
    if len(out) < 2:
        raise InputError("A transfer needs at least two postings (money leaves one account and enters another).")
    total = sum(p.amount for p in out)
    if total != 0:
        raise InputError(f"The postings of a transfer must sum to ¥0; these sum to {format_yen(total)}.")
    return tuple(out)


def _same_postings(a: Sequence[Posting], b: Sequence[Posting]) -> bool:
    return Counter(a) == Counter(b)


def _load(conn: sqlite3.Connection, row: sqlite3.Row) -> Transfer:
    postings = tuple(Posting(r["account"], int(r["amount"])) for r in ledger_store.postings_of(conn, row["id"]))
    return Transfer(row["id"], row["key"], row["kind"], row["at"], postings, row["memo"], row["customer_id"],
                    row["sale_id"], row["reverses"])


def transfer(conn: sqlite3.Connection, *, key: str, kind: str, postings: Iterable[tuple[str, int] | Posting],
             at: float, memo: str = "", customer_id: int | None = None, sale_id: str | None = None,
             _reverses: int | None = None) -> Transfer:
    """Record one balanced transfer inside the caller's write transaction (see the module doc)."""
    if not conn.in_transaction:
        raise RuntimeError("ledger.transfer must run inside a write transaction")
    if not isinstance(key, str) or not key or len(key) > _MAX_KEY or not key.isascii() or not key.isprintable() \
            or key != key.strip():
        # Strict: "k" and "k\n" must never be two transfers (the same money moved twice).
        raise InputError("A transfer needs an idempotency key (1–200 printable ASCII characters, no surrounding "
                         "spaces).")
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise InputError(f"Not a transfer kind: {str(kind)[:32]!r}.")
    if not isinstance(memo, str) or len(memo) > 500:
        raise InputError("A memo is text of at most 500 characters.")
    if isinstance(at, bool) or not isinstance(at, (int, float)):
        raise TypeError("`at` is unix seconds")
    wanted = _normalise(postings)

    first = ledger_store.transfer_by_key(conn, key)
    if first is not None:
        existing = _load(conn, first)
        if existing.kind != kind or not _same_postings(existing.postings, wanted):
            raise Conflict("This request id was already used for a different transfer; nothing was moved.",
                           key=key)
        return existing

    net: dict[str, int] = {}
    for p in wanted:
        net[p.account] = net.get(p.account, 0) + p.amount
    # Read inside the caller's BEGIN IMMEDIATE: no other writer can move these wallets meanwhile.
    for account, delta in net.items():
        if is_wallet(account) and delta < 0:
            available = ledger_store.cached_balance(conn, account)
            if available + delta < 0:
                raise InsufficientFunds(
                    f"The wallet holds {format_yen(available)}; {format_yen(-delta)} is needed.",
                    available=available, needed=-delta)

    transfer_id = ledger_store.insert_transfer(conn, key=key, kind=kind, at=float(at), memo=memo,
                                               customer_id=customer_id, sale_id=sale_id, reverses=_reverses)
    ledger_store.insert_postings(conn, transfer_id, ((p.account, p.amount) for p in wanted))
    for account, delta in net.items():
        if delta:
            ledger_store.add_to_balance(conn, account, delta)
    return Transfer(transfer_id, key, kind, float(at), wanted, memo, customer_id, sale_id, _reverses)


def opening_balance(conn: sqlite3.Connection, customer_id: int, amount: int, *, key: str, at: float,
                    memo: str = "Opening balance") -> Transfer:
    """Book a balance the customer had before the story starts (demo, lab, attack and tour data):
    one `seed` transfer from card clearing into the wallet, inside the caller's write transaction."""
    return transfer(conn, key=key, kind="seed", at=at, memo=memo, customer_id=customer_id,
                    postings=[(CARD_CLEARING, -amount), (wallet_account(customer_id), amount)])


def reverse(conn: sqlite3.Connection, transfer_id: int, *, key: str, at: float, memo: str = "") -> Transfer:
    """A correction: a new transfer with every posting of `transfer_id` negated. A transfer can be
    reversed once; reversing a top-up whose money was already spent raises InsufficientFunds."""
    row = ledger_store.transfer_by_id(conn, transfer_id)
    if row is None:
        raise NotFound(f"There is no transfer #{transfer_id}.")
    original = _load(conn, row)
    again = ledger_store.transfer_by_key(conn, key)
    if again is not None and again["reverses"] == transfer_id:
        return _load(conn, again)
    if ledger_store.reversal_of(conn, transfer_id) is not None:
        raise Conflict(f"Transfer #{transfer_id} was already reversed.")
    return transfer(conn, key=key, kind="reversal", at=at, memo=memo or f"reversal of #{transfer_id}",
                    postings=[(p.account, -p.amount) for p in original.postings],
                    customer_id=original.customer_id, sale_id=original.sale_id, _reverses=transfer_id)


def get(conn: sqlite3.Connection, *, key: str | None = None, transfer_id: int | None = None) -> Transfer | None:
    row = (ledger_store.transfer_by_key(conn, key) if key is not None
           else ledger_store.transfer_by_id(conn, transfer_id))
    return _load(conn, row) if row is not None else None


def balance(conn: sqlite3.Connection, account: str) -> int:
    return ledger_store.cached_balance(conn, account)


def wallet_balance(conn: sqlite3.Connection, customer_id: int) -> int:
    return balance(conn, wallet_account(customer_id))


def check(conn: sqlite3.Connection) -> list[str]:
    """Every ledger invariant, recomputed from the postings; one sentence per violation."""
    problems: list[str] = []
    for name in ledger_store.missing_triggers(conn, APPEND_ONLY_TRIGGERS):
        problems.append(f"ledger: the append-only guard {name} is missing")
    for r in ledger_store.non_integer_postings(conn):
        problems.append(f"ledger: posting #{r['id']} of transfer #{r['transfer_id']} is not a non-zero integer "
                        f"({r['t']})")
    for r in ledger_store.orphan_postings(conn):
        problems.append(f"ledger: posting #{r['id']} belongs to no transfer (#{r['transfer_id']})")
    for r in ledger_store.unbalanced_transfers(conn):
        if r["n"] < 2:
            problems.append(f"ledger: transfer #{r['id']} ({r['key']}) has {r['n']} posting(s); it needs two or more")
        else:
            problems.append(f"ledger: transfer #{r['id']} ({r['key']}) sums to {r['total']}, not 0")
    journal = ledger_store.journal_balances(conn)
    cached = ledger_store.cached_balances(conn)
    for account in sorted(set(journal) | set(cached)):
        j, c = journal.get(account, 0), cached.get(account, 0)
        if is_wallet(account) and j < 0:
            problems.append(f"ledger: {account} is negative ({j}) in the journal")
        if j != c:
            problems.append(f"ledger: {account} balance is {c} but its postings sum to {j}")
    return problems


def totals(conn: sqlite3.Connection) -> dict[str, int]:
    transfers, accounts = ledger_store.counts(conn)
    return {"transfers": transfers, "accounts": accounts}
