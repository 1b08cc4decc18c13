"""Frame sources: a webcam, a video file, an image sequence, still images.

Webcams, video files and image sequences all go through `cv2.VideoCapture`, so tests that feed
files exercise the same path a webcam uses. `open_source(spec)` picks the kind from the spec:

- an int, or a string of digits: a webcam by index (1280x720 asked, whatever it gives accepted);
- a path containing a printf field such as `%04d`: an image sequence;
- a directory: every still image in it, by file name;
- a file with an image extension: that still image;
- any other existing file: a video file.

"screen" (a region of the screen) is the POS's own source (it needs Qt), not one of these.

`read()` returns a frame, or None when there is no frame now. Once `ended` (a file or sequence
finished) or `failed` (a live camera gave `LOST_AFTER` failed reads in a row: unplugged, taken
by another program) it returns None for good. Opening failures raise `CameraError`.
"""
from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

import cv2
import numpy as np

from shared.errors import QrpayError

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm"})
LOST_AFTER = 10  # consecutive failed reads before a live camera counts as lost
_SEQUENCE = re.compile(r"%0?\d*d")


class CameraError(QrpayError):
    """A frame source cannot be opened (missing file, no camera at that index, busy camera)."""

    code = "camera_unavailable"


@runtime_checkable
class FrameSource(Protocol):
    description: str
    is_live: bool

    def read(self) -> np.ndarray | None:
        """The next frame (BGR uint8), or None: no frame now, or never again once ended/failed."""
        ...

    @property
    def ended(self) -> bool:
        """A finite source (file, sequence, stills without loop) has served its last frame."""
        ...

    @property
    def failed(self) -> bool:
        """A live source stopped giving frames (camera lost)."""
        ...

    def release(self) -> None:
        """Free the device or file; idempotent."""
        ...


