"""The trainer's Tour button: `qrpay demo --tour` (the till, the wallet, the authenticator and the narration
panel, ui_common/tour_panel.py) in processes of their own, on the trainer's database when the demo seeded it."""
from __future__ import annotations

import sys
from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Slot
from PySide6.QtWidgets import QPushButton, QWidget

from ui_common.app import language
from ui_common.tour_steps import tr_tour

TOUR_BUTTON = QT_TRANSLATE_NOOP("Tour", "Tour: 7pay, step by step")
TOUR_TIP = QT_TRANSLATE_NOOP("Tour", "The 7pay timeline day by day, each attack run live in the till and the wallet "
                                        "(qrpay demo --tour)")
BUTTON_WORDS = (TOUR_BUTTON, TOUR_TIP)


def tour_command(db_path: str | None, lang: str | None) -> list[str]:
    """`qrpay demo --tour` on the trainer's database when `qrpay demo` seeded it (its demo accounts
    are saved beside it: the till's clerk and supervisor), else on the default demo database."""
    from shared.demo_data import credentials_path

    cmd = [sys.executable, "-m", "shared.cli.main"]
    if db_path and credentials_path(db_path).exists():
        cmd += ["--db", str(db_path)]
    cmd += ["demo", "--tour"]
    return cmd + (["--lang", lang] if lang else [])


class TourButton(QPushButton):
    """"Tour: 7pay, step by step": opens the demo's windows with the narration panel, in processes
    of their own (a demo already running on that database comes to the front instead)."""

    def __init__(self, core, parent: QWidget | None = None, *, launch: Callable[..., Any] | None = None) -> None:
        super().__init__("▶ " + tr_tour(TOUR_BUTTON), parent)
        self.setToolTip(tr_tour(TOUR_TIP))
        self._core = core
        self._launch = launch
        self.clicked.connect(self.start)

    @Slot()
    def start(self):
        import subprocess

        cmd = tour_command(str(self._core.db.path), language())
        launch = self._launch or (lambda c: subprocess.Popen(c, start_new_session=True, stdin=subprocess.DEVNULL))
        return launch(cmd)
