"""Payment codes against a real database: issue, verify, redeem, replay, supersede, race, status, inspect."""
from __future__ import annotations

import base64
import secrets

import pyotp
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import codes
from shared.audit_events import AuditEvent
from shared.clock import FixedClock
from shared.code_format import PREFIX, parse_code, sign_code, verify_signature
from shared.codes import CodeForm, CodeState
from shared.core import Core
from shared.errors import CodeRefused, Locked, NotFound, QrpayError, StepUpRequired
from tests.parallel import race

PASSWORD = "correct horse battery staple 42"
EMAIL = "hanako.yamada@example.jp"
NAME = "Yamada Hanako"


class Customer:
    def __init__(self, core: Core, clock: FixedClock, email: str = EMAIL, name: str = NAME) -> None:
        enrolment = core.identity.register(email, name, PASSWORD)
        self.id, self.email, self.name = enrolment.customer_id, email, name
        self.totp = pyotp.TOTP(enrolment.totp_secret)
        self.clock = clock
        core.identity.confirm_totp(email, self.totp.at(clock.now()))
        clock.advance(30)  # each TOTP step is accepted once
        self.token = core.identity.sign_in(email, PASSWORD, totp=self.fresh_totp()).token

    def fresh_totp(self) -> str:
        return self.totp.at(self.clock.now())


@pytest.fixture
def hanako(core, clock) -> Customer:
    return Customer(core, clock)


def verify(core, presented, *, now=None, amount=None):
    with core.db.read() as conn:
        return core.codes.verify_for_redeem(conn, presented, now=core.now() if now is None else now, amount=amount)


def refusal(core, presented, **kw) -> str:
    with pytest.raises(CodeRefused) as e:
        verify(core, presented, **kw)
    assert e.value.message and "QP1:" not in e.value.message
    return e.value.code


def redeem(core, presented, sale_id):
    with core.db.write() as conn:
        v = core.codes.verify_for_redeem(conn, presented, now=core.now())
        core.codes.mark_redeemed(conn, v.nonce, sale_id=sale_id, at=core.now())
    return v


# -- issuing ------------------------------------------------------------------------------------------
def test_issue_gives_a_signed_code_with_the_policy_ttl(core, hanako):
    issued = core.codes.issue(hanako.token)
    assert issued.expires_at - issued.issued_at == 60
    assert issued.issued_at == int(core.now())
    assert len(issued.numeric) == 20 and issued.numeric.startswith("88")
    code = parse_code(issued.text)
    assert code.nonce.hex() == issued.nonce and len(code.nonce) == 16
    assert verify_signature(code, core.codes.public_key)
    v = verify(core, issued.text)
    assert (v.customer_id, v.nonce, v.counter, v.form) == (hanako.id, issued.nonce, 1, CodeForm.QR)


def test_the_issuer_key_is_created_once_and_kept_with_the_database(core, db_target, clock):
    key_id = core.codes.ensure_issuer_key()
    assert core.codes.ensure_issuer_key() == key_id
    other = Core.open(db_target, clock=clock)
    try:
        assert other.codes.ensure_issuer_key() == key_id
    finally:
        other.close()
    assert len(core.audit_recent(event=AuditEvent.ISSUER_KEY_CREATED)) == 1


def test_counter_increments_per_wallet(core, clock, hanako):
    counters = []
    for _ in range(3):
        counters.append(core.codes.issue(hanako.token).counter)
        clock.advance(1)
    assert counters == [1, 2, 3]
    taro = Customer(core, clock, "taro@example.jp", "Suzuki Taro")
    assert core.codes.issue(taro.token).counter == 1


def test_no_personal_data_in_the_code(core, hanako):
    issued = core.codes.issue(hanako.token)
    raw = base64.b32decode(issued.text[len(PREFIX):] + "=")
    for secret_bytes in (EMAIL.encode(), NAME.encode(), b"hanako", b"yamada", b"example.jp"):
        assert secret_bytes.lower() not in raw.lower() and secret_bytes.lower() not in issued.text.lower().encode()
    code = parse_code(issued.text)
    assert code.wallet_ref != hanako.id.to_bytes(8, "big")
    assert int.from_bytes(code.wallet_ref, "big") != hanako.id


