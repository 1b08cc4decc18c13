"""How the tour's narration panel tells the wallet and the till what to show (`qrpay demo --tour`).

The windows are separate processes, so the panel writes its orders to a small JSON file beside the
database (`<db>.demo.tour`, path in env `QRPAY_TOUR_FILE`, set by the launcher): one order per app,
numbered. Each app follows the file with a `TourFollower` (a 300 ms check of the file's time
stamp), hands a new order to its own driver (wallet_app/tour_driver.py, pos_app/tour_driver.py:
they work the real widgets, the way autoplay does) and writes back how it went in
`<file>.<app>.ack`. In tests the panel talks to the drivers directly (`LocalChannel`).

An order is `{"action": ..., ...}`; the drivers document theirs. The reply is
`{"seq": n, "state": "busy" | "done" | "failed", "detail": "..."}`.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Callable, Protocol

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

ENV_TOUR = "QRPAY_TOUR_FILE"
WALLET, TILL = "wallet", "till"
BUSY, DONE, FAILED = "busy", "done", "failed"
FOLLOW_MS = 300


def tour_file_for(db: str | os.PathLike[str]) -> Path:
    return Path(str(db) + ".demo.tour")


class Driver(Protocol):
    def handle(self, order: dict[str, Any], reply: Callable[[str, str], None]) -> None:
        """Carry out `order`; call reply(state, detail) with DONE or FAILED when over (BUSY is implied)."""


class Channel(Protocol):
    def send(self, app: str, order: dict[str, Any]) -> int: ...

    def state(self, app: str, seq: int) -> tuple[str, str]: ...


class LocalChannel:
    """The drivers in this process (tests, and a panel opened beside windows it owns)."""

    def __init__(self, drivers: dict[str, Driver]) -> None:
        self.drivers = drivers
        self._seq = 0
        self._states: dict[tuple[str, int], tuple[str, str]] = {}

    def send(self, app: str, order: dict[str, Any]) -> int:
        self._seq += 1
        seq = self._seq
        driver = self.drivers.get(app)
        if driver is None:
            self._states[(app, seq)] = (DONE, "no such window")
            return seq
        self._states[(app, seq)] = (BUSY, "")
        driver.handle(dict(order), lambda state, detail="", s=seq: self._states.__setitem__((app, s), (state, detail)))
        return seq

    def state(self, app: str, seq: int) -> tuple[str, str]:
        return self._states.get((app, seq), (BUSY, ""))


class FileChannel:
    """The orders file the launcher's apps follow."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._orders: dict[str, dict[str, Any]] = {}
        self._seq = int(self._read(self.path).get("seq", 0))

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def send(self, app: str, order: dict[str, Any]) -> int:
        self._seq += 1
        self._orders[app] = dict(order, seq=self._seq)
        _write_atomically(self.path, {"seq": self._seq, "orders": self._orders})
        return self._seq

    def state(self, app: str, seq: int) -> tuple[str, str]:
        ack = self._read(ack_path(self.path, app))
        if ack.get("seq") != seq:
            return BUSY, ""
        return str(ack.get("state", BUSY)), str(ack.get("detail", ""))


def clear(path: Path) -> None:
    """No orders (the launcher, before it starts the windows): an app that starts late still gets
    the panel's first order, and none from an earlier demo."""
    for p in (Path(path), *(ack_path(Path(path), app) for app in (WALLET, TILL))):
        p.unlink(missing_ok=True)


def ack_path(path: Path, app: str) -> Path:
    return Path(f"{path}.{app}.ack")


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


class TourFollower(QObject):
    """In an app: carry out the tour panel's newest order for `app` with `driver`."""

    def __init__(self, parent: QObject, app: str, driver: Driver, path: Path) -> None:
        super().__init__(parent)
        self.app, self.driver, self.path = app, driver, Path(path)
        self._stamp: float | None = None
        self._done_seq = 0       # the launcher empties the file before it starts the apps (clear())
        self._timer = QTimer(self)
        self._timer.setInterval(FOLLOW_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        try:
            stamp = self.path.stat().st_mtime_ns
        except OSError:
            return
        if stamp == self._stamp:
            return
        self._stamp = stamp
        order = FileChannel._read(self.path).get("orders", {}).get(self.app)
        if not isinstance(order, dict) or int(order.get("seq", 0)) <= self._done_seq:
            return
        seq = self._done_seq = int(order["seq"])
        self._reply(seq, BUSY, "")
        try:
            self.driver.handle(order, lambda state, detail="": self._reply(seq, state, detail))
        except Exception as e:  # a driver's bug must not end the till or the wallet
            log.exception("tour order %s failed", order.get("action"))
            self._reply(seq, FAILED, f"{type(e).__name__}: {e}")

    def _reply(self, seq: int, state: str, detail: str) -> None:
        if seq != self._done_seq:      # a newer order took over
            return
        try:
            _write_atomically(ack_path(self.path, self.app), {"seq": seq, "state": state, "detail": detail})
        except OSError as e:
            log.warning("tour reply not written: %s", e)


def follow_tour(window: QObject, app: str, make_driver: Callable[[], Driver]) -> TourFollower | None:
    """Started by `qrpay demo --tour` (env QRPAY_TOUR_FILE): follow the panel's orders."""
    path = os.environ.get(ENV_TOUR, "")
    if not path:
        return None
    return TourFollower(window, app, make_driver(), Path(path))
