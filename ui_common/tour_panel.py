"""The presenter's narration panel (`qrpay demo --tour`, the trainer's Tour button): the 7pay
timeline one page at a time, each attack run live against the demo database the till and the
wallet show.

    panel = TourPanel(core, channel)      # channel: ui_common.tour_link (files, or drivers in-process)
    panel.next_page()                     # Back / Replay step / Next are the presenter's buttons

A live page (shared/tour.py: a step with a scenario, once under 2019 and once hardened):
1. the page's policy is set for the whole database (both windows' badges follow) and a fresh
   victim is registered (a new one every run: every page can be replayed);
2. the wallet signs the victim in through its own sign-in screen, the till shows the clerk's till;
3. the scenario runs on the demo database with the victim standing in for its victim, at a human
   pace: the attacker's steps (off-screen in real life) appear here, Actor-coloured, while the
   wallet follows the database (balance, history);
4. the outcome line says what happened, the wallet shows what the victim saw (Home, History, the
   mailbox) and the till its Alerts tab (empty of new alerts under 2019: 7pay had no monitoring).
Each page is told in two beats, as slides build, so the narrow column (266 px at 1366×768) never
needs scrolling (tests/test_tour.py checks): first the day's story (the victim meanwhile signed in
on the wallet; a hardened page, whose day was told on the page before, says what the defence does);
the presenter's Next (or a clicker's Page Down) then runs the attack, and the story gives way to
what the run shows over the attacker's steps and the outcome. A page told only shows its second
text (and, on the last page, the sources) on that Next. The next Next goes on; Replay runs the
page again at once. Navigation waits for a run to finish.

`python -m ui_common.tour_panel --db PATH [--lang ja|en]` is what the demo launcher starts.

Over 500 lines on purpose: one window's state machine (pages, beats, a run's generation guard, the
orders the till and the wallet follow) reads best in one place; its words live in tour_steps.py,
the trainer's button that opens it in tour_button.py.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QPushButton,
                               QScrollArea, QSizePolicy, QVBoxLayout, QWidget)

from shared import tour
from shared.attacks.base import Actor, Outcome, Step
from shared.errors import QrpayError
from shared.money import format_yen
from ui_common import theme
from ui_common.app import language
from ui_common.tasks import run_in_background
from ui_common.tour_button import BUTTON_WORDS
from ui_common.tour_link import BUSY, DONE, TILL, WALLET
from ui_common.tour_steps import SOURCE, actor_name, date_text, step_text, tr_tour, words
from ui_common.widgets import Banner

log = logging.getLogger(__name__)

PACE_MS = 900           # between two of the attacker's steps: the audience follows each one
DWELL_MS = 3500         # each screen of what the victim saw
WAIT_MS = 45_000        # a window that does not answer an order by then is left as it is
POLL_MS = 200
ACTOR_COLOURS = {Actor.ATTACKER: theme.DANGER, Actor.VICTIM: theme.ACCENT, Actor.TILL: theme.WARNING,
                 Actor.SYSTEM: theme.MUTED}
QUIET_ACTIONS = {"setup"}          # set-up bookkeeping: not shown
ONCE_ACTIONS = {"progress"}        # the bot's progress: one line, a short pause

# the panel's own words (lupdate reads the marks; tr_tour translates)
WINDOW_TITLE = QT_TRANSLATE_NOOP("Tour", "7pay, step by step")
STEPS_NAME = QT_TRANSLATE_NOOP("Tour", "The attack, step by step")
REPLAY = QT_TRANSLATE_NOOP("Tour", "Replay step")
BACK = QT_TRANSLATE_NOOP("Tour", "Back")
NEXT = QT_TRANSLATE_NOOP("Tour", "Next")
RUN = QT_TRANSLATE_NOOP("Tour", "Run the attack")
COUNT = QT_TRANSLATE_NOOP("Tour", "{n} of {total}")
UNDER_2019 = QT_TRANSLATE_NOOP("Tour", "2019 settings (insecure)")
UNDER_HARDENED = QT_TRANSLATE_NOOP("Tour", "Hardened settings")
PREPARING = QT_TRANSLATE_NOOP("Tour", "Setting up the victim's wallet…")
SIGNING_IN = QT_TRANSLATE_NOOP("Tour", "The victim signs in on her phone…")
RUNNING = QT_TRANSLATE_NOOP("Tour", "The attack is running…")
SUCCEEDED = QT_TRANSLATE_NOOP("Tour", "Attack succeeded: {amount} spent by the attacker. Alerts: {alerts}.")
STOPPED = QT_TRANSLATE_NOOP("Tour", "Attack stopped: {amount} lost. Alerts: {alerts}.")
FAILED = QT_TRANSLATE_NOOP("Tour", "This step could not run: {error}")
NOT_FOLLOWED = QT_TRANSLATE_NOOP("Tour", "A window did not follow the tour: {problems}")
PANEL_WORDS = (WINDOW_TITLE, STEPS_NAME, REPLAY, BACK, NEXT, RUN, COUNT, UNDER_2019, UNDER_HARDENED, PREPARING, SIGNING_IN,
               RUNNING, SUCCEEDED, STOPPED, FAILED, NOT_FOLLOWED) + BUTTON_WORDS
# a presentation clicker sends Page Down / Page Up (some send the arrow keys)
NEXT_KEYS = (Qt.Key.Key_PageDown, Qt.Key.Key_Right)
BACK_KEYS = (Qt.Key.Key_PageUp, Qt.Key.Key_Left)


STORY_BEAT, CUE_BEAT, RUN_BEAT, TOLD_BEAT = "story", "cue", "run", "told"


def page_beats(page: tour.TourPage, has_more: bool) -> tuple[str, ...]:
    """A 2019 page: its day's story, the cue (what the run shows), the run. A hardened page: the cue
    (its day was told on the page before), the run. A page told only: its story, then the rest."""
    if page.policy == tour.POLICY_2019:
        return STORY_BEAT, CUE_BEAT, RUN_BEAT
    if page.policy is not None:
        return CUE_BEAT, RUN_BEAT
    return (STORY_BEAT, TOLD_BEAT) if has_more else (STORY_BEAT,)


class _Cancelled(QrpayError):
    """Raised from the step callback: the presenter closed the panel mid-run."""

    code = "tour_cancelled"


class TourStepFailed(QrpayError):
    """Something other than a refusal went wrong in a page's run (the details are in the log)."""

    code = "tour_step_failed"


