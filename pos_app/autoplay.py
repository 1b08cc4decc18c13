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

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

_HUMAN_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin}
STEP_MS = 900          # between the clerk's actions: slow enough for an audience to follow
RESULT_MS = 6000       # how long the verdict stays before the next customer


class TillAutoplay(QObject):
    finished = Signal(int)      # --once: the exit code
    handed_over = Signal()

    def __init__(self, window, *, clerk_id: int, pin: str, once: bool = False, timeout_s: float = 180.0,
                 step_ms: int = STEP_MS, rng: random.Random | None = None) -> None:
        super().__init__(window)
        self.window = window
        self._clerk_id, self._pin = clerk_id, pin
        self.once = once
        self._step_ms = step_ms
        self._rng = rng or random.Random()
        self.running = False
        self.rounds = 0
        self.last_sale_id: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)
        self._next = self._sign_in
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(int(timeout_s * 1000))
        self._deadline.timeout.connect(self._timed_out)

    # -- control -----------------------------------------------------------------------------------
    def start(self) -> None:
        self.running = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if self.once:
            self._deadline.start()
        self._after(self._sign_in, 300)

    def stop(self, *, quiet: bool = False) -> None:
        """Hand the till back: no further step (a payment already sent completes as usual).
        `quiet`: the window is closing; nobody is told."""
        if not self.running:
            return
        self.running = False
        self._timer.stop()
        self._deadline.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if not quiet:
            self.window.cart.show_message(self.tr("Autoplay stopped: the till is yours."))
            self.handed_over.emit()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if self.running and event.type() in _HUMAN_INPUT:   # autoplay itself only calls slots: no input events
            QTimer.singleShot(0, self.stop)
        return False

    def _after(self, step, ms: int | None = None) -> None:
        if not self.running:
            return
        self._next = step
        self._timer.start(self._step_ms if ms is None else ms)

    def _step(self) -> None:
        if self.running:
            self._next()

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
        w.signin.staff_edit.setText(str(self._clerk_id))
        w.signin.pin_edit.setText(self._pin)
        w.signin.button.click()
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
