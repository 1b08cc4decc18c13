"""IdentityService: sign-in, throttling and lockout, stuffing detection, sessions, changes (the
password reset: tests/test_password_reset.py).

Every test runs on a real SQLite file with a FixedClock; nothing sleeps."""
import dataclasses
import json
import re

import pytest
from argon2 import PasswordHasher

from shared import passwords, totp
from shared.audit_events import AuditEvent
from shared.core import Core
from shared.errors import (Conflict, InvalidCredentials, Locked, NotFound, SessionInvalid, StepUpRequired,
                           Throttled, TotpInvalid, TotpRequired, WeakPassword)
from shared.mailbox import MessageKind
from shared.policy import HARDENED

PW = "correct horse battery staple"
BAD = "000000"  # a wrong authenticator code sent along with a guessed password
NEW_PW = "violet kettle orbit 1987 lantern"


def enrol(core, email="mika@example.jp", name="Mika"):
    e = core.identity.register(email, name, PW)
    core.identity.confirm_totp(email, totp.totp_code(e.totp_secret, core.now() - 30))
    return e


def code_now(core, e):
    """A fresh, never-used code: move to the next step first."""
    core.clock.advance(30)
    return totp.totp_code(e.totp_secret, core.now())


def sign_in(core, e, device="phone"):
    return core.identity.sign_in(e.email, PW, totp=code_now(core, e), device=device)


def events(core, name):
    return core.audit_recent(event=AuditEvent(name))


def reset_code_from(core, address):
    msgs = [m for m in core.inbox(address) if m.kind is MessageKind.RESET]
    assert msgs, f"no reset mail to {address}"
    return re.search(r"\b(\d{8})\b", msgs[0].body).group(1)


# -- registration and enrolment -------------------------------------------------------------------
def test_register_returns_a_working_enrolment(core):
    e = core.identity.register("Mika@Example.JP ", "Mika", PW)
    assert e.email == "mika@example.jp" and len(e.recovery_codes) == 10
    assert e.otpauth_uri.startswith("otpauth://totp/qrpay-sim:mika%40example.jp?secret=" + e.totp_secret)
    c = core.identity.customer(e.customer_id)
    assert (c.email, c.name, c.totp_enrolled, c.frozen) == ("mika@example.jp", "Mika", False, False)
    with pytest.raises(Conflict):
        core.identity.register("MIKA@example.jp", "Other", PW)


def test_enrolment_completes_only_after_a_correct_code(core):
    e = core.identity.register("mika@example.jp", "Mika", PW)
    with pytest.raises(TotpRequired) as r:
        core.identity.sign_in(e.email, PW)
    assert r.value.details == {}  # hardened: no "enrolment pending" hint for a right password
    with pytest.raises(TotpInvalid):
        core.identity.confirm_totp(e.email, "000000" if totp.totp_code(e.totp_secret, core.now()) != "000000"
                                   else "111111")
    assert not core.identity.customer(e.customer_id).totp_enrolled
    core.identity.confirm_totp(e.email, totp.totp_code(e.totp_secret, core.now()))
    assert core.identity.customer(e.customer_id).totp_enrolled
    assert events(core, "totp_enrolled")


# -- sign-in --------------------------------------------------------------------------------------
def test_sign_in_needs_password_and_totp_under_hardened(core):
    e = enrol(core)
    with pytest.raises(TotpRequired):
        core.identity.sign_in(e.email, PW)
    s = sign_in(core, e)
    assert s.token and s.customer_id == e.customer_id and s.step_up_at == core.now()
    assert core.identity.session(s.token).token == ""  # the token is handed out once
    ok = events(core, "login_succeeded")[0]
    assert ok.details["factor"] == "totp" and ok.details["session_id"] == s.id


def test_unknown_email_and_wrong_password_get_the_same_reply_and_the_same_work(core, monkeypatch):
    e = enrol(core)
    calls = []
    real = passwords.verify_secret
    monkeypatch.setattr(passwords, "verify_secret", lambda h, s: calls.append(h) or real(h, s))
    with pytest.raises(InvalidCredentials) as wrong:
        core.identity.sign_in(e.email, "not the password at all", totp=BAD)
    with pytest.raises(InvalidCredentials) as unknown:
        core.identity.sign_in("nobody@example.jp", "not the password at all", totp=BAD)
    assert (wrong.value.code, wrong.value.message) == (unknown.value.code, unknown.value.message)
    assert wrong.value.to_json() == unknown.value.to_json()
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)  # Argon2 ran both times


