"""The kiosk demo: the till, the wallet and the authenticator side by side, each in its own process.

`qrpay demo` prepares the database, takes the demo's lock and becomes this module; it reads the
screen size with Qt, tiles the three windows to fit (1366×768 and 1920×1080 both work), starts
them, and watches them:

- closing the till, Ctrl+C, SIGTERM or SIGHUP end the demo: every window closes;
- each app watches this process too (`QRPAY_DEMO_LAUNCHER_PID`) and quits if it disappears, so
  even a killed launcher leaves no window behind;
- SIGUSR1 is a request, its words in `<db>.demo.request`: "show" (reopen a closed wallet or
  authenticator, raise every window: what a second `qrpay demo` and the till's Presenter menu
  ask), "reset" (close everything, seed a fresh database, start again), "hand-over" (a person
  touched a window during autoplay: every app stops its autoplay);
- `--autoplay --once`: the till's exit code is the demo's (0 once the sale is recorded), and
  everything is closed after `--timeout` seconds at the latest (exit 1).

The apps' side of these requests is `DemoLink` below.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REQUEST_SHOW, REQUEST_RESET, REQUEST_HAND_OVER = "show", "reset", "hand-over"
SERVER = "server"      # `qrpay demo --phone`: `qrpay serve`, a process without a window
ENV_PID, ENV_REQUEST = "QRPAY_DEMO_LAUNCHER_PID", "QRPAY_DEMO_REQUEST_FILE"


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


TOUR_SHARE = 0.21            # the narration panel's share of the width (--tour)
TILL_MIN_WIDTH, TILL_MIN_HEIGHT = 760, 560    # pos_app's window minimum
FRAME_ALLOWANCE, FRAME_SIDES = 32, 8          # room for a window manager's title bar and borders
PHONE_MIN_WIDTH = 320


def tour_tiles(width: int, height: int, *, left: int = 0, top: int = 0) -> dict[str, Tile]:
    """`--tour`: the till at the top left with the authenticator under it (as wide as the till, so
    its codes show whole), the wallet as a phone of the full height beside them, the narration
    panel on the right (1366×768: 768 + 320 + 266 wide)."""
    gap = 6
    # the till's frame (a title bar, ~30 px) must fit around its minimum height
    pos_h = max(TILL_MIN_HEIGHT + FRAME_ALLOWANCE, int(height * 0.76))
    auth_h = height - pos_h - gap
    till_w = TILL_MIN_WIDTH + FRAME_SIDES
    tour_w = max(270, int(width * TOUR_SHARE))
    phone_w = max(PHONE_MIN_WIDTH, min(round(height * 9 / 19.5), width - till_w - tour_w - 2 * gap))
    pos_w = max(till_w, width - tour_w - phone_w - 2 * gap)
    tour_w = width - pos_w - phone_w - 2 * gap
    wallet_x = left + pos_w + gap
    return {
        "pos": Tile(left, top, pos_w, pos_h),
        "authenticator": Tile(left, top + pos_h + gap, pos_w, auth_h),
        "wallet": Tile(wallet_x, top, phone_w, height),
        "tour": Tile(wallet_x + phone_w + gap, top, tour_w, height),
    }


def screen_size(*, full: bool = False) -> tuple[int, int, int, int]:
    """The primary screen's available area (its whole area with `full`: the kiosk covers the panels)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    screen = app.primaryScreen()
    geo = screen.geometry() if full else screen.availableGeometry()
    return geo.x(), geo.y(), geo.width(), geo.height()


def commands(db: str, *, lang: str | None, kiosk: bool, camera: str | None, autoplay: bool = False,
             once: bool = False, timeout: float | None = None, tour: bool = False,
             phone: tuple[str, int, bool] | None = None) -> dict[str, list[str]]:
    """The command of each process; `phone` (host, port, tls): `qrpay serve` on that address for the
    presenter's phone, and the till's Presenter menu shows the web wallet's address."""
    py = sys.executable
    extra = (["--lang", lang] if lang else []) + (["--kiosk"] if kiosk else [])
    play = ["--autoplay"] if autoplay else []
    pos = [py, "-m", "pos_app", "--db", db] + extra + (["--camera", camera] if camera else []) + play
    if phone is not None:
        from shared.lan_address import wallet_url
        pos += ["--phone-url", wallet_url(phone[0], phone[1], tls=phone[2])]
    if autoplay and once:
        pos += ["--once"] + (["--timeout", str(timeout)] if timeout else [])
    out = {
        "pos": pos,
        "wallet": [py, "-m", "wallet_app", "--db", db, "--profile", "kiosk-phone"] + extra + play,
        "authenticator": [py, "-m", "wallet_app", "--db", db, "--authenticator"] + (["--lang", lang] if lang else []),
    }
    if tour:   # the narration panel (ui_common/tour_panel.py); the apps follow it (ui_common/tour_link.py)
        out["tour"] = [py, "-m", "ui_common.tour_panel", "--db", db] + (["--lang", lang] if lang else [])
    if phone is not None:   # no window: the web wallet and the API on the laptop's network address
        out[SERVER] = [py, "-m", "shared.cli.main", "serve", "--db", db, "--host", phone[0],
                       "--port", str(phone[1])] + (["--tls"] if phone[2] else [])
    return out


