"""`qrpay demo` for real, on an X display (Xvfb): three processes, real windows, the till reading
the wallet's code from the screen because this machine has no webcam.

- `--autoplay --once` on a fresh database exits 0 with a sale whose code came from the screen;
- a second `qrpay demo` on the same database opens no window (and no shift) and says why;
- ending the launcher (SIGTERM) closes every window it opened.

Few and bounded: each test starts its own Xvfb and gives up after a fixed time."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.common import start_xvfb

pytestmark = pytest.mark.xvfb
ROOT = Path(__file__).resolve().parents[1]
ONCE_TIMEOUT_S = 150


@pytest.fixture
def display(tmp_path):
    """A private Xvfb screen of a kiosk laptop's size; skipped where Xvfb is not installed."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    started = start_xvfb("1366x768x24", first=140)
    if started is None:
        pytest.skip("Xvfb did not start")
    xvfb, display = started
    yield display
    xvfb.terminate()
    xvfb.wait(10)


def demo_env(display: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", QRPAY_NO_CRASH_DIALOG="1",
               XDG_CONFIG_HOME=str(tmp_path / "config"),   # no source choice remembered from elsewhere
               XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path / "home"))
    env.pop("QRPAY_GEOMETRY", None)
    return env


def qrpay(*args: str) -> list[str]:
    return [sys.executable, "-m", "shared.cli.main", *args]


def windows(display: str) -> list[str]:
    """Visible top-level windows on the display (xdotool), or [] if xdotool is missing."""
    if shutil.which("xdotool") is None:
        return []
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "."], env=dict(os.environ, DISPLAY=display),
                         capture_output=True, text=True)
    return out.stdout.split()


def children_of(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    except FileNotFoundError:
        return []
    return [int(p) for p in out.stdout.split()]


def wait_for(pred, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.3)
    return pred()


def journal(db: Path, env: dict) -> list[dict]:
    from datetime import datetime, timedelta, timezone

    day = datetime.now(timezone(timedelta(hours=9))).strftime("%Y-%m-%d")
    out = subprocess.run(qrpay("--db", str(db), "--json", "journal", "--terminal", "T1", "--date", day), cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["sales"]


def test_autoplay_once_pays_with_the_code_read_from_the_screen(display, tmp_path):
    db = tmp_path / "demo.sqlite3"
    env = demo_env(display, tmp_path)
    run = subprocess.run(qrpay("--db", str(db), "demo", "--autoplay", "--once", "--timeout", str(ONCE_TIMEOUT_S)),
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=ONCE_TIMEOUT_S + 60)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "password" in run.stderr and "PIN" in run.stderr          # the accounts, printed every time
    sales = journal(db, env)
    assert len(sales) == 1 and sales[0]["entry_method"] == "screen"
    assert wait_for(lambda: not windows(display), 15)                  # and nothing left open


def test_a_second_demo_opens_nothing_and_ending_the_first_closes_its_windows(display, tmp_path):
    db = tmp_path / "demo.sqlite3"
    env = demo_env(display, tmp_path)
    first = subprocess.Popen(qrpay("--db", str(db), "demo"), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        # At once, while the first is still starting: its "come to the front" request must not kill it.
        lock = Path(str(db) + ".demo.lock")
        assert wait_for(lambda: lock.exists() and lock.read_text().strip() == str(first.pid), 60)
        early = subprocess.run(qrpay("--db", str(db), "demo"), cwd=ROOT, env=env, capture_output=True, text=True,
                               timeout=60)
        assert early.returncode != 0 and "already running" in early.stderr
        assert wait_for(lambda: len(children_of(first.pid)) == 3, 60), "the demo did not start its three apps"
        apps = children_of(first.pid)
        if shutil.which("xdotool"):
            assert wait_for(lambda: len(windows(display)) >= 3, 60)
        before = windows(display)
        audit_before = _audit_count(db, env)

        second = subprocess.run(qrpay("--db", str(db), "demo"), cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=60)
        assert second.returncode != 0
        assert "already running" in second.stderr
        time.sleep(2)
        assert sorted(windows(display)) == sorted(before)               # no second set of windows
        assert children_of(first.pid) == apps and first.poll() is None  # the first one carries on
        assert _audit_count(db, env) == audit_before                   # nothing written: no shift, no seed

        first.send_signal(signal.SIGTERM)                               # ending the launcher…
        first.wait(30)
        assert wait_for(lambda: not any(_alive(p) for p in apps), 20)   # …ends every app it started
        assert wait_for(lambda: not windows(display), 15)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def _audit_count(db: Path, env: dict) -> int:
    out = subprocess.run(qrpay("--db", str(db), "--json", "audit", "list", "--limit", "10000"), cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        return -1
    return len(json.loads(out.stdout)["rows"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a zombie (exited, not yet reaped by the killed launcher's parent) is gone for our purpose
        return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0
    except OSError:
        return False