def test_unknown_email_is_throttled_exactly_like_a_known_one(core):
    e = enrol(core)

    def run(email):
        seen = []
        for _ in range(6):
            try:
                core.identity.sign_in(email, "wrong guess 123")
            except (TotpRequired, InvalidCredentials, Throttled, Locked) as err:
                seen.append((err.code, err.details.get("retry_after")))
        return seen
    assert run(e.email) == run("ghost@example.jp")


def test_password_right_second_factor_wrong_notifies_the_owner(core):
    e = enrol(core)
    core.clock.advance(30)
    good = totp.totp_code(e.totp_secret, core.now())
    bad = f"{(int(good) + 1) % 1_000_000:06d}"
    with pytest.raises(InvalidCredentials):  # hardened: the same reply as a wrong password
        core.identity.sign_in(e.email, PW, totp=bad, source="203.0.113.7")
    mail = core.inbox(e.email)[0]
    assert mail.subject == "Someone tried to use your qrpay-sim account" and "203.0.113.7" in mail.body
    row = events(core, "login_failed")[0]
    assert row.severity == "warning" and row.details["reason"] == "totp_wrong"


def test_throttling_grows_then_locks_with_a_fixed_clock(core):
    e = enrol(core)
    outcomes = []
    for _ in range(40):
        try:
            core.identity.sign_in(e.email, "wrong guess 123", totp=BAD)
        except InvalidCredentials:
            outcomes.append("wrong")
        except Throttled as t:
            outcomes.append(("wait", t.details["retry_after"]))
            core.clock.advance(t.details["retry_after"])
        except Locked as lk:
            outcomes.append("locked")
            until = lk.details["until"]
            break
    waits = [o[1] for o in outcomes if isinstance(o, tuple)]
    assert outcomes[:3] == ["wrong"] * 3 and outcomes[3] == ("wait", 1)
    assert waits == sorted(waits) and waits[-1] > waits[0]  # growing delays
    assert outcomes.count("wrong") == HARDENED.lock_after_failures - 1  # the 10th failure locks
    assert until == pytest.approx(core.now() + HARDENED.lock_seconds)
    # locked: even the right password and a fresh code are refused, without being checked
    with pytest.raises(Locked):
        core.identity.sign_in(e.email, PW, totp=code_now(core, e))
    lock_rows = events(core, "lockout")
    assert len(lock_rows) == 1 and lock_rows[0].severity == "alert"
    assert any(m.subject == "Your account was locked" for m in core.inbox(e.email))
    core.clock.set(until + 1)
    s = sign_in(core, e)
    assert s.customer_id == e.customer_id
    with pytest.raises(InvalidCredentials):  # success reset the counter: a fresh start
        core.identity.sign_in(e.email, "wrong guess 123", totp=BAD)


def test_never_more_than_max_failures_per_hour(core, monkeypatch):
    strict = dataclasses.replace(HARDENED, lock_after_failures=0, delay_after_failures=0, max_failures_per_hour=5)
    monkeypatch.setattr(Core, "policy", property(lambda self: strict))
    e = enrol(core)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            core.identity.sign_in(e.email, "wrong guess 123", totp=BAD)
        core.clock.advance(60)
    with pytest.raises(Locked) as lk:
        core.identity.sign_in(e.email, PW, totp=code_now(core, e))
    first_failure = core.now() - 30 - 5 * 60
    assert lk.value.details["until"] == pytest.approx(first_failure + 3600)
    core.clock.set(lk.value.details["until"] + 1)
    sign_in(core, e)


