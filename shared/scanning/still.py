"""Several looks at one still picture: the preprocessing passes before zxing-cpp, and
`StillDecoder`, which gives a picture every pass (`qrpay scan` of images, the QA lab, the `--image`
options, a photo dropped on the till). The live cascade (`shared.scanning.live`) borrows the same
passes for its near-miss escalation and idle time.

bench/still_passes.py measures each pass alone and the orders below on the ZXing black-box photos
and on synthetic categories (blur, glare, curved, damaged, monitor, high version, small code in a
large photo, many codes); bench/RESULTS.md "Scanner passes" has the numbers behind each choice.
Every function here is total like the readers: a pass that cannot run yields nothing.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Iterable

import cv2
import numpy as np

from shared.scanning.readers import MIN_FRAME_SIDE, Decoded, Point, ZxingDecoder, as_gray

log = logging.getLogger(__name__)


MAX_STILL_SIDE = 4096       # larger images are area-downscaled to this first (memory and time guard)
UPSCALE_MAX_SIDE = 1600     # x2 only when the image (or crop) is at most this: 3200 px after


@dataclass(frozen=True)
class Pass:
    """One look at a gray image: a preprocessing, then zxing-cpp (whose Reed-Solomon check is the
    verification: a pass yields only codes whose error correction succeeded).

    `scale` > 1: cubic upscale (small or dense codes: more pixels per module for the binariser);
    `fit_side`: area-downscale so the long side is this many pixels (very large photos);
    `sharpen`: unsharp-mask sigma, in pixels of the image before scaling (defocus);
    `blur`: Gaussian sigma (a monitor's pixel grid); `clahe`: local contrast (glare, shadows);
    `binarizer`: zxing-cpp's ("LocalAverage" default, "GlobalHistogram", "FixedThreshold").
    The pass applies only when the image's long side is within [`min_side`, `max_side`].
    """

    name: str
    scale: float = 1.0
    fit_side: int | None = None
    sharpen: float = 0.0
    blur: float = 0.0
    clahe: bool = False
    binarizer: str = "LocalAverage"
    min_side: int = 0
    max_side: int | None = None

    def applies(self, shape: tuple[int, ...]) -> bool:
        side = max(shape[0], shape[1])
        if self.fit_side is not None and side <= self.fit_side:
            return False
        return side >= self.min_side and (self.max_side is None or side <= self.max_side)

    def prepare(self, gray: np.ndarray) -> tuple[np.ndarray, float]:
        """The image zxing reads, and its scale relative to `gray`."""
        factor = self.fit_side / max(gray.shape[:2]) if self.fit_side else self.scale
        img = gray
        # Filters run at the smaller of the two sizes (the same effect, a quarter of the pixels
        # when upscaling by 2: the x2 sharpen pass went from ~39 to ~15 ms at 1280x720).
        if factor < 1.0:
            img = cv2.resize(img, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        if self.blur > 0:
            img = cv2.GaussianBlur(img, (0, 0), self.blur)
        if self.sharpen > 0:
            img = cv2.addWeighted(img, 2.0, cv2.GaussianBlur(img, (0, 0), self.sharpen), -1.0, 0)
        if factor > 1.0:
            img = cv2.resize(img, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        if self.clahe:
            img = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(img)
        return np.ascontiguousarray(img), factor


PASSES: dict[str, Pass] = {p.name: p for p in (
    Pass("plain"),
    Pass("sharpen", sharpen=3.0),
    Pass("sharpen 1.5", sharpen=1.5),
    Pass("x2", scale=2.0, max_side=UPSCALE_MAX_SIDE),
    Pass("x2 blur", scale=2.0, blur=1.0, max_side=UPSCALE_MAX_SIDE),
    Pass("x3", scale=3.0, max_side=800),
    Pass("x2 sharpen", scale=2.0, sharpen=3.0, max_side=UPSCALE_MAX_SIDE),
    Pass("blur", blur=1.5),
    Pass("clahe", clahe=True),
    Pass("global histogram", binarizer="GlobalHistogram"),
    Pass("fit 1280", fit_side=1280, min_side=1800),
)}
# The still-image order: cheapest first, each kept pass reads something the earlier ones miss.
# Measured and not kept: "x3" (no read that x2 misses, 2x its cost), "clahe" and "global histogram"
# on the whole picture (nothing new; CLAHE stays for crops), "fit 1280" (read nothing here; pictures
# over MAX_STILL_SIDE are downscaled anyway).
STILL_PASSES: tuple[str, ...] = ("plain", "blur", "sharpen", "sharpen 1.5", "x2", "x2 blur", "x2 sharpen")
# On the crop around a located-but-unread symbol (a near miss): cheap because the crop is small.
CROP_PASSES: tuple[str, ...] = ("clahe", "sharpen", "x2", "x2 sharpen", "blur")
MAX_CROPS = 3  # near misses worked on per still image
STILL_BUDGET_MS = 75.0  # StillDecoder: no pass starts after this (the slowest pass at 1280 px: ~20 ms)


def _shift(decoded: list[Decoded], factor: float, ox: float, oy: float, tag: str | None = None) -> list[Decoded]:
    """Corners from an image scaled by `factor` and cut at (ox, oy) back to the original's pixels."""
    return [Decoded(d.text, tuple((x / factor + ox, y / factor + oy) for x, y in d.corners),  # type: ignore[arg-type]
                    d.symbology, d.decoder if tag is None else tag) for d in decoded]


def run_pass(zxing: ZxingDecoder, gray: np.ndarray, p: Pass, *, origin: tuple[int, int] = (0, 0),
             ) -> tuple[list[Decoded], list[tuple[Point, ...]]]:
    """Codes and near misses of one pass over `gray`, in the coordinates of the image `gray` was
    cut from at `origin`. Total: a pass that cannot run (memory, OpenCV) yields nothing."""
    try:
        img, factor = p.prepare(gray)
    except (cv2.error, MemoryError, ValueError) as e:
        log.debug("pass %s could not prepare the image: %s", p.name, e)
        return [], []
    found, cands = zxing.decode_with_candidates(img)
    ox, oy = origin
    tag = zxing.name if p.name == "plain" else f"{zxing.name}+{p.name}"
    cands = [tuple((x / factor + ox, y / factor + oy) for x, y in q) for q in cands]
    return _shift(found, factor, ox, oy, tag), cands


def _squarish(quad: tuple[Point, ...], min_side: float = MIN_FRAME_SIDE) -> float:
    """How square a located quadrilateral is (0..1); 0 for one too small to be a code."""
    q = np.asarray(quad, dtype=np.float32).reshape(-1, 2)
    if len(q) != 4:
        return 0.0
    sides = np.linalg.norm(q - np.roll(q, -1, axis=0), axis=1)
    if sides.min() < min_side:
        return 0.0
    return float(sides.min() / sides.max())


def _inside_any(quad: tuple[Point, ...], found: Iterable[Decoded]) -> bool:
    c = np.asarray(quad, dtype=np.float32).reshape(-1, 2).mean(axis=0)
    for d in found:
        poly = np.asarray(d.corners, dtype=np.float32).reshape(-1, 1, 2)
        if cv2.pointPolygonTest(poly, (float(c[0]), float(c[1])), False) >= 0:
            return True
    return False


def crop_box(quad: tuple[Point, ...], w: int, h: int, margin: float = 0.15) -> tuple[int, int, int, int]:
    q = np.asarray(quad, dtype=np.float32).reshape(-1, 2)
    x0, y0 = q.min(axis=0)
    x1, y1 = q.max(axis=0)
    mx, my = (x1 - x0) * margin, (y1 - y0) * margin
    return (max(0, int(x0 - mx)), max(0, int(y0 - my)), min(w, int(x1 + mx) + 1), min(h, int(y1 + my) + 1))


class StillDecoder:
    """Every code in a still picture (`qrpay scan` of images, the QA lab, a photo on the till).

    Passes in `passes` order over the whole picture (see PASSES); after each, it stops if it has
    read something and no located-but-unread symbol is left; otherwise the next pass runs. At the
    end, up to MAX_CROPS such near misses get CROP_PASSES on a crop around them. A code's text is
    reported once, with the corners of the first pass that read it. `reads_per_pass` counts, for
    the benchmark, which pass read what.

    `budget_ms`: no pass starts once this much time (time.perf_counter: CPU work measured, not a
    business time) has gone on the picture, so a picture with nothing readable costs at most
    about the budget plus one pass (issue 16: <= 100 ms per 1280 px picture on this 2-core VM).
    On a loaded machine fewer passes may run; None runs them all (tests, to be deterministic).
    """

    name = "still"

    def __init__(self, *, passes: Iterable[str] = STILL_PASSES, crop_passes: Iterable[str] = CROP_PASSES,
                 zxing: ZxingDecoder | None = None, budget_ms: float | None = STILL_BUDGET_MS) -> None:
        self.passes = tuple(PASSES[n] for n in passes)
        self.crop_passes = tuple(PASSES[n] for n in crop_passes)
        self.zxing = zxing or ZxingDecoder()
        self.budget_ms = budget_ms
        self.reads_per_pass: dict[str, int] = {}
        self.out_of_time = 0  # pictures on which the budget stopped the passes

    def decode(self, frame: Any) -> list[Decoded]:
        t0 = time.perf_counter()
        budget = None if self.budget_ms is None else self.budget_ms / 1000.0
        late = False

        def out_of_time() -> bool:
            nonlocal late
            if budget is not None and time.perf_counter() - t0 > budget:
                late = True
            return late

        gray = as_gray(frame)
        if gray is None:
            return []
        factor = 1.0
        if max(gray.shape) > MAX_STILL_SIDE:
            factor = MAX_STILL_SIDE / max(gray.shape)
            try:
                gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            except (cv2.error, MemoryError):
                return []
        found: dict[str, Decoded] = {}
        open_misses: list[tuple[Point, ...]] = []
        for p in self.passes:
            if not p.applies(gray.shape):
                continue
            if out_of_time():
                break
            got, cands = run_pass(self.zxing, gray, p)
            self._take(found, got, p.name)
            open_misses = [q for q in open_misses + cands
                           if _squarish(q) >= 0.5 and not _inside_any(q, found.values())]
            if found and not open_misses:
                break
        h, w = gray.shape
        tried: list[tuple[int, int, int, int]] = []
        for q in sorted(open_misses, key=_squarish, reverse=True):
            if len(tried) >= MAX_CROPS or _inside_any(q, found.values()):
                continue
            box = crop_box(q, w, h)
            if any(_overlap(box, t) > 0.5 for t in tried):
                continue
            tried.append(box)
            x0, y0, x1, y1 = box
            crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
            for p in self.crop_passes:
                if not p.applies(crop.shape):
                    continue
                if out_of_time():
                    break
                got, _ = run_pass(self.zxing, crop, p, origin=(x0, y0))
                if self._take(found, got, "crop " + p.name):
                    break
        self.out_of_time += late
        out = list(found.values())
        return _shift(out, factor, 0, 0) if factor != 1.0 else out

    def _take(self, found: dict[str, Decoded], got: list[Decoded], pass_name: str) -> bool:
        new = False
        for d in got:
            if d.text not in found:
                found[d.text] = d
                self.reads_per_pass[pass_name] = self.reads_per_pass.get(pass_name, 0) + 1
                new = True
        return new


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over the smaller box."""
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / small if small > 0 else 0.0
