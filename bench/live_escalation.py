"""Live frames: ms per 1280x720 frame (p95, empty frames included) and time to first read on
hard hand-held clips, for the live cascade with and without its deeper passes.

1. Per-frame cost: the decode-cost stream (1 s of empty counter, then 1/3 s of a hand-held code,
   again and again; bench/decode_cost.py) through zxing-cpp alone, the live cascade's `decode()`
   (the per-frame budget of a camera) and the video-file path (`decode()` then `catch_up()` on a
   miss, as ScanPipeline gives a file's frames), interleaved frame by frame so that load from
   other processes hits all three alike; `--runs` times. Reported: the median of the runs' p95s,
   each run's p95, and the 1-minute load average around each run. `--profile` also times each
   step of the cascade per frame type (empty, easy code, hard code, near miss).
2. Time to first read: hard clips of 1 s at 30 fps (blur, glare, curved, damaged, monitor,
   small code), one code each, played to a simulated worker on a virtual clock: frame i arrives
   at i/30 s; the worker decodes the newest frame (older ones are dropped, as LatestFrameGrabber
   does), and while no newer frame has arrived it runs `idle_step()` (as ScanPipeline.step does).
   Every decode and pass is timed for real and advances the clock by what it cost. Reported: clips
   read within 1 s, median and max time to first read, the p95 of `decode()` per frame on these
   clips, and the longest a frame waited for an idle pass in progress.
   "cheap only" is `decode()` alone: no idle time at all (a worker that always has a frame waiting).

    python -m bench.live_escalation [--clips 6] [--runs 5] [--profile]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

from bench.common import RESULTS, payment_code_texts, percentile, publish, pyplot, summary_ms, table
from bench.decode_cost import stream
from shared.scanning.live import CascadeDecoder
from shared.scanning.readers import ZxingDecoder
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


class _FilePath:
    """What ScanPipeline gives a frame of a video file: `decode()`, then on a miss `catch_up()`."""

    def __init__(self) -> None:
        self.cascade = CascadeDecoder()

    def decode(self, frame: np.ndarray) -> list:
        return self.cascade.decode(frame) or self.cascade.catch_up()


PER_FRAME = {"zxing-cpp alone (ZxingDecoder)": ZxingDecoder, "live cascade: decode()": CascadeDecoder,
             "video-file path: decode() + catch_up()": _FilePath}
LIVE = "live cascade: decode()"


def per_frame_cost(runs: int) -> dict:
    """Each run: every frame of the stream through every decoder in PER_FRAME, interleaved frame
    by frame (the order alternating), so a burst of load from other processes hits them alike."""
    frames, truth = stream(SIZE, 60, seed=11)
    names = list(PER_FRAME)
    per_run: dict[str, list] = {n: [] for n in names}
    loads = []
    for _ in range(runs):
        for n in names:  # warm caches and lazy initialisation
            warm = PER_FRAME[n]()
            for f in frames[:3]:
                warm.decode(f)
        decs = {n: PER_FRAME[n]() for n in names}
        ms: dict[str, dict[str, list]] = {n: {"empty": [], "code": []} for n in names}
        reads = dict.fromkeys(names, 0)
        load0 = os.getloadavg()[0]
        for i, (f, tx) in enumerate(zip(frames, truth)):
            for n in (names if i % 2 else names[::-1]):
                t0 = time.perf_counter()
                got = decs[n].decode(f)
                ms[n]["empty" if tx is None else "code"].append((time.perf_counter() - t0) * 1000)
                reads[n] += tx is not None and any(d.text == tx for d in got)
        loads.append([round(load0, 2), round(os.getloadavg()[0], 2)])
        for n in names:
            per_run[n].append({"all": summary_ms(ms[n]["empty"] + ms[n]["code"]), "empty": summary_ms(ms[n]["empty"]),
                               "code": summary_ms(ms[n]["code"]), "reads": reads[n]})
    out = {}
    for n in names:
        rs = sorted(per_run[n], key=lambda r: r["all"]["p95"])
        p95s = [r["all"]["p95"] for r in rs]
        mid = rs[len(rs) // 2]
        out[n] = {"median_run": mid["all"], "empty_p95": mid["empty"]["p95"], "code_p95": mid["code"]["p95"],
                  "reads": mid["reads"], "code_frames": sum(x is not None for x in truth), "frames": len(frames),
                  "run_p95s": p95s, "p95_median_of_runs": round(float(np.median(p95s)), 2),
                  "run_medians": sorted(r["all"]["median"] for r in rs)}
    return {"decoders": out, "load_1min_before_after_each_run": loads}


def profile(*, seed: int = 11) -> dict:
    """ms per step of the cascade, per frame type: empty, easy code (the stream's code frames),
    hard code (the hard clips) and near miss (hard-clip frames where zxing located a symbol and
    read nothing). One run; the steps of a frame are timed back to back."""
    import cv2

    from shared.scanning.still import PASSES

    frames, truth = stream(SIZE, 60, seed=seed)
    hard = [f for items in hard_clips(2, seed=2019).values() for _, clip in items for f in clip[::2]]
    kinds = {"empty": [f for f, t in zip(frames, truth) if t is None][::2],
             "easy code": [f for f, t in zip(frames, truth) if t is not None], "hard code": hard}
    c = CascadeDecoder()
    qr_only = ZxingDecoder(symbologies=("QRCode",))
    out: dict[str, dict] = {}

    def timed(kind, step, fn):
        t0 = time.perf_counter()
        r = fn()
        out.setdefault(kind, {}).setdefault(step, []).append((time.perf_counter() - t0) * 1000)
        return r

    for kind, fs in kinds.items():
        for f in fs:
            g = timed(kind, "BGR->gray (cv2)", lambda: cv2.cvtColor(f, cv2.COLOR_BGR2GRAY))
            found, cands = timed(kind, "zxing QR+EAN-13 (per frame)", lambda: c.zxing.decode_with_candidates(g))
            timed(kind, "zxing QR only", lambda: qr_only.decode_with_candidates(g))
            timed(kind, "blur 1.5 + zxing (deferred)", lambda: c.zxing.decode_with_candidates(cv2.GaussianBlur(g, (0, 0), 1.5)))
            if kind != "easy code":
                timed(kind, "zbar, whole blurred frame (deferred)", lambda: c.zbar.decode(g))
            roi = None if found else c._roi(cands, g.shape[1], g.shape[0])
            if kind == "hard code" and roi is not None:
                timed("near miss", "CLAHE crop + zxing (per near miss)", lambda: c._clahe_crop(g, roi))
                timed("near miss", "zbar, blurred crop (deferred)", lambda: c._zbar_crop(g, roi))
                for n in ("sharpen", "x2", "x2 sharpen", "blur"):
                    timed("near miss", f"crop {n}", lambda: c._crop_pass(g, roi, PASSES[n]))
    return {k: {step: {"n": len(v), "median": round(percentile(v, 50), 2), "p95": round(percentile(v, 95), 2)}
                for step, v in steps.items()} for k, steps in out.items()}


def run(clips: int, runs: int, *, seed: int = 2019, quiet: bool = False, with_profile: bool = False) -> dict:
    data = {"fps": FPS, "size": f"{SIZE[0]}x{SIZE[1]}", "clips_per_category": clips, "runs": runs,
            "per_frame": per_frame_cost(runs)}
    hc = hard_clips(clips, seed=seed)
    load0 = os.getloadavg()[0]
    data["first_read"] = {"cheap only": time_to_first_read(hc, idle=False),
                          "with idle passes": time_to_first_read(hc, idle=True)}
    data["first_read_load_1min_before_after"] = [round(load0, 2), round(os.getloadavg()[0], 2)]
    if with_profile:
        data["profile"] = profile()
    return publish("live_escalation", data, report, draw=lambda: chart(data), quiet=quiet)


def report(data: dict) -> str:
    pf = data["per_frame"]
    lines = [table(["1280x720 stream, frames interleaved", "p95 ms, median of runs", "p95 of each run", "median ms",
                    "p95 empty / code frames (median run)", "max ms (median run)", "code frames read"],
                   [[n, v["p95_median_of_runs"], ", ".join(f"{x:.2f}" for x in v["run_p95s"]),
                     v["median_run"]["median"], f"{v['empty_p95']} / {v['code_p95']}", v["median_run"]["max"],
                     f"{v['reads']}/{v['code_frames']}"] for n, v in pf["decoders"].items()]),
             f"1-minute load average before/after each run: {pf['load_1min_before_after_each_run']}", ""]
    rows = []
    for cat in data["first_read"]["cheap only"]:
        a, b = data["first_read"]["cheap only"][cat], data["first_read"]["with idle passes"][cat]
        rows.append([cat, f"{a['read_within_1s']}/{a['clips']}", a["median_ms"], f"{b['read_within_1s']}/{b['clips']}",
                     b["median_ms"], b["max_ms"], b["frame_p95_ms"], b["max_wait_ms"]])
    lines.append(table(["hard clip (1 s, 30 fps)", "decode() only: read", "median ms to read",
                        "with idle passes: read", "median ms to read", "max ms to read",
                        "decode() p95 ms per frame", "longest wait for an idle pass, ms"], rows))
    lines.append(f"1-minute load average before/after: {data['first_read_load_1min_before_after']}")
    if "profile" in data:
        steps = list(dict.fromkeys(st for k in data["profile"].values() for st in k))
        kinds = list(data["profile"])
        lines += ["", table(["step, ms median (p95)"] + kinds,
                            [[st] + [f"{data['profile'][k][st]['median']} ({data['profile'][k][st]['p95']})"
                                     if st in data["profile"][k] else "–" for k in kinds] for st in steps])]
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
        ax.bar(x + (i - 0.5) * 0.38, vals, 0.38, label="decode() only" if mode == "cheap only" else mode, color=colour)
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
    ap.add_argument("--runs", type=int, default=5, help="per-frame timing runs (default 5; median run reported)")
    ap.add_argument("--profile", action="store_true", help="also time each step per frame type")
    a = ap.parse_args()
    run(a.clips, a.runs, with_profile=a.profile)


if __name__ == "__main__":
    main()
