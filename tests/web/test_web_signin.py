"""The web wallet in a real browser on a phone-sized page: sign up, enrol the authenticator with a code
computed from the secret the page shows, sign in with password and code on one screen, see the balance; the
refusals read as the desktop wallet's (uniform under hardened: a wrong password and a wrong code alike)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pyotp

from tests.web.browser import totp_now

WRONG = "The e-mail, password or code is wrong."


def test_sign_up_enrol_sign_in_and_see_the_balance(phone):
    account = phone.sign_up(name="Hanako Yamada")
    page = phone.page
    # the otpauth link that opens the authenticator app on the phone, for the secret the page shows
    href = page.get_attribute("#otpauth", "href")
    parts = urlsplit(href)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert parse_qs(parts.query)["secret"] == [account.secret]
    shown = page.inner_text("#secret")
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", shown), shown       # grouped in fours for typing
    assert page.locator("svg.qr path").count() == 1                             # the QR for a laptop
    phone.enrol(account)
    assert "authenticator app is set up" in page.inner_text(".banner")
    phone.sign_in(account)
    page.wait_for_selector("#balance")
    assert page.inner_text("#balance") == "¥0"
    assert "Hanako Yamada's balance" in page.inner_text(".balance-card")
    for label in ("History", "Security"):
        assert page.get_by_role("link", name=label).first.is_visible()


def test_the_default_world_is_at_wallet(phone_factory):
    phone = phone_factory(world="default")
    phone.goto("")
    assert phone.page.url.endswith("/wallet/")
    phone.new_customer()
    assert phone.page.inner_text("#balance") == "¥0"


def test_a_wrong_password_and_a_wrong_code_get_the_same_reply(phone):
    account = phone.sign_up()
    phone.enrol(account)
    phone.sign_in(account, password="not the password at all")
    assert phone.page.url.endswith("/signin")
    first = phone.page.inner_text("[role=alert]")
    assert first.startswith(WRONG)
    wrong_code = f"{(int(totp_now(account.secret)) + 1) % 1_000_000:06d}"
    phone.sign_in(account, code=wrong_code)
    assert phone.page.url.endswith("/signin")
    assert phone.page.inner_text("[role=alert]").startswith(WRONG)
    assert phone.page.locator("#balance").count() == 0
    assert phone.page.input_value("#password") == ""                    # a password never comes back


def test_a_weak_password_is_refused_with_the_cores_reasons(phone):
    phone.goto("signup")
    page = phone.page
    page.fill("#email", "weak@example.com")
    page.fill("#name", "Taro")
    for f in ("#password", "#password_again"):
        page.fill(f, "abc")
    page.click("form.form button[type=submit]")
    problems = page.locator(".problems li").all_inner_texts()
    assert "Use at least 8 characters." in problems
    assert page.input_value("#email") == "weak@example.com"              # what was typed stays (not the password)
    assert page.input_value("#password") == ""


def test_a_wrong_enrolment_code_is_refused(phone):
    account = phone.sign_up()
    good = pyotp.TOTP(account.secret).now()
    phone.page.fill("#code", f"{(int(good) + 500_000) % 1_000_000:06d}")
    phone.page.click("form.form button[type=submit]")
    assert phone.page.url.endswith("/enrol")
    assert "That code is not right" in phone.page.inner_text("[role=alert]")


def test_under_the_2019_settings_the_badge_warns_and_no_code_is_asked(phone):
    account = phone.sign_up()
    phone.enrol(account)
    phone.trainer("PUT", "policy", {"preset": "2019"})
    phone.goto("signin")
    assert phone.page.inner_text(".badge") == "2019 settings — insecure, for training"
    assert phone.page.get_attribute("#code", "required") is None
    phone.sign_in(account, code="")                                  # 7pay's launch: the password alone
    assert phone.page.inner_text("#balance") == "¥0"


def test_an_enrolment_left_unfinished_finishes_at_the_first_sign_in(phone):
    account = phone.sign_up()                    # the enrolment page is left without a code
    phone.goto("signin")
    phone.sign_in(account)
    assert phone.page.inner_text("#balance") == "¥0"
