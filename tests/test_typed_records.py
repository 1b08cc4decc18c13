"""Record fields that hold a state are the enum, and the writers refuse a bare string: a typo can
no longer slip into the database or a scenario's steps and be missed by every reader."""
from __future__ import annotations

import pytest

from shared import attempts, mailbox
from shared.attacks import SCENARIOS
from shared.attacks.base import Actor, Step
from shared.mailbox import MessageKind


def test_a_message_kind_is_a_member_and_reads_back_as_one(core):
    with pytest.raises(TypeError):
        with core.db.write() as conn:
            mailbox.send(conn, to="a@example.jp", subject="s", body="b", at=core.now(), kind="security")
    assert core.inbox("a@example.jp") == []
    with core.db.write() as conn:
        mailbox.send(conn, to="a@example.jp", subject="s", body="b", at=core.now(), kind=MessageKind.RESET)
    with core.db.read() as conn:
        assert conn.execute("SELECT kind FROM mailbox").fetchone()[0] == "reset"
    assert core.inbox("a@example.jp")[0].kind is MessageKind.RESET


def test_attempt_decisions_are_actions():
    common = dict(now=100.0, limit=5, lock_seconds=60, cap=3600)
    assert attempts.decide(failures=0, locked_until=None, attempt_at=None, **common).action is attempts.Action.GO
    assert attempts.decide(failures=0, locked_until=200.0, attempt_at=None, **common).action is attempts.Action.LOCKED
    assert attempts.decide(failures=5, locked_until=None, attempt_at=99.0, **common).action is attempts.Action.BUSY


def test_every_step_a_scenario_writes_has_an_actor_member(core):
    spec = SCENARIOS["forged-code"]
    result = spec.run(core, policy="hardened")
    assert result.steps and all(isinstance(s.actor, Actor) for s in result.steps)
    assert {s["actor"] for s in result.to_json()["steps"]} <= {a.value for a in Actor}


def test_a_step_with_a_string_actor_is_refused(core):
    from shared.attacks.run import Run

    run = Run.__new__(Run)             # only step() is exercised: it must refuse before touching anything
    with pytest.raises(TypeError):
        Run.step(run, "attacker", "x", "y")
    assert Step.__dataclass_fields__["actor"].type in (Actor, "Actor")
