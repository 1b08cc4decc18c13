"""SQL of the audit log."""
from __future__ import annotations

import sqlite3
from typing import Iterator


def last(conn: sqlite3.Connection) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()


def insert(conn: sqlite3.Connection, *, at: float, event: str, severity: str, customer_id: int | None,
           actor: str | None, details: str, prev_hash: str, hash_: str) -> int:
    cur = conn.execute(
        "INSERT INTO audit_log (at, event, severity, customer_id, actor, details, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (at, event, severity, customer_id, actor, details, prev_hash, hash_))
    return int(cur.lastrowid)


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def all_rows(conn: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    return iter(conn.execute("SELECT * FROM audit_log ORDER BY id"))


def query(conn: sqlite3.Connection, *, event: str | None = None, severity: str | None = None,
          customer_id: int | None = None, since: float | None = None, limit: int = 200) -> list[sqlite3.Row]:
    sql, args = "SELECT * FROM audit_log WHERE 1=1", []
    if event is not None:
        sql += " AND event = ?"; args.append(event)
    if severity is not None:
        sql += " AND severity = ?"; args.append(severity)
    if customer_id is not None:
        sql += " AND customer_id = ?"; args.append(customer_id)
    if since is not None:
        sql += " AND at >= ?"; args.append(since)
    sql += " ORDER BY id DESC LIMIT ?"; args.append(limit)
    return conn.execute(sql, args).fetchall()


def count_since(conn: sqlite3.Connection, event: str, since: float, customer_id: int | None = None) -> int:
    if customer_id is None:
        return conn.execute("SELECT count(*) FROM audit_log WHERE event = ? AND at >= ?", (event, since)).fetchone()[0]
    return conn.execute("SELECT count(*) FROM audit_log WHERE event = ? AND at >= ? AND customer_id = ?",
                        (event, since, customer_id)).fetchone()[0]
