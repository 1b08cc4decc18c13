"""The web wallet's defences, attacked from the browser: a strict Content-Security-Policy (and pages that
need nothing looser), CSRF tokens on every POST form, the session cookie's flags, no secret in any URL, and
forms that refuse garbage with a page instead of a 500."""
from __future__ import annotations

import re

from tests.web.browser import PASSWORD


def _csp(headers: dict[str, str]) -> dict[str, list[str]]:
    out = {}
    for part in headers["content-security-policy"].split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_every_page_has_a_strict_csp_and_obeys_it(phone):
    violations: list[str] = []
    phone.page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    pages = {}
    for name in ("", "signin", "signup"):
        pages[name] = phone.goto(name)
    account = phone.sign_up()
    phone.enrol(account)
    phone.sign_in(account)
    for name in ("", "history", "security", "mailbox"):
        pages[name] = phone.goto(name)
    for name, response in pages.items():
        assert response.status == 200, name
        h = response.headers
        csp = _csp(h)
        assert csp["default-src"] == ["'self'"], name
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"], name
        assert csp["frame-ancestors"] == ["'none'"], name
        assert "unsafe-inline" not in h["content-security-policy"] and "unsafe-eval" not in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        assert h["cache-control"] == "no-store"
    assert violations == []
    # nothing inline that a looser policy would be needed for
    assert phone.page.evaluate("document.querySelectorAll('script:not([src]), [style], style').length") == 0


def test_the_session_cookie_is_httponly_and_samesite_strict(phone):
    phone.new_customer()
    cookies = {c["name"]: c for c in phone.context.cookies()}
    session = cookies["qrpay_wallet"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Strict"
    assert session["path"].endswith("/wallet/")
    assert session["value"].startswith("ws_") and "qs_" not in session["value"]   # never the core's token
    assert phone.page.evaluate("document.cookie") == ""                           # no script can read it


def _signed_out_all(phone) -> bool:
    phone.goto("")
    return phone.page.locator("#balance").count() == 0


def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(phone):
    phone.new_customer()
    phone.goto("security")
    token = phone.page.get_attribute("input[name=csrf]", "value")
    api = phone.context.request                 # the browser's own cookies: a forged request from this phone
    for form in ({}, {"csrf": ""}, {"csrf": token[:-1] + ("A" if token[-1] != "A" else "B")}, {"csrf": "x" * 500}):
        r = api.post(phone.url("security/sign-out-all"), form=form, max_redirects=0)
        assert r.status == 403, form
        assert "This form has expired" in r.text() and "Nothing was changed" in r.text()
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert not _signed_out_all(phone)           # still signed in: nothing happened
    r = api.post(phone.url("signout"), form={"nope": "1"}, max_redirects=0)
    assert r.status == 403
    assert not _signed_out_all(phone)
    # with the token the same request works (the refusal was the token, not the request)
    r = api.post(phone.url("security/sign-out-all"), form={"csrf": token}, max_redirects=0)
    assert r.status == 303
    assert _signed_out_all(phone)


def test_a_sign_in_posted_without_a_token_is_refused_before_the_password_is_looked_at(phone):
    account = phone.sign_up()
    phone.enrol(account)
    r = phone.context.request.post(phone.url("signin"), form={"email": account.email, "password": PASSWORD,
                                                              "code": "000000"}, max_redirects=0)
    assert r.status == 403
    phone.sign_in(account)                      # not counted as a failure: the right details still work at once
    assert phone.page.locator("#balance").count() == 1


def test_no_secret_is_ever_in_a_url(phone):
    account = phone.new_customer()
    for name in ("history", "security", "mailbox", ""):
        phone.goto(name)
    phone.page.click(".lang-switch button")
    phone.page.wait_for_load_state()
    assert phone.requests
    secrets_seen = [account.password, account.secret, account.password.replace(" ", "+"), "qs_", "ws_", "csrf"]
    for url in phone.requests:
        assert "?" not in url or not re.search(r"(password|code|token|secret|csrf|session)=", url), url
        for s in secrets_seen:
            assert s not in url, (s, url)


def test_garbage_forms_get_a_page_not_a_500(phone):
    phone.goto("signin")
    token = phone.page.get_attribute("input[name=csrf]", "value")
    api = phone.context.request
    bad = [
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"csrf=" + token.encode() + b"&email=%FF%FE&password=\xff"),
        ({"Content-Type": "multipart/form-data; boundary=x"}, b"--x--"),
        ({"Content-Type": "application/json"}, b'{"email": "a"}'),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"&".join([b"f%d=1" % i for i in range(200)])),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"csrf=" + token.encode() + b"&email=" + b"a" * 5000),
    ]
    for headers, body in bad:
        r = api.post(phone.url("signin"), headers=headers, data=body, max_redirects=0)
        assert r.status in (400, 403), (body[:40], r.status)
        assert "<html" in r.text() and "Nothing was changed" in r.text()
    # a form with every field present but nonsense: the form again, with a message
    r = api.post(phone.url("signin"), form={"csrf": token, "email": "", "password": ""}, max_redirects=0)
    assert r.status == 400 and "Please check what you typed." in r.text()
    r = api.post(phone.url("security/revoke"), form={"csrf": token, "session_id": "1e9"}, max_redirects=0)
    assert r.status == 303                      # signed out: to the sign-in page, nothing revoked


def test_unknown_pages_and_worlds_are_html_pages(phone):
    r = phone.goto("no-such-page")
    assert r.status == 404 and "Page not found" in phone.page.inner_text("h1")
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    r = phone.page.goto(phone.server.url + "/worlds/no-such-world-zz/wallet/")
    assert r.status == 404 and "no such classroom world" in phone.page.inner_text("main")


def test_no_secret_reaches_the_servers_log(phone):
    account = phone.sign_up()
    phone.enrol(account)
    phone.sign_in(account, password="a wrong password in the log?")
    phone.sign_in(account)
    phone.goto("security")
    assert phone.page.locator(".device").count() == 1
    log = (phone.server.folder / "server.log").read_text(errors="replace")
    for secret in (account.password, account.secret, "a wrong password in the log?", "qs_", "ws_"):
        assert secret not in log
