"""What the identity modules share: the customer's records, the second-factor types and the checks
on what a caller typed (e-mail, labels, secrets). No service here; `core.identity` is in
shared/identity.py, which re-exports the public names (Customer, Enrollment, Factor, normalize_email)."""
from __future__ import annotations

import enum
import re
import sqlite3
from dataclasses import dataclass

from shared import totp as totp_mod
from shared.errors import InputError

HOUR = 3600
_MAX_EMAIL = 254
_MAX_NAME = 100
_MAX_LABEL = 64
_MAX_SECRET_INPUT = 4096
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Factor(enum.Enum):
    NONE = "none"
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    email: str
    name: str
    totp_enrolled: bool
    frozen: bool
    created_at: float


@dataclass(frozen=True, slots=True)
class Enrollment:
    customer_id: int
    email: str
    totp_secret: str
    otpauth_uri: str
    recovery_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _FactorProof:
    """The outcome of the expensive half of a second-factor check (consumed later in a transaction)."""
    kind: Factor
    step: int | None            # the TOTP step the code matched, or None
    recovery_hash: str | None   # SHA-256 of a well-formed recovery code


_NO_PROOF = _FactorProof(Factor.NONE, None, None)
# What a TOTP code is checked against when there is no account: the same work, a secret nobody has.
_DUMMY_TOTP_SECRET = totp_mod.new_secret()


class _FactorRefused(Exception):
    """A second factor was refused inside a write transaction; the caller records it after rollback."""

    def __init__(self, error: Exception, reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason


def normalize_email(email: object) -> str:
    if not isinstance(email, str) or not email.strip():
        raise InputError("Type an e-mail address.")
    return email.strip().lower()[:_MAX_EMAIL + 1]


def _valid_email(email: object) -> str:
    e = normalize_email(email)
    if len(e) > _MAX_EMAIL or not _EMAIL.fullmatch(e):
        raise InputError("That does not look like an e-mail address (name@example.com).")
    return e


def _label(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > _MAX_LABEL \
            or not value.strip().isprintable():
        raise InputError(f"The {what} name must be 1 to {_MAX_LABEL} printable characters.")
    return value.strip()


def _secret_input(value: object) -> str:
    if not isinstance(value, str):
        raise InputError("Type the password.")
    return value[:_MAX_SECRET_INPUT]


def _customer(row: sqlite3.Row) -> Customer:
    return Customer(row["id"], row["email"], row["name"], bool(row["totp_enrolled"]), bool(row["frozen"]),
                    row["created_at"])
