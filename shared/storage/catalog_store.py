"""SQL of the catalog: items, stores, terminals."""
from __future__ import annotations

import sqlite3

from shared.storage.db import dialect


def items(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM items WHERE active = 1 ORDER BY tax_rate, jan").fetchall()


def item(conn: sqlite3.Connection, jan: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM items WHERE jan = ? AND active = 1", (jan,)).fetchone()


def search(conn: sqlite3.Connection, text: str) -> list[sqlite3.Row]:
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    prefix = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return conn.execute(
        "SELECT * FROM items WHERE active = 1 AND (jan LIKE ? ESCAPE '\\' OR name_ja LIKE ? ESCAPE '\\' "
        "OR name_en LIKE ? ESCAPE '\\') ORDER BY tax_rate, jan", (prefix, like, like)).fetchall()


def insert_item(conn: sqlite3.Connection, *, jan: str, name_ja: str, name_en: str, price: int, tax_rate: int,
                at: float) -> None:
    conn.execute("INSERT INTO items (jan, name_ja, name_en, price, tax_rate, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                 (jan, name_ja, name_en, price, tax_rate, at))


def count_items(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM items").fetchone()[0]


def store(conn: sqlite3.Connection, store_id: int | None) -> sqlite3.Row | None:
    if store_id is None:
        return conn.execute("SELECT * FROM stores ORDER BY id LIMIT 1").fetchone()
    return conn.execute("SELECT * FROM stores WHERE id = ?", (store_id,)).fetchone()


def insert_store(conn: sqlite3.Connection, *, name_ja: str, name_en: str, registration_no: str, address: str,
                 at: float) -> int:
    cur = conn.execute("INSERT INTO stores (name_ja, name_en, registration_no, address, created_at) "
                       "VALUES (?, ?, ?, ?, ?)", (name_ja, name_en, registration_no, address, at))
    return int(cur.lastrowid)


def terminals(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM terminals ORDER BY length(id), id").fetchall()


def terminal(conn: sqlite3.Connection, terminal_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM terminals WHERE id = ?", (terminal_id,)).fetchone()


def insert_terminal(conn: sqlite3.Connection, *, terminal_id: str, store_id: int, name: str, at: float) -> None:
    conn.execute("INSERT INTO terminals (id, store_id, name, created_at) VALUES (?, ?, ?, ?)",
                 (terminal_id, store_id, name, at))


def next_receipt_seq(conn: sqlite3.Connection, terminal_id: str) -> int:
    """Bump and return the terminal's receipt counter (inside the sale's write transaction)."""
    if dialect(conn) == "postgresql":       # one round trip to the server instead of two
        return int(conn.execute("UPDATE terminals SET receipt_seq = receipt_seq + 1 WHERE id = ? RETURNING receipt_seq",
                                (terminal_id,)).fetchone()[0])
    conn.execute("UPDATE terminals SET receipt_seq = receipt_seq + 1 WHERE id = ?", (terminal_id,))
    return int(conn.execute("SELECT receipt_seq FROM terminals WHERE id = ?", (terminal_id,)).fetchone()[0])
