"""The run panel's pieces: the worker thread that runs a scenario (in isolation, through the
core's `run_isolated`, unless the live database is asked for) and the big outcome line per policy."""
from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from shared.attacks import run_isolated
from shared.errors import QrpayError
from ui_common import theme


log = logging.getLogger(__name__)


# -- the worker --------------------------------------------------------------------------------

class RunCancelled(Exception):
    """Raised from `on_step` to stop a scenario (the scenario's own clean-up still runs)."""


class ScenarioWorker(QThread):
    """Runs one scenario under one or two policies, each on a fresh temporary database unless
    `live_core` is given; reports every step, each result and each failure by signal."""

    step = Signal(str, object)        # policy, Step
    result = Signal(object)           # ScenarioResult
    failed = Signal(str, object)      # policy, exception

    def __init__(self, spec, policies: tuple[str, ...], sizes: dict[str, Any], *, start_time: float,
                 live_core=None, parent=None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.policies = policies
        self.sizes = dict(sizes)
        self.start_time = start_time
        self.live_core = live_core
        self._cancel = threading.Event()
        self.cancelled = False

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        for policy in self.policies:
            if self._cancel.is_set():
                self.cancelled = True
                return
            try:
                result = self._run_one(policy)
            except RunCancelled:
                self.cancelled = True
                return
            except BaseException as e:  # noqa: BLE001 - handed to the GUI thread, which shows or re-raises it
                if isinstance(e, QrpayError):
                    log.warning("scenario %s under %s refused: %s", self.spec.name, policy, e)
                else:
                    log.exception("scenario %s under %s failed", self.spec.name, policy)
                self.failed.emit(policy, e)
                continue
            self.result.emit(result)

    def _run_one(self, policy: str):
        def on_step(s) -> None:
            if self._cancel.is_set():
                raise RunCancelled()
            self.step.emit(policy, s)

        if self.live_core is not None:
            return self.spec.run(self.live_core, policy=policy, on_step=on_step, **self.sizes)
        return run_isolated(self.spec, policy=policy, on_step=on_step, start=self.start_time, **self.sizes)


class OutcomeLine(QLabel):
    """The outcome of one run, big and in words; with both policies run, a click shows its details."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self._kind, self._pt, self._selected = "ok", theme.TITLE_PT, False

    def show_outcome(self, kind: str, text: str, point_size: int) -> None:
        self._kind, self._pt = kind, point_size
        self.setProperty("kind", kind)
        self.setText(text)
        self._restyle()
        self.show()

    def set_selected(self, selected: bool) -> None:
        self._selected = selected
        self._restyle()

    def is_selected(self) -> bool:
        return self._selected

    def _restyle(self) -> None:
        colour = {"ok": theme.OK, "danger": theme.DANGER, "warning": theme.WARNING}[self._kind]
        edge = theme.TEXT if self._selected else colour
        self.setStyleSheet(f"QLabel {{ background: {colour}; color: white; font-size: {self._pt}pt; font-weight: 800;"
                           f" padding: 6px 14px; border: 4px solid {edge}; border-radius: 10px; }}")

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)
