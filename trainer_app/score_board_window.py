"""The score board (OWASP Juice Shop's): every challenge with its difficulty, its category, whether
it is solved, two levels of hints shown on request, and, once solved, what went wrong at 7pay.

    board = ScoreBoardWindow(core)            # polls the core every POLL_MS, off the GUI thread
    board.refresh()                           # detect new solves now (tests wait for `refreshed`)

The core decides what is solved (`shared.challenges.status` reads the audit log and the ledger);
this window never marks anything itself. "Reset progress" asks first, then `challenges.reset`.
`python -m trainer_app --db X --score-board` opens it alone; the trainer has a button for it.
"""
from __future__ import annotations

import html
import logging
import re
from typing import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton, QVBoxLayout,
                               QWidget)

from shared import challenges, defences
from shared.clock import jst_text
from shared.errors import QrpayError
from trainer_app.defence_groups import group_of
from ui_common import app as ui_app
from ui_common import theme
from ui_common.tasks import run_in_background
from ui_common.background_poller import BackgroundPoller
from ui_common.dialogs import ask_yes_no
from ui_common.widgets import Banner, card_column, titled_page

log = logging.getLogger(__name__)

POLL_MS = 2000
_CODE = re.compile(r"`([^`]+)`")


def hint_html(text: str) -> str:
    """A hint as rich text: its `commands` on a tinted ground, without the backticks, so a trainee who copies
    one pastes the command itself (in a shell, backticks would run what they enclose). The label's own face,
    not a monospace one: a second face on a line of Japanese made the label's height and the wrapped text's
    disagree after other windows had loaded fonts (the commands' lines were cut at the bottom)."""
    return _CODE.sub(lambda m: f'<span class="command" style="background-color: {theme.CODE_BG};">{m.group(1)}</span>',
                     html.escape(text, quote=False))


def challenge_states(core) -> list[challenges.ChallengeState]:
    """The challenges' states: from the database in-process, over the API on a server (a RemoteCore has no
    database to read: `challenges.status` there was a refusal)."""
    return challenges.states_of(core)


