"""`qrpay-trainer` / `python -m trainer_app --db PATH [--lang ja|en]`: the attack trainer.

(`python -m pos_app --trainer` routes here too.) For screenshots and rehearsals only:
`--autorun NAME[:hardened|2019|both]` starts a scenario once the window is up, with
`--size NAME=VALUE` (repeatable) for its sizes; `--fresh` is the default, `--live` runs it on
this database. `--tab steps|chart|alerts|audit|victim` picks the tab to show.
`--score-board` opens the challenges' score board alone; `--server URL --classroom` the classroom view
(every world of the server: trainer_app.classroom_window); `--show defences[:NAME]` or
`--show score-board[:ID[:LEVEL]]` (screenshots) opens that view (trainer_app.screenshot_hooks).
QRPAY_TRAINER_SMOKE=1 in the environment (start-up tests): print the window title once the
window is shown, and exit 0.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from ui_common.app import app_parser

PROG = "qrpay-trainer"
TABS = {"steps": 0, "chart": 1, "alerts": 2, "audit": 3, "victim": 4}


def build_parser() -> argparse.ArgumentParser:
    p = app_parser(PROG, "The attack trainer: the 2019 attacks replayed against both policies.")
    p.add_argument("--autorun", metavar="NAME[:POLICY]", help=argparse.SUPPRESS)
    p.add_argument("--size", action="append", default=[], metavar="NAME=VALUE", help=argparse.SUPPRESS)
    p.add_argument("--live", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--tab", choices=sorted(TABS), help=argparse.SUPPRESS)
    p.add_argument("--score-board", action="store_true", help="open the challenges' score board alone")
    p.add_argument("--classroom", action="store_true",
                   help="with --server and the admin token: open the classroom view (every world) alone")
    p.add_argument("--show", metavar="VIEW", help=argparse.SUPPRESS)
    return p


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".eE") else int(text.replace(",", "").replace("_", ""))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from ui_common.app import run_app

    # its own name: trainer_app.log, QSettings("qrpay-sim", "trainer_app"), trainer_app_<lang>.qm
    return run_app(prog=PROG, app_name="trainer_app", args=args,
                   open_window=lambda app, core: _open_window(app, core, args))


def _open_window(app, core, args):
    from PySide6.QtCore import QTimer

    from trainer_app.main_window import TrainerWindow

    if args.classroom:
        from trainer_app.classroom_window import ClassroomWindow
        if not getattr(args, "server", None):
            print(f"{PROG}: --classroom needs --server URL (the worlds live on a server)", file=sys.stderr)
            return 2
        window = ClassroomWindow(core)
        window.show()
    elif args.score_board or args.show:
        from trainer_app.screenshot_hooks import open_view
        window = open_view(core, "score-board" if args.score_board and not args.show else args.show)
        if isinstance(window, int):
            return window
    else:
        window = TrainerWindow(core)
        window.show()
    if args.autorun and isinstance(window, TrainerWindow):
        name, _, policy = args.autorun.partition(":")
        policies = {"": ("hardened",), "hardened": ("hardened",), "2019": ("2019",),
                    "both": ("hardened", "2019")}.get(policy)
        if name not in window.scenarios or policies is None:
            print(f"{PROG}: unknown scenario or policy in --autorun {args.autorun!r}", file=sys.stderr)
            window.shutdown()
            return 2

        def start() -> None:
            window.select_scenario(name)
            for spec in args.size:
                key, _, value = spec.partition("=")
                window.set_size(key, _number(value))
            window.live_check.setChecked(args.live)
            if args.tab:
                window.tabs.setCurrentIndex(TABS[args.tab])
            window.run_selected(policies)

        QTimer.singleShot(300, start)
    elif args.tab and isinstance(window, TrainerWindow):
        window.tabs.setCurrentIndex(TABS[args.tab])
    if os.environ.get("QRPAY_TRAINER_SMOKE") == "1":
        def smoke() -> None:
            print(f"trainer window shown: {window.windowTitle()} · {app.applicationName()}", flush=True)
            app.quit()

        QTimer.singleShot(0, smoke)
    return window


if __name__ == "__main__":
    sys.exit(main())
