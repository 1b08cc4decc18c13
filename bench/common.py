"""What every benchmark shares: the machine description, percentiles, tables, JSON, charts,
real payment-code texts, and the peer decoders measured next to the project's pipeline."""
from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
T0 = 1_795_600_000.0  # the fixed "now" of seeded databases (same as the tests)


def percentile(values: Sequence[float], q: float) -> float:
    if not len(values):
        return float("nan")
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    return {"n": len(values), "median": round(percentile(values, 50), 3), "p95": round(percentile(values, 95), 3),
            "p99": round(percentile(values, 99), 3), "mean": round(float(np.mean(values)) if len(values) else 0.0, 3),
            "max": round(float(np.max(values)) if len(values) else 0.0, 3)}


def machine() -> dict[str, Any]:
    """CPU, cores and the versions of everything measured."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str] = {"python": sys.version.split()[0]}
    import sqlite3
    versions["sqlite"] = sqlite3.sqlite_version
    for mod, attr in (("cv2", "__version__"), ("numpy", "__version__"), ("zxingcpp", "__version__"),
                      ("PySide6", "__version__"), ("qrcode", None), ("cryptography", "__version__")):
        try:
            m = __import__(mod)
            v = getattr(m, attr, None) if attr else None
            if v is None:
                from importlib.metadata import version
                v = version({"cv2": "opencv-python-headless", "zxingcpp": "zxing-cpp"}.get(mod, mod))
            versions[mod] = str(v)
        except Exception:  # noqa: BLE001 - a missing library is reported as such
            versions[mod] = "missing"
    try:
        from importlib.metadata import version
        versions["pyzbar"] = version("pyzbar")
    except Exception:  # noqa: BLE001
        versions["pyzbar"] = "missing"
    try:
        import ctypes.util
        versions["libzbar"] = ctypes.util.find_library("zbar") or "missing"
    except Exception:  # noqa: BLE001
        pass
    # Other work on the machine while measuring (these VMs are shared): the 1-minute load average.
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(), "versions": versions,
            "load_average_1min": round(os.getloadavg()[0], 2)}


def write_json(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"benchmark": name, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": machine(), **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def publish(name: str, data: dict[str, Any], report: Callable[[dict[str, Any]], str], *,
            draw: Callable[[], Any] | None = None, quiet: bool = False) -> dict[str, Any]:
    """What every benchmark does with its results: bench/results/<name>.json (write_json), its chart
    (`draw()`, if any), and `report(data)` printed unless `quiet`. Returns `data`."""
    write_json(name, data)
    if draw is not None:
        draw()
    if not quiet:
        print(report(data))
    return data


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table (also readable in a terminal)."""
    rows = [[_cell(c) for c in r] for r in rows]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def _cell(v: Any) -> str:
    if isinstance(v, float):
        if v != v:
            return "–"
        return f"{v:,.1f}" if abs(v) >= 100 else f"{v:.2f}"
    return str(v)


def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def goal_line(ax, y: float, label: str) -> None:
    """The goal on a chart: a dashed red line at `y`, named in the legend (drawn by the caller)."""
    ax.axhline(y, color="red", linestyle="--", linewidth=1, label=label)


def save_chart(fig, name: str, *, title: str | None = None) -> Path:
    """bench/results/<name>.png, laid out tight, and the figure closed."""
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    path = RESULTS / f"{name}.png"
    fig.savefig(path, dpi=110)
    pyplot().close(fig)
    return path


def start_xvfb(screen: str, *, first: int) -> tuple[subprocess.Popen, str] | None:
    """A private Xvfb screen (`screen`, e.g. "1920x1080x24") on the first free display number of `first` and
    the 19 after it: the process and its DISPLAY once it listens; None where Xvfb is not installed, no number
    is free or it does not start within 10 s. The caller terminates it."""
    if shutil.which("Xvfb") is None:
        return None
    n = next((n for n in range(first, first + 20)
              if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists()), None)
    if n is None:
        return None
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", screen, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            proc.wait(5)
            return None
        time.sleep(0.05)
    return proc, f":{n}"