class Launcher:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.db = str(args.db)
        self.request_file = Path(self.db + ".demo.request")
        full = bool(args.kiosk)
        x, y, w, h = screen_size(full=full)
        self.tour = bool(getattr(args, "tour", False))
        self.layout = (tour_tiles if self.tour else tiles)(w, h, left=x, top=y)
        phone = (args.phone_host, args.phone_port, bool(args.tls)) if getattr(args, "phone_host", None) else None
        self.cmds = commands(self.db, lang=args.lang, kiosk=args.kiosk, camera=args.camera, autoplay=args.autoplay,
                             once=args.once, timeout=args.timeout, tour=self.tour, phone=phone)
        self.procs: dict[str, subprocess.Popen] = {}
        self._pending: list[int] = []
        self._server_reported = False

    def start(self, name: str) -> None:
        if name == SERVER:     # a server, not an app: it dies with the launcher (Linux), even a killed one
            self.procs[name] = subprocess.Popen(self.cmds[name], preexec_fn=_server_child)
            return
        env = dict(os.environ, QRPAY_GEOMETRY=self.layout[name].env(), **{ENV_PID: str(os.getpid()),
                   ENV_REQUEST: str(self.request_file)})
        if self.args.kiosk:
            env["QRPAY_FRAMELESS"] = "1"
        if self.tour:
            from ui_common.tour_link import ENV_TOUR, tour_file_for
            env[ENV_TOUR] = str(tour_file_for(self.db))
        # SIGUSR1 ignored until the app's DemoLink handles it: a request that arrives while the
        # app is still starting (seconds on a busy laptop) must not kill it (the default action).
        self.procs[name] = subprocess.Popen(self.cmds[name], env=env, preexec_fn=_ignore_requests)

    def start_all(self) -> None:
        if self.tour:
            from ui_common.tour_link import clear, tour_file_for
            clear(tour_file_for(self.db))
        for name in self.cmds:
            self.start(name)

    def stop_all(self, timeout: float = 10.0) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def signal_children(self, sig: int) -> None:
        for name, proc in self.procs.items():
            if name != SERVER and proc.poll() is None:
                try:
                    proc.send_signal(sig)
                except OSError:
                    pass

    def handle_request(self) -> None:
        try:
            word = self.request_file.read_text(encoding="utf-8").strip() or REQUEST_SHOW
            self.request_file.unlink(missing_ok=True)
        except OSError:
            word = REQUEST_SHOW
        if word == REQUEST_RESET:
            from shared.cli.demo_cmds import prepare

            self.stop_all()        # the server too: it must not keep the deleted database open
            prepare(Path(self.db), reset=True, policy=None)
            self._server_reported = False
            self.start_all()
        elif word == REQUEST_HAND_OVER:
            self._tell_children(REQUEST_HAND_OVER)
        else:
            for name in ("wallet", "authenticator"):
                if self.procs[name].poll() is not None:
                    self.start(name)
            self._tell_children(REQUEST_SHOW)

    def _tell_children(self, word: str) -> None:
        if hasattr(signal, "SIGUSR1"):
            self.request_file.with_suffix(".children").write_text(word, encoding="utf-8")
            self.signal_children(signal.SIGUSR1)

    def run(self) -> int:
        ending: list[int] = []
        for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                signal.signal(sig, lambda s, _f: ending.append(s))
        if hasattr(signal, "SIGUSR1"):
            signal.signal(signal.SIGUSR1, lambda s, _f: self._pending.append(s))
        self.request_file.unlink(missing_ok=True)
        self.start_all()
        deadline = time.monotonic() + self.args.timeout if self.args.once else None
        code = 0
        while True:
            time.sleep(0.2)
            if ending:
                code = 130 if ending[0] == signal.SIGINT else 143
                break
            if self._pending:
                self._pending.clear()
                self.handle_request()
            server = self.procs.get(SERVER)
            if server is not None and server.poll() is not None and not self._server_reported:
                self._server_reported = True
                sys.stderr.write(f"qrpay demo: the phone wallet's server stopped (exit {server.returncode}); "
                                 "the desktop demo goes on\n")
            pos = self.procs["pos"].poll()
            if pos is not None:        # closing the till ends the demo
                code = pos
                if pos != 0:
                    sys.stderr.write(f"qrpay demo: the till exited with code {pos}\n")
                break
            if deadline is not None and time.monotonic() > deadline:
                sys.stderr.write("qrpay demo: --once timed out before a sale was recorded\n")
                code = 1
                break
        self.stop_all()
        return code


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="qrpay demo")
    p.add_argument("--db", required=True)
    p.add_argument("--lang", choices=("ja", "en"))
    p.add_argument("--kiosk", action="store_true")
    p.add_argument("--camera", help="the till's source (default: the last choice, else a webcam if present, "
                                    "else the screen)")
    p.add_argument("--autoplay", action="store_true")
    p.add_argument("--once", action="store_true")
    p.add_argument("--timeout", type=float, default=180.0)
    p.add_argument("--tour", action="store_true", help="the presenter's tour: a narration panel drives the windows")
    p.add_argument("--phone-host", help="qrpay demo --phone: serve the web wallet on this address")
    p.add_argument("--phone-port", type=int, default=8765)
    p.add_argument("--tls", action="store_true", help="with --phone-host: HTTPS (self-signed)")
    p.add_argument("--lock-fd", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.lock_fd is None:  # started directly, not by `qrpay demo`: take the lock here
        from shared.cli.demo_cmds import bring_to_front, take_demo_lock
        from shared.errors import QrpayError

        try:
            args.lock_fd = take_demo_lock(Path(args.db))
        except QrpayError as e:
            bring_to_front(int(e.details.get("pid") or 0))
            sys.stderr.write(f"qrpay demo: {e.message}\n")
            return 3
    return Launcher(args).run()


# -- the apps' side ---------------------------------------------------------------------------------
class DemoLink:
    """In an app the launcher started: quit when the launcher is gone, raise the window or stop
    autoplay when it asks, and send it requests (`request("show")` reopens a closed wallet).

    Python runs signal handlers only between bytecodes, and a Qt event loop idles in C++; a
    500 ms timer gives the handlers (and the launcher check) a chance to run."""

    def __init__(self, window, *, on_hand_over=None) -> None:
        from PySide6.QtCore import QTimer

        self.window = window
        self.on_hand_over = on_hand_over
        self.launcher_pid = int(os.environ.get(ENV_PID, "0") or 0)
        self.request_file = Path(os.environ.get(ENV_REQUEST, "")) if os.environ.get(ENV_REQUEST) else None
        self._signals: list[int] = []
        if hasattr(signal, "SIGUSR1"):
            signal.signal(signal.SIGUSR1, lambda s, _f: self._signals.append(s))
        # SIGTERM from the launcher: leave the event loop (windows close, the database is closed).
        signal.signal(signal.SIGTERM, lambda s, _f: self._signals.append(s))
        if os.environ.get("QRPAY_FRAMELESS") and self.active:
            _frameless(window)
        self._timer = QTimer(window)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._check)
        self._timer.start()

    @property
    def active(self) -> bool:
        return self.launcher_pid > 0

    def _check(self) -> None:
        from PySide6.QtWidgets import QApplication

        if self.active and not _alive(self.launcher_pid):
            QApplication.instance().exit(0)
            return
        while self._signals:
            sig = self._signals.pop(0)
            if sig == signal.SIGTERM:
                QApplication.instance().exit(0)
                return
            word = REQUEST_SHOW
            if self.request_file is not None:
                try:
                    word = self.request_file.with_suffix(".children").read_text(encoding="utf-8").strip()
                except OSError:
                    pass
            if word == REQUEST_HAND_OVER:
                if self.on_hand_over is not None:
                    self.on_hand_over()
            else:
                self.window.showNormal() if self.window.isMinimized() else None
                self.window.raise_()
                self.window.activateWindow()

    def request(self, word: str) -> bool:
        """Ask the launcher for `word`; False when not started by a launcher."""
        if not self.active or self.request_file is None or not hasattr(signal, "SIGUSR1"):
            return False
        self.request_file.write_text(word, encoding="utf-8")
        try:
            os.kill(self.launcher_pid, signal.SIGUSR1)
        except OSError:
            return False
        return True


