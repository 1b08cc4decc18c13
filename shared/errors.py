"""The core's domain errors.

Every refusal the core makes is a `QrpayError` with a stable machine code (QA scripts and the
apps switch on it) and a message a customer or clerk understands. The message never contains a
secret (password, TOTP code, reset code, session token, private key).
"""
from __future__ import annotations

from typing import Any


class QrpayError(Exception):
    """Base of every error the core raises on purpose. `code` is stable; `message` is for people."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.details = details

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        out.update({k: v for k, v in self.details.items() if v is not None})
        return out


class InputError(QrpayError):
    """Input that can never be right (empty, wrong type, out of range)."""

    code = "bad_input"


class NotFound(QrpayError):
    code = "not_found"


class InvalidCredentials(QrpayError):
    code = "invalid_credentials"


class TotpRequired(QrpayError):
    code = "totp_required"


class TotpInvalid(QrpayError):
    code = "totp_invalid"


class TotpReused(QrpayError):
    code = "totp_reused"


class Throttled(QrpayError):
    """Too many failures: try again after `retry_after` seconds."""

    code = "throttled"


class Locked(QrpayError):
    """The account is locked until `until` (unix seconds), or frozen by a supervisor."""

    code = "locked"


class WeakPassword(QrpayError):
    """details: `problems` (each {"code": PasswordProblemCode value, and its numbers, e.g. "min"}) for the
    GUI to translate, and `reasons`, the same in English words for the CLI."""

    code = "weak_password"

    @classmethod
    def of(cls, lead: str, problems) -> "WeakPassword":
        """From shared.passwords.PasswordProblem items."""
        reasons = [p.message for p in problems]
        return cls(lead + " " + " ".join(reasons), reasons=reasons, problems=[p.to_json() for p in problems])


class SessionInvalid(QrpayError):
    code = "session_invalid"


class StepUpRequired(QrpayError):
    """The action needs a second-factor check within the last few minutes."""

    code = "step_up_required"


class PermissionDenied(QrpayError):
    code = "permission_denied"


class Conflict(QrpayError):
    """The request contradicts what is stored (duplicate e-mail, idempotency key reused for other data)."""

    code = "conflict"


class IdempotencyConflict(Conflict):
    """An idempotency key (sale id, refund id, top-up key) reused for a different request: HTTP 409.
    `code` is sale_id_conflict, refund_id_conflict or idempotency_key_conflict."""

    code = "idempotency_conflict"


class LimitExceeded(QrpayError):
    code = "limit_exceeded"


class InsufficientFunds(QrpayError):
    code = "insufficient_funds"


class CodeRefused(QrpayError):
    """A payment code a till must refuse. `code` is one of: not_ours, malformed, bad_signature,
    expired, not_yet_valid, superseded, replayed, account_locked, insufficient_funds,
    limit_exceeded."""

    code = "code_refused"


class CodeParseError(CodeRefused):
    """The one error a payment-code parser raises (code `not_ours` or `malformed`)."""

    code = "malformed"


class StorageError(QrpayError):
    """The database file cannot be used (not a database, newer schema, locked, read-only, full)."""

    code = "storage_error"


class PaymentUnconfirmed(QrpayError):
    """A payment call failed in an unexpected way (database locked, a crash in the core): the
    outcome is unknown, so the clerk retries with the same sale id, which cannot charge twice."""

    code = "payment_unconfirmed"


def error_classes() -> list[type[QrpayError]]:
    """Every QrpayError subclass loaded in this process, once each, breadth first (the core's own before
    the ones other modules derive from them): the wire codec's table, and what the API tests go through."""
    out: list[type[QrpayError]] = []
    todo: list[type[QrpayError]] = [QrpayError]
    while todo:
        cls = todo.pop(0)
        if cls not in out:
            out.append(cls)
        todo.extend(cls.__subclasses__())
    return out
