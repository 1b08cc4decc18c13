"""Attract mode, the customer's half: sign in on the wallet's own sign-in screen (e-mail,
password and the authenticator's current code, read from the kiosk's authenticator the way a
person reads the Authenticator window), open Pay so the QR is on screen for the till, wait for
the till's verdict on the wallet's own paid screen, sign out; then again (`qrpay demo --autoplay`).

It drives the real window through its widgets and slots; nothing here calls a payment or
sign-in service directly. A real key press, click or touch hands the wallet back to the presenter.
A TOTP code is accepted once per 30-second step, so a round that comes back quickly waits for
the next step instead of being refused as a reused code.
"""
from __future__ import annotations

import logging

from shared import totp
from ui_common.autoplay import Autoplay

log = logging.getLogger(__name__)

STEP_MS = 700
PAID_MS = 5000      # the paid screen stays this long before the customer signs out


class WalletAutoplay(Autoplay):
    def __init__(self, window, *, email: str, password: str, step_ms: int = STEP_MS) -> None:
        super().__init__(window, first_step=self._begin, step_ms=step_ms, start_delay_ms=1500)
        self.email, self._password = email, password
        self._last_step: int | None = None

    # -- one customer ------------------------------------------------------------------------------
    def _current_code(self) -> tuple[str, int] | None:
        core = self.window.core
        for email, secret in core.identity.authenticator_accounts():
            if email == self.email.strip().lower():
                now = core.now()
                return totp.totp_code(secret, now), int(now // totp.STEP_SECONDS)
        return None

    def _begin(self) -> None:
        w = self.window
        if w.signed_in:
            w.sign_out()
        w.show_signin(self.email)
        self._after(self._type_credentials)

    def _type_credentials(self) -> None:
        w = self.window
        screen = w.signin
        found = self._current_code()
        if found is None:
            log.error("autoplay: %s is not in the kiosk authenticator", self.email)
            self._after(self._begin, 10_000)
            return
        code, step = found
        if step == self._last_step:          # this step's code was used: wait for the next one
            self._after(self._type_credentials, 1000)
            return
        if screen.page != screen.PASSWORD:
            screen.go_back()
        screen.email.setText(self.email)
        screen.password.setText(self._password)
        if screen.one_step_code.isVisibleTo(screen):     # the one-screen sign-in (hardened)
            screen.one_step_code.setText(code)
        self._pending_code, self._pending_step = code, step
        screen.submit()
        self._after(self._after_password, 400)

    def _after_password(self) -> None:
        w = self.window
        screen = w.signin
        if w.signed_in:
            self._last_step = self._pending_step
            self._after(self._show_code)
            return
        if screen._busy:
            self._after(self._after_password, 200)
            return
        if screen.page == screen.FACTOR:   # a two-step sign-in asks for the code on its own page
            screen.factor.setText(self._pending_code)
            screen.submit()
            self._last_step = self._pending_step
            self._after(self._wait_signed_in, 400)
            return
        log.warning("autoplay: sign-in refused: %s", screen.banner.text())
        self._last_step = self._pending_step
        self._after(self._type_credentials, 3000)

    def _wait_signed_in(self) -> None:
        w = self.window
        if w.signed_in:
            self._after(self._show_code)
        elif w.signin._busy:
            self._after(self._wait_signed_in, 200)
        else:
            log.warning("autoplay: code refused: %s", w.signin.banner.text())
            self._after(self._type_credentials, 3000)

    def _show_code(self) -> None:
        w = self.window
        w.raise_()
        w.activateWindow()      # the customer holds the phone up: the wallet is in front
        w.show_pay()
        self._after(self._wait_paid, 500)

    def _wait_paid(self) -> None:
        w = self.window
        if w.current_screen() is w.pay and w.pay.page == w.pay.RESULT:
            self.rounds += 1
            self._after(self._begin, PAID_MS)
        elif not w.signed_in:
            self._after(self._begin, 2000)
        else:
            self._after(self._wait_paid, 300)


def start_autoplay(window, link) -> WalletAutoplay | None:
    """`--autoplay`: the first demo customer saved beside the database pays in a loop."""
    from shared.demo_data import load_credentials

    creds = load_credentials(window.core.db.path)
    customer = (creds or {}).get("customers", [None])[0]
    if customer is None:
        log.error("--autoplay needs the demo accounts saved by `qrpay demo` beside the database")
        return None
    player = WalletAutoplay(window, email=customer["email"], password=customer["password"])
    player.link_to(link)
    player.start()
    return player
