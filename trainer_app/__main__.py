"""`qrpay-trainer` / `python -m trainer_app --db PATH [--lang ja|en]`: the attack trainer.

(`python -m pos_app --trainer` routes here too.) For screenshots and rehearsals only:
`--autorun NAME[:hardened|2019|both]` starts a scenario once the window is up, with
`--size NAME=VALUE` (repeatable) for its sizes; `--fresh` is the default, `--live` runs it on
this database. `--tab steps|chart|alerts|audit|victim` picks the tab to show.
QRPAY_TRAINER_SMOKE=1 in the environment (start-up tests): print the window title once the
window is shown, and exit 0.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

TABS = {"steps": 0, "chart": 1, "alerts": 2, "audit": 3, "victim": 4}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qrpay-trainer",
                                description="The attack trainer: the 2019 attacks replayed against both policies.")
    p.add_argument("--db", metavar="PATH", help="the database file (default: the per-user one)")
    p.add_argument("--lang", choices=("ja", "en"), help="UI language (default: the system's)")
    p.add_argument("--autorun", metavar="NAME[:POLICY]", help=argparse.SUPPRESS)
    p.add_argument("--size", action="append", default=[], metavar="NAME=VALUE", help=argparse.SUPPRESS)
    p.add_argument("--live", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--tab", choices=sorted(TABS), help=argparse.SUPPRESS)
    return p


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".eE") else int(text.replace(",", "").replace("_", ""))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from PySide6.QtCore import QTimer

    from trainer_app.main_window import TrainerWindow, install_trainer_translator
    from shared.core import Core
    from shared.errors import QrpayError
    from ui_common.app import install_excepthook, make_application, setup_logging

    setup_logging("trainer")
    app = make_application([sys.argv[0]], app_name="pos_app", lang=args.lang)
    install_trainer_translator(app)   # ui_common.app.install_translator(app, "trainer", lang), once
    install_excepthook()
    try:
        core = Core.open(args.db)
    except QrpayError as e:
        print(f"qrpay-trainer: {e.message}", file=sys.stderr)
        return 2
    window = TrainerWindow(core)
    window.show()
    if args.autorun:
        name, _, policy = args.autorun.partition(":")
        policies = {"": ("hardened",), "hardened": ("hardened",), "2019": ("2019",),
                    "both": ("hardened", "2019")}.get(policy)
        if name not in window.scenarios or policies is None:
            print(f"qrpay-trainer: unknown scenario or policy in --autorun {args.autorun!r}", file=sys.stderr)
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
    elif args.tab:
        window.tabs.setCurrentIndex(TABS[args.tab])
    if os.environ.get("QRPAY_TRAINER_SMOKE") == "1":
        def smoke() -> None:
            print(f"trainer window shown: {window.windowTitle()}", flush=True)
            app.quit()

        QTimer.singleShot(0, smoke)
    code = app.exec()
    core.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
