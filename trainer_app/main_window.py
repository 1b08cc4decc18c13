"""The trainer's window: the 7pay attacks replayed against both policies, in front of an audience.

    TrainerWindow(core)                    # core: the presenter's demo database

- The policy switch (hardened / 2019) writes the whole database's policy; while 2019 is active a
  striped badge and a full-width banner say so. The other apps read the same setting.
- The simulated clock (an offset stored in the database, shared with the wallet and the till):
  the simulated time in JST, +30 s / +1 min / +10 min, a skew field, Set…, Reset.
- Scenarios: pick one, set its sizes, run it under hardened, 2019 or both. A run goes off the GUI
  thread (a QThread) on a fresh temporary database, so the presenter's demo data is untouched,
  unless "Run on this database" is ticked. Steps appear as they happen, the outcome fills a large
  banner, and the tabs hold the chart, the audit rows and alerts, and what the victim saw.
- "Save incident report…" writes the scenario engineer's HTML report (`save_report(path)` for tests).

Every attack rule is the core's (`shared.attacks`); this window only starts runs and shows results.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QButtonGroup, QFileDialog, QMainWindow, QPushButton, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from shared.clock import in_jst
from shared.errors import QrpayError
from shared.money import format_yen
from trainer_app.classroom_window import ClassroomWindow
from trainer_app.defence_switches_panel import DefenceSwitchesPanel
from trainer_app.policy_clock_bar import PolicyClockBar, SetTimeDialog
from trainer_app.results_tabs import ResultsTabs
from trainer_app.run_panel import RunPanel, ScenarioWorker
from trainer_app.scenario_list import ScenarioList, load_scenarios
from trainer_app.score_board_window import ScoreBoardWindow
from trainer_app.texts import _DEFENCES, _tr, policy_label, scenario_texts
from ui_common import app as ui_app
from ui_common import theme

log = logging.getLogger(__name__)

TICK_MS = 1000
STEP_FLUSH_MS = 80          # steps are shown in batches: a fast run must not flood the event loop

class TrainerWindow(QMainWindow):
    run_finished = Signal()          # every policy of a run has reported (or it was stopped)

    def __init__(self, core, *, documents_dir: Path | None = None,
                 ask_time: Callable[[QWidget, float], float | None] | None = None,
                 ask_save_path: Callable[[QWidget, Path], Path | None] | None = None,
                 tick_ms: int = TICK_MS) -> None:
        super().__init__()
        self.core = core
        self.scenarios = load_scenarios()
        self._texts = scenario_texts()
        self._ask_time = ask_time or SetTimeDialog.ask
        self._ask_save_path = ask_save_path or self._ask_save_path_dialog
        if documents_dir is None:
            from platformdirs import user_documents_dir
            documents_dir = Path(user_documents_dir())
        self.documents_dir = Path(documents_dir)
        self.worker: ScenarioWorker | None = None
        self.results: dict[str, Any] = {}         # policy → ScenarioResult of the latest run
        self.failures: dict[str, str] = {}         # policy → message
        self.shown_policy: str | None = None
        self._pending_steps: list[tuple[str, Any]] = []
        self._run_policies: tuple[str, ...] = ()
        self._run_spec = None
        self._closing = False

        self.setWindowTitle(self.tr("qrpay-sim — Attack trainer"))
        self._build()
        self._select_scenario(0)
        self.refresh_status()
        self._tick = QTimer(self)
        self._tick.timeout.connect(self.refresh_status)
        self._tick.start(tick_ms)
        self._flush = QTimer(self)
        self._flush.setInterval(STEP_FLUSH_MS)
        self._flush.timeout.connect(self._flush_steps)
        if not ui_app.apply_window_geometry(self):
            self.resize(1366, 768)

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QWidget()
        outer = QVBoxLayout(root)
        outer.setContentsMargins(12, 8, 12, 10)
        outer.setSpacing(8)

        self.bar = PolicyClockBar(self.core, ask_time=self._ask_time)
        outer.addWidget(self.bar)
        for name in PolicyClockBar.PARTS:   # the window's names for them (tests use these)
            setattr(self, name, getattr(self.bar, name))

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_scenario_list())
        split.addWidget(self._build_run_area())
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([390, 960])
        # Attacks and the defence switches share the space under the bar, one at a time (1366×768
        # has no height to spare for a tab bar: two buttons in the bar's title row switch them)
        self.pages = QStackedWidget()
        self.pages.setObjectName("trainerPages")
        self.pages.addWidget(split)
        self.defence_panel = DefenceSwitchesPanel(self.core)
        self.defence_panel.switch_changed.connect(lambda: self.bar.refresh_status(force_policy=True))
        self.pages.addWidget(self.defence_panel)
        self.page_buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        for key, text, page in (("attacks", "▶ " + self.tr("Attacks"), split),
                                ("defences", self.tr("Defences"), self.defence_panel)):
            b = QPushButton(text)
            b.setCheckable(True)
            b.setObjectName(f"page_{key}")
            b.setStyleSheet(f"QPushButton#page_{key} {{ font-weight: 600; }}"
                            f" QPushButton#page_{key}:checked {{ background: {theme.ACCENT}; color: white; }}")
            b.clicked.connect(lambda _=False, p=page: self.pages.setCurrentWidget(p))
            group.addButton(b)
            self.page_buttons[key] = b
        self.page_buttons["attacks"].setChecked(True)
        self.bar.policy_poller.changed.connect(self._policy_shown)
        self.score_board_button = QPushButton("★ " + self.tr("Score board"))
        self.score_board_button.setObjectName("scoreBoardButton")
        self.score_board_button.setToolTip(self.tr("The challenges trainees solve by hand, with hints"))
        self.score_board_button.clicked.connect(self.open_score_board)
        heads = [self.page_buttons["defences"], self.page_buttons["attacks"]]   # added last-first: Attacks, Defences
        self.classroom: ClassroomWindow | None = None
        self.classroom_button: QPushButton | None = None
        if hasattr(self.core, "world_summary") and getattr(self.core.transport, "admin_token", None):
            # a server's world, with the admin token: every world of the server, for the trainer
            self.classroom_button = QPushButton("▦ " + self.tr("Classroom"))
            self.classroom_button.setObjectName("classroomButton")
            self.classroom_button.setToolTip(self.tr("Every world of the server: progress, alerts, reset"))
            self.classroom_button.clicked.connect(self.open_classroom)
            heads.insert(0, self.classroom_button)
        for b in heads:
            self.bar.add_to_head(b)
        self._scenario_box.layout().addWidget(self.score_board_button)   # under the Tour button
        outer.addWidget(self.pages, 1)
        self.setCentralWidget(root)
        self.score_board: ScoreBoardWindow | None = None

    @Slot(object)
    def _policy_shown(self, policy) -> None:
        self.defence_panel.show_policy(policy)
        off = len(self.defence_panel.off_names())
        self.page_buttons["defences"].setText(self.tr("Defences ({off} off)").format(off=off) if off
                                              else self.tr("Defences"))

    def show_defences(self) -> None:
        self.page_buttons["defences"].click()

    def show_attacks(self) -> None:
        self.page_buttons["attacks"].click()

    def open_classroom(self) -> "ClassroomWindow":
        """The classroom view in a window of its own (server mode only)."""
        if self.classroom is None:
            self.classroom = ClassroomWindow(self.core)
        self.classroom.show()
        self.classroom.raise_()
        self.classroom.activateWindow()
        return self.classroom

    def open_score_board(self) -> "ScoreBoardWindow":
        """The score board in a window of its own (one per trainer; brought to the front again)."""
        if self.score_board is None:
            self.score_board = ScoreBoardWindow(self.core)
        self.score_board.show()
        self.score_board.raise_()
        self.score_board.activateWindow()
        return self.score_board

    def _build_scenario_list(self) -> QWidget:
        box = ScenarioList(self.scenarios, self._texts)
        self.scenario_list = box.list
        self.scenario_list.currentRowChanged.connect(self._select_scenario)
        from ui_common.tour_button import TourButton
        self.tour_button = TourButton(self.core)   # qrpay demo --tour: the 7pay story in the real windows
        box.layout().addWidget(self.tour_button)
        self._scenario_box = box
        return box

    def _build_run_area(self) -> QWidget:
        area = QWidget()
        lay = QVBoxLayout(area)
        lay.setContentsMargins(4, 0, 0, 0)
        lay.setSpacing(6)

        self.run_panel = RunPanel()
        self.run_panel.run_requested.connect(self.run_selected)
        self.run_panel.stop_requested.connect(self.stop_run)
        self.run_panel.outcome_clicked.connect(self.show_result)
        self.run_panel.pace_changed.connect(self._pace_changed)
        self.run_panel.next_requested.connect(self.next_step)
        for name in RunPanel.PARTS:   # the window's names for them (tests and __main__ use these)
            setattr(self, name, getattr(self.run_panel, name))
        lay.addWidget(self.run_panel)

        self.tabs = ResultsTabs()
        for name in ResultsTabs.PARTS:   # the window's names for them (tests and __main__ use these)
            setattr(self, name, getattr(self.tabs, name))
        self.save_button = QPushButton(self.tr("Save incident report…"))
        self.save_button.setProperty("role", "primary")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.ask_save_report)
        self.tabs.setCornerWidget(self.save_button, Qt.Corner.TopRightCorner)
        lay.addWidget(self.tabs, 1)
        return area

    # -- scenario selection -----------------------------------------------------------------
    def scenario_names(self) -> list[str]:
        return list(self.scenarios)

    def select_scenario(self, name: str) -> None:
        self.scenario_list.setCurrentRow(self.scenario_names().index(name))

    @Slot(int)
    def _select_scenario(self, row: int) -> None:
        names = self.scenario_names()
        if not 0 <= row < len(names):
            return
        if self.scenario_list.currentRow() != row:
            self.scenario_list.setCurrentRow(row)
            return
        spec = self.scenarios[names[row]]
        title, _, summary = self._texts.get(spec.name, (spec.title, spec.summary, spec.summary))
        self.run_card.setToolTip(f"{title}: {summary}")
        self.run_panel.show_sizes(spec)

    def selected_spec(self):
        return self.scenarios[self.scenario_names()[max(0, self.scenario_list.currentRow())]]

    def set_size(self, name: str, value: int | float) -> None:
        self.run_panel.set_size(name, value)

    def sizes(self) -> dict[str, Any]:
        return self.run_panel.sizes()

    # -- the policy and the clock (the bar's) ------------------------------------------------
    @Slot()
    def refresh_status(self) -> None:
        self.bar.refresh_status()

    def set_policy(self, name: str) -> None:
        self.bar.set_policy(name)

    def advance_clock(self, seconds: float) -> None:
        self.bar.advance_clock(seconds)

    def apply_skew(self) -> None:
        self.bar.apply_skew()

    def ask_set_time(self) -> None:
        self.bar.ask_set_time()

    def set_time(self, t: float) -> None:
        self.bar.set_time(t)

    def reset_clock(self) -> None:
        self.bar.reset_clock()

    # -- running ------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def run_selected(self, policies: tuple[str, ...]) -> None:
        if self.is_running():
            return
        spec = self.selected_spec()
        sizes = self.sizes()
        try:
            spec.check_sizes(sizes)
        except QrpayError as e:
            self.status_banner.show_state("danger", e.message)
            return
        self._run_spec = spec
        self._run_policies = tuple(policies)
        self.results, self.failures = {}, {}
        self.shown_policy = None
        self._pending_steps.clear()
        self.steps_list.clear()
        for b in self.outcomes.values():
            b.hide()
            b.set_selected(False)
        self.chart.clear(self.tr("The chart fills in while credential stuffing runs.")
                         if spec.name == "credential-stuffing" else
                         self.tr("This scenario has no chart; see the steps."))
        self.tabs.clear_details()
        self.progress.setValue(0)
        self.progress.show()
        title = self._texts.get(spec.name, (spec.title,))[0]
        self.status_banner.show_state("info", self.tr("Running {scenario} under {policies}…").format(
            scenario=title, policies=" + ".join(policy_label(p) for p in policies)))
        self._set_running(True)
        live = self.live_check.isChecked()
        pace, delay = self.run_panel.pace()
        self.worker = ScenarioWorker(spec, self._run_policies, sizes, start_time=self.core.now(),
                                     live_core=self.core if live else None, pace=pace, delay=delay)
        self.worker.step.connect(self._queue_step)
        self.worker.waiting.connect(self._waiting_for_next)
        self.worker.result.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self._on_worker_finished)
        self._flush.start()
        self.worker.start()

    @Slot(str, float)
    def _pace_changed(self, pace: str, delay: float) -> None:
        if self.worker is not None:
            self.worker.set_pace(pace, delay)

    @Slot()
    def next_step(self) -> None:
        """The presenter's "Next step" (one step at a time): the run goes on by one step."""
        if self.worker is not None:
            self.next_button.setEnabled(False)
            self.worker.next_step()

    @Slot(bool)
    def _waiting_for_next(self, waiting: bool) -> None:
        if self._closing:
            return
        if waiting:
            self._flush_steps()      # the step the audience is to look at is on the screen now
        self.next_button.setEnabled(waiting)

    def stop_run(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.stop_button.setEnabled(False)
            self.status_banner.show_state("warning", self.tr("Stopping…"))

    def _set_running(self, running: bool) -> None:
        for b in self.run_buttons.values():
            b.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.scenario_list.setEnabled(not running)
        self.live_check.setEnabled(not running)
        self.run_panel.set_sizes_enabled(not running)
        self.save_button.setEnabled(not running and bool(self.results))

    @Slot(str, object)
    def _queue_step(self, policy: str, step) -> None:
        self._pending_steps.append((policy, step))

    @Slot()
    def _flush_steps(self) -> None:
        if not self._pending_steps or self._closing:
            return
        batch, self._pending_steps = self._pending_steps, []
        live_chart = self._run_spec is not None and self._run_spec.name == "credential-stuffing"
        self.tabs.add_steps(batch, self._run_policies, chart=live_chart, finished=set(self.results))
        for policy, step in batch:
            if step.progress is not None:
                done = self._run_policies.index(policy) if policy in self._run_policies else 0
                share = (done + step.progress) / max(1, len(self._run_policies))
                self.progress.setValue(int(share * 1000))

    @Slot(object)
    def _on_result(self, result) -> None:
        if self._closing:
            return
        self._flush_steps()
        self.results[result.policy] = result
        self._show_outcome(result.policy)
        self.show_result(result.policy)

    @Slot(str, object)
    def _on_failed(self, policy: str, exc: BaseException) -> None:
        if self._closing:
            return
        message = exc.message if isinstance(exc, QrpayError) else f"{type(exc).__name__}: {exc}"
        self.failures[policy] = message
        self._show_outcome(policy)
        if not isinstance(exc, QrpayError):
            sys.excepthook(type(exc), exc, exc.__traceback__)

    @Slot()
    def _on_worker_finished(self) -> None:
        worker = self.worker
        if worker is None:
            return
        self._flush.stop()
        if self._closing:
            return
        self._flush_steps()
        self.progress.hide()
        self.next_button.setEnabled(False)
        self._set_running(False)
        if worker.cancelled:
            self.status_banner.show_state("warning", self.tr("Stopped: the run was cancelled before it finished."))
        else:
            self.status_banner.clear()
        worker.deleteLater()
        self.worker = None
        self.run_finished.emit()

    # -- showing results ----------------------------------------------------------------------
    def outcome_text(self, policy: str) -> str:
        """The big line for one run (also what the tests read)."""
        prefix = policy_label(policy) + ": " if len(self._run_policies) > 1 else ""
        if policy in self.failures:
            return "⚠ " + prefix + self.tr("The run could not finish: {reason}").format(reason=self.failures[policy])
        result = self.results.get(policy)
        if result is None:
            return ""
        if result.outcome.value == "blocked":
            return "✓ " + prefix + self.tr("BLOCKED by {defence}").format(defence=self.defence_text(result))
        text = (self.tr("ATTACK SUCCEEDED — {yen} lost, 1 account taken over") if result.takeovers == 1 else
                self.tr("ATTACK SUCCEEDED — {yen} lost, {n} accounts taken over"))
        return "✕ " + prefix + text.format(yen=format_yen(result.yen_lost), n=f"{result.takeovers:,}")

    def defence_text(self, result) -> str:
        """The core's own words in English; elsewhere the scenario's defence in the UI language."""
        if ui_app.language() != "en" and result.name in _DEFENCES:
            return _tr(_DEFENCES[result.name])
        return result.blocked_by or "?"

    def _show_outcome(self, policy: str) -> None:
        result = self.results.get(policy)
        kind = "warning" if result is None else ("ok" if result.outcome.value == "blocked" else "danger")
        size = theme.TITLE_PT + 4 if len(self._run_policies) == 1 else theme.TITLE_PT - 4   # two lines must fit
        self.outcomes[policy].show_outcome(kind, self.outcome_text(policy), size)
        self.status_banner.clear()

    def show_result(self, policy: str) -> None:
        """Fill the tabs with one run's details (with both policies run, the outcome lines switch)."""
        result = self.results.get(policy)
        several = sum(1 for r in self.outcomes.values() if not r.isHidden()) > 1
        for p, b in self.outcomes.items():
            b.set_selected(several and p == policy)
        if result is None:
            return
        self.shown_policy = policy
        self.save_button.setEnabled(not self.is_running())
        self.tabs.show_result(result)

    # -- the incident report ------------------------------------------------------------------
    def default_report_path(self) -> Path:
        result = self.results.get(self.shown_policy or "")
        stamp = in_jst(result.finished_at if result else self.core.now()).strftime(
            "%Y%m%d-%H%M%S")
        name = f"incident-{result.name}-{result.policy}-{stamp}.html" if result else f"incident-{stamp}.html"
        return self.documents_dir / name

    def _ask_save_path_dialog(self, parent: QWidget, default: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(parent, self.tr("Save incident report"), str(default),
                                              self.tr("HTML report (*.html)"))
        return Path(path) if path else None

    def ask_save_report(self) -> None:
        path = self._ask_save_path(self, self.default_report_path())
        if path is not None:
            self.save_report(path)

    def save_report(self, path: str | Path | None = None) -> Path | None:
        """Write the shown run's incident report (HTML); returns the path, or None if nothing to save."""
        result = self.results.get(self.shown_policy or "")
        if result is None:
            return None
        from shared.attacks.report import write_html

        target = Path(path) if path is not None else self.default_report_path()
        if target.suffix.lower() not in (".html", ".htm"):
            target = target.with_suffix(".html")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_html(result, target)
        except OSError as e:
            self.status_banner.show_state("danger", self.tr("The report could not be saved: {reason}").format(
                reason=e.strerror or str(e)))
            return None
        self.status_banner.show_state("info", self.tr("Report saved: {path}").format(path=str(target)))
        return target

    # -- closing ------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """A run in progress is cancelled at its next step and waited for: no thread outlives the window."""
        self._closing = True
        self._tick.stop()
        if self.score_board is not None:
            self.score_board.close()
        if self.classroom is not None:
            self.classroom.close()
        self._flush.stop()
        worker = self.worker
        if worker is not None:
            worker.cancel()
            worker.wait()
            self.worker = None
