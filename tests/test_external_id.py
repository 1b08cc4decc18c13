"""Sign-in with an external ID: the simulated SNS provider and the wallet's relying party, attacked.

Every forged, substituted, replayed or stale sign-in is refused under hardened with its own code and
writes nothing but one `external_id_refused` audit row; the 2019 preset lets the bare user id and
the substituted token in (the training's point); accounts are linked by (iss, sub), never e-mail.
"""
from __future__ import annotations

import base64
import json
import os
import stat

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey

from shared import totp
from shared.audit_events import AuditEvent
from shared.errors import QrpayError, StepUpRequired
from shared.external_id import ISSUER, QUIZ_CLIENT_ID, WALLET_CLIENT_ID, WALLET_REDIRECT_URI, pkce_challenge
from shared.external_id import provider as provider_mod
from tests.parallel import race

PASSWORD = "correct horse battery staple"
SNS_PASSWORD = "sns-password-1"


@pytest.fixture
def world(core):
    """Hanako: a wallet with an authenticator, an SNS account, the two linked by her own sign-in."""
    e = core.identity.register("hanako@example.jp", "Hanako", PASSWORD)
    core.identity.confirm_totp("hanako@example.jp", totp.totp_code(e.totp_secret, core.now() - 30))
    sns = core.sns.add_user("hanako@example.jp", "Hanako", SNS_PASSWORD)
    s = core.identity.sign_in("hanako@example.jp", PASSWORD, totp=totp.totp_code(e.totp_secret, core.now()))
    req = core.external_id.begin()
    core.external_id.link(s.token, state=req.state, code=_authorize(core, req).code)
    core.clock.advance(60)
    return {"customer_id": e.customer_id, "secret": e.totp_secret, "sub": sns.sub, "token": s.token}


def _authorize(core, req, *, email="hanako@example.jp", password=SNS_PASSWORD, challenge=None):
    return core.sns.authorize(email=email, password=password, client_id=req.client_id, redirect_uri=req.redirect_uri,
                              code_challenge=challenge or req.code_challenge, nonce=req.nonce, state=req.state)


def _claims(core, world, req, **over):
    now = int(core.now())
    claims = {"iss": ISSUER, "sub": world["sub"], "aud": WALLET_CLIENT_ID, "azp": WALLET_CLIENT_ID, "iat": now,
              "exp": now + 300, "nonce": req.nonce, "email": "hanako@example.jp"}
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _snapshot(core):
    with core.db.read() as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("sessions", "external_id_links", "customers", "mailbox", "ledger_entries")
                  if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (t,)).fetchone()}
    newest = core.audit_recent(limit=1)
    return counts, newest[0].id if newest else 0


def _refused_alone(core, before, code):
    """Nothing but one refusal row was written, with `code` as its reason."""
    counts, last = before
    assert _snapshot(core)[0] == counts
    rows = [r for r in core.audit_recent(limit=50) if r.id > last]
    assert [r.event for r in rows] == [AuditEvent.EXTERNAL_ID_REFUSED], [r.event for r in rows]
    assert rows[0].details["reason"] == code
    return rows[0]


def _expect(core, expected, **kwargs):
    before = _snapshot(core)
    with pytest.raises(QrpayError) as err:
        core.external_id.sign_in_with_external_id(**kwargs)
    assert err.value.code == expected, (err.value.code, err.value.message)
    return _refused_alone(core, before, expected)


# -- the honest flow ----------------------------------------------------------------------------------
def test_code_flow_signs_in_but_a_payment_code_still_needs_the_authenticator(core, world):
    req = core.external_id.begin()
    s = core.external_id.sign_in_with_external_id(state=req.state, code=_authorize(core, req).code, device="phone-b")
    assert s.customer_id == world["customer_id"] and s.token and s.step_up_at is None
    row = core.audit_recent(event=AuditEvent.EXTERNAL_ID_SIGNIN, limit=1)[0]
    assert row.details["verified"] is True and row.details["provider"] == "sns"
    assert row.details["found_by"] == "sub"
    assert s.token not in json.dumps(row.details)
    with pytest.raises(StepUpRequired):
        core.codes.issue(s.token)
    core.clock.advance(30)
    code = core.codes.issue(s.token, totp=totp.totp_code(world["secret"], core.now()))
    assert code.text


def test_an_id_token_handed_over_by_the_app_is_accepted_when_everything_checks_out(core, world):
    req = core.external_id.begin()
    token = core.sns._sign(_claims(core, world, req))
    assert core.external_id.sign_in_with_external_id(state=req.state, id_token=token).customer_id \
        == world["customer_id"]


