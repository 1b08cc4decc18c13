"""The password reset (shared/password_reset.py, through IdentityService): the code goes to the
address of record only (2019: wherever the form said), an unknown address gets the same reply,
finishing needs the second factor and revokes sessions and payment codes, and a code expires,
allows few attempts and is retired by a newer one. Real SQLite file, FixedClock; nothing sleeps."""
import pytest

from shared import totp
from shared.errors import InvalidCredentials, SessionInvalid, TotpRequired, WeakPassword
from shared.mailbox import MessageKind
from shared.policy import HARDENED
from tests.test_identity import NEW_PW, PW, code_now, enrol, events, reset_code_from, sign_in


def test_reset_send_to_an_attacker_address_sends_nothing_there_under_hardened(core):
    e = enrol(core)
    assert core.identity.request_reset(e.email, send_to="thief@evil.example") is None
    assert core.inbox("thief@evil.example") == []
    assert reset_code_from(core, e.email)
    alert = events(core, "reset_redirect_attempt")[0]
    assert alert.severity == "alert" and alert.details["requested_send_to"] == "thief@evil.example"


def test_reset_send_to_is_honoured_under_2019_and_the_takeover_works(core):
    e = enrol(core)
    sign_in(core, e)
    core.set_policy("2019")
    core.identity.request_reset(e.email, send_to="thief@evil.example")
    code = reset_code_from(core, "thief@evil.example")
    assert [m for m in core.inbox(e.email) if m.kind is MessageKind.RESET] == []  # the owner hears nothing
    core.identity.complete_reset(e.email, code, "thief-owns-this-now")  # no second factor asked
    s = core.identity.sign_in(e.email, "thief-owns-this-now", device="thief-phone")
    assert s.customer_id == e.customer_id
    assert events(core, "reset_requested")[0].severity == "alert"


def test_unknown_email_reset_gives_the_same_reply_and_sends_nothing(core):
    before = core.db.connection.execute("SELECT count(*) FROM mailbox").fetchone()[0]
    assert core.identity.request_reset("nobody@example.jp") is None
    assert core.db.connection.execute("SELECT count(*) FROM mailbox").fetchone()[0] == before


def test_reset_needs_the_second_factor_and_revokes_sessions_and_payment_codes(core, monkeypatch):
    e = enrol(core)
    s1, s2 = sign_in(core, e, "a"), sign_in(core, e, "b")
    revoked = []
    monkeypatch.setattr(core.codes, "revoke_all_for_customer",
                        lambda conn, cid, *, reason, at: revoked.append((cid, reason, at)) or 3)

    core.identity.request_reset(e.email)
    code = reset_code_from(core, e.email)
    # the mailbox row is the simulated e-mail itself; the reset table holds only a hash
    stored = core.db.connection.execute("SELECT * FROM reset_codes").fetchall()
    assert len(stored) == 1 and code not in repr([tuple(r) for r in stored])
    assert stored[0]["code_hash"].startswith("$argon2id$")
    with pytest.raises(WeakPassword):
        core.identity.complete_reset(e.email, code, "password")
    with pytest.raises(TotpRequired):
        core.identity.complete_reset(e.email, code, NEW_PW)
    core.identity.complete_reset(e.email, code, NEW_PW, recovery_code=e.recovery_codes[0])
    for s in (s1, s2):
        with pytest.raises(SessionInvalid):
            core.identity.session(s.token)
    assert revoked == [(e.customer_id, "password_reset", core.now())]
    done = events(core, "reset_completed")[0]
    assert done.details["sessions_revoked"] == 2 and done.details["payment_codes_revoked"] == 3
    assert core.inbox(e.email)[0].subject == "Your password was reset"
    with pytest.raises(InvalidCredentials):
        core.identity.sign_in(e.email, PW, totp=code_now(core, e))
    core.identity.sign_in(e.email, NEW_PW, totp=code_now(core, e))
    with pytest.raises(InvalidCredentials):  # single use
        core.identity.complete_reset(e.email, code, "another fine passphrase 42", totp=code_now(core, e))


def test_reset_code_expires_and_allows_few_attempts(core):
    e = enrol(core)
    core.identity.request_reset(e.email)
    code = reset_code_from(core, e.email)
    core.clock.advance(HARDENED.reset_code_seconds + 1)
    with pytest.raises(InvalidCredentials) as err:
        core.identity.complete_reset(e.email, code, NEW_PW, totp=code_now(core, e))
    assert err.value.code == "reset_code_invalid"
    core.identity.request_reset(e.email)
    code = reset_code_from(core, e.email)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            core.identity.complete_reset(e.email, wrong, NEW_PW, totp=code_now(core, e))
    with pytest.raises(InvalidCredentials):  # burnt after five wrong tries, even the right one
        core.identity.complete_reset(e.email, code, NEW_PW, totp=code_now(core, e))


def test_a_new_reset_request_retires_the_previous_code(core):
    e = enrol(core)
    core.identity.request_reset(e.email)
    first = reset_code_from(core, e.email)
    core.clock.advance(1)
    core.identity.request_reset(e.email)
    second = reset_code_from(core, e.email)
    if first != second:
        with pytest.raises(InvalidCredentials):
            core.identity.complete_reset(e.email, first, NEW_PW, totp=code_now(core, e))
    core.identity.complete_reset(e.email, second, NEW_PW, totp=code_now(core, e))
