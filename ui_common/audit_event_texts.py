"""What each audit event means, in words, in the app's language: the one table the till's Alerts panel
and the trainer's classroom view read (the core stores and serves only the event's name)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from shared.audit import AuditRow
from shared.audit_events import AuditEvent
from shared.clock import jst_text
from shared.money import format_yen


# One description for every event the core can write (tests/test_typed_contracts_gui.py checks that
# each AuditEvent member is here and has finished Japanese in ui_common_ja.ts, context "Alerts").
EVENT_TEXTS: dict[AuditEvent, str] = {
    AuditEvent.CUSTOMER_REGISTERED: QT_TRANSLATE_NOOP("Alerts", "Customer account created"),
    AuditEvent.REGISTER_EXISTING_EMAIL: QT_TRANSLATE_NOOP("Alerts", "Sign-up tried with an address that has an account"),
    AuditEvent.TOTP_ENROLLED: QT_TRANSLATE_NOOP("Alerts", "Authenticator app set up"),
    AuditEvent.TOTP_ENROL_FAILED: QT_TRANSLATE_NOOP("Alerts", "Wrong code while setting up the authenticator"),
    AuditEvent.LOGIN_SUCCEEDED: QT_TRANSLATE_NOOP("Alerts", "Customer signed in"),
    AuditEvent.LOGIN_FAILED: QT_TRANSLATE_NOOP("Alerts", "Sign-in failed"),
    AuditEvent.LOGIN_SECOND_FACTOR_MISSING: QT_TRANSLATE_NOOP("Alerts", "Right password without the second factor"),
    AuditEvent.TOTP_REUSED: QT_TRANSLATE_NOOP("Alerts", "Authenticator code used twice"),
    AuditEvent.NEW_DEVICE: QT_TRANSLATE_NOOP("Alerts", "Sign-in from a new device"),
    AuditEvent.LOCKOUT: QT_TRANSLATE_NOOP("Alerts", "Customer account locked"),
    AuditEvent.STUFFING_ALERT: QT_TRANSLATE_NOOP("Alerts", "Credential-stuffing attack suspected"),
    AuditEvent.ACCOUNT_UNLOCKED: QT_TRANSLATE_NOOP("Alerts", "Customer account unlocked by a supervisor"),
    AuditEvent.SESSION_EXPIRED: QT_TRANSLATE_NOOP("Alerts", "Session expired"),
    AuditEvent.SESSION_REVOKED: QT_TRANSLATE_NOOP("Alerts", "Session signed out"),
    AuditEvent.STEP_UP: QT_TRANSLATE_NOOP("Alerts", "Identity confirmed with the second factor"),
    AuditEvent.STEP_UP_FAILED: QT_TRANSLATE_NOOP("Alerts", "Identity confirmation failed"),
    AuditEvent.EXTERNAL_ID_SIGNIN: QT_TRANSLATE_NOOP("Alerts", "Signed in with an SNS ID"),
    AuditEvent.EXTERNAL_ID_REFUSED: QT_TRANSLATE_NOOP("Alerts", "Sign-in with an SNS ID refused"),
    AuditEvent.EXTERNAL_ID_LINKED: QT_TRANSLATE_NOOP("Alerts", "SNS ID linked to the account"),
    AuditEvent.RESET_REQUESTED: QT_TRANSLATE_NOOP("Alerts", "Password reset requested"),
    AuditEvent.RESET_REDIRECT_ATTEMPT: QT_TRANSLATE_NOOP("Alerts", "Password reset to an address not on record attempted"),
    AuditEvent.RESET_RATE_LIMITED: QT_TRANSLATE_NOOP("Alerts", "Too many password reset requests"),
    AuditEvent.RESET_COMPLETED: QT_TRANSLATE_NOOP("Alerts", "Password reset completed"),
    AuditEvent.RESET_FAILED: QT_TRANSLATE_NOOP("Alerts", "Wrong password reset code"),
    AuditEvent.PASSWORD_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Password changed"),
    AuditEvent.EMAIL_CHANGED: QT_TRANSLATE_NOOP("Alerts", "E-mail address changed"),
    AuditEvent.TOTP_REENROL_STARTED: QT_TRANSLATE_NOOP("Alerts", "Authenticator change started"),
    AuditEvent.TOTP_REENROLLED: QT_TRANSLATE_NOOP("Alerts", "Authenticator app changed"),
    AuditEvent.RECOVERY_CODES_REGENERATED: QT_TRANSLATE_NOOP("Alerts", "New recovery codes issued"),
    AuditEvent.WALLET_FROZEN: QT_TRANSLATE_NOOP("Alerts", "Wallet frozen"),
    AuditEvent.WALLET_UNFROZEN: QT_TRANSLATE_NOOP("Alerts", "Wallet unfrozen"),
    AuditEvent.TOPUP: QT_TRANSLATE_NOOP("Alerts", "Wallet topped up"),
    AuditEvent.TOPUP_DECLINED: QT_TRANSLATE_NOOP("Alerts", "Top-up card declined"),
    AuditEvent.TOPUP_VELOCITY_ALERT: QT_TRANSLATE_NOOP("Alerts", "Too many top-ups in a short time"),
    AuditEvent.TOPUP_PASSWORD_SET: QT_TRANSLATE_NOOP("Alerts", "Top-up password set"),
    AuditEvent.TOPUP_PASSWORD_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Top-up password changed"),
    AuditEvent.TOPUP_PASSWORD_FAILED: QT_TRANSLATE_NOOP("Alerts", "Wrong top-up password"),
    AuditEvent.TOPUP_PASSWORD_LOCKED: QT_TRANSLATE_NOOP("Alerts", "Top-up password locked after wrong tries"),
    AuditEvent.IDEMPOTENCY_KEY_CONFLICT: QT_TRANSLATE_NOOP("Alerts", "Top-up retried with other details"),
    AuditEvent.PAYMENT: QT_TRANSLATE_NOOP("Alerts", "Payment"),
    AuditEvent.PAYMENT_VELOCITY_ALERT: QT_TRANSLATE_NOOP("Alerts", "Too many payments in a short time"),
    AuditEvent.SALE_ID_CONFLICT: QT_TRANSLATE_NOOP("Alerts", "Sale number reused for another payment"),
    AuditEvent.REFUND: QT_TRANSLATE_NOOP("Alerts", "Refund"),
    AuditEvent.REFUND_ID_CONFLICT: QT_TRANSLATE_NOOP("Alerts", "Refund number reused for another refund"),
    AuditEvent.ISSUER_KEY_CREATED: QT_TRANSLATE_NOOP("Alerts", "Payment code signing key created"),
    AuditEvent.CODE_ISSUED: QT_TRANSLATE_NOOP("Alerts", "Payment code issued"),
    AuditEvent.CODE_TTL_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Payment code lifetime changed"),
    AuditEvent.CODES_REVOKED: QT_TRANSLATE_NOOP("Alerts", "Payment codes withdrawn"),
    AuditEvent.CODE_NOT_OURS: QT_TRANSLATE_NOOP("Alerts", "Scanned code is not a qrpay code"),
    AuditEvent.CODE_MALFORMED: QT_TRANSLATE_NOOP("Alerts", "Damaged payment code"),
    AuditEvent.CODE_FORGED: QT_TRANSLATE_NOOP("Alerts", "Forged payment code (bad signature)"),
    AuditEvent.CODE_EXPIRED: QT_TRANSLATE_NOOP("Alerts", "Expired payment code presented"),
    AuditEvent.CODE_NOT_YET_VALID: QT_TRANSLATE_NOOP("Alerts", "Payment code not valid yet (clock skew)"),
    AuditEvent.CODE_SUPERSEDED: QT_TRANSLATE_NOOP("Alerts", "Replaced payment code presented"),
    AuditEvent.CODE_REPLAYED: QT_TRANSLATE_NOOP("Alerts", "Payment code used twice (replay)"),
    AuditEvent.CODE_ACCOUNT_LOCKED: QT_TRANSLATE_NOOP("Alerts", "Frozen wallet tried to pay"),
    AuditEvent.CODE_INSUFFICIENT_FUNDS: QT_TRANSLATE_NOOP("Alerts", "Payment refused: balance too low"),
    AuditEvent.CODE_LIMIT_EXCEEDED: QT_TRANSLATE_NOOP("Alerts", "Payment refused: over the limit"),
    AuditEvent.CODE_REFUSED: QT_TRANSLATE_NOOP("Alerts", "Payment code refused"),
    AuditEvent.STAFF_ADDED: QT_TRANSLATE_NOOP("Alerts", "Staff member added"),
    AuditEvent.STAFF_LOGIN_FAILED: QT_TRANSLATE_NOOP("Alerts", "Wrong staff PIN"),
    AuditEvent.STAFF_LOCKED: QT_TRANSLATE_NOOP("Alerts", "Staff PIN locked after wrong PINs"),
    AuditEvent.Z_REPORT: QT_TRANSLATE_NOOP("Alerts", "Z report (day closed)"),
    AuditEvent.POLICY_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Security settings changed"),
    AuditEvent.CLOCK_CHANGED: QT_TRANSLATE_NOOP("Alerts", "Simulated clock changed"),
    AuditEvent.DEMO_SEEDED: QT_TRANSLATE_NOOP("Alerts", "Demo data created"),
    AuditEvent.AUDIT_LOG_ADOPTED: QT_TRANSLATE_NOOP("Alerts", "Existing audit log adopted and signed"),
    AuditEvent.AUDIT_ANCHOR_ADOPTED: QT_TRANSLATE_NOOP("Alerts", "Audit log re-signed after a failed check"),
}


def describe(row: AuditRow) -> str:
    """The event in words (translated). A name no member has (a database written by a newer
    version) shows as that name."""
    return describe_event(row.event)


def describe_event(event: "AuditEvent | str | None") -> str:
    """An event, a member or its stored name (the API's audit rows and world summaries carry the name), in
    words; a name no member has shows as that name."""
    if event is None:
        return ""
    if not isinstance(event, AuditEvent):
        try:
            event = AuditEvent(event)
        except ValueError:
            return str(event)
    text = EVENT_TEXTS.get(event)
    return QCoreApplication.translate("Alerts", text) if text else str(event)


# The details an alert carries, labelled in words (the core stores them under these keys). A key not here
# shows with its underscores as spaces; the values are made readable by `_value`.
DETAIL_LABELS: dict[str, str] = {
    "until": QT_TRANSLATE_NOOP("Alerts", "locked until"),
    "consecutive_failures": QT_TRANSLATE_NOOP("Alerts", "failures in a row"),
    "source": QT_TRANSLATE_NOOP("Alerts", "from"),
    "failing_accounts": QT_TRANSLATE_NOOP("Alerts", "accounts failing"),
    "failures": QT_TRANSLATE_NOOP("Alerts", "failed sign-ins"),
    "top_sources": QT_TRANSLATE_NOOP("Alerts", "main sources"),
    "window_seconds": QT_TRANSLATE_NOOP("Alerts", "within"),
    "amount": QT_TRANSLATE_NOOP("Alerts", "amount"),
    "recent_topups": QT_TRANSLATE_NOOP("Alerts", "recent top-ups"),
    "terminal": QT_TRANSLATE_NOOP("Alerts", "till"),
    "staff_id": QT_TRANSLATE_NOOP("Alerts", "staff no."),
    "known_account": QT_TRANSLATE_NOOP("Alerts", "address has an account"),
    "requested_send_to": QT_TRANSLATE_NOOP("Alerts", "asked to send to"),
    "sent_to_address_of_record": QT_TRANSLATE_NOOP("Alerts", "sent to the address on record"),
    "device": QT_TRANSLATE_NOOP("Alerts", "device"),
    "reason": QT_TRANSLATE_NOOP("Alerts", "reason"),
    "provider": QT_TRANSLATE_NOOP("Alerts", "provider"),
    "presented": QT_TRANSLATE_NOOP("Alerts", "presented"),
    "differs": QT_TRANSLATE_NOOP("Alerts", "differs in"),
    "sale_id": QT_TRANSLATE_NOOP("Alerts", "sale"),
    "old": QT_TRANSLATE_NOOP("Alerts", "before"),
    "new": QT_TRANSLATE_NOOP("Alerts", "after"),
    "expires_at": QT_TRANSLATE_NOOP("Alerts", "expires"),
    "receipt_no": QT_TRANSLATE_NOOP("Alerts", "receipt"),
    "count": QT_TRANSLATE_NOOP("Alerts", "count"),
}
_HIDDEN = {"nonce", "key_id", "presented_code_ref", "key_fingerprint", "session_id", "by_session_id"}
_TIMES = {"until", "expires_at"}
_YEN = {"amount", "amount_cap", "net"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Alerts", text)


def _value(key: str, value) -> str:
    if isinstance(value, bool):
        return _tr("yes") if value else _tr("no")
    if key in _TIMES and isinstance(value, (int, float)):
        return jst_text(value)
    if key in _YEN and isinstance(value, int):
        return format_yen(value)
    if (key == "seconds" or key.endswith("_seconds")) and isinstance(value, (int, float)):
        return _tr("{n} s").format(n=int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(key, v) for v in value)
    return str(value)


def details_text(details: dict, *, separator: str = "; ") -> str:
    """An alert's details in words: "failures in a row: 11; from: local; locked until: 2026-12-01 16:05 JST"
    (internal references — nonces, key and session ids — left out)."""
    return separator.join(f"{_tr(DETAIL_LABELS[k]) if k in DETAIL_LABELS else k.replace('_', ' ')}: {_value(k, v)}"
                          for k, v in details.items() if k not in _HIDDEN)
