"""Run one scenario in isolation: a fresh temporary database on a fixed clock, removed afterwards.

    result = run_isolated("credential-stuffing", policy="2019", on_step=print, customers=50)
    result = run_isolated("expired-and-skewed", policy={"code-lifetime"}, pace=2.0)   # one defence off, slowly

The one place that does it for both `qrpay attack NAME` and the trainer, so the demo database of
the presenter is never touched by a rehearsal. `start` is the simulated time the run begins at
(default: now, to the second); `db` keeps the database at that path instead (the CLI's `--db`),
still on a fixed clock.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from shared.attacks.base import ScenarioResult
from shared.attacks.spec import PolicyChoice, ScenarioSpec, StepHook
from shared.clock import FixedClock


def run_isolated(scenario: str | ScenarioSpec, *, policy: PolicyChoice, on_step: StepHook | None = None,
                 pace: float | StepHook | None = None, start: float | None = None, db: str | Path | None = None,
                 **sizes: Any) -> ScenarioResult:
    """Run `scenario` (a name of `SCENARIOS` or a spec) under `policy` (a preset name, a Policy, or
    the names of the defences to switch off) on its own database. `pace`: see `ScenarioSpec.run`."""
    from shared.attacks import SCENARIOS
    from shared.core import Core
    from shared.errors import InputError

    if isinstance(scenario, str):
        if scenario not in SCENARIOS:
            raise InputError(f"unknown scenario {scenario!r}; one of: {', '.join(SCENARIOS)}")
        scenario = SCENARIOS[scenario]
    clock = FixedClock(float(int(time.time() if start is None else start)))
    with tempfile.TemporaryDirectory(prefix="qrpay-attack-", ignore_cleanup_errors=True) as tmp:
        core = Core.open(Path(db) if db is not None else Path(tmp) / "attack.sqlite3", clock=clock)
        try:
            return scenario.run(core, policy=policy, on_step=on_step, pace=pace, **sizes)
        finally:
            core.close()
