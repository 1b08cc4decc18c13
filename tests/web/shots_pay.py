"""Screenshots of Top up and Pay at 390x844 in English and Japanese, for a person to look at:
`python -m tests.web.shots_pay OUT_DIR` (default /work/shots/s5/web). A real `qrpay serve`, Debian's Chromium,
a classroom world per language with the demo shop (tests/web/till.py): top-up (form, done), Pay (the
step-up prompt, the code, the code covered), and the till's payment arriving ("Paid")."""
from __future__ import annotations

import sys
from pathlib import Path

from tests.web import shots
from tests.web.browser import Phone
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


if __name__ == "__main__":
    sys.exit(shots.main(sys.argv[1:], shoot))
