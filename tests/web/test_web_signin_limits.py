"""Throttling, locks and a credential-stuffing wave are the core's (shared/throttle.py); the page only shows
them, in the desktop's words, with a countdown, and keeps its button off while the core says wait."""
from __future__ import annotations

import re

import httpx

from tests.web.browser import totp_now

COUNTDOWN = re.compile(r"\d+:\d\d")


def test_repeated_failures_are_slowed_then_locked_by_the_core(phone):
    account = phone.sign_up()
    phone.enrol(account)
    seen = []
    for _ in range(12):
        phone.sign_in(account, password="wrong wrong wrong 1")
        said = phone.page.inner_text("[role=alert]")
        seen.append(said)
        if "locked" in said:
            break
        if phone.page.locator(".countdown").count():
            # the button waits for the core's delay; then the wait is skipped on the world's clock
            assert phone.page.locator("form.form button[type=submit]").is_disabled()
            phone.trainer("POST", "clock/advance", {"seconds": 400})
            phone.goto("signin")                     # this page's countdown runs on real time    assert any("Try again in" in s and COUNTDOWN.search(s) for s in seen), seen
    assert seen[-1].startswith("Too many failed sign-ins: this account is locked. Try again in"), seen[-1]
    # locked means locked: the right password and code are refused too
    phone.goto("signin")
    phone.sign_in(account)
    assert "locked" in phone.page.inner_text("[role=alert]")
    assert phone.page.locator("#balance").count() == 0


def test_the_countdown_gives_the_button_back(phone):
    account = phone.sign_up()
    phone.enrol(account)
    for _ in range(8):
        phone.sign_in(account, password="wrong wrong wrong 2")
        if phone.page.locator(".countdown").count():
            break
    seconds = int(phone.page.get_attribute(".countdown", "data-seconds"))
    assert 0 < seconds <= 8
    assert phone.page.locator("form.form button[type=submit]").is_disabled()
    phone.page.wait_for_selector(".banner-info", timeout=(seconds + 3) * 1000)
    assert phone.page.inner_text(".banner-info") == "You can try again now."
    assert phone.page.locator("form.form button[type=submit]").is_enabled()


def test_a_stuffing_wave_slows_every_sign_in_and_the_page_says_so(phone):
    account = phone.sign_up()
    phone.enrol(account)
    # a bot tries stolen passwords on many accounts through the JSON API (the same core)
    with httpx.Client(base_url=f"{phone.server.url}/worlds/{phone.world}/identity", timeout=60) as api:
        for i in range(40):
            r = api.post("/sign-in", json={"email": f"victim{i}@example.com", "password": "Summer2019!",
                                           "totp": "123456"})
            if r.status_code == 429:
                break
        assert r.status_code == 429 and r.json()["error"]["code"] == "throttled"
    phone.sign_in(account, code=totp_now(account.secret))
    said = phone.page.inner_text("[role=alert]")
    assert said.startswith("Too many attempts. Try again in"), said
    assert phone.page.locator("#balance").count() == 0
