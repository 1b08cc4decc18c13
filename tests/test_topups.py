"""Top-ups: cards, TOTP for every top-up, limits over rolling windows, velocity alerts, the 2019 preset."""
from __future__ import annotations

import pytest

from shared import ledger
from shared.audit_events import AuditEvent
from shared.errors import (Conflict, InputError, InvalidCredentials, LimitExceeded, PermissionDenied,
                           StepUpRequired, TotpRequired, TotpReused)
from shared.topups import CardBrand, luhn_valid, parse_card
from shared.totp import STEP_SECONDS, step_of, totp_code

PASSWORD = "violet kettle orbit 1987 lantern"
VISA = "4242 4242 4242 4242"
DAY = 24 * 3600


class Phone:
    """The customer's authenticator app: a code for a time step not used yet (the core accepts
    the current step and the one before, each once), moving the clock on only when it must."""

    def __init__(self, clock, secret: str) -> None:
        self.clock, self.secret, self.used = clock, secret, set()

    def code(self) -> str:
        now = self.clock.now()
        for step in (step_of(now) - 1, step_of(now)):
            if step not in self.used:
                self.used.add(step)
                return totp_code(self.secret, step * STEP_SECONDS)
        self.clock.advance(STEP_SECONDS - now % STEP_SECONDS)
        return self.code()


def sign_up(core, clock, email="ann@example.com"):
    """A registered, enrolled, signed-in customer: (token, customer_id, phone)."""
    e = core.identity.register(email, "Ann", PASSWORD)
    phone = Phone(clock, e.totp_secret)
    core.identity.confirm_totp(email, phone.code())
    totp = phone.code() if core.policy.require_totp_login else None
    s = core.identity.sign_in(email, PASSWORD, totp=totp, device="phone")
    return s.token, e.customer_id, phone


def sign_in_again(core, phone, email="ann@example.com") -> str:
    """A new session after the clock moved past the idle timeout."""
    totp = phone.code() if core.policy.require_totp_login else None
    return core.identity.sign_in(email, PASSWORD, totp=totp, device="phone").token


@pytest.fixture
def ann(core, clock):
    return sign_up(core, clock)


# -- cards ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("number, brand", [
    ("4242 4242 4242 4242", CardBrand.VISA),
    ("4111-1111-1111-1111", CardBrand.VISA),
    ("5555555555554444", CardBrand.MASTERCARD),
    ("2223 0031 2200 3222", CardBrand.MASTERCARD),
    ("3782 822463 10005", CardBrand.AMEX),
    ("3530111333300000", CardBrand.JCB),
])
def test_valid_cards_give_their_brand_and_only_the_last_four(number, brand):
    card = parse_card(number)
    assert card.brand is brand
    assert card.last4 == number.replace(" ", "").replace("-", "")[-4:]
    assert card.decline_reason is None


@pytest.mark.parametrize("number, code", [
    ("4242 4242 4242 4241", "card_invalid"),      # Luhn fails
    ("3782 822463 10006", "card_invalid"),        # Luhn fails, 15 digits
    ("42424242424", "card_invalid"),              # 11 digits
    ("4" * 20, "card_invalid"),
    ("4242x4242 4242 4242", "card_invalid"),
    ("４２４２４２４２４２４２４２４２", "card_invalid"),  # full-width digits are not ASCII digits
    ("", "card_invalid"),
    ("6011 1111 1111 1117", "card_unsupported"),  # Discover: Luhn-valid, brand not taken
])
def test_bad_card_numbers_are_refused(number, code):
    with pytest.raises(InputError) as e:
        parse_card(number)
    assert e.value.code == code


def test_luhn():
    assert luhn_valid("79927398713")
    assert not any(luhn_valid("7992739871" + str(d)) for d in range(10) if d != 3)


def test_a_declined_test_card_is_refused_and_moves_nothing(core, ann):
    token, cid, phone = ann
    with pytest.raises(PermissionDenied) as e:
        core.topups.top_up(token, 1000, "4000 0000 0000 0002", totp=phone.code())
    assert e.value.code == "card_declined"
    assert core.wallet.balance(cid) == 0
    assert core.audit_recent(event=AuditEvent.TOPUP_DECLINED)[0].details["card_last4"] == "0002"