def test_stuffing_across_many_accounts_raises_one_alert_and_slows_new_sources(core):
    e = enrol(core)
    sign_in(core, e, device="phone")  # "local" succeeded before the wave: a known source
    threshold = HARDENED.stuffing_threshold
    for i in range(threshold):
        core.clock.advance(1)
        with pytest.raises(InvalidCredentials):
            core.identity.sign_in(f"victim{i}@example.jp", "leaked-password-1", totp=BAD, source="botnet")
    alerts = events(core, "stuffing_alert")
    assert len(alerts) == 1 and alerts[0].severity == "alert"
    assert alerts[0].details["failing_accounts"] == threshold and "botnet (30)" in alerts[0].details["top_sources"]
    assert core.identity.stuffing_active()
    # the wave slows sign-ins to one attempt per few seconds, whatever source they claim ...
    with pytest.raises(Throttled) as t:
        core.identity.sign_in("victim-next@example.jp", "leaked-password-1", totp=BAD, source="botnet")
    assert t.value.details["retry_after"] > 0
    with pytest.raises(Throttled):  # a new label is no way round it
        core.identity.sign_in("other@example.jp", "leaked-password-1", totp=BAD, source="botnet-2")
    core.clock.advance(5)
    with pytest.raises(InvalidCredentials):
        core.identity.sign_in("victim-late@example.jp", "leaked-password-1", totp=BAD, source="botnet")
    with pytest.raises(Throttled):
        core.identity.sign_in("other2@example.jp", "leaked-password-1", totp=BAD, source="botnet-3")
    assert len(events(core, "stuffing_alert")) == 1
    # the owner gets in once the few seconds have passed
    s = core.identity.sign_in(e.email, PW, totp=code_now(core, e), source="local", device="phone")
    assert s.customer_id == e.customer_id
    # after a quiet window the wave is over; the next wave is a new alert
    core.clock.advance(HARDENED.stuffing_window_seconds + 1)
    assert not core.identity.stuffing_active()
    for i in range(threshold):
        core.clock.advance(6)
        with pytest.raises(InvalidCredentials):
            core.identity.sign_in(f"second{i}@example.jp", "leaked-password-2", totp=BAD, source=f"bot-{i}")
    assert len(events(core, "stuffing_alert")) == 2


def test_policy_2019_password_only_and_no_throttling(core):
    e = enrol(core)
    core.set_policy("2019")
    for _ in range(25):
        with pytest.raises(InvalidCredentials):
            core.identity.sign_in(e.email, "wrong guess 123", totp=BAD)
    for i in range(40):
        with pytest.raises(InvalidCredentials):
            core.identity.sign_in(f"v{i}@example.jp", "leaked", source="botnet")
    s = core.identity.sign_in(e.email, PW, device="attacker-phone")  # no second factor asked
    assert s.step_up_at is None
    assert events(core, "lockout") == [] and events(core, "stuffing_alert") == []
    assert not any("device" in m.subject for m in core.inbox(e.email))  # 7pay said nothing


def test_new_device_notifies_the_owner_once_per_device(core):
    e = enrol(core)
    sign_in(core, e, device="phone-A")
    sign_in(core, e, device="phone-A")
    sign_in(core, e, device="phone-B")
    notices = [m for m in core.inbox(e.email) if m.subject == "New sign-in on a device not seen before"]
    assert len(notices) == 2 and "phone-B" in notices[0].body
    assert [r.details["device"] for r in events(core, "new_device")] == ["phone-B", "phone-A"]


def test_rehash_on_sign_in_when_parameters_change(core, monkeypatch):
    e = enrol(core)
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    sign_in(core, e)
    stored = core.db.connection.execute("SELECT password_hash FROM customers").fetchone()[0]
    assert "m=16,t=2,p=1" in stored
    assert events(core, "login_succeeded")[0].details["rehashed"] is True
    sign_in(core, e)


# -- sessions -------------------------------------------------------------------------------------
def test_session_tokens_are_stored_hashed(core, db_path):
    e = enrol(core)
    s = sign_in(core, e)
    stored = core.db.connection.execute("SELECT token_hash FROM sessions").fetchone()[0]
    import hashlib
    assert stored == hashlib.sha256(s.token.encode()).hexdigest()
    assert s.token.encode() not in db_path.read_bytes() + (db_path.parent / (db_path.name + "-wal")).read_bytes()
    with pytest.raises(SessionInvalid):
        core.identity.session(s.token + "x")


def test_idle_timeout(core):
    e = enrol(core)
    s = sign_in(core, e)
    core.clock.advance(HARDENED.session_idle_seconds - 1)
    core.identity.session(s.token)  # touches last_seen
    core.clock.advance(HARDENED.session_idle_seconds - 1)
    core.identity.session(s.token)
    core.clock.advance(HARDENED.session_idle_seconds + 1)
    with pytest.raises(SessionInvalid) as err:
        core.identity.session(s.token)
    assert err.value.details["reason"] == "idle_timeout"
    with pytest.raises(SessionInvalid):  # and it stays ended
        core.identity.session(s.token)


