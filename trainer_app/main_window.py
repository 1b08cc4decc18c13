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
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QButtonGroup, QCheckBox, QFileDialog, QFrame,
                               QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMainWindow, QProgressBar, QPushButton, QSizePolicy, QSpinBox, QSplitter, QTableWidget,
                               QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from shared.attacks.base import Actor, TimelinePoint
from trainer_app.chart import TrainerChart, format_elapsed
from ui_common.flow_layout import FlowLayout
from shared.clock import FixedClock
from shared.errors import InputError, QrpayError
from ui_common import app as ui_app
from ui_common import theme
from ui_common.widgets import Banner, PolicyBadge
from trainer_app.policy_clock_bar import JST, SetTimeDialog, jst_short, jst_text, offset_text, parse_skew
from trainer_app.results_tabs import _details_text, _fill, _table, _yen
from trainer_app.run_panel import OutcomeLine, ScenarioWorker
from trainer_app.scenario_list import ScenarioDelegate, load_scenarios
from trainer_app.texts import _DEFENCES, _tr, policy_label, scenario_texts, size_label

log = logging.getLogger(__name__)

TICK_MS = 1000
STEP_FLUSH_MS = 80          # steps are shown in batches: a fast run must not flood the event loop
MAX_STEPS_SHOWN = 3000      # the list keeps the newest; the report has them all
HIDDEN_SIZES = ("seed", "rate", "sources", "give_up")   # tuning knobs for the CLI; not what an audience needs
POLICIES = ("hardened", "2019")

# -- the window --------------------------------------------------------------------------------

_translator_lock = threading.Lock()
_translated_apps: set[int] = set()


def install_trainer_translator(app: QApplication | None = None) -> None:
    """Load trainer_<lang>.qm once per application (the POS may open the window from its menu)."""
    app = app or QApplication.instance()
    if app is None:
        return
    with _translator_lock:
        if id(app) in _translated_apps:
            return
        _translated_apps.add(id(app))
        lang = ui_app.language()
        if lang != "en":
            ui_app.install_translator(app, "trainer", lang)


