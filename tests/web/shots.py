"""Screenshots of the web wallet at 390x844 (a phone, device scale 2) in English and Japanese, for a person
to look at: `python -m tests.web.shots OUT_DIR`. A real `qrpay serve` (tests/remote_server.py), Debian's
Chromium, one classroom world per language; the customer gets two top-ups through the JSON API first so
home and history have something to show (TOTP codes computed on the world's clock, moved on by the trainer
call between two codes: a code is never accepted twice)."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from tests.remote_server import served
from tests.web.browser import CHROMIUM, Phone


def _top_ups(phone: Phone, account, amounts) -> None:
    api = f"{phone.server.url}/worlds/{phone.world}"
    r = httpx.post(f"{api}/identity/sign-in", json={"email": account.email, "password": account.password,
                                                    "totp": phone.world_code(account.secret), "device": "laptop"},
                   timeout=60)
    r.raise_for_status()
    bearer = {"Authorization": f"Bearer {r.json()['token']}"}
    for amount in amounts:
        r = httpx.post(f"{api}/me/top-ups", headers=bearer, timeout=60,
                       json={"amount": amount, "card_number": "4111111111111111",
                             "totp": phone.world_code(account.secret)})
        r.raise_for_status()


def shoot(out: Path, lang: str, browser, server) -> list[Path]:
    phone = Phone.open(browser, server, server.new_world(), lang)
    saved = []

    def snap(name: str, full: bool = False) -> None:
        path = out / f"{lang}-{name}.png"
        phone.page.screenshot(path=str(path), full_page=full)
        saved.append(path)

    try:
        phone.goto("")
        snap("01-welcome")
        phone.goto("signup")
        page = phone.page
        page.fill("#email", "hanako@example.com")
        page.fill("#name", "山田 花子" if lang == "ja" else "Hanako Yamada")
        page.fill("#password", "abc123")
        page.fill("#password_again", "abc123")
        page.click("form.form button[type=submit]")
        snap("02-signup-weak-password")
        account = phone.sign_up("hanako@example.com", name="山田 花子" if lang == "ja" else "Hanako Yamada")
        snap("03-enrol")
        snap("03-enrol-full", full=True)
        page.fill("#code", phone.world_code(account.secret))
        page.click("form.form button[type=submit]")
        page.wait_for_url("**/recovery-codes")
        snap("04-recovery-codes")
        page.click("form.form button[type=submit]")
        page.wait_for_url("**/signin")
        snap("05-signin")
        phone.sign_in(account, password="wrong password 1", code=phone.world_code(account.secret))
        snap("06-signin-refused")
        _top_ups(phone, account, (3000, 1280))
        phone.goto("signin")
        phone.sign_in(account, code=phone.world_code(account.secret))
        page.wait_for_selector("#balance")
        snap("07-home")
        phone.goto("history")
        snap("08-history")
        phone.goto("security")
        snap("09-security")
        snap("09-security-full", full=True)
        phone.goto("mailbox")
        snap("10-mailbox")
        r = phone.context.request.post(phone.url("signout"), form={"csrf": "forged"}, max_redirects=0)
        assert r.status == 403
        page.set_content(r.text())                 # the 403 page, shown where the form was
        snap("11-csrf-refused")
        phone.page.goto(phone.url("no-such-page"))
        snap("12-not-found")
    finally:
        phone.close()
    return saved


def main(argv: list[str], shoot=shoot) -> int:
    """`shoot(out, lang, browser, server)` in English and Japanese on one served world folder and one Chromium;
    prints the files saved (tests.web.shots_pay passes its own `shoot`)."""
    out = Path(argv[0] if argv else "/work/shots/s5/web")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, served(Path(tmp)) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"] if os.geteuid() == 0 else [])
        for lang in ("en", "ja"):
            for path in shoot(out, lang, browser, server):
                print(path)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
