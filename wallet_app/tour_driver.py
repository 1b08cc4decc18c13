"""The presenter's tour, the wallet's half: the tour panel (ui_common/tour_panel.py) sends orders,
this driver carries them out on the real window, the way attract mode does: it types the victim's
e-mail and password into the sign-in screen, reads the code off the kiosk authenticator as a
person would, presses Sign in, and opens Home, History and the mailbox in turn.

Orders (dicts, from ui_common.tour_link):
- `{"action": "sign_in", "email", "password"}`: sign out whoever is signed in, sign this person
  in (a refusal or a throttle is waited out and tried again, a few times), end on Home;
- `{"action": "show", "views": ["home", "history", "mailbox"], "address", "dwell_ms"}`: each
  screen in turn, `dwell_ms` apart, ending on the last; the mailbox is `address`'s (it opens
  without a session: a victim whose session the attacker ended still reads their mail);
- `{"action": "sign_out"}`.
Nothing here calls a sign-in or payment service directly except reading the authenticator.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer

from shared import totp

log = logging.getLogger(__name__)

STEP_MS = 450          # between the typed fields: an audience can follow
RETRY_MS = 5500        # a throttled or refused sign-in is tried again after this (stuffing waves space sign-ins 5 s)
TRIES = 4


class WalletTourDriver(QObject):
    def __init__(self, window, *, step_ms: int = STEP_MS, retry_ms: int = RETRY_MS) -> None:
        super().__init__(window)
        self.window = window
        self.step_ms, self.retry_ms = step_ms, retry_ms
        self._generation = 0        # a newer order cancels the steps of an older one
        self._last_step: dict[str, int] = {}

    # -- the order ---------------------------------------------------------------------------------
    def handle(self, order: dict[str, Any], reply: Callable[..., None]) -> None:
        self._generation += 1
        gen = self._generation
        action = order.get("action")
        if action == "sign_in":
            self._sign_in(gen, str(order["email"]), str(order["password"]), reply, tries=TRIES)
        elif action == "show":
            views = [str(v) for v in order.get("views", [])]
            self._show(gen, views, order.get("address"), int(order.get("dwell_ms", 3000)), reply)
        elif action == "sign_out":
            if self.window.signed_in:
                self.window.sign_out()
            reply("done", "")
        else:
            reply("failed", f"unknown order {action!r}")

    def _later(self, gen: int, ms: int, fn: Callable[[], None]) -> None:
        QTimer.singleShot(ms, lambda: fn() if gen == self._generation else None)

    # -- signing in through the sign-in screen -----------------------------------------------------
    def _code_for(self, email: str) -> tuple[str, int] | None:
        core = self.window.core
        for address, secret in core.identity.authenticator_accounts():
            if address == email.strip().lower():
                now = core.now()
                return totp.totp_code(secret, now), int(now // totp.STEP_SECONDS)
        return None

    def _sign_in(self, gen: int, email: str, password: str, reply, *, tries: int) -> None:
        w = self.window
        if w.signed_in:
            w.sign_out()
        screen = w.show_signin(email)
        if screen.page != screen.PASSWORD:
            screen.go_back()
        self._later(gen, self.step_ms, lambda: self._type(gen, email, password, reply, tries))

    def _type(self, gen: int, email: str, password: str, reply, tries: int) -> None:
        screen = self.window.signin
        found = self._code_for(email)
        if found is None:
            reply("failed", f"{email} is not in the kiosk authenticator")
            return
        code, step = found
        if self._last_step.get(email) == step:      # this step's code was used: wait for the next one
            self._later(gen, 1000, lambda: self._type(gen, email, password, reply, tries))
            return
        if screen._waiting():                       # the screen counts down a throttle: wait it out
            self._later(gen, 1000, lambda: self._type(gen, email, password, reply, tries))
            return
        screen.email.setText(email)
        screen.password.setText(password)
        if screen.one_step_code.isVisibleTo(screen):
            screen.one_step_code.setText(code)
        self._pending = (code, step)
        screen.submit()
        self._later(gen, 300, lambda: self._after_submit(gen, email, password, reply, tries))

    def _after_submit(self, gen: int, email: str, password: str, reply, tries: int) -> None:
        w = self.window
        screen = w.signin
        if w.signed_in:
            self._last_step[email] = self._pending[1]
            reply("done", "")
            return
        if screen._busy:
            self._later(gen, 200, lambda: self._after_submit(gen, email, password, reply, tries))
            return
        if screen.page == screen.FACTOR:            # 2019-style two pages: the code on the second
            screen.factor.setText(self._pending[0])
            self._last_step[email] = self._pending[1]
            screen.submit()
            self._later(gen, 300, lambda: self._after_submit(gen, email, password, reply, tries))
            return
        self._last_step[email] = self._pending[1]
        if tries <= 1:
            reply("failed", screen.banner.text())
            return
        log.info("tour: sign-in refused (%s); trying again", screen.banner.text())
        self._later(gen, self.retry_ms, lambda: self._type(gen, email, password, reply, tries - 1))

    # -- showing what the victim sees ------------------------------------------------------------
    def _show(self, gen: int, views: list[str], address: str | None, dwell_ms: int, reply) -> None:
        if not views:
            reply("done", "")
            return
        view, rest = views[0], views[1:]
        w = self.window
        if view == "mailbox":
            w.show_mailbox(address or None)
        elif view in ("home", "history"):
            w.check_for_changes()                  # a session the attacker ended shows as ended now
            if w.signed_in:
                (w.show_home if view == "home" else w.show_history)()
        else:
            reply("failed", f"unknown view {view!r}")
            return
        if not rest:
            reply("done", "")
            return
        self._later(gen, dwell_ms, lambda: self._show(gen, rest, address, dwell_ms, reply))


def follow(window):
    """`qrpay demo --tour`: follow the narration panel's orders (None when not in a tour)."""
    from ui_common.tour_link import WALLET, follow_tour

    return follow_tour(window, WALLET, lambda: WalletTourDriver(window))
