"""The policy and clock bar's pieces: Japan time, clock offsets and skews as the presenter types
them, and the dialog that sets the simulated time."""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from shared.errors import InputError
from trainer_app.texts import _SKEW_HELP, _tr

log = logging.getLogger(__name__)


JST = timezone(timedelta(hours=9), "JST")


def jst_text(t: float) -> str:
    return datetime.fromtimestamp(t, tz=JST).strftime("%Y-%m-%d %H:%M:%S JST")


def jst_short(t: float) -> str:
    """Table cells: the month, day and time (the full date is in the tooltip)."""
    return datetime.fromtimestamp(t, tz=JST).strftime("%m-%d %H:%M:%S")


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
        self.edit.setTimeZone(QTimeZone(9 * 3600))
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.edit.setCalendarPopup(True)
        self.edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(current), QTimeZone(9 * 3600)))
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
