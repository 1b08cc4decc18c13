"""Top-up and Pay in a real browser (Debian's Chromium, 390x844), against a real `qrpay serve`:

- top up with the authenticator step-up; the limits are the core's; a refused top-up says why; one form
  posted twice at once charges once;
- Pay: the step-up prompt, then the code; the page's screenshot decoded by the project's own still decoder;
  the till pays that text through the JSON API's till routes, and "Paid ¥X at STORE" appears without a
  reload (server-sent events on the session cookie, no token in the URL); the same code again is refused by
  the till as replayed;
- the code is covered when the page is hidden or loses focus (and then no scanner can read it off the
  screen), and a tap shows it again;
- an expired code is replaced by a new one on its own."""
from __future__ import annotations

import re
import threading

import cv2
import httpx
import numpy as np
import pytest

from shared.scanning import decoder_named
from tests.web.till import Till

TOPUP_OK = re.compile(r"Added ¥5,000 from \w+ •••• 4242\. Your balance is now ¥5,000\.")


def read_codes(png: bytes) -> list[str]:
    """Every QR text the till's still decoder finds in a screenshot."""
    frame = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    return [d.text for d in decoder_named("cascade").decode_still(frame) if d.symbology == "QRCode"]


@pytest.fixture
def shop(phone):
    """The phone's world with the demo shop and a till on shift; the phone's customer signed in."""
    till = Till(phone.server, phone.world)
    account = phone.new_customer()
    return till, account


def top_up(phone, account, amount: str = "5000") -> None:
    phone.goto("topup")
    page = phone.page
    page.check(f"input[name=amount][value='{amount}']")
    page.fill("#code", phone.world_code(account.secret))
    page.click("form.topup button[type=submit]")
    page.wait_for_load_state()


def open_pay(phone, account) -> str:
    """Pay, through the step-up prompt (the last check is over 5 minutes old); returns the code's text."""
    phone.advance(301)
    phone.goto("pay")
    page = phone.page
    assert "confirm it is you" in page.inner_text("main")
    assert page.locator("#pay-code").count() == 0                      # no code before the check
    page.fill("#code", phone.world_code(account.secret))
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#pay-code svg.qr")
    texts = read_codes(page.screenshot())
    assert len(texts) == 1, texts
    return texts[0]


def test_top_up_with_the_step_up_and_the_cores_limits(phone, shop):
    _, account = shop
    phone.goto("topup")
    page = phone.page
    limits = page.inner_text(".limits")
    assert "per top-up" in limits and "You can top up" in limits
    assert page.is_checked("input[name=amount][value='3000']")          # the desktop's default
    # no code: the form does not go (required); a wrong one is the core's refusal in the desktop's words
    page.check("input[name=amount][value='5000']")
    page.fill("#code", "000000")
    page.click("form.topup button[type=submit]")
    page.wait_for_load_state()
    assert "not right" in page.inner_text("[role=alert]")
    assert page.input_value("#code") == ""                                # a code never comes back
    # over the limit: refused before any code is spent
    page.fill("#other_amount", "¥9,999,999")
    assert not page.is_checked("input[name=amount][value='5000']")       # typing unchooses the presets
    page.fill("#code", phone.world_code(account.secret))
    page.click("form.topup button[type=submit]")
    page.wait_for_load_state()
    assert "over your limit" in page.inner_text("[role=alert]")
    assert page.input_value("#other_amount") == "¥9,999,999"             # what was typed stays
    top_up(phone, account)
    assert TOPUP_OK.search(page.inner_text("[role=alert]")), page.inner_text("[role=alert]")
    phone.goto("")
    assert page.inner_text("#balance") == "¥5,000"


def test_one_form_sent_twice_at_once_charges_once(phone, shop):
    _, account = shop
    phone.goto("topup")
    page = phone.page
    form = {"csrf": page.input_value("input[name=csrf]"), "key": page.input_value("input[name=key]"),
            "amount": "5000", "other_amount": "", "card": "4242 4242 4242 4242",
            "code": phone.world_code(account.secret)}
    cookies = {c["name"]: c["value"] for c in phone.context.cookies()}
    answers: list[httpx.Response] = []
    start = threading.Barrier(2)

    def send():
        with httpx.Client(cookies=cookies, timeout=60) as c:
            start.wait()
            answers.append(c.post(phone.url("topup"), data=form))
    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert [a.status_code for a in answers] == [200, 200]
    for a in answers:                                                     # both read as the one top-up
        assert TOPUP_OK.search(a.text.replace("&#39;", "'")), a.text[:2000]
    phone.goto("")
    assert page.inner_text("#balance") == "¥5,000"
    # the same code on a new form is not a second top-up: the code was used
    phone.goto("topup")
    page.fill("#code", form["code"])
    page.click("form.topup button[type=submit]")
    page.wait_for_load_state()
    assert "already used" in page.inner_text("[role=alert]")
    phone.goto("")
    assert page.inner_text("#balance") == "¥5,000"


