"""Kiosk mode pieces every app uses: an idle watcher, the exit guard and its button.

In a kiosk, visitors walk away mid-flow: after `minutes` with no key, mouse or touch input the
watcher emits `idle` once (the wallet returns to its welcome screen, the till discards its cart)
and re-arms on the next input.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from shared.errors import QrpayError
from ui_common.supervisor_pin import Approval, SupervisorPinDialog

_INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                 QEvent.Type.TouchBegin, QEvent.Type.Wheel}

KIOSK_SCALE = 1.2


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, *, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, int(minutes * 60_000)))
        self._timer.timeout.connect(self.idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() in _INPUT_EVENTS:
            self._timer.start()
        return False

    def interval_ms(self) -> int:
        return self._timer.interval()

    def trigger_now(self) -> None:
        """Tests and the trainer: behave as if the idle time had passed."""
        self._timer.stop()
        self.idle.emit()


class KioskExitGuard(QObject):
    """The one way out of a kiosk, for every app: a supervisor's number and PIN in the
    SupervisorPinDialog, checked by the core (`core.staff.require_supervisor`, which counts and
    audits failures). A wrong PIN, a clerk's PIN or Cancel keep the window open; `on_refused`
    gets the core's error so the window can say why in its own words.

        window.exit_guard = KioskExitGuard(window, core, on_refused=show_error)   # closeEvent asks it
    """

    def __init__(self, parent, core, *, ask: Callable[..., Approval | None] | None = None,
                 on_refused: Callable[[QrpayError], None] | None = None) -> None:
        super().__init__(parent)
        self._window = parent
        self._core = core
        self._ask = ask
        self._on_refused = on_refused

    def __call__(self) -> bool:
        ask = self._ask or SupervisorPinDialog.ask      # looked up now: tests replace `ask`
        approval = ask(self._window, action=self.tr("Leave kiosk mode"))
        if approval is None:
            return False
        try:
            self._core.staff.require_supervisor(approval.supervisor_id, approval.pin)
        except QrpayError as e:
            if self._on_refused is not None:
                self._on_refused(e)
            return False
        return True


def close_allowed(window, event) -> bool:
    """What a kiosk-capable window's closeEvent asks first: its `exit_guard` (set in kiosk mode) may
    refuse, and the close event is then ignored."""
    if window.exit_guard is not None and not window.exit_guard():
        event.ignore()
        return False
    return True


class LeaveKioskButton(QPushButton):
    """The visible way out in kiosk mode ("◆ Leave kiosk"): it closes the window, whose guard asks
    for the supervisor. Hidden until the app enters kiosk mode. `compact` (a phone's status row):
    no ◆ mark and a lower button; the supervisor colour still marks it."""

    def __init__(self, on_click: Callable[[], object], parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(("" if compact else "◆ ") + self.tr("Leave kiosk"), parent)
        if compact:
            self.setStyleSheet("min-height: 34px; padding: 2px 10px;")
        self.setProperty("role", "supervisor")
        self.setToolTip(self.tr("A supervisor's number and PIN close the kiosk"))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clicked.connect(on_click)
        self.hide()


def enter_kiosk(window, *, idle_minutes: float) -> IdleWatcher:
    """Kiosk mode for an app's window: the idle reset (`window.reset_for_next_customer`) and
    `window.set_kiosk(True)` (the window shows its LeaveKioskButton and guards closing with a
    KioskExitGuard)."""
    watcher = IdleWatcher(minutes=idle_minutes, parent=window)
    watcher.idle.connect(window.reset_for_next_customer)
    window.idle_watcher = watcher
    window.set_kiosk(True)
    return watcher
