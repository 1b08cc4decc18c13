"""How the trainer groups the core's named defences (`shared.defences`) for a presenter: by the
part of the payment app they protect. The score board uses the same groups as the challenges'
categories (a challenge's category is the group of the defence that stops it).

A defence added to the core later and not listed here still shows, under "Other" (a test keeps
the list complete)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from shared import defences

CONTEXT = "DefenceGroups"

# (group id, title, defence names in the order shown)
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("sign-in", QT_TRANSLATE_NOOP("DefenceGroups", "Sign-in"),
     ("second-factor-sign-in", "same-reply", "per-account-throttling", "stuffing-detection", "password-strength",
      "id-token-verification", "owner-notices", "session-timeouts")),
    ("reset", QT_TRANSLATE_NOOP("DefenceGroups", "Password reset"),
     ("reset-to-address-of-record", "reset-second-factor", "reset-code-lifetime")),
    ("codes", QT_TRANSLATE_NOOP("DefenceGroups", "Payment codes"),
     ("step-up-before-code", "code-lifetime", "single-use-code", "one-live-code")),
    ("topups", QT_TRANSLATE_NOOP("DefenceGroups", "Credentials and top-ups"),
     ("credential-change-step-up", "topup-second-factor", "topup-credential-second-factor", "topup-limits",
      "topup-velocity")),
    ("payments", QT_TRANSLATE_NOOP("DefenceGroups", "Payments at the till"),
     ("payment-limits", "payment-velocity")),
)
OTHER = ("other", QT_TRANSLATE_NOOP("DefenceGroups", "Other"))


def group_title(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def grouped() -> list[tuple[str, str, list[defences.Defence]]]:
    """(group id, translated title, the defences) in display order; every registered defence once."""
    seen: set[str] = set()
    out = []
    for gid, title, names in GROUPS:
        members = [defences.DEFENCES[n] for n in names if n in defences.DEFENCES]
        seen.update(d.name for d in members)
        out.append((gid, group_title(title), members))
    rest = [d for d in defences.DEFENCES.values() if d.name not in seen]
    if rest:
        out.append((OTHER[0], group_title(OTHER[1]), rest))
    return out


def group_of(defence_name: str) -> tuple[str, str]:
    """(group id, translated title) of a defence."""
    for gid, title, names in GROUPS:
        if defence_name in names:
            return gid, group_title(title)
    return OTHER[0], group_title(OTHER[1])
