"""The package version every command prints with `--version`."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "qrpay-sim"


def package_version() -> str:
    """The installed qrpay-sim version, or "unknown (not installed)" when run from a bare checkout."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown (not installed)"


def version_text(prog: str) -> str:
    """What `PROG --version` prints: "qrpay-wallet (qrpay-sim) 0.1.0"."""
    return f"{prog} ({DISTRIBUTION}) {package_version()}"