# -- hardened top-ups ---------------------------------------------------------------------------------
def test_a_top_up_credits_the_wallet_notifies_the_owner_and_is_audited(core, ann, clock):
    token, cid, phone = ann
    t = core.topups.top_up(token, 5000, VISA, totp=phone.code())
    assert (t.amount, t.balance, t.card_brand, t.card_last4) == (5000, 5000, "Visa", "4242")
    assert core.wallet.balance(cid) == 5000
    notice = core.inbox("ann@example.com")[0]
    assert "¥5,000" in notice.subject and "4242" in notice.body and "Visa" in notice.body and "JST" in notice.body
    row = core.audit_recent(event=AuditEvent.TOPUP)[0]
    assert row.customer_id == cid and row.details["amount"] == 5000
    with core.db.read() as conn:
        assert ledger.balance(conn, ledger.CARD_CLEARING) == -5000


def test_only_brand_and_last_four_are_stored_anywhere(core, ann, db_path):
    token, _, phone = ann
    core.topups.top_up(token, 1000, "4111 1111 1111 1111", totp=phone.code())
    conn = core.db.connection
    conn.execute("PRAGMA wal_checkpoint(FULL)")
    dump = "\n".join(conn.iterdump())
    assert "4111111111111111" not in dump and "4111 1111" not in dump
    assert b"4111111111111111" not in db_path.read_bytes()


def test_hardened_needs_a_totp_code_for_every_top_up(core, ann):
    token, cid, phone = ann
    with pytest.raises(TotpRequired):
        core.topups.top_up(token, 1000, VISA)
    code = phone.code()
    core.topups.top_up(token, 1000, VISA, totp=code)
    with pytest.raises(TotpReused):  # a recent step-up is not enough: each top-up needs its own code
        core.topups.top_up(token, 1000, VISA, totp=code)
    assert core.wallet.balance(cid) == 1000


def test_floats_and_nonpositive_amounts_are_refused(core, ann):
    token, _, phone = ann
    with pytest.raises(TypeError):
        core.topups.top_up(token, 1000.0, VISA, totp=phone.code())
    with pytest.raises(InputError):
        core.topups.top_up(token, 0, VISA, totp=phone.code())


def test_the_same_idempotency_key_returns_the_first_top_up_and_charges_once(core, ann):
    token, cid, phone = ann
    first = core.topups.top_up(token, 3000, VISA, totp=phone.code(), idempotency_key="req-1")
    again = core.topups.top_up(token, 3000, VISA, totp=phone.code(), idempotency_key="req-1")
    retry_without_code = core.topups.top_up(token, 3000, VISA, idempotency_key="req-1")
    assert first == again == retry_without_code
    assert core.wallet.balance(cid) == 3000
    assert len(core.audit_recent(event=AuditEvent.TOPUP)) == 1
    with pytest.raises(Conflict):
        core.topups.top_up(token, 3001, VISA, idempotency_key="req-1")
    with pytest.raises(Conflict):
        core.topups.top_up(token, 3000, "5555555555554444", idempotency_key="req-1")
    assert core.wallet.balance(cid) == 3000


def test_idempotency_keys_are_per_customer(core, ann, clock):
    token, cid, phone = ann
    token2, cid2, phone2 = sign_up(core, clock, "bob@example.com")
    core.topups.top_up(token, 1000, VISA, totp=phone.code(), idempotency_key="same")
    core.topups.top_up(token2, 2000, VISA, totp=phone2.code(), idempotency_key="same")
    assert (core.wallet.balance(cid), core.wallet.balance(cid2)) == (1000, 2000)


def test_per_transaction_limit(core, ann):
    token, cid, phone = ann
    with pytest.raises(LimitExceeded) as e:
        core.topups.top_up(token, 20_001, VISA, totp=phone.code())
    assert e.value.details["rule"] == "per_transaction" and "¥20,000" in e.value.message
    core.topups.top_up(token, 20_000, VISA, totp=phone.code())
    assert core.wallet.balance(cid) == 20_000


