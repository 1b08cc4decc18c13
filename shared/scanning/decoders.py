"""Barcode decoders behind one interface: text plus the four corner points of each symbol.

- `ZxingDecoder`: zxing-cpp, QR codes and EAN-13 (product barcodes come through the same camera).
- `ZbarDecoder`: pyzbar, the design card's decoder; retries on a lightly blurred frame because
  zbar reads almost nothing on photographs of a monitor (the screen's pixel grid), while a
  Gaussian blur of sigma ~1.5 removes that texture (measured on photographs of a monitor showing
  the wallet's code; zxing-cpp reads them unblurred).
- `CascadeDecoder` (the default): zxing-cpp on every frame, zbar on a blurred frame only for what
  zxing missed, and then only on some frames; see its docstring for the cost reasoning.

Frames are numpy arrays, BGR or grayscale uint8 as cv2 produces them; BGRA (screen grabs) is
accepted too. `decode()` is total: anything that is not such an image (None, empty, too small,
another dtype, a bytes object, ...) yields `[]`, never an exception, because it runs in a capture
thread fed by cameras that do return garbage, and a dead worker is worse than a missed frame.
Decoded text goes through `clean_text`: stripped, at most `MAX_TEXT_BYTES`, printable text only;
anything else is dropped silently (a camera sees codes that are not ours all day).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Iterable, Protocol, runtime_checkable

import cv2
import numpy as np

log = logging.getLogger(__name__)

MAX_TEXT_BYTES = 4096
# Smaller than this cannot hold a readable QR code (21 modules + quiet zone at >= 1 px/module).
MIN_FRAME_SIDE = 16

Point = tuple[float, float]


@dataclass(frozen=True)
class Decoded:
    """One symbol read in one frame.

    `corners`: four (x, y) points in frame pixels, in screen-clockwise order starting from the
    symbol's own top-left corner (for QR codes: the finder pattern at the top-left of the
    symbol as printed, so a code held upside down starts from the bottom-right on screen).
    `symbology`: "QRCode" | "EAN13". `decoder`: the decoder that read it ("zxing" | "zbar").
    """

    text: str
    corners: tuple[Point, Point, Point, Point]
    symbology: str
    decoder: str


@runtime_checkable
class Decoder(Protocol):
    name: str

    def decode(self, frame: Any) -> list[Decoded]:
        """Every symbol readable in `frame` (BGR, BGRA or gray uint8); `[]` for anything else."""
        ...


def clean_text(data: bytes | str | None) -> str | None:
    """The text of a symbol, or None when it must be ignored.

    Total: never raises. Bytes must be UTF-8; surrounding whitespace is stripped; empty text,
    text over `MAX_TEXT_BYTES` (UTF-8) and text with control characters other than tab and
    line breaks (binary payloads) are refused.
    """
    if data is None:
        return None
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > MAX_TEXT_BYTES * 4:  # cheap early refusal before decoding
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    elif isinstance(data, str):
        text = data
    else:
        return None
    text = text.strip()
    if not text:
        return None
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return None
    if len(encoded) > MAX_TEXT_BYTES:
        return None
    for ch in text:
        o = ord(ch)
        if (o < 0x20 and ch not in "\t\r\n") or 0x7F <= o < 0xA0 or ch == "\ufffd":
            return None
    return text


def as_frame(frame: Any) -> np.ndarray | None:
    """`frame` as a contiguous gray or BGR uint8 array, or None when it is no usable image."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8:
        return None
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    if frame.ndim == 2:
        pass
    elif frame.ndim == 3 and frame.shape[2] == 3:
        pass
    elif frame.ndim == 3 and frame.shape[2] == 4:
        frame = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_BGRA2BGR)
    else:
        return None
    if min(frame.shape[0], frame.shape[1]) < MIN_FRAME_SIDE:
        return None
    return np.ascontiguousarray(frame)


def as_gray(frame: Any) -> np.ndarray | None:
    f = as_frame(frame)
    if f is None:
        return None
    return f if f.ndim == 2 else cv2.cvtColor(f, cv2.COLOR_BGR2GRAY)


def _quad(points: list[Point]) -> tuple[Point, Point, Point, Point]:
    """Four corners, screen-clockwise from the one nearest the frame's top-left."""
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if len(pts) != 4:
        pts = cv2.boxPoints(cv2.minAreaRect(pts))
    centre = pts.mean(axis=0)
    # y grows downwards, so increasing atan2 angle is clockwise on screen.
    order = np.argsort(np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0]))
    pts = pts[order]
    start = int(np.argmin(pts[:, 0] + pts[:, 1]))
    pts = np.roll(pts, -start, axis=0)
    return tuple((float(x), float(y)) for x, y in pts)  # type: ignore[return-value]