def _guarded(fn: Callable[[], Any]) -> Callable[[], Any]:
    """`fn` whose unexpected errors come back as TourStepFailed, so the panel never stays busy."""
    def call():
        try:
            return fn()
        except QrpayError:
            raise
        except Exception as e:
            log.exception("tour: a page's run failed")
            raise TourStepFailed(f"{type(e).__name__}: {e}") from e
    return call


class _StepRelay(QObject):
    step = Signal(object)


class _NarrationScroll(QScrollArea):
    """The narration's scroll area asks for the whole text's height at its width (a plain scroll
    area asks for little, and shared the panel evenly with the steps list: the story scrolled in a
    small box while the list had room to spare). The steps list takes what is left."""

    MIN_HEIGHT = 160

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        hint = super().sizeHint()
        w = self.widget()
        if w is None:
            return hint
        width = max(1, self.viewport().width())
        need = w.heightForWidth(width) if w.hasHeightForWidth() else w.sizeHint().height()
        return QSize(hint.width(), max(self.MIN_HEIGHT, need + 2 * self.frameWidth()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().minimumSizeHint().width(), self.MIN_HEIGHT)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()     # the text re-wraps at the new width: a new height to ask for


class TourPanel(QMainWindow):
    page_shown = Signal(int)
    page_ready = Signal(int)           # a live page's story is shown, its victim signed in: Next runs it
    page_finished = Signal(int)        # the page's run (if any) is over and the windows were told

    def __init__(self, core, channel, *, pace_ms: int = PACE_MS, dwell_ms: int = DWELL_MS,
                 wait_ms: int = WAIT_MS) -> None:
        super().__init__()
        self.core = core
        self.channel = channel
        self.pace_ms, self.dwell_ms, self.wait_ms = pace_ms, dwell_ms, wait_ms
        self.pages = tour.pages()
        self.index = -1
        self.busy = False
        self.beats: tuple[str, ...] = ()   # the page's beats (STORY, CUE, RUN / STORY, TOLD); Next goes through them
        self.beat = 0
        self.victim: tour.Victim | None = None
        self.result = None
        self.failure: str | None = None
        self._generation = 0
        self._closing = False
        self._relay = _StepRelay()
        self._relay.step.connect(self._add_step)
        self.setWindowTitle(tr_tour(WINDOW_TITLE))
        self._build()
        self.go_to(0)

    # -- layout ------------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QWidget()
        lay = QVBoxLayout(root)
        lay.setContentsMargins(10, 8, 10, 10)
        lay.setSpacing(6)
        top = QHBoxLayout()
        self.date_label = QLabel()
        self.date_label.setProperty("role", "muted")
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.date_label, 1)
        top.addWidget(self.count_label)
        lay.addLayout(top)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet(f"font-size: {theme.BODY_PT + 1}pt; font-weight: 700;")
        lay.addWidget(self.title_label)
        self.policy_line = Banner()      # the policy the page runs under: a word and a colour, one line
        lay.addWidget(self.policy_line)

        text = QWidget()
        tl = QVBoxLayout(text)
        tl.setContentsMargins(0, 0, 4, 0)
        tl.setSpacing(6)
        self.narration = QLabel()
        self.narration.setWordWrap(True)
        self.narration.setTextFormat(Qt.TextFormat.PlainText)
        self.now_label = QLabel()          # what this page's run shows (or why it is told only)
        self.now_label.setWordWrap(True)
        self.now_label.setStyleSheet("font-weight: 600;")
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.source_label.setProperty("role", "muted")
        for w in (self.narration, self.now_label, self.source_label):
            w.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            tl.addWidget(w)
        tl.addStretch(1)
        self.scroll = _NarrationScroll()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(text)
        lay.addWidget(self.scroll, 3)

        self.steps_list = QListWidget()
        self.steps_list.setWordWrap(True)
        self.steps_list.setAccessibleName(tr_tour(STEPS_NAME))
        self.steps_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps_list.setMinimumHeight(96)
        lay.addWidget(self.steps_list, 1)
        self.outcome = Banner()
        self.outcome.setWordWrap(True)
        lay.addWidget(self.outcome)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setProperty("role", "muted")
        lay.addWidget(self.status)

        # Next (or "Run the attack") the whole width, under it Back and Replay (a symbol: its name in
        # the tooltip; the column is too narrow for both words)
        nav = QHBoxLayout()
        nav.setSpacing(8)
        self.back_button = QPushButton("◀ " + tr_tour(BACK))
        self.back_button.clicked.connect(self.back)
        self.replay_button = QPushButton("↻")
        self.replay_button.setToolTip(tr_tour(REPLAY))
        self.replay_button.setAccessibleName(tr_tour(REPLAY))
        self.replay_button.setMinimumWidth(48)
        self.replay_button.clicked.connect(self.replay)
        self.next_button = QPushButton()
        self.next_button.setProperty("role", "primary")
        self.next_button.clicked.connect(self.next_page)
        lay.addWidget(self.next_button)
        nav.addWidget(self.back_button, 1)
        nav.addWidget(self.replay_button, 0)
        lay.addLayout(nav)
        self.setCentralWidget(root)
        for keys, slot in ((NEXT_KEYS, self.next_page), (BACK_KEYS, self.back)):
            for key in keys:
                QShortcut(QKeySequence(key), self, activated=slot)

    # -- navigation ---------------------------------------------------------------------------------
    @property
    def page(self) -> tour.TourPage:
        return self.pages[self.index]

    @Slot()
    def next_page(self) -> None:
        """Next: run the page's attack if its story is showing, else go on to the next page."""
        if self.busy:
            return
        if self.awaiting_run:
            if self.beats[self.beat + 1] == RUN_BEAT:
                self.run_attack()
                return
            self.beat += 1
            self._show_beat()
            self._set_busy(False)
        elif self.told_more:
            self.beat += 1
            self._show_beat()
            self._set_busy(False)
        elif self.index < len(self.pages) - 1:
            self.go_to(self.index + 1)

    @Slot()
    def back(self) -> None:
        if not self.busy and self.index > 0:
            self.go_to(self.index - 1)

    @Slot()
    def replay(self) -> None:
        """The page again with a fresh victim; a live page runs its attack straight away."""
        if not self.busy:
            self.go_to(self.index, run=True)

    def go_to(self, index: int, *, run: bool = False) -> None:
        if self.busy or not 0 <= index < len(self.pages):
            return
        self.index = index
        self._generation += 1
        self.result, self.failure, self.victim = None, None, None
        page = self.page
        w = words(page.step.key)
        self.date_label.setText(date_text(page.step.date, language()))
        self.count_label.setText(tr_tour(COUNT).format(n=index + 1, total=len(self.pages)))
        self.title_label.setText(w.title)
        policy = tour.page_policy(page)
        if policy == tour.POLICY_2019:
            self.policy_line.show_state("warning", tr_tour(UNDER_2019))
        elif policy == tour.POLICY_HARDENED:
            self.policy_line.show_state("ok", tr_tour(UNDER_HARDENED))
        else:
            self.policy_line.clear()
        # the banner's colours and words, in less padding: the column is narrow
        self.policy_line.setStyleSheet(self.policy_line.styleSheet() + " padding: 5px 8px;")
        self.narration.setText(w.narration)
        if page.policy == tour.POLICY_2019:
            now = w.under_2019
        elif page.policy == tour.POLICY_HARDENED:
            now = w.under_hardened
        else:
            now = w.told_only
        self.now_label.setText(now)
        self.source_label.setText(tr_tour(SOURCE))
        self.date_label.setToolTip(tr_tour(SOURCE))
        self.steps_list.clear()
        self._shown_once: set[str] = set()
        self.beats = page_beats(page, bool(now))
        self.beat = len(self.beats) - 1 if run and page.policy is not None else 0
        self._show_beat()
        self.outcome.clear()
        self.back_button.setEnabled(False)
        self.next_button.setEnabled(False)
        self.replay_button.setEnabled(False)
        self._label_next()
        self.page_shown.emit(index)
        self._start(page)

    @property
    def awaiting_run(self) -> bool:
        """A live page before its run: Next shows the next beat or runs the attack."""
        return self.page.policy is not None and self.beat < len(self.beats) - 1

    @property
    def told_more(self) -> bool:
        """A page told only whose second text is still to come."""
        return self.page.policy is None and self.beat < len(self.beats) - 1

    def _show_beat(self) -> None:
        """One beat fills the column: the story, the cue (what the run shows), the run (the attacker's
        steps and the outcome), or a page told only's second text (the last page's with the sources)."""
        beat = self.beats[self.beat]
        self.narration.setVisible(beat == STORY_BEAT)
        self.now_label.setVisible(beat in (CUE_BEAT, TOLD_BEAT))
        self.source_label.setVisible(beat == TOLD_BEAT and self.index == len(self.pages) - 1)
        self.steps_list.setVisible(beat == RUN_BEAT)
        self.scroll.setVisible(beat != RUN_BEAT)
        self.scroll.verticalScrollBar().setValue(0)
        self.scroll.updateGeometry()       # a new text, a new height to ask for

    def _label_next(self) -> None:
        run_next = self.awaiting_run and self.beats[self.beat + 1] == RUN_BEAT
        self.next_button.setText("▶ " + tr_tour(RUN) if run_next else tr_tour(NEXT) + " ▶")

    def _can_go_on(self) -> bool:
        return self.awaiting_run or self.told_more or self.index < len(self.pages) - 1

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.back_button.setEnabled(not busy and self.index > 0)
        self.next_button.setEnabled(not busy and self._can_go_on())
        self.replay_button.setEnabled(not busy)
        self._label_next()

    # -- running a page ------------------------------------------------------------------------------
    def _alive(self, gen: int) -> bool:
        return gen == self._generation and not self._closing

    def _start(self, page: tour.TourPage) -> None:
        self._set_busy(True)
        gen = self._generation
        core = self.core
        needs_victim = page.policy is not None or page.step.told_wallet
        self._set_status(tr_tour(PREPARING) if needs_victim else "")

        def prepare():
            tour.set_page_policy(core, page)
            return tour.new_victim(core) if needs_victim else None

        run_in_background(_guarded(prepare), on_success=lambda v: self._prepared(gen, v),
                          on_failure=lambda e: self._failed(gen, e))

    def _prepared(self, gen: int, victim: tour.Victim | None) -> None:
        if not self._alive(gen):
            return
        page = self.page
        self.victim = victim
        till_view = tour.TillView.TILL if page.policy is not None else page.step.told_till
        orders = [(TILL, {"action": till_view.value})]
        if victim is not None:
            orders.append((WALLET, {"action": "sign_in", "email": victim.email, "password": victim.password}))
            self._set_status(tr_tour(SIGNING_IN))
        self._send_and_wait(gen, orders, lambda: self._windows_ready(gen))

    def _windows_ready(self, gen: int) -> None:
        page = self.page
        if page.policy is None or self.victim is None:
            self._finish(gen)
            return
        if self.beats[self.beat] != RUN_BEAT:     # told first: the presenter's Next runs the attack
            self._set_status("")
            self._set_busy(False)
            self.page_ready.emit(self.index)
            return
        self._run(gen)

    @Slot()
    def run_attack(self) -> None:
        """Run the live page's attack (its victim is signed in on the wallet)."""
        if self.busy or not self.awaiting_run:
            return
        self.beat = len(self.beats) - 1
        self._run(self._generation)

    def _run(self, gen: int) -> None:
        if not self._alive(gen):
            return
        page = self.page
        self._set_busy(True)
        self._show_beat()
        self._set_status(tr_tour(RUNNING))
        core, victim, relay, pace = self.core, self.victim, self._relay, self.pace_ms / 1000

        def on_step(step: Step) -> None:
            if not self._alive(gen):
                raise _Cancelled()
            relay.step.emit((gen, step))
            if pace and step.action not in QUIET_ACTIONS and step.action != "start":
                time.sleep(pace / 4 if step.action in ONCE_ACTIONS else pace)

        run_in_background(_guarded(lambda: tour.run_page(core, page, victim, on_step=on_step)),
                          on_success=lambda r: self._ran(gen, r), on_failure=lambda e: self._failed(gen, e))

    @Slot(object)
    def _add_step(self, item: tuple[int, Step]) -> None:
        gen, step = item
        if not self._alive(gen) or step.action in QUIET_ACTIONS:
            return
        text = step_text(step, self.page.step.scenario)
        if step.action in ONCE_ACTIONS:     # the bot's progress lines say the same thing: one line for them
            if step.action in self._shown_once:
                return
            self._shown_once.add(step.action)
        mark = {True: "✕", False: "✓", None: "•"}[step.attacker_gain]
        minutes, seconds = divmod(int(step.elapsed), 60)
        item_ = QListWidgetItem(f"{mark} +{minutes}:{seconds:02d} {actor_name(step.actor)}: {text}")
        item_.setForeground(QColor(ACTOR_COLOURS[step.actor]))
        self.steps_list.addItem(item_)
        self.steps_list.scrollToBottom()

    def _ran(self, gen: int, result) -> None:
        if not self._alive(gen):
            return
        self.result = result
        page, victim = self.page, self.victim
        if result.outcome is Outcome.SUCCEEDED:     # the victims' money spent (a card's top-ups included)
            text, kind = tr_tour(SUCCEEDED), "danger"
        else:
            text, kind = tr_tour(STOPPED), "ok"
        lost = result.yen_lost
        self.outcome.show_state(kind, text.format(amount=format_yen(lost), alerts=len(result.alerts)))
        QTimer.singleShot(0, self.steps_list.scrollToBottom)   # the outcome took room: the last step stays in view
        self._set_status("")
        views = [v.value for v in page.step.wallet_views(page.policy)]
        orders = [(WALLET, {"action": "show", "views": views, "address": victim.email, "dwell_ms": self.dwell_ms}),
                  (TILL, {"action": "alerts"})]
        self._send_and_wait(gen, orders, lambda: self._finish(gen))

    def _finish(self, gen: int) -> None:
        if not self._alive(gen):
            return
        if self.page.policy is None:
            self._set_status("")
        self._set_busy(False)
        self.page_finished.emit(self.index)

    def _failed(self, gen: int, error: BaseException) -> None:
        if not self._alive(gen):
            return
        if isinstance(error, _Cancelled):
            return
        self.failure = error.message
        log.error("tour page %s failed: %s", self.page.key, self.failure)
        self.outcome.show_state("warning", tr_tour(FAILED).format(error=self.failure))
        self._set_busy(False)
        self.page_finished.emit(self.index)

    # -- telling the windows --------------------------------------------------------------------------
    def _send_and_wait(self, gen: int, orders: list[tuple[str, dict[str, Any]]], then: Callable[[], None]) -> None:
        sent = [(app, self.channel.send(app, order)) for app, order in orders]
        deadline = time.monotonic() + self.wait_ms / 1000

        def check() -> None:
            if not self._alive(gen):
                return
            states = [(app, *self.channel.state(app, seq)) for app, seq in sent]
            waiting = [s for s in states if s[1] == BUSY]
            if waiting and time.monotonic() < deadline:
                QTimer.singleShot(POLL_MS, check)
                return
            problems = [f"{app}: {detail or state}" for app, state, detail in states if state != DONE]
            if problems:
                log.warning("tour: windows did not follow: %s", "; ".join(problems))
                self._set_status(tr_tour(NOT_FOLLOWED).format(problems="; ".join(problems)))
            then()

        check()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._closing = True
        super().closeEvent(event)


