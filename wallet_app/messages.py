"""What the customer reads when the core refuses something: error code → translated text.

The core's `QrpayError.code` is stable; its English `message` is the fallback when a code has no
entry here (a new refusal still reads sensibly in English rather than as a bare code). Password
problems come from the core as codes with their numbers (shared.passwords.PasswordProblem); they
are translated here, never matched as English sentences.
"""
from __future__ import annotations

import math
from typing import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from shared.errors import QrpayError
from shared.passwords import PasswordProblem, PasswordProblemCode, reported_problem




def _texts() -> dict[str, str]:
    # Built on each call so the translation installed at start-up is used.
    return {
        "bad_input": QCoreApplication.translate("Messages", "Please check what you typed."),
        "not_found": QCoreApplication.translate("Messages", "That could not be found."),
        "invalid_credentials": QCoreApplication.translate("Messages", "The e-mail address or password is wrong."),
        "reset_code_invalid": QCoreApplication.translate("Messages", "The reset code is wrong or has expired. Ask for a new one."),
        "totp_required": QCoreApplication.translate("Messages", "Enter the 6-digit code from your authenticator app."),
        "totp_invalid": QCoreApplication.translate("Messages", "That code is not right. Check your phone's clock and use the newest code."),
        "totp_reused": QCoreApplication.translate("Messages", "That code was already used. Wait for the next code."),
        "weak_password": QCoreApplication.translate("Messages", "Choose another password."),
        "session_invalid": QCoreApplication.translate("Messages", "Your session has ended. Sign in again."),
        "step_up_required": QCoreApplication.translate("Messages", "Confirm it is you: enter a code from your authenticator app."),
        "permission_denied": QCoreApplication.translate("Messages", "That is not allowed."),
        "conflict": QCoreApplication.translate("Messages", "That conflicts with what is already stored."),
        "limit_exceeded": QCoreApplication.translate("Messages", "That is over your limit."),
        "insufficient_funds": QCoreApplication.translate("Messages", "Your balance is not enough."),
        "card_invalid": QCoreApplication.translate("Messages", "That card number is not valid."),
        "card_unsupported": QCoreApplication.translate("Messages", "Only Visa, Mastercard, American Express and JCB cards can be used."),
        "card_declined": QCoreApplication.translate("Messages", "The card was declined by its issuer."),
        "topup_password_required": QCoreApplication.translate("Messages", "Enter your top-up password."),
        "account_locked": QCoreApplication.translate("Messages", "This wallet is frozen. Contact the service desk."),
        "storage_error": QCoreApplication.translate("Messages", "The app's data file cannot be used."),
        # refusals a till reports for a payment code
        "not_ours": QCoreApplication.translate("Messages", "The till could not read this as a qrpay code."),
        "malformed": QCoreApplication.translate("Messages", "The code was damaged."),
        "bad_signature": QCoreApplication.translate("Messages", "The code's signature did not check out."),
        "expired": QCoreApplication.translate("Messages", "The code expired."),
        "not_yet_valid": QCoreApplication.translate("Messages", "The code is not valid yet (check the clock)."),
        "superseded": QCoreApplication.translate("Messages", "A newer code replaced this one."),
        "replayed": QCoreApplication.translate("Messages", "This code was already used."),
        "revoked": QCoreApplication.translate("Messages", "This code was cancelled."),
    }


# Marked for lupdate here; translated when looked up (in the language installed then).
_PASSWORD_PROBLEMS: dict[PasswordProblemCode, str] = {
    PasswordProblemCode.MISSING: QT_TRANSLATE_NOOP("Messages", "Type a password."),
    PasswordProblemCode.TOO_SHORT: QT_TRANSLATE_NOOP("Messages", "Use at least {n} characters."),
    PasswordProblemCode.TOO_LONG: QT_TRANSLATE_NOOP("Messages", "Use at most {n} characters."),
    PasswordProblemCode.CONTAINS_EMAIL: QT_TRANSLATE_NOOP("Messages", "It contains your e-mail address."),
    PasswordProblemCode.COMMON: QT_TRANSLATE_NOOP("Messages", "This password is in lists of common passwords."),
    PasswordProblemCode.PERSONAL: QT_TRANSLATE_NOOP("Messages", "It contains your e-mail address or the name of this service."),
    PasswordProblemCode.REPEAT: QT_TRANSLATE_NOOP("Messages", "It repeats characters or words (like aaaa or abcabc)."),
    PasswordProblemCode.SEQUENCE: QT_TRANSLATE_NOOP("Messages", "It is a simple sequence (like abcd or 1234)."),
    PasswordProblemCode.KEYBOARD: QT_TRANSLATE_NOOP("Messages", "It is a keyboard pattern (like qwerty)."),
    PasswordProblemCode.DATE: QT_TRANSLATE_NOOP("Messages", "It is a date or a year, which is easy to guess."),
    PasswordProblemCode.COMMON_WORD: QT_TRANSLATE_NOOP("Messages", "It is a common word or name; add more words or characters."),
    PasswordProblemCode.GUESSABLE: QT_TRANSLATE_NOOP("Messages", "It is too easy to guess; make it longer, for example a few unrelated words."),
}


def password_problem_text(code: PasswordProblemCode | str, params: Mapping[str, object] | None = None) -> str:
    """One password problem from the core (a code and its numbers, never its English words) in the
    app's language. An unknown code (a newer core) reads as the general "too easy to guess"."""
    problem, numbers = reported_problem(code, params)
    return QCoreApplication.translate("Messages", _PASSWORD_PROBLEMS[problem]).format(**numbers)


def password_problem(problem: PasswordProblem) -> str:
    return password_problem_text(problem.code, problem.params)


def duration_text(seconds: float) -> str:
    """"0:42" / "14:05" / "1:02:03": a countdown a customer reads at a glance."""
    s = max(0, math.ceil(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def error_text(exc: QrpayError) -> str:
    """The customer-facing text for a refusal (without countdowns: screens add those)."""
    code = exc.code
    if code == "weak_password":
        problems = [p for p in exc.details.get("problems") or [] if isinstance(p, dict)]
        if problems:
            return QCoreApplication.translate("Messages", "Choose another password:") + " " + " ".join(
                password_problem_text(str(p.get("code")), p) for p in problems)
    if code == "limit_exceeded":
        left = exc.details.get("left")
        if isinstance(left, int):
            from shared.money import format_yen
            return QCoreApplication.translate("Messages", "That is over your limit: you can use {left} more now.").format(left=format_yen(left))
        return exc.message if _is_english() else _texts()["limit_exceeded"]
    if code == "throttled":
        return QCoreApplication.translate("Messages", "Too many attempts. Please wait before trying again.")
    if code == "locked":
        if exc.details.get("until") is not None:
            return QCoreApplication.translate("Messages", "Too many failed sign-ins: the account is locked for now. You can also reset your password.")
        return _texts()["account_locked"]
    if code in ("card_declined", "conflict", "not_found", "bad_input", "permission_denied") and _is_english():
        return exc.message  # the core's own English sentence is more specific
    if code in _texts():
        return _texts()[code]
    if code.startswith("db_") or code in ("disk_full", "not_a_database", "newer_schema"):
        return _texts()["storage_error"]
    if _is_english() and exc.message:
        return exc.message
    # a code this app does not know yet: never an English sentence in a Japanese screen
    return QCoreApplication.translate("Messages", "That did not work ({code}).").format(code=code or "?")


def _is_english() -> bool:
    from ui_common.app import language

    return language() == "en"
