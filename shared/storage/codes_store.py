"""SQL of payment codes: wallet references and counters, issued codes, redemptions."""
from __future__ import annotations

import sqlite3

from shared.storage.db import savepoint



# -- wallets --------------------------------------------------------------------------------------
def wallet(conn: sqlite3.Connection, customer_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM code_wallets WHERE customer_id = ?", (customer_id,)).fetchone()


def insert_wallet(conn: sqlite3.Connection, customer_id: int, wallet_ref: str, *, at: float) -> None:
    conn.execute("INSERT INTO code_wallets (customer_id, wallet_ref, counter, created_at) VALUES (?, ?, 0, ?)",
                 (customer_id, wallet_ref, at))


def next_counter(conn: sqlite3.Connection, customer_id: int) -> int:
    conn.execute("UPDATE code_wallets SET counter = counter + 1 WHERE customer_id = ?", (customer_id,))
    return int(conn.execute("SELECT counter FROM code_wallets WHERE customer_id = ?", (customer_id,)).fetchone()[0])


def customer_frozen(conn: sqlite3.Connection, customer_id: int) -> bool | None:
    """The identity table's freeze flag; None when there is no such customer."""
    row = conn.execute("SELECT frozen FROM customers WHERE id = ?", (customer_id,)).fetchone()
    return None if row is None else bool(row[0])


# -- codes ----------------------------------------------------------------------------------------
def insert_code(conn: sqlite3.Connection, *, nonce: str, customer_id: int, wallet_ref: str, key_id: str,
                numeric_hash: str, issued_at: int, expires_at: int, amount_cap: int | None, counter: int,
                single_use: bool, at: float) -> int:
    """Raises sqlite3.IntegrityError when the nonce or the numeric form collides."""
    with savepoint(conn):
        cur = conn.execute(
            "INSERT INTO payment_codes (nonce, customer_id, wallet_ref, key_id, numeric_hash, issued_at, expires_at, "
            "amount_cap, counter, single_use, state, state_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?)",
            (nonce, customer_id, wallet_ref, key_id, numeric_hash, issued_at, expires_at, amount_cap, counter,
             1 if single_use else 0, at))
    return int(cur.lastrowid)


def code_by_nonce(conn: sqlite3.Connection, nonce: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM payment_codes WHERE nonce = ?", (nonce,)).fetchone()


def code_by_numeric_hash(conn: sqlite3.Connection, numeric_hash: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM payment_codes WHERE numeric_hash = ?", (numeric_hash,)).fetchone()


def supersede_live_codes(conn: sqlite3.Connection, customer_id: int, *, at: float) -> int:
    return conn.execute(
        "UPDATE payment_codes SET state = 'superseded', state_at = ?, reason = 'a newer code was issued' "
        "WHERE customer_id = ? AND state = 'issued' AND expires_at > ?", (at, customer_id, at)).rowcount


def revoke_outstanding(conn: sqlite3.Connection, customer_id: int, *, reason: str, at: float) -> int:
    """Every code that could still pay: unused ones, and reusable (2019) ones even after a payment."""
    return conn.execute(
        "UPDATE payment_codes SET state = 'revoked', state_at = ?, reason = ? "
        "WHERE customer_id = ? AND expires_at > ? "
        "AND (state IN ('issued', 'refused') OR (state = 'paid' AND single_use = 0))",
        (at, reason, customer_id, at)).rowcount


def revoke_all_outstanding(conn: sqlite3.Connection, *, reason: str, at: float) -> int:
    """`revoke_outstanding` for every customer at once."""
    return conn.execute(
        "UPDATE payment_codes SET state = 'revoked', state_at = ?, reason = ? "
        "WHERE expires_at > ? AND (state IN ('issued', 'refused') OR (state = 'paid' AND single_use = 0))",
        (at, reason, at)).rowcount


def set_state(conn: sqlite3.Connection, code_id: int, state: str, *, at: float, reason: str | None) -> None:
    conn.execute("UPDATE payment_codes SET state = ?, state_at = ?, reason = ? WHERE id = ?",
                 (state, at, reason, code_id))


def set_paid(conn: sqlite3.Connection, code_id: int, *, sale_id: str, amount: int | None, at: float) -> None:
    conn.execute("UPDATE payment_codes SET state = 'paid', state_at = ?, reason = NULL, sale_id = ?, amount = ? "
                 "WHERE id = ?", (at, sale_id, amount, code_id))


# -- redemptions ----------------------------------------------------------------------------------
def redemption(conn: sqlite3.Connection, nonce: str, sale_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM code_redemptions WHERE nonce = ? AND sale_id = ?",
                        (nonce, sale_id)).fetchone()


def insert_redemption(conn: sqlite3.Connection, *, code_id: int, nonce: str, sale_id: str, at: float,
                      amount: int | None, single_use: bool) -> None:
    """Raises sqlite3.IntegrityError when a single-use code was already redeemed: the replay guard."""
    with savepoint(conn):
        conn.execute(
            "INSERT INTO code_redemptions (code_id, nonce, sale_id, redeemed_at, amount, single_use_slot) "
            "VALUES (?, ?, ?, ?, ?, ?)", (code_id, nonce, sale_id, at, amount, nonce if single_use else None))


def redemption_count(conn: sqlite3.Connection, nonce: str) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM code_redemptions WHERE nonce = ?", (nonce,)).fetchone()[0])
