"""Idempotency keys: strict ids from callers, and request fingerprints.

A caller-chosen id (sale id, refund id, top-up key) makes a request safe to retry: the same id
again returns the first result and moves no money. It is only *the same request* when every
parameter that matters is the same, so each stored record keeps a fingerprint of its canonical
parameters, and a retry whose fingerprint differs is refused with `IdempotencyConflict` (codes
`sale_id_conflict`, `refund_id_conflict`, `idempotency_key_conflict`), audited, and nothing else
happens (the presented payment code is not touched).

The fingerprint is HMAC-SHA256 under a random per-database key (setting `request_fp_key`), so a
card number or a payment code that is part of a request is never stored in clear, and cannot be
recovered by hashing guesses without that key. Fingerprints are compared with
`hmac.compare_digest`.

Ids from callers are strict: 1–64 ASCII letters, digits, '-', '_', '.' or ':' and nothing else —
no surrounding whitespace, no control characters (so "S1" and "S1\\n" can never be two sales).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import sqlite3

from shared.errors import InputError
from shared.storage import settings_store

_KEY_SETTING = "request_fp_key"
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}")


def check_id(value: object, what: str = "id") -> str:
    """A caller's id exactly as given, or InputError (bad_input). Never trimmed or normalised."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise InputError(f"A {what} is 1–64 letters, digits, '-', '_', '.' or ':' (no spaces).")
    return value


def _key(conn: sqlite3.Connection) -> bytes:
    """The per-database fingerprint key, created inside the caller's write transaction."""
    stored = settings_store.get(conn, _KEY_SETTING)
    if stored is None:
        stored = secrets.token_hex(32)
        settings_store.put(conn, _KEY_SETTING, stored)
    return bytes.fromhex(stored)


def fingerprint(conn: sqlite3.Connection, kind: str, **params: object) -> str:
    """HMAC-SHA256 (hex) of the request's canonical JSON; call inside a write transaction."""
    canonical = json.dumps({"kind": kind, **params}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(_key(conn), canonical.encode("ascii"), hashlib.sha256).hexdigest()


def secret_ref(conn: sqlite3.Connection, text: object) -> str:
    """A short keyed hash of a secret (a presented payment code) for an audit row: it tells two
    presentations apart without the secret ever being written."""
    raw = text if isinstance(text, (bytes, bytearray)) else str(text).encode("utf-8", "replace")
    return hmac.new(_key(conn), b"secret-ref\x00" + bytes(raw), hashlib.sha256).hexdigest()[:16]


def same(stored: str | None, computed: str) -> bool:
    return stored is not None and hmac.compare_digest(stored.encode("ascii"), computed.encode("ascii"))
