"""`python -m pos_app [--db PATH] [--terminal ID] [--camera SOURCE] [--lang ja|en] [--decoder NAME]`

SOURCE: a webcam index (0), a video file (played in a loop at its frame rate), an image sequence
(frames/%04d.png), a still image or a folder of them, or "screen" / "screen:X,Y,W,H" (a region of
this screen: the single-laptop kiosk reading the wallet window).

For screenshots and demos only: `--screen till|scanner|receipt|refund|report|alerts|signin` drives
the window to that screen, signing in with the staff given in QRPAY_POS_DEMO="CLERK:PIN[:SUPERVISOR:PIN]".
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from PySide6.QtCore import QTimer


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qrpay-pos", description="The store clerk's till (qrpay-sim).")
    p.add_argument("--db", metavar="PATH", help="the database file (default: the per-user one)")
    p.add_argument("--terminal", metavar="ID", default="T1", help="this till's terminal id (default T1)")
    p.add_argument("--camera", metavar="SOURCE", default="0",
                   help='webcam index, video file, image pattern, image, or "screen[:X,Y,W,H]" (default 0)')
    p.add_argument("--lang", choices=("ja", "en"), help="UI language (default: the system's)")
    p.add_argument("--decoder", choices=("cascade", "zxing", "zbar"), default="cascade")
    p.add_argument("--kiosk", action="store_true",
                   help="full screen, large type, a supervisor PIN to leave, the cart discarded when idle")
    p.add_argument("--idle-minutes", type=float, default=3.0, help="kiosk idle reset after this long (default 3)")
    p.add_argument("--trainer", action="store_true", help="open the trainer window (policy, clock, attack scenarios)")
    p.add_argument("--screen", help=argparse.SUPPRESS)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.trainer:
        from pos_app.trainer_main import main as trainer_main
        return trainer_main((["--db", args.db] if args.db else []) + (["--lang", args.lang] if args.lang else []))
    from pos_app.main_window import PosWindow
    from shared.core import Core
    from shared.errors import QrpayError
    from shared.scanning import decoder_named
    from ui_common.app import install_excepthook, make_application, setup_logging

    setup_logging("pos_app")
    from ui_common.kiosk import KIOSK_SCALE
    app = make_application([sys.argv[0]], app_name="pos_app", lang=args.lang,
                           scale=KIOSK_SCALE if args.kiosk else 1.0)
    install_excepthook()
    try:
        core = Core.open(args.db)
    except QrpayError as e:
        print(f"qrpay-pos: {e.message}", file=sys.stderr)
        return 2
    demo = _demo_staff()
    ask = None
    if demo and demo[1] is not None:
        from pos_app.supervisor_pin import Approval
        sup = demo[1]
        ask = lambda *a, **k: Approval(sup[0], sup[1], "demo")  # noqa: E731 - screenshots only
    extra = {"confirm": lambda *_: True} if demo else {}
    window = PosWindow(core, terminal_id=args.terminal, camera=args.camera, decoder=decoder_named(args.decoder),
                       ask=ask, **extra)
    window.resize(1366, 768)
    from ui_common.app import apply_window_geometry
    placed = apply_window_geometry(window)
    if args.kiosk:
        _make_kiosk(window, idle_minutes=args.idle_minutes)
        if not placed:
            window.showFullScreen()
    window.show()
    if args.screen and demo:
        QTimer.singleShot(200, lambda: _drive(window, args.screen, demo[0]))
    code = app.exec()
    core.close()
    return code


def _make_kiosk(window, *, idle_minutes: float) -> None:
    from pos_app.supervisor_pin import SupervisorPinDialog
    from shared.errors import QrpayError
    from ui_common.kiosk import IdleWatcher

    watcher = IdleWatcher(minutes=idle_minutes, parent=window)
    watcher.idle.connect(window.reset_for_next_customer)
    window.idle_watcher = watcher

    def guard() -> bool:
        approval = SupervisorPinDialog.ask(window, action=window.tr("Leave kiosk mode"))
        if approval is None:
            return False
        try:
            window.core.staff.require_supervisor(approval.supervisor_id, approval.pin)
        except QrpayError:  # a wrong PIN keeps the kiosk running; the core audited the failure
            return False
        return True

    window.exit_guard = guard


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
    if screen == "signin":
        window.signin.staff_edit.setText(str(clerk[0]))
        return
    window.signin.staff_edit.setText(str(clerk[0]))
    window.signin.pin_edit.setText(clerk[1])
    window.signin.submit()

    def after_signin() -> None:
        if window.shift is None:
            QTimer.singleShot(100, after_signin)
            return
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

    QTimer.singleShot(100, after_signin)


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
