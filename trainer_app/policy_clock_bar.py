"""The policy and clock bar (`PolicyClockBar`), with its pieces: Japan time, clock offsets and skews
as the presenter types them, and the dialog that sets the simulated time."""
from __future__ import annotations

import logging
import re
from typing import Callable

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import (QButtonGroup, QDateTimeEdit, QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout, QWidget)

from shared.clock import JST_OFFSET_SECONDS, FixedClock, in_jst, jst_text
from shared.errors import InputError, QrpayError
from ui_common import theme
from ui_common.flow_layout import FlowLayout
from ui_common.policy_poller import PolicyPoller
from ui_common.widgets import Banner, PolicyBadge
from trainer_app.texts import _SKEW_HELP, _tr

log = logging.getLogger(__name__)


def jst_short(t: float) -> str:
    """Table cells: the month, day and time (the full date is in the tooltip)."""
    return in_jst(t).strftime("%m-%d %H:%M:%S")


def offset_text(seconds: float) -> str:
    sign = "−" if seconds < 0 else "+"
    s = int(round(abs(seconds)))
    if s < 60:
        return f"{sign}{s} s"
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = ([f"{days} d"] if days else []) + ([f"{hours} h"] if hours else []) + \
        ([f"{minutes} min"] if minutes else []) + ([f"{secs} s"] if secs else [])
    return sign + " ".join(parts)


def parse_skew(text: str) -> float:
    """"+90s", "-5m", "+2h", "1d 3h", "300" (seconds) → seconds; anything else is an InputError."""
    s = text.strip().lower().replace("−", "-").replace(" ", "")
    if not s:
        raise InputError(_tr(_SKEW_HELP))
    sign = -1 if s.startswith("-") else 1
    s = s[1:] if s[:1] in "+-" else s
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return sign * float(s)
    parts = re.findall(r"(\d+(?:\.\d+)?)(d|h|min|m|s)", s)
    if not parts or "".join(n + u for n, u in parts) != s:
        raise InputError(_tr(_SKEW_HELP))
    unit = {"d": 86400, "h": 3600, "min": 60, "m": 60, "s": 1}
    return sign * sum(float(n) * unit[u] for n, u in parts)



class SetTimeDialog(QDialog):
    """Pick the simulated date and time (shown and typed in JST)."""

    def __init__(self, current: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set the simulated time"))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Simulated date and time (Japan time):")))
        self.edit = QDateTimeEdit()
        self.edit.setTimeZone(QTimeZone(JST_OFFSET_SECONDS))
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.edit.setCalendarPopup(True)
        self.edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(current), QTimeZone(JST_OFFSET_SECONDS)))
        lay.addWidget(self.edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def value(self) -> float:
        return float(self.edit.dateTime().toSecsSinceEpoch())

    @classmethod
    def ask(cls, parent: QWidget | None, current: float) -> float | None:
        dlg = cls(current, parent)
        return dlg.value() if dlg.exec() == QDialog.DialogCode.Accepted else None


class PolicyClockBar(QWidget):
    """The top of the trainer: the title, the policy badge and switch (hardened / 2019), the shared
    simulated clock (time in JST, +30 s / +1 min / +10 min, a skew, Set…, Reset) and, while 2019 is
    active, the striped banner. Policy and time live in the database, shared with the other apps;
    `refresh_status` (the window's timer) only repaints them."""

    PARTS = ("badge", "policy_buttons", "policy_group", "offset_label", "time_label", "advance_buttons",
             "skew_edit", "skew_button", "set_time_button", "reset_clock_button", "clock_message",
             "insecure_banner")

    def __init__(self, core, *, ask_time: Callable[[QWidget, float], float | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self._ask_time = ask_time or SetTimeDialog.ask
        # polled on the window's one-second tick (refresh_status), with the simulated time
        self.policy_poller = PolicyPoller(core, interval_ms=0, parent=self)
        self.policy_poller.changed.connect(self._show_policy)
        self.policy_poller.failed.connect(lambda e: self.clock_message.show_state("danger", e.message))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)

        # Row 1: title, badge, policy switch
        head = QHBoxLayout()
        head.setSpacing(12)
        title = QLabel(self.tr("Attack trainer"))
        title.setProperty("role", "title")
        head.addWidget(title)
        self.badge = PolicyBadge()
        # its own height, centred: the buttons' flow may wrap to two rows beside it (English), and a
        # badge stretched to their height was a tall striped block
        head.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        switch = QWidget()    # wraps under the title in kiosk type instead of cutting its words
        switch_flow = self._switch_flow = FlowLayout(switch, spacing=12, align_right=True)
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

    def add_to_head(self, widget: QWidget) -> None:
        """A button of the window's at the start of the title row's flow (it wraps under the title
        rather than squeezing the buttons when the 2019 badge is long)."""
        items = [self._switch_flow.takeAt(0) for _ in range(self._switch_flow.count())]
        self._switch_flow.addWidget(widget)
        for item in items:
            self._switch_flow.addItem(item)

    def refresh_status(self, *, force_policy: bool = False) -> None:
        """The timer only repaints: the simulated time and the policy come from the database."""
        try:
            now = self.core.now()
            offset = self.core.clock_offset()
        except QrpayError as e:
            self.clock_message.show_state("danger", e.message)
            return
        self.time_label.setText(jst_text(now, seconds=True))
        self.offset_label.setText(self.tr("Simulated time") + "\n" + (
            self.tr("real time {offset}").format(offset=offset_text(offset))
            if not isinstance(self.core.clock, FixedClock) else self.tr("fixed clock")))
        self.policy_poller.poll(force=force_policy)

    def _show_policy(self, policy) -> None:
        name = policy.name
        self.badge.set_policy(policy)
        self.insecure_banner.setVisible(name == "2019")
        # a custom set of defences is neither preset: both buttons up (an exclusive group keeps one down)
        self.policy_group.setExclusive(False)
        for n, b in self.policy_buttons.items():
            b.setChecked(n == name)
        self.policy_group.setExclusive(True)

    def set_policy(self, name: str) -> None:
        try:
            self.core.set_policy(name, actor="trainer")
        except QrpayError as e:
            self.clock_message.show_state("danger", e.message)
        self.refresh_status(force_policy=True)

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