# -- tampered, forged and substituted tokens (hardened) -------------------------------------------------
def test_payload_edited_is_refused(core, world):
    req = core.external_id.begin()
    token = core.sns._sign(_claims(core, world, req, sub="1000000000000001"))
    head, _, sig = token.split(".")
    edited = _b64(json.dumps(_claims(core, world, req)).encode())
    _expect(core, "id_token_invalid", state=req.state, id_token=f"{head}.{edited}.{sig}")


def test_signature_from_another_key_with_the_providers_kid_is_refused(core, world):
    req = core.external_id.begin()
    other = ECKey.generate_key("P-256", private=True)
    token = jwt.encode({"alg": "ES256", "kid": core.sns.key_id()}, _claims(core, world, req), other,
                       algorithms=["ES256"])
    _expect(core, "id_token_invalid", state=req.state, id_token=token)


def test_alg_none_is_refused(core, world):
    req = core.external_id.begin()
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    token = f"{header}.{_b64(json.dumps(_claims(core, world, req)).encode())}."
    _expect(core, "id_token_invalid", state=req.state, id_token=token)


def test_hs256_keyed_with_the_public_key_is_refused(core, world):
    """Algorithm confusion: an HMAC 'signed' with the provider's public key as the secret."""
    req = core.external_id.begin()
    public = json.dumps(core.sns.jwks().as_dict()).encode()
    token = jwt.encode({"alg": "HS256"}, _claims(core, world, req), OctKey.import_key(public), algorithms=["HS256"])
    _expect(core, "id_token_invalid", state=req.state, id_token=token)


@pytest.mark.parametrize("garbage", ["", "x", "a.b.c", "é.é.é", "x" * 9000])
def test_garbage_is_refused_cleanly(core, world, garbage):
    req = core.external_id.begin()
    _expect(core, "id_token_invalid", state=req.state, id_token=garbage)


def test_wrong_issuer_is_refused(core, world):
    req = core.external_id.begin()
    _expect(core, "id_token_issuer", state=req.state,
            id_token=core.sns._sign(_claims(core, world, req, iss="https://evil.example")))


def test_token_substitution_a_token_issued_to_another_app_is_refused(core, world):
    """The victim once signed in to the attacker's quiz app with the SNS: its owner holds a real,
    provider-signed ID token for the victim, with aud = the quiz app."""
    stolen = core.sns.sign_in_to_app(email="hanako@example.jp", password=SNS_PASSWORD, client_id=QUIZ_CLIENT_ID)
    req = core.external_id.begin()
    row = _expect(core, "id_token_audience", state=req.state, id_token=stolen)
    assert row.severity == "alert"


def test_several_audiences_without_azp_for_us_are_refused(core, world):
    req = core.external_id.begin()
    token = core.sns._sign(_claims(core, world, req, aud=[QUIZ_CLIENT_ID, WALLET_CLIENT_ID], azp=QUIZ_CLIENT_ID))
    _expect(core, "id_token_audience", state=req.state, id_token=token)


@pytest.mark.parametrize("nonce", [None, "not-the-nonce-of-this-request"])
def test_missing_or_wrong_nonce_is_refused(core, world, nonce):
    req = core.external_id.begin()
    token = core.sns._sign({**_claims(core, world, req, nonce=nonce)} if nonce else
                           {k: v for k, v in _claims(core, world, req).items() if k != "nonce"})
    _expect(core, "id_token_nonce", state=req.state, id_token=token)


def test_a_token_without_a_request_begun_here_or_with_a_used_state_is_refused(core, world):
    req = core.external_id.begin()
    token = core.sns._sign(_claims(core, world, req))
    _expect(core, "id_token_nonce", id_token=token)
    _expect(core, "id_token_nonce", state="made-up-state", id_token=token)
    core.external_id.sign_in_with_external_id(state=req.state, id_token=token)
    _expect(core, "id_token_nonce", state=req.state, id_token=token)   # the state works once


def test_expired_token_is_refused(core, world):
    req = core.external_id.begin()
    token = core.sns._sign(_claims(core, world, req))
    core.clock.advance(301)
    _expect(core, "id_token_expired", state=req.state, id_token=token)


def test_a_token_issued_in_the_future_is_refused(core, world):
    req = core.external_id.begin()
    token = core.sns._sign(_claims(core, world, req, iat=int(core.now()) + 3600, exp=int(core.now()) + 3900))
    _expect(core, "id_token_invalid", state=req.state, id_token=token)


