"""SQL for sign-in with an external ID: the simulated SNS provider's users, apps and authorization
codes, and the wallet's sign-in requests and account links (migration 0011_external_id)."""
from __future__ import annotations

import sqlite3


# -- the provider ----------------------------------------------------------------------------------
def insert_sns_user(conn: sqlite3.Connection, *, sub: str, email: str, name: str, password_hash: str,
                    at: float) -> int:
    cur = conn.execute("INSERT INTO sns_users (sub, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                       (sub, email, name, password_hash, at))
    return int(cur.lastrowid)


def sns_user_by_email(conn: sqlite3.Connection, email: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sns_users WHERE email = ?", (email,)).fetchone()


def sns_user_by_id(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sns_users WHERE id = ?", (user_id,)).fetchone()


def sns_user_by_sub(conn: sqlite3.Connection, sub: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sns_users WHERE sub = ?", (sub,)).fetchone()


def sns_users(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM sns_users ORDER BY id").fetchall()


def ensure_sns_client(conn: sqlite3.Connection, *, client_id: str, name: str, redirect_uri: str, at: float) -> None:
    conn.execute("INSERT OR IGNORE INTO sns_clients (client_id, name, redirect_uri, created_at) VALUES (?, ?, ?, ?)",
                 (client_id, name, redirect_uri, at))


def sns_client(conn: sqlite3.Connection, client_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sns_clients WHERE client_id = ?", (client_id,)).fetchone()


def sns_clients(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM sns_clients ORDER BY created_at, client_id").fetchall()


def insert_auth_code(conn: sqlite3.Connection, *, code_hash: str, client_id: str, redirect_uri: str,
                     code_challenge: str, nonce: str | None, user_id: int, at: float, expires_at: float) -> None:
    conn.execute("INSERT INTO sns_auth_codes (code_hash, client_id, redirect_uri, code_challenge, nonce, user_id, "
                 "issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (code_hash, client_id, redirect_uri, code_challenge, nonce, user_id, at, expires_at))


def auth_code(conn: sqlite3.Connection, code_hash: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sns_auth_codes WHERE code_hash = ?", (code_hash,)).fetchone()


def use_auth_code(conn: sqlite3.Connection, code_hash: str, at: float) -> bool:
    """Marks the code used; False when it already was (the one-time rule, decided by this UPDATE)."""
    cur = conn.execute("UPDATE sns_auth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
                       (at, code_hash))
    return cur.rowcount == 1


# -- the wallet (relying party) ---------------------------------------------------------------------
def insert_request(conn: sqlite3.Connection, *, state_hash: str, nonce: str, code_verifier: str, at: float,
                   expires_at: float) -> None:
    conn.execute("INSERT INTO external_id_requests (state_hash, nonce, code_verifier, created_at, expires_at) "
                 "VALUES (?, ?, ?, ?, ?)", (state_hash, nonce, code_verifier, at, expires_at))


def take_request(conn: sqlite3.Connection, state_hash: str, at: float) -> sqlite3.Row | None:
    """The live, unused request of `state_hash`, marked used in the same statement's transaction
    (a state works once); None when unknown, used or expired."""
    row = conn.execute("SELECT * FROM external_id_requests WHERE state_hash = ?", (state_hash,)).fetchone()
    if row is None or row["used_at"] is not None or not row["created_at"] - 60 <= at < row["expires_at"]:
        return None
    cur = conn.execute("UPDATE external_id_requests SET used_at = ? WHERE state_hash = ? AND used_at IS NULL",
                       (at, state_hash))
    return row if cur.rowcount == 1 else None


def forget_old_requests(conn: sqlite3.Connection, before: float) -> int:
    """Requests (their verifiers) are kept no longer than needed."""
    return conn.execute("DELETE FROM external_id_requests WHERE expires_at < ?", (before,)).rowcount


def link_of(conn: sqlite3.Connection, issuer: str, subject: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM external_id_links WHERE issuer = ? AND subject = ?",
                        (issuer, subject)).fetchone()


def links_of_customer(conn: sqlite3.Connection, customer_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM external_id_links WHERE customer_id = ? ORDER BY linked_at",
                        (customer_id,)).fetchall()


def insert_link(conn: sqlite3.Connection, *, issuer: str, subject: str, customer_id: int, at: float) -> None:
    conn.execute("INSERT INTO external_id_links (issuer, subject, customer_id, linked_at) VALUES (?, ?, ?, ?)",
                 (issuer, subject, customer_id, at))
