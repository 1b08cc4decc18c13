"""What the clerk reads when the core refuses something: a headline and what to do next.

The core's refusal codes are stable (`QrpayError.code`); the words are chosen here, once, and
translated. A code this table does not know falls back to the core's own message, which is
written for people too, so the clerk never sees a bare code.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from shared.errors import QrpayError
from ui_common.app import context_tr

_t = context_tr("Messages")


@dataclass(frozen=True, slots=True)
class ClerkMessage:
    code: str
    headline: str       # large, on the red panel
    next_step: str      # what the clerk does now
    alarming: bool = False   # a possible attack: the panel says to call a supervisor


# Marked for lupdate here; translated when looked up (in the language installed then).
_TABLE: dict[str, tuple[str, str, bool]] = {
    "replayed": (QT_TRANSLATE_NOOP("Messages", "Already used"),
        QT_TRANSLATE_NOOP("Messages", "Ask the customer to refresh the code in the app and scan the new one."),
        False),
    "expired": (QT_TRANSLATE_NOOP("Messages", "Expired"),
        QT_TRANSLATE_NOOP("Messages", "The code is too old. Ask the customer to refresh the code and scan again."),
        False),
    "not_ours": (QT_TRANSLATE_NOOP("Messages", "Not a qrpay code"),
        QT_TRANSLATE_NOOP("Messages", "This QR code is not a payment code. Ask the customer to open the Pay screen of the qrpay app."),
        False),
    "malformed": (QT_TRANSLATE_NOOP("Messages", "Damaged code"),
        QT_TRANSLATE_NOOP("Messages", "The code could not be read completely. Ask the customer to show it again, or type the 20-digit number."),
        False),
    "bad_signature": (QT_TRANSLATE_NOOP("Messages", "Signature invalid — possible forgery"),
        QT_TRANSLATE_NOOP("Messages", "Do not accept this code. Call a supervisor."),
        True),
    "insufficient_funds": (QT_TRANSLATE_NOOP("Messages", "Insufficient balance"),
        QT_TRANSLATE_NOOP("Messages", "The wallet does not hold enough. Ask the customer to top up, or to pay another way."),
        False),
    "limit_exceeded": (QT_TRANSLATE_NOOP("Messages", "Over the payment limit"),
        QT_TRANSLATE_NOOP("Messages", "This payment is above the wallet's limit. Ask the customer to pay another way."),
        False),
    "account_locked": (QT_TRANSLATE_NOOP("Messages", "Wallet frozen"),
        QT_TRANSLATE_NOOP("Messages", "This wallet cannot pay. Refer the customer to the service desk."),
        False),
    "superseded": (QT_TRANSLATE_NOOP("Messages", "Old code"),
        QT_TRANSLATE_NOOP("Messages", "A newer code was shown since. Ask the customer to show the code on screen now."),
        False),
    "not_yet_valid": (QT_TRANSLATE_NOOP("Messages", "Code dated in the future"),
        QT_TRANSLATE_NOOP("Messages", "The phone's or the till's clock is wrong. Ask the customer to refresh the code; if it happens again, call a supervisor."),
        False),
    "revoked": (QT_TRANSLATE_NOOP("Messages", "Code withdrawn"),
        QT_TRANSLATE_NOOP("Messages", "The account's sign-in details changed. Ask the customer for a new code."),
        False),
    "day_closed": (QT_TRANSLATE_NOOP("Messages", "Till closed for today"),
        QT_TRANSLATE_NOOP("Messages", "The Z report for today was printed. Use another till."),
        False),
    "camera_unavailable": (QT_TRANSLATE_NOOP("Messages", "Camera not available"),
        QT_TRANSLATE_NOOP("Messages", "Retry, choose another source, or type the code."),
        False),
    "invalid_credentials": (QT_TRANSLATE_NOOP("Messages", "Wrong staff number or PIN"),
        QT_TRANSLATE_NOOP("Messages", "Check the number and try again."),
        False),
    "locked": (QT_TRANSLATE_NOOP("Messages", "Locked"),
        QT_TRANSLATE_NOOP("Messages", "Too many wrong PINs. Ask a supervisor."),
        False),
    "permission_denied": (QT_TRANSLATE_NOOP("Messages", "Supervisor needed"),
        QT_TRANSLATE_NOOP("Messages", "A supervisor must approve this."),
        False),
    "payment_unconfirmed": (QT_TRANSLATE_NOOP("Messages", "Payment not confirmed"),
        QT_TRANSLATE_NOOP("Messages", "Scan the code again. The customer is never charged twice for this sale."),
        False),
    "storage_error": (QT_TRANSLATE_NOOP("Messages", "The till cannot reach its database"),
        QT_TRANSLATE_NOOP("Messages", "Try again. The customer is never charged twice for this sale."),
        False),
    "already_refunded": (QT_TRANSLATE_NOOP("Messages", "Already refunded"),
        QT_TRANSLATE_NOOP("Messages", "This receipt was refunded in full."),
        False),
    "exceeds_paid": (QT_TRANSLATE_NOOP("Messages", "More than was sold"),
        QT_TRANSLATE_NOOP("Messages", "Refund at most what is left on the receipt."),
        False),
    "not_found": (QT_TRANSLATE_NOOP("Messages", "Not found"),
        QT_TRANSLATE_NOOP("Messages", "Check the number and try again."),
        False),
}


def clerk_message(error: QrpayError | str, fallback: str = "") -> ClerkMessage:
    """The words for a refusal: `error` is a QrpayError or its code."""
    code = error.code if isinstance(error, QrpayError) else str(error)
    found = _TABLE.get(code)
    if found is not None:
        return ClerkMessage(code, _t(found[0]), _t(found[1]), found[2])
    detail = error.message if isinstance(error, QrpayError) else fallback
    return ClerkMessage(code, QCoreApplication.translate("Messages", "Not accepted"),
                        detail or QCoreApplication.translate("Messages", "Try again, or call a supervisor."))


def plain_error(error: QrpayError) -> str:
    """One line for a status bar or form: headline and next step, or the core's message."""
    if isinstance(error, QrpayError) and error.code in _TABLE:
        m = clerk_message(error)
        return f"{m.headline} — {m.next_step}"
    return error.message if isinstance(error, QrpayError) else str(error)