def test_a_bare_external_user_id_is_refused_under_hardened(core, world):
    row = _expect(core, "id_token_invalid", external_user_id=world["sub"])
    assert row.severity == "alert" and row.details["presented"] == "external_user_id"


# -- the code flow: replay, PKCE, redirect URI, expiry -------------------------------------------------------
def test_a_replayed_authorization_code_is_refused(core, world):
    req = core.external_id.begin()
    code = _authorize(core, req).code
    core.external_id.sign_in_with_external_id(state=req.state, code=code)
    again = core.external_id.begin()   # the attacker starts their own request and replays the code
    _expect(core, "authorization_code_used", state=again.state, code=code)


def test_a_code_bound_to_another_pkce_challenge_is_refused(core, world):
    """An intercepted code (the attacker's own request's challenge) redeemed in the victim's request."""
    req = core.external_id.begin()
    code = _authorize(core, req, challenge=pkce_challenge("a" * 43)).code
    _expect(core, "pkce_mismatch", state=req.state, code=code)


def test_a_code_issued_to_another_app_is_refused(core, world):
    req = core.external_id.begin()
    grant = core.sns.authorize(email="hanako@example.jp", password=SNS_PASSWORD, client_id=QUIZ_CLIENT_ID,
                               redirect_uri=provider_mod.QUIZ_REDIRECT_URI, code_challenge=req.code_challenge,
                               nonce=req.nonce)
    _expect(core, "client_mismatch", state=req.state, code=grant.code)


def test_a_code_for_another_redirect_uri_is_refused_by_the_token_endpoint(core, world):
    req = core.external_id.begin()
    verifier = "v" * 50
    code = _authorize(core, req, challenge=pkce_challenge(verifier)).code
    with pytest.raises(QrpayError) as err:
        core.sns.token(code=code, client_id=WALLET_CLIENT_ID, redirect_uri="https://attacker.example/cb",
                       code_verifier=verifier)
    assert err.value.code == "redirect_uri_mismatch"
    with pytest.raises(QrpayError) as err:   # and the code is burnt by that first try
        core.sns.token(code=code, client_id=WALLET_CLIENT_ID, redirect_uri=WALLET_REDIRECT_URI, code_verifier=verifier)
    assert err.value.code == "authorization_code_used"


def test_the_authorize_endpoint_refuses_an_unregistered_redirect_and_a_missing_pkce(core, world):
    req = core.external_id.begin()
    with pytest.raises(QrpayError) as err:
        core.sns.authorize(email="hanako@example.jp", password=SNS_PASSWORD, client_id=WALLET_CLIENT_ID,
                           redirect_uri="https://attacker.example/cb", code_challenge=req.code_challenge)
    assert err.value.code == "redirect_uri_mismatch"
    for challenge, method in (("short", "S256"), (req.code_challenge, "plain")):
        with pytest.raises(QrpayError) as err:
            core.sns.authorize(email="hanako@example.jp", password=SNS_PASSWORD, client_id=WALLET_CLIENT_ID,
                               redirect_uri=WALLET_REDIRECT_URI, code_challenge=challenge,
                               code_challenge_method=method)
        assert err.value.code == "pkce_required"
    with pytest.raises(QrpayError) as err:
        _authorize(core, req, password="wrong-password")
    assert err.value.code == "sns_login_failed"
    with pytest.raises(QrpayError) as unknown:
        _authorize(core, req, email="nobody@example.jp")
    assert unknown.value.code == err.value.code and unknown.value.message == err.value.message


def test_an_expired_authorization_code_is_refused(core, world):
    req = core.external_id.begin()
    code = _authorize(core, req).code
    core.clock.advance(provider_mod.CODE_SECONDS + 1)
    _expect(core, "authorization_code_expired", state=req.state, code=code)


def _redeem(db_path, config_dir, code, verifier, barrier, out):
    os.environ["QRPAY_CONFIG_DIR"] = config_dir
    from shared.clock import FixedClock
    from shared.core import Core
    from tests.conftest import T0

    core = Core.open(db_path, clock=FixedClock(T0 + 61))
    try:
        barrier.wait(timeout=60)
        core.sns.token(code=code, client_id=WALLET_CLIENT_ID, redirect_uri=WALLET_REDIRECT_URI, code_verifier=verifier)
        out.put("token")
    except QrpayError as e:
        out.put(e.code)
    finally:
        core.close()


