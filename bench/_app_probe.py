"""Runs an app (`pos_app` or `wallet_app`) unchanged, and notes from inside its process:
- when its first top-level window has been painted (wall-clock, compared with the launcher's
  time taken just before it started this process, QRPAY_BENCH_T0);
- its peak RSS (VmHWM) after `--idle` seconds of doing nothing;
- for the till with `--scan S`: after signing in a clerk (QRPAY_POS_DEMO="ID:PIN"), ringing up two
  items and opening the scanner on the app's --camera source, its peak RSS after S seconds of
  scanning and the number of frames decoded.
Then it quits the app the normal way and writes JSON to `--out`.

    python -m bench._app_probe --out r.json --idle 2 --scan 5 pos_app -- --db X --camera clip.avi
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time


def vm(field: str) -> int:
    """A /proc/self/status field in kB (VmHWM: peak resident set; VmRSS: now)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("app", choices=("pos_app", "wallet_app"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--idle", type=float, default=2.0)
    ap.add_argument("--scan", type=float, default=0.0)
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    app_argv = [x for x in a.rest if x != "--"]
    t_launch = float(os.environ["QRPAY_BENCH_T0"])
    result: dict = {"app": a.app, "argv": app_argv, "platform": os.environ.get("QT_QPA_PLATFORM", "xcb")}

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    import ui_common.app as ui_app

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, obj, event):  # noqa: N802
            if not self.seen and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.isWindow():
                self.seen = True
                result["first_paint_widget"] = type(obj).__name__
                QTimer.singleShot(0, after_paint)  # runs once this paint has been done
            return False

    watcher = FirstPaint()

    def after_paint() -> None:
        result["first_paint_s"] = round(time.time() - t_launch, 4)
        result["rss_at_first_paint_mb"] = round(vm("VmRSS") / 1024, 1)
        QTimer.singleShot(int(a.idle * 1000), after_idle)

    def after_idle() -> None:
        result["peak_rss_idle_mb"] = round(vm("VmHWM") / 1024, 1)
        if a.scan > 0 and a.app == "pos_app":
            start_scanning()
        else:
            QApplication.instance().quit()

    def start_scanning() -> None:
        from pos_app.__main__ import _demo_staff, sign_in_then
        from pos_app.main_window import PosWindow

        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PosWindow))
        clerk, _ = _demo_staff()

        def when_signed_in() -> None:
            items = window.core.catalog.items()
            window.add_item(items[0].jan)
            window.add_item(items[1].jan)
            window.start_payment()
            t0 = time.monotonic()

            def done() -> None:
                scan = window.scanner._scan
                result["scanning"] = window.scanner.scanning
                result["frames_decoded"] = scan.worker.frames_decoded if scan is not None else 0
                result["scan_seconds"] = round(time.monotonic() - t0, 2)
                result["peak_rss_scanning_mb"] = round(vm("VmHWM") / 1024, 1)
                QApplication.instance().quit()

            QTimer.singleShot(int(a.scan * 1000), done)

        sign_in_then(window, clerk, when_signed_in, every_ms=50)

    real_make = ui_app.make_application

    def make_application(*args, **kwargs):
        app = real_make(*args, **kwargs)
        app.installEventFilter(watcher)
        return app

    ui_app.make_application = make_application
    if a.app == "pos_app":
        import pos_app.__main__ as entry
    else:
        import wallet_app.__main__ as entry
    code = entry.main(app_argv)
    result["exit_code"] = code
    with open(a.out, "w") as f:
        json.dump(result, f)
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
