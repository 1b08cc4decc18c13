"""The run panel (`RunPanel`: the scenario's sizes, Run under hardened / 2019 / both, Stop, "Run on
this database", the presenter's pace, one big outcome line per policy, the progress bar) and the
worker thread that runs a scenario (in isolation, through the core's `run_isolated`, unless the
live database is asked for).

Pace: full speed, one step at a time (the presenter presses "Next step"), or a delay after each
step. The worker hands the core's scenario runner a `pace` hook (`shared.attacks.spec.paced`: a
call after each step) that waits on the presenter; the pace can change while a run is going
(switch to full speed to let the rest run), and Stop ends a wait at once."""
from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFrame, QGridLayout, QLabel, QProgressBar,
                               QPushButton, QSizePolicy, QSpinBox, QVBoxLayout, QWidget)

from shared.attacks import run_isolated
from shared.errors import QrpayError
from trainer_app.texts import size_label
from ui_common import theme
from ui_common.flow_layout import FlowLayout
from ui_common.widgets import Banner, clear_layout


log = logging.getLogger(__name__)

HIDDEN_SIZES = ("seed", "rate", "sources", "give_up")   # tuning knobs for the CLI; not what an audience needs


# -- the worker --------------------------------------------------------------------------------

class RunCancelled(Exception):
    """Raised from `on_step` to stop a scenario (the scenario's own clean-up still runs)."""


FULL_SPEED, STEP_BY_STEP, DELAY = "full", "step", "delay"
PACES = (FULL_SPEED, STEP_BY_STEP, DELAY)
WAIT_SLICE_S = 0.1   # how often a waiting run looks again at the pace (switched to full speed?)


