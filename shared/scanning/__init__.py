"""Qt-free QR and product-barcode scanning: frame sources, decoders, the scan pipeline.

The POS wraps `ScanPipeline` (and `LatestFrameGrabber`) in a QThread worker; `qrpay scan` runs
the same pipeline from the command line. Nothing here imports Qt.
"""
from shared.scanning.decoders import (
    CascadeDecoder,
    Decoded,
    Decoder,
    ZbarDecoder,
    ZxingDecoder,
    clean_text,
    decoder_named,
)
from shared.scanning.pipeline import Deduplicator, LatestFrameGrabber, ScanPipeline, ScanResult
from shared.scanning.sources import CameraError, FrameSource, open_source

__all__ = [
    "CameraError",
    "CascadeDecoder",
    "Decoded",
    "Decoder",
    "Deduplicator",
    "FrameSource",
    "LatestFrameGrabber",
    "ScanPipeline",
    "ScanResult",
    "ZbarDecoder",
    "ZxingDecoder",
    "clean_text",
    "decoder_named",
    "open_source",
]