def _start_at(corners: tuple[Point, Point, Point, Point], direction_deg: float) -> tuple[Point, Point, Point, Point]:
    """The same clockwise corners, starting from the one whose direction from the centre is
    nearest `direction_deg` (screen angle, y downwards)."""
    pts = np.asarray(corners, dtype=np.float64)
    c = pts.mean(axis=0)
    theta = np.degrees(np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0]))
    diff = np.abs((theta - direction_deg + 180.0) % 360.0 - 180.0)
    start = int(np.argmin(diff))
    return tuple(corners[start:] + corners[:start])  # type: ignore[return-value]


class ZxingDecoder:
    """zxing-cpp: ~2 ms per 1280x720 frame here (bench/RESULTS.md), 91 % of degraded synthetic frames.

    Measured in bench/decode_cost (1280x720, QR + EAN-13): handing zxing a gray frame made by
    OpenCV is ~0.6 ms cheaper than letting it convert BGR itself; its `try_invert` pass (light-on-dark
    symbols: neither the wallet's codes nor product barcodes) and its `try_rotate` pass (EAN-13 turned
    by 90°; QR detection does not depend on it) together cost ~1.5 ms a frame and read nothing here.
    Both are off; `exhaustive=True` turns them back on.
    """

    name = "zxing"

    def __init__(self, *, symbologies: tuple[str, ...] = ("QRCode", "EAN13"), exhaustive: bool = False,
                 binarizer: str = "LocalAverage") -> None:
        import zxingcpp

        self._zx = zxingcpp
        self._formats = tuple(getattr(zxingcpp.BarcodeFormat, s) for s in symbologies)
        self._names = frozenset(symbologies)
        self._exhaustive = exhaustive
        self._binarizer = getattr(zxingcpp.Binarizer, binarizer)
        # Plain: the symbol's characters as they are. zxing's default (HRI) spells control
        # characters out ("<SOH>"), which turned a binary payload into a printable text that
        # clean_text could not refuse (ZXing black-box qrcode-2/33: a wrong text).
        self._text_mode = zxingcpp.TextMode.Plain

    def decode(self, frame: Any) -> list[Decoded]:
        return self.decode_with_candidates(frame)[0]

    def decode_with_candidates(self, frame: Any) -> tuple[list[Decoded], list[tuple[Point, ...]]]:
        """The symbols read, and the quadrilaterals of symbols zxing located but could not decode
        (checksum or format errors: glare, noise), where another decoder may still succeed."""
        f = as_gray(frame)
        if f is None:
            return [], []
        try:
            found = self._zx.read_barcodes(f, formats=self._formats, return_errors=True,
                                           try_invert=self._exhaustive, try_rotate=self._exhaustive,
                                           binarizer=self._binarizer, text_mode=self._text_mode)
        except (ValueError, RuntimeError, TypeError, MemoryError) as e:  # a frame the library cannot take
            log.debug("zxing refused a frame: %s", e)
            return [], []
        out, candidates = [], []
        for b in found:
            p = b.position
            corners = tuple((float(q.x), float(q.y)) for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
            if b.format.name not in self._names:
                # zxing-cpp 3's QRCode is a family: Micro QR and rMQR come with it. A Micro QR M1
                # has no error correction, only detection, and was "read" from a blurred
                # background (bench/still_passes, seed 77: "388256"): a wrong text. Only the
                # symbologies asked for by name are kept, as located or as read.
                continue
            if not b.valid:
                candidates.append(corners)
                continue
            text = clean_text(b.bytes) if b.format.name == "QRCode" else None
            if text is None:
                # Not UTF-8 bytes (e.g. a Shift_JIS code): zxing's own transcoding, if it is text.
                text = clean_text(b.text) if b.content_type.name in ("Text", "Mixed") else None
            if text is None:
                continue
            out.append(Decoded(text, corners, b.format.name, self.name))  # type: ignore[arg-type]
        return out, candidates


# zbar's polygon is geometric (it does not follow the symbol's rotation); its orientation says
# how many quarter turns (counter-clockwise on screen) the symbol is from upright, to the nearest
# quarter. An upright symbol's top-left corner lies at -135° from its centre (y downwards), so
# the corner nearest -135° - 90°*turns is the symbol's top-left. Within ~10° of a diagonal the
# start may be one corner off; the outline is right either way.
_ZBAR_TURNS = {"UP": 0, "LEFT": 1, "DOWN": 2, "RIGHT": 3}
_ZBAR_NAMES = {"QRCODE": "QRCode", "EAN13": "EAN13"}


class ZbarDecoder:
    """pyzbar (libzbar0): ~35 ms per 1280x720 frame here.

    `blur_sigma`: retry on a Gaussian-blurred frame when the plain one gives nothing (screen
    photographs); `blur_only` skips the plain attempt (what the cascade wants, since zxing has
    already tried the plain frame). 0 disables the blur.
    """

    name = "zbar"

    def __init__(self, *, blur_sigma: float = 1.5, blur_only: bool = False,
                 symbologies: tuple[str, ...] = ("QRCODE", "EAN13")) -> None:
        from pyzbar import pyzbar

        self._zb = pyzbar
        self._symbols = [getattr(pyzbar.ZBarSymbol, s) for s in symbologies]
        self.blur_sigma = float(blur_sigma)
        self.blur_only = blur_only and blur_sigma > 0

    def decode(self, frame: Any, *, scale: float = 1.0) -> list[Decoded]:
        """`scale` < 1 decodes a downscaled copy (corners are mapped back to frame pixels)."""
        gray = as_gray(frame)
        if gray is None:
            return []
        if scale < 1.0:
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            if min(gray.shape) < MIN_FRAME_SIDE:
                return []
        out: list[Decoded] = []
        if not self.blur_only:
            out = self._read(gray, scale)
        if not out and self.blur_sigma > 0:
            out = self._read(cv2.GaussianBlur(gray, (0, 0), self.blur_sigma), scale)
        return out

    def _read(self, gray: np.ndarray, scale: float) -> list[Decoded]:
        try:
            found = self._zb.decode(gray, symbols=self._symbols)
        except (ValueError, TypeError, RuntimeError) as e:
            log.debug("zbar refused a frame: %s", e)
            return []
        out = []
        for d in found:
            text = clean_text(d.data)
            symbology = _ZBAR_NAMES.get(d.type)
            if text is None or symbology is None or not text.isascii():
                # zbar hands over text it has already converted from a character set it guessed:
                # on the ZXing black-box photos 9 of 9 Shift_JIS codes came back as other
                # characters (ﾃﾞｻﾞｲﾝ as 蹬靼翌). A wrong text is worse than a miss, so zbar's
                # non-ASCII reads are dropped (payment codes are ASCII; zxing reads the rest).
                continue
            pts = [(p.x / scale, p.y / scale) for p in d.polygon]
            if symbology == "QRCode" and len(pts) == 4:
                turns = _ZBAR_TURNS.get(getattr(d, "orientation", None) or "UP", 0)
                corners = _start_at(_quad(pts), -135.0 - 90.0 * turns)
            else:
                corners = _quad(pts)
            out.append(Decoded(text, corners, symbology, self.name))  # type: ignore[arg-type]
        return out


class CascadeDecoder:
    """zxing-cpp on every frame; pyzbar on a blurred frame, sparingly, for what zxing missed.

    Why this shape (measured here on 1280x720 synthetic webcam frames, 2-core VM; zxing
    ~4 ms a frame, pyzbar ~23 ms plain and ~12 ms on a blurred frame):
    - Running zbar on every frame zxing misses would put every empty frame (no code in view, the
      normal state of a till) at ~16 ms and miss the p95 <= 8 ms goal by far.
    - When zxing *located* a symbol but could not decode it (glare, noise: `return_errors`),
      zbar runs at once on a blurred crop around it: a few ms, and only when a code is there;
      if zbar reads nothing either, zxing reads the crop once more after CLAHE equalisation
      (bench/read_rate, main set: glare 35 → 39 of 40 frames, blur 28 → 31; ~0.6 ms).
    - Otherwise zbar runs on the whole blurred frame once every `zbar_every` (30) consecutive
      frames without a read: ~3 % of frames, so the per-frame p95 stays zxing's, and the
      mean cost rises by ~0.5 ms; a code only zbar can read (small codes photographed off a
      screen, in these measurements) is still read within a second at 30 fps.
    - A half-size zbar pass was tried: cheaper (~3 ms) but it read none of the frames zxing
      missed, so it is not used.
    - Every other miss gets zxing once more on the frame blurred like zbar's (sigma 1.5): on the
      moiré frames of three seeded sets zxing read 22-45 % as they were and 78-95 % blurred; the
      cascade went from 25 to 35 of 40 on one set (the same on the other two) for ~1.5 ms a
      miss, so an empty 1280x720 frame costs ~4 ms (bench/RESULTS.md). A code located only in
      the blurred frame gets the crop treatment below.
    On 400 randomly degraded frames zxing alone read 263, zxing + these zbar passes 280.
    zbar results are tagged decoder="zbar" so a benchmark can count who read what.

    Deeper looks (issue 16; numbers in bench/RESULTS.md "Scanner passes"), never on every frame:
    - A near miss (zxing located a symbol, nothing read) makes the next frames that are near
      misses too try one CROP_PASSES look each at their own crop (rotating: CLAHE, sharpen, x2,
      ...; ~1-3 ms on a crop), so a held code is looked at in every way within a few frames.
    - `idle_step()`: while the worker would otherwise wait for the camera, the last missed frame
      gets the remaining crop passes and then the whole-frame STILL_PASSES, one pass per call
      (`ScanPipeline.step` calls it between frames). A frame with no near miss gets this only
      every `deep_every` misses, so an empty counter does not keep a core busy.
    - `decode_still(frame)`: a still picture gets `StillDecoder` (every pass, all the time it needs).
    """

    name = "cascade"

    def __init__(self, *, zbar_every: int = 30, blur_sigma: float = 1.5, roi_margin: float = 0.1,
                 zxing: ZxingDecoder | None = None, zbar: ZbarDecoder | None = None, deep_every: int = 10) -> None:
        if zbar_every < 1 or deep_every < 1:
            raise ValueError("zbar_every and deep_every must be >= 1")
        self.deep_every = deep_every
        self._near_streak = 0
        self._pending: _Pending | None = None
        self.escalated_frames = 0   # frames that got one extra crop pass after a near miss
        self.idle_runs = 0          # passes run by idle_step
        self._still: StillDecoder | None = None
        self.zxing = zxing or ZxingDecoder()
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
        f = as_gray(frame)  # once, for both decoders: each would convert on its own otherwise
        if f is None:
            return []
        got, roi = self._decode_live(f)
        if got:
            self._near_streak = 0
            return got
        if roi is not None:
            self._near_streak += 1
            crop_passes = [PASSES[n] for n in CROP_PASSES]
            if self._near_streak > 1:  # a frame after a near miss: one more look at its crop
                self.escalated_frames += 1
                p = crop_passes[(self._near_streak - 2) % len(crop_passes)]
                got = self._crop_pass(f, roi, p)
                if got:
                    self._near_streak = 0
                    self._misses = 0
                    return got
                crop_passes.remove(p)
            queue = [(p, roi) for p in crop_passes] + [(PASSES[n], None) for n in _IDLE_FULL_PASSES]
            self._pending = _Pending(f, queue)
        else:
            self._near_streak = 0
            if not (self._misses - 1) % self.deep_every:
                self._pending = _Pending(f, [(PASSES[n], None) for n in _IDLE_FULL_PASSES])
        return []

    @property
    def has_idle_work(self) -> bool:
        return self._pending is not None and bool(self._pending.queue)

    def idle_step(self) -> list[Decoded]:
        """One deeper pass over the last frame `decode` missed (see the class docstring); the
        codes it read, in that frame's pixels. Call it only while no newer frame is waiting."""
        pending = self._pending
        if pending is None or not pending.queue:
            return []
        p, roi = pending.queue.pop(0)
        if not p.applies(pending.gray.shape if roi is None else (roi[3] - roi[1], roi[2] - roi[0])):
            return []
        self.idle_runs += 1
        if roi is not None:
            got = self._crop_pass(pending.gray, roi, p)
        else:
            got, _ = run_pass(self.zxing, pending.gray, p)
        if got:
            self._pending = None
            self._misses = 0
            self._near_streak = 0
        return got

    def decode_still(self, frame: Any) -> list[Decoded]:
        """Every code in a still picture: all of StillDecoder's passes (no frame-rate budget)."""
        if self._still is None:
            self._still = StillDecoder(zxing=self.zxing)
        return self._still.decode(frame)

    def _crop_pass(self, f: np.ndarray, roi: tuple[int, int, int, int], p: Pass) -> list[Decoded]:
        x0, y0, x1, y1 = roi
        got, _ = run_pass(self.zxing, np.ascontiguousarray(f[y0:y1, x0:x1]), p, origin=(x0, y0))
        return got

    def _decode_live(self, f: np.ndarray) -> tuple[list[Decoded], tuple[int, int, int, int] | None]:
        """The cheap cascade of one frame: what it read, and the crop of a near miss (or None)."""
        found, candidates = self.zxing.decode_with_candidates(f)
        if found:
            self._misses = 0
            return found, None
        self._misses += 1
        roi = self._roi(candidates, f.shape[1], f.shape[0])
        if roi is not None:
            got = self._read_crop(f, roi)
            if got:
                return got, roi
        if self.blur_sigma > 0:
            # A photographed screen: its pixel grid hides the modules from zxing's binariser as it
            # does from zbar's; the same light blur removes it (~1.5 ms at 1280x720, so on every
            # miss, where the full zbar pass costs ~12 ms and runs only every `zbar_every`).
            # Before the zbar pass (issue 16): a screen read here every frame used to pay the
            # full zbar pass too on every frame (the read resets the miss count).
            self.zxing_blur_runs += 1
            got, blurred_candidates = self.zxing.decode_with_candidates(cv2.GaussianBlur(f, (0, 0), self.blur_sigma))
            if got:
                self._misses = 0
                return got, roi
            if roi is None:  # located only once blurred: give zbar the crop as above
                roi = self._roi(blurred_candidates, f.shape[1], f.shape[0])
                if roi is not None:
                    got = self._read_crop(f, roi)
                    if got:
                        return got, roi
        if not (self._misses - 1) % self.zbar_every:
            self.zbar_full_runs += 1
            got = self.zbar.decode(f)
            if got:
                self._misses = 0
                return got, roi
        return [], roi

    def _read_crop(self, f: np.ndarray, roi: tuple[int, int, int, int]) -> list[Decoded]:
        self.zbar_roi_runs += 1
        x0, y0, x1, y1 = roi
        crop = f[y0:y1, x0:x1]
        got = self.zbar.decode(crop)
        if not got:
            # A glare spot or a washed-out half defeats both binarisers; local histogram
            # equalisation of the crop brings the modules back (~0.6 ms on a 400 px crop).
            self.zxing_roi_runs += 1
            got = self.zxing.decode(self._clahe.apply(np.ascontiguousarray(crop)))
        if not got:
            return []
        self._misses = 0
        return [Decoded(d.text, tuple((x + x0, y + y0) for x, y in d.corners), d.symbology, d.decoder)  # type: ignore[arg-type]
                for d in got]

    def _roi(self, candidates: list[tuple[Point, ...]], w: int, h: int) -> tuple[int, int, int, int] | None:
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


# -- several looks at one picture ------------------------------------------------------------------
# bench/still_passes.py measures each pass alone and the orders below on the ZXing black-box photos
# and on synthetic categories (blur, glare, curved, damaged, monitor, high version, small code in a
# large photo, many codes); bench/RESULTS.md "Scanner passes" has the numbers behind each choice.

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


def run_pass(zxing: "ZxingDecoder", gray: np.ndarray, p: Pass, *, origin: tuple[int, int] = (0, 0),
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
                 zxing: "ZxingDecoder | None" = None, budget_ms: float | None = STILL_BUDGET_MS) -> None:
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


# Whole-frame passes for idle time on a live frame: plain and blur already ran on it.
_IDLE_FULL_PASSES: tuple[str, ...] = tuple(n for n in STILL_PASSES if n not in ("plain", "blur"))


@dataclass(eq=False)
class _Pending:
    """The last frame the live cascade missed and the passes still to try on it (crop or None)."""

    gray: np.ndarray
    queue: list[tuple[Pass, tuple[int, int, int, int] | None]]


DECODERS = ("cascade", "zxing", "zbar", "still")


def decoder_named(name: str) -> Decoder:
    """A fresh decoder: "cascade" (default), "zxing", "zbar" or "still". Unknown → ValueError."""
    if name == "zxing":
        return ZxingDecoder()
    if name == "zbar":
        return ZbarDecoder()
    if name == "cascade":
        return CascadeDecoder()
    if name == "still":
        return StillDecoder()
    raise ValueError(f"unknown decoder {name!r}: choose one of {', '.join(DECODERS)}")