# -- real payment codes ---------------------------------------------------------------------------
def payment_code_texts(n: int, *, seed: int = 7) -> list[str]:
    """`n` payment-code texts in the real format, signed with a fresh Ed25519 key (what a wallet
    shows; the decoders only see the text). Fields are seeded so the set is the same every run;
    only the signature bytes (Ed25519 is deterministic for a key) depend on the fresh key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from shared.code_format import sign_code

    rng = np.random.default_rng(seed)
    key = Ed25519PrivateKey.from_private_bytes(rng.bytes(32))
    out = []
    for i in range(n):
        cap = None if i % 3 else int(rng.integers(1, 50_000))
        out.append(sign_code(key, nonce=rng.bytes(16), wallet_ref=rng.bytes(8), issued_at=int(T0) + i, ttl=60,
                             amount_cap=cap, counter=i + 1))
    return out


# -- decoders measured side by side ----------------------------------------------------------------
class Peer:
    """A reference decoder: a library called the plain way (gray frame in, texts out)."""

    def __init__(self, name: str, fn: Callable[[np.ndarray], list[str]]) -> None:
        self.name = name
        self._fn = fn

    def texts(self, frame: np.ndarray) -> list[str]:
        try:
            return [t for t in self._fn(frame) if t]
        except Exception:  # noqa: BLE001 - a library refusing a frame is a miss
            return []


def _gray(frame: np.ndarray) -> np.ndarray:
    import cv2
    return frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def peers() -> list[Peer]:
    import cv2
    import zxingcpp
    from pyzbar import pyzbar

    qr = zxingcpp.BarcodeFormat.QRCode

    def zx(frame):
        return [b.text for b in zxingcpp.read_barcodes(frame, formats=qr)]

    def zb(frame):
        return [d.data.decode("utf-8", "replace") for d in pyzbar.decode(_gray(frame), symbols=[pyzbar.ZBarSymbol.QRCODE])]

    det = cv2.QRCodeDetector()

    def cvqr(frame):
        text, _, _ = det.detectAndDecode(frame)
        return [text]

    aruco = cv2.QRCodeDetectorAruco()

    def cvaruco(frame):
        text, _, _ = aruco.detectAndDecode(frame)
        return [text]

    return [Peer("zxing-cpp", zx), Peer("pyzbar", zb), Peer("cv2.QRCodeDetector", cvqr),
            Peer("cv2.QRCodeDetectorAruco", cvaruco)]


class Pipeline:
    """The project's default pipeline: `ScanPipeline.process` with the default decoder, one
    instance kept across frames (its state, such as the periodic zbar pass, is part of the cost)."""

    name = "default pipeline"

    def __init__(self, decoder_name: str = "cascade", *, live: bool = False) -> None:
        """`live`: frames are camera frames (only the per-frame pass; the deeper looks wait for
        idle time, as on the till); otherwise a file's frames (every look at once)."""
        from shared.scanning import ScanPipeline, decoder_named

        self.decoder = decoder_named(decoder_name)
        self.live = live
        self._pipe = ScanPipeline(_NoSource(), self.decoder)

    def texts(self, frame: np.ndarray) -> list[str]:
        return [d.text for d in self._pipe.process(frame, live=self.live).decoded]


class _NoSource:
    description = "frames handed in"
    is_live = False
    ended = False
    failed = False

    def read(self):
        return None

    def release(self) -> None:
        pass


def fast_password_hashing() -> None:
    """Argon2id with tiny parameters for seeding benchmark databases (sign-in is not what is
    measured; the production parameters would only make the set-up slower)."""
    from argon2 import PasswordHasher

    from shared import passwords

    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def token() -> str:
    return secrets.token_hex(4)


# -- seeded payment worlds and timed payers (bench.ledger, bench.http_payments, bench.storage_backends) -------
PASSWORD = "amber-bamboo-canal-cedar-42"
NOW = T0 + 120  # the instant every seeded code is presented at


def seed_payments(core, customers: int) -> dict[str, Any]:
    """The demo shop and `customers` customers on an open `core` (its clock at T0), each registered, enrolled,
    signed in with a TOTP code, funded and holding one live payment code issued by `core.codes.issue`
    (hardened policy: one live code per customer, so one customer per payment). The clock ends at NOW.
    Returns the codes, the clerk (id and PIN), a two-line cart and the terminals."""
    from shared import ledger, totp
    from shared.demo_data import seed_demo

    seeded = seed_demo(core)
    core.clock.advance(NOW - T0)
    codes = []
    for i in range(customers):
        e = core.identity.register(f"bench{i}@example.com", f"Bench {i}", PASSWORD)
        core.identity.confirm_totp(e.email, totp.totp_code(e.totp_secret, core.now() - totp.STEP_SECONDS))
        with core.db.write() as conn:
            ledger.transfer(conn, key=f"bench-seed:{e.customer_id}", kind="seed", at=core.now(),
                            customer_id=e.customer_id, memo="bench opening balance",
                            postings=[(ledger.CARD_CLEARING, -10_000), (ledger.wallet_account(e.customer_id), 10_000)])
        s = core.identity.sign_in(e.email, PASSWORD, totp=totp.totp_code(e.totp_secret, core.now()))
        codes.append(core.codes.issue(s.token).text)
    clerk = next(s for s in seeded["staff"] if s["role"] == "clerk")
    item = next(i for i in seeded["items"] if i["tax_rate"] == 8)
    item2 = next(i for i in seeded["items"] if i["tax_rate"] == 10)
    return {"codes": codes, "clerk_id": clerk["id"], "clerk_pin": str(clerk["pin"]),
            "lines": [[item["jan"], 2], [item2["jan"], 1]], "terminals": [t["id"] for t in seeded["terminals"]]}