class CaptureSource:
    """A `cv2.VideoCapture` (webcam, video file or image sequence).

    `live`: a camera (failed reads are counted; LOST_AFTER in a row → `failed`) rather than a
    file (the first failed read → `ended`). A file opened with live=True behaves like a camera
    that is unplugged when the file ends, which is how tests simulate a camera lost mid-scan.
    `loop`: a file starts again at its end (a demo "camera" that never ends).
    `realtime`: a file is served no faster than its frame rate (a preview that plays at speed);
    `sleep` and `clock` are injectable for tests.
    """

    def __init__(self, opener: Callable[[], cv2.VideoCapture], *, description: str, live: bool,
                 loop: bool = False, realtime: bool = False, lost_after: int = LOST_AFTER,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self._opener = opener
        self.description = description
        self.is_live = live
        self._loop = loop and not live
        self._realtime = realtime and not live
        self._lost_after = max(1, lost_after)
        self._sleep = sleep
        self._clock = clock
        self._cap: cv2.VideoCapture | None = opener()
        if self._cap is None or not self._cap.isOpened():
            self._cap = None
            raise CameraError(f"cannot open {description}", source=description)
        fps = self._cap.get(cv2.CAP_PROP_FPS) or 0.0
        self._period = 1.0 / fps if 0 < fps < 1000 else 1.0 / 15
        self._next_due: float | None = None
        self._fails = 0
        self._ended = False
        self._failed = False
        self.frames_read = 0
        # A file that opens but yields no frame (not a video, an empty sequence) is refused now,
        # with a clear message, rather than looking like a video with no code in it.
        self._peeked: np.ndarray | None = None
        if not live:
            ok, frame = self._cap.read()
            if not ok or frame is None:
                self.release()
                raise CameraError(f"{description} has no readable frames", source=description)
            self._peeked = frame

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def failed(self) -> bool:
        return self._failed

    @property
    def size(self) -> tuple[int, int] | None:
        if self._cap is None:
            return None
        return int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT))

    def read(self) -> np.ndarray | None:
        if self._cap is None or self._ended or self._failed:
            return None
        if self._peeked is not None:
            frame, self._peeked = self._peeked, None
            return self._served(frame)
        try:
            ok, frame = self._cap.read()
        except cv2.error as e:  # a driver error mid-stream is a lost camera, not a crash
            log.warning("%s: read failed: %s", self.description, e)
            ok, frame = False, None
        if ok and frame is not None and frame.size:
            self._fails = 0
            return self._served(frame)
        if self.is_live:
            self._fails += 1
            if self._fails >= self._lost_after:
                log.warning("%s: no frame in %d reads, camera lost", self.description, self._fails)
                self._failed = True
            return None
        if self._loop and self.frames_read:
            self._cap.release()
            self._cap = self._opener()
            ok, frame = self._cap.read() if self._cap.isOpened() else (False, None)
            if ok and frame is not None:
                return self._served(frame)
        self._ended = True
        return None

    def push_back(self, frame: np.ndarray) -> None:
        """Serve `frame` again on the next read (a frame looked at while opening the camera)."""
        self._peeked = frame
        self.frames_read -= 1

    def _served(self, frame: np.ndarray) -> np.ndarray:
        self.frames_read += 1
        if self._realtime:
            now = self._clock()
            if self._next_due is not None and now < self._next_due:
                self._sleep(self._next_due - now)
                now = self._next_due
            self._next_due = now + self._period
        return frame

    def release(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def __enter__(self) -> "CaptureSource":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


class StillImageSource:
    """Still images served one per `read()`, in file-name order; `loop` serves them again and again.
    `is_still`: a pipeline gives each picture every pass (`decode_still`), not a frame's budget."""

    is_live = False
    is_still = True

    def __init__(self, paths: list[Path], *, description: str, loop: bool = False) -> None:
        self.description = description
        self._paths = list(paths)
        self._loop = loop
        self._i = 0
        self._ended = False
        self.frames_read = 0
        if not self._paths:
            raise CameraError(f"{description}: no images", source=description)
        if not any(self._load(p) is not None for p in self._paths[:1]):
            raise CameraError(f"{description}: {self._paths[0].name} is not a readable image", source=description)

    @staticmethod
    def _load(path: Path) -> np.ndarray | None:
        try:
            data = np.fromfile(str(path), dtype=np.uint8)
        except OSError:
            return None
        if data.size == 0:
            return None
        img = cv2.imdecode(data, cv2.IMREAD_COLOR)
        return img if img is not None and img.size else None

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def failed(self) -> bool:
        return False

    def read(self) -> np.ndarray | None:
        misses = 0
        while not self._ended:
            if self._i >= len(self._paths):
                if not self._loop or misses >= len(self._paths):
                    self._ended = True
                    return None
                self._i = 0
            path = self._paths[self._i]
            self._i += 1
            img = self._load(path)
            if img is not None:
                self.frames_read += 1
                return img
            misses += 1
            log.warning("%s: skipping unreadable image %s", self.description, path.name)
        return None

    def release(self) -> None:
        self._ended = True

    def __enter__(self) -> "StillImageSource":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _gives_frames(src: "CaptureSource", tries: int = 5) -> bool:
    """Whether `src` delivers a frame within `tries` reads (the frame is kept for the reader);
    when it does not, `src` is released."""
    for _ in range(tries):
        frame = src.read()
        if frame is not None:
            src.push_back(frame)
            return True
    src.release()
    return False


def _open_camera(index: int, *, width: int, height: int, lost_after: int,
                 capture: Callable[..., cv2.VideoCapture]) -> CaptureSource:
    description = f"camera {index}"

    def open_sized() -> cv2.VideoCapture:
        cap = capture(index)
        if cap.isOpened():
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        return cap

    try:
        src = CaptureSource(open_sized, description=description, live=True, lost_after=lost_after)
    except CameraError:
        raise CameraError(f"no camera at index {index} (not connected, or in use by another program)",
                          source=description) from None
    # Some drivers accept the size and then deliver nothing: fall back to the camera's own mode.
    if _gives_frames(src):
        return src
    log.warning("camera %d gave no frame at %dx%d; trying its default size", index, width, height)
    try:
        src = CaptureSource(lambda: capture(index), description=description, live=True, lost_after=lost_after)
    except CameraError:
        raise CameraError(f"camera {index} stopped answering (in use by another program?)", source=description) from None
    if _gives_frames(src):
        return src
    raise CameraError(f"camera {index} opens but gives no picture (in use by another program?)", source=description)


def open_source(spec: str | int | Path, *, loop: bool = False, live: bool | None = None, realtime: bool = False,
                width: int = 1280, height: int = 720, lost_after: int = LOST_AFTER,
                capture: Callable[..., cv2.VideoCapture] = cv2.VideoCapture) -> FrameSource:
    """A frame source for `spec` (see the module docstring); raises CameraError if it cannot open.

    `loop`: files, sequences and stills start again at their end. `live=True` treats a video file
    or sequence as a camera (lost when it ends). `realtime`: play files at their frame rate.
    `capture`: the VideoCapture constructor (cv2's own unless a test wraps it).
    """
    if isinstance(spec, bool):
        raise CameraError("a frame source is a camera index or a path", source=str(spec))
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        return _open_camera(int(spec), width=width, height=height, lost_after=lost_after, capture=capture)
    text = str(spec)
    if not text.strip():
        raise CameraError("no frame source given", source=text)
    if text == "screen":
        raise CameraError("screen capture is provided by the POS app, not by the command line", source=text)
    is_live = bool(live)
    if _SEQUENCE.search(text):
        folder = Path(text).parent
        if not folder.is_dir():
            raise CameraError(f"image sequence {text}: folder {folder} does not exist", source=text)
        return CaptureSource(lambda: capture(text, cv2.CAP_IMAGES), description=f"image sequence {text}",
                             live=is_live, loop=loop, realtime=realtime, lost_after=lost_after)
    path = Path(text)
    if path.is_dir():
        images = sorted((p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES),
                        key=lambda p: p.name)
        if not images:
            raise CameraError(f"folder {path} contains no images", source=text)
        return StillImageSource(images, description=f"images in {path}", loop=loop)
    if not path.exists():
        raise CameraError(f"{path} does not exist", source=text)
    if not path.is_file():
        raise CameraError(f"{path} is not a file", source=text)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return StillImageSource([path], description=f"image {path.name}", loop=loop)
    return CaptureSource(lambda: capture(text), description=f"video {path.name}", live=is_live, loop=loop,
                         realtime=realtime, lost_after=lost_after)
