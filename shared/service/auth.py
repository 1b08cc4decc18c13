"""Who may call what (docs/API.md): the admin token, wallet sessions, terminal keys and shift tokens, and the
rate limits per client address and per account.

- Credentials come only from headers (`Authorization: Bearer`, `X-Terminal-Key`), never from the URL.
- Every secret comparison is constant time (`hmac.compare_digest` on SHA-256 digests).
- Terminal keys are stored as SHA-256 digests in the world's own settings (so a world's reset or deletion
  forgets them, and a key of world A is unknown in world B); the key itself is shown once.
- Shift tokens are bound to (world, terminal, clerk) for `SHIFT_SECONDS` of real time and kept in the world's own
  database as their SHA-256 (shared/storage/shifts_store.py), so a server restarted (or killed) keeps every open
  shift: a till retries its payment in flight on the same shift, with the same sale id, and is charged once.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass

from shared.clock import wait_words
from shared.core import Core
from shared.errors import InvalidCredentials, PermissionDenied, QrpayError
from shared.staff import Staff
from shared.storage import settings_store, shifts_store

SHIFT_SECONDS = 12 * 3600
_TERMINAL_KEY_PREFIX = "service_terminal_key:"


class AuthRequired(QrpayError):
    code = "auth_required"


class RateLimited(QrpayError):
    code = "rate_limited"


def digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


def same_secret(given: str | None, expected_digest: bytes) -> bool:
    """Constant time: both sides are hashed to 32 bytes first, so the length of `given` leaks nothing."""
    return hmac.compare_digest(digest(given or ""), expected_digest) and bool(given)


def bearer(authorization: str | None) -> str:
    if not authorization:
        raise AuthRequired("This call needs a credential (Authorization: Bearer …).")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        raise AuthRequired("Give the credential as Authorization: Bearer TOKEN.")
    return token


class AdminToken:
    def __init__(self, token: str) -> None:
        if not isinstance(token, str) or len(token) < 16:
            raise ValueError("the admin token must be at least 16 characters")
        self._digest = digest(token)

    def check(self, authorization: str | None) -> None:
        if not self.matches(authorization):
            raise PermissionDenied("This call is for the trainer (the admin token).")

    def matches(self, authorization: str | None) -> bool:
        """True when `authorization` carries the admin token (AuthRequired when it carries no bearer at all)."""
        return same_secret(bearer(authorization), self._digest)


# -- terminal keys (stored in the world) ---------------------------------------------------------------
def issue_terminal_key(core: Core, terminal_id: str) -> str:
    core.catalog.terminal(terminal_id)        # NotFound for an unknown terminal
    key = "tk_" + secrets.token_urlsafe(32)
    with core.db.write() as conn:
        settings_store.put(conn, _TERMINAL_KEY_PREFIX + terminal_id, digest(key).hex())
    return key


def seed_demo(core: Core) -> dict:
    """The demo data (shared.demo_data) and a key for each terminal it registered, in the one reply the admin
    gets (`terminal_keys`: {terminal id: key}, shown once): the trainer's machine hands them to the tills, and
    no client re-issues them (which would void keys already handed to another machine)."""
    from shared.demo_data import seed_demo as seed
    out = seed(core)
    out["terminal_keys"] = {t["id"]: issue_terminal_key(core, t["id"]) for t in out.get("terminals", [])}
    return out


def check_terminal_key(core: Core, terminal_id: str, key: str | None) -> None:
    with core.db.read() as conn:
        stored = settings_store.get(conn, _TERMINAL_KEY_PREFIX + terminal_id) if isinstance(terminal_id, str) else None
    expected = bytes.fromhex(stored) if stored else secrets.token_bytes(32)   # the same work when unknown
    if not same_secret(key, expected) or not stored:
        raise InvalidCredentials("The terminal key is not valid for this terminal.")


# -- shifts (in the world's database, a cache in front) -----------------------------------------------
@dataclass(frozen=True, slots=True)
class Shift:
    world: str
    terminal_id: str
    clerk_id: int
    expires_at: float          # unix seconds, real time


@dataclass(frozen=True, slots=True)
class ShiftView:
    token: str
    terminal_id: str
    clerk_id: int
    expires_at: float
    clerk: Staff               # who signed in (name and role), so a till never guesses


class Shifts:
    """Open shifts. `worlds` (a WorldStore) holds them: each in its world's database, by the SHA-256 of its token;
    this process keeps a cache of those it has seen (a lookup by digest: the token itself is never compared)."""

    def __init__(self, worlds) -> None:
        self._worlds = worlds
        self._cache: dict[bytes, Shift] = {}
        self._lock = threading.Lock()

    def open(self, world: str, terminal_id: str, clerk: Staff) -> ShiftView:
        token = "sh_" + secrets.token_urlsafe(32)
        now = time.time()
        shift = Shift(world, terminal_id, clerk.id, now + SHIFT_SECONDS)
        with self._worlds.get(world).db.write() as conn:
            shifts_store.purge_expired(conn, now)
            shifts_store.add(conn, token_sha256=digest(token).hex(), terminal_id=terminal_id, clerk_id=clerk.id,
                             opened_at=now, expires_at=shift.expires_at)
        with self._lock:
            self._cache[digest(token)] = shift
        return ShiftView(token, terminal_id, clerk.id, shift.expires_at, clerk)

    def _stored(self, world: str, key: bytes) -> Shift | None:
        with self._worlds.get(world).db.read() as conn:
            row = shifts_store.get(conn, key.hex())
        return None if row is None else Shift(world, row["terminal_id"], int(row["clerk_id"]), float(row["expires_at"]))

    def cached(self, world: str, authorization: str | None) -> Shift | None:
        """The shift if this process already knows it and it is valid here and now; None otherwise (then
        `check`, which may read the world's database, decides). No I/O: safe on the event loop."""
        try:
            key = digest(bearer(authorization))
        except QrpayError:
            return None
        with self._lock:
            shift = self._cache.get(key)
        if shift is None or shift.world != world or shift.expires_at < time.time():
            return None
        return shift

    def check(self, world: str, authorization: str | None) -> Shift:
        key = digest(bearer(authorization))
        with self._lock:
            shift = self._cache.get(key)
        if shift is None:          # opened before this process started, or by another world's name: ask the world
            shift = self._stored(world, key)
            if shift is not None:
                with self._lock:
                    self._cache[key] = shift
        if shift is None or shift.world != world or shift.expires_at < time.time():
            raise InvalidCredentials("This shift has ended or belongs elsewhere: open a shift with the terminal "
                                     "key and the clerk's PIN.", code="shift_invalid")
        return shift

    def close(self, world: str, authorization: str | None) -> None:
        key = digest(bearer(authorization))
        with self._lock:
            self._cache.pop(key, None)
        with self._worlds.get(world).db.write() as conn:
            shifts_store.remove(conn, key.hex())

    def forget_world(self, world: str) -> None:
        """After a world's reset or deletion (its database, and the shifts in it, are gone)."""
        with self._lock:
            for k in [k for k, s in self._cache.items() if s.world == world]:
                del self._cache[k]


# -- rate limits ---------------------------------------------------------------------------------------
class RateLimiter:
    """Token buckets: `rate` requests per `per` seconds with bursts of `rate`, per key. Keys are
    ("addr", client address) for every request and ("account", world, e-mail / customer / staff) for the calls
    that name an account. Real time (monotonic): a world's simulated clock never opens the gate."""

    def __init__(self, rate: int, per: float, *, max_keys: int = 100_000) -> None:
        self.rate, self.per, self.max_keys = rate, per, max_keys
        self._buckets: dict[tuple, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: tuple, what: str = "requests") -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - last) * self.rate / self.per)
            if tokens < 1.0:
                wait = (1.0 - tokens) * self.per / self.rate
                self._buckets[key] = (tokens, now)
                raise RateLimited(f"Too many {what}; try again in {wait_words(wait)}.",
                                  retry_after=math.ceil(wait))
            if len(self._buckets) >= self.max_keys and key not in self._buckets:
                self._buckets.clear()       # a flood of addresses: start over rather than grow without bound
            self._buckets[key] = (tokens - 1.0, now)
