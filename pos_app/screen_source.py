"""A frame source that reads a region of the screen: the single-laptop kiosk, where the till
"sees" the wallet window next to it instead of a phone held up to a webcam.

Screen grabs must happen on the GUI thread, while frame sources are read by the scan worker's
thread. So `ScreenGrabber` (a QObject on the GUI thread) grabs on a timer while a source is
attached and keeps only the newest frame; `ScreenSource.read()` hands that frame to the worker.
Spec: "screen" (the primary screen) or "screen:X,Y,W,H" (a region in screen pixels).
"""
from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QGuiApplication, QImage

from shared.scanning import CameraError


def parse_screen_spec(spec: str) -> QRect | None:
    """None for the whole screen, else the region; CameraError for anything else."""
    if spec == "screen":
        return None
    if not spec.startswith("screen:"):
        raise CameraError(f"not a screen source: {spec[:40]}", source=spec[:40])
    try:
        x, y, w, h = (int(v) for v in spec[len("screen:"):].split(","))
    except ValueError:
        raise CameraError("a screen region is screen:X,Y,WIDTH,HEIGHT", source=spec[:40]) from None
    if w < 16 or h < 16:
        raise CameraError("the screen region is too small to hold a code", source=spec[:40])
    return QRect(x, y, w, h)


def qimage_to_bgr(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=stride * h).reshape(h, stride)
    rgb = arr[:, : w * 3].reshape(h, w, 3)
    return np.ascontiguousarray(rgb[:, :, ::-1])


class ScreenGrabber(QObject):
    """Lives on the GUI thread; grabs `region` of the primary screen ~10 times a second while active."""

    def __init__(self, region: QRect | None = None, *, interval_ms: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.region = region
        self._lock = threading.Lock()
        self._latest: np.ndarray | None = None
        self._active = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._grab)
        self._timer.start()

    def _grab(self) -> None:
        if not self._active.is_set():
            return
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return
        r = self.region
        pixmap = screen.grabWindow(0, r.x(), r.y(), r.width(), r.height()) if r else screen.grabWindow(0)
        if pixmap.isNull():
            return
        frame = qimage_to_bgr(pixmap.toImage())
        with self._lock:
            self._latest = frame

    def activate(self, on: bool) -> None:
        if on:
            self._active.set()
        else:
            self._active.clear()
            with self._lock:
                self._latest = None

    def take(self) -> np.ndarray | None:
        with self._lock:
            frame, self._latest = self._latest, None
            return frame


class ScreenSource:
    """The FrameSource the scan worker reads; the grabbing itself happens on the GUI thread."""

    is_live = True

    def __init__(self, grabber: ScreenGrabber, *, description: str = "screen") -> None:
        self._grabber = grabber
        self.description = description
        self._released = False
        grabber.activate(True)

    @property
    def ended(self) -> bool:
        return False

    @property
    def failed(self) -> bool:
        return False

    def read(self) -> np.ndarray | None:
        if self._released:
            return None
        frame = self._grabber.take()
        if frame is None:
            threading.Event().wait(0.02)  # nothing new on screen yet; do not spin the worker
        return frame

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._grabber.activate(False)
