"""The one poll-in-background helper: a window that re-reads the core on a timer asks off the GUI thread.

    poller = BackgroundPoller(lambda: fetch_summaries(client), interval_ms=3000, parent=window)
    poller.arrived.connect(window.show_summaries)      # on the GUI thread, with the fetch's result
    poller.failed.connect(window.show_offline)         # a QrpayError (server_unreachable, …); retried next tick
    poller.recovered.connect(window.message.clear)     # the first answer after a failure
    poller.poll()                                      # ask now (tests wait for `arrived`)
    poller.stop()                                      # in the window's closeEvent: no poll outlives it

Over a server every read is an HTTP call that may take the transport's whole read timeout; on the GUI
thread that froze the window. Here the fetch runs through `ui_common.tasks.run_in_background` and:
- never two at once: a tick (or `poll()`) while one is in flight asks again once, right after it
  (it may have started before a reset or a new world, whose effect the window must show);
- a failed poll emits `failed` and the timer keeps running, so the next tick retries; the first
  success after it emits `recovered` (the window clears its "the server did not answer");
- after `stop()` nothing is delivered, and `stop()` waits for a poll in flight (the caller closes the
  core or the client after the window).
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from shared.errors import QrpayError
from ui_common.tasks import run_in_background

log = logging.getLogger(__name__)

SHUTDOWN_WAIT_MS = 30_000   # the longest a closing window waits for its poll in flight (the read timeout)


class BackgroundPoller(QObject):
    arrived = Signal(object)     # the fetch's result
    failed = Signal(object)      # the QrpayError of a poll that failed
    recovered = Signal()         # a poll succeeded after one or more failed

    def __init__(self, fetch: Callable[[], Any], *, interval_ms: int, parent: QObject | None = None) -> None:
        """`interval_ms` 0: no timer; the owner calls `poll()` (tests, a window that polls on demand)."""
        super().__init__(parent)
        self._fetch = fetch
        self._busy = False
        self._again = False
        self._offline = False
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.poll)
        if interval_ms > 0:
            self._timer.start(interval_ms)

    @property
    def busy(self) -> bool:
        """A poll is in flight."""
        return self._busy

    @property
    def offline(self) -> bool:
        """The last poll failed."""
        return self._offline

    def is_active(self) -> bool:
        return self._timer.isActive()

    def interval_ms(self) -> int:
        """The timer's interval, 0 when there is no timer."""
        return self._timer.interval() if self._timer.isActive() else 0

    def set_interval(self, ms: int) -> None:
        if self._timer.isActive():
            self._timer.setInterval(ms)

    @Slot()
    def poll(self) -> None:
        """Ask now, off the GUI thread; while one is in flight, once more right after it."""
        if self._stopped:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        self._again = False
        run_in_background(self._fetch, on_success=self._arrived, on_failure=self._failed)

    def _arrived(self, result: Any) -> None:
        self._busy = False
        if self._stopped:
            return
        if self._offline:
            self._offline = False
            self.recovered.emit()
        self.arrived.emit(result)
        if self._again:
            self.poll()

    def _failed(self, e: QrpayError) -> None:
        self._busy = False
        if self._stopped:
            return
        log.warning("poll failed: %s", e.code)
        self._offline = True
        self.failed.emit(e)
        if self._again:
            self.poll()

    def stop(self, *, wait_ms: int = SHUTDOWN_WAIT_MS) -> None:
        """No more polls and no more results; a poll in flight is waited for (up to `wait_ms`)."""
        self._stopped = True
        self._timer.stop()
        if self._busy and wait_ms > 0:
            QThreadPool.globalInstance().waitForDone(wait_ms)