def test_pay_the_till_reads_the_screen_and_paid_is_pushed_without_a_reload(phone, shop):
    till, account = shop
    top_up(phone, account)
    text = open_pay(phone, account)
    page = phone.page
    numeric = page.inner_text("#numeric")
    assert re.fullmatch(r"\d{4}( \d{4}){4}", numeric), numeric             # the number under the QR
    assert page.get_attribute("#pay-code", "data-events").endswith("/pay/events")
    page.evaluate("window.__same_page = true")
    sale = till.pay(text, 2)
    assert sale.status_code == 200, sale.text
    page.wait_for_selector("#paid:not([hidden])", timeout=10_000)
    assert page.evaluate("window.__same_page === true")                    # pushed, not reloaded
    total = sale.json()["total"]
    paid = page.inner_text("#paid")
    assert "✓ Paid" in paid and f"¥{total:,}" in paid and "at " in paid, paid
    store = page.inner_text("#paid-store")
    assert store.startswith("at ") and len(store) > 3
    assert page.locator("#pay-code").count() == 0                          # the code left the page
    # the stream was the session cookie's: no token and no code in any URL the page asked for
    streams = [u for u in phone.requests if "/events" in u]
    assert streams and all(u == phone.url("pay/events") for u in streams)
    assert not any(text in u or "token" in u for u in phone.requests)
    # the same code at the till again: refused, nothing charged twice
    again = till.pay(text, 1)
    assert again.status_code != 200 and again.json()["error"]["code"] == "replayed", again.text
    phone.goto("")
    assert page.inner_text("#balance") == f"¥{5000 - total:,}"