# -- the process the demo launcher starts ----------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="qrpay-tour", description="The presenter's tour of the 7pay timeline.")
    p.add_argument("--db", required=True)
    p.add_argument("--lang", choices=("ja", "en"))
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    import os
    from pathlib import Path

    from shared.core import Core
    from ui_common.app import apply_window_geometry, install_excepthook, make_application, setup_logging
    from ui_common.launcher import DemoLink, keep_frame_in_tile
    from ui_common.tour_link import ENV_TOUR, FileChannel, tour_file_for

    setup_logging("tour")
    # Japanese wraps where Qt's line breaking allows (it keeps 。、」 and small kana off a line's start:
    # tests/test_tour.py checks kinsoku); phrase-only wrapping leaves words too wide for the column
    app = make_application(sys.argv[:1], app_name="ui_common", lang=args.lang)
    install_excepthook()
    try:
        core = Core.open(args.db)
    except QrpayError as e:
        print(f"qrpay tour: {e.message}", file=sys.stderr)
        return 2
    channel = FileChannel(Path(os.environ.get(ENV_TOUR) or tour_file_for(args.db)))
    panel = TourPanel(core, channel)
    placed = apply_window_geometry(panel)
    if not placed:
        panel.resize(420, 740)
    panel.show()
    if placed:
        keep_frame_in_tile(panel)
    link = DemoLink(panel)  # noqa: F841 - quits with the demo launcher, comes to the front when asked
    code = app.exec()
    panel._closing = True                              # a run in progress stops at its next step
    from PySide6.QtCore import QThreadPool
    QThreadPool.globalInstance().waitForDone(10_000)   # before its database is closed
    core.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
