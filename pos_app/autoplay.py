"""Attract mode, the till's half: a clerk rings up a few items and presses Pay by QR, the till
reads the wallet's code (from the screen when there is no webcam) and shows the verdict; then
the next customer. For a booth laptop left running (`qrpay demo --autoplay`).

Everything goes through the real window's widgets and slots (the clerk's sign-in form, the
catalog's tiles, the cart's Pay button), so what the audience sees is what a clerk would do.
A real key press, click or touch hands the till back to the presenter at once.

`once=True` (`--autoplay --once`): one round; the app exits 0 once the sale is recorded, 1 on a
refusal or when `timeout_s` passes first.
"""
from __future__ import annotations

import logging
import random

from PySide6.QtCore import QTimer, Signal

from ui_common.autoplay import Autoplay

log = logging.getLogger(__name__)

STEP_MS = 900          # between the clerk's actions: slow enough for an audience to follow
RESULT_MS = 6000       # how long the verdict stays before the next customer


class TillAutoplay(Autoplay):
    finished = Signal(int)      # --once: the exit code

    def __init__(self, window, *, clerk_id: int, pin: str, once: bool = False, timeout_s: float = 180.0,
                 step_ms: int = STEP_MS, rng: random.Random | None = None) -> None:
        super().__init__(window, first_step=self._sign_in, step_ms=step_ms, start_delay_ms=300)
        self._clerk_id, self._pin = clerk_id, pin
        self.once = once
        self._rng = rng or random.Random()
        self.last_sale_id: str | None = None
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(int(timeout_s * 1000))
        self._deadline.timeout.connect(self._timed_out)

    # -- control -----------------------------------------------------------------------------------
    def start(self) -> None:
        if self.once:
            self._deadline.start()
        super().start()

    def _stopped(self) -> None:
        self._deadline.stop()

    def _handing_over(self) -> None:
        self.window.cart.show_message(self.tr("Autoplay stopped: the till is yours."))

    def _finish(self, code: int) -> None:
        self.running = False
        self._timer.stop()
        self._deadline.stop()
        self.finished.emit(code)

    def _timed_out(self) -> None:
        log.error("autoplay: no sale within the time limit")
        self._finish(1)

    # -- the clerk's round -------------------------------------------------------------------------
    def _sign_in(self) -> None:
        w = self.window
        if w.shift is not None:
            self._after(self._ring_up)
            return
        if w.pages.currentWidget() is not w.signin or not w.signin.button.isEnabled():
            self._after(self._sign_in, 300)
            return
        w.signin.sign_in_as(self._clerk_id, self._pin)
        self._after(self._wait_signed_in, 300)

    def _wait_signed_in(self) -> None:
        if self.window.shift is not None:
            self._after(self._ring_up)
        elif self.window.signin.button.isEnabled():   # refused (a wrong PIN in the saved accounts?)
            log.error("autoplay: the clerk could not sign in")
            self._finish(1) if self.once else self._after(self._sign_in, 5000)
        else:
            self._after(self._wait_signed_in, 200)

    def _ring_up(self) -> None:
        w = self.window
        if w.pages.currentWidget() is not w.till:
            w.show_till()
        tiles = list(w.catalog.tiles.items())
        self._basket = [jan for jan, _ in self._rng.sample(tiles, k=min(3, len(tiles)))]
        self._after(self._add_next)

    def _add_next(self) -> None:
        if self._basket:
            jan = self._basket.pop()
            self.window.catalog.tiles[jan].click()
            self._after(self._add_next)
        else:
            self._after(self._pay)

    def _pay(self) -> None:
        self.window.cart.pay_button.click()
        self._after(self._wait_verdict, 300)

    def _wait_verdict(self) -> None:
        w = self.window
        kind = w.result.kind if w.pages.currentWidget() is w.result else ""
        if kind == "approved":
            self.rounds += 1
            self.last_sale_id = w.last_receipt.sale_id if w.last_receipt is not None else None
            log.info("autoplay: sale %s approved (%s)", self.last_sale_id, w.scanner.entry_method)
            if self.once:
                QTimer.singleShot(1500, lambda: self._finish(0))   # the audience sees the verdict
                self.running = False
                return
            self._after(self._next_customer, RESULT_MS)
        elif kind == "refused":
            log.warning("autoplay: refused: %s", w.result.detail.text())
            if self.once:
                self._finish(1)
                return
            self._after(self._retry_scan, RESULT_MS)
        else:
            self._after(self._wait_verdict, 200)

    def _retry_scan(self) -> None:
        self.window.result.back_to_scanner.emit()
        self._after(self._wait_verdict, 300)

    def _next_customer(self) -> None:
        self.window.new_sale()
        self._after(self._ring_up)
