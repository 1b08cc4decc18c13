"""Screenshots of Top up and Pay at 390x844 in English and Japanese, for a person to look at:
`python -m tests.web.shots_pay OUT_DIR` (default /work/shots/s5/web). A real `qrpay serve`, Debian's Chromium,
a classroom world per language with the demo shop (tests/web/till.py): top-up (form, done), Pay (the
step-up prompt, the code, the code covered), and the till's payment arriving ("Paid")."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.remote_server import served
from tests.web.browser import CHROMIUM, Phone
from tests.web.till import Till


def shoot(out: Path, lang: str, browser, server) -> list[Path]:
    phone = Phone.open(browser, server, server.new_world(), lang)
    till = Till(server, phone.world)
    saved = []

    def snap(name: str) -> None:
        path = out / f"{lang}-pay-{name}.png"
        phone.page.screenshot(path=str(path))
        saved.append(path)

    try:
        page = phone.page
        account = phone.sign_up(name="山田 花子" if lang == "ja" else "Hanako Yamada")
        phone.enrol(account)
        phone.sign_in(account)
        page.wait_for_selector("#balance")
        phone.goto("topup")
        snap("01-topup")
        page.check("input[name=amount][value='5000']")
        page.fill("#code", phone.world_code(account.secret))
        page.click("form.topup button[type=submit]")
        page.wait_for_load_state()
        snap("02-topup-done")
        phone.goto("")
        snap("02-home-after-topup")
        phone.advance(301)
        phone.goto("pay")
        snap("03-pay-step-up")
        page.fill("#code", phone.world_code(account.secret))
        page.click("form.form button[type=submit]")
        page.wait_for_selector("#pay-code svg.qr")
        page.wait_for_timeout(1500)
        snap("04-pay-code")
        page.evaluate("window.dispatchEvent(new Event('blur'))")
        snap("05-pay-covered")
        page.click("#cover")
        from tests.web.test_web_pay import read_codes
        text = read_codes(page.screenshot())[0]
        assert till.pay(text, 3).status_code == 200
        page.wait_for_selector("#paid:not([hidden])")
        snap("06-paid")
    finally:
        phone.close()
    return saved


def main(argv: list[str]) -> int:
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
