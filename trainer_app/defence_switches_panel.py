"""The defence switches (DVWA's security levels, one defence at a time): every named defence of
the core (`shared.defences`) as a switch with its name, what it stops and the standard it
follows, grouped by the part of the app it protects, and beside them the source of the functions
that enforce the selected one ("View source", as DVWA shows its source).

    panel = DefenceSwitchesPanel(core)
    panel.switch_changed.connect(...)         # after core.set_defence wrote the new set
    panel.show_policy(core.policy)            # the window's policy poller calls this

A switch writes the whole database's policy (`core.set_defence`, audited), so the wallet and the
till see it at their next poll; a change made elsewhere (`qrpay policy defence NAME off`, the
preset buttons) reaches the switches through `show_policy`. The panel holds no rule of its own:
whether a defence is on is `shared.defences.is_on`.
"""
from __future__ import annotations

import importlib
import inspect
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QCheckBox, QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSizePolicy,
                               QSplitter, QVBoxLayout, QWidget)

from shared import defences
from shared.errors import QrpayError
from shared.policy import Policy
from trainer_app.defence_groups import grouped
from ui_common import app as ui_app
from ui_common import theme
from ui_common.widgets import Banner, card_column

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class SourceExcerpt:
    where: str          # "module:Qualified.name" as the defence names it
    path: str           # the file, relative to the project
    first_line: int
    text: str


def source_of(where: str) -> SourceExcerpt:
    """The source of one function a defence names (`Defence.where`); the text says so when it
    cannot be read (a frozen build without sources)."""
    module, _, qual = where.partition(":")
    try:
        obj: object = importlib.import_module(module)
        for part in qual.split("."):
            obj = getattr(obj, part)
        lines, first = inspect.getsourcelines(obj)  # type: ignore[arg-type]
        path = Path(inspect.getsourcefile(obj) or "")  # type: ignore[arg-type]
    except (ImportError, AttributeError, OSError, TypeError) as e:
        return SourceExcerpt(where, module.replace(".", "/") + ".py", 0, f"# source not available: {e}")
    try:
        shown = str(path.resolve().relative_to(ROOT))
    except ValueError:
        shown = str(path)
    return SourceExcerpt(where, shown, first, "".join(lines))


