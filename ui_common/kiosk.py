"""Kiosk mode pieces both apps use: an idle watcher and the switches it drives.

In a kiosk, visitors walk away mid-flow: after `minutes` with no key, mouse or touch input the
watcher emits `idle` once (the wallet returns to its welcome screen, the till discards its cart)
and re-arms on the next input.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QFormLayout, QLineEdit

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


class LeaveKioskDialog(QDialog):
    """A supervisor's number and PIN, asked before a kiosk window may close (its own class, so
    lupdate files the texts under the context the runtime looks them up in)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Leave kiosk mode"))
        form = QFormLayout(self)
        self.staff = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Supervisor ID"), self.staff)
        form.addRow(self.tr("PIN"), self.pin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def supervisor_guard(parent, core):
    """A close guard for kiosk windows: a supervisor's id and PIN, checked by the core."""
    from shared.errors import QrpayError

    def guard() -> bool:
        dlg = LeaveKioskDialog(parent)
        if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.staff.text().strip().isdigit():
            return False
        try:
            core.staff.require_supervisor(int(dlg.staff.text().strip()), dlg.pin.text())
        except QrpayError:
            return False
        return True

    return guard