def test_hardened_issue_needs_a_recent_step_up(core, clock, hanako):
    core.codes.issue(hanako.token)  # signed in with TOTP just now
    clock.advance(core.policy.step_up_seconds + 1)
    with pytest.raises(StepUpRequired):
        core.codes.issue(hanako.token)
    issued = core.codes.issue(hanako.token, totp=hanako.fresh_totp())
    assert verify(core, issued.text).nonce == issued.nonce


def test_a_frozen_wallet_gets_no_code_and_its_codes_are_refused(core, hanako):
    issued = core.codes.issue(hanako.token)
    with core.db.write() as conn:
        core.identity.set_frozen(conn, hanako.id, True)
    assert refusal(core, issued.text) == "account_locked"
    assert refusal(core, issued.numeric) == "account_locked"
    with pytest.raises(Locked):
        core.codes.issue(hanako.token)


def test_amount_cap_is_signed_and_enforced(core, hanako):
    issued = core.codes.issue(hanako.token, amount_cap=1500)
    assert parse_code(issued.text).amount_cap == 1500
    assert verify(core, issued.text, amount=1500).amount_cap == 1500
    assert refusal(core, issued.text, amount=1501) == "limit_exceeded"


def test_configured_ttl_between_15_and_300_seconds(core, clock, hanako):
    core.codes.set_ttl_seconds(15)
    issued = core.codes.issue(hanako.token)
    assert issued.expires_at - issued.issued_at == 15
    for bad in (14, 301, 60.0, True):
        with pytest.raises(Exception) as e:
            core.codes.set_ttl_seconds(bad)
        assert getattr(e.value, "code", None) == "bad_input"


# -- the refusals, in order ---------------------------------------------------------------------------
def test_expiry_exactly_at_the_boundary(core, hanako):
    issued = core.codes.issue(hanako.token)
    assert verify(core, issued.text, now=issued.expires_at - 0.001).nonce == issued.nonce
    assert verify(core, issued.numeric, now=issued.expires_at - 0.001).nonce == issued.nonce
    assert refusal(core, issued.text, now=issued.expires_at) == "expired"  # now >= expires_at is expired
    assert refusal(core, issued.numeric, now=issued.expires_at) == "expired"
    assert refusal(core, issued.text, now=issued.expires_at + 3600) == "expired"


def test_a_code_from_the_future_beyond_the_skew_is_not_yet_valid(core, hanako):
    issued = core.codes.issue(hanako.token)
    skew = core.policy.code_skew_seconds
    assert verify(core, issued.text, now=issued.issued_at - skew).nonce == issued.nonce
    assert refusal(core, issued.text, now=issued.issued_at - skew - 0.001) == "not_yet_valid"


def test_replay_is_refused(core, hanako):
    issued = core.codes.issue(hanako.token)
    redeem(core, issued.text, "sale-1")
    assert refusal(core, issued.text) == "replayed"
    assert refusal(core, issued.numeric) == "replayed"


def test_the_unique_constraint_refuses_a_second_redemption_even_without_verify(core, hanako):
    issued = core.codes.issue(hanako.token)
    redeem(core, issued.text, "sale-1")
    with pytest.raises(CodeRefused) as e:
        with core.db.write() as conn:
            core.codes.mark_redeemed(conn, issued.nonce, sale_id="sale-2", at=core.now())
    assert e.value.code == "replayed"
    with core.db.write() as conn:  # the same sale retried is not a second redemption
        core.codes.mark_redeemed(conn, issued.nonce, sale_id="sale-1", at=core.now())
        assert conn.execute("SELECT COUNT(*) FROM code_redemptions").fetchone()[0] == 1


def test_a_new_code_supersedes_the_previous_unused_one(core, clock, hanako):
    first = core.codes.issue(hanako.token)
    clock.advance(5)
    second = core.codes.issue(hanako.token)
    assert refusal(core, first.text) == "superseded"
    assert refusal(core, first.numeric) == "superseded"
    assert core.codes.status(hanako.token, first.nonce).state is CodeState.SUPERSEDED
    assert verify(core, second.text).nonce == second.nonce


