"""What the identity modules tell people: the replies to a refused sign-in, reset or second
factor (the GUIs translate by error code), and the notices sent to an account's owner.

`notify_owner` sends to the address of record; `notify_once` sends unless the same notice went
out within NOTICE_WINDOW_SECONDS (no flooding). E-mail bodies that carry figures (times,
devices) are written next to the event that sends them.
"""
from __future__ import annotations

import math
import sqlite3

from shared import mailbox
from shared.errors import NotFound
from shared.identity_base import HOUR
from shared.mailbox import MessageKind
from shared.storage import identity_store as store

NOTICE_WINDOW_SECONDS = HOUR  # one "someone knows your password" notice per owner per hour

_WRONG_LOGIN = "The e-mail address or password is wrong."
_FACTOR_NEEDED = "Enter your password and the 6-digit code from your authenticator app (or a recovery code)."
_PASSWORD_KNOWN_SUBJECT = "Someone tried to use your qrpay-sim account"
_WRONG_RESET = "The reset code is wrong or has expired. Ask for a new one."
_RESET_FACTOR_NEEDED = "Enter the reset code and a code from your authenticator app (or a recovery code)."
_TOTP_WRONG = "That code is not right. Check that your phone's clock is correct and use the newest code."


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def notify_owner(conn: sqlite3.Connection, customer_id: int, *, subject: str, body: str, at: float,
                 kind: MessageKind = MessageKind.NOTICE) -> int:
    row = store.customer_by_id(conn, customer_id)
    if row is None:
        raise NotFound("No such customer.")
    return mailbox.send(conn, to=row["email"], subject=subject, body=body, at=at, kind=kind)


def notify_once(conn: sqlite3.Connection, customer_id: int, *, subject: str, body: str, at: float,
                kind: MessageKind = MessageKind.NOTICE) -> None:
    """A notice, unless the same one went to the owner within the last hour (no flooding)."""
    row = store.customer_by_id(conn, customer_id)
    if row is None or store.recent_mail(conn, row["email"], subject, at - NOTICE_WINDOW_SECONDS, at):
        return
    notify_owner(conn, customer_id, subject=subject, body=body, at=at, kind=kind)
