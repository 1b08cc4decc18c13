"""`python -m pos_app [--db PATH] [--terminal ID] [--camera SOURCE] [--lang ja|en] [--decoder NAME]`

`--phone-url URL` (given by `qrpay demo --phone`): the Presenter menu's "Phone wallet…" shows that address as
a QR for the presenter's phone; a till on a classroom server (`--server URL`, not this machine's) shows the
server's own web wallet there.

SOURCE: "auto" (webcam 0 if one opens, else the screen), a webcam index (0), a video file (played
in a loop at its frame rate), an image sequence (frames/%04d.png), a still image or a folder of
them, "screen" (the till finds the wallet's code on this screen by itself) or "screen:X,Y,W,H" (a
fixed region). Without --camera the till uses the presenter's last choice on this machine, else "auto".

`--autoplay` (attract mode) signs in the first clerk of the demo accounts saved beside the
database and takes customers in a loop; `--once` does one round and exits 0 once the sale is recorded.

For screenshots and demos only: `--screen till|scanner|receipt|refund|report|alerts|signin|leave-kiosk` drives
the window to that screen, signing in with the staff given in QRPAY_POS_DEMO="CLERK:PIN[:SUPERVISOR:PIN]".
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

from PySide6.QtCore import QTimer

from ui_common.app import app_parser

PROG = "qrpay-pos"


def build_parser():
    p = app_parser(PROG, "The store clerk's till (qrpay-sim).", kiosk=True,
                   kiosk_help="full screen, large type, a supervisor PIN to leave, the cart discarded when idle")
    p.add_argument("--terminal", metavar="ID", default="T1", help="this till's terminal id (default T1)")
    p.add_argument("--camera", metavar="SOURCE",
                   help='"auto", webcam index, video file, image pattern, image, or "screen[:X,Y,W,H]" '
                        '(default: the last choice on this machine, else auto)')
    p.add_argument("--decoder", choices=("cascade", "zxing", "zbar"), default="cascade")
    p.add_argument("--trainer", action="store_true",
                   help="open the attack trainer (its own app now: qrpay-trainer, python -m trainer_app)")
    p.add_argument("--autoplay", action="store_true", help="attract mode: customers pay in a loop until a key or touch")
    p.add_argument("--once", action="store_true", help="with --autoplay: one sale, then exit 0 (non-zero on failure)")
    p.add_argument("--timeout", type=float, default=180.0, help="with --once: give up after this many seconds")
    p.add_argument("--phone-url", metavar="URL", type=_web_address,
                   help="the web wallet's address for a phone (qrpay demo --phone gives it): the Presenter "
                        "menu shows it as a QR")
    p.add_argument("--screen", help=argparse.SUPPRESS)
    return p


def _web_address(text: str) -> str:
    if not text.startswith(("http://", "https://")) or len(text) > 500 or not text.isprintable() or " " in text:
        raise argparse.ArgumentTypeError("give the web wallet's address, e.g. http://192.168.1.20:8765/wallet/")
    return text


def _start_trainer(argv: list[str]) -> int:
    """`--trainer` is a pointer to the trainer app, which the till does not import (import-linter's
    independence contract): the trainer's main runs in a process of its own, with the same
    arguments, and its exit status is the till's."""
    import subprocess

    return subprocess.call([sys.executable, "-m", "trainer_app", *argv])


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.trainer:
        return _start_trainer((["--db", args.db] if args.db else []) + (["--lang", args.lang] if args.lang else []))
    from ui_common.app import run_app
    from ui_common.kiosk import KIOSK_SCALE

    return run_app(prog=PROG, app_name="pos_app", args=args, scale=KIOSK_SCALE if args.kiosk else 1.0,
                   open_window=lambda app, core: _open_window(app, core, args))


