"""The kiosk demo: the till, the wallet and the authenticator side by side, each in its own process.

`qrpay demo` prepares the database and runs this module; it reads the screen size with Qt, tiles
the three windows to fit (1366×768 and 1920×1080 both work), starts them, and waits. Closing one
window does not close the others; Ctrl+C stops them all.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    x: int
    y: int
    w: int
    h: int

    def env(self) -> str:
        return f"{self.x},{self.y},{self.w},{self.h}"


def tiles(width: int, height: int, *, left: int = 0, top: int = 0) -> dict[str, Tile]:
    """Till on the left (≈62%), wallet at the top right, authenticator under it."""
    gap = 6
    pos_w = int(width * 0.62)
    right_x = left + pos_w + gap
    right_w = width - pos_w - gap
    auth_h = max(170, int(height * 0.24))
    wallet_h = height - auth_h - gap
    return {
        "pos": Tile(left, top, pos_w, height),
        "wallet": Tile(right_x, top, right_w, wallet_h),
        "authenticator": Tile(right_x, top + wallet_h + gap, right_w, auth_h),
    }


def screen_size() -> tuple[int, int, int, int]:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    geo = app.primaryScreen().availableGeometry()
    return geo.x(), geo.y(), geo.width(), geo.height()


def commands(db: str, *, lang: str | None, kiosk: bool, camera: str | None) -> dict[str, list[str]]:
    py = sys.executable
    extra = (["--lang", lang] if lang else []) + (["--kiosk"] if kiosk else [])
    pos = [py, "-m", "pos_app", "--db", db] + extra + (["--camera", camera] if camera else [])
    return {
        "pos": pos,
        "wallet": [py, "-m", "wallet_app", "--db", db, "--profile", "kiosk-phone"] + extra,
        "authenticator": [py, "-m", "wallet_app", "--db", db, "--authenticator"] + (["--lang", lang] if lang else []),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="qrpay demo")
    p.add_argument("--db", required=True)
    p.add_argument("--lang", choices=("ja", "en"))
    p.add_argument("--kiosk", action="store_true")
    p.add_argument("--camera", help="the till's camera source (default: a webcam if present, else the screen)")
    args = p.parse_args(argv)
    x, y, w, h = screen_size()
    layout = tiles(w, h, left=x, top=y)
    procs = []
    for name, cmd in commands(args.db, lang=args.lang, kiosk=args.kiosk, camera=args.camera).items():
        env = dict(os.environ, QRPAY_GEOMETRY=layout[name].env())
        procs.append(subprocess.Popen(cmd, env=env))
    try:
        for proc in procs:
            proc.wait()
    except KeyboardInterrupt:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=10)
    return max((proc.returncode or 0) for proc in procs) if procs else 0


if __name__ == "__main__":
    sys.exit(main())
