"""Every decoder behind one interface (text plus the four corner points of each symbol), by name.

The decoders live along their seams:
- `shared.scanning.readers`: the zxing-cpp and pyzbar wrappers, `Decoded`, the `Decoder` protocol,
  `clean_text` and the frame checks that make every `decode()` total;
- `shared.scanning.still`: the preprocessing passes and `StillDecoder` (every pass for a picture);
- `shared.scanning.live`: `CascadeDecoder`, the live cascade (the default).
This module re-exports what importers use and picks a decoder by name for the CLI and the apps.
"""
from __future__ import annotations

from shared.scanning.live import CascadeDecoder
from shared.scanning.readers import (
    MAX_TEXT_BYTES,
    MIN_FRAME_SIDE,
    Decoded,
    Decoder,
    Point,
    ZbarDecoder,
    ZxingDecoder,
    as_frame,
    as_gray,
    clean_text,
)
from shared.scanning.still import CROP_PASSES, PASSES, STILL_PASSES, Pass, StillDecoder, run_pass

__all__ = [
    "CROP_PASSES", "DECODERS", "MAX_TEXT_BYTES", "MIN_FRAME_SIDE", "PASSES", "STILL_PASSES", "CascadeDecoder",
    "Decoded", "Decoder", "Pass", "Point", "StillDecoder", "ZbarDecoder", "ZxingDecoder", "as_frame", "as_gray",
    "clean_text", "decoder_named", "run_pass",
]

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
