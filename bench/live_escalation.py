"""Live frames: ms per 1280x720 frame (p95, empty frames included) and time to first read on
hard hand-held clips, for the live cascade with and without its deeper passes.

1. Per-frame cost: the decode-cost stream (1 s of empty counter, then 1/3 s of a hand-held code,
   again and again; bench/decode_cost.py) through `CascadeDecoder.decode`, `--runs` times; the
   median run is reported. zxing-cpp alone on the same frames for comparison.
2. Time to first read: hard clips of 1 s at 30 fps (blur, glare, curved, damaged, monitor,
   small code), one code each, played to a simulated worker on a virtual clock: frame i arrives
   at i/30 s; the worker decodes the newest frame (older ones are dropped, as LatestFrameGrabber
   does), and while no newer frame has arrived it runs `idle_step()` (as ScanPipeline.step does).
   Every decode and pass is timed for real and advances the clock by what it cost. Reported: clips
   read within 1 s, median and max time to first read, the p95 of `decode()` per frame on these
   clips, and the longest a frame waited for an idle pass in progress.
   "cheap only" is the same cascade with the idle passes off.

    python -m bench.live_escalation [--clips 6] [--runs 3]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from bench.common import RESULTS, payment_code_texts, percentile, pyplot, summary_ms, table, write_json
from bench.decode_cost import stream
from shared.scanning.decoders import CascadeDecoder, ZxingDecoder
from shared.scanning.synth import qr_image, webcam_clip

FPS = 30.0
SIZE = (1280, 720)
HARD = {
    "blur": {"blur": (2.8, 3.6)},
    "glare": {"glare": (1.1, 1.5)},
    "curved": {"curve": (0.4, 0.6)},
    "damaged": {"damage": (0.04, 0.07)},
    "monitor": {"moire": (0.8, 1.0), "scale": (0.22, 0.3)},
    "small code": {"scale": (0.145, 0.16), "blur": (0.8, 0.95)},
}


def hard_clips(n: int, *, seed: int) -> dict[str, list[tuple[str, list[np.ndarray]]]]:
    texts = payment_code_texts(n * len(HARD), seed=seed)
    rng = np.random.default_rng(seed)
    out: dict[str, list] = {}
    k = 0
    for cat, ranges in HARD.items():
        for _ in range(n):
            kw = {"scale": float(rng.uniform(0.4, 0.55)), "angle": float(rng.uniform(-10, 10))}
            kw.update({key: float(rng.uniform(*r)) for key, r in ranges.items()})
            clip = webcam_clip(qr_image(texts[k], box=6), int(FPS), seed=seed + k, size=SIZE, **kw)
            out.setdefault(cat, []).append((texts[k], clip))
            k += 1
    return out


def simulate(decoder: CascadeDecoder, text: str, clip: list[np.ndarray], *, idle: bool) -> dict:
    """Play `clip` at FPS to a worker on a virtual clock; see the module docstring."""
    t, last = 0.0, -1
    frame_ms, waits = [], [0.0]

    def done(at):
        return {"read_at": at, "frame_ms": frame_ms, "max_wait_ms": 1000 * max(waits)}

    while True:
        newest = min(int(t * FPS + 1e-9), len(clip) - 1)
        if newest > last:
            c0 = time.perf_counter()
            got = decoder.decode(clip[newest])
            c = time.perf_counter() - c0
            frame_ms.append(c * 1000)
            t += c
            last = newest
            if any(d.text == text for d in got):
                return done(t)
        elif idle and decoder.has_idle_work:
            c0 = time.perf_counter()
            got = decoder.idle_step()
            t1 = t + time.perf_counter() - c0
            arrival = (last + 1) / FPS  # the next frame, if it came while this pass ran, waited
            if last + 1 < len(clip) and arrival < t1:
                waits.append(t1 - max(arrival, t))
            t = t1
            if any(d.text == text for d in got):
                return done(t)
        else:
            if last >= len(clip) - 1:
                return done(None)
            t = (last + 1) / FPS


def time_to_first_read(clips: dict, *, idle: bool) -> dict:
    out = {}
    for cat, items in clips.items():
        reads, ms, waits = [], [], []
        for text, clip in items:
            r = simulate(CascadeDecoder(), text, clip, idle=idle)
            reads.append(r["read_at"])
            ms += r["frame_ms"]
            waits.append(r["max_wait_ms"])
        got = [x for x in reads if x is not None]
        out[cat] = {"clips": len(items), "read_within_1s": len(got),
                    "median_ms": round(1000 * float(np.median(got)), 1) if got else None,
                    "max_ms": round(1000 * max(got), 1) if got else None,
                    "frame_p95_ms": round(percentile(ms, 95), 2), "max_wait_ms": round(max(waits), 1)}
    return out


def per_frame_cost(runs: int) -> dict:
    frames, truth = stream(SIZE, 60, seed=11)
    out = {}
    for name, make in (("zxing-cpp (project's ZxingDecoder)", ZxingDecoder), ("live cascade", CascadeDecoder)):
        per_run = []
        for _ in range(runs):
            dec = make()
            for f in frames[:3]:
                dec.decode(f)
            dec = make()
            ms, reads = [], 0
            for f, tx in zip(frames, truth):
                t0 = time.perf_counter()
                got = dec.decode(f)
                ms.append((time.perf_counter() - t0) * 1000)
                reads += tx is not None and any(d.text == tx for d in got)
            per_run.append((summary_ms(ms), reads))
        per_run.sort(key=lambda r: r[0]["p95"])
        mid = per_run[len(per_run) // 2]
        out[name] = {"median_run": mid[0], "reads": mid[1], "code_frames": sum(x is not None for x in truth),
                     "frames": len(frames), "run_p95s": [r[0]["p95"] for r in per_run]}
    return out


def run(clips: int, runs: int, *, seed: int = 2019, quiet: bool = False) -> dict:
    data = {"fps": FPS, "size": f"{SIZE[0]}x{SIZE[1]}", "clips_per_category": clips, "runs": runs,
            "per_frame": per_frame_cost(runs)}
    hc = hard_clips(clips, seed=seed)
    data["first_read"] = {"cheap only": time_to_first_read(hc, idle=False),
                          "with idle passes": time_to_first_read(hc, idle=True)}
    write_json("live_escalation", data)
    chart(data)
    if not quiet:
        print(report(data))
    return data


def report(data: dict) -> str:
    pf = data["per_frame"]
    lines = [table(["decoder, 1280x720 stream", "p95 ms (median run)", "median ms", "max ms", "p95 of each run",
                    "code frames read"],
                   [[n, v["median_run"]["p95"], v["median_run"]["median"], v["median_run"]["max"],
                     ", ".join(f"{x:.2f}" for x in v["run_p95s"]), f"{v['reads']}/{v['code_frames']}"]
                    for n, v in pf.items()]), ""]
    rows = []
    for cat in data["first_read"]["cheap only"]:
        a, b = data["first_read"]["cheap only"][cat], data["first_read"]["with idle passes"][cat]
        rows.append([cat, f"{a['read_within_1s']}/{a['clips']}", a["median_ms"], f"{b['read_within_1s']}/{b['clips']}",
                     b["median_ms"], b["max_ms"], b["frame_p95_ms"], b["max_wait_ms"]])
    lines.append(table(["hard clip (1 s, 30 fps)", "cheap only: read", "median ms to read",
                        "with idle passes: read", "median ms to read", "max ms to read",
                        "decode() p95 ms per frame", "longest wait for an idle pass, ms"], rows))
    return "\n".join(lines)


def chart(data: dict) -> None:
    try:
        plt = pyplot()
    except ImportError:
        return
    cats = list(data["first_read"]["cheap only"])
    fig, ax = plt.subplots(figsize=(9, 4.2))
    x = np.arange(len(cats))
    for i, (mode, colour) in enumerate((("cheap only", "#7f8c8d"), ("with idle passes", "#c0392b"))):
        vals = [100 * data["first_read"][mode][c]["read_within_1s"] / data["first_read"][mode][c]["clips"] for c in cats]
        ax.bar(x + (i - 0.5) * 0.38, vals, 0.38, label=mode, color=colour)
    ax.set_xticks(x, cats)
    ax.set_ylabel("hard clips read within 1 s (%)")
    ax.set_ylim(0, 105)
    ax.legend(loc="lower right")
    ax.set_title("Live: hard clips at 30 fps, 1280x720")
    fig.tight_layout()
    fig.savefig(RESULTS / "live_escalation.png", dpi=100)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=6, help="clips per hard category (default 6)")
    ap.add_argument("--runs", type=int, default=3, help="per-frame timing runs (default 3; median run reported)")
    a = ap.parse_args()
    run(a.clips, a.runs)


if __name__ == "__main__":
    main()
