"""Security regression set: every 7pay scenario of the training lab, run under `hardened` on a fresh
database, takes over no account and loses no yen; the ledger holds and `qrpay check` is clean.

One documented exception: `resale-velocity` starts with the victim's phone already in the thief's
hands (sign-in and second-factor defences are behind them), so what it measures is how much the
velocity rule lets through before it fires: the loss must stay within one velocity window
(payment_velocity_amount), and the run must end blocked with an alert.
"""
from __future__ import annotations

import pytest

from shared import attacks
from shared.audit_events import AuditEvent
from shared.clock import FixedClock
from shared.core import Core
from shared.policy import HARDENED

SCENARIOS = attacks.SCENARIOS
BOUNDED_NOT_PREVENTED = {"resale-velocity"}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_hardened_loses_nothing(name, tmp_path):
    core = Core.open(tmp_path / "attack.sqlite3", clock=FixedClock(1_795_600_000))
    try:
        result = SCENARIOS[name].run(core, policy="hardened")
    finally:
        core.close()
    assert result.policy == "hardened"
    assert result.takeovers == 0, result.notes
    assert result.outcome is attacks.Outcome.BLOCKED, (result.outcome, result.blocked_by)
    assert result.ledger_ok and list(result.check_problems) == []
    if name in BOUNDED_NOT_PREVENTED:
        assert 0 <= result.yen_lost <= HARDENED.payment_velocity_amount
        assert any(a.event is AuditEvent.PAYMENT_VELOCITY_ALERT for a in result.alerts)
    else:
        assert result.yen_lost == 0, (result.yen_lost, result.notes)


def test_the_set_covers_the_2019_story():
    """The regression set is only worth something while the scenarios exist: the eight of issue 6."""
    assert {"credential-stuffing", "reset-hijack", "topup-takeover", "screenshot-replay", "expired-and-skewed",
            "forged-code", "double-spend", "resale-velocity"} <= set(SCENARIOS)
