"""Start-up and memory: each app's time from launch to its first painted window, and its peak RSS
idle and (the till) while scanning a 1280x720 video at its frame rate.

Each app is started as `python -m bench._app_probe APP -- <the app's own arguments>`: the probe
runs the app's unchanged `main()` and only watches it (see bench/_app_probe.py). The clock starts
in this process just before the child is spawned, so interpreter start-up and every import count.
The apps run on an Xvfb display started here once (xcb, as on a desktop); without Xvfb, offscreen.

    python -m bench.startup_memory [--runs 3] [--scan 6]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (T0, fast_password_hashing, goal_line, percentile, publish, pyplot, save_chart, start_xvfb,
                          table)

ROOT = Path(__file__).resolve().parent.parent


def prepare(work: Path) -> tuple[Path, str, Path]:
    """A seeded database, the clerk's "ID:PIN", and a 1280x720 clip of an empty counter."""
    fast_password_hashing()
    from shared.clock import FixedClock
    from shared.core import Core
    from shared.demo_data import seed_demo
    from shared.scanning.synth import empty_frame, write_video

    db = work / "startup.sqlite3"
    core = Core.open(db, clock=FixedClock(T0))
    seeded = seed_demo(core)
    core.close()
    clerk = next(s for s in seeded["staff"] if s["role"] == "clerk")
    video = write_video([empty_frame(size=(1280, 720), seed=i) for i in range(30)], work / "counter.avi", fps=30)
    return db, f"{clerk['id']}:{clerk['pin']}", video


def start_display() -> tuple[subprocess.Popen | None, dict]:
    started = start_xvfb("1920x1080x24", first=120)
    if started is None:
        return None, {"QT_QPA_PLATFORM": "offscreen"}
    proc, display = started
    return proc, {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}


def probe(app: str, app_args: list[str], env_extra: dict, out: Path, *, idle: float, scan: float) -> dict:
    env = {**os.environ, **env_extra, "QRPAY_NO_CRASH_DIALOG": "1", "QT_LOGGING_RULES": "*.debug=false"}
    cmd = [sys.executable, "-m", "bench._app_probe", "--out", str(out), "--idle", str(idle),
           "--scan", str(scan), app, "--", *app_args]
    env["QRPAY_BENCH_T0"] = repr(time.time())
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"{app} probe failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(out.read_text())


def run(runs: int = 3, scan: float = 6.0, *, quiet: bool = False) -> dict:
    work = Path(tempfile.mkdtemp(prefix="qrpay-bench-start-"))
    db, clerk, video = prepare(work)
    xvfb, display = start_display()
    try:
        apps = {"pos_app": ["--db", str(db), "--lang", "en", "--camera", str(video)],
                "wallet_app": ["--db", str(db), "--lang", "en"]}
        results: dict[str, dict] = {}
        for app, args in apps.items():
            starts = [probe(app, args, {**display, "QRPAY_POS_DEMO": clerk}, work / f"{app}-{i}.json",
                            idle=2.0, scan=0.0) for i in range(runs)]
            entry = {"runs": starts, "first_paint_s": [r["first_paint_s"] for r in starts],
                     "first_paint_median_s": round(percentile([r["first_paint_s"] for r in starts], 50), 3),
                     "first_paint_max_s": max(r["first_paint_s"] for r in starts),
                     "peak_rss_idle_mb": max(r["peak_rss_idle_mb"] for r in starts)}
            if app == "pos_app" and scan > 0:
                s = probe(app, args, {**display, "QRPAY_POS_DEMO": clerk}, work / "pos-scan.json", idle=1.0, scan=scan)
                entry["scan_run"] = s
                entry["peak_rss_scanning_mb"] = s.get("peak_rss_scanning_mb")
            results[app] = entry
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(5)
        shutil.rmtree(work, ignore_errors=True)
    pos = results["pos_app"]
    goal = {"first_window_target_s": 1.5, "rss_target_mb": 250,
            "first_window_met": all(r["first_paint_max_s"] <= 1.5 for r in results.values()),
            "rss_met": (pos.get("peak_rss_scanning_mb") or 1e9) <= 250
            and all(r["peak_rss_idle_mb"] <= 250 for r in results.values())}
    goal["met"] = goal["first_window_met"] and goal["rss_met"]
    data = {"display": display.get("QT_QPA_PLATFORM"), "runs_per_app": runs, "scan_seconds": scan,
            "results": results, "goal": goal}
    return publish("startup_memory", data, report, draw=lambda: chart(results), quiet=quiet)


def report(data: dict) -> str:
    rows = []
    for app, r in data["results"].items():
        scan = r.get("scan_run") or {}
        rows.append([app, r["first_paint_median_s"], r["first_paint_max_s"],
                     ", ".join(f"{x:.2f}" for x in r["first_paint_s"]), r["peak_rss_idle_mb"],
                     r.get("peak_rss_scanning_mb") or "–",
                     f"{scan.get('frames_decoded', '–')} in {scan.get('scan_seconds', '–')} s" if scan else "–"])
    g = data["goal"]
    return (table(["app", "first paint median s", "max s", "all runs s", "peak RSS idle MB",
                   "peak RSS scanning MB", "frames decoded"], rows)
            + f"\n\nDisplay: {data['display']}. Goal first window <= 1.5 s: {'met' if g['first_window_met'] else 'MISSED'}; "
              f"peak RSS <= 250 MB: {'met' if g['rss_met'] else 'MISSED'}")


def chart(results: dict) -> None:
    plt = pyplot()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    apps = list(results)
    a1.bar(apps, [results[a]["first_paint_median_s"] for a in apps],
           yerr=[[0] * len(apps), [results[a]["first_paint_max_s"] - results[a]["first_paint_median_s"] for a in apps]])
    goal_line(a1, 1.5, "goal 1.5 s")
    a1.set_ylabel("launch to first painted window (s)")
    a1.legend(fontsize=8)
    labels, vals = [], []
    for a in apps:
        labels.append(f"{a}\nidle")
        vals.append(results[a]["peak_rss_idle_mb"])
        if results[a].get("peak_rss_scanning_mb"):
            labels.append(f"{a}\nscanning 720p")
            vals.append(results[a]["peak_rss_scanning_mb"])
    a2.bar(labels, vals, color="C1")
    goal_line(a2, 250, "goal 250 MB")
    a2.set_ylabel("peak RSS (MB)")
    a2.legend(fontsize=8)
    save_chart(fig, "startup_memory", title="Start-up and memory")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="start-ups per app (default 3)")
    ap.add_argument("--scan", type=float, default=6.0, help="seconds of scanning for the till's memory (default 6)")
    a = ap.parse_args()
    run(a.runs, a.scan)


if __name__ == "__main__":
    main()