def _open_window(app, core, args):
    from pos_app.main_window import PosWindow
    from shared.scanning import decoder_named
    from ui_common.app import apply_window_geometry
    from ui_common.kiosk import enter_kiosk
    from ui_common.launcher import DemoLink, keep_frame_in_tile

    demo = _demo_staff()
    ask = None
    if demo and demo[1] is not None:
        from ui_common.supervisor_pin import Approval
        sup = demo[1]
        ask = lambda *a, **k: Approval(sup[0], sup[1], "demo")  # noqa: E731 - screenshots only
    extra = {"confirm": lambda *_: True} if demo else {}
    window = PosWindow(core, terminal_id=args.terminal, camera=args.camera, decoder=decoder_named(args.decoder),
                       ask=ask, **extra)
    window.resize(1366, 768)
    placed = apply_window_geometry(window)
    link = DemoLink(window)
    phone_url = args.phone_url
    if phone_url is None and args.server:          # a classroom till: the server's own web wallet
        from shared.lan_address import phone_wallet_url
        phone_url = phone_wallet_url(args.server, args.world)
    window.set_demo_link(link, db_path=str(core.db.path), phone_url=phone_url)
    from pos_app.tour_driver import follow as follow_tour
    window.tour_follower = follow_tour(window, str(core.db.path))   # qrpay demo --tour
    if args.kiosk:
        enter_kiosk(window, idle_minutes=args.idle_minutes)
    if args.kiosk and not placed:
        window.showFullScreen()        # alone on the screen: truly full screen, no frame
    else:
        window.show()
        if placed:
            keep_frame_in_tile(window)
    if args.screen and demo:
        QTimer.singleShot(200, lambda: _drive(window, args.screen, demo[0]))
    if args.autoplay:
        player = _start_autoplay(window, core, once=args.once, timeout_s=args.timeout, link=link)
        if player is None:
            window.shutdown()
            return 2
        player.finished.connect(app.exit)    # the sale's status is the app's
    return window


def _start_autoplay(window, core, *, once: bool, timeout_s: float, link):
    from pos_app.autoplay import TillAutoplay
    from shared.demo_data import load_credentials

    creds = load_credentials(core.db.path)
    clerk = next((s for s in (creds or {}).get("staff", []) if s.get("role") == "clerk"), None)
    if clerk is None:
        print("qrpay-pos: --autoplay needs the demo accounts saved by `qrpay demo` beside the database",
              file=sys.stderr)
        return None
    player = TillAutoplay(window, clerk_id=int(clerk["id"]), pin=str(clerk["pin"]), once=once, timeout_s=timeout_s)
    player.link_to(link)
    window.autoplay = player
    player.start()
    return player


def _demo_staff():
    raw = os.environ.get("QRPAY_POS_DEMO", "")
    parts = raw.split(":")
    if len(parts) not in (2, 4) or not all(parts):
        return None
    clerk = (int(parts[0]), parts[1])
    sup = (int(parts[2]), parts[3]) if len(parts) == 4 else None
    return clerk, sup


def _drive(window, screen: str, clerk: tuple[int, str]) -> None:
    """Click through to `screen` the way a clerk would (screenshots of each state)."""
    if screen == "leave-kiosk":     # the real exit guard and its dialog (not the demo's stand-in approval)
        from ui_common.kiosk import KioskExitGuard
        KioskExitGuard(window, window.core)()
        return
    if screen == "signin":
        window.signin.staff_edit.setText(str(clerk[0]))
        return

    def after_signin() -> None:
        items = window.core.catalog.items()
        reduced = [i for i in items if i.tax_rate == 8][:2]
        standard = [i for i in items if i.tax_rate == 10][:2]
        for item in reduced + standard:
            window.add_item(item.jan)
        if reduced:
            window.add_item(reduced[0].jan)
        if screen in ("scanner", "receipt"):
            window.start_payment()
        elif screen in ("refund", "report", "alerts", "journal"):
            window.open_supervisor_area()
            QTimer.singleShot(600, lambda: _supervisor_tab(window, screen))

    sign_in_then(window, clerk, after_signin)


def sign_in_then(window, clerk: tuple[int, str], then: Callable[[], None], *, every_ms: int = 100) -> None:
    """Signs `clerk` (ID, PIN) in on the sign-in panel as a clerk would; `then()` once the shift is open
    (looked at every `every_ms`)."""
    window.signin.sign_in_as(*clerk)

    def wait() -> None:
        if window.shift is None:
            QTimer.singleShot(every_ms, wait)
        else:
            then()

    QTimer.singleShot(every_ms, wait)


def _supervisor_tab(window, screen: str) -> None:
    area = window.supervisor
    if screen == "refund":
        sales = window.core.sales.journal(window.terminal_id, area.journal.day.text())
        if sales:
            area.refunds.load(sales[-1].receipt_no)
            first = next(iter(area.refunds.spins.values()), None)
            if first is not None and first.maximum() > 0:
                first.setValue(1)
        area.tabs.setCurrentWidget(area.refunds)
    elif screen == "report":
        area.reports.show_x()
        area.tabs.setCurrentWidget(area.reports)
    elif screen == "journal":
        area.journal.table.selectRow(0)
        area.tabs.setCurrentWidget(area.journal)
    else:
        area.tabs.setCurrentWidget(area.alerts)


if __name__ == "__main__":
    sys.exit(main())
