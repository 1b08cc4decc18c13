"""SQL of customers, second factors, sessions, sign-in throttling, devices and password reset."""
from __future__ import annotations

import sqlite3
from typing import Iterable

from shared.storage.db import savepoint


# -- customers ----------------------------------------------------------------------------------
def insert_customer(conn: sqlite3.Connection, *, email: str, name: str, password_hash: str,
                    totp_secret: str, at: float) -> int:
    cur = conn.execute(
        "INSERT INTO customers (email, name, password_hash, totp_secret, created_at, password_changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?)", (email, name, password_hash, totp_secret, at, at))
    return int(cur.lastrowid)


def customer_by_id(conn: sqlite3.Connection, customer_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM customers WHERE id = ?", (customer_id,)).fetchone()


def customer_by_email(conn: sqlite3.Connection, email: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM customers WHERE email = ?", (email,)).fetchone()


def email_taken(conn: sqlite3.Connection, email: str) -> bool:
    return conn.execute("SELECT 1 FROM customers WHERE email = ?", (email,)).fetchone() is not None


def set_password_hash(conn: sqlite3.Connection, customer_id: int, password_hash: str, *,
                      at: float | None = None) -> None:
    if at is None:  # a rehash with new parameters is not a password change
        conn.execute("UPDATE customers SET password_hash = ? WHERE id = ?", (password_hash, customer_id))
    else:
        conn.execute("UPDATE customers SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                     (password_hash, at, customer_id))


def set_email(conn: sqlite3.Connection, customer_id: int, email: str) -> None:
    conn.execute("UPDATE customers SET email = ? WHERE id = ?", (email, customer_id))


def set_totp_enrolled(conn: sqlite3.Connection, customer_id: int) -> None:
    conn.execute("UPDATE customers SET totp_enrolled = 1 WHERE id = ?", (customer_id,))


def set_pending_totp_secret(conn: sqlite3.Connection, customer_id: int, secret: str | None) -> None:
    conn.execute("UPDATE customers SET pending_totp_secret = ? WHERE id = ?", (secret, customer_id))


def activate_pending_totp_secret(conn: sqlite3.Connection, customer_id: int) -> None:
    """The pending secret becomes the authenticator, in a new generation (its own used steps)."""
    conn.execute("UPDATE customers SET totp_secret = pending_totp_secret, pending_totp_secret = NULL, "
                 "totp_enrolled = 1, totp_generation = totp_generation + 1 "
                 "WHERE id = ? AND pending_totp_secret IS NOT NULL", (customer_id,))


def set_frozen(conn: sqlite3.Connection, customer_id: int, frozen: bool) -> int:
    return conn.execute("UPDATE customers SET frozen = ? WHERE id = ?", (1 if frozen else 0, customer_id)).rowcount


def set_topup_password_hash(conn: sqlite3.Connection, customer_id: int, password_hash: str | None) -> None:
    conn.execute("UPDATE customers SET topup_password_hash = ? WHERE id = ?", (password_hash, customer_id))


def totp_accounts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT email, totp_secret, pending_totp_secret FROM customers ORDER BY id").fetchall()


def all_customers(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM customers ORDER BY id").fetchall()


# -- TOTP steps and recovery codes ----------------------------------------------------------------
def insert_used_step(conn: sqlite3.Connection, customer_id: int, step: int, *, at: float, purpose: str,
                     generation: int) -> None:
    """Raises sqlite3.IntegrityError when this authenticator's (generation's) step was already used:
    the replay guard."""
    with savepoint(conn):
        conn.execute("INSERT INTO totp_used_steps (customer_id, generation, step, used_at, purpose) "
                     "VALUES (?, ?, ?, ?, ?)", (customer_id, generation, step, at, purpose))


def replace_recovery_codes(conn: sqlite3.Connection, customer_id: int, code_hashes: Iterable[str], *,
                           at: float) -> None:
    conn.execute("DELETE FROM recovery_codes WHERE customer_id = ?", (customer_id,))
    conn.executemany("INSERT INTO recovery_codes (customer_id, code_hash, created_at) VALUES (?, ?, ?)",
                     [(customer_id, h, at) for h in code_hashes])


def use_recovery_code(conn: sqlite3.Connection, customer_id: int, code_hash: str, *, at: float) -> bool:
    """Marks the code used; False when there is no such unused code (the UPDATE is the check,
    so two concurrent uses cannot both succeed)."""
    cur = conn.execute("UPDATE recovery_codes SET used_at = ? WHERE customer_id = ? AND code_hash = ? "
                       "AND used_at IS NULL", (at, customer_id, code_hash))
    return cur.rowcount == 1


def recovery_codes_left(conn: sqlite3.Connection, customer_id: int) -> int:
    return conn.execute("SELECT count(*) FROM recovery_codes WHERE customer_id = ? AND used_at IS NULL",
                        (customer_id,)).fetchone()[0]


# -- sessions -------------------------------------------------------------------------------------
def insert_session(conn: sqlite3.Connection, *, customer_id: int, token_hash: str, device: str, source: str,
                   at: float, step_up_at: float | None) -> int:
    cur = conn.execute(
        "INSERT INTO sessions (customer_id, token_hash, device, source, created_at, last_seen_at, step_up_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (customer_id, token_hash, device, source, at, at, step_up_at))
    return int(cur.lastrowid)


def session_by_token_hash(conn: sqlite3.Connection, token_hash: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sessions WHERE token_hash = ?", (token_hash,)).fetchone()


def session_by_id(conn: sqlite3.Connection, session_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()


def clamp_session_times(conn: sqlite3.Connection, session_id: int, now: float) -> None:
    """Times "in the future" (the clock was set back) count as now: no session outlives its timeouts
    and no step-up stays recent because of a clock jump."""
    conn.execute("UPDATE sessions SET created_at = min(created_at, ?), last_seen_at = min(last_seen_at, ?), "
                 "step_up_at = CASE WHEN step_up_at IS NULL THEN NULL ELSE min(step_up_at, ?) END WHERE id = ?",
                 (now, now, now, session_id))


def touch_session(conn: sqlite3.Connection, session_id: int, at: float) -> None:
    conn.execute("UPDATE sessions SET last_seen_at = ? WHERE id = ?", (at, session_id))


def set_step_up(conn: sqlite3.Connection, session_id: int, at: float) -> None:
    conn.execute("UPDATE sessions SET step_up_at = ?, last_seen_at = ? WHERE id = ?", (at, at, session_id))


def revoke_session(conn: sqlite3.Connection, session_id: int, *, at: float, reason: str) -> int:
    return conn.execute("UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
                        (at, reason, session_id)).rowcount


def revoke_sessions_of(conn: sqlite3.Connection, customer_id: int, *, at: float, reason: str,
                       except_id: int | None = None) -> int:
    return conn.execute(
        "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE customer_id = ? AND revoked_at IS NULL "
        "AND id IS NOT ?", (at, reason, customer_id, except_id)).rowcount


def live_sessions_of(conn: sqlite3.Connection, customer_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM sessions WHERE customer_id = ? AND revoked_at IS NULL ORDER BY id",
                        (customer_id,)).fetchall()


# -- devices ----------------------------------------------------------------------------------------
def device_seen(conn: sqlite3.Connection, customer_id: int, device: str) -> bool:
    return conn.execute("SELECT 1 FROM devices_seen WHERE customer_id = ? AND device = ?",
                        (customer_id, device)).fetchone() is not None


def remember_device(conn: sqlite3.Connection, customer_id: int, device: str, at: float) -> None:
    conn.execute("INSERT INTO devices_seen (customer_id, device, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (customer_id, device) DO UPDATE SET last_seen_at = excluded.last_seen_at",
                 (customer_id, device, at, at))


# -- throttling -------------------------------------------------------------------------------------
def throttle_state(conn: sqlite3.Connection, account_key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM login_throttle WHERE account_key = ?", (account_key,)).fetchone()


def reserve_attempt(conn: sqlite3.Connection, *, account_key: str, customer_id: int | None, source: str,
                    kind: str, at: float) -> tuple[int, int]:
    """Counts an attempt as a failure *before* its secret is compared (a pending row); returns
    (attempt id, the account's consecutive-failure count including it)."""
    cur = conn.execute("INSERT INTO login_failures (at, account_key, customer_id, source, kind, pending) "
                       "VALUES (?, ?, ?, ?, ?, 1)", (at, account_key, customer_id, source, kind))
    conn.execute("INSERT INTO login_throttle (account_key, consecutive_failures, last_failure_at) VALUES (?, 1, ?) "
                 "ON CONFLICT (account_key) DO UPDATE SET consecutive_failures = login_throttle.consecutive_failures + 1, "
                 "last_failure_at = excluded.last_failure_at", (account_key, at))
    n = conn.execute("SELECT consecutive_failures FROM login_throttle WHERE account_key = ?",
                     (account_key,)).fetchone()[0]
    return int(cur.lastrowid), n


def settle_failed_attempt(conn: sqlite3.Connection, attempt_id: int, *, kind: str) -> None:
    """The reserved attempt failed: it stays counted, with what failed."""
    conn.execute("UPDATE login_failures SET pending = 0, kind = ? WHERE id = ?", (kind, attempt_id))


def release_attempt(conn: sqlite3.Connection, attempt_id: int, account_key: str, *, lock_after: int) -> None:
    """The reserved attempt succeeded: it no longer counts as a failure (and no longer holds a lock
    that only it made)."""
    if conn.execute("DELETE FROM login_failures WHERE id = ?", (attempt_id,)).rowcount != 1:
        return
    conn.execute("UPDATE login_throttle SET consecutive_failures = max(0, consecutive_failures - 1) "
                 "WHERE account_key = ?", (account_key,))
    conn.execute("UPDATE login_throttle SET locked_until = NULL WHERE account_key = ? AND ? > 0 "
                 "AND consecutive_failures < ?", (account_key, lock_after, lock_after))


def clamp_account_times(conn: sqlite3.Connection, account_key: str, now: float, cap: float) -> None:
    """Anything recorded "in the future" (the clock was set back) counts as now, and a lock never
    reaches further than `cap` seconds from now."""
    conn.execute("UPDATE login_failures SET at = ? WHERE account_key = ? AND at > ?", (now, account_key, now))
    conn.execute("UPDATE login_throttle SET last_failure_at = min(last_failure_at, ?), "
                 "locked_until = CASE WHEN locked_until IS NULL THEN NULL ELSE min(locked_until, ?) END "
                 "WHERE account_key = ?", (now, now + cap, account_key))


def latest_attempt_at(conn: sqlite3.Connection, since: float) -> float | None:
    """When the newest counted sign-in attempt (failed or still pending) at or after `since` was made."""
    return conn.execute("SELECT max(at) FROM login_failures WHERE at >= ?", (since,)).fetchone()[0]


def clamp_recent_failures(conn: sqlite3.Connection, now: float) -> None:
    conn.execute("UPDATE login_failures SET at = ? WHERE at > ?", (now, now))


def recent_mail(conn: sqlite3.Connection, to: str, subject: str, since: float, now: float) -> bool:
    """Whether a message with this subject went to `to` between `since` and `now` (one notice per
    window; a message dated "in the future" by a clock set back does not silence the next ones)."""
    return conn.execute("SELECT 1 FROM mailbox WHERE to_addr = ? AND subject = ? AND sent_at >= ? AND sent_at <= ? "
                        "LIMIT 1", (to, subject, since, now)).fetchone() is not None


def set_locked_until(conn: sqlite3.Connection, account_key: str, until: float) -> None:
    conn.execute("UPDATE login_throttle SET locked_until = ? WHERE account_key = ?", (until, account_key))


def clear_throttle(conn: sqlite3.Connection, account_key: str) -> None:
    conn.execute("DELETE FROM login_throttle WHERE account_key = ?", (account_key,))
    conn.execute("UPDATE login_failures SET pending = 0 WHERE account_key = ? AND pending = 1", (account_key,))


def forget_failures(conn: sqlite3.Connection, account_key: str) -> int:
    """A supervisor's unlock: the account's failures of the last hours stop counting."""
    conn.execute("DELETE FROM login_throttle WHERE account_key = ?", (account_key,))
    return conn.execute("UPDATE login_failures SET account_key = account_key || '#unlocked' "
                        "WHERE account_key = ?", (account_key,)).rowcount


def failures_of_account_since(conn: sqlite3.Connection, account_key: str, since: float) -> list[float]:
    return [r[0] for r in conn.execute("SELECT at FROM login_failures WHERE account_key = ? AND at >= ? ORDER BY at",
                                       (account_key, since))]


def failing_accounts_since(conn: sqlite3.Connection, since: float, source: str | None = None) -> int:
    """Distinct accounts with a failed sign-in since `since` (from one source, or anywhere)."""
    if source is None:
        sql, args = "SELECT count(DISTINCT account_key) FROM login_failures WHERE at >= ?", (since,)
    else:
        sql, args = ("SELECT count(DISTINCT account_key) FROM login_failures WHERE at >= ? AND source = ?",
                     (since, source))
    return conn.execute(sql, args).fetchone()[0]


def failures_since(conn: sqlite3.Connection, since: float) -> int:
    return conn.execute("SELECT count(*) FROM login_failures WHERE at >= ?", (since,)).fetchone()[0]


def busiest_sources_since(conn: sqlite3.Connection, since: float, limit: int = 5) -> list[tuple[str, int]]:
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT source, count(*) AS n FROM login_failures WHERE at >= ? GROUP BY source ORDER BY n DESC, source "
        "LIMIT ?", (since, limit))]


def login_source(conn: sqlite3.Connection, source: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM login_sources WHERE source = ?", (source,)).fetchone()


def note_source_attempt(conn: sqlite3.Connection, source: str, at: float, *, success: bool) -> None:
    conn.execute(
        "INSERT INTO login_sources (source, first_success_at, last_attempt_at) VALUES (?, ?, ?) "
        "ON CONFLICT (source) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, "
        "first_success_at = coalesce(login_sources.first_success_at, excluded.first_success_at)",
        (source, at if success else None, at))


def stuffing_state(conn: sqlite3.Connection) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM stuffing_state WHERE id = 1").fetchone()


def clamp_stuffing_state(conn: sqlite3.Connection, now: float, window: float) -> None:
    conn.execute("UPDATE stuffing_state SET wave_started = min(wave_started, ?), "
                 "active_until = min(active_until, ?) WHERE id = 1", (now, now + window))


def set_stuffing_state(conn: sqlite3.Connection, *, wave_started: float | None, active_until: float | None) -> None:
    conn.execute("INSERT INTO stuffing_state (id, wave_started, active_until) VALUES (1, ?, ?) "
                 "ON CONFLICT (id) DO UPDATE SET wave_started = excluded.wave_started, "
                 "active_until = excluded.active_until", (wave_started, active_until))


# -- password reset ---------------------------------------------------------------------------------
def insert_reset_code(conn: sqlite3.Connection, *, customer_id: int, code_hash: str, sent_to: str, at: float,
                      expires_at: float) -> int:
    cur = conn.execute("INSERT INTO reset_codes (customer_id, code_hash, sent_to, created_at, expires_at) "
                       "VALUES (?, ?, ?, ?, ?)", (customer_id, code_hash, sent_to, at, expires_at))
    return int(cur.lastrowid)


def retire_reset_codes(conn: sqlite3.Connection, customer_id: int, at: float) -> None:
    conn.execute("UPDATE reset_codes SET used_at = ? WHERE customer_id = ? AND used_at IS NULL", (at, customer_id))


def live_reset_code(conn: sqlite3.Connection, customer_id: int, now: float, max_attempts: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM reset_codes WHERE customer_id = ? AND used_at IS NULL AND expires_at > ? AND attempts < ? "
        "ORDER BY id DESC LIMIT 1", (customer_id, now, max_attempts)).fetchone()


def reserve_reset_attempt(conn: sqlite3.Connection, reset_id: int, max_attempts: int) -> bool:
    """Counts one guess at the code before it is compared; False when no guess is left."""
    return conn.execute("UPDATE reset_codes SET attempts = attempts + 1 WHERE id = ? AND attempts < ?",
                        (reset_id, max_attempts)).rowcount == 1


def clamp_reset_codes(conn: sqlite3.Connection, customer_id: int, now: float) -> None:
    """A code created "in the future" (the clock was set back) counts as a request made now (for the
    rate limit) and no longer works: its lifetime cannot be trusted."""
    conn.execute("UPDATE reset_codes SET created_at = ?, expires_at = min(expires_at, ?), "
                 "used_at = coalesce(used_at, ?) WHERE customer_id = ? AND created_at > ?",
                 (now, now, now, customer_id, now))


def use_reset_code(conn: sqlite3.Connection, reset_id: int, at: float) -> bool:
    return conn.execute("UPDATE reset_codes SET used_at = ? WHERE id = ? AND used_at IS NULL",
                        (at, reset_id)).rowcount == 1


def reset_requests_since(conn: sqlite3.Connection, customer_id: int, since: float) -> int:
    return conn.execute("SELECT count(*) FROM reset_codes WHERE customer_id = ? AND created_at >= ?",
                        (customer_id, since)).fetchone()[0]
