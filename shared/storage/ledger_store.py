"""SQL of the ledger: transfers, postings and the balance cache."""
from __future__ import annotations

import sqlite3
from typing import Iterable

from shared.storage.db import dialect


def transfer_by_key(conn: sqlite3.Connection, key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM transfers WHERE key = ?", (key,)).fetchone()


def transfer_by_id(conn: sqlite3.Connection, transfer_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM transfers WHERE id = ?", (transfer_id,)).fetchone()


def reversal_of(conn: sqlite3.Connection, transfer_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM transfers WHERE reverses = ?", (transfer_id,)).fetchone()


def postings_of(conn: sqlite3.Connection, transfer_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT account, amount FROM postings WHERE transfer_id = ? ORDER BY id",
                        (transfer_id,)).fetchall()


def insert_transfer(conn: sqlite3.Connection, *, key: str, kind: str, at: float, memo: str,
                    customer_id: int | None, sale_id: str | None, reverses: int | None = None) -> int:
    cur = conn.execute(
        "INSERT INTO transfers (key, kind, at, memo, customer_id, sale_id, reverses) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (key, kind, at, memo, customer_id, sale_id, reverses))
    return int(cur.lastrowid)


def insert_postings(conn: sqlite3.Connection, transfer_id: int, postings: Iterable[tuple[str, int]]) -> None:
    conn.executemany("INSERT INTO postings (transfer_id, account, amount) VALUES (?, ?, ?)",
                     [(transfer_id, account, amount) for account, amount in postings])


def cached_balance(conn: sqlite3.Connection, account: str) -> int:
    row = conn.execute("SELECT balance FROM balances WHERE account = ?", (account,)).fetchone()
    return int(row[0]) if row else 0


def add_to_balance(conn: sqlite3.Connection, account: str, delta: int) -> None:
    # Not an upsert: SQLite checks the CHECK on the would-be inserted row (the bare delta) first.
    if conn.execute("UPDATE balances SET balance = balance + ? WHERE account = ?", (delta, account)).rowcount == 0:
        conn.execute("INSERT INTO balances (account, balance) VALUES (?, ?)", (account, delta))


def journal_balance(conn: sqlite3.Connection, account: str) -> int:
    return int(conn.execute("SELECT coalesce(sum(amount), 0) FROM postings WHERE account = ?",
                            (account,)).fetchone()[0])


# -- what `check` recomputes --------------------------------------------------------------------
def journal_balances(conn: sqlite3.Connection) -> dict[str, int]:
    return {r[0]: int(r[1]) for r in conn.execute("SELECT account, sum(amount) FROM postings GROUP BY account")}


def cached_balances(conn: sqlite3.Connection) -> dict[str, int]:
    return {r[0]: r[1] for r in conn.execute("SELECT account, balance FROM balances")}


def unbalanced_transfers(conn: sqlite3.Connection, limit: int = 100) -> list[sqlite3.Row]:
    """Transfers whose postings do not sum to 0, or that have fewer than two postings."""
    return conn.execute(
        "SELECT t.id, t.key, count(p.id) AS n, coalesce(sum(p.amount), 0) AS total "
        "FROM transfers t LEFT JOIN postings p ON p.transfer_id = t.id "
        "GROUP BY t.id HAVING coalesce(sum(p.amount), 0) <> 0 OR count(p.id) < 2 ORDER BY t.id LIMIT ?",
        (limit,)).fetchall()


def non_integer_postings(conn: sqlite3.Connection, limit: int = 100) -> list[sqlite3.Row]:
    if dialect(conn) == "postgresql":  # the column is BIGINT: only a zero can slip past a bug
        return conn.execute("SELECT id, transfer_id, 'integer' AS t FROM postings WHERE amount = 0 "
                            "ORDER BY id LIMIT ?", (limit,)).fetchall()
    return conn.execute("SELECT id, transfer_id, typeof(amount) AS t FROM postings "
                        "WHERE typeof(amount) <> 'integer' OR amount = 0 ORDER BY id LIMIT ?", (limit,)).fetchall()


def orphan_postings(conn: sqlite3.Connection, limit: int = 100) -> list[sqlite3.Row]:
    return conn.execute("SELECT p.id, p.transfer_id FROM postings p LEFT JOIN transfers t ON t.id = p.transfer_id "
                        "WHERE t.id IS NULL ORDER BY p.id LIMIT ?", (limit,)).fetchall()


def missing_triggers(conn: sqlite3.Connection, names: Iterable[str]) -> list[str]:
    if dialect(conn) == "postgresql":
        present = {r[0] for r in conn.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND t.tgenabled <> 'D'")}
    else:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [n for n in names if n not in present]


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    transfers = conn.execute("SELECT count(*) FROM transfers").fetchone()[0]
    accounts = conn.execute("SELECT count(DISTINCT account) FROM postings").fetchone()[0]
    return int(transfers), int(accounts)


# -- a wallet's history ---------------------------------------------------------------------------
def account_entries(conn: sqlite3.Connection, account: str, limit: int) -> list[sqlite3.Row]:
    """One row per transfer touching `account`, newest first, with the account's net amount."""
    return conn.execute(
        "SELECT t.id, t.key, t.kind, t.at, t.memo, t.sale_id, t.reverses, sum(p.amount) AS amount "
        "FROM postings p JOIN transfers t ON t.id = p.transfer_id WHERE p.account = ? "
        "GROUP BY t.id ORDER BY t.id DESC LIMIT ?", (account, limit)).fetchall()