def test_the_code_is_covered_when_the_page_is_hidden_or_loses_focus(phone, shop):
    _, account = shop
    open_pay(phone, account)
    page = phone.page
    assert not page.is_visible("#cover")
    page.evaluate("""() => {
        Object.defineProperty(document, "hidden", {value: true, configurable: true});
        Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    assert page.is_visible("#cover") and not page.is_visible("#pay-code svg.qr")
    assert "hidden" in page.inner_text("#cover")
    assert read_codes(page.screenshot()) == []                             # nothing left for a camera
    page.evaluate("""() => {
        Object.defineProperty(document, "hidden", {value: false, configurable: true});
        Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    assert page.is_visible("#cover")                                       # back only with a tap
    page.click("#cover")
    assert not page.is_visible("#cover") and page.is_visible("#pay-code svg.qr")
    assert len(read_codes(page.screenshot())) == 1
    page.evaluate("window.dispatchEvent(new Event('blur'))")              # another app or window in front
    assert page.is_visible("#cover") and read_codes(page.screenshot()) == []
    page.click("#cover")
    assert len(read_codes(page.screenshot())) == 1
    assert "FLAG_SECURE" in page.inner_text(".web-limits")                 # what a native app adds


def test_an_expired_code_is_replaced_by_a_new_one(phone, shop):
    till, account = shop
    top_up(phone, account)
    old = open_pay(phone, account)
    page = phone.page
    ref = page.get_attribute("#pay-code", "data-ref")
    phone.advance(61)                        # past the code's minute, on the world's clock
    page.wait_for_function("r => { const p = document.getElementById('pay-code'); "
                           "return p && p.dataset.ref !== r; }", arg=ref, timeout=15_000)
    assert page.is_visible("#pay-code svg.qr")
    new = read_codes(page.screenshot())
    assert len(new) == 1 and new[0] != old
    refused = till.pay(old)
    assert refused.status_code != 200 and refused.json()["error"]["code"] in ("expired", "superseded")
    assert till.pay(new[0]).status_code == 200


def test_the_stream_needs_the_session_cookie(phone, shop):
    with httpx.Client(timeout=30) as c:
        r = c.get(phone.url("pay/events"), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/signin")
    assert r.headers.get("content-type", "").startswith("text/event-stream") is False


def test_a_top_up_posted_without_its_csrf_token_is_refused(phone, shop):
    _, account = shop
    cookies = {c["name"]: c["value"] for c in phone.context.cookies()}
    with httpx.Client(cookies=cookies, timeout=30) as c:
        r = c.post(phone.url("topup"), data={"amount": "5000", "card": "4242424242424242", "key": "0" * 32,
                                             "code": phone.world_code(account.secret)})
    assert r.status_code == 403
    phone.goto("")
    assert phone.page.inner_text("#balance") == "¥0"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_top_up_and_pay_fit_a_narrow_and_a_wide_phone(phone_factory, lang):
    from tests.web.test_web_layout import OVERFLOW

    phone = phone_factory(lang)
    till = Till(phone.server, phone.world)
    account = phone.new_customer()
    page = phone.page
    found = {}

    def check(name: str) -> None:
        for width in (360, 430):
            page.set_viewport_size({"width": width, "height": 800})
            found[f"{name}@{width}"] = page.evaluate(OVERFLOW, width)
    phone.goto("topup")
    check("topup")
    page.fill("#other_amount", "¥9,999,999")
    page.fill("#code", phone.world_code(account.secret))
    page.click("form.topup button[type=submit]")
    page.wait_for_load_state()
    check("topup-refused")
    top_up(phone, account)
    check("topup-done")
    phone.advance(301)
    phone.goto("pay")
    check("pay-prompt")
    page.fill("#code", phone.world_code(account.secret))
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#pay-code svg.qr")
    check("pay-code")
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    check("pay-covered")
    page.click("#cover")
    page.set_viewport_size({"width": 390, "height": 844})
    assert till.pay(read_codes(page.screenshot())[0]).status_code == 200
    page.wait_for_selector("#paid:not([hidden])")
    check("paid")
    assert {k: v for k, v in found.items() if v} == {}


def test_the_code_is_renewed_before_it_expires_and_the_old_one_no_longer_pays(phone, shop):
    """The page's own timer (the browser's clock, run fast): 5 s before expiry it takes a new code, which
    supersedes the one on the screen before."""
    till, account = shop
    top_up(phone, account)
    page = phone.page
    page.clock.install()
    old = open_pay(phone, account)
    ref = page.get_attribute("#pay-code", "data-ref")
    page.clock.run_for(40_000)
    assert page.get_attribute("#pay-code", "data-ref") == ref                 # not yet
    assert page.inner_text("#time-left") in ("0:20", "0:19", "0:18")
    page.clock.run_for(16_000)                                                # 56 s: 4 s left
    page.wait_for_function("r => { const p = document.getElementById('pay-code'); "
                           "return p && p.dataset.ref !== r; }", arg=ref, timeout=15_000)
    new = read_codes(page.screenshot())
    assert len(new) == 1 and new[0] != old
    refused = till.pay(old)
    assert refused.status_code != 200 and refused.json()["error"]["code"] == "superseded", refused.text


def test_the_2019_policy_tops_up_with_the_top_up_password_and_pays_without_a_check(phone, shop):
    till, account = shop
    admin = {"Authorization": f"Bearer {phone.server.token}"}
    r = httpx.put(f"{phone.server.url}/worlds/{phone.world}/policy", json={"preset": "2019"}, headers=admin,
                  timeout=30)
    assert r.status_code == 200, r.text
    phone.goto("topup")
    page = phone.page
    assert page.locator("#code").count() == 0                                # 2019: no authenticator code
    page.click("form.topup button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("[role=alert]") == "Enter your top-up password."   # the desktop's words
    page.fill("#new_topup_password", "harbor-lantern-quartz-77")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    assert "top-up password is set" in page.inner_text("[role=alert]")
    page.fill("#topup_password", "harbor-lantern-quartz-77")
    page.click("form.topup button[type=submit]")
    page.wait_for_load_state()
    assert "Your balance is now ¥3,000" in page.inner_text("[role=alert]")
    r = phone.goto("pay")                                                     # 2019: the code at once
    page.wait_for_selector("#pay-code svg.qr")
    assert r.headers["cache-control"] == "no-store"                          # the code is never cached
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert till.pay(read_codes(page.screenshot())[0]).status_code == 200
    page.wait_for_selector("#paid:not([hidden])")


def test_paid_is_pushed_when_the_till_pays_on_the_database_file(phone, shop):
    """`qrpay demo --phone`: the desktop till pays on the database file itself, not through the server; the
    phone's page still says "Paid" at once (the stream watches the world's change counter)."""
    from shared.core import Core

    till, account = shop
    top_up(phone, account)
    text = open_pay(phone, account)
    page = phone.page
    page.evaluate("window.__same_page = true")
    clerk = next(s for s in till.demo["staff"] if s["role"] == "clerk")
    desk = Core.open(phone.server.folder / f"{phone.world}.sqlite3")       # the world's clock, as the till's
    try:
        sale = desk.sales.pay(terminal_id="T1", clerk_id=clerk["id"], code=text, lines=[(till.item["jan"], 1)],
                              sale_id="desk-till-1")
    finally:
        desk.close()
    page.wait_for_selector("#paid:not([hidden])", timeout=5_000)
    assert page.evaluate("window.__same_page === true")
    assert f"¥{sale.total:,}" in page.inner_text("#paid-amount")