def test_a_code_signed_by_another_key_is_refused(core, hanako):
    issued = core.codes.issue(hanako.token)
    real = parse_code(issued.text)
    other = Ed25519PrivateKey.generate()
    forged = sign_code(other, nonce=real.nonce, wallet_ref=real.wallet_ref, issued_at=real.issued_at, ttl=real.ttl,
                       amount_cap=None, counter=real.counter)
    assert refusal(core, forged) == "bad_signature"
    assert core.codes.inspect(forged)["signature_valid"] is False
    assert verify(core, issued.text).nonce == issued.nonce  # the forgery did not harm the real code


def test_every_single_byte_change_is_refused_by_the_till(core, hanako):
    issued = core.codes.issue(hanako.token)
    data = issued.text.encode()
    # Exhaustive over positions, with replacement values from each class a change can fall in.
    for pos in range(len(data)):
        for value in {ord("A"), ord("7"), ord("a"), ord(" "), 0, 0xFF, data[pos] ^ 1, data[pos] ^ 0x20}:
            if value == data[pos]:
                continue
            mutated = data[:pos] + bytes([value]) + data[pos + 1:]
            assert refusal(core, mutated) in ("not_ours", "malformed", "bad_signature"), (pos, value)

    @settings(max_examples=300, deadline=None)
    @given(pos=st.integers(0, len(data) - 1), value=st.integers(0, 255))
    def changed(pos, value):
        if value == data[pos]:
            return
        mutated = data[:pos] + bytes([value]) + data[pos + 1:]
        assert refusal(core, mutated) in ("not_ours", "malformed", "bad_signature")

    changed()
    assert verify(core, issued.text).nonce == issued.nonce


def test_numeric_form_is_redeemable_once(core, hanako):
    issued = core.codes.issue(hanako.token)
    spaced = " ".join(issued.numeric[i:i + 4] for i in range(0, 20, 4))
    v = redeem(core, spaced, "sale-n")
    assert (v.nonce, v.form) == (issued.nonce, CodeForm.NUMERIC)
    assert refusal(core, issued.numeric) == "replayed"
    assert refusal(core, issued.text) == "replayed"  # the two forms are one code


def test_an_unknown_number_and_foreign_text_are_refused(core, hanako):
    core.codes.issue(hanako.token)
    # an unknown 20-digit number is a typo far more often than a forgery: not a code, no forgery alert
    assert refusal(core, "88" + "0" * 18) == "malformed"
    assert refusal(core, "4901234567894") == "not_ours"
    assert refusal(core, "https://example.com/") == "not_ours"
    assert refusal(core, "QP1:AAAA") == "malformed"


def test_the_numeric_form_is_stored_only_hashed(core, hanako):
    issued = core.codes.issue(hanako.token)
    dump = "\n".join(core.db.connection.iterdump())
    assert issued.numeric not in dump
    assert issued.text not in dump


# -- 2019 preset --------------------------------------------------------------------------------------
def test_2019_codes_are_long_lived_reusable_and_need_no_step_up(core, clock, hanako):
    core.set_policy("2019")
    clock.advance(3600)  # long after the sign-in's second factor
    first = core.codes.issue(hanako.token)
    assert first.expires_at - first.issued_at == 24 * 3600
    second = core.codes.issue(hanako.token)
    redeem(core, first.text, "s1")  # not superseded
    redeem(core, first.text, "s2")  # and reusable
    redeem(core, second.numeric, "s3")
    clock.advance(12 * 3600)
    redeem(core, first.text, "s4")
    with core.db.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM code_redemptions WHERE nonce = ?", (first.nonce,)).fetchone()[0] == 3


def test_switching_back_to_hardened_withdraws_every_2019_code(core, hanako):
    """Item 2: a switch to hardened withdraws ALL outstanding codes in the switch's transaction:
    a used reusable one, an unused day-long one issued without a step-up, in both forms."""
    core.set_policy("2019")
    used = core.codes.issue(hanako.token)
    redeem(core, used.text, "s1")
    unused = core.codes.issue(hanako.token)              # no step-up, 24 h, not superseding
    core.set_policy("2019")                              # the same policy again withdraws nothing
    assert verify(core, unused.text).nonce == unused.nonce
    core.set_policy("hardened")
    for presented in (used.text, used.numeric, unused.text, unused.numeric):
        with pytest.raises(CodeRefused) as e:
            verify(core, presented)
        assert e.value.code == "superseded" and e.value.message == codes.MESSAGES["revoked"]
    assert core.codes.status(hanako.token, unused.nonce).state is CodeState.REVOKED
    row = core.audit_recent(event=AuditEvent.CODES_REVOKED)[0]
    assert (row.details["count"], row.details["reason"]) == (2, "policy_hardened")
    # the switch and the withdrawal are one transaction: the policy row comes just before it
    assert [a.event for a in core.audit_recent(limit=2)] == ["codes_revoked", "policy_changed"]
    core.set_policy("hardened")                          # hardened again: nothing new to withdraw
    assert len(core.audit_recent(event=AuditEvent.CODES_REVOKED)) == 1