def test_one_code_redeemed_by_two_processes_at_once_gives_one_token(core, world, db_path):
    req = core.external_id.begin()
    verifier = "w" * 60
    code = _authorize(core, req, challenge=pkce_challenge(verifier)).code
    results = sorted(race(_redeem, [(str(db_path), os.environ["QRPAY_CONFIG_DIR"], code, verifier)] * 4))
    assert results == ["authorization_code_used"] * 3 + ["token"], results


# -- linking: by (iss, sub), never by e-mail alone ----------------------------------------------------------
def test_an_unlinked_sns_account_with_the_victims_email_does_not_get_in_under_hardened(core, world):
    """Taro has a wallet but no SNS account. The attacker opens one at the SNS with Taro's address
    (the SNS never checks it) and signs in through the real flow: the token is genuine, its e-mail
    is Taro's, but no wallet is linked to that SNS account, so nothing is created or opened."""
    core.identity.register("taro@example.jp", "Taro", PASSWORD)
    core.sns.add_user("taro@example.jp", "Taro", "attacker-pass-1")
    req = core.external_id.begin()
    code = _authorize(core, req, email="taro@example.jp", password="attacker-pass-1").code
    row = _expect(core, "external_id_not_linked", state=req.state, code=code)
    assert "taro" not in json.dumps(row.details)
    core.set_policy("2019")   # the same attack under 2019: linked by e-mail on the spot, and in
    req = core.external_id.begin()
    s = core.external_id.sign_in_with_external_id(
        state=req.state, code=_authorize(core, req, email="taro@example.jp", password="attacker-pass-1").code)
    assert s.customer_id == core.identity.customer_by_email("taro@example.jp").id


def test_not_linked_reads_the_same_whether_or_not_an_account_has_that_email(core, world):
    replies = []
    for email in ("hanako@example.jp", "nobody@example.jp"):
        req = core.external_id.begin()
        token = core.sns._sign(_claims(core, world, req, sub="1999999999999999", email=email))
        with pytest.raises(QrpayError) as err:
            core.external_id.sign_in_with_external_id(state=req.state, id_token=token)
        replies.append(err.value.to_json())
    assert replies[0] == replies[1]


def test_2019_links_by_email_alone_and_the_impostor_gets_in(core, world):
    core.set_policy("2019")
    e = core.identity.register("taro@example.jp", "Taro", PASSWORD)
    req = core.external_id.begin()
    token = core.sns._sign(_claims(core, world, req, sub="1888888888888888", email="taro@example.jp"))
    s = core.external_id.sign_in_with_external_id(id_token=token)
    assert s.customer_id == e.customer_id
    row = core.audit_recent(event=AuditEvent.EXTERNAL_ID_SIGNIN, limit=1)[0]
    assert row.details["found_by"] == "email" and row.details["verified"] is False


def test_2019_trusts_a_bare_user_id_and_a_substituted_token(core, world):
    stolen = core.sns.sign_in_to_app(email="hanako@example.jp", password=SNS_PASSWORD, client_id=QUIZ_CLIENT_ID)
    core.set_policy("2019")
    assert core.external_id.sign_in_with_external_id(external_user_id=world["sub"]).customer_id == world["customer_id"]
    assert core.external_id.sign_in_with_external_id(id_token=stolen).customer_id == world["customer_id"]
    core.set_policy("hardened")
    req = core.external_id.begin()
    _expect(core, "id_token_audience", state=req.state, id_token=stolen)


def test_linking_needs_a_fresh_second_factor_and_one_owner_per_sns_account(core, world):
    e = core.identity.register("taro@example.jp", "Taro", PASSWORD)
    core.identity.confirm_totp("taro@example.jp", totp.totp_code(e.totp_secret, core.now() - 30))
    s = core.identity.sign_in("taro@example.jp", PASSWORD, totp=totp.totp_code(e.totp_secret, core.now()))
    core.sns.add_user("taro@example.jp", "Taro", "taro-sns-pass")
    core.clock.advance(600)   # the sign-in's second-factor check is now old
    req = core.external_id.begin()
    code = _authorize(core, req, email="taro@example.jp", password="taro-sns-pass").code
    with pytest.raises(StepUpRequired):
        core.external_id.link(s.token, state=req.state, code=code)
    link = core.external_id.link(s.token, state=req.state, code=code,
                                 totp=totp.totp_code(e.totp_secret, core.now()))
    assert link.customer_id == e.customer_id
    assert any("SNS ID was linked" in m.subject for m in core.inbox("taro@example.jp"))
    # Hanako's SNS account cannot be linked to Taro's wallet too
    core.clock.advance(30)
    req = core.external_id.begin()
    with pytest.raises(QrpayError) as err:
        core.external_id.link(s.token, state=req.state, code=_authorize(core, req).code,
                              totp=totp.totp_code(e.totp_secret, core.now()))
    assert err.value.code in ("external_id_taken", "external_id_linked")


