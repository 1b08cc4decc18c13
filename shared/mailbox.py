"""The simulated mailbox: every notice and reset code the system "sends" by e-mail.

Messages are written inside the caller's write transaction, so a notice exists exactly when the
event it reports was committed. The wallet's Mailbox screen and `qrpay mailbox` read them back.
A subject and body may be a `shared.texts.Text` (English and Japanese, migration 0012): the
wallet shows `Message.subject_in(lang)` / `body_in(lang)`, English where no Japanese was written.
"""
from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass

from shared.storage import mailbox_store
from shared.storage.db import stored_member
from shared.texts import Text, check_lang


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
    subject_ja: str | None = None
    body_ja: str | None = None

    def subject_in(self, lang: str) -> str:
        return self.subject_ja if check_lang(lang) == "ja" and self.subject_ja else self.subject

    def body_in(self, lang: str) -> str:
        return self.body_ja if check_lang(lang) == "ja" and self.body_ja else self.body


def send(conn: sqlite3.Connection, *, to: str, subject: "str | Text", body: "str | Text", at: float,
         kind: MessageKind = MessageKind.NOTICE) -> int:
    if not isinstance(kind, MessageKind):
        raise TypeError(f"a message's kind is a MessageKind, not {type(kind).__name__}")
    if not conn.in_transaction:
        raise RuntimeError("mailbox.send must run inside a write transaction")
    for part in (subject, body):
        if not isinstance(part, (str, Text)):
            raise TypeError(f"a message's subject and body are str or Text, not {type(part).__name__}")
    return mailbox_store.insert(
        conn, to_addr=to, sent_at=at, kind=kind.value,
        subject=subject.en if isinstance(subject, Text) else subject,
        body=body.en if isinstance(body, Text) else body,
        subject_ja=subject.ja if isinstance(subject, Text) else None,
        body_ja=body.ja if isinstance(body, Text) else None)


def _msg(r: sqlite3.Row) -> Message:
    return Message(r["id"], r["to_addr"], r["subject"], r["body"], r["sent_at"],
                   stored_member(MessageKind, r["kind"]), r["subject_ja"], r["body_ja"])


def inbox(conn: sqlite3.Connection, to: str, limit: int = 500) -> list[Message]:
    """Newest first."""
    return [_msg(r) for r in mailbox_store.for_address(conn, to, limit)]


def all_messages(conn: sqlite3.Connection, limit: int = 1000) -> list[Message]:
    return [_msg(r) for r in mailbox_store.everything(conn, limit)]
