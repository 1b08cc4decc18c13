"""English and Japanese: the page follows the browser's Accept-Language and switches on a tap (a cookie)."""
from __future__ import annotations

import re

JA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_a_japanese_phone_gets_japanese_pages(phone_factory):
    phone = phone_factory("ja")
    phone.goto("signin")
    assert phone.page.get_attribute("html", "lang") == "ja"
    assert phone.page.inner_text("h1") == "ログイン"
    assert phone.page.inner_text("label[for=password]") == "パスワード"
    phone.new_customer()
    assert phone.page.inner_text(".balance-label") == "Hanako Yamada さんの残高"
    assert "最近の利用" in phone.page.inner_text("main")
    assert phone.page.get_by_role("link", name="履歴").first.is_visible()


def test_the_switch_changes_the_language_and_stays_on_the_page(phone):
    phone.goto("signup")
    assert phone.page.inner_text("h1") == "Create an account"
    phone.page.click(".lang-switch button")
    phone.page.wait_for_url("**/signup")
    assert phone.page.inner_text("h1") == "アカウントを作成"
    phone.goto("signin")                                   # the choice stays (a cookie)
    assert phone.page.inner_text("h1") == "ログイン"
    phone.page.click(".lang-switch button")
    phone.page.wait_for_url("**/signin")
    assert phone.page.inner_text("h1") == "Sign in"


def test_japanese_refusals_are_the_desktop_wallets_words(phone_factory):
    phone = phone_factory("ja")
    account = phone.sign_up()
    phone.enrol(account)
    phone.sign_in(account, password="まちがったパスワードです")
    assert phone.page.inner_text("[role=alert]").startswith("メールアドレス、パスワード、コードのいずれかが違います。")


def test_no_english_is_left_on_a_japanese_page(phone_factory):
    phone = phone_factory("ja")
    account = phone.new_customer()
    for name in ("", "history", "security", "mailbox", "signup"):
        phone.goto(name)
        text = phone.page.inner_text("body").replace(account.email, "")
        # allowed Latin: the brand, the name, the e-mail, the language switch, device labels, ¥ amounts
        leftover = [w for w in re.findall(r"[A-Za-z]{4,}", text)
                    if w not in {"qrpay", "Hanako", "Yamada", "English"}]
        assert leftover == [], (name, leftover)