class ChallengeCard(QFrame):
    """One challenge: title, difficulty and category, solved or not, the goal, the hints on request,
    and the 7pay explanation once solved."""

    hint_opened = Signal(str, int)      # challenge id, level (1 or 2)

    def __init__(self, challenge: challenges.Challenge, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.challenge = challenge
        self.lang = lang
        self.setProperty("role", "card")
        self.setObjectName(f"challenge_{challenge.id}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(4)
        head = QHBoxLayout()
        head.setSpacing(10)
        self.title = QLabel(challenge.title.get(lang))
        self.title.setWordWrap(True)
        self.title.setStyleSheet(f"font-size: {theme.BODY_PT + 2}pt; font-weight: 700;")
        head.addWidget(self.title, 1)
        self.status = QLabel()
        self.status.setObjectName("challengeStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.status)
        lay.addLayout(head)
        level = {1: self.tr("Easy"), 2: self.tr("Medium"), 3: self.tr("Hard")}.get(challenge.difficulty, "?")
        stars = "★" * challenge.difficulty + "☆" * max(0, 3 - challenge.difficulty)
        d = defences.DEFENCES.get(challenge.defence)
        self.meta = QLabel(self.tr("{stars} {level} · {category} · stopped by: {defence}").format(
            stars=stars, level=level, category=group_of(challenge.defence)[1],
            defence=d.title.get(lang) if d else challenge.defence))
        self.meta.setWordWrap(True)
        self.meta.setProperty("role", "muted")
        lay.addWidget(self.meta)
        self.goal = QLabel(challenge.goal.get(lang))
        self.goal.setWordWrap(True)
        lay.addWidget(self.goal)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.hint_buttons: dict[int, QPushButton] = {}
        for level_no, text in ((1, self.tr("Hint")), (2, self.tr("Second hint"))):
            b = QPushButton("? " + text)
            b.setObjectName(f"hint{level_no}")
            b.clicked.connect(lambda _=False, n=level_no: self.open_hint(n))
            self.hint_buttons[level_no] = b
            buttons.addWidget(b)
        self.hint_buttons[2].setEnabled(False)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.hint_labels: dict[int, QLabel] = {}
        for n in (1, 2):
            h = QLabel()
            h.setObjectName(f"hintText{n}")
            h.setWordWrap(True)
            h.setTextFormat(Qt.TextFormat.RichText)
            h.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            h.setStyleSheet(f"background: {theme.WARNING_BG}; border-radius: 6px; padding: 6px;")
            h.hide()
            self.hint_labels[n] = h
            lay.addWidget(h)
        self.explanation = QLabel()
        self.explanation.setObjectName("explanation")
        self.explanation.setWordWrap(True)
        # the lesson, marked off like the hints but calm: a thin frame in the OK colour
        self.explanation.setStyleSheet(f"QLabel#explanation {{ border: 2px solid {theme.OK}; border-radius: 6px;"
                                       " padding: 6px; }")
        self.explanation.hide()
        lay.addWidget(self.explanation)
        self.state: challenges.ChallengeState | None = None
        self.show_state(None)

    def open_hint(self, level: int) -> None:
        hint = self.challenge.hints[level - 1].get(self.lang)
        label = self.hint_labels[level]
        label.setText(hint_html((self.tr("Hint: {text}") if level == 1 else self.tr("Second hint: {text}")).format(text=hint)))
        label.show()
        self.hint_buttons[level].setEnabled(False)
        if level == 1:
            self.hint_buttons[2].setEnabled(True)
        self.hint_opened.emit(self.challenge.id, level)

    def hint_shown(self, level: int) -> bool:
        return not self.hint_labels[level].isHidden()

    def close_hints(self) -> None:
        for n, label in self.hint_labels.items():
            label.hide()
            self.hint_buttons[n].setEnabled(n == 1)

    def show_state(self, state: challenges.ChallengeState | None) -> None:
        self.state = state
        solved = state is not None and state.solved
        if solved:
            self.status.setText("✓ " + self.tr("Solved {time}").format(time=jst_text(state.solved_at)))
            self.status.setStyleSheet(f"color: white; background: {theme.OK}; font-weight: 700;"
                                      " padding: 4px 10px; border-radius: 8px;")
            self.explanation.setText(self.tr("What went wrong at 7pay: {text}").format(
                text=self.challenge.explanation.get(self.lang)))
            self.explanation.show()
        else:
            self.status.setText("○ " + self.tr("Not solved"))
            self.status.setStyleSheet(f"color: {theme.MUTED}; font-weight: 700; padding: 4px 10px;"
                                      f" border: 1px solid {theme.BORDER}; border-radius: 8px;")
            self.explanation.hide()

    def is_solved(self) -> bool:
        return self.state is not None and self.state.solved


class ScoreBoardWindow(QMainWindow):
    """All challenges, refreshed from the core as they get solved (polled off the GUI thread: over a
    server each poll is an HTTP call)."""

    solved_changed = Signal()      # the set of solved challenges moved (a solve, or a reset)
    refreshed = Signal()           # a poll arrived and the cards show it (tests wait for it)

    def __init__(self, core, *, poll_ms: int = POLL_MS,
                 confirm: Callable[[QWidget, str], bool] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self._confirm = confirm or ask_yes_no
        self._solved: frozenset[str] | None = None
        lang = ui_app.language()
        self.setWindowTitle(self.tr("qrpay-sim — Score board"))
        root, outer, head = titled_page(self.tr("Score board"))
        self.count = QLabel()
        self.count.setObjectName("solvedCount")
        self.count.setStyleSheet(f"font-size: {theme.BODY_PT + 2}pt; font-weight: 700;")
        head.addWidget(self.count, 1)
        self.reset_button = QPushButton(self.tr("Reset progress…"))
        # destructive but not the screen's point: quiet, in the danger colour, and it asks first
        self.reset_button.setStyleSheet(f"QPushButton {{ color: {theme.DANGER}; border: 2px solid {theme.DANGER};"
                                        " font-weight: 600; }")
        self.reset_button.clicked.connect(self.ask_reset)
        head.addWidget(self.reset_button)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(10)
        self.progress.setRange(0, len(challenges.CHALLENGES))
        outer.addWidget(self.progress)
        intro = QLabel(self.tr("Attack the system by hand with the wallet, the till and qrpay, under the 2019 "
                               "preset or with a defence switched off. A challenge is marked solved when the "
                               "system sees it happen."))
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        outer.addWidget(intro)
        self.message = Banner()
        outer.addWidget(self.message)
        scroll, bl = card_column()
        self.scroll = scroll
        self.cards: dict[str, ChallengeCard] = {}
        for c in challenges.CHALLENGES.values():
            card = ChallengeCard(c, lang)
            self.cards[c.id] = card
            bl.addWidget(card)
        bl.addStretch(1)
        outer.addWidget(scroll, 1)
        self.setCentralWidget(root)
        self.poller = BackgroundPoller(lambda: challenge_states(self.core), interval_ms=poll_ms, parent=self)
        self.poller.arrived.connect(self._show)
        self.poller.failed.connect(lambda e: self.message.show_state("danger", e.message))
        self.poller.recovered.connect(self.message.clear)
        self.refresh()
        if not ui_app.apply_window_geometry(self):
            self.resize(1100, 740)

    def card(self, challenge_id: str) -> ChallengeCard:
        return self.cards[challenge_id]

    @Slot()
    def refresh(self) -> None:
        """Ask the core which challenges are solved (it detects new solves), off the GUI thread; the cards
        repaint when the answer arrives."""
        self.poller.poll()

    def _show(self, states: list[challenges.ChallengeState]) -> None:
        for s in states:
            if s.challenge.id in self.cards:
                self.cards[s.challenge.id].show_state(s)
        solved = frozenset(s.challenge.id for s in states if s.solved)
        self.count.setText(self.tr("{solved} of {total} solved").format(solved=len(solved), total=len(states)))
        self.progress.setValue(len(solved))
        if solved != self._solved:
            first = self._solved is None
            self._solved = solved
            if not first:
                self.solved_changed.emit()
        self.refreshed.emit()

    @Slot()
    def ask_reset(self) -> None:
        if not self._confirm(self, self.tr("Forget every solved challenge on this database? Only what happens "
                                           "from now on will count.")):
            return
        self.reset_button.setEnabled(False)

        def reset() -> int:
            return challenges.forget_solves(self.core)

        def done(n: int) -> None:
            self.reset_button.setEnabled(True)
            for card in self.cards.values():
                card.close_hints()
            self.message.show_state("info", self.tr("Progress reset: {n} solved challenges forgotten.").format(n=n))
            self.refresh()

        def failed(e: QrpayError) -> None:
            self.reset_button.setEnabled(True)
            self.message.show_state("danger", e.message)

        run_in_background(reset, on_success=done, on_failure=failed)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """No poll outlives the window: one in flight is waited for (the core closes after this)."""
        self.poller.stop()
