"""Passwords per NIST SP 800-63B §5.1.1.2: length, not composition; known-bad lists; Argon2id.

- `check(password, ...)` returns why a password cannot be used as `PasswordProblem`s: a stable
  code and its numbers (empty list: acceptable). The GUI translates the codes; `problems(...)`
  gives the same in English words for the CLI and error messages. No composition rules, no truncation: every character
  counts, and at least 64 (up to `MAX_LENGTH`) are accepted.
- `hash_secret` / `verify_secret` use Argon2id through argon2-cffi. `HASHER` is module-level so
  tests can swap in cheap parameters; the default is argon2-cffi's RFC 9106 low-memory profile
  (64 MiB, t=3, p=4), above OWASP's minimum (19 MiB, t=2, p=1). The parameters live inside each
  stored hash, so old hashes still verify after a change and `needs_rehash` says when to upgrade.
"""
from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

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


class PasswordProblemCode(enum.Enum):
    """Why a password is refused. Parameters (PasswordProblem.params) in brackets."""
    MISSING = "missing"                    # not text at all
    TOO_SHORT = "too_short"                # (min)
    TOO_LONG = "too_long"                  # (max)
    CONTAINS_EMAIL = "contains_email"      # the account's address or its local part
    COMMON = "common"                      # in lists of common passwords
    PERSONAL = "personal"                  # the address's parts or this service's name (zxcvbn user inputs)
    REPEAT = "repeat"                      # aaaa, abcabc
    SEQUENCE = "sequence"                  # abcd, 1234
    KEYBOARD = "keyboard"                  # qwerty
    DATE = "date"                          # a date or a year
    COMMON_WORD = "common_word"            # a dictionary word or name
    GUESSABLE = "guessable"                # too easy to guess for another reason


_ENGLISH = {
    PasswordProblemCode.MISSING: "Type a password.",
    PasswordProblemCode.TOO_SHORT: "Use at least {min} characters.",
    PasswordProblemCode.TOO_LONG: "Use at most {max} characters.",
    PasswordProblemCode.CONTAINS_EMAIL: "It contains your e-mail address.",
    PasswordProblemCode.COMMON: "This password is in lists of common passwords.",
    PasswordProblemCode.PERSONAL: "It contains your e-mail address or the name of this service.",
    PasswordProblemCode.REPEAT: "It repeats characters or words (like aaaa or abcabc).",
    PasswordProblemCode.SEQUENCE: "It is a simple sequence (like abcd or 1234).",
    PasswordProblemCode.KEYBOARD: "It is a keyboard pattern (like qwerty).",
    PasswordProblemCode.DATE: "It is a date or a year, which is easy to guess.",
    PasswordProblemCode.COMMON_WORD: "It is a common word or name; add more words or characters.",
    PasswordProblemCode.GUESSABLE: "It is too easy to guess; make it longer, for example a few unrelated words.",
}


@dataclass(frozen=True, slots=True)
class PasswordProblem:
    code: PasswordProblemCode
    params: Mapping[str, int] = field(default_factory=dict)     # TOO_SHORT: {"min": n}; TOO_LONG: {"max": n}

    @property
    def message(self) -> str:
        """In English, for the CLI and error messages; the GUI translates `code` with `params`."""
        return _ENGLISH[self.code].format(**self.params)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code.value, **self.params}


def reported_problem(code: "PasswordProblemCode | str",
                     params: Mapping[str, object] | None) -> tuple[PasswordProblemCode, dict[str, object]]:
    """A problem the core reported (its code and numbers) as a UI words it: the problem (an unknown code, from a
    newer core, reads as GUESSABLE) and the {n} its sentence takes (TOO_SHORT's minimum, TOO_LONG's maximum,
    "?" when missing; nothing for the others)."""
    try:
        problem = PasswordProblemCode(code)
    except ValueError:
        problem = PasswordProblemCode.GUESSABLE
    number = {PasswordProblemCode.TOO_SHORT: "min", PasswordProblemCode.TOO_LONG: "max"}.get(problem)
    return problem, ({"n": (params or {}).get(number, "?")} if number else {})


def normalize(password: str) -> str:
    """NFKC, as 800-63B asks, so the same password typed on two keyboards verifies."""
    return unicodedata.normalize("NFKC", password)


def check(password: object, *, email: str | None = None, min_length: int = 8,
          reject_weak: bool = True) -> list[PasswordProblem]:
    """Why `password` cannot be used; an empty list when it can."""
    if not isinstance(password, str):
        return [PasswordProblem(PasswordProblemCode.MISSING)]
    pw = normalize(password)
    found: list[PasswordProblem] = []
    if len(pw) < min_length:
        found.append(PasswordProblem(PasswordProblemCode.TOO_SHORT, {"min": min_length}))
    if len(pw) > MAX_LENGTH:
        found.append(PasswordProblem(PasswordProblemCode.TOO_LONG, {"max": MAX_LENGTH}))
        return found
    if not reject_weak or not pw:
        return found
    if email and _contains_email(pw, email):
        found.append(PasswordProblem(PasswordProblemCode.CONTAINS_EMAIL))
    weak = _weakness(pw, email)
    if weak is not None and all(p.code is not weak for p in found):
        found.append(PasswordProblem(weak))
    return found


def problems(password: object, *, email: str | None = None, min_length: int = 8,
             reject_weak: bool = True) -> list[str]:
    """`check` in English words (the CLI, error messages)."""
    return [p.message for p in check(password, email=email, min_length=min_length, reject_weak=reject_weak)]


def _contains_email(pw: str, email: str) -> bool:
    low = pw.casefold()
    email = email.strip().casefold()
    local = email.split("@", 1)[0]
    # A 1–2 letter local part would flag half of all passwords; those are caught by zxcvbn instead.
    return email in low or (len(local) >= 3 and local in low)


def _weakness(pw: str, email: str | None) -> PasswordProblemCode | None:
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
        return PasswordProblemCode.COMMON
    if "user_inputs" in names:
        return PasswordProblemCode.PERSONAL
    if "repeat" in kinds:
        return PasswordProblemCode.REPEAT
    if "sequence" in kinds:
        return PasswordProblemCode.SEQUENCE
    if "spatial" in kinds:
        return PasswordProblemCode.KEYBOARD
    if "date" in kinds or "regex" in kinds:
        return PasswordProblemCode.DATE
    if "dictionary" in kinds:
        return PasswordProblemCode.COMMON_WORD
    return PasswordProblemCode.GUESSABLE


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
