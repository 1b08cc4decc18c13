"""`qrpay scan`: decode images, video files, image sequences or a camera with the POS's pipeline.

A QA tool: every code read in every frame, with its corner points and the decoder's time per
frame. Needs no database.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

from shared.cli.main import emit, no_core
from shared.scanning.decoders import DECODERS, decoder_named
from shared.scanning.pipeline import ScanPipeline
from shared.scanning.sources import open_source

LIVE_DEFAULT_MAX_FRAMES = 300  # ~10 s of a 30 fps camera when --max-frames is not given


def register(sub, common) -> None:
    p = sub.add_parser("scan", parents=[common], help="decode QR codes / EAN-13 in images, videos or a camera")
    p.add_argument("--decoder", choices=DECODERS, default="cascade")
    p.add_argument("--max-frames", type=int, default=None, metavar="N",
                   help=f"frames to decode per source (a camera: {LIVE_DEFAULT_MAX_FRAMES} unless given)")
    p.add_argument("--unique", action="store_true", help="report each text once per source")
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="image, folder of images, video file, frames/%%04d.png, or a camera index")
    p.set_defaults(func=cmd_scan)


def _percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 3) if values else None


def _quiet_opencv() -> None:
    """OpenCV's own warnings (a missing camera, the end of an image sequence) duplicate our messages."""
    import cv2

    try:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    except AttributeError:  # builds without the logging module
        pass


@no_core
def cmd_scan(core, args: argparse.Namespace):
    if args.max_frames is not None and args.max_frames < 1:
        from shared.cli.main import UsageError
        raise UsageError("--max-frames must be at least 1")
    _quiet_opencv()
    # Open everything first so a missing file fails before any output.
    sources = [(spec, open_source(spec)) for spec in args.sources]
    results, times, per_source = [], [], []
    try:
        for spec, source in sources:
            pipeline = ScanPipeline(source, decoder_named(args.decoder), cooldown_s=0.0)
            limit = args.max_frames or (LIVE_DEFAULT_MAX_FRAMES if source.is_live else None)
            seen: set[str] = set()
            frames = 0
            for r in pipeline.results(max_frames=limit):
                frames += 1
                times.append(r.decode_ms)
                for d in r.decoded:
                    if args.unique and d.text in seen:
                        continue
                    seen.add(d.text)
                    results.append({"source": str(spec), "frame": r.frame_index, "text": d.text,
                                    "symbology": d.symbology,
                                    "corners": [[round(x, 1), round(y, 1)] for x, y in d.corners],
                                    "decoder": d.decoder, "decode_ms": round(r.decode_ms, 3)})
            per_source.append({"source": str(spec), "description": source.description, "frames": frames,
                               "ended": source.ended, "failed": source.failed})
    finally:
        for _, source in sources:
            source.release()
    out = {"results": results, "frames": len(times),
           "decode_ms": {"median": _percentile(times, 50), "p95": _percentile(times, 95)},
           "sources": per_source}
    if getattr(args, "json", False):
        return out
    for r in results:
        corners = " ".join(f"({x:.0f},{y:.0f})" for x, y in r["corners"])
        sys.stdout.write(f"{r['source']} frame {r['frame']}: {r['symbology']} {r['text']!r} "
                         f"at {corners} [{r['decoder']}, {r['decode_ms']:.1f} ms]\n")
    for s in per_source:
        state = "camera lost" if s["failed"] else ("ended" if s["ended"] else "stopped")
        sys.stdout.write(f"{s['description']}: {s['frames']} frames ({state})\n")
    dm = out["decode_ms"]
    sys.stdout.write(f"{len(results)} reads in {len(times)} frames; decode median {dm['median']} ms, "
                     f"p95 {dm['p95']} ms\n")
    return 0
