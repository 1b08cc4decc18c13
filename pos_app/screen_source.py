"""A frame source that reads the screen: the single-laptop kiosk, where the till "sees" the
wallet window next to it instead of a phone held up to a webcam.

Two modes, from the spec:
- "screen": the till finds the code by itself. It grabs the whole screen with its own window
  painted over (so the preview never shows the till inside itself), looks for a QR code, and
  once it finds one it locks onto that region (the code plus a margin) and grabs only that. When
  the code is gone for `LOST_AFTER_FRAMES` grabs (the wallet went back home, moved, or hid its
  code) it searches the whole screen again. No contract with the wallet's process is needed.
- "screen:X,Y,W,H": exactly that region of the screen (screen pixels), never searched.

Screen grabs must happen on the GUI thread, while frame sources are read by the scan worker's
thread. So `ScreenGrabber` (a QObject on the GUI thread) grabs on a timer while a source is
attached and keeps only the newest frame; `ScreenSource.read()` hands that frame to the worker
and, in search mode, runs the locator there (off the GUI thread) and tells the grabber where to
look next.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

from pos_app.scan_worker import SourceFactory
from shared.scanning import CameraError, open_source

log = logging.getLogger(__name__)

LOST_AFTER_FRAMES = 15      # ~1.5 s of grabs without the code before searching the whole screen again
MARGIN = 0.35               # the locked region: the code plus this much of its size on every side
MIN_MARGIN_PX = 24
MASK_COLOUR = "#1f2430"     # the till's own window in a grab: the preview's background, not a grey block


def parse_screen_spec(spec: str) -> QRect | None:
    """None for "find the code on the screen", else the fixed region; CameraError for anything else."""
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


@dataclass(frozen=True)
class Grab:
    """One grabbed frame and where it came from: screen pixel (x, y) of frame pixel (0, 0) and
    the frame's pixels per screen pixel (2 on a 200 % display)."""

    frame: np.ndarray
    x: int
    y: int
    scale: float


def lock_region(corners, grab: Grab, screen: QRect) -> QRect:
    """The screen rectangle to watch for a code found at `corners` (frame pixels) of `grab`."""
    xs = [grab.x + cx / grab.scale for cx, _ in corners]
    ys = [grab.y + cy / grab.scale for _, cy in corners]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    margin = max(MIN_MARGIN_PX, MARGIN * max(right - left, bottom - top))
    rect = QRect(int(left - margin), int(top - margin), int(right - left + 2 * margin), int(bottom - top + 2 * margin))
    return rect.intersected(screen)


class ScreenGrabber(QObject):
    """Lives on the GUI thread; grabs ~10 times a second while a source is attached.

    `region`: a fixed region, or None to search (then `locked` is where the code was last found).
    `exclude`: returns the screen rectangle to paint over in every grab (the till's own window).
    """

    def __init__(self, region: QRect | None = None, *, exclude: Callable[[], QRect | None] | None = None,
                 interval_ms: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.region = region
        self._exclude = exclude
        self._lock = threading.Lock()
        self._latest: Grab | None = None
        self._locked: QRect | None = None
        self._active = threading.Event()
        self.grabs = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._grab)
        self._timer.start()

    @property
    def searching(self) -> bool:
        return self.region is None

    @property
    def locked(self) -> QRect | None:
        with self._lock:
            return QRect(self._locked) if self._locked is not None else None

    def lock_on(self, rect: QRect | None) -> None:
        """Called from the worker's thread: grab only `rect` from now on (None: the whole screen)."""
        with self._lock:
            self._locked = QRect(rect) if rect is not None else None
            self._latest = None   # a frame of the old area must not be taken for the new one

    def screen_rect(self) -> QRect:
        screen = QGuiApplication.primaryScreen()
        return screen.geometry() if screen is not None else QRect()

    def _grab(self) -> None:
        if not self._active.is_set():
            return
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = self.region or self.locked or screen.geometry()
        pixmap = screen.grabWindow(0, area.x(), area.y(), area.width(), area.height())
        if pixmap.isNull() or pixmap.width() == 0:
            return
        image = pixmap.toImage()
        scale = image.width() / max(1, area.width())
        exclude = self._exclude() if self._exclude is not None else None
        if exclude is not None and exclude.intersects(area):
            hidden = exclude.intersected(area).translated(-area.x(), -area.y())
            p = QPainter(image)
            p.fillRect(int(hidden.x() * scale), int(hidden.y() * scale), int(hidden.width() * scale) + 1,
                       int(hidden.height() * scale) + 1, QColor(MASK_COLOUR))
            p.end()
        grab = Grab(qimage_to_bgr(image), area.x(), area.y(), scale)
        with self._lock:
            self._latest = grab
            self.grabs += 1

    def activate(self, on: bool) -> None:
        if on:
            self._active.set()
        else:
            self._active.clear()
            with self._lock:
                self._latest = None
                self._locked = None

    def take(self) -> Grab | None:
        with self._lock:
            grab, self._latest = self._latest, None
            return grab


