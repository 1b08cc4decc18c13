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
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

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

    def __init__(self, *, symbologies: tuple[str, ...] = ("QRCode", "EAN13"), exhaustive: bool = False) -> None:
        import zxingcpp

        self._zx = zxingcpp
        self._formats = tuple(getattr(zxingcpp.BarcodeFormat, s) for s in symbologies)
        self._exhaustive = exhaustive

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
                                           try_invert=self._exhaustive, try_rotate=self._exhaustive)
        except (ValueError, RuntimeError, TypeError) as e:  # a frame the library cannot take
            log.debug("zxing refused a frame: %s", e)
            return [], []
        out, candidates = [], []
        for b in found:
            p = b.position
            corners = tuple((float(q.x), float(q.y)) for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
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
            if text is None or symbology is None:
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
    """

    name = "cascade"

    def __init__(self, *, zbar_every: int = 30, blur_sigma: float = 1.5, roi_margin: float = 0.1,
                 zxing: ZxingDecoder | None = None, zbar: ZbarDecoder | None = None) -> None:
        if zbar_every < 1:
            raise ValueError("zbar_every must be >= 1")
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
        f = as_gray(frame)  # once, for both decoders: each would convert on its own otherwise
        if f is None:
            return []
        found, candidates = self.zxing.decode_with_candidates(f)
        if found:
            self._misses = 0
            return found
        self._misses += 1
        roi = self._roi(candidates, f.shape[1], f.shape[0])
        if roi is not None:
            got = self._read_crop(f, roi)
            if got:
                return got
        if not (self._misses - 1) % self.zbar_every:
            self.zbar_full_runs += 1
            got = self.zbar.decode(f)
            if got:
                self._misses = 0
                return got
        if self.blur_sigma > 0:
            # A photographed screen: its pixel grid hides the modules from zxing's binariser as it
            # does from zbar's; the same light blur removes it (~1.5 ms at 1280x720, so on every
            # miss, where the full zbar pass costs ~12 ms and runs only every `zbar_every`).
            self.zxing_blur_runs += 1
            got, blurred_candidates = self.zxing.decode_with_candidates(cv2.GaussianBlur(f, (0, 0), self.blur_sigma))
            if got:
                self._misses = 0
                return got
            if roi is None:  # located only once blurred: give zbar the crop as above
                roi = self._roi(blurred_candidates, f.shape[1], f.shape[0])
                if roi is not None:
                    return self._read_crop(f, roi)
        return []

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


DECODERS = ("cascade", "zxing", "zbar")


def decoder_named(name: str) -> Decoder:
    """A fresh decoder: "cascade" (default), "zxing" or "zbar". Unknown → ValueError."""
    if name == "zxing":
        return ZxingDecoder()
    if name == "zbar":
        return ZbarDecoder()
    if name == "cascade":
        return CascadeDecoder()
    raise ValueError(f"unknown decoder {name!r}: choose one of {', '.join(DECODERS)}")