# -- the provider's key ----------------------------------------------------------------------------------
def test_the_providers_key_lives_in_the_config_dir_not_the_database(core, world, db_path):
    with core.db.read() as conn:
        db_id = conn.execute("SELECT value FROM settings WHERE key = 'db_id'").fetchone()[0]
    path = provider_mod.key_path(db_id)
    assert path.parent == provider_mod.audit_key.config_dir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    private_d = json.loads(path.read_text())["d"]
    core.close()
    for f in db_path.parent.iterdir():
        if f.name.startswith(db_path.name):
            assert private_d.encode() not in f.read_bytes()


# -- the attack lab's scenario ------------------------------------------------------------------------------
def test_scenario_2019_the_attacker_gets_in_with_the_bare_id_and_the_substituted_token_and_spends(core):
    from shared.attacks import SCENARIOS, Outcome

    result = SCENARIOS["external-id-takeover"].run(core, policy="2019")
    assert result.outcome is Outcome.SUCCEEDED and result.yen_lost > 0 and result.takeovers == 1
    gains = {s.action: s.attacker_gain for s in result.steps}
    assert gains["send_user_id"] is True and gains["token_substitution"] is True and gains["pay"] is True
    signins = [a for a in result.audit if a.event is AuditEvent.EXTERNAL_ID_SIGNIN]
    assert {a.details["presented"] for a in signins} == {"external_user_id", "id_token"}
    assert all(a.details["verified"] is False for a in signins)
    assert sum(b.before - b.after for b in result.victim.balances) == result.yen_lost
    assert result.ledger_ok


def test_scenario_hardened_is_stopped_by_id_token_verification_and_step_up(core):
    from shared.attacks import SCENARIOS, Outcome, report

    result = SCENARIOS["external-id-takeover"].run(core, policy="hardened")
    assert result.outcome is Outcome.BLOCKED and result.yen_lost == 0 and result.takeovers == 0
    assert "id-token-verification" in result.stopped_by
    steps = {s.action: s for s in result.steps}
    assert "id_token_invalid" in steps["send_user_id"].result
    assert "id_token_audience" in steps["token_substitution"].result
    assert "step_up_required" in steps["issue_code"].result     # the leaked-SNS-password path
    reasons = {a.details["reason"] for a in result.alerts if a.event is AuditEvent.EXTERNAL_ID_REFUSED}
    assert reasons == {"id_token_invalid", "id_token_audience"}
    assert not [a for a in result.audit if a.event is AuditEvent.PAYMENT]
    assert any("SNS ID" in m.subject for m in result.victim.messages)   # the victim hears of the new sign-in
    html = report.render_html(result)
    assert "OpenID Connect Core 1.0 §3.1.3.7" in html and "External-ID takeover" in html


def test_seed_demo_gives_each_customer_an_unlinked_sns_account(core):
    from shared.demo_data import load_credentials, seed_demo

    seeded = seed_demo(core)
    creds = load_credentials(core.db.path)
    assert {c["sns_user_id"] for c in creds["customers"]} == {u.sub for u in core.sns.users()}
    first = seeded["customers"][0]
    req = core.external_id.begin()
    grant = core.sns.authorize(email=first["email"], password=first["sns_password"], client_id=req.client_id,
                               redirect_uri=req.redirect_uri, code_challenge=req.code_challenge, nonce=req.nonce,
                               state=req.state)
    _expect(core, "external_id_not_linked", state=req.state, code=grant.code)


def test_a_key_embedded_in_the_token_header_is_not_trusted(core, world):
    """The attacker signs with their own key and puts its public half in the header (jwk)."""
    req = core.external_id.begin()
    own = ECKey.generate_key("P-256", private=True)
    token = jwt.encode({"alg": "ES256", "jwk": own.as_dict(private=False)}, _claims(core, world, req), own,
                       algorithms=["ES256"])
    _expect(core, "id_token_invalid", state=req.state, id_token=token)


def test_a_token_without_exp_is_refused(core, world):
    req = core.external_id.begin()
    _expect(core, "id_token_invalid", state=req.state, id_token=core.sns._sign(_claims(core, world, req, exp=None)))
