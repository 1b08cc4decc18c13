"""SQL of store staff (clerks and supervisors) and their PIN failure counters."""
from __future__ import annotations

import sqlite3


def insert(conn: sqlite3.Connection, *, name: str, role: str, pin_hash: str, at: float) -> int:
    cur = conn.execute("INSERT INTO staff (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?)",
                       (name, role, pin_hash, at))
    return int(cur.lastrowid)


def by_id(conn: sqlite3.Connection, staff_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM staff WHERE id = ? AND active = 1", (staff_id,)).fetchone()


def active(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM staff WHERE active = 1 ORDER BY id").fetchall()


def reserve_attempt(conn: sqlite3.Connection, staff_id: int, at: float) -> int:
    """Count one more attempt (as failed until it proves right), stamped `at`; returns the count."""
    conn.execute("UPDATE staff SET failures = failures + 1, attempt_at = ? WHERE id = ?", (at, staff_id))
    return int(conn.execute("SELECT failures FROM staff WHERE id = ?", (staff_id,)).fetchone()[0])


def lock(conn: sqlite3.Connection, staff_id: int, until: float) -> None:
    conn.execute("UPDATE staff SET locked_until = ?, failures = 0, attempt_at = NULL WHERE id = ?", (until, staff_id))


def clear_failures(conn: sqlite3.Connection, staff_id: int) -> None:
    conn.execute("UPDATE staff SET failures = 0, locked_until = NULL, attempt_at = NULL WHERE id = ?", (staff_id,))


def set_pin_hash(conn: sqlite3.Connection, staff_id: int, pin_hash: str) -> None:
    conn.execute("UPDATE staff SET pin_hash = ? WHERE id = ?", (pin_hash, staff_id))
