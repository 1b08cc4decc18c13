"""The scan pipeline: newest frame → decoder → de-duplicated, confirmed codes.

For a GUI (the POS wraps this in a QThread worker):

    grabber = LatestFrameGrabber(open_source(spec)); grabber.start()   # capture thread
    pipeline = ScanPipeline(grabber, decoder_named("cascade"))
    while running:                                                     # worker thread
        result = pipeline.step(timeout=0.1)      # newest frame only; older ones were dropped
        if result is None:
            if grabber.ended or grabber.failed: break                  # file over / camera lost
            continue
        show(result.frame, result.decoded)      # preview + outlines (corners)
        for code in pipeline.new_codes(result): submit(code.text)      # once per cool-down
    grabber.stop()                                                      # joins, releases the camera

Without a grabber, `step()` reads straight from the source (the command line, tests).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from shared.scanning.decoders import Decoded, Decoder
from shared.scanning.sources import FrameSource

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class ScanResult:
    """One processed frame. `frame_index` counts every frame the source gave (0-based), so gaps
    show frames dropped while the decoder was busy. `decode_ms`: the decoder's time on this frame."""

    frame: np.ndarray
    decoded: tuple[Decoded, ...]
    decode_ms: float
    frame_index: int


class Deduplicator:
    """Lets each text through once, after `confirm_frames` consecutive sightings, then holds it
    back while it keeps being seen and until `cooldown_s` after it was last seen.

    The hold is measured from the last sighting, not from the first emission: a customer who keeps
    the phone in front of the camera while the till shows the verdict must not trigger a second
    submission (which would read as "already used"). `hold(text)` restarts the cool-down (the POS
    calls it when it shows a verdict); `clear()` forgets everything (a new sale).
    Confirmation over several frames is Electrum's validator idea: a misread in a single frame
    (rare with checksummed symbologies, but cheap to rule out) is never submitted.
    """

    def __init__(self, *, cooldown_s: float = 2.0, confirm_frames: int = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if cooldown_s < 0 or confirm_frames < 1:
            raise ValueError("cooldown_s must be >= 0 and confirm_frames >= 1")
        self.cooldown_s = float(cooldown_s)
        self.confirm_frames = int(confirm_frames)
        self._clock = clock
        self._streak: dict[str, int] = {}
        self._held_until: dict[str, float] = {}

    def accept(self, decoded: Iterable[Decoded]) -> list[Decoded]:
        """Feed the codes of one frame (call it for every processed frame, empty ones too)."""
        now = self._clock()
        seen: dict[str, Decoded] = {}
        for d in decoded:
            seen.setdefault(d.text, d)
        self._streak = {t: self._streak.get(t, 0) + 1 for t in seen}
        for t, until in list(self._held_until.items()):
            if t not in seen and now >= until:
                del self._held_until[t]
        out = []
        for text, d in seen.items():
            if text in self._held_until:
                self._held_until[text] = max(self._held_until[text], now + self.cooldown_s)
                continue
            if self._streak[text] >= self.confirm_frames:
                out.append(d)
                self._held_until[text] = now + self.cooldown_s
        return out

    def hold(self, text: str) -> None:
        self._held_until[text] = self._clock() + self.cooldown_s

    def clear(self) -> None:
        self._streak.clear()
        self._held_until.clear()


class LatestFrameGrabber:
    """Reads a source in its own thread and keeps only the newest frame.

    While the decoder is busy, frames keep arriving and replace the one waiting (counted in
    `dropped`), so decoding always works on what the camera sees now, and the camera's buffer
    never fills up with stale frames. `latest()` returns each frame at most once.
    `stop()` ends the thread, joins it and (by default) releases the source; the source is only
    ever touched by the grabber thread between `start()` and `stop()`.
    """

    def __init__(self, source: FrameSource, *, idle_s: float = 0.005, name: str = "qrpay-frame-grabber") -> None:
        self.source = source
        self.description = source.description
        self.is_live = source.is_live
        self._idle_s = idle_s
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._latest: tuple[int, np.ndarray] | None = None
        self._next_index = 0
        self._done = False
        self._ended = False
        self._failed = False
        self.error: BaseException | None = None
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> "LatestFrameGrabber":
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is None:
                    if self.source.ended or self.source.failed:
                        break
                    self._stop.wait(self._idle_s)  # live source with no frame yet
                    continue
                with self._cond:
                    if self._latest is not None:
                        self.dropped += 1
                    self._latest = (self._next_index, frame)
                    self._next_index += 1
                    self._cond.notify_all()
        except Exception as e:  # noqa: BLE001 - reported to the reader, who decides what to show
            log.exception("frame grabber for %s stopped", self.description)
            self.error = e
        finally:
            with self._cond:
                self._ended = bool(self.source.ended)
                self._failed = bool(self.source.failed) or self.error is not None
                self._done = True
                self._cond.notify_all()

    @property
    def ended(self) -> bool:
        """The source ended and the last frame has been taken."""
        with self._cond:
            return self._ended and self._latest is None

    @property
    def failed(self) -> bool:
        with self._cond:
            return self._failed and self._latest is None

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def latest(self, timeout: float | None = None) -> tuple[int, np.ndarray] | None:
        """(frame_index, frame) of the newest frame not yet taken, or None. With `timeout`, wait
        up to that long for one (returns early when the source ends or stop() is called)."""
        with self._cond:
            if self._latest is None and timeout and not self._done and not self._stop.is_set():
                self._cond.wait_for(lambda: self._latest is not None or self._done or self._stop.is_set(), timeout)
            item, self._latest = self._latest, None
            return item

    def wait_done(self, timeout: float | None = None) -> bool:
        """Wait until the source has ended or failed (not for stop()); True if it did."""
        with self._cond:
            return self._cond.wait_for(lambda: self._done, timeout)

    def stop(self, *, release: bool = True, timeout: float = 5.0) -> bool:
        """Stop and join the thread; release the source once the thread is gone. False if the
        thread did not end within `timeout` (a driver stuck in read()); the source is then left
        alone rather than released under the thread's feet."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("frame grabber for %s did not stop within %.1f s", self.description, timeout)
            return False
        if release:
            self.source.release()
        return True

    def release(self) -> None:
        self.stop()

    def __enter__(self) -> "LatestFrameGrabber":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class ScanPipeline:
    """Source + decoder + de-duplication. `step()` processes the newest frame.

    `source`: a FrameSource, or a started LatestFrameGrabber (then only the newest frame is
    decoded). `clock` drives the cool-down (monotonic seconds; tests inject their own); decode
    times are measured with `time.perf_counter` because they are measurements, not policy.
    """

    def __init__(self, source: FrameSource | LatestFrameGrabber, decoder: Decoder, *, cooldown_s: float = 2.0,
                 confirm_frames: int = 1, clock: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self.decoder = decoder
        self.dedup = Deduplicator(cooldown_s=cooldown_s, confirm_frames=confirm_frames, clock=clock)
        self._index = 0
        self.frames = 0
        self._last: tuple[Any, int] | None = None
        self.idle_passes = 0     # deeper passes run between frames (`idle`)
        self.idle_ms = 0.0

    @property
    def ended(self) -> bool:
        return bool(self.source.ended)

    @property
    def failed(self) -> bool:
        return bool(self.source.failed)

    def process(self, frame: Any, *, frame_index: int | None = None, still: bool = False,
                live: bool = False) -> ScanResult:
        """Decode one frame (the POS's screen-region capture hands frames in this way). `still`:
        a picture rather than a video frame: the decoder's `decode_still` (every pass) if it has one.
        `live`: a camera frame with a frame rate to keep: only the decoder's per-frame pass; the
        rest is left for `idle`. Otherwise (a video file, frames handed in: nothing runs away
        from the decoder) the frame gets the decoder's `catch_up` looks at once too."""
        if frame_index is None:
            frame_index = self._index
        self._index = frame_index + 1
        decode = getattr(self.decoder, "decode_still", None) if still else None
        t0 = time.perf_counter()
        decoded = tuple((decode or self.decoder.decode)(frame))
        catch_up = getattr(self.decoder, "catch_up", None)
        if not still and not live and catch_up is not None:
            seen = {d.text for d in decoded}
            decoded += tuple(d for d in catch_up() if d.text not in seen)
        ms = (time.perf_counter() - t0) * 1000.0
        self.frames += 1
        self._last = (frame, frame_index)
        return ScanResult(frame, decoded, ms, frame_index)

    def idle(self) -> ScanResult | None:
        """One deeper pass of the decoder over the last frame it missed (`idle_step`), for the time
        the worker would otherwise wait for the camera; a result (for that frame) only when it read
        something. None when the decoder has no such work."""
        step = getattr(self.decoder, "idle_step", None)
        if step is None or not getattr(self.decoder, "has_idle_work", False) or self._last is None:
            return None
        frame, index = self._last
        t0 = time.perf_counter()
        decoded = tuple(step())
        ms = (time.perf_counter() - t0) * 1000.0
        self.idle_passes += 1
        self.idle_ms += ms
        return ScanResult(frame, decoded, ms, index) if decoded else None

    def step(self, *, timeout: float | None = None) -> ScanResult | None:
        """Read and decode the newest frame; None when there is none now (or the source is over:
        check `ended` / `failed`). `timeout` only applies to a grabber (wait for a frame).

        With a grabber (a live camera), the time until the next frame is not wasted: while no
        frame is waiting, the decoder's deeper passes run one at a time on the last frame it
        missed (`idle`); a code they read comes back as that frame's result. A new frame waits at
        most for the pass in progress (a few ms on a crop, ~5-30 ms for a whole-frame pass)."""
        if isinstance(self.source, LatestFrameGrabber):
            item = self.source.latest(0)
            while item is None and getattr(self.decoder, "has_idle_work", False):
                got = self.idle()
                if got is not None:
                    return got
                item = self.source.latest(0)
            if item is None:
                item = self.source.latest(timeout)
            if item is None:
                return None
            index, frame = item
            return self.process(frame, frame_index=index, live=True)
        frame = self.source.read()
        if frame is None:
            return None
        return self.process(frame, still=bool(getattr(self.source, "is_still", False)))

    def new_codes(self, result: ScanResult | Iterable[Decoded]) -> list[Decoded]:
        """The codes of this result that should be acted on now (once per cool-down). Call it
        for every result, empty ones included: confirmation counts consecutive frames."""
        decoded = result.decoded if isinstance(result, ScanResult) else result
        return self.dedup.accept(decoded)

    def results(self, *, max_frames: int | None = None, idle_timeout: float = 0.05) -> Iterator[ScanResult]:
        """Every processed frame until the source ends or fails, or `max_frames` were processed."""
        count = 0
        while max_frames is None or count < max_frames:
            r = self.step(timeout=idle_timeout)
            if r is None:
                if self.source.ended or self.source.failed:
                    return
                continue
            count += 1
            yield r

    def release(self) -> None:
        self.source.release()