def test_24_hour_limit_says_what_is_left_and_rolls_over(core, ann, clock):
    token, cid, phone = ann
    first = core.topups.top_up(token, 15_000, VISA, totp=phone.code())
    clock.advance(600)
    with pytest.raises(LimitExceeded) as e:
        core.topups.top_up(token, 6000, VISA, totp=phone.code())
    assert e.value.details == {"rule": "day", "left": 5000}
    assert "¥5,000" in e.value.message
    lim = core.topups.limits(token)
    assert (lim.day_left, lim.month_left, lim.max_now) == (5000, 35_000, 5000)
    second = core.topups.top_up(token, 5000, VISA, totp=phone.code())
    clock.set(first.at + DAY - 1)   # a second short of 24 h after the first: still inside the window
    token = sign_in_again(core, phone)
    assert clock.now() == first.at + DAY - 1
    assert core.topups.limits(token).day_left == 0
    with pytest.raises(LimitExceeded):
        core.topups.top_up(token, 1, VISA, totp=phone.code())
    clock.set(first.at + DAY)       # 24 h later it no longer counts
    assert core.topups.limits(token).day_left == 15_000
    core.topups.top_up(token, 15_000, VISA, totp=phone.code())
    clock.set(second.at + DAY + 1)
    token = sign_in_again(core, phone)
    assert core.topups.limits(token).day_left == 5000
    assert core.wallet.balance(cid) == 35_000


def test_30_day_limit(core, ann, clock):
    token, cid, phone = ann
    first = core.topups.top_up(token, 20_000, VISA, totp=phone.code())
    clock.advance(DAY + 60)
    token = sign_in_again(core, phone)
    core.topups.top_up(token, 20_000, VISA, totp=phone.code())
    clock.advance(DAY + 60)
    token = sign_in_again(core, phone)
    with pytest.raises(LimitExceeded) as e:
        core.topups.top_up(token, 20_000, VISA, totp=phone.code())
    assert e.value.details == {"rule": "30_days", "left": 10_000}
    core.topups.top_up(token, 10_000, VISA, totp=phone.code())
    clock.set(first.at + 30 * DAY - 1)   # the first ¥20,000 is still inside the 30 days...
    token = sign_in_again(core, phone)
    assert core.topups.limits(token).month_left == 0
    clock.set(first.at + 30 * DAY)       # ...and a second later it has left them
    assert core.topups.limits(token).month_left == 20_000
    core.topups.top_up(token, 20_000, VISA, totp=phone.code())
    assert core.wallet.balance(cid) == 70_000


def test_velocity_refuses_the_fourth_top_up_in_a_minute_and_writes_an_alert(core, ann, clock):
    token, cid, phone = ann
    clock.advance(2 * STEP_SECONDS - clock.now() % STEP_SECONDS)   # two unused steps: two codes usable now
    t0 = clock.now()
    for _ in range(3):
        core.topups.top_up(token, 100, VISA, totp=phone.code())
    assert clock.now() - t0 < 60
    with pytest.raises(LimitExceeded) as e:
        core.topups.top_up(token, 100, VISA, totp="000000")
    assert e.value.details["rule"] == "velocity"
    alerts = core.audit_recent(event=AuditEvent.TOPUP_VELOCITY_ALERT)
    assert len(alerts) == 1 and alerts[0].severity == "alert" and alerts[0].customer_id == cid
    assert any("too many" in m.subject for m in core.inbox("ann@example.com"))
    assert core.wallet.balance(cid) == 300
    assert core.topups.limits(token).max_now == 0
    assert core.audit_verify().ok
    clock.set(t0 + 61)
    core.topups.top_up(token, 100, VISA, totp=phone.code())
    assert core.wallet.balance(cid) == 400


def test_a_frozen_wallet_cannot_be_topped_up(core, ann):
    token, cid, phone = ann
    with core.db.write() as conn:
        core.identity.set_frozen(conn, cid, True)
    with pytest.raises(Exception) as e:
        core.topups.top_up(token, 1000, VISA, totp=phone.code())
    assert e.value.code == "locked"
    assert core.wallet.balance(cid) == 0


def test_a_top_up_needs_a_live_session(core, ann):
    _, cid, phone = ann
    with pytest.raises(Exception) as e:
        core.topups.top_up("not-a-token", 1000, VISA, totp=phone.code())
    assert e.value.code == "session_invalid"


