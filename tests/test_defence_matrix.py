"""THE MATRIX (issue 14, item 2): every scenario names the defences that stop it (`SPEC.stopping`).
With exactly those switched off (from hardened) it succeeds; with any one of them back on it is
stopped or its loss is bounded, and that defence is among the ones the run measured stopping a move.

Runs go through the isolated runner; the runs of one scenario share one database (each run seeds its
own customers under unique addresses and starts a simulated day after the previous one, so no
stuffing wave, day limit or live code of one run reaches the next).
"""
from __future__ import annotations

import pytest

from shared.attacks import SCENARIOS, Outcome, run_isolated
from shared.defences import NAMES

T0 = 1_795_600_000.0
SIZES = {
    "credential-stuffing": dict(customers=20, leaked=120, reuse=0.3),
    # the attacker knows only the victim's address, as in 2019 (with read_mail=1 they also read the
    # victim's mailbox, which no reset-address rule can stop: only the second factor does)
    "reset-hijack": dict(read_mail=0),
    "double-spend": dict(rounds=2),
    "resale-velocity": dict(purchases=10),
}


class Runner:
    def __init__(self, name: str, db) -> None:
        self.name, self.db, self.day = name, db, 0

    def __call__(self, policy):
        self.day += 1
        result = run_isolated(self.name, policy=policy, start=T0 + self.day * 86_400, db=self.db,
                              **SIZES.get(self.name, {}))
        assert result.ledger_ok, result.check_problems
        # a defence that is off never stops anything, and every name is a registered defence
        assert set(result.stopped_by) <= set(NAMES) and not set(result.stopped_by) & set(result.defences_off)
        return result


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_stopping_defences_matrix(name, tmp_path):
    spec = SCENARIOS[name]
    run = Runner(name, tmp_path / "matrix.sqlite3")
    stopping = set(spec.stopping)
    assert set(spec.stopping) <= set(NAMES) and len(spec.stopping) == len(stopping)

    hardened = run("hardened")
    assert hardened.outcome is Outcome.BLOCKED
    assert hardened.defences == spec.stopping
    if not stopping:  # forged-code: the signature is not a switch, so nothing lets it through
        assert run("2019").outcome is Outcome.BLOCKED
        assert run(set(NAMES) - {NAMES[0]}).outcome is Outcome.BLOCKED
        return
    assert stopping & set(hardened.stopped_by), hardened.stopped_by

    all_off = run(stopping)
    assert all_off.outcome is Outcome.SUCCEEDED, [s.result for s in all_off.steps]
    assert set(all_off.defences_off) == stopping
    assert not stopping & set(all_off.stopped_by)

    for defence in spec.stopping:
        one_on = run(stopping - {defence})
        assert defence in one_on.stopped_by, (defence, [s.result for s in one_on.steps])
        stopped = one_on.outcome is Outcome.BLOCKED
        bounded = one_on.yen_lost < all_off.yen_lost
        assert stopped or bounded, (defence, one_on.outcome, one_on.yen_lost, all_off.yen_lost)
