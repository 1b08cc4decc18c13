"""Capture and decoding off the GUI thread.

`ScanWorker` is a QObject that lives in its own QThread (owned by `ScanThread`). It opens the
frame source with the injected factory (opening a webcam can block for seconds, so that happens
in the worker's thread too), decodes with the injected decoder through `ScanPipeline`, and talks
to the GUI only through typed signals:

- `frame_ready(QImage)`: the preview, throttled (a QImage copy is made here, not in the GUI);
- `outline(object)`: the corners of what was decoded in the newest frame (or None);
- `code_read(str, object, str)`: text, corners, symbology — once per code per cool-down;
- `source_lost(str, bool)`: the source could not open or stopped (message, live?).

Only the newest frame is decoded: a live camera is read by a `LatestFrameGrabber` thread that
replaces the waiting frame while the decoder is busy. A file source is read frame by frame (it
does not run away from the decoder, and a test video must not be skipped through). A camera frame
gets only the decoder's per-frame pass; `ScanPipeline.step` spends the wait for the next frame on
the decoder's deferred looks at the last missed one (blurred frame, zbar, product barcodes, deeper
passes), and a file's frame gets the catch-up looks at once (shared/scanning/live.py).
After a code is submitted the worker pauses until the GUI calls `resume()` with the verdict
shown: a file source stops reading, a camera keeps the preview alive without decoding.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from shared.errors import QrpayError
from shared.scanning import FrameSource, LatestFrameGrabber, ScanPipeline
from shared.scanning.readers import Decoder

log = logging.getLogger(__name__)

SourceFactory = Callable[[], FrameSource]


def frame_to_qimage(frame: np.ndarray) -> QImage:
    """A BGR / BGRA / gray uint8 frame as a QImage that owns its pixels."""
    frame = np.ascontiguousarray(frame)
    h, w = frame.shape[:2]
    if frame.ndim == 2:
        img = QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_Grayscale8)
    elif frame.shape[2] == 4:
        img = QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_ARGB32)
    else:
        img = QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_BGR888)
    return img.copy()


class ScanWorker(QObject):
    opened = Signal(str)
    frame_ready = Signal(QImage)
    outline = Signal(object)
    code_read = Signal(str, object, str)
    source_lost = Signal(str, bool)
    finished = Signal()

    def __init__(self, source_factory: SourceFactory, decoder: Decoder, *, symbologies: tuple[str, ...] = ("QRCode",),
                 preview_fps: float = 20.0, cooldown_s: float = 2.5,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._factory = source_factory
        self._decoder = decoder
        self._symbologies = symbologies
        self._preview_period = 1.0 / preview_fps
        self._cooldown_s = cooldown_s
        self._monotonic = monotonic
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._hold_text: str | None = None
        self._lock = threading.Lock()
        self._source: FrameSource | None = None
        self._grabber: LatestFrameGrabber | None = None
        self._pipeline: ScanPipeline | None = None
        self._timer: QTimer | None = None
        self._last_preview = -1e9
        self.frames_decoded = 0

    # -- called from the GUI thread (thread-safe) ------------------------------------------------
    def request_stop(self) -> None:
        self._stop.set()

    def resume(self) -> None:
        """The verdict is on screen: decode again; the submitted text is held for the cool-down."""
        self._paused.clear()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    # -- the worker thread ----------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        try:
            source = self._factory()
        except QrpayError as e:
            self.source_lost.emit(e.message, False)
            self.finished.emit()
            return
        except Exception as e:  # noqa: BLE001 - a driver failing in its own way is still "no camera"
            log.exception("frame source failed to open")
            self.source_lost.emit(str(e) or type(e).__name__, False)
            self.finished.emit()
            return
        if self._stop.is_set():
            source.release()
            self.finished.emit()
            return
        self._source = source
        if source.is_live:
            self._grabber = LatestFrameGrabber(source).start()
            feed: Any = self._grabber
        else:
            feed = source
        self._pipeline = ScanPipeline(feed, self._decoder, cooldown_s=self._cooldown_s, clock=self._monotonic)
        self.opened.emit(source.description)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    @Slot()
    def _tick(self) -> None:
        pipeline = self._pipeline
        if pipeline is None:
            return
        if self._stop.is_set():
            self._shutdown()
            return
        if self._paused.is_set():
            if self._grabber is not None:      # keep the preview alive, decode nothing
                item = self._grabber.latest(0.05)
                if item is not None:
                    self._preview(item[1])
            else:
                self._stop.wait(0.03)
            return
        with self._lock:
            if self._hold_text is not None:
                pipeline.dedup.hold(self._hold_text)
                self._hold_text = None
        result = pipeline.step(timeout=0.05)
        if result is None:
            if pipeline.failed or pipeline.ended:
                live = bool(self._source and self._source.is_live)
                self._shutdown()
                if live:
                    self.source_lost.emit("camera stopped giving pictures", True)
                else:
                    self.source_lost.emit("the video ended", False)
            return
        self.frames_decoded += 1
        wanted = [d for d in result.decoded if d.symbology in self._symbologies]
        if self._preview(result.frame):
            self.outline.emit(wanted[0].corners if wanted else None)
        for d in pipeline.new_codes(wanted):
            self._paused.set()
            with self._lock:
                self._hold_text = d.text
            self.code_read.emit(d.text, d.corners, d.symbology)
            break

    def _preview(self, frame: np.ndarray) -> bool:
        now = self._monotonic()
        if now - self._last_preview < self._preview_period:
            return False
        self._last_preview = now
        self.frame_ready.emit(frame_to_qimage(frame))
        return True

    def _shutdown(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._grabber is not None:
            self._grabber.stop()          # joins the capture thread, releases the camera
            self._grabber = None
        elif self._source is not None:
            self._source.release()
        self._source = None
        self._pipeline = None

    @Slot()
    def stop(self) -> None:
        """Runs in the worker thread (queued): stop the timer, release the camera, end the loop."""
        self._shutdown()
        self.finished.emit()
        QThread.currentThread().quit()


class ScanThread(QObject):
    """Owns one QThread and one ScanWorker for one scanning session; `stop()` ends both cleanly."""

    _stop_requested = Signal()

    def __init__(self, source_factory: SourceFactory, decoder: Decoder, *, symbologies: tuple[str, ...] = ("QRCode",),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("qrpay-scan-worker")
        self.worker = ScanWorker(source_factory, decoder, symbologies=symbologies)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self._stop_requested.connect(self.worker.stop)   # queued: runs in the worker's thread
        self._stopped = False

    def start(self) -> None:
        self.thread.start()

    def resume(self) -> None:
        self.worker.resume()

    def stop(self, timeout_ms: int = 5000) -> bool:
        """quit() + wait(): the worker's timer dies with the thread's event loop; the camera is
        released in the worker's thread before it ends. True if the thread ended in time."""
        if self._stopped:
            return True
        self._stopped = True
        self.worker.request_stop()
        if not self.thread.isRunning():
            self.worker._shutdown()
            return True
        self._stop_requested.emit()
        ended = self.thread.wait(timeout_ms)
        if not ended:  # a driver stuck in read(): ask the loop to end anyway and give it a moment
            self.thread.quit()
            ended = self.thread.wait(1000)
        if ended:
            # The thread is gone; whatever the queued stop did not reach is released here.
            self.worker._shutdown()
            self.worker.deleteLater()
            self.thread.deleteLater()
        else:
            log.warning("scan worker thread did not stop within %d ms", timeout_ms)
        return ended

    def is_running(self) -> bool:
        return self.thread.isRunning()
