"""Run a core call off the GUI thread (Argon2, a payment commit) and get the result back on it.

    run_in_background(lambda: core.identity.sign_in(email, pw), on_success=self._signed_in,
                      on_failure=self._show_error)

`on_success(result)` / `on_failure(exc)` run on the GUI thread. Failures are the exception object:
screens show `QrpayError`s in their own area; anything else is re-raised into the excepthook.
Tests wait with `wait_for_tasks(qtbot)` or `qtbot.waitUntil`.
"""
from __future__ import annotations

import sys
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from shared.errors import QrpayError

_live: set["_Task"] = set()


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.relay = _Relay()

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as e:  # handed to the GUI thread, which decides
            self.relay.failed.emit(e)
        else:
            self.relay.done.emit(result)


def run_in_background(fn: Callable[[], Any], *, on_success: Callable[[Any], None] | None = None,
                      on_failure: Callable[[BaseException], None] | None = None) -> None:
    task = _Task(fn)
    _live.add(task)

    @Slot(object)
    def _done(result: Any) -> None:
        _live.discard(task)
        if on_success is not None:
            on_success(result)

    @Slot(object)
    def _failed(exc: BaseException) -> None:
        _live.discard(task)
        if isinstance(exc, QrpayError) and on_failure is not None:
            on_failure(exc)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    task.relay.done.connect(_done)
    task.relay.failed.connect(_failed)
    QThreadPool.globalInstance().start(task)


def pending() -> int:
    return len(_live)


def wait_for_tasks(qtbot, timeout: int = 10_000) -> None:
    """pytest-qt helper: wait until every background call has delivered its result."""
    qtbot.waitUntil(lambda: pending() == 0, timeout=timeout)
