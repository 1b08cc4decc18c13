"""Security page: the signed-in devices, signing one out, signing out everywhere; a session ended elsewhere
ends the page's too (the core's sessions, not the page's). The second device is the JSON API, signed in with
one of the recovery codes the page showed (a TOTP step is accepted once)."""
from __future__ import annotations

import contextlib

import httpx


def _other_device(phone, account, recovery_code: str) -> httpx.Client:
    api = httpx.Client(base_url=f"{phone.server.url}/worlds/{phone.world}", timeout=60)
    r = api.post("/identity/sign-in", json={"email": account.email, "password": account.password,
                                            "recovery_code": recovery_code, "device": "old tablet"})
    assert r.status_code == 200, r.text
    api.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return api


def test_sign_out_another_device_from_the_security_page(phone):
    account = phone.sign_up()
    codes = phone.enrol(account)
    assert len(codes) >= 8
    phone.sign_in(account)
    with contextlib.closing(_other_device(phone, account, codes[0])) as api:
        phone.goto("security")
        assert phone.page.locator(".device").count() == 2
        assert "Web browser (this phone)" in phone.page.inner_text(".devices")
        assert "old tablet" in phone.page.inner_text(".devices")
        assert api.get("/me/balance").status_code == 200
        phone.page.click(".device form button")                        # only the other device has the button
        phone.page.wait_for_url("**/security")
        assert phone.page.inner_text("[role=status]") == "That device was signed out."
        assert phone.page.locator(".device").count() == 1
        assert api.get("/me/balance").status_code == 401


def test_a_sign_out_everywhere_elsewhere_ends_this_page(phone):
    account = phone.sign_up()
    codes = phone.enrol(account)
    phone.sign_in(account)
    phone.page.wait_for_selector("#balance")
    with contextlib.closing(_other_device(phone, account, codes[1])) as api:
        assert api.post("/me/sign-out", json={"everywhere": True}).status_code == 200
    phone.goto("history")
    assert phone.page.url.endswith("/signin")
    assert phone.page.inner_text("[role=status]") == "Your session has ended. Sign in again."


def test_sign_out_all_from_the_page(phone):
    account = phone.sign_up()
    codes = phone.enrol(account)
    phone.sign_in(account)
    with contextlib.closing(_other_device(phone, account, codes[2])) as api:
        phone.goto("security")
        phone.page.click("text=Sign out all")
        phone.page.wait_for_url("**/signin")
        assert phone.page.inner_text("[role=status]") == "You were signed out on every device, including this one."
        assert api.get("/me/balance").status_code == 401
    phone.goto("")
    assert phone.page.locator("#balance").count() == 0


def test_a_recovery_code_signs_in_once(phone):
    account = phone.sign_up()
    codes = phone.enrol(account)
    phone.sign_in(account, code=codes[3])
    assert phone.page.locator("#balance").count() == 1
    phone.page.click("text=Sign out")
    phone.page.wait_for_url("**/signin")
    phone.sign_in(account, code=codes[3])
    assert phone.page.inner_text("[role=alert]").startswith("The e-mail, password or code is wrong.")
