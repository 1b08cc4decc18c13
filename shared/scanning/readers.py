"""The readers behind every decoder: zxing-cpp and pyzbar wrapped to one result, text plus the
four corner points of each symbol, and the frame checks they share.

- `ZxingDecoder`: zxing-cpp, QR codes and EAN-13 (product barcodes come through the same camera).
- `ZbarDecoder`: pyzbar, the design card's decoder; retries on a lightly blurred frame because
  zbar reads almost nothing on photographs of a monitor (the screen's pixel grid), while a
  Gaussian blur of sigma ~1.5 removes that texture (measured on photographs of a monitor showing
  the wallet's code; zxing-cpp reads them unblurred).

The decoders built on them: `shared.scanning.still` (every pass for a still picture) and
`shared.scanning.live` (the live cascade); `shared.scanning.decoders` names them all.

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

    def __init__(self, *, symbologies: tuple[str, ...] = ("QRCode", "EAN13"), exhaustive: bool = False,
                 binarizer: str = "LocalAverage") -> None:
        import zxingcpp

        self._zx = zxingcpp
        self._formats = tuple(getattr(zxingcpp.BarcodeFormat, s) for s in symbologies)
        self._names = frozenset(symbologies)
        self._exhaustive = exhaustive
        self._binarizer_name = binarizer
        self._binarizer = getattr(zxingcpp.Binarizer, binarizer)
        # Plain: the symbol's characters as they are. zxing's default (HRI) spells control
        # characters out ("<SOH>"), which turned a binary payload into a printable text that
        # clean_text could not refuse (ZXing black-box qrcode-2/33: a wrong text).
        self._text_mode = zxingcpp.TextMode.Plain

    @property
    def symbologies(self) -> frozenset[str]:
        return self._names

    def only(self, symbologies: tuple[str, ...]) -> "ZxingDecoder":
        """The same reader for fewer symbologies (each one costs: EAN-13 is ~2/3 of a QR + EAN-13
        pass over an empty 1280x720 frame, bench/RESULTS.md "Live frames")."""
        return ZxingDecoder(symbologies=tuple(s for s in symbologies if s in self._names),
                            exhaustive=self._exhaustive, binarizer=self._binarizer_name)

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