def _qr_locator():
    from shared.scanning.decoders import ZxingDecoder

    decoder = ZxingDecoder(symbologies=("QRCode",))

    def locate(frame: np.ndarray):
        found, candidates = decoder.decode_with_candidates(frame)
        if found:
            return found[0].corners
        return candidates[0] if candidates else None

    return locate


class ScreenSource:
    """The FrameSource the scan worker reads; the grabbing itself happens on the GUI thread."""

    is_live = True

    def __init__(self, grabber: ScreenGrabber, *, description: str = "screen",
                 locate: Callable[[np.ndarray], object] | None = None) -> None:
        self._grabber = grabber
        self.description = description
        self._released = False
        self._misses = 0
        self._locate = locate if locate is not None else (_qr_locator() if grabber.searching else None)
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
        grab = self._grabber.take()
        if grab is None:
            threading.Event().wait(0.02)  # nothing new on screen yet; do not spin the worker
            return None
        if self._locate is not None:
            self._follow(grab)
        return grab.frame

    def _follow(self, grab: Grab) -> None:
        corners = self._locate(grab.frame)
        locked = self._grabber.locked
        if corners is not None:
            self._misses = 0
            if locked is None:
                self._grabber.lock_on(lock_region(corners, grab, self._grabber.screen_rect()))
            return
        if locked is not None:
            self._misses += 1
            if self._misses >= LOST_AFTER_FRAMES:
                self._misses = 0
                self._grabber.lock_on(None)

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._grabber.activate(False)


# -- choosing the source: a --camera spec, "screen[:x,y,w,h]" or "auto" -----------------------------
SOURCE_AUTO = "auto"


def default_source_factory(spec: str, *, screen_grabber_for: Callable[[str], object] | None = None,
                           open_camera: Callable[[str], object] | None = None) -> SourceFactory:
    """A zero-argument opener for a --camera spec; files loop and play in real time (a demo
    "camera"), a digit is a webcam, "screen[:x,y,w,h]" the screen, and "auto" webcam 0 if one
    opens, else the screen (the one-laptop demo needs no choice and no click)."""
    opener = open_camera or _open_looping
    if not (spec.startswith("screen") or spec == SOURCE_AUTO):
        return partial(opener, spec)
    if screen_grabber_for is None:
        raise ValueError("screen capture needs the GUI")
    if spec != SOURCE_AUTO:
        return partial(ScreenSource, screen_grabber_for(spec), description=spec)
    return partial(_camera_else_screen, opener, screen_grabber_for("screen"))


def _open_looping(spec: str):
    return open_source(spec, loop=True, realtime=True)


def _camera_else_screen(opener, grabber):
    """Runs in the scan worker's thread: webcam 0, or the screen when no webcam opens."""
    try:
        return opener("0")
    except CameraError:
        log.info("no webcam: reading the code from the screen")
        return ScreenSource(grabber, description="screen")