class TrainerWindow(QMainWindow):
    run_finished = Signal()          # every policy of a run has reported (or it was stopped)

    def __init__(self, core, *, documents_dir: Path | None = None,
                 ask_time: Callable[[QWidget, float], float | None] | None = None,
                 ask_save_path: Callable[[QWidget, Path], Path | None] | None = None,
                 tick_ms: int = TICK_MS) -> None:
        install_trainer_translator()
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
        self._size_widgets: dict[str, QSpinBox] = {}
        self._last_policy: str | None = None

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

        # Row 1: title, badge, policy switch
        head = QHBoxLayout()
        head.setSpacing(12)
        title = QLabel(self.tr("Attack trainer"))
        title.setProperty("role", "title")
        head.addWidget(title)
        self.badge = PolicyBadge()
        head.addWidget(self.badge)
        switch = QWidget()    # wraps under the title in kiosk type instead of cutting its words
        switch_flow = FlowLayout(switch, spacing=12, align_right=True)
        head.addWidget(switch, 1)
        switch_flow.addWidget(QLabel(self.tr("Policy:")))
        self.policy_buttons: dict[str, QPushButton] = {}
        self.policy_group = QButtonGroup(self)
        self.policy_group.setExclusive(True)
        for name, text in (("hardened", "✓ " + self.tr("Hardened")), ("2019", "⚠ " + self.tr("2019 (insecure)"))):
            b = QPushButton(text)
            b.setCheckable(True)
            colour = theme.OK if name == "hardened" else theme.DANGER
            b.setObjectName(f"policy_{name}")
            b.setStyleSheet(f"QPushButton#policy_{name} {{ color: {colour}; border: 2px solid {colour}; font-weight: 700; }}"
                            f"QPushButton#policy_{name}:checked {{ background: {colour}; color: white; }}")
            b.clicked.connect(lambda _=False, n=name: self.set_policy(n))
            self.policy_group.addButton(b)
            self.policy_buttons[name] = b
            switch_flow.addWidget(b)
        outer.addLayout(head)

        # Row 2: the shared simulated clock
        clock = QFrame()
        clock.setProperty("role", "card")
        clock.setStyleSheet("QPushButton { padding: 6px 10px; }")
        cl = QHBoxLayout(clock)
        cl.setContentsMargins(12, 4, 12, 4)
        cl.setSpacing(8)
        # "Simulated time" over the offset, small, beside the big time: the row must fit 1366 px.
        self.offset_label = QLabel()
        self.offset_label.setProperty("role", "muted")
        self.offset_label.setStyleSheet(f"font-size: {theme.BODY_PT - 3}pt;")
        cl.addWidget(self.offset_label)
        self.time_label = QLabel()
        self.time_label.setObjectName("trainerTime")
        self.time_label.setStyleSheet(f"font-size: {theme.TITLE_PT}pt; font-weight: 700;")
        self.time_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        cl.addWidget(self.time_label)
        cl.addStretch(1)
        self.advance_buttons: dict[int, QPushButton] = {}
        for seconds, text in ((30, self.tr("+30 s")), (60, self.tr("+1 min")), (600, self.tr("+10 min"))):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, s=seconds: self.advance_clock(s))
            self.advance_buttons[seconds] = b
            cl.addWidget(b)
        cl.addSpacing(8)
        cl.addWidget(QLabel(self.tr("Skew")))
        self.skew_edit = QLineEdit()
        self.skew_edit.setPlaceholderText(self.tr("+5m"))
        self.skew_edit.setToolTip(self.tr("How far the simulated clock runs from real time: +90s, -5m, +2h, +1d"))
        self.skew_edit.setFixedWidth(100)
        self.skew_edit.returnPressed.connect(self.apply_skew)
        cl.addWidget(self.skew_edit)
        self.skew_button = QPushButton(self.tr("Apply"))
        self.skew_button.clicked.connect(self.apply_skew)
        cl.addWidget(self.skew_button)
        self.set_time_button = QPushButton(self.tr("Set…"))
        self.set_time_button.clicked.connect(self.ask_set_time)
        cl.addWidget(self.set_time_button)
        self.reset_clock_button = QPushButton(self.tr("Reset"))
        self.reset_clock_button.clicked.connect(self.reset_clock)
        cl.addWidget(self.reset_clock_button)
        outer.addWidget(clock)
        self.clock_message = Banner()
        outer.addWidget(self.clock_message)

        # The loud banner while 2019 is active
        self.insecure_banner = QLabel("⚠  " + self.tr("2019 settings — insecure, for training") + "  ⚠")
        self.insecure_banner.setObjectName("insecureBanner")
        self.insecure_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.insecure_banner.setWordWrap(True)
        self.insecure_banner.setStyleSheet(
            "QLabel#insecureBanner { color: white; font-weight: 800; font-size: %dpt; padding: 3px 14px;"
            " border-radius: 8px; border: 2px solid %s;"
            " background: qlineargradient(spread:repeat, x1:0, y1:0, x2:0.04, y2:0.12,"
            " stop:0 %s, stop:0.5 %s, stop:0.5001 %s, stop:1 %s); }"
            % (theme.TITLE_PT - 2, theme.TEXT, theme.DANGER, theme.DANGER, theme.WARNING, theme.WARNING))
        self.insecure_banner.hide()
        outer.addWidget(self.insecure_banner)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_scenario_list())
        split.addWidget(self._build_run_area())
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([390, 960])
        outer.addWidget(split, 1)
        self.setCentralWidget(root)

    def _build_scenario_list(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        head = QLabel(self.tr("Scenarios"))
        head.setStyleSheet("font-weight: 700;")
        lay.addWidget(head)
        self.scenario_list = QListWidget()
        self.scenario_list.setItemDelegate(ScenarioDelegate(self.scenario_list))
        self.scenario_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scenario_list.setMinimumWidth(300)
        for i, (name, spec) in enumerate(self.scenarios.items(), start=1):
            title, summary, _ = self._texts.get(name, (spec.title, spec.summary, spec.summary))
            item = QListWidgetItem(f"{i}. {title}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setData(Qt.ItemDataRole.UserRole + 1, summary)
            item.setToolTip(summary)
            self.scenario_list.addItem(item)
        self.scenario_list.currentRowChanged.connect(self._select_scenario)
        lay.addWidget(self.scenario_list, 1)
        return box

    def _build_run_area(self) -> QWidget:
        area = QWidget()
        lay = QVBoxLayout(area)
        lay.setContentsMargins(4, 0, 0, 0)
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
            b.clicked.connect(lambda _=False, k=key: self.run_selected(POLICIES if k == "both" else (k,)))
            self.run_buttons[key] = b
            buttons.addWidget(b)
        self.stop_button = QPushButton("■ " + self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_run)
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
            b.clicked.connect(lambda p=policy: self.show_result(p))
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

        self.tabs = QTabWidget()
        self.tabs.setObjectName("trainerTabs")
        self.tabs.setStyleSheet("QTabBar::tab { min-height: 46px; padding: 0px 16px; }")
        # steps
        self.steps_list = QListWidget()
        self.steps_list.setWordWrap(True)
        self.steps_list.setUniformItemSizes(False)
        self.steps_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.tabs.addTab(self.steps_list, self.tr("Steps"))
        # chart
        self.chart = TrainerChart()
        self.chart.clear(self.tr("The chart of attempts, blocked and taken-over accounts fills in while "
                                 "credential stuffing runs."))
        self.tabs.addTab(self.chart, self.tr("Chart"))
        # alerts, then the whole audit log of the run: each gets the tab's full height
        cols = [self.tr("Time (JST)"), self.tr("Severity"), self.tr("Event"), self.tr("Customer"), self.tr("Details")]
        self.alerts_table = _table(cols)
        self.alerts_tab = self.tabs.addTab(self.alerts_table, self.tr("Alerts"))
        audit = QWidget()
        al = QVBoxLayout(audit)
        al.setContentsMargins(0, 6, 0, 0)
        al.setSpacing(4)
        self.audit_summary = QLabel()
        self.audit_summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.audit_summary.setProperty("role", "muted")
        al.addWidget(self.audit_summary)
        self.audit_table = _table(cols)
        al.addWidget(self.audit_table, 1)
        audit.setMinimumHeight(110)
        self.tabs.addTab(audit, self.tr("Audit log"))
        # what the victim saw: balances | the messages that arrived, over the one picked
        victim = QSplitter(Qt.Orientation.Horizontal)
        victim.setChildrenCollapsible(False)
        bal = QWidget()
        bl = QVBoxLayout(bal)
        bl.setContentsMargins(0, 6, 0, 0)
        self.balances_label = QLabel(self.tr("Balances"))
        self.balances_label.setStyleSheet("font-weight: 700;")
        bl.addWidget(self.balances_label)
        self.balances_table = _table([self.tr("Customer"), self.tr("Before → after"), self.tr("Change")])
        self.balances_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bh = self.balances_table.horizontalHeader()
        bh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        bh.setStretchLastSection(False)
        self.balances_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        bl.addWidget(self.balances_table)
        mail = QWidget()
        ml = QVBoxLayout(mail)
        ml.setContentsMargins(0, 6, 0, 0)
        self.mail_label = QLabel(self.tr("Mailbox"))
        self.mail_label.setStyleSheet("font-weight: 700;")
        ml.addWidget(self.mail_label)
        self.mail_table = _table([self.tr("Subject"), self.tr("Time (JST)")])
        mh = self.mail_table.horizontalHeader()
        mh.setStretchLastSection(False)
        mh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.mail_table.itemSelectionChanged.connect(self._show_mail_body)
        ml.addWidget(self.mail_table)
        self.mail_body = QTextBrowser()
        mails = QSplitter(Qt.Orientation.Vertical)
        mails.setChildrenCollapsible(False)
        mails.addWidget(mail)
        mails.addWidget(self.mail_body)
        victim.addWidget(bal)
        victim.addWidget(mails)
        victim.setSizes([480, 460])
        victim.setMinimumHeight(110)
        self.tabs.addTab(victim, self.tr("What the victim saw"))

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
        while self.sizes_grid.count():
            w = self.sizes_grid.takeAt(0).widget()
            if w is not None:
                w.hide()  # gone now: a deleted-later widget would still be painted and measured
                w.deleteLater()
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

    def selected_spec(self):
        return self.scenarios[self.scenario_names()[max(0, self.scenario_list.currentRow())]]

    def set_size(self, name: str, value: int | float) -> None:
        w = self._size_widgets[name]
        w.setValue(round(value * 100) if w.property("percent") else int(value))

    def sizes(self) -> dict[str, Any]:
        """The sizes shown, as the scenario takes them (a share in % becomes a fraction)."""
        return {name: (w.value() / 100 if w.property("percent") else int(w.value()))
                for name, w in self._size_widgets.items()}

    # -- policy and clock ---------------------------------------------------------------------
    @Slot()
    def refresh_status(self) -> None:
        """The timer only repaints: the simulated time and the policy come from the database."""
        try:
            now = self.core.now()
            offset = self.core.clock_offset()
            policy = self.core.policy.name
        except QrpayError as e:
            self.clock_message.show_state("danger", e.message)
            return
        self.time_label.setText(jst_text(now))
        self.offset_label.setText(self.tr("Simulated time") + "\n" + (
            self.tr("real time {offset}").format(offset=offset_text(offset))
            if not isinstance(self.core.clock, FixedClock) else self.tr("fixed clock")))
        if policy != self._last_policy:
            self._show_policy(policy)

    def _show_policy(self, name: str) -> None:
        self._last_policy = name
        self.badge.set_policy(name)
        self.insecure_banner.setVisible(name == "2019")
        for n, b in self.policy_buttons.items():
            b.setChecked(n == name)

    def set_policy(self, name: str) -> None:
        try:
            self.core.set_policy(name, actor="trainer")
        except QrpayError as e:
            self.clock_message.show_state("danger", e.message)
        self._last_policy = None
        self.refresh_status()

    def advance_clock(self, seconds: float) -> None:
        self._clock_change(lambda: self.core.advance_clock(seconds, actor="trainer"))

    def apply_skew(self) -> None:
        try:
            seconds = parse_skew(self.skew_edit.text())
        except InputError as e:
            self.clock_message.show_state("danger", e.message)
            return
        self._clock_change(lambda: self.core.set_clock_offset(seconds, actor="trainer"))

    def ask_set_time(self) -> None:
        t = self._ask_time(self, self.core.now())
        if t is not None:
            self.set_time(t)

    def set_time(self, t: float) -> None:
        if isinstance(self.core.clock, FixedClock):
            self._clock_change(lambda: self.core.clock.set(t))
        else:
            self._clock_change(lambda: self.core.set_simulated_time(t, actor="trainer"))

    def reset_clock(self) -> None:
        self._clock_change(lambda: self.core.set_clock_offset(0.0, actor="trainer"))

    def _clock_change(self, change: Callable[[], None]) -> None:
        try:
            change()
        except QrpayError as e:
            self.clock_message.show_state("danger", e.message)
            return
        self.clock_message.clear()
        self.refresh_status()

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
        self._clear_details()
        self.progress.setValue(0)
        self.progress.show()
        title = self._texts.get(spec.name, (spec.title,))[0]
        self.status_banner.show_state("info", self.tr("Running {scenario} under {policies}…").format(
            scenario=title, policies=" + ".join(policy_label(p) for p in policies)))
        self._set_running(True)
        live = self.live_check.isChecked()
        self.worker = ScenarioWorker(spec, self._run_policies, sizes, start_time=self.core.now(),
                                     live_core=self.core if live else None)
        self.worker.step.connect(self._queue_step)
        self.worker.result.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self._on_worker_finished)
        self._flush.start()
        self.worker.start()

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
        for w in self._size_widgets.values():
            w.setEnabled(not running)
        self.save_button.setEnabled(not running and bool(self.results))

    @Slot(str, object)
    def _queue_step(self, policy: str, step) -> None:
        self._pending_steps.append((policy, step))

    @Slot()
    def _flush_steps(self) -> None:
        if not self._pending_steps or self._closing:
            return
        batch, self._pending_steps = self._pending_steps, []
        at_end = self.steps_list.verticalScrollBar().value() >= self.steps_list.verticalScrollBar().maximum() - 4
        for policy, step in batch:
            if step.action == "start" and len(self._run_policies) > 1:
                head = QListWidgetItem("— " + self.tr("under {policy}").format(policy=policy_label(policy)) + " —")
                f = head.font()
                f.setBold(True)
                head.setFont(f)
                self.steps_list.addItem(head)
            self.steps_list.addItem(self._step_item(step))
            if step.progress is not None:
                done = self._run_policies.index(policy) if policy in self._run_policies else 0
                share = (done + step.progress) / max(1, len(self._run_policies))
                self.progress.setValue(int(share * 1000))
            if self._run_spec is not None and self._run_spec.name == "credential-stuffing":
                self._chart_from_step(policy, step)
        overflow = self.steps_list.count() - MAX_STEPS_SHOWN
        for _ in range(max(0, overflow)):
            self.steps_list.takeItem(0)
        if at_end:
            self.steps_list.scrollToBottom()

    def _step_item(self, step) -> QListWidgetItem:
        mark = {True: "✕", False: "✓", None: "•"}[step.attacker_gain]
        actor = {Actor.ATTACKER: self.tr("Attacker"), Actor.VICTIM: self.tr("Victim"), Actor.TILL: self.tr("Till"),
                 Actor.SYSTEM: self.tr("System")}[step.actor]
        text = f"{mark}  +{format_elapsed(step.elapsed)}  {actor}: {step.result}"
        if step.detail:
            text += f"  —  {step.detail}"
        item = QListWidgetItem(text)
        if step.attacker_gain is not None:
            item.setForeground(QColor(theme.DANGER if step.attacker_gain else theme.OK))
        return item

    def _chart_from_step(self, policy: str, step) -> None:
        # Only the policy currently running is drawn live; the finished run's own timeline replaces it.
        if policy in self.results:
            return
        if step.action == "start":
            self.chart.clear(self.tr("Registering customers…"))
            self.chart.add_point(TimelinePoint(0.0, 0, 0, 0))
            return
        if step.point is not None:    # the core's typed counts (credential stuffing's progress steps)
            self.chart.add_point(step.point)

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
        return "✕ " + prefix + text.format(yen=_yen(result.yen_lost), n=f"{result.takeovers:,}")

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
        if result.timeline:
            self.chart.set_points(result.timeline)
        elif result.name == "credential-stuffing":
            self.chart.clear(self.tr("No attempts were made."))
        shown = len(result.audit)
        self.audit_summary.setText(
            self.tr("The run wrote {n} audit rows (the newest {shown} are listed). Ledger invariants: "
                    "{ledger}.").format(n=f"{result.audit_total:,}", shown=f"{shown:,}",
                ledger=self.tr("✓ hold") if result.ledger_ok else self.tr("✕ broken: {p}").format(
                    p="; ".join(result.check_problems[:3])))
            + "  " + " · ".join(f"{event} ×{count:,}" for event, count in result.audit_counts[:8]))
        self.audit_summary.setToolTip(self.audit_summary.text())
        self.tabs.setTabText(self.alerts_tab, self.tr("Alerts ({n})").format(n=f"{len(result.alerts):,}"))
        self._fill_audit(self.alerts_table, result.alerts)
        self._fill_audit(self.audit_table, result.audit)
        balances = result.victim.balances
        _fill(self.balances_table,
              [[b.email, f"{_yen(b.before)} → {_yen(b.after)}",
                ("+" if b.after > b.before else "") + _yen(b.after - b.before)] for b in balances],
              colours=[theme.DANGER if b.after < b.before else None for b in balances])
        self.balances_label.setText(self.tr("Balances ({n} watched)").format(n=len(balances)))
        messages = result.victim.messages
        self.mail_label.setText(self.tr("Mailbox: {n} messages arrived").format(n=f"{result.victim.messages_total:,}"))
        _fill(self.mail_table, [[m.subject, jst_short(m.sent_at)] for m in messages])
        self.mail_body.clear()
        if messages:
            self.mail_table.selectRow(0)

    def _fill_audit(self, table: QTableWidget, rows) -> None:
        colours = {"alert": theme.DANGER, "warning": theme.WARNING}
        _fill(table, [[jst_short(r.at), r.severity, r.event, "" if r.customer_id is None else str(r.customer_id),
                       _details_text(r.details)] for r in rows],
              colours=[colours.get(r.severity) for r in rows])

    def _clear_details(self) -> None:
        for t in (self.alerts_table, self.audit_table, self.balances_table, self.mail_table):
            t.setRowCount(0)
        self.mail_body.clear()
        self.audit_summary.setText(self.tr("The audit rows and alerts of the run appear here when it finishes."))
        self.tabs.setTabText(self.alerts_tab, self.tr("Alerts"))
        self.balances_label.setText(self.tr("Balances"))
        self.mail_label.setText(self.tr("Mailbox"))

    @Slot()
    def _show_mail_body(self) -> None:
        result = self.results.get(self.shown_policy or "")
        rows = self.mail_table.selectionModel().selectedRows() if self.mail_table.selectionModel() else []
        if result is None or not rows:
            return
        m = result.victim.messages[rows[0].row()]
        to = self.tr("To")   # outside the f-string: lupdate does not read calls inside one
        self.mail_body.setPlainText(f"{m.subject}\n{to}: {m.to} · {jst_text(m.sent_at)}\n\n{m.body}")

    # -- the incident report ------------------------------------------------------------------
    def default_report_path(self) -> Path:
        result = self.results.get(self.shown_policy or "")
        stamp = datetime.fromtimestamp(result.finished_at if result else self.core.now(), tz=JST).strftime(
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
        """A run in progress is cancelled at its next step and waited for: no thread outlives the window."""
        self._closing = True
        self._tick.stop()
        self._flush.stop()
        worker = self.worker
        if worker is not None:
            worker.cancel()
            worker.wait()
            self.worker = None
        super().closeEvent(event)
