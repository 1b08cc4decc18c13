"""The simulated mailbox: every notice and reset code the system "sends" by e-mail.

Messages are written inside the caller's write transaction, so a notice exists exactly when the
event it reports was committed. The wallet's Mailbox screen and `qrpay mailbox` read them back.
"""
from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass

from shared.storage import mailbox_store


class MessageKind(enum.StrEnum):
    """What a message is (stored by value; StrEnum so it prints and serialises as its name)."""
    NOTICE = "notice"       # something the customer did, confirmed
    SECURITY = "security"   # something the customer should check (a lock, a new device, a change)
    RESET = "reset"         # a password reset code


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    to: str
    subject: str
    body: str
    sent_at: float
    kind: MessageKind | str     # a name no member has only in a database written by another version


def send(conn: sqlite3.Connection, *, to: str, subject: str, body: str, at: float,
         kind: MessageKind = MessageKind.NOTICE) -> int:
    if not isinstance(kind, MessageKind):
        raise TypeError(f"a message's kind is a MessageKind, not {type(kind).__name__}")
    if not conn.in_transaction:
        raise RuntimeError("mailbox.send must run inside a write transaction")
    return mailbox_store.insert(conn, to_addr=to, subject=subject, body=body, sent_at=at, kind=kind.value)


def _kind(name: str) -> MessageKind | str:
    try:
        return MessageKind(name)
    except ValueError:
        return name


def _msg(r: sqlite3.Row) -> Message:
    return Message(r["id"], r["to_addr"], r["subject"], r["body"], r["sent_at"], _kind(r["kind"]))


def inbox(conn: sqlite3.Connection, to: str, limit: int = 500) -> list[Message]:
    """Newest first."""
    return [_msg(r) for r in mailbox_store.for_address(conn, to, limit)]


def all_messages(conn: sqlite3.Connection, limit: int = 1000) -> list[Message]:
    return [_msg(r) for r in mailbox_store.everything(conn, limit)]
