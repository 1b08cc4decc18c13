"""SQL of a server's till shifts (migration 0014): the SHA-256 of each shift token, its terminal, clerk and
expiry (real time)."""
from __future__ import annotations

import sqlite3


def add(conn: sqlite3.Connection, *, token_sha256: str, terminal_id: str, clerk_id: int, opened_at: float,
        expires_at: float) -> None:
    conn.execute("INSERT INTO service_shifts (token_sha256, terminal_id, clerk_id, opened_at, expires_at) "
                 "VALUES (?, ?, ?, ?, ?)", (token_sha256, terminal_id, clerk_id, opened_at, expires_at))


def get(conn: sqlite3.Connection, token_sha256: str) -> sqlite3.Row | None:
    return conn.execute("SELECT terminal_id, clerk_id, expires_at FROM service_shifts WHERE token_sha256 = ?",
                        (token_sha256,)).fetchone()


def remove(conn: sqlite3.Connection, token_sha256: str) -> None:
    conn.execute("DELETE FROM service_shifts WHERE token_sha256 = ?", (token_sha256,))


def purge_expired(conn: sqlite3.Connection, now: float) -> int:
    return conn.execute("DELETE FROM service_shifts WHERE expires_at < ?", (now,)).rowcount