def test_a_code_issued_during_a_policy_switch_follows_the_new_policy(core, hanako, monkeypatch):
    """Issuing read the 2019 policy; the switch to hardened committed before its write: refused,
    never a 2019 code that escaped the withdrawal."""
    core.set_policy("2019")
    real_ttl = core.codes.ttl_seconds

    def switch_meanwhile(policy=None):
        core.set_policy("hardened")                      # another app, between the checks and the write
        return real_ttl(policy)
    monkeypatch.setattr(core.codes, "ttl_seconds", switch_meanwhile)
    with pytest.raises(QrpayError) as e:
        core.codes.issue(hanako.token)
    assert e.value.code == "policy_changed"
    with core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM payment_codes WHERE state = 'issued'").fetchone()[0] == 0


# -- refusals are audited and burn the code -----------------------------------------------------------
def test_record_refusal_audits_and_burns_the_code(core, hanako):
    issued = core.codes.issue(hanako.token)
    core.codes.record_refusal(issued.text, "insufficient_funds", terminal_id="T1")
    assert refusal(core, issued.text) == "replayed"  # a code seen refused is burned under hardened
    status = core.codes.status(hanako.token, issued.nonce)
    assert (status.state, status.reason) == (CodeState.REFUSED, "insufficient_funds")
    row = core.audit_recent(event=AuditEvent.CODE_INSUFFICIENT_FUNDS)[0]
    assert row.customer_id == hanako.id and row.details["terminal_id"] == "T1"


def test_replay_and_forgery_are_alerts_and_never_log_the_code(core, hanako):
    issued = core.codes.issue(hanako.token)
    redeem(core, issued.text, "sale-1")
    core.codes.record_refusal(issued.text, "replayed", terminal_id="T1")
    forged = sign_code(Ed25519PrivateKey.generate(), nonce=secrets.token_bytes(16), wallet_ref=bytes(8),
                       issued_at=int(core.now()), ttl=60, amount_cap=None, counter=1)
    core.codes.record_refusal(forged, "bad_signature", terminal_id="T1")
    core.codes.record_refusal(issued.numeric, "replayed")
    alerts = core.alerts()
    assert [a.event for a in alerts[:3]] == ["code_replayed", "code_forged", "code_replayed"]
    assert alerts[1].customer_id is None and alerts[1].details["key_id"] == parse_code(forged).key_id_hex
    assert core.codes.status(hanako.token, issued.nonce).state is CodeState.PAID  # a replay does not undo "paid"
    dump = "\n".join(core.db.connection.iterdump())
    for secret_text in (issued.text, issued.numeric, forged):
        assert secret_text not in dump
    assert core.audit_verify().ok


def test_a_forgery_naming_a_real_nonce_does_not_burn_the_real_code(core, hanako):
    issued = core.codes.issue(hanako.token)
    real = parse_code(issued.text)
    forged = sign_code(Ed25519PrivateKey.generate(), nonce=real.nonce, wallet_ref=real.wallet_ref,
                       issued_at=real.issued_at, ttl=real.ttl, amount_cap=None, counter=real.counter)
    core.codes.record_refusal(forged, "bad_signature")
    assert verify(core, issued.text).nonce == issued.nonce


def test_an_expired_refusal_marks_the_code_expired(core, clock, hanako):
    issued = core.codes.issue(hanako.token)
    clock.advance(61)
    core.codes.record_refusal(issued.text, "expired")
    assert core.codes.status(hanako.token, issued.nonce).state is CodeState.EXPIRED
    assert core.audit_recent(event=AuditEvent.CODE_EXPIRED)[0].severity == "warning"


