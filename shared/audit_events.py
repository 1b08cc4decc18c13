"""Every event the audit log can hold: the one place their names live.

`audit.record` accepts only an `AuditEvent`; the value is the name stored in the `audit_log.event`
column and hashed into the chain, so a value must never change (existing databases and their
signed heads would no longer verify against readers that look for the new name). Add a member for
a new event; the GUI must describe every member in every language (tests/test_audit_events.py).
`StrEnum` so a member serialises as its stored name (JSON, reports); readers compare with members,
never with string literals.
"""
from __future__ import annotations

import enum

from shared.errors import InputError


class AuditEvent(enum.StrEnum):
    # Sign-up, sign-in and sessions
    CUSTOMER_REGISTERED = "customer_registered"
    REGISTER_EXISTING_EMAIL = "register_existing_email"
    TOTP_ENROLLED = "totp_enrolled"
    TOTP_ENROL_FAILED = "totp_enrol_failed"
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGIN_SECOND_FACTOR_MISSING = "login_second_factor_missing"
    TOTP_REUSED = "totp_reused"
    NEW_DEVICE = "new_device"
    LOCKOUT = "lockout"
    STUFFING_ALERT = "stuffing_alert"
    ACCOUNT_UNLOCKED = "account_unlocked"
    SESSION_EXPIRED = "session_expired"
    SESSION_REVOKED = "session_revoked"
    STEP_UP = "step_up"
    STEP_UP_FAILED = "step_up_failed"
    # Written by the external-ID (OpenID Connect) sign-in; `verified` false when the core accepted an
    # identity it did not verify (2019): shared/challenges.py's external-id-takeover looks for it.
    EXTERNAL_ID_SIGNIN = "external_id_signin"
    EXTERNAL_ID_REFUSED = "external_id_refused"
    EXTERNAL_ID_LINKED = "external_id_linked"
    # Password reset and credential changes
    RESET_REQUESTED = "reset_requested"
    RESET_REDIRECT_ATTEMPT = "reset_redirect_attempt"
    RESET_RATE_LIMITED = "reset_rate_limited"
    RESET_COMPLETED = "reset_completed"
    RESET_FAILED = "reset_failed"
    PASSWORD_CHANGED = "password_changed"
    EMAIL_CHANGED = "email_changed"
    TOTP_REENROL_STARTED = "totp_reenrol_started"
    TOTP_REENROLLED = "totp_reenrolled"
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated"
    # Wallet, top-ups and payments
    WALLET_FROZEN = "wallet_frozen"
    WALLET_UNFROZEN = "wallet_unfrozen"
    TOPUP = "topup"
    TOPUP_DECLINED = "topup_declined"
    TOPUP_VELOCITY_ALERT = "topup_velocity_alert"
    TOPUP_PASSWORD_SET = "topup_password_set"
    TOPUP_PASSWORD_CHANGED = "topup_password_changed"
    TOPUP_PASSWORD_FAILED = "topup_password_failed"
    TOPUP_PASSWORD_LOCKED = "topup_password_locked"
    IDEMPOTENCY_KEY_CONFLICT = "idempotency_key_conflict"
    PAYMENT = "payment"
    PAYMENT_VELOCITY_ALERT = "payment_velocity_alert"
    SALE_ID_CONFLICT = "sale_id_conflict"
    REFUND = "refund"
    REFUND_ID_CONFLICT = "refund_id_conflict"
    # Payment codes
    ISSUER_KEY_CREATED = "issuer_key_created"
    CODE_ISSUED = "code_issued"
    CODE_TTL_CHANGED = "code_ttl_changed"
    CODES_REVOKED = "codes_revoked"
    CODE_NOT_OURS = "code_not_ours"
    CODE_MALFORMED = "code_malformed"
    CODE_FORGED = "code_forged"
    CODE_EXPIRED = "code_expired"
    CODE_NOT_YET_VALID = "code_not_yet_valid"
    CODE_SUPERSEDED = "code_superseded"
    CODE_REPLAYED = "code_replayed"
    CODE_ACCOUNT_LOCKED = "code_account_locked"
    CODE_INSUFFICIENT_FUNDS = "code_insufficient_funds"
    CODE_LIMIT_EXCEEDED = "code_limit_exceeded"
    CODE_REFUSED = "code_refused"
    # Staff, reports and the system
    STAFF_ADDED = "staff_added"
    STAFF_LOGIN_FAILED = "staff_login_failed"
    STAFF_LOCKED = "staff_locked"
    Z_REPORT = "z_report"
    POLICY_CHANGED = "policy_changed"
    CLOCK_CHANGED = "clock_changed"
    DEMO_SEEDED = "demo_seeded"
    AUDIT_LOG_ADOPTED = "audit_log_adopted"
    AUDIT_ANCHOR_ADOPTED = "audit_anchor_adopted"


def parse(name: object) -> AuditEvent:
    """An event name from outside (the CLI's --event): the member, or InputError `unknown_event`."""
    try:
        return AuditEvent(name)
    except ValueError:
        raise InputError("There is no audit event of that name (see `qrpay audit --help`).",
                         code="unknown_event") from None
