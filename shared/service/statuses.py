"""The one table from a QrpayError to its HTTP status (docs/API.md).

A specific `code` wins over the error's class (CodeRefused "replayed" is a 409, "expired" a 422); the class
table is walked along the MRO, so a new subclass inherits its parent's status. Nothing falls to a 5xx except a
StorageError (503: the database is unusable, the caller may retry) and a PaymentUnconfirmed (503, retry with
the same sale id)."""
from __future__ import annotations

from shared import errors

BY_CODE: dict[str, int] = {
    # the server's own refusals
    "malformed_json": 400,
    "auth_required": 401,
    "no_such_world": 404,
    "not_found": 404,
    "body_timeout": 408,
    "body_too_large": 413,
    "bad_body": 422,
    "client_time_refused": 422,
    "rate_limited": 429,
    # a code that was already used, or an id reused for another request, contradicts what is stored
    "replayed": 409,
    "superseded": 409,
    "revoked": 409,
    "sale_id_conflict": 409,
    "refund_id_conflict": 409,
    "idempotency_key_conflict": 409,
    "already_closed": 409,
    "world_exists": 409,
    "account_locked": 403,
}

BY_CLASS: dict[type[errors.QrpayError], int] = {
    errors.InputError: 422,
    errors.NotFound: 404,
    errors.InvalidCredentials: 401,
    errors.SessionInvalid: 401,
    errors.TotpRequired: 401,
    errors.TotpInvalid: 401,
    errors.TotpReused: 401,
    errors.Throttled: 429,
    errors.Locked: 403,
    errors.WeakPassword: 422,
    errors.StepUpRequired: 403,
    errors.PermissionDenied: 403,
    errors.Conflict: 409,
    errors.LimitExceeded: 422,
    errors.InsufficientFunds: 422,
    errors.CodeRefused: 422,
    errors.StorageError: 503,
    errors.PaymentUnconfirmed: 503,
    errors.QrpayError: 400,
}


def status_for(exc: errors.QrpayError) -> int:
    if exc.code in BY_CODE:
        return BY_CODE[exc.code]
    for cls in type(exc).__mro__:
        if cls in BY_CLASS:
            return BY_CLASS[cls]
    return 400


def retry_after(exc: errors.QrpayError) -> int | None:
    """Whole seconds for a Retry-After header (Throttled.retry_after, Locked.until is absolute: not here)."""
    value = exc.details.get("retry_after")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return max(1, int(-(-value // 1)))
    return None