def test_revoke_all_for_customer(core, clock, hanako):
    issued = core.codes.issue(hanako.token)
    with core.db.write() as conn:
        assert codes.revoke_all_for_customer(conn, hanako.id, reason="password_reset", at=core.now()) == 1
    with pytest.raises(CodeRefused) as e:
        verify(core, issued.text)
    assert e.value.code == "superseded" and "withdrawn" in e.value.message
    status = core.codes.status(hanako.token, issued.nonce)
    assert (status.state, status.reason) == (CodeState.REVOKED, "password_reset")


# -- status and inspect -------------------------------------------------------------------------------
def test_status_follows_the_code(core, clock, hanako):
    issued = core.codes.issue(hanako.token)
    s = core.codes.status(hanako.token, issued.nonce)
    assert s.state is CodeState.ISSUED and s.sale_id is None
    with core.db.write() as conn:
        v = core.codes.verify_for_redeem(conn, issued.text, now=core.now())
        core.codes.mark_redeemed(conn, v.nonce, sale_id="no-such-sale", at=core.now(), amount=1234)
    s = core.codes.status(hanako.token, issued.nonce)
    assert (s.state, s.sale_id, s.amount, s.at) == (CodeState.PAID, "no-such-sale", 1234, core.now())
    second = core.codes.issue(hanako.token)
    clock.advance(60)
    assert core.codes.status(hanako.token, second.nonce).state is CodeState.EXPIRED


def test_status_of_someone_elses_code_is_not_found(core, clock, hanako):
    issued = core.codes.issue(hanako.token)
    taro = Customer(core, clock, "taro@example.jp", "Suzuki Taro")
    with pytest.raises(NotFound):
        core.codes.status(taro.token, issued.nonce)
    with pytest.raises(NotFound):
        core.codes.status(hanako.token, "not a nonce")


def test_inspect_reports_every_field_and_writes_nothing(core, clock, hanako):
    issued = core.codes.issue(hanako.token, amount_cap=900)
    conn = core.db.connection
    before = conn.total_changes
    info = core.codes.inspect(issued.text)
    assert info["verdict"] == "ok" and info["signature_valid"] is True
    for key in ("version", "key_id", "nonce", "wallet_ref", "issued_at", "expires_at", "amount_cap", "counter"):
        assert key in info
    assert (info["nonce"], info["amount_cap"], info["counter"]) == (issued.nonce, 900, 1)
    assert core.codes.inspect(issued.numeric)["nonce"] == issued.nonce
    clock.advance(60)
    assert core.codes.inspect(issued.text)["verdict"] == "expired"
    assert core.codes.inspect("hello")["verdict"] == "not_ours"
    assert core.codes.inspect(issued.text[:-3])["verdict"] == "malformed"
    assert conn.total_changes == before


# -- two processes race for one code ------------------------------------------------------------------
def _redeem_in_process(db_target, now, presented, sale_id, skip_verify, barrier, results):
    """The redeem harness: verify + mark in one write transaction of its own process."""
    core = Core.open(db_target, clock=FixedClock(now))
    try:
        barrier.wait(timeout=30)
        with core.db.write() as conn:
            if skip_verify:
                nonce = parse_code(presented).nonce_hex
            else:
                nonce = core.codes.verify_for_redeem(conn, presented, now=now).nonce
            core.codes.mark_redeemed(conn, nonce, sale_id=sale_id, at=now)
        results.put((sale_id, "ok"))
    except CodeRefused as e:
        results.put((sale_id, e.code))
    except Exception as e:  # surfaces in the assertion below instead of hanging the test
        results.put((sale_id, f"error: {type(e).__name__}: {e}"))
    finally:
        core.close()


@pytest.mark.parametrize("skip_verify", [False, True], ids=["verify+mark", "mark-only"])
def test_two_processes_redeeming_one_code_give_exactly_one_redemption(core, db_target, hanako, skip_verify):
    issued = core.codes.issue(hanako.token)
    outcomes = race(_redeem_in_process, [(str(db_target), core.now(), issued.text, f"race-{i}", skip_verify)
                                         for i in range(4)])
    assert sorted(o for _, o in outcomes) == ["ok", "replayed", "replayed", "replayed"], outcomes
    with core.db.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM code_redemptions WHERE nonce = ?",
                            (issued.nonce,)).fetchone()[0] == 1