# -- the top-up password -------------------------------------------------------------------------------
def test_hardened_top_up_password_change_needs_a_fresh_step_up_and_tells_the_owner(core, ann, clock):
    token, cid, phone = ann
    clock.advance(10 * 60)   # the sign-in's step-up is no longer recent
    with pytest.raises(StepUpRequired):
        core.topups.set_topup_password(token, "another long passphrase 77")
    core.topups.set_topup_password(token, "another long passphrase 77", totp=phone.code())
    assert core.inbox("ann@example.com")[0].subject == "Your top-up password was changed"
    row = core.audit_recent(event=AuditEvent.TOPUP_PASSWORD_SET)[0]
    assert row.details["second_factor"] is True and "another" not in str(row.details)


def test_2019_top_up_needs_no_totp_but_the_top_up_password(core, clock):
    core.set_policy("2019")
    token, cid, _ = sign_up(core, clock)
    assert core.topups.limits(token).requires_totp is False
    with pytest.raises(PermissionDenied) as e:
        core.topups.top_up(token, 1000, VISA)
    assert e.value.code == "topup_password_required"
    core.topups.set_topup_password(token, "123456")  # 2019: short, and no second factor
    with pytest.raises(InvalidCredentials):
        core.topups.top_up(token, 1000, VISA, topup_password="654321")
    assert core.audit_recent(event=AuditEvent.TOPUP_PASSWORD_FAILED)[0].customer_id == cid
    t = core.topups.top_up(token, 1000, VISA, topup_password="123456")
    assert t.balance == 1000


def test_2019_an_account_taker_changes_the_top_up_password_without_2fa_and_tops_up(core, clock):
    """The 7pay attack: with only the stolen password, set a new top-up password and charge the card."""
    core.set_policy("2019")
    _, cid, _ = sign_up(core, clock)
    core.topups.set_topup_password(core.identity.sign_in("ann@example.com", PASSWORD).token, "victim-pw")
    attacker = core.identity.sign_in("ann@example.com", PASSWORD, device="attacker-phone").token
    core.topups.set_topup_password(attacker, "attacker-pw")
    core.topups.top_up(attacker, 300_000, VISA, topup_password="attacker-pw")
    assert core.wallet.balance(cid) == 300_000
    assert not any("top-up password" in m.subject for m in core.inbox("ann@example.com"))
    with pytest.raises(LimitExceeded) as e:
        core.topups.top_up(attacker, 1, VISA, topup_password="attacker-pw")
    assert e.value.details["rule"] == "day"
    # The same takeover under hardened stops at the second factor.
    core.set_policy("hardened")
    with pytest.raises(StepUpRequired):
        core.topups.set_topup_password(attacker, "attacker-pw2")
    with pytest.raises(TotpRequired):   # and a new sign-in with the stolen password alone is stopped
        core.identity.sign_in("ann@example.com", PASSWORD, device="attacker-phone-2")


def test_2019_has_no_velocity_rule(core, clock):
    core.set_policy("2019")
    token, cid, _ = sign_up(core, clock)
    core.topups.set_topup_password(token, "123456")
    for _ in range(6):
        core.topups.top_up(token, 1000, VISA, topup_password="123456")
    assert core.wallet.balance(cid) == 6000
    assert core.audit_recent(event=AuditEvent.TOPUP_VELOCITY_ALERT) == []


# -- two processes racing past the daily limit ------------------------------------------------------
def _top_up_in_another_process(path, now, token, code, barrier, results):
    from shared.clock import FixedClock
    from shared.core import Core
    from shared.errors import QrpayError

    core = Core.open(path, clock=FixedClock(now))
    barrier.wait()
    try:
        results.put(("ok", core.topups.top_up(token, 15_000, VISA, totp=code).balance))
    except QrpayError as e:
        results.put((e.code, e.details.get("rule")))
    finally:
        core.close()


def test_two_processes_cannot_both_pass_the_daily_limit(core, ann, clock, db_target):
    from tests.parallel import race

    token, cid, phone = ann
    clock.advance(2 * STEP_SECONDS - clock.now() % STEP_SECONDS)
    codes = [phone.code(), phone.code()]  # two valid, distinct codes at the same instant
    outcomes = sorted(race(_top_up_in_another_process, [(str(db_target), clock.now(), token, code) for code in codes]))
    assert outcomes == [("limit_exceeded", "day"), ("ok", 15_000)]
    assert core.wallet.balance(cid) == 15_000
    from shared.checks import run_checks
    assert run_checks(core) == []
