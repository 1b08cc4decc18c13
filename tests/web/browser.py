"""A phone's browser for the tests (tests/web/conftest.py makes them): Playwright's page at 390x844, the
URLs it asked for (to check no secret is ever in one), and the flows every test needs (sign up and enrol
with a code computed from the secret the page shows, sign in)."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

import httpx
import pyotp

CHROMIUM = "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "device_scale_factor": 2, "has_touch": True}
PASSWORD = "violet harbour kettle 93"
LOCALES = {"en": ("en-US", "en-US,en;q=0.9"), "ja": ("ja-JP", "ja-JP,ja;q=0.9")}


def totp_now(secret: str, *, back: int = 0) -> str:
    """The code of the current 30-s step (or `back` steps ago), never within 2 s of a step's end (so the
    server sees the step the test meant)."""
    while 30 - time.time() % 30 < 2:
        time.sleep(0.25)
    return pyotp.TOTP(secret).at(time.time() - 30 * back)


@dataclass
class Phone:
    context: object
    page: object
    server: object
    world: str
    lang: str
    requests: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser, server, world: str, lang: str) -> "Phone":
        locale, accept = LOCALES[lang]
        context = browser.new_context(**PHONE, locale=locale, extra_http_headers={"Accept-Language": accept})
        page = context.new_page()
        page.set_default_timeout(20_000)
        phone = cls(context, page, server, world, lang)
        page.on("request", lambda r: phone.requests.append(r.url))
        return phone

    @property
    def base(self) -> str:
        path = "/wallet" if self.world == "default" else f"/worlds/{self.world}/wallet"
        return self.server.url + path

    def url(self, page: str = "") -> str:
        return f"{self.base}/{page}"

    def goto(self, page: str = ""):
        return self.page.goto(self.url(page))

    def close(self) -> None:
        self.context.close()

    # -- the trainer's side (the admin token) ---------------------------------------------------------
    def trainer(self, method: str, call: str, body: dict | None = None) -> dict:
        """A trainer call on this phone's world, e.g. trainer("POST", "clock/advance", {"seconds": 60})."""
        r = httpx.request(method, f"{self.server.url}/worlds/{self.world}/{call}", json=body, timeout=30,
                          headers={"Authorization": f"Bearer {self.server.token}"})
        assert r.status_code == 200, r.text
        return r.json()

    def world_code(self, secret: str) -> str:
        """A TOTP code no earlier sign-in or step-up used: the world's clock moves on one step (31 s) first, and
        the code is computed on that clock (the core checks codes against the world's time)."""
        now = self.trainer("POST", "clock/advance", {"seconds": 31})["now"]
        return pyotp.TOTP(secret).at(now)

    def advance(self, seconds: float) -> float:
        """Moves this phone's world's clock on (the trainer's call); returns the world's time now."""
        return self.trainer("POST", "clock/advance", {"seconds": seconds})["now"]

    # -- flows ------------------------------------------------------------------------------------
    def sign_up(self, email: str | None = None, *, name: str = "Hanako Yamada", password: str = PASSWORD) -> "Account":
        """Sign-up, then the enrolment page: returns the account with the secret the page shows."""
        email = email or f"web-{secrets.token_hex(4)}@example.com"
        self.goto("signup")
        self.page.fill("#email", email)
        self.page.fill("#name", name)
        self.page.fill("#password", password)
        self.page.fill("#password_again", password)
        self.page.click("button[type=submit]:not(.link-button)")
        self.page.wait_for_url("**/enrol")
        secret = self.page.inner_text("#secret").replace(" ", "")
        return Account(email, password, secret)

    def enrol(self, account: "Account") -> list[str]:
        """Confirms the enrolment with the previous step's code (the next sign-in then uses the current one:
        a code is never accepted twice), then leaves the recovery codes page; returns the recovery codes."""
        self.page.fill("#code", totp_now(account.secret, back=1))
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_url("**/recovery-codes")
        codes = self.page.locator(".codes li").all_inner_texts()
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_url("**/signin")
        return codes

    def sign_in(self, account: "Account", *, password: str | None = None, code: str | None = None) -> None:
        if not self.page.url.endswith("/signin"):
            self.goto("signin")
        self.page.fill("#email", account.email)
        self.page.fill("#password", account.password if password is None else password)
        self.page.fill("#code", totp_now(account.secret) if code is None else code)
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_load_state()

    def new_customer(self) -> "Account":
        """Signed up, enrolled and signed in: on the home page."""
        account = self.sign_up()
        self.enrol(account)
        self.sign_in(account)
        self.page.wait_for_selector("#balance")
        return account


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    secret: str