class _ClickableLabel(QLabel):
    clicked = Signal()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class DefenceRow(QFrame):
    """One defence: the switch with its name, what it stops, the standard, "View source"."""

    toggled = Signal(str, bool)          # defence name, on
    source_requested = Signal(str)       # defence name

    def __init__(self, defence: defences.Defence, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.defence = defence
        self.setObjectName(f"defence_{defence.name}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 6)
        lay.setSpacing(2)
        head = QHBoxLayout()
        head.setSpacing(8)
        # the switch, and its name beside it as a label that wraps (a long name in Japanese or in
        # kiosk type must not push "View source" out of the row); a click on the name switches too
        self.switch = QCheckBox()
        self.switch.setObjectName(f"switch_{defence.name}")
        self.switch.setAccessibleName(defence.title.get(lang))
        self.switch.setToolTip(defence.name)
        self.switch.setStyleSheet("QCheckBox { min-height: 44px; min-width: 30px; }"
                                  " QCheckBox::indicator { width: 26px; height: 26px; }")
        self.switch.toggled.connect(lambda on: self.toggled.emit(defence.name, on))
        head.addWidget(self.switch)
        self.title = _ClickableLabel(defence.title.get(lang))
        self.title.setObjectName("defenceTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 700;")
        self.title.setToolTip(defence.name)
        self.title.clicked.connect(self.switch.click)
        head.addWidget(self.title, 1)
        self.state = QLabel()
        self.state.setObjectName("defenceState")
        head.addWidget(self.state)
        self.source_button = QPushButton(self.tr("View source"))
        self.source_button.setProperty("role", "link")
        self.source_button.setToolTip("\n".join(defence.where))
        self.source_button.clicked.connect(lambda: self.source_requested.emit(defence.name))
        head.addWidget(self.source_button)
        lay.addLayout(head)
        self.stops = QLabel(defence.stops.get(lang))
        self.stops.setWordWrap(True)
        self.stops.setContentsMargins(34, 0, 0, 0)
        lay.addWidget(self.stops)
        self.standard = QLabel(self.tr("Standard: {guideline}").format(guideline=defence.guideline))
        self.standard.setWordWrap(True)
        self.standard.setProperty("role", "muted")
        self.standard.setContentsMargins(34, 0, 0, 0)
        lay.addWidget(self.standard)

    def show_on(self, on: bool) -> None:
        self.switch.blockSignals(True)
        self.switch.setChecked(on)
        self.switch.blockSignals(False)
        # never colour alone: a word and a mark with the colour
        self.state.setText("✓ " + self.tr("On") if on else "✕ " + self.tr("Off"))
        colour = theme.OK if on else theme.DANGER
        self.state.setStyleSheet(f"color: {colour}; font-weight: 700;")

    def is_on(self) -> bool:
        return self.switch.isChecked()


class DefenceSwitchesPanel(QWidget):
    """Every defence as a switch, grouped, with the source viewer beside them."""

    switch_changed = Signal()     # a switch here changed the database's policy

    def __init__(self, core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        lang = ui_app.language()
        self.rows: dict[str, DefenceRow] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.setSpacing(6)
        intro = QLabel(self.tr("Each switch turns one defence on or off for every app on this database. "
                               "All on is the hardened preset; all off is 2019."))
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.summary = QLabel()
        self.summary.setObjectName("defenceSummary")
        self.summary.setStyleSheet("font-weight: 700;")
        outer.addWidget(self.summary)
        self.message = Banner()
        outer.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        scroll, bl = card_column()
        for gid, title, members in grouped():
            card = QFrame()
            card.setProperty("role", "card")
            card.setObjectName(f"group_{gid}")
            cl = QVBoxLayout(card)
            cl.setContentsMargins(8, 6, 8, 6)
            cl.setSpacing(0)
            head = QLabel(title)
            head.setProperty("role", "title")
            head.setStyleSheet(f"font-size: {theme.BODY_PT + 2}pt;")
            cl.addWidget(head)
            for d in members:
                row = DefenceRow(d, lang)
                row.toggled.connect(self.switch)
                row.source_requested.connect(self.show_source)
                self.rows[d.name] = row
                cl.addWidget(row)
            bl.addWidget(card)
        bl.addStretch(1)
        self.scroll = scroll
        split.addWidget(scroll)

        source = QWidget()
        sl = QVBoxLayout(source)
        sl.setContentsMargins(8, 0, 0, 0)
        sl.setSpacing(4)
        self.source_title = QLabel(self.tr("Source"))
        self.source_title.setProperty("role", "title")
        self.source_title.setStyleSheet(f"font-size: {theme.BODY_PT + 2}pt;")
        self.source_title.setWordWrap(True)
        sl.addWidget(self.source_title)
        self.source_where = QLabel(self.tr("Choose \"View source\" beside a defence to read the code that "
                                           "enforces it."))
        self.source_where.setWordWrap(True)
        self.source_where.setProperty("role", "muted")
        sl.addWidget(self.source_where)
        self.source_view = QPlainTextEdit()
        self.source_view.setObjectName("defenceSource")
        self.source_view.setReadOnly(True)
        self.source_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(theme.BODY_PT - 2)
        self.source_view.setFont(mono)
        self.source_view.setStyleSheet(f"QPlainTextEdit {{ font-size: {theme.BODY_PT - 2}pt; }}")
        self.source_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        sl.addWidget(self.source_view, 1)
        split.addWidget(source)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([700, 640])
        outer.addWidget(split, 1)
        self.shown_source: str | None = None

    # -- the switches ---------------------------------------------------------------------------
    def show_policy(self, policy: Policy) -> None:
        """Repaint every switch from the policy in force (no write)."""
        for name, row in self.rows.items():
            row.show_on(defences.is_on(policy, name))
        off = sum(not r.is_on() for r in self.rows.values())
        self.summary.setText(self.tr("All {total} defences on.").format(total=len(self.rows)) if not off else
                             self.tr("{off} of {total} defences off.").format(off=off, total=len(self.rows)))

    @Slot(str, bool)
    def switch(self, name: str, on: bool) -> None:
        try:
            policy = self.core.set_defence(name, on, actor="trainer")
        except QrpayError as e:
            self.message.show_state("danger", e.message)
            policy = None
        else:
            self.message.clear()
        self.show_policy(policy if policy is not None else self.core.policy)
        self.switch_changed.emit()

    def scroll_to(self, name: str) -> None:
        self.scroll.ensureWidgetVisible(self.rows[name], 0, 40)

    def off_names(self) -> set[str]:
        return {n for n, r in self.rows.items() if not r.is_on()}

    # -- the source viewer ------------------------------------------------------------------------
    @Slot(str)
    def show_source(self, name: str) -> None:
        d = defences.defence_named(name)
        parts = [source_of(w) for w in d.where]
        self.shown_source = name
        self.source_title.setText(self.tr("Source: {defence}").format(defence=d.title.get(ui_app.language())))
        self.source_where.setText("\n".join(f"{p.path}:{p.first_line} — {p.where.partition(':')[2]}"
                                            for p in parts))
        self.source_view.setPlainText("\n\n".join(f"# {p.path}, line {p.first_line}\n{p.text}" for p in parts))
        self.source_view.moveCursor(self.source_view.textCursor().MoveOperation.Start)