def keep_frame_in_tile(window) -> None:
    """A window manager adds a title bar and borders around the geometry the launcher asked for,
    which pushes the window's bottom off the screen and over its neighbour: once the frame is
    known, shrink the window so that its frame, not its inside, fills the tile."""
    from PySide6.QtCore import QRect, QTimer

    spec = os.environ.get("QRPAY_GEOMETRY", "")
    try:
        x, y, w, h = (int(v) for v in spec.split(","))
    except ValueError:
        return
    tile = QRect(x, y, w, h)

    def fit() -> None:
        frame, inner = window.frameGeometry(), window.geometry()
        left, top = inner.x() - frame.x(), inner.y() - frame.y()
        right, bottom = frame.right() - inner.right(), frame.bottom() - inner.bottom()
        if (left, top, right, bottom) != (0, 0, 0, 0) and not tile.contains(frame):
            window.setGeometry(tile.adjusted(left, top, -right, -bottom))

    QTimer.singleShot(400, fit)   # the frame is known once the window manager has framed the window


def _server_child() -> None:
    """The server's child side: SIGTERM when the launcher dies (Linux's PR_SET_PDEATHSIG), so even a
    killed launcher leaves no server listening on the network."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _ignore_requests() -> None:
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)


def _frameless(window) -> None:
    """The kiosk demo: no title bars, above the desktop's panels; the tiles cover the whole screen."""
    from PySide6.QtCore import Qt

    geometry = window.geometry()
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
    window.setGeometry(geometry)
    window.show()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if __name__ == "__main__":
    sys.exit(main())
