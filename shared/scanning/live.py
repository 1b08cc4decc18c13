"""The live cascade: one cheap pass on every camera frame, deeper looks only after a near miss
and in the time the worker would otherwise spend waiting for the camera.

Budget (issue 16): p95 <= 8 ms per 1280x720 frame, empty frames included, on this 2-core VM.
Profiled per step on the decode-cost stream (bench/live_escalation.py --profile; numbers in
bench/RESULTS.md "Live frames"): zxing-cpp on the gray frame ~4-5 ms, BGR->gray ~0.3 ms; the
zxing pass on a sigma-1.5 blurred frame that every miss used to get ~5 ms more (1 ms blur + 4 ms
zxing), and the whole-frame zbar pass every 30 misses ~27 ms. Those two were the p95: an empty
frame cost plain + blurred = ~9 ms. They now run after `decode()` has returned, as the first
idle work on the missed frame, so `decode()` itself is the cheap pass (plus a crop when a code
is there but unread).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from shared.scanning.readers import MIN_FRAME_SIDE, Decoded, Point, ZbarDecoder, ZxingDecoder, as_gray
from shared.scanning.still import CROP_PASSES, PASSES, STILL_BUDGET_MS, STILL_PASSES, Pass, StillDecoder, run_pass

# Whole-frame passes for the idle time of a missed frame (plain already ran on it, blur is the
# catch-up pass below).
IDLE_FULL_PASSES: tuple[str, ...] = tuple(n for n in STILL_PASSES if n not in ("plain", "blur"))

# The near miss's crop passes: CLAHE runs on every near miss inside `decode()` already.
LIVE_CROP_PASSES: tuple[str, ...] = tuple(n for n in CROP_PASSES if n != "clahe")

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Work:
    """One deferred look at the last missed frame.

    `kind`: "others" (zxing for the symbologies other than QR Code, on the whole frame), "zbar crop" (zbar on the near miss's blurred crop `roi`), "crop" (`p` on that crop),
    "blur" (zxing on the whole frame blurred like zbar's, then zbar and CLAHE on the crop of a
    symbol located only there), "zbar" (zbar on the whole blurred frame) or "full" (`p` on the
    whole frame). `catch_up`: one of the looks every missed frame used to get inside `decode()`
    (zbar crop, blur; zbar every `zbar_every` misses); `catch_up()` runs exactly those for callers
    with no frame rate to keep (a video file, frames handed in).
    """

    kind: str
    p: Pass | None = None
    roi: Box | None = None
    catch_up: bool = False


@dataclass(eq=False)
class Pending:
    """The last frame the live cascade missed and the work still to do on it."""

    gray: np.ndarray
    roi: Box | None
    queue: list[Work] = field(default_factory=list)


class CascadeDecoder:
    """zxing-cpp on every frame; everything else after a near miss or between frames.

    `decode(frame)` (the per-frame budget):
    - zxing-cpp on the gray frame (BGR->gray once, by OpenCV: ~0.6 ms cheaper than zxing's own).
    - A near miss (zxing *located* a symbol but could not decode it: glare, noise; `return_errors`):
      zxing on the crop around it after CLAHE equalisation (bench/read_rate, main set with the
      zbar crop below: glare 35 → 39 of 40 frames, blur 28 → 31). Only when a code is in view;
      a ~330 px crop costs about a third of the frame's zxing pass.
    - A frame after a near miss that is a near miss too tries one more crop look (rotating:
      sharpen, x2, x2 sharpen, blur; ~1-3 ms), so a held code is looked at in every way within a
      few frames even with no idle time at all.

    Deferred (`idle_step()`, one look per call; `ScanPipeline.step` calls it while no newer frame
    is waiting, and a new frame drops what is left), in this order:
    - after a near miss: zbar on the blurred crop (~3x a CLAHE crop, so not in the frame's budget),
      then the remaining crop looks (cheap and aimed);
    - catch-up: zxing on the whole frame blurred like zbar's (sigma 1.5; a photographed screen's
      pixel grid hides the modules; on the moiré frames of three seeded sets zxing read 22-45 %
      as they were and 78-95 % blurred); then the symbologies other than QR Code (EAN-13: ~2/3
      of a QR + EAN-13 zxing pass, and the till's camera keeps only QR codes), also after a frame
      whose QR code was read; then, every `zbar_every` (30) misses, zbar on the whole blurred
      frame (small codes off a screen; ~27 ms, so never inside a frame's budget);
    - on a near miss, or every `deep_every` misses, the whole-frame STILL_PASSES (sharpen, x2, ...).
    `catch_up()` runs the catch-up passes at once: ScanPipeline does for sources that do not run
    away from the decoder (video files), so those read what the cascade always read there.
    zbar results are tagged decoder="zbar" so a benchmark can count who read what.
    `decode_still(frame)`: a still picture gets `StillDecoder` (every pass, all the time it needs).
    """

    name = "cascade"

    def __init__(self, *, zbar_every: int = 30, blur_sigma: float = 1.5, roi_margin: float = 0.1,
                 zxing: ZxingDecoder | None = None, zbar: ZbarDecoder | None = None, deep_every: int = 10,
                 still_budget_ms: float | None = STILL_BUDGET_MS) -> None:
        if zbar_every < 1 or deep_every < 1:
            raise ValueError("zbar_every and deep_every must be >= 1")
        self.deep_every = deep_every
        self._near_streak = 0
        self._pending: Pending | None = None
        self.escalated_frames = 0   # frames that got one extra crop pass after a near miss
        self.idle_runs = 0          # looks run by idle_step and catch_up
        self._still: StillDecoder | None = None
        self._still_budget_ms = still_budget_ms  # StillDecoder's; None: every pass (tests)
        self.zxing = zxing or ZxingDecoder()
        # The per-frame pass reads QR codes only; the product barcodes the same reader asks for are
        # looked for right after it, as deferred work (see the class docstring).
        others = tuple(sorted(self.zxing.symbologies - {"QRCode"}))
        if "QRCode" in self.zxing.symbologies and others:
            self._frame_zxing, self._later_symbologies = self.zxing.only(("QRCode",)), self.zxing.only(others)
        else:
            self._frame_zxing, self._later_symbologies = self.zxing, None
        self.zbar = zbar or ZbarDecoder(blur_sigma=blur_sigma, blur_only=True)
        self.zbar_every = zbar_every
        self.roi_margin = roi_margin
        self._misses = 0
        self.zbar_full_runs = 0
        self.zbar_roi_runs = 0
        self.zxing_roi_runs = 0
        self.zxing_blur_runs = 0
        self.blur_sigma = float(blur_sigma)
        self._clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))

    def decode(self, frame: Any) -> list[Decoded]:
        self._pending = None
        f = as_gray(frame)  # once, for every pass: each would convert on its own otherwise
        if f is None:
            return []
        found, candidates = self._frame_zxing.decode_with_candidates(f)
        others = [Work("others", catch_up=True)] if self._later_symbologies is not None else []
        if found:
            return self._hit(f, found, others)
        queue: list[Work] = []
        self._misses += 1
        roi = self._roi(candidates, f.shape[1], f.shape[0])
        if roi is not None:
            got = self._clahe_crop(f, roi)
            if got:
                return self._hit(f, got, others)
            self._near_streak += 1
            crop_passes = [PASSES[n] for n in LIVE_CROP_PASSES]
            if self._near_streak > 1:  # a frame after a near miss: one more look at its crop
                self.escalated_frames += 1
                p = crop_passes[(self._near_streak - 2) % len(crop_passes)]
                got = self._crop_pass(f, roi, p)
                if got:
                    return self._hit(f, got, others)
                crop_passes.remove(p)
            queue.append(Work("zbar crop", roi=roi, catch_up=True))
            queue += [Work("crop", p, roi) for p in crop_passes]
        else:
            self._near_streak = 0
        if self.blur_sigma > 0:
            queue.append(Work("blur", catch_up=True))
        queue += others  # after the QR looks: the till's camera wants QR codes first
        if not (self._misses - 1) % self.zbar_every:
            queue.append(Work("zbar", catch_up=True))
        if roi is not None or not (self._misses - 1) % self.deep_every:
            queue += [Work("full", PASSES[n]) for n in IDLE_FULL_PASSES]
        self._pending = Pending(f, roi, queue)
        return []

    @property
    def has_idle_work(self) -> bool:
        return self._pending is not None and bool(self._pending.queue)

    def idle_step(self) -> list[Decoded]:
        """One deferred look at the last frame `decode` missed (see the class docstring); the
        codes it read, in that frame's pixels. Call it only while no newer frame is waiting."""
        pending = self._pending
        if pending is None or not pending.queue:
            return []
        return self._run(pending, pending.queue.pop(0))

    def catch_up(self) -> list[Decoded]:
        """The catch-up looks at the last frame, all at once, for a caller with no frame rate to
        keep (the deeper looks stay queued for `idle_step`), in queue order until one reads something:
        on a miss the zbar crop, the blurred frame, the other symbologies, zbar when due; after a
        frame whose QR code was read, the other symbologies (the caller adds them to its result)."""
        pending = self._pending
        while pending is not None and pending is self._pending:
            work = next((w for w in pending.queue if w.catch_up), None)
            if work is None:
                break
            pending.queue.remove(work)
            got = self._run(pending, work)
            if got:
                return got
        return []

    def decode_still(self, frame: Any) -> list[Decoded]:
        """Every code in a still picture: all of StillDecoder's passes (no frame-rate budget)."""
        if self._still is None:
            self._still = StillDecoder(zxing=self.zxing, budget_ms=self._still_budget_ms)
        return self._still.decode(frame)

    def _hit(self, f: np.ndarray, got: list[Decoded], others: list[Work]) -> list[Decoded]:
        """A QR code read in the frame: a product barcode beside it is still looked for after it."""
        self._read()
        if others:
            self._pending = Pending(f, None, others)
        return got

    def _read(self) -> None:
        self._misses = 0
        self._near_streak = 0
        self._pending = None

    def _run(self, pending: Pending, work: Work) -> list[Decoded]:
        f = pending.gray
        if work.kind in ("crop", "full"):
            assert work.p is not None
            shape = f.shape if work.roi is None else (work.roi[3] - work.roi[1], work.roi[2] - work.roi[0])
            if not work.p.applies(shape):
                return []
        self.idle_runs += 1
        if work.kind == "others":
            assert self._later_symbologies is not None
            got = self._later_symbologies.decode(f)
        elif work.kind == "crop":
            assert work.roi is not None and work.p is not None
            got = self._crop_pass(f, work.roi, work.p)
        elif work.kind == "full":
            assert work.p is not None
            got, _ = run_pass(self.zxing, f, work.p)
        elif work.kind == "blur":
            # A photographed screen: its pixel grid hides the modules from zxing's binariser as it
            # does from zbar's; the same light blur removes it.
            self.zxing_blur_runs += 1
            got, blurred_candidates = self._frame_zxing.decode_with_candidates(cv2.GaussianBlur(f, (0, 0), self.blur_sigma))
            if not got and pending.roi is None:  # located only once blurred: zbar on the crop
                roi = self._roi(blurred_candidates, f.shape[1], f.shape[0])
                if roi is not None:
                    got = self._read_crop(f, roi)
        elif work.kind == "zbar crop":
            assert work.roi is not None
            got = self._zbar_crop(f, work.roi)
        else:
            self.zbar_full_runs += 1
            got = self.zbar.decode(f)
        if got:
            self._read()
        return got

    def _crop_pass(self, f: np.ndarray, roi: Box, p: Pass) -> list[Decoded]:
        x0, y0, x1, y1 = roi
        got, _ = run_pass(self.zxing, np.ascontiguousarray(f[y0:y1, x0:x1]), p, origin=(x0, y0))
        return got

    def _read_crop(self, f: np.ndarray, roi: Box) -> list[Decoded]:
        return self._zbar_crop(f, roi) or self._clahe_crop(f, roi)

    def _zbar_crop(self, f: np.ndarray, roi: Box) -> list[Decoded]:
        self.zbar_roi_runs += 1
        x0, y0, x1, y1 = roi
        return _moved(self.zbar.decode(f[y0:y1, x0:x1]), x0, y0)

    def _clahe_crop(self, f: np.ndarray, roi: Box) -> list[Decoded]:
        # A glare spot or a washed-out half defeats both binarisers; local histogram
        # equalisation of the crop brings the modules back (~0.6 ms on a 400 px crop).
        self.zxing_roi_runs += 1
        x0, y0, x1, y1 = roi
        return _moved(self.zxing.decode(self._clahe.apply(np.ascontiguousarray(f[y0:y1, x0:x1]))), x0, y0)

    def _roi(self, candidates: list[tuple[Point, ...]], w: int, h: int) -> Box | None:
        """A crop around the most symbol-like located-but-unread quadrilateral, or None.

        zxing also reports degenerate and elongated junk quads; the squarest one is the likely
        QR code. Only one crop per frame, so a frame costs at most zxing + one zbar pass."""
        best, best_score = None, 0.0
        for quad in candidates:
            q = np.asarray(quad, dtype=np.float32)
            sides = np.linalg.norm(q - np.roll(q, -1, axis=0), axis=1)
            if sides.min() < MIN_FRAME_SIDE:
                continue
            score = float(sides.min() / sides.max())
            if score > best_score:
                best, best_score = q, score
        if best is None or best_score < 0.5:
            return None
        x0, y0 = best.min(axis=0)
        x1, y1 = best.max(axis=0)
        mx, my = (x1 - x0) * self.roi_margin, (y1 - y0) * self.roi_margin
        x0, y0 = max(0, int(x0 - mx)), max(0, int(y0 - my))
        x1, y1 = min(w, int(x1 + mx) + 1), min(h, int(y1 + my) + 1)
        if (x1 - x0) * (y1 - y0) > 0.7 * w * h:  # no cheaper than the periodic full pass
            return None
        return x0, y0, x1, y1


def _moved(decoded: list[Decoded], x0: int, y0: int) -> list[Decoded]:
    """Corners read in a crop cut at (x0, y0), in the frame's pixels."""
    return [Decoded(d.text, tuple((x + x0, y + y0) for x, y in d.corners), d.symbology, d.decoder)  # type: ignore[arg-type]
            for d in decoded]
