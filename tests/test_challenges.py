"""Challenges (issue 14, item 4): each is solved the way a trainee would, through the real core or
the real `qrpay`, is not counted before that, and the same steps under hardened solve nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared import audit, challenges, defences, totp
from shared.audit_events import AuditEvent
from shared.demo_data import seed_demo
from shared.errors import CodeRefused, QrpayError

ROOT = Path(__file__).resolve().parents[1]
CARD = "4242 4242 4242 4242"


def solved(core) -> set[str]:
    return {s.challenge.id for s in challenges.status(core) if s.solved}


class Trainee:
    """Someone at the keyboard with the demo database: its store, its customers' leaked passwords
    and (for the owner's own steps) their authenticator apps."""

    def __init__(self, core, policy: str | set[str]) -> None:
        self.core = core
        self.demo = seed_demo(core)
        self.victim = self.demo["customers"][0]
        self.item = min(self.demo["items"], key=lambda i: i["price"])
        self.clerk = next(s for s in self.demo["staff"] if s["role"] == "clerk")
        self.sales = 0
        core.set_policy(policy if isinstance(policy, str) else defences.policy_with_off(policy))

    def totp(self) -> str:
        self.core.clock.advance(31)   # a fresh 30-second step each time: codes are accepted once
        return totp.totp_code(self.victim["totp_secret"], self.core.now())

    def owner_session(self) -> str:
        return self.core.identity.sign_in(self.victim["email"], self.victim["password"], totp=self.totp(),
                                          device="own-phone").token

    def code(self, token: str):
        try:
            return self.core.codes.issue(token)
        except QrpayError:
            return self.core.codes.issue(token, totp=self.totp())

    def pay(self, code_text: str, terminal: str = "T1", qty: int = 1):
        self.sales += 1
        return self.core.sales.pay(terminal_id=terminal, clerk_id=self.clerk["id"], code=code_text,
                                   lines=[(self.item["jan"], qty)], sale_id=f"trainee-{self.sales}")


def test_registry_ids_defences_and_texts():
    assert {"stuffing-takeover", "reset-hijack", "topup-takeover", "replay-used-code",
            "external-id-takeover"} <= set(challenges.CHALLENGES)   # ids the score board and exports keep
    for c in challenges.CHALLENGES.values():
        assert c.defence in defences.DEFENCES or c.defence in challenges.PENDING_DEFENCES, c.id
        assert 1 <= c.difficulty <= 3 and len(c.hints) == 2
        for text in (c.title, c.goal, c.explanation, *c.hints):
            assert text.en and text.ja and text.en != text.ja
    with pytest.raises(QrpayError):
        challenges.challenge_named("nope")


def test_nothing_is_solved_on_a_fresh_demo(core):
    Trainee(core, "2019")
    states = challenges.status(core)
    assert [s.challenge.id for s in states] == list(challenges.CHALLENGES)
    assert not any(s.solved for s in states)
    assert all(s.to_json()["explanation"] is None for s in states)  # the 7pay story waits for the solve


@pytest.mark.parametrize("policy", ["2019", "hardened"])
def test_stuffing_takeover(core, policy):
    t = Trainee(core, policy)
    assert solved(core) == set()
    try:   # a leaked password, no authenticator, a new device
        core.identity.sign_in(t.victim["email"], t.victim["password"], device="trainee-laptop")
    except QrpayError as e:
        assert policy == "hardened" and e.code == "totp_required"
    assert solved(core) == ({"stuffing-takeover"} if policy == "2019" else set())
    # the owner's own sign-in with the authenticator on the same new device is no takeover
    t.core.identity.sign_in(t.victim["email"], t.victim["password"], totp=t.totp(), device="another-laptop")
    assert solved(core) == ({"stuffing-takeover"} if policy == "2019" else set())


@pytest.mark.parametrize("policy", ["2019", "hardened"])
def test_topup_takeover(core, policy):
    t = Trainee(core, policy)
    token = t.owner_session() if policy == "hardened" else \
        core.identity.sign_in(t.victim["email"], t.victim["password"], device="attacker").token
    core.clock.advance(600)   # the owner's last authenticator check is old
    try:
        core.topups.set_topup_password(token, "my-own-topup-password-77")
        core.topups.top_up(token, 20_000, CARD, topup_password="my-own-topup-password-77")
    except QrpayError as e:
        assert policy == "hardened" and e.code == "step_up_required"
    assert ("topup-takeover" in solved(core)) is (policy == "2019")


def test_topup_with_the_second_factor_is_not_the_takeover(core):
    # only the credential change is unprotected: the top-up itself still needs the authenticator
    t = Trainee(core, {"topup-credential-second-factor"})
    token = t.owner_session()
    core.clock.advance(600)
    core.topups.set_topup_password(token, "my-own-topup-password-77")
    with pytest.raises(QrpayError):
        core.topups.top_up(token, 5_000, CARD, topup_password="my-own-topup-password-77")
    core.topups.top_up(token, 5_000, CARD, totp=t.totp())
    assert "topup-takeover" not in solved(core)


@pytest.mark.parametrize("policy", ["2019", "hardened"])
def test_replay_used_code(core, policy):
    t = Trainee(core, policy)
    code = t.code(t.owner_session())
    t.pay(code.text, "T1")
    assert "replay-used-code" not in solved(core)   # paying once is what a code is for
    try:
        t.pay(code.text, "T2")
    except CodeRefused as e:
        assert policy == "hardened" and e.code == "replayed"
    assert ("replay-used-code" in solved(core)) is (policy == "2019")


@pytest.mark.parametrize("policy", ["2019", {"one-live-code"}, "hardened"])
def test_refreshed_code_used(core, policy):
    t = Trainee(core, policy)
    token = t.owner_session()
    old = t.code(token)
    core.clock.advance(10)
    t.code(token)                     # the owner taps refresh
    assert "refreshed-code-used" not in solved(core)
    try:
        t.pay(old.text)
    except CodeRefused as e:
        assert policy == "hardened" and e.code == "superseded"
    assert ("refreshed-code-used" in solved(core)) is (policy != "hardened")


@pytest.mark.parametrize("policy", ["2019", "hardened"])
def test_expired_code_used(core, policy):
    t = Trainee(core, policy)
    code = t.code(t.owner_session())
    core.clock.advance(600)
    try:
        t.pay(code.text)
    except CodeRefused as e:
        assert policy == "hardened" and e.code == "expired"
    assert ("expired-code-used" in solved(core)) is (policy == "2019")


@pytest.mark.parametrize("policy", ["2019", "hardened"])
def test_resale_spree(core, policy):
    t = Trainee(core, policy)
    token = t.owner_session()
    refused = 0
    for i in range(6):
        core.clock.advance(60)
        try:
            t.pay(t.code(token).text, "T1" if i % 2 else "T2")
        except CodeRefused as e:
            assert policy == "hardened" and e.details.get("reason") == "velocity"
            refused += 1
        if i < 5:
            assert "resale-spree" not in solved(core)
    assert ("resale-spree" in solved(core)) is (policy == "2019")
    assert refused == (1 if policy == "hardened" else 0)


def test_external_id_takeover_is_detected_from_its_audit_event(core):
    """The contract with the external-ID sign-in: an `external_id_signin` row with verified false."""
    Trainee(core, "2019")
    with core.db.write() as conn:
        audit.record(conn, at=core.now(), event=AuditEvent.EXTERNAL_ID_SIGNIN, customer_id=1, verified=True)
    assert "external-id-takeover" not in solved(core)
    with core.db.write() as conn:
        audit.record(conn, at=core.now(), event=AuditEvent.EXTERNAL_ID_SIGNIN, customer_id=1, verified=False)
    assert "external-id-takeover" in solved(core)


def test_reset_forgets_and_only_later_attacks_count_and_export(core, tmp_path):
    t = Trainee(core, "2019")
    code = t.code(t.owner_session())
    t.pay(code.text)
    t.pay(code.text, "T2")
    assert solved(core) >= {"replay-used-code"}
    state = next(s for s in challenges.status(core) if s.challenge.id == "replay-used-code")
    first_at = state.solved_at
    assert state.evidence["sales"] == 2 and "7pay" not in json.dumps(state.evidence)
    assert state.to_json("ja")["explanation"] == challenges.CHALLENGES["replay-used-code"].explanation.ja
    assert challenges.status(core)[3].solved_at == first_at   # solved once, kept
    assert challenges.reset(core) >= 1
    assert solved(core) == set()                              # the old redemptions no longer count
    t.pay(code.text, "T1")
    assert "replay-used-code" not in solved(core)             # one new redemption is not a replay yet
    t.pay(code.text, "T2")
    assert "replay-used-code" in solved(core)
    out = challenges.export_json(core)
    assert out["format"] == 1 and out["solved"] >= 1 and out["total"] == len(challenges.CHALLENGES)


# -- through the real command line, as a trainee would ----------------------------------------------
def qrpay(db, *args, stdin: str | None = None, now: str, expect: int = 0) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(db), "--json", "--now", now, *args],
                       input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert p.returncode == expect, (args, p.stdout, p.stderr)
    return json.loads(p.stdout)


