"""Notices in the customer's language: the core writes every notice in English and Japanese
(shared/notices.NOTICES), the mailbox keeps both (migration 0012), the wallet's inbox shows the
one of the app's language, and no place in the core sends an English-only notice any more."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from shared import mailbox, notices, totp
from shared.demo_data import seed_demo

ROOT = Path(__file__).resolve().parents[1]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(notices.NOTICES))
def test_every_notice_is_in_both_languages_with_the_same_fields(key):
    for part in notices.NOTICES[key]:
        # the same figures in both; a field in words is given in each language (store_en / store_ja,
        # lifetime_en / lifetime_ja): the two count as one field
        def same(fields: set[str]) -> set[str]:
            return {re.sub(r"_(en|ja)$", "", f) for f in fields}
        assert same(_fields(part.en)) == same(_fields(part.ja)), (key, part.en)
        assert JAPANESE.search(part.ja) and part.ja != part.en


def test_no_core_module_sends_an_english_only_notice():
    """The class of the defect: any call that mails the owner with a str subject or body (a literal
    or an f-string) instead of `**notice(...)`."""
    senders = {"notify_owner", "notify_once", "_notify_once", "send", "_changed"}
    found = []
    for path in sorted((ROOT / "shared").rglob("*.py")):
        if path.name in ("notices.py", "mailbox.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in senders:
                continue
            for kw in node.keywords:
                if kw.arg in ("subject", "body") and isinstance(kw.value, (ast.Constant, ast.JoinedStr, ast.BinOp)):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}({kw.arg}=...)")
            for arg in node.args:   # a notify=(subject, body) tuple handed on
                if isinstance(arg, ast.Tuple) and any(isinstance(e, (ast.Constant, ast.JoinedStr)) for e in arg.elts):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}(tuple)")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "notify" and isinstance(node.value, ast.Tuple):
                found.append(f"{path.relative_to(ROOT)}:{node.value.lineno} notify=(…)")
    assert not found, "\n".join(found)


def test_a_payment_notice_arrives_in_both_languages(core):
    demo = seed_demo(core)
    c = demo["customers"][0]
    clerk = next(s for s in demo["staff"] if s["role"] == "clerk")
    session = core.identity.sign_in(c["email"], c["password"], totp=totp.totp_code(c["totp_secret"], core.now()))
    item = core.catalog.items()[0]
    sale = core.sales.pay(terminal_id="T1", clerk_id=clerk["id"], code=core.codes.issue(session.token).text,
                          lines=[(item.jan, 1)], sale_id="s-ja-1")
    m = next(m for m in core.inbox(c["email"]) if sale.receipt_no in m.body)
    assert m.body.startswith("You paid") and m.subject.startswith("qrpay: you paid")
    assert m.body_ja is not None and sale.receipt_no in m.body_ja and "お支払い" in m.body_ja
    assert m.subject_in("ja") == m.subject_ja and m.body_in("en") == m.body
    amount = re.search(r"¥[\d,]+", m.body).group(0)
    assert amount in m.body_ja and amount in m.subject_ja


def test_the_reset_code_is_the_same_in_both_languages(core):
    demo = seed_demo(core)
    email = demo["customers"][0]["email"]
    core.identity.request_reset(email)
    m = core.inbox(email)[0]
    code = re.search(r"\b(\d{8})\b", m.body).group(1)
    assert re.search(r"\b(\d{8})\b", m.body_ja).group(1) == code and "再設定" in m.subject_ja


def test_old_english_only_mail_falls_back_to_english(core):
    with core.db.write() as conn:
        mailbox.send(conn, to="old@example.com", subject="Plain", body="English only", at=core.now())
    m = core.inbox("old@example.com")[0]
    assert m.subject_ja is None and m.body_in("ja") == "English only" and m.subject_in("ja") == "Plain"
    with pytest.raises(TypeError), core.db.write() as conn:
        mailbox.send(conn, to="x@example.com", subject=b"bytes", body="x", at=core.now())  # type: ignore[arg-type]


def test_notify_once_dedupes_by_the_english_subject(core):
    demo = seed_demo(core)
    from shared.storage import identity_store

    email = demo["customers"][0]["email"]
    before = len(core.inbox(email))
    with core.db.write() as conn:
        cid = identity_store.customer_by_email(conn, email)["id"]
        for _ in range(3):
            notices.notify_once(conn, cid, at=core.now(), **notices.notice("account_locked", n=10, until="later"))
    after = core.inbox(email)
    assert len(after) == before + 1 and after[0].subject_ja == "アカウントがロックされました"


def test_the_wallet_inbox_follows_the_app_language(qtbot, core):
    from PySide6.QtWidgets import QApplication

    from wallet_app.main_window import WalletWindow

    demo = seed_demo(core)
    email = demo["customers"][0]["email"]
    core.identity.request_reset(email)
    app = QApplication.instance()
    for lang, words in (("en", "Your password reset code is"), ("ja", "パスワード再設定コードは")):
        app.setProperty("qrpay_language", lang)
        try:
            w = WalletWindow(core, profile="test")
            qtbot.addWidget(w)
            w.show()
            w.mailbox.set_address(email)
            w._show(w.mailbox)
            assert words in w.mailbox.view.toPlainText()
            assert notices.NOTICES["reset_code"][0].get(lang) in w.mailbox.list.item(0).text()
            w.close()
        finally:
            app.setProperty("qrpay_language", "en")
