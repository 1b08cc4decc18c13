"""The trainer's words for the core's names: scenario titles and explanations, defences, sizes,
policies (marked for lupdate under the "TrainerWindow" context, where the Japanese lives)."""
from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication



log = logging.getLogger(__name__)



def _tr(text: str) -> str:
    """Translate a text marked with QT_TRANSLATE_NOOP("TrainerWindow", ...) (lupdate reads the mark)."""
    return QCoreApplication.translate("TrainerWindow", text)


# Title, one-line explanation (the list) and a fuller sentence (the run card), per scenario.
_SCENARIO_TEXTS = {
    "credential-stuffing": (
        QT_TRANSLATE_NOOP("TrainerWindow", "Credential stuffing"),
        QT_TRANSLATE_NOOP("TrainerWindow", "Leaked passwords replayed against sign-in."),
        QT_TRANSLATE_NOOP("TrainerWindow", "A leaked e-mail/password list is replayed against sign-in; "
                                           "reused passwords are taken over and drained at a till.")),
    "reset-hijack": (
        QT_TRANSLATE_NOOP("TrainerWindow", "Password-reset hijack"),
        QT_TRANSLATE_NOOP("TrainerWindow", "The reset goes to the attacker's address."),
        QT_TRANSLATE_NOOP("TrainerWindow", "The attacker asks for a password reset and types in their own "
                                           "address for it.")),
    "external-id-takeover": (
        QT_TRANSLATE_NOOP("TrainerWindow", "External-ID takeover"),
        QT_TRANSLATE_NOOP("TrainerWindow", "Sign-in with the victim's SNS ID."),
        QT_TRANSLATE_NOOP("TrainerWindow", "The attacker sends the victim's SNS user id, or an ID token the "
                                           "SNS issued to the attacker's own app.")),
    "topup-takeover": (
        QT_TRANSLATE_NOOP("TrainerWindow", "Top-up takeover"),
        QT_TRANSLATE_NOOP("TrainerWindow", "Top-up password changed, then rapid top-ups."),
        QT_TRANSLATE_NOOP("TrainerWindow", "The attacker changes the top-up password, then tops up three "
                                           "times in one minute.")),
    "screenshot-replay": (
        QT_TRANSLATE_NOOP("TrainerWindow", "Screenshot replay"),
        QT_TRANSLATE_NOOP("TrainerWindow", "A used or lifted code shown again at a till."),
        QT_TRANSLATE_NOOP("TrainerWindow", "A photographed code is shown after it was used or refreshed; "
                                           "a code lifted at till A is spent at till B.")),
    "expired-and-skewed": (
        QT_TRANSLATE_NOOP("TrainerWindow", "Expired and skewed codes"),
        QT_TRANSLATE_NOOP("TrainerWindow", "An old code; a phone whose clock is wrong."),
        QT_TRANSLATE_NOOP("TrainerWindow", "An old code is presented, and a code from a phone whose clock "
                                           "runs hours ahead.")),
    "forged-code": (
        QT_TRANSLATE_NOOP("TrainerWindow", "Forged code"),
        QT_TRANSLATE_NOOP("TrainerWindow", "Altered amount cap or wallet; another key."),
        QT_TRANSLATE_NOOP("TrainerWindow", "A code with its amount cap or wallet altered, and one signed "
                                           "with another key.")),
    "double-spend": (
        QT_TRANSLATE_NOOP("TrainerWindow", "Double spend"),
        QT_TRANSLATE_NOOP("TrainerWindow", "One code at two tills at the same instant."),
        QT_TRANSLATE_NOOP("TrainerWindow", "One code is presented at two tills at the same instant.")),
    "resale-velocity": (
        QT_TRANSLATE_NOOP("TrainerWindow", "Resale velocity"),
        QT_TRANSLATE_NOOP("TrainerWindow", "Many high-value purchases in minutes."),
        QT_TRANSLATE_NOOP("TrainerWindow", "A taken-over wallet buys many high-value, easy-to-resell goods "
                                           "within minutes.")),
}
# What stops each attack under the hardened policy, said for a trainee, per scenario (a code,
# not the core's English sentence): shown instead of the core's `blocked_by` in other languages.
_DEFENCES = {
    "credential-stuffing": QT_TRANSLATE_NOOP("TrainerWindow", "TOTP second factor + throttling"),
    "reset-hijack": QT_TRANSLATE_NOOP("TrainerWindow", "reset code sent only to the address of record "
                                                       "(+ second factor to finish)"),
    "external-id-takeover": QT_TRANSLATE_NOOP("TrainerWindow", "ID-token verification (signature, issuer, "
                                                               "audience, nonce, expiry) + step-up before a code"),
    "topup-takeover": QT_TRANSLATE_NOOP("TrainerWindow", "TOTP second factor for sign-in, top-ups and top-up "
                                                         "credential changes"),
    "screenshot-replay": QT_TRANSLATE_NOOP("TrainerWindow", "single-use codes that a refresh supersedes and that "
                                                            "expire in 60 s"),
    "expired-and-skewed": QT_TRANSLATE_NOOP("TrainerWindow", "60-second code lifetime and 30 seconds of clock "
                                                             "tolerance"),
    "forged-code": QT_TRANSLATE_NOOP("TrainerWindow", "Ed25519 signature over every field of the code"),
    "double-spend": QT_TRANSLATE_NOOP("TrainerWindow", "single-use code redeemed inside the sale's transaction"),
    "resale-velocity": QT_TRANSLATE_NOOP("TrainerWindow", "payment velocity rule (amount and count per 10 minutes) "
                                                          "+ alert"),
}
_SIZE_LABELS = {
    "customers": QT_TRANSLATE_NOOP("TrainerWindow", "Accounts"),
    "leaked": QT_TRANSLATE_NOOP("TrainerWindow", "Leaked pairs"),
    "reuse": QT_TRANSLATE_NOOP("TrainerWindow", "Reusing"),
    "attempts": QT_TRANSLATE_NOOP("TrainerWindow", "Attempts"),
    "rate": QT_TRANSLATE_NOOP("TrainerWindow", "Attempts / s"),
    "sources": QT_TRANSLATE_NOOP("TrainerWindow", "Bot addresses"),
    "balance": QT_TRANSLATE_NOOP("TrainerWindow", "Victim balance ¥"),
    "amount": QT_TRANSLATE_NOOP("TrainerWindow", "Yen per top-up"),
    "topups": QT_TRANSLATE_NOOP("TrainerWindow", "Top-ups"),
    "basket": QT_TRANSLATE_NOOP("TrainerWindow", "Basket ¥"),
    "lift_delay": QT_TRANSLATE_NOOP("TrainerWindow", "Lift delay (s)"),
    "age": QT_TRANSLATE_NOOP("TrainerWindow", "Code age (s)"),
    "skew": QT_TRANSLATE_NOOP("TrainerWindow", "Phone clock ahead (s)"),
    "rounds": QT_TRANSLATE_NOOP("TrainerWindow", "Rounds"),
    "purchases": QT_TRANSLATE_NOOP("TrainerWindow", "Purchases"),
    "interval": QT_TRANSLATE_NOOP("TrainerWindow", "Seconds between"),
    "give_up": QT_TRANSLATE_NOOP("TrainerWindow", "Gives up after"),
    "read_mail": QT_TRANSLATE_NOOP("TrainerWindow", "Attacker reads the victim's mail (1/0)"),
}
_POLICY_LABELS = {"hardened": QT_TRANSLATE_NOOP("TrainerWindow", "Hardened"),
                  "2019": QT_TRANSLATE_NOOP("TrainerWindow", "2019")}
_SKEW_HELP = QT_TRANSLATE_NOOP("TrainerWindow", "Type a skew such as +5m, -90s or +2h.")


def scenario_texts() -> dict[str, tuple[str, str, str]]:
    """Translated title, one-line explanation and fuller sentence per scenario; the core's English
    title and summary are the fallback for a scenario added later."""
    return {name: tuple(_tr(t) for t in texts) for name, texts in _SCENARIO_TEXTS.items()}


def size_label(name: str, fallback: str) -> str:
    return _tr(_SIZE_LABELS[name]) if name in _SIZE_LABELS else fallback


def policy_label(name: str) -> str:
    return _tr(_POLICY_LABELS.get(name, name))
