"""The scan worker on its own: decoding off the GUI thread, newest frame only, one submission per
code, a clean stop (camera released, no QThread left running)."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QThread

from pos_app.scan_worker import ScanThread, frame_to_qimage
from shared.scanning import Decoded

WAIT_MS = 10_000
CORNERS = ((10.0, 10.0), (30.0, 10.0), (30.0, 30.0), (10.0, 30.0))


class CountingCamera:
    """A live camera whose n-th frame carries n in its first pixel, as fast as it is read."""

    description = "counting camera"
    is_live = True
    ended = False
    failed = False

    def __init__(self) -> None:
        self.n = 0
        self.released = threading.Event()

    def read(self):
        if self.released.is_set():
            return None
        self.n += 1
        frame = np.zeros((40, 40, 3), np.uint8)
        frame[0, 0] = (self.n % 256, self.n // 256 % 256, self.n // 65536 % 256)
        return frame

    def release(self) -> None:
        self.released.set()


class GatedDecoder:
    """Blocks on the first frame until the test opens the gate (a decoder that is busy), and
    records which frames it was given and on which thread."""

    name = "gated"

    def __init__(self, text: str | None = None) -> None:
        self.gate = threading.Event()
        self.seen: list[int] = []
        self.threads: set[threading.Thread] = set()
        self.text = text

    def decode(self, frame):
        self.threads.add(threading.current_thread())
        b, g, r = (int(v) for v in frame[0, 0])
        self.seen.append(b + 256 * g + 65536 * r)
        if len(self.seen) == 1:
            self.gate.wait(5)
        return [Decoded(self.text, CORNERS, "QRCode", "test")] if self.text else []


@pytest.fixture
def make_scan():
    """ScanThreads that are stopped even when a test fails (a QThread destroyed running aborts)."""
    made: list[ScanThread] = []

    def make(factory, decoder) -> ScanThread:
        made.append(ScanThread(factory, decoder))
        return made[-1]

    yield make
    for scan in made:
        getattr(scan.worker._decoder, "gate", threading.Event()).set()
        scan.stop()


def test_decoding_runs_off_the_gui_thread_on_the_newest_frame_only(qtbot, make_scan):
    camera, decoder = CountingCamera(), GatedDecoder()
    scan = make_scan(lambda: camera, decoder)
    try:
        # Not qtbot.waitSignal: `opened` is emitted in the worker's thread, where waitSignal's slot
        # would stop its GUI-thread timer ("killTimer: Timers cannot be stopped from another thread").
        opened: list[str] = []
        scan.worker.opened.connect(opened.append)
        scan.start()
        qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(decoder.seen) == 1 and camera.n > decoder.seen[0] + 50, timeout=WAIT_MS)
        decoder.gate.set()  # the decoder was busy while the camera ran on
        qtbot.waitUntil(lambda: len(decoder.seen) >= 3, timeout=WAIT_MS)
        assert decoder.seen[1] - decoder.seen[0] > 50     # the waiting frames were dropped, the newest decoded
        assert threading.main_thread() not in decoder.threads
    finally:
        decoder.gate.set()
        assert scan.stop()
    assert camera.released.is_set() and not scan.thread.isRunning()


def test_the_same_code_is_submitted_once_while_it_stays_in_view(qtbot, make_scan):
    camera, decoder = CountingCamera(), GatedDecoder("QP1:SAMECODE")
    decoder.gate.set()
    scan = make_scan(lambda: camera, decoder)
    reads: list[str] = []
    scan.worker.code_read.connect(lambda text, corners, sym: reads.append(text))
    scan.start()
    qtbot.waitUntil(lambda: len(reads) == 1, timeout=WAIT_MS)
    assert scan.worker.paused
    scan.resume()                       # the verdict is on screen; the phone is still held up
    start = scan.worker.frames_decoded
    qtbot.waitUntil(lambda: scan.worker.frames_decoded > start + 30, timeout=WAIT_MS)
    assert reads == ["QP1:SAMECODE"]
    assert scan.stop()


def test_preview_frames_are_throttled_and_carry_pixels(qtbot, make_scan):
    camera, decoder = CountingCamera(), GatedDecoder()
    decoder.gate.set()
    scan = make_scan(lambda: camera, decoder)
    frames = []
    scan.worker.frame_ready.connect(frames.append)
    scan.start()
    qtbot.waitUntil(lambda: scan.worker.frames_decoded > 200 and len(frames) >= 1, timeout=WAIT_MS)
    assert len(frames) < scan.worker.frames_decoded / 4
    assert frames[0].width() == 40 and not frames[0].isNull()
    assert scan.stop()


def test_stop_before_the_camera_opens_releases_it(qtbot, make_scan):
    opened = threading.Event()
    camera = CountingCamera()

    def slow_open():
        opened.wait(5)
        return camera

    scan = make_scan(slow_open, GatedDecoder())
    scan.start()
    qtbot.waitUntil(scan.thread.isRunning, timeout=WAIT_MS)
    opened.set()
    assert scan.stop()
    assert camera.released.is_set()
    assert not any(t.isRunning() for t in scan.findChildren(QThread))


def test_frame_to_qimage_formats():
    gray = np.zeros((20, 30), np.uint8)
    bgr = np.zeros((20, 30, 3), np.uint8)
    bgr[:, :, 2] = 255  # red in BGR
    bgra = np.zeros((20, 30, 4), np.uint8)
    assert frame_to_qimage(gray).size().width() == 30
    assert frame_to_qimage(bgr).pixelColor(0, 0).red() == 255
    assert frame_to_qimage(bgra).height() == 20


def test_screen_source_spec_and_pixels(qtbot):
    import pytest as _pytest
    from PySide6.QtGui import QColor, QImage

    from pos_app.screen_source import Grab, ScreenGrabber, ScreenSource, parse_screen_spec, qimage_to_bgr
    from shared.scanning import CameraError

    assert parse_screen_spec("screen") is None
    assert parse_screen_spec("screen:10,20,300,200").width() == 300
    for bad in ("screen:1,2,3", "screen:0,0,8,8", "webcam"):
        with _pytest.raises(CameraError):
            parse_screen_spec(bad)
    img = QImage(33, 20, QImage.Format.Format_RGB32)   # odd width: rows are padded
    img.fill(QColor(255, 0, 0))
    bgr = qimage_to_bgr(img)
    assert bgr.shape == (20, 33, 3) and tuple(bgr[5, 32]) == (0, 0, 255)
    grabber = ScreenGrabber(parse_screen_spec("screen:0,0,33,20"), interval_ms=10)
    source = ScreenSource(grabber)
    grabber._latest = Grab(bgr, 0, 0, 1.0)  # what the GUI-thread grab would have stored
    assert source.read() is bgr and source.read() is None   # each frame handed over once
    source.release()
    assert source.read() is None and not source.failed


class FakeGrabber:
    """The GUI-thread half, standing still: hands over the frames the test puts in."""

    searching = True

    def __init__(self) -> None:
        self.locked = None
        self.frames: list = []
        self.active = False

    def lock_on(self, rect) -> None:
        self.locked = rect

    def screen_rect(self):
        from PySide6.QtCore import QRect
        return QRect(0, 0, 1366, 768)

    def activate(self, on: bool) -> None:
        self.active = on

    def take(self):
        return self.frames.pop(0) if self.frames else None


def test_screen_source_finds_the_code_locks_on_it_and_searches_again_when_it_is_gone(qtbot):
    """No region given: the till finds the wallet's QR on a (masked) screen grab, then watches only
    that region (never the whole screen again while the code is there), and goes back to
    searching the whole screen once the code has been gone for LOST_AFTER_FRAMES grabs."""
    import numpy as np

    from pos_app.screen_source import LOST_AFTER_FRAMES, Grab, ScreenSource
    from shared.scanning.synth import qr_image

    screen = np.full((768, 1366, 3), 235, np.uint8)
    code = qr_image("qrpay-test-code", box=6)
    if code.ndim == 2:
        code = np.repeat(code[:, :, None], 3, axis=2)
    h, w = code.shape[:2]
    screen[200:200 + h, 1000:1000 + w] = code
    grabber = FakeGrabber()
    source = ScreenSource(grabber)
    assert grabber.active
    grabber.frames.append(Grab(screen, 0, 0, 1.0))
    assert source.read() is screen
    r = grabber.locked
    assert r is not None
    assert r.left() < 1000 and r.top() < 200 and r.right() > 1000 + w and r.bottom() > 200 + h
    assert r.width() < 2 * w and r.height() < 2 * h       # the code's region, not the screen
    # Locked: the crop with the code keeps the lock; grabs without it count down to a new search.
    crop = screen[r.top():r.bottom() + 1, r.left():r.right() + 1].copy()
    grabber.frames.append(Grab(crop, r.left(), r.top(), 1.0))
    source.read()
    assert grabber.locked == r
    blank = np.full_like(crop, 235)
    for _ in range(LOST_AFTER_FRAMES - 1):
        grabber.frames.append(Grab(blank, r.left(), r.top(), 1.0))
        source.read()
    assert grabber.locked == r
    grabber.frames.append(Grab(blank, r.left(), r.top(), 1.0))
    source.read()
    assert grabber.locked is None
    source.release()
    assert not grabber.active


def test_lock_region_maps_frame_pixels_to_screen_pixels_on_a_scaled_display():
    from PySide6.QtCore import QRect

    from pos_app.screen_source import Grab, lock_region

    grab = Grab(None, 100, 50, 2.0)     # a 200 % display: 2 frame pixels per screen pixel
    r = lock_region(((200, 200), (400, 200), (400, 400), (200, 400)), grab, QRect(0, 0, 1366, 768))
    # the code spans screen 200..300 × 150..250; the margin is 35 % of 100 px
    assert (r.left(), r.top(), r.width(), r.height()) == (165, 115, 170, 170)
