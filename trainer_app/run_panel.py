"""The run panel (`RunPanel`: the scenario's sizes, Run under hardened / 2019 / both, Stop, "Run on
this database", one big outcome line per policy, the progress bar) and the worker thread that runs
a scenario (in isolation, through the core's `run_isolated`, unless the live database is asked for)."""
from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (QCheckBox, QFrame, QGridLayout, QLabel, QProgressBar, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from shared.attacks import run_isolated
from shared.errors import QrpayError
from ui_common import theme
from ui_common.flow_layout import FlowLayout
from ui_common.widgets import Banner


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


POLICIES = ("hardened", "2019")


class RunPanel(QWidget):
    """The card of the selected scenario and what its last run gave. It holds no run logic: the
    window fills `sizes_grid`, hears `run_requested`, `stop_requested` and `outcome_clicked`, and
    shows outcomes through `outcomes[policy]`."""

    run_requested = Signal(tuple)     # the policies, in order
    stop_requested = Signal()
    outcome_clicked = Signal(str)     # the policy whose details to show

    PARTS = ("run_card", "sizes_grid", "run_buttons", "stop_button", "live_check", "outcome_box", "outcomes",
             "status_banner", "progress")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        card = self.run_card = QFrame()
        card.setProperty("role", "card")
        # The sizes are typed (or wheeled): the style sheet's spin arrows are too small for a finger,
        # and NoButtons hides the text under this style sheet, so the arrows get no width instead.
        card.setStyleSheet("QSpinBox { padding-right: 8px; }"
                           " QSpinBox::up-button, QSpinBox::down-button { width: 0px; border: none; image: none; }")
        cv = QVBoxLayout(card)
        cv.setContentsMargins(12, 8, 12, 8)
        cv.setSpacing(6)
        self.sizes_grid = QGridLayout()
        self.sizes_grid.setHorizontalSpacing(10)
        self.sizes_grid.setVerticalSpacing(4)
        cv.addLayout(self.sizes_grid)
        run_row = QWidget()   # one row when there is room, more when the type is large
        buttons = FlowLayout(run_row, spacing=8)
        buttons.addWidget(QLabel(self.tr("Run under:")))
        self.run_buttons: dict[str, QPushButton] = {}
        for key, text, role in (("hardened", "▶ " + self.tr("Hardened"), "primary"),
                                ("2019", "▶ " + self.tr("2019"), "danger"),
                                ("both", "▶ " + self.tr("Both"), "")):
            b = QPushButton(text)
            if role:
                b.setProperty("role", role)
            if role == "danger":   # the shared style sheet has no disabled look for danger buttons
                b.setStyleSheet(f"QPushButton:disabled {{ background: {theme.BORDER}; color: {theme.MUTED}; }}")
            b.clicked.connect(lambda _=False, k=key: self.run_requested.emit(POLICIES if k == "both" else (k,)))
            self.run_buttons[key] = b
            buttons.addWidget(b)
        self.stop_button = QPushButton("■ " + self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_requested)
        buttons.addWidget(self.stop_button)
        self.live_check = QCheckBox(self.tr("Run on this database"))
        self.live_check.setToolTip(self.tr("Off: each run uses a fresh temporary database, so the demo data is "
                                           "untouched. On: the attack really happens in this database."))
        buttons.addWidget(self.live_check)
        cv.addWidget(run_row)
        lay.addWidget(card)

        # The outcome, big, one line per policy run
        self.outcome_box = QVBoxLayout()
        self.outcome_box.setSpacing(4)
        self.outcomes: dict[str, OutcomeLine] = {}
        for policy in POLICIES:
            b = OutcomeLine()
            b.setObjectName(f"outcome_{policy}")
            b.clicked.connect(lambda p=policy: self.outcome_clicked.emit(p))
            b.hide()
            self.outcomes[policy] = b
            self.outcome_box.addWidget(b)
        self.status_banner = Banner()
        self.outcome_box.addWidget(self.status_banner)
        lay.addLayout(self.outcome_box)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(14)
        self.progress.hide()
        lay.addWidget(self.progress)
