"""SQL of the training challenges: their progress, and the read-only queries their detectors use."""
from __future__ import annotations

import json
import sqlite3
from typing import Any


# -- progress -----------------------------------------------------------------------------------
def progress(conn: sqlite3.Connection) -> dict[str, tuple[float, dict[str, Any]]]:
    return {r["challenge_id"]: (float(r["solved_at"]), json.loads(r["evidence"]))
            for r in conn.execute("SELECT challenge_id, solved_at, evidence FROM challenge_progress")}


def mark_solved(conn: sqlite3.Connection, challenge_id: str, *, at: float, evidence: dict[str, Any]) -> None:
    conn.execute("INSERT OR IGNORE INTO challenge_progress (challenge_id, solved_at, evidence) VALUES (?, ?, ?)",
                 (challenge_id, at, json.dumps(evidence, sort_keys=True)))


def clear(conn: sqlite3.Connection) -> int:
    return conn.execute("DELETE FROM challenge_progress").rowcount


def high_water(conn: sqlite3.Connection) -> dict[str, int]:
    """The newest audit row and redemption now: after a reset only later ones count."""
    audit = conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    redemptions = conn.execute("SELECT coalesce(max(id), 0) FROM code_redemptions").fetchone()[0]
    return {"audit_id": int(audit), "redemption_id": int(redemptions)}


# -- what the detectors read ---------------------------------------------------------------------
def audit_rows(conn: sqlite3.Connection, events: tuple[str, ...], *, after_id: int) -> list[dict[str, Any]]:
    """Audit rows of `events` newer than `after_id`, oldest first, details decoded."""
    marks = ",".join("?" * len(events))
    rows = conn.execute(f"SELECT id, at, event, customer_id, details FROM audit_log WHERE id > ? AND event IN ({marks}) "
                        "ORDER BY id", (after_id, *events))
    return [{"id": r["id"], "at": r["at"], "event": r["event"], "customer_id": r["customer_id"],
             "details": json.loads(r["details"])} for r in rows]


def codes_redeemed_twice(conn: sqlite3.Connection, *, after_id: int) -> list[sqlite3.Row]:
    """Codes with two or more redemptions newer than `after_id` (one code, several sales)."""
    return conn.execute(
        "SELECT r.nonce AS nonce, c.customer_id AS customer_id, count(*) AS sales, group_concat(r.id) AS ids "
        "FROM code_redemptions r JOIN payment_codes c ON c.id = r.code_id WHERE r.id > ? "
        "GROUP BY r.nonce, c.customer_id HAVING count(*) >= 2 ORDER BY min(r.id)", (after_id,)).fetchall()


def redemptions_of_replaced_codes(conn: sqlite3.Connection, *, after_id: int) -> list[sqlite3.Row]:
    """Redemptions of a code after a newer code of the same customer had been issued (a refreshed code)."""
    return conn.execute(
        "SELECT r.id AS redemption_id, c.nonce AS nonce, c.customer_id AS customer_id, n.nonce AS newer_nonce "
        "FROM code_redemptions r JOIN payment_codes c ON c.id = r.code_id "
        "JOIN payment_codes n ON n.customer_id = c.customer_id AND n.counter > c.counter "
        "AND n.issued_at <= r.redeemed_at WHERE r.id > ? ORDER BY r.id LIMIT 1", (after_id,)).fetchall()


def redemptions_outside_window(conn: sqlite3.Connection, *, after_id: int, max_age: float,
                               max_early: float) -> list[sqlite3.Row]:
    """Redemptions of a code older than `max_age` seconds, or issued more than `max_early` seconds
    after it was redeemed (a pre-played code from a phone whose clock ran ahead)."""
    return conn.execute(
        "SELECT r.id AS redemption_id, c.nonce AS nonce, c.customer_id AS customer_id, "
        "r.redeemed_at - c.issued_at AS age FROM code_redemptions r JOIN payment_codes c ON c.id = r.code_id "
        "WHERE r.id > ? AND (r.redeemed_at - c.issued_at > ? OR c.issued_at - r.redeemed_at > ?) ORDER BY r.id LIMIT 1",
        (after_id, max_age, max_early)).fetchall()
