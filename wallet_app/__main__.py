"""`python -m wallet_app [--db PATH] [--lang ja|en] [--profile NAME]`: the customer's phone.

`--profile` names this phone (its device name at sign-in), so two windows can play two phones.
`--screen NAME` (hidden, for screenshots and demos) opens a screen directly; with
`--demo-customer EMAIL --demo-password PW` it signs in first, computing the code from the
kiosk authenticator the way a person would read it off the Authenticator window.
"""
from __future__ import annotations

import argparse
import sys

from ui_common.app import app_parser

PROG = "qrpay-wallet"
SCREENS = ("welcome", "signup", "signin", "signin-refused", "signin-recovery", "forgot", "home", "pay", "topup", "history", "security", "mailbox",
           "authenticator", "signup-authenticator", "paid", "locked")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = app_parser(PROG, "The qrpay customer wallet (a simulated phone).", kiosk=True,
                   kiosk_help="full screen, large type, a supervisor PIN to leave, back to welcome when idle")
    p.add_argument("--profile", default="default", help="name of this phone (default: default)")
    p.add_argument("--authenticator", action="store_true",
                   help="open only the Authenticator window (the customer's second device)")
    p.add_argument("--screen", choices=SCREENS, help=argparse.SUPPRESS)
    p.add_argument("--demo-customer", help=argparse.SUPPRESS)
    p.add_argument("--demo-password", help=argparse.SUPPRESS)
    p.add_argument("--tour", metavar="OUTDIR", help=argparse.SUPPRESS)
    p.add_argument("--autoplay", action="store_true",
                   help="attract mode: a demo customer signs in and pays at the till in a loop (qrpay demo --autoplay)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from ui_common.app import requested_geometry, run_app
    from wallet_app.main_window import type_scale

    return run_app(prog=PROG, app_name="wallet_app", args=args, phrase_wrap=True,
                   scale=type_scale(kiosk=args.kiosk, placed=requested_geometry() is not None),
                   open_window=lambda app, core: (_open_authenticator(core) if args.authenticator
                                                  else _open_wallet(app, core, args)))


def _open_authenticator(core):
    from ui_common.app import apply_window_geometry
    from ui_common.launcher import DemoLink
    from wallet_app.authenticator_window import AuthenticatorWindow

    window = AuthenticatorWindow(core)
    apply_window_geometry(window)
    window.show()
    window.demo_link = DemoLink(window)   # quits with the demo launcher
    return window


def _open_wallet(app, core, args):
    from PySide6.QtCore import QPoint, QRect

    from ui_common.app import requested_geometry
    from ui_common.kiosk import enter_kiosk
    from ui_common.launcher import DemoLink
    from wallet_app.main_window import WalletWindow

    window = WalletWindow(core, profile=args.profile)
    slot = requested_geometry()
    if slot is not None:
        window.place_in(slot)   # a phone inside the launcher's tile, never wider
    if args.kiosk:
        enter_kiosk(window, idle_minutes=args.idle_minutes)
        if slot is None:
            window.showFullScreen()
    window.show()
    window.demo_link = link = DemoLink(window)  # quits with the demo launcher, raises the window when asked
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
    return window


if __name__ == "__main__":
    sys.exit(main())