def test_absolute_timeout_even_when_active(core):
    e = enrol(core)
    s = sign_in(core, e)
    for _ in range(HARDENED.session_absolute_seconds // (20 * 60)):
        core.clock.advance(20 * 60)
        core.identity.session(s.token)
    core.clock.advance(20 * 60)
    with pytest.raises(SessionInvalid) as err:
        core.identity.session(s.token)
    assert err.value.details["reason"] == "absolute_timeout"


def test_sign_out_one_and_everywhere_and_revoke(core):
    e = enrol(core)
    a, b, c = sign_in(core, e, "a"), sign_in(core, e, "b"), sign_in(core, e, "c")
    assert {x.id for x in core.identity.sessions(a.token)} == {a.id, b.id, c.id}
    core.identity.revoke_session(a.token, b.id)
    with pytest.raises(SessionInvalid):
        core.identity.session(b.token)
    assert core.identity.sign_out(c.token) == 1
    with pytest.raises(SessionInvalid):
        core.identity.session(c.token)
    d = sign_in(core, e, "d")
    assert core.identity.sign_out(a.token, everywhere=True) == 2
    for t in (a.token, d.token):
        with pytest.raises(SessionInvalid):
            core.identity.session(t)
    other = enrol(core, "other@example.jp", "Other")
    o = sign_in(core, other)
    with pytest.raises(NotFound):
        core.identity.revoke_session(o.token, d.id)
    assert events(core, "session_revoked")


def test_step_up_window(core):
    e = enrol(core)
    s = sign_in(core, e)
    assert core.identity.has_recent_step_up(s.token)
    core.clock.advance(HARDENED.step_up_seconds + 1)
    assert not core.identity.has_recent_step_up(s.token)
    with pytest.raises(TotpRequired):
        core.identity.step_up(s.token)
    s2 = core.identity.step_up(s.token, totp=totp.totp_code(e.totp_secret, core.now()))
    assert s2.step_up_at == core.now() and core.identity.has_recent_step_up(s.token)


# -- credential changes -----------------------------------------------------------------------------
def test_change_password_needs_a_recent_second_factor(core):
    e = enrol(core)
    s, other = sign_in(core, e, "a"), sign_in(core, e, "b")
    core.clock.advance(HARDENED.step_up_seconds + 1)
    with pytest.raises(StepUpRequired):
        core.identity.change_password(s.token, NEW_PW)
    with pytest.raises(WeakPassword):
        core.identity.change_password(s.token, "mika@example.jp is me", totp=code_now(core, e))
    core.identity.change_password(s.token, NEW_PW)  # the step-up above is still fresh
    core.identity.session(s.token)
    with pytest.raises(SessionInvalid):
        core.identity.session(other.token)
    assert core.inbox(e.email)[0].subject == "Your password was changed"
    assert events(core, "password_changed")[0].details["other_sessions_revoked"] == 1
    core.identity.sign_in(e.email, NEW_PW, totp=code_now(core, e))


def test_change_email_tells_the_old_address(core):
    e = enrol(core)
    s = sign_in(core, e)
    core.identity.change_email(s.token, "mika.new@example.jp")
    old = core.inbox("mika@example.jp")[0]
    assert old.subject == "Your e-mail address was changed" and "mika.new@example.jp" in old.body
    assert core.identity.customer(e.customer_id).email == "mika.new@example.jp"
    other = enrol(core, "taken@example.jp", "T")
    with pytest.raises(Conflict):
        core.identity.change_email(s.token, other.email)
    assert events(core, "email_changed")[0].details["old_email"] == "mika@example.jp"


def test_policy_2019_changes_credentials_without_step_up(core):
    core.set_policy("2019")
    e = core.identity.register("old@example.jp", "Old", "hunter22")
    s = core.identity.sign_in(e.email, "hunter22")
    core.clock.advance(3600)
    # No step-up asked: the stolen session alone re-keys the account (the 7pay hole).
    core.identity.change_password(s.token, "hunter23")
    core.identity.change_email(s.token, "thief@evil.example")
    assert core.identity.customer(e.customer_id).email == "thief@evil.example"
    with pytest.raises(InvalidCredentials):
        core.identity.sign_in("thief@evil.example", "hunter22")
    assert core.identity.sign_in("thief@evil.example", "hunter23").customer_id == e.customer_id
    with pytest.raises(InvalidCredentials):
        core.identity.sign_in("old@example.jp", "hunter23")
    assert events(core, "email_changed") and events(core, "password_changed")


def test_hardened_policy_asks_step_up_for_the_same_changes(core):
    e = enrol(core)
    s = sign_in(core, e)
    core.clock.advance(HARDENED.step_up_seconds + 1)
    with pytest.raises(StepUpRequired):
        core.identity.change_password(s.token, "a fresh long passphrase 42")
    with pytest.raises(StepUpRequired):
        core.identity.change_email(s.token, "thief@evil.example")
    assert core.identity.customer(e.customer_id).email == "mika@example.jp"
    assert not events(core, "email_changed") and not events(core, "password_changed")


def test_totp_reenrolment_swaps_the_secret(core):
    e = enrol(core)
    s = sign_in(core, e)
    core.clock.advance(HARDENED.step_up_seconds + 1)
    with pytest.raises(StepUpRequired):
        core.identity.begin_totp_reenrol(s.token)
    new = core.identity.begin_totp_reenrol(s.token, totp=totp.totp_code(e.totp_secret, core.now()))
    assert new.totp_secret != e.totp_secret and new.recovery_codes == ()
    assert new.totp_secret in [sec for _, sec in core.identity.authenticator_accounts()]
    with pytest.raises(TotpInvalid):  # the old app's code does not confirm the new one
        core.identity.confirm_totp_reenrol(s.token, totp.totp_code(e.totp_secret, core.now()))
    core.clock.advance(30)
    core.identity.confirm_totp_reenrol(s.token, totp.totp_code(new.totp_secret, core.now()))
    core.clock.advance(30)
    with pytest.raises(InvalidCredentials):  # the old app's code: refused like a wrong password
        core.identity.sign_in(e.email, PW, totp=totp.totp_code(e.totp_secret, core.now()))
    core.identity.sign_in(e.email, PW, totp=totp.totp_code(new.totp_secret, core.now()))
    assert core.identity.authenticator_accounts() == [(e.email, new.totp_secret)]
    assert events(core, "totp_reenrolled")


def test_new_recovery_codes_replace_the_old(core):
    e = enrol(core)
    s = sign_in(core, e)
    codes = core.identity.new_recovery_codes(s.token)
    assert len(codes) == 10 and not set(codes) & set(e.recovery_codes)
    with pytest.raises(InvalidCredentials):
        core.identity.sign_in(e.email, PW, recovery_code=e.recovery_codes[0])
    core.identity.sign_in(e.email, PW, recovery_code=codes[0])
    assert events(core, "recovery_codes_regenerated")


def test_set_frozen_and_notify_owner(core):
    e = enrol(core)
    with core.db.write() as conn:
        core.identity.set_frozen(conn, e.customer_id, True)
        core.identity.notify_owner(conn, e.customer_id, subject="Frozen", body="A supervisor froze it.")
    assert core.identity.customer(e.customer_id).frozen
    assert core.inbox(e.email)[0].subject == "Frozen"
    with pytest.raises(NotFound), core.db.write() as conn:
        core.identity.set_frozen(conn, 999, True)


# -- the audit trail as a whole ---------------------------------------------------------------------
def test_audit_chain_holds_and_never_carries_a_secret(core):
    e = enrol(core)
    s = sign_in(core, e)
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            core.identity.sign_in(e.email, "wrong guess 123", totp=BAD)
    core.clock.advance(60)
    core.identity.request_reset(e.email, send_to="thief@evil.example")
    code = reset_code_from(core, e.email)
    core.identity.complete_reset(e.email, code, NEW_PW, totp=code_now(core, e))
    assert core.audit_verify().ok
    dump = json.dumps([r.details for r in core.audit_recent(limit=1000)])
    for secret in (PW, NEW_PW, "wrong guess 123", s.token, code, e.totp_secret, *e.recovery_codes):
        assert secret not in dump