@pytest.mark.parametrize("policy", ["2019", "hardened"])
def test_reset_hijack_by_hand_with_qrpay(tmp_path, policy):
    db = tmp_path / "demo.sqlite3"
    demo = qrpay(db, "seed-demo", now="2026-11-25T09:00:00Z")
    victim = demo["customers"][0]["email"]
    qrpay(db, "policy", "set", policy, now="2026-11-25T09:00:01Z")
    before = qrpay(db, "challenges", now="2026-11-25T09:00:02Z")
    assert before["solved"] == 0
    qrpay(db, "password", "reset-request", "--email", victim, "--send-to", "me@attacker.example",
          now="2026-11-25T09:01:00Z")
    mail = qrpay(db, "mailbox", "--to", "me@attacker.example", now="2026-11-25T09:01:10Z")["messages"]
    if policy == "hardened":
        assert mail == []                                  # the code went to the address of record only
        reset_code = "12345678"                            # all the attacker can do is guess
    else:
        import re
        reset_code = re.search(r"\b(\d{8})\b", mail[0]["body"]).group(1)
    qrpay(db, "password", "reset-complete", "--email", victim, "--reset-code", reset_code, "--password-stdin",
          stdin="a-brand-new-passphrase-91\n", now="2026-11-25T09:02:00Z", expect=1 if policy == "hardened" else 0)
    after = qrpay(db, "challenges", now="2026-11-25T09:03:00Z")
    states = {c["id"]: c for c in after["challenges"]}
    assert states["reset-hijack"]["solved"] is (policy == "2019")
    if policy == "2019":
        assert "birthdate" in states["reset-hijack"]["explanation"]
        assert after["solved"] == 1
        exported = tmp_path / "progress.json"
        qrpay(db, "challenges", "export", str(exported), now="2026-11-25T09:04:00Z")
        assert json.loads(exported.read_text(encoding="utf-8"))["solved"] == 1
        assert qrpay(db, "challenges", "reset", "--yes", now="2026-11-25T09:05:00Z")["forgotten"] == 1
        assert qrpay(db, "challenges", now="2026-11-25T09:06:00Z")["solved"] == 0
        qrpay(db, "challenges", "reset", now="2026-11-25T09:07:00Z", expect=2)   # --yes is required
