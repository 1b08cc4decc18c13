"""SQL of card top-ups and the 2019 top-up password."""
from __future__ import annotations

import sqlite3


def insert(conn: sqlite3.Connection, *, customer_id: int, transfer_id: int, idempotency_key: str, amount: int,
           card_brand: str, card_last4: str, balance_after: int, at: float, request_fp: str) -> int:
    cur = conn.execute(
        "INSERT INTO topups (customer_id, transfer_id, idempotency_key, amount, card_brand, card_last4, "
        "balance_after, at, request_fp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (customer_id, transfer_id, idempotency_key, amount, card_brand, card_last4, balance_after, at, request_fp))
    return int(cur.lastrowid)


def by_key(conn: sqlite3.Connection, customer_id: int, idempotency_key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM topups WHERE customer_id = ? AND idempotency_key = ?",
                        (customer_id, idempotency_key)).fetchone()


def since(conn: sqlite3.Connection, customer_id: int, since_at: float) -> tuple[int, int]:
    """(count, total yen) of the customer's top-ups with `at` after `since_at`."""
    row = conn.execute("SELECT count(*), coalesce(sum(amount), 0) FROM topups WHERE customer_id = ? AND at > ?",
                       (customer_id, since_at)).fetchone()
    return int(row[0]), int(row[1])


def oldest_since(conn: sqlite3.Connection, customer_id: int, since_at: float) -> list[sqlite3.Row]:
    """The customer's top-ups after `since_at`, oldest first (to tell when room frees up)."""
    return conn.execute("SELECT at, amount FROM topups WHERE customer_id = ? AND at > ? ORDER BY at, id",
                        (customer_id, since_at)).fetchall()


def mismatched_with_ledger(conn: sqlite3.Connection, limit: int = 100) -> list[sqlite3.Row]:
    """Top-ups whose transfer does not credit the customer's wallet with exactly their amount."""
    return conn.execute(
        "SELECT tp.id, tp.amount, coalesce(sum(p.amount), 0) AS credited FROM topups tp "
        "LEFT JOIN postings p ON p.transfer_id = tp.transfer_id AND p.account = 'wallet:' || tp.customer_id "
        "GROUP BY tp.id HAVING coalesce(sum(p.amount), 0) <> tp.amount ORDER BY tp.id LIMIT ?", (limit,)).fetchall()


# -- the 2019 top-up password -----------------------------------------------------------------------
def password_hash(conn: sqlite3.Connection, customer_id: int) -> str | None:
    row = conn.execute("SELECT hash FROM topup_passwords WHERE customer_id = ?", (customer_id,)).fetchone()
    return row[0] if row else None


def set_password_hash(conn: sqlite3.Connection, customer_id: int, hash_: str, at: float) -> None:
    conn.execute("INSERT INTO topup_passwords (customer_id, hash, set_at) VALUES (?, ?, ?) "
                 "ON CONFLICT (customer_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
                 (customer_id, hash_, at))


def password_row(conn: sqlite3.Connection, customer_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM topup_passwords WHERE customer_id = ?", (customer_id,)).fetchone()


def reserve_password_attempt(conn: sqlite3.Connection, customer_id: int, at: float) -> int:
    """Count one more attempt (as failed until it proves right), stamped `at`; returns the new count."""
    conn.execute("UPDATE topup_passwords SET failures = failures + 1, attempt_at = ? WHERE customer_id = ?",
                 (at, customer_id))
    return int(conn.execute("SELECT failures FROM topup_passwords WHERE customer_id = ?",
                            (customer_id,)).fetchone()[0])


def set_password_lock(conn: sqlite3.Connection, customer_id: int, until: float) -> None:
    conn.execute("UPDATE topup_passwords SET locked_until = ?, failures = 0, attempt_at = NULL WHERE customer_id = ?",
                 (until, customer_id))


def clear_password_failures(conn: sqlite3.Connection, customer_id: int) -> None:
    conn.execute("UPDATE topup_passwords SET failures = 0, locked_until = NULL, attempt_at = NULL "
                 "WHERE customer_id = ?", (customer_id,))
