"""Long runs are marked `slow` and skipped unless QRPAY_LONG=1 (scripts/long_runs.sh sets it), so the
default `pytest` stays fast without anyone remembering `-m "not slow"`."""
from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import long_runs

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    if long_runs():
        return
    skip = pytest.mark.skip(reason="long reliability run: set QRPAY_LONG=1 (or run scripts/long_runs.sh)")
    for item in items:
        if "slow" in item.keywords and _HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)
