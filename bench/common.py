"""What every benchmark shares: the machine description, percentiles, tables, JSON, charts,
real payment-code texts, and the peer decoders measured next to the project's pipeline."""
from __future__ import annotations

import json
import os
import platform
import secrets
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


def save_chart(fig, name: str, *, title: str | None = None) -> Path:
    """bench/results/<name>.png, laid out tight, and the figure closed."""
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    path = RESULTS / f"{name}.png"
    fig.savefig(path, dpi=110)
    pyplot().close(fig)
    return path


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
