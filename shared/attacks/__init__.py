"""The training lab's attacks: the 7pay incident replayed against either policy.

    from shared.attacks import SCENARIOS
    result = SCENARIOS["credential-stuffing"].run(core, policy="2019", on_step=print, customers=50)
    report.write_html(result, "incident.html")

`SCENARIOS` maps each name (as `qrpay attack NAME` takes it) to a `ScenarioSpec` with a title, a
summary, its size options and `run(core, *, policy, on_step=None, **sizes) -> ScenarioResult`.
The order of `SCENARIOS` (and `ORDER`, its names) is issue 6's: the story of 2019 first (the three
ways in that were reported: stuffing, the reset, external IDs; then the top-up), the payment-code
attacks after. `qrpay attack list` and the trainer's scenario list both show it;
neither keeps an order of its own. `run_isolated(name, *, policy, on_step=None, **sizes)` runs one
on a temporary database with a fixed clock (the CLI's and the trainer's runs).
"""
from __future__ import annotations

from shared.attacks import (credential_stuffing, double_spend, expired_and_skewed, external_id_takeover, forged_code,
                            resale_velocity, reset_hijack, screenshot_replay, topup_takeover)
from shared.attacks.base import Actor, BalanceChange, MailItem, Outcome, ScenarioResult, Step, TimelinePoint, VictimView
from shared.attacks.spec import Scenario, ScenarioSpec, SizeOption

SCENARIOS: dict[str, ScenarioSpec] = {spec.name: spec for spec in (
    credential_stuffing.SPEC,
    reset_hijack.SPEC,
    external_id_takeover.SPEC,
    topup_takeover.SPEC,
    screenshot_replay.SPEC,
    expired_and_skewed.SPEC,
    forged_code.SPEC,
    double_spend.SPEC,
    resale_velocity.SPEC,
)}
ORDER: tuple[str, ...] = tuple(SCENARIOS)

from shared.attacks.isolated import run_isolated  # noqa: E402 - after SCENARIOS, which it reads

__all__ = ["ORDER", "SCENARIOS", "run_isolated", "Actor", "BalanceChange", "MailItem", "Outcome", "Scenario", "ScenarioResult",
           "ScenarioSpec", "SizeOption", "Step", "TimelinePoint", "VictimView"]