def build_template(target, customers: int, *, terminals: int = 0) -> dict[str, Any]:
    """A seeded database at `target` (an SQLite path or a `postgresql://…#WORLD`), closed again; with
    `terminals`, at least that many terminals (one per payer)."""
    fast_password_hashing()
    from shared.clock import FixedClock
    from shared.core import Core

    core = Core.open(target, clock=FixedClock(T0))
    try:
        meta = seed_payments(core, customers)
        have = [t.id for t in core.catalog.terminals()]
        store = core.catalog.store()
        for i in range(len(have) + 1, terminals + 1):
            core.catalog.add_terminal(f"T{i}", store_id=store.id, name=f"Bench {i}")
        if terminals:
            meta["terminals"] = [t.id for t in core.catalog.terminals()][:terminals]
    finally:
        core.close()
    return meta


def timed_payments(pay: Callable[[str], Any], codes: Sequence[str], barrier=None) -> dict[str, Any]:
    """`pay(code)` for each code one after the other, each call timed (ms), after the barrier (if any);
    refusals (QrpayError) are counted by code. What every payer process writes out."""
    from shared.errors import QrpayError

    lat: list[float] = []
    errors: dict[str, int] = {}
    if barrier is not None:
        barrier.wait()
    start = time.perf_counter()
    for code in codes:
        t0 = time.perf_counter()
        try:
            pay(code)
        except QrpayError as e:
            errors[e.code] = errors.get(e.code, 0) + 1
        lat.append((time.perf_counter() - t0) * 1000.0)
    return {"start": start, "end": time.perf_counter(), "latencies_ms": lat, "errors": errors}


def core_payer(target: str, synchronous: str | None, terminal: str, clerk_id: int, lines: list, codes: list[str],
               barrier, out_path: str) -> None:
    """One in-process payer (a process of its own in the multi-process modes): its own `Core` on `target`,
    a FixedClock at NOW, `core.sales.pay` for each code. `synchronous` sets SQLite's PRAGMA (None: as opened)."""
    import uuid

    from shared.clock import FixedClock
    from shared.core import Core

    core = Core.open(target, clock=FixedClock(NOW))
    if synchronous and core.db.dialect == "sqlite":
        core.db.connection.execute(f"PRAGMA synchronous = {synchronous}")
    cart = [tuple(x) for x in lines]
    core.sales.quote(cart)  # warm the statement cache and the issuer key before the clock starts
    core.codes.ensure_issuer_key()
    out = timed_payments(lambda code: core.sales.pay(terminal_id=terminal, clerk_id=clerk_id, code=code, lines=cart,
                                                     sale_id=uuid.uuid4().hex), codes, barrier)
    core.close()
    Path(out_path).write_text(json.dumps(out))


def run_processes(target, args_for: Callable[[int, Any, str], tuple], n: int, work: Path, tag: str,
                  timeout: float = 600) -> list[dict[str, Any]]:
    """`n` spawned processes running `target(*args_for(i, barrier, out_path))`, started together at a
    barrier; what each wrote to its out_path."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(n) if n > 1 else None
    outs = [work / f"{tag}-{i}.json" for i in range(n)]
    procs = [ctx.Process(target=target, args=args_for(i, barrier, str(outs[i]))) for i in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout)
        if p.exitcode != 0:
            raise RuntimeError(f"{tag}: a payer process ended with {p.exitcode}")
    return [json.loads(o.read_text()) for o in outs]


def collect(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Payers' outputs → payments done, refusals by code, wall time (first start to last end), per second,
    latency summary."""
    lat = [x for p in parts for x in p["latencies_ms"]]
    errors: dict[str, int] = {}
    for p in parts:
        for k, v in p["errors"].items():
            errors[k] = errors.get(k, 0) + v
    wall = max(p["end"] for p in parts) - min(p["start"] for p in parts)
    ok = len(lat) - sum(errors.values())
    return {"payments": ok, "errors": errors, "wall_s": round(wall, 3), "per_second": round(ok / wall, 1),
            "latency_ms": summary_ms(lat)}


def check_payments(target, expected_sales: int) -> dict[str, Any]:
    """The ledger's invariants hold and every accepted payment is one sale (exactly once)."""
    from shared import ledger
    from shared.clock import FixedClock
    from shared.core import Core
    from shared.receipts import business_date_of

    core = Core.open(target, clock=FixedClock(NOW))
    try:
        with core.db.read() as conn:
            violations = ledger.check(conn)
        day = business_date_of(NOW)
        sales = sum(len(core.sales.journal(t.id, day)) for t in core.catalog.terminals())
    finally:
        core.close()
    return {"ledger_violations": violations, "sales": sales, "expected_sales": expected_sales,
            "ok": not violations and sales == expected_sales}
