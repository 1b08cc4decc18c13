"""Attract mode's machinery, one for every app: a player that drives the real window one step at a
time on a single-shot timer and hands the app back at the first real key press, click or touch.

Autoplay itself only calls slots and sets widget texts, so it never makes an input event: any that
arrives is a person. Each app's player (pos_app/autoplay.py, wallet_app/autoplay.py) subclasses
`Autoplay` with its steps; `self._after(step, ms)` schedules the next one.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

HUMAN_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin}


class Autoplay(QObject):
    handed_over = Signal()      # a person took over (not sent when stopped quietly)

    def __init__(self, window, *, first_step: Callable[[], None], step_ms: int, start_delay_ms: int) -> None:
        super().__init__(window)
        self.window = window
        self._step_ms = step_ms
        self._start_delay_ms = start_delay_ms
        self._first = first_step
        self.running = False
        self.rounds = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)
        self._next = first_step

    # -- control -----------------------------------------------------------------------------------
    def start(self) -> None:
        self.running = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._after(self._first, self._start_delay_ms)

    def stop(self, *, quiet: bool = False) -> None:
        """Hand the app back: no further step (one already sent to the core completes as usual).
        `quiet`: the window is closing; nobody is told."""
        if not self.running:
            return
        self.running = False
        self._timer.stop()
        self._stopped()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if not quiet:
            self._handing_over()
            self.handed_over.emit()

    def link_to(self, link) -> None:
        """Started by `qrpay demo --autoplay`: a person taking over one app stops the others too
        (the launcher's DemoLink carries "hand-over" between the processes)."""
        link.on_hand_over = self.stop
        self.handed_over.connect(lambda: link.request("hand-over"))

    def _stopped(self) -> None:
        """Subclasses: stop timers of their own."""

    def _handing_over(self) -> None:
        """Subclasses: tell the person the app is theirs (before `handed_over`)."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if self.running and event.type() in HUMAN_INPUT:
            QTimer.singleShot(0, self.stop)
        return False

    # -- stepping ------------------------------------------------------------------------------------
    def _after(self, step: Callable[[], None], ms: int | None = None) -> None:
        if not self.running:
            return
        self._next = step
        self._timer.start(self._step_ms if ms is None else ms)

    def _step(self) -> None:
        if self.running:
            self._next()