class ScenarioWorker(QThread):
    """Runs one scenario under one or two policies, each on a fresh temporary database unless
    `live_core` is given; reports every step, each result and each failure by signal."""

    step = Signal(str, object)        # policy, Step
    result = Signal(object)           # ScenarioResult
    failed = Signal(str, object)      # policy, exception
    waiting = Signal(bool)            # True: a step is shown and the run waits for "Next step"

    def __init__(self, spec, policies: tuple[str, ...], sizes: dict[str, Any], *, start_time: float,
                 live_core=None, pace: str = FULL_SPEED, delay: float = 1.0, parent=None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.policies = policies
        self.sizes = dict(sizes)
        self.start_time = start_time
        self.live_core = live_core
        self._cancel = threading.Event()
        self._next = threading.Event()
        self._pace, self._delay = FULL_SPEED, 1.0
        self.set_pace(pace, delay)
        self.cancelled = False

    def cancel(self) -> None:
        self._cancel.set()
        self._next.set()

    def set_pace(self, pace: str, delay: float = 1.0) -> None:
        """Change the pace, also during a run (read before each wait)."""
        if pace not in PACES:
            raise ValueError(f"unknown pace {pace!r}")
        self._pace, self._delay = pace, max(0.0, float(delay))
        if pace != STEP_BY_STEP:
            self._next.set()     # a run waiting for "Next step" goes on

    def next_step(self) -> None:
        """The presenter's "Next step": the waiting run takes its next step."""
        self._next.set()

    def _gate(self, _step) -> None:
        """The pace hook the core's runner calls after each step (on this thread)."""
        if self._pace == DELAY:
            waited = 0.0
            while waited < self._delay and self._pace == DELAY:
                if self._cancel.wait(min(WAIT_SLICE_S, self._delay - waited)):
                    raise RunCancelled()
                waited += WAIT_SLICE_S
        elif self._pace == STEP_BY_STEP:
            self._next.clear()
            self.waiting.emit(True)
            try:
                while not self._next.wait(WAIT_SLICE_S):
                    pass
            finally:
                self.waiting.emit(False)
        if self._cancel.is_set():
            raise RunCancelled()

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
            return self.spec.run(self.live_core, policy=policy, on_step=on_step, pace=self._gate, **self.sizes)
        return run_isolated(self.spec, policy=policy, on_step=on_step, pace=self._gate, start=self.start_time,
                            **self.sizes)


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
    window has it show a scenario's sizes (`show_sizes`), hears `run_requested`, `stop_requested` and `outcome_clicked`, and
    shows outcomes through `outcomes[policy]`."""

    run_requested = Signal(tuple)     # the policies, in order
    stop_requested = Signal()
    outcome_clicked = Signal(str)     # the policy whose details to show
    pace_changed = Signal(str, float)   # pace (FULL_SPEED, STEP_BY_STEP, DELAY), seconds per step
    next_requested = Signal()

    PARTS = ("run_card", "sizes_grid", "run_buttons", "stop_button", "live_check", "outcome_box", "outcomes",
             "status_banner", "progress", "pace_combo", "pace_delay", "next_button")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size_widgets: dict[str, QSpinBox] = {}
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
        # The presenter's pace, in the same row (changeable while a run goes)
        pace_label = QLabel(self.tr("Pace:"))
        buttons.addWidget(pace_label)
        self.pace_combo = QComboBox()
        self.pace_combo.setObjectName("pace")
        for key, text in ((FULL_SPEED, self.tr("Full speed")), (STEP_BY_STEP, self.tr("One step at a time")),
                          (DELAY, self.tr("Delay per step"))):
            self.pace_combo.addItem(text, key)
        pace_label.setBuddy(self.pace_combo)
        self.pace_combo.currentIndexChanged.connect(self._pace_clicked)
        buttons.addWidget(self.pace_combo)
        self.pace_delay = QDoubleSpinBox()
        self.pace_delay.setRange(0.2, 30.0)
        self.pace_delay.setSingleStep(0.5)
        self.pace_delay.setDecimals(1)
        self.pace_delay.setValue(1.5)
        self.pace_delay.setSuffix(" " + self.tr("s"))
        self.pace_delay.setMinimumWidth(92)
        self.pace_delay.setToolTip(self.tr("Seconds to wait after each step"))
        self.pace_delay.valueChanged.connect(self._pace_clicked)
        self.pace_delay.hide()
        buttons.addWidget(self.pace_delay)
        self.next_button = QPushButton(self.tr("Next step") + " ▶")
        self.next_button.setProperty("role", "primary")
        self.next_button.setEnabled(False)
        self.next_button.clicked.connect(self.next_requested)
        self.next_button.hide()
        buttons.addWidget(self.next_button)
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

    def pace(self) -> tuple[str, float]:
        return self.pace_combo.currentData() or FULL_SPEED, float(self.pace_delay.value())

    def set_pace(self, key: str, delay: float | None = None) -> None:
        if delay is not None:
            self.pace_delay.blockSignals(True)
            self.pace_delay.setValue(delay)
            self.pace_delay.blockSignals(False)
        self.pace_combo.blockSignals(True)
        self.pace_combo.setCurrentIndex(self.pace_combo.findData(key))
        self.pace_combo.blockSignals(False)
        self._pace_clicked()

    def _pace_clicked(self, *_args) -> None:
        key, delay = self.pace()
        # only what the chosen pace uses is shown: the delay, or "Next step"
        self.pace_delay.setVisible(key == DELAY)
        self.next_button.setVisible(key == STEP_BY_STEP)
        self.pace_changed.emit(key, delay)

    # -- the scenario's sizes -------------------------------------------------------------------
    def show_sizes(self, spec) -> None:
        """One field per size of the scenario (tuning knobs for the CLI left out), at its default."""
        clear_layout(self.sizes_grid)
        self._size_widgets = {}
        shown = [o for o in spec.sizes if o.name not in HIDDEN_SIZES]
        per_row = 4
        for i, opt in enumerate(shown):
            label = QLabel(size_label(opt.name, opt.help))
            label.setWordWrap(True)   # "Victim balance ¥" takes two lines in kiosk type rather than being cut
            label.setToolTip(opt.help)
            spin = QSpinBox()
            spin.setGroupSeparatorShown(True)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            if opt.kind is float and opt.maximum <= 1:
                spin.setRange(round(opt.minimum * 100), round(opt.maximum * 100))   # a share, shown in %
                spin.setSuffix(" %")
                spin.setValue(round(opt.default * 100))
                spin.setProperty("percent", True)
            else:
                spin.setProperty("percent", False)
                spin.setRange(int(opt.minimum), int(min(opt.maximum, 2**31 - 1)))
                spin.setValue(int(opt.default))
                spin.setSingleStep(max(1, int(opt.default) // 10))
            spin.setToolTip(opt.help)
            spin.setMinimumWidth(92)
            spin.setObjectName(f"size_{opt.name}")
            label.setBuddy(spin)
            r, c = divmod(i, per_row)
            self.sizes_grid.addWidget(label, r, 2 * c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.sizes_grid.addWidget(spin, r, 2 * c + 1)
            self._size_widgets[opt.name] = spin
        for c in range(2 * per_row):
            self.sizes_grid.setColumnStretch(c, 1 if c % 2 else 0)

    def set_size(self, name: str, value: int | float) -> None:
        w = self._size_widgets[name]
        w.setValue(round(value * 100) if w.property("percent") else int(value))

    def sizes(self) -> dict[str, Any]:
        """The sizes shown, as the scenario takes them (a share in % becomes a fraction)."""
        return {name: (w.value() / 100 if w.property("percent") else int(w.value()))
                for name, w in self._size_widgets.items()}

    def set_sizes_enabled(self, enabled: bool) -> None:
        for w in self._size_widgets.values():
            w.setEnabled(enabled)
