"""`python -m wallet_app [--db PATH] [--lang ja|en] [--profile NAME]`: the customer's phone.

`--profile` names this phone (its device name at sign-in), so two windows can play two phones.
`--screen NAME` (hidden, for screenshots and demos) opens a screen directly; with
`--demo-customer EMAIL --demo-password PW` it signs in first, computing the code from the
kiosk authenticator the way a person would read it off the Authenticator window.
"""
from __future__ import annotations

import argparse
import logging
import sys

from shared.version import version_text

log = logging.getLogger("wallet_app")

SCREENS = ("welcome", "signup", "signin", "signin-refused", "signin-recovery", "forgot", "home", "pay", "topup", "history", "security", "mailbox",
           "authenticator", "signup-authenticator", "paid", "locked")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="qrpay-wallet", description="The qrpay customer wallet (a simulated phone).")
    p.add_argument("--version", action="version", version=version_text("qrpay-wallet"))
    p.add_argument("--db", help="database file (default: the shared qrpay-sim database)")
    p.add_argument("--lang", choices=("ja", "en"), help="language (default: the system's)")
    p.add_argument("--profile", default="default", help="name of this phone (default: default)")
    p.add_argument("--authenticator", action="store_true",
                   help="open only the Authenticator window (the customer's second device)")
    p.add_argument("--kiosk", action="store_true",
                   help="full screen, large type, a supervisor PIN to leave, back to welcome when idle")
    p.add_argument("--idle-minutes", type=float, default=3.0, help="kiosk idle reset after this long (default 3)")
    p.add_argument("--screen", choices=SCREENS, help=argparse.SUPPRESS)
    p.add_argument("--demo-customer", help=argparse.SUPPRESS)
    p.add_argument("--demo-password", help=argparse.SUPPRESS)
    p.add_argument("--tour", metavar="OUTDIR", help=argparse.SUPPRESS)
    p.add_argument("--autoplay", action="store_true",
                   help="attract mode: a demo customer signs in and pays at the till in a loop (qrpay demo --autoplay)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from shared.core import Core
    from shared.errors import QrpayError
    from ui_common.app import (apply_window_geometry, install_excepthook, make_application, requested_geometry,
                               setup_logging)
    from wallet_app.main_window import type_scale

    setup_logging("wallet_app")
    app = make_application(sys.argv[:1], app_name="wallet_app", lang=args.lang,
                           scale=type_scale(kiosk=args.kiosk, placed=requested_geometry() is not None),
                           phrase_wrap=True)
    install_excepthook()
    try:
        core = Core.open(args.db)
    except QrpayError as e:
        print(f"qrpay-wallet: {e.message}", file=sys.stderr)
        return 2
    if args.authenticator:
        from wallet_app.authenticator_window import AuthenticatorWindow

        window = AuthenticatorWindow(core)
        apply_window_geometry(window)
        window.show()
        from ui_common.launcher import DemoLink
        link = DemoLink(window)  # noqa: F841 - quits with the demo launcher
        code = app.exec()
        del window
        core.close()
        return code
    from PySide6.QtCore import QPoint, QRect

    from wallet_app.main_window import WalletWindow

    window = WalletWindow(core, profile=args.profile)
    slot = requested_geometry()
    if slot is not None:
        window.place_in(slot)   # a phone inside the launcher's tile, never wider
    if args.kiosk:
        from ui_common.kiosk import IdleWatcher, supervisor_guard

        watcher = IdleWatcher(minutes=args.idle_minutes, parent=window)
        watcher.idle.connect(window.reset_for_next_customer)
        window.set_kiosk(supervisor_guard(window, core))
        if slot is None:
            window.showFullScreen()
    window.show()
    from ui_common.launcher import DemoLink
    link = DemoLink(window)  # quits with the demo launcher, raises the window when asked
    from wallet_app.tour_driver import follow as follow_tour
    window.tour_follower = follow_tour(window)   # qrpay demo --tour
    if args.autoplay:
        from wallet_app.autoplay import start_autoplay
        window.autoplay = start_autoplay(window, link)
    if args.tour:
        from wallet_app.screenshot_hooks import tour

        if slot is None:  # no window manager under Xvfb: stand as a phone at the screen's left
            window.setGeometry(QRect(QPoint(0, 0), window.phone_size(app.primaryScreen().availableGeometry().height())))
        window.activateWindow()
        tour(window, args.tour, email=args.demo_customer, password=args.demo_password)
    elif args.screen:
        from wallet_app.screenshot_hooks import open_screen

        open_screen(window, args.screen, email=args.demo_customer, password=args.demo_password)
    code = app.exec()
    window.shutdown()
    # Free the window while the QApplication is fully alive; leaving it to interpreter
    # finalization aborted PySide6 6.12 on exit (none_dealloc) after a long session.
    del window
    import gc

    gc.collect()
    core.close()
    app.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
