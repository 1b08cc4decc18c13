"""SQL of the simulated mailbox."""
from __future__ import annotations

import sqlite3


def insert(conn: sqlite3.Connection, *, to_addr: str, subject: str, body: str, sent_at: float, kind: str,
           subject_ja: str | None = None, body_ja: str | None = None) -> int:
    cur = conn.execute("INSERT INTO mailbox (to_addr, subject, body, sent_at, kind, subject_ja, body_ja)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)", (to_addr, subject, body, sent_at, kind, subject_ja, body_ja))
    return int(cur.lastrowid)


def for_address(conn: sqlite3.Connection, to_addr: str, limit: int = 500) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM mailbox WHERE to_addr = ? ORDER BY id DESC LIMIT ?",
                        (to_addr, limit)).fetchall()


def everything(conn: sqlite3.Connection, limit: int = 1000) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM mailbox ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
