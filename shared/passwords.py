"""Passwords per NIST SP 800-63B §5.1.1.2: length, not composition; known-bad lists; Argon2id.

- `problems(password, ...)` returns the reasons a password cannot be used, in words a customer
  understands (empty list: acceptable). No composition rules, no truncation: every character
  counts, and at least 64 (up to `MAX_LENGTH`) are accepted.
- `hash_secret` / `verify_secret` use Argon2id through argon2-cffi. `HASHER` is module-level so
  tests can swap in cheap parameters; the default is argon2-cffi's RFC 9106 low-memory profile
  (64 MiB, t=3, p=4), above OWASP's minimum (19 MiB, t=2, p=1). The parameters live inside each
  stored hash, so old hashes still verify after a change and `needs_rehash` says when to upgrade.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MAX_LENGTH = 256
# zxcvbn is quadratic in length (0.75 s at 256 characters); a 100-character prefix that scores
# well means the whole password does too. The whole password is still what gets hashed.
_SCORED_PREFIX = 100
_MIN_SCORE = 3
_SERVICE_WORDS = ("qrpay", "qrpay-sim", "7pay", "sevenpay", "seven", "wallet")

DEFAULT_HASHER = PasswordHasher()
HASHER = DEFAULT_HASHER  # replaceable: tests use cheap parameters


def normalize(password: str) -> str:
    """NFKC, as 800-63B asks, so the same password typed on two keyboards verifies."""
    return unicodedata.normalize("NFKC", password)


def problems(password: object, *, email: str | None = None, min_length: int = 8,
             reject_weak: bool = True) -> list[str]:
    """Why `password` cannot be used; an empty list when it can."""
    if not isinstance(password, str):
        return ["Type a password."]
    pw = normalize(password)
    reasons: list[str] = []
    if len(pw) < min_length:
        reasons.append(f"Use at least {min_length} characters.")
    if len(pw) > MAX_LENGTH:
        reasons.append(f"Use at most {MAX_LENGTH} characters.")
        return reasons
    if not reject_weak or not pw:
        return reasons
    if email and _contains_email(pw, email):
        reasons.append("It contains your e-mail address.")
    weak = _weakness(pw, email)
    if weak and weak not in reasons:
        reasons.append(weak)
    return reasons


def _contains_email(pw: str, email: str) -> bool:
    low = pw.casefold()
    email = email.strip().casefold()
    local = email.split("@", 1)[0]
    # A 1–2 letter local part would flag half of all passwords; those are caught by zxcvbn instead.
    return email in low or (len(local) >= 3 and local in low)


def _weakness(pw: str, email: str | None) -> str | None:
    from zxcvbn import zxcvbn

    inputs = list(_SERVICE_WORDS)
    if email:
        e = email.strip().lower()
        inputs += [e, *e.replace("@", ".").split(".")]
    result = zxcvbn(pw[:_SCORED_PREFIX], user_inputs=inputs, max_length=_SCORED_PREFIX + 1)
    if result["score"] >= _MIN_SCORE:
        return None
    patterns = {(m["pattern"], m.get("dictionary_name")) for m in result["sequence"]}
    names = {name for _, name in patterns}
    kinds = {kind for kind, _ in patterns}
    if "passwords" in names:
        return "This password is in lists of common passwords."
    if "user_inputs" in names:
        return "It contains your e-mail address or the name of this service."
    if "repeat" in kinds:
        return "It repeats characters or words (like aaaa or abcabc)."
    if "sequence" in kinds:
        return "It is a simple sequence (like abcd or 1234)."
    if "spatial" in kinds:
        return "It is a keyboard pattern (like qwerty)."
    if "date" in kinds or "regex" in kinds:
        return "It is a date or a year, which is easy to guess."
    if "dictionary" in kinds:
        return "It is a common word or name; add more words or characters."
    return "It is too easy to guess; make it longer, for example a few unrelated words."


# -- hashing ----------------------------------------------------------------------------------
def hash_secret(secret: str) -> str:
    return HASHER.hash(normalize(secret))


def verify_secret(stored_hash: str, secret: str) -> bool:
    """True when `secret` matches; a malformed stored hash is a mismatch, never an exception."""
    try:
        return HASHER.verify(stored_hash, normalize(secret))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


def burn_time(secret: str) -> None:
    """Do the same Argon2 work as a real check, against a hash no secret matches, so an unknown
    e-mail or staff id takes as long to refuse as a wrong password."""
    verify_secret(_dummy_hash(HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism), secret)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    import secrets

    return HASHER.hash(secrets.token_urlsafe(24))
