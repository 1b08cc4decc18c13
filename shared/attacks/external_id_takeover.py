"""External-ID takeover: 7pay let members sign in with social-network IDs and switched that off on
11 July 2019. An app that trusts what its client says about the external ID lets anyone in:

- the bare user id: the attacker reads the victim's SNS user id off their public profile and sends
  it as "the SNS says I am this user";
- token substitution (RFC 9700): the victim once signed in to the attacker's fortune-quiz app with
  the same SNS ID, so the attacker holds a genuine, SNS-signed ID token for the victim, issued to
  the quiz app; the wallet accepts it without looking at its audience or nonce.

- 2019: both are accepted; the attacker shows a payment code at a till and buys resale goods.
- hardened: the wallet verifies the ID token (signature, issuer, audience, nonce, expiry: OpenID
  Connect Core 3.1.3.7) and refuses a bare id; and even an attacker who knows the victim's SNS
  password and gets in through the real flow is asked for the authenticator code before a payment
  code is shown (step-up).
"""
from __future__ import annotations

import random

from shared.attacks.base import Actor, Outcome, Run, ScenarioResult, ScenarioSpec, SizeOption
from shared.attacks.world import ensure_shop, new_customer, passphrase, resale_cart, sign_in_with_phone, try_pay
from shared.audit_events import AuditEvent
from shared.errors import QrpayError
from shared.external_id import QUIZ_CLIENT_ID

NAME = "external-id-takeover"
ATTACKER_SOURCE = "198.51.100.88"
BLOCKED_BY = "ID-token verification (signature, issuer, audience, nonce, expiry; accounts linked by the SNS " \
             "subject) + step-up before a payment code"

SIZES = (
    SizeOption("balance", 30_000, "the victim's balance in yen", 1_000, 300_000),
    SizeOption("seed", 7, "seed of the simulated passwords", 0, 2**31 - 1),
)


def run(core, *, policy: str, on_step=None, balance: int = 30_000, seed: int = 7,
        real_argon2: bool = False) -> ScenarioResult:
    sizes = dict(balance=balance, seed=seed, real_argon2=real_argon2)
    with Run(core, SPEC, policy=policy, on_step=on_step, sizes=sizes,
             defences=("id_token", "session", "totp", "audit")) as r:
        return _attack(r, balance, random.Random(seed))


def _sns_sign_in(core, *, email: str, password: str):
    """The wallet's "Sign in with SNS ID": a request, the SNS's consent, the code back."""
    req = core.external_id.begin()
    grant = core.sns.authorize(email=email, password=password, client_id=req.client_id,
                               redirect_uri=req.redirect_uri, code_challenge=req.code_challenge,
                               nonce=req.nonce, state=req.state)
    return req, grant


def _attack(r: Run, balance: int, rng: random.Random) -> ScenarioResult:
    core = r.core
    shop = ensure_shop(core)
    victim = new_customer(r, email=f"yuki.{r.tag}@example.jp", name="佐藤 由紀 (victim)",
                         password=passphrase(rng), balance=balance)
    r.watch(victim.customer_id, victim.email)
    sns_password = passphrase(rng)
    sns = core.sns.add_user(victim.email, "Yuki Sato", sns_password)
    r.advance(60)
    token = sign_in_with_phone(r, victim)
    req, grant = _sns_sign_in(core, email=victim.email, password=sns_password)
    core.external_id.link(token, state=req.state, code=grant.code)
    r.step(Actor.VICTIM, "link_sns", "the victim linked their SNS account to the wallet, to sign in with one tap",
           detail=f"SNS user id {sns.sub}")

    r.advance(3600)
    stolen = core.sns.sign_in_to_app(email=victim.email, password=sns_password, client_id=QUIZ_CLIENT_ID)
    r.step(Actor.VICTIM, "sns_other_app",
           "the victim signed in to a fortune-telling quiz app with the same SNS ID; the quiz belongs to the "
           "attacker, who now holds an SNS-signed ID token for the victim",
           detail=f"token audience: {QUIZ_CLIENT_ID}")

    r.advance(120)
    r.step(Actor.ATTACKER, "read_profile", "read the victim's SNS user id off their public profile page",
           detail=sns.sub)
    session = None
    forged = False
    try:
        session = core.external_id.sign_in_with_external_id(external_user_id=sns.sub, device="attacker-phone",
                                                            source=ATTACKER_SOURCE)
        forged = True
        r.step(Actor.ATTACKER, "send_user_id", "signed in as the victim by sending their SNS user id: the app "
               "believed what its client said", attacker_gain=True)
    except QrpayError as e:
        r.step(Actor.ATTACKER, "send_user_id", f"refused ({e.code}): a user id alone proves nothing",
               attacker_gain=False)

    r.advance(30)
    try:
        req = core.external_id.begin()   # the attacker's copy of the wallet app starts a sign-in
        substituted = core.external_id.sign_in_with_external_id(state=req.state, id_token=stolen,
                                                                device="attacker-phone", source=ATTACKER_SOURCE)
        session, forged = session or substituted, True
        r.step(Actor.ATTACKER, "token_substitution", "signed in with the ID token the quiz app received: issued to "
               "another app, yet accepted", attacker_gain=True)
    except QrpayError as e:
        r.step(Actor.ATTACKER, "token_substitution", f"refused ({e.code}): the token was issued to another app "
               "and does not carry this sign-in's nonce", attacker_gain=False)
    if r.alerted(AuditEvent.EXTERNAL_ID_REFUSED):
        r.step(Actor.SYSTEM, "alert", "forged and substituted SNS sign-ins raised alerts", attacker_gain=False)

    if session is None:
        # Defence in depth: suppose the victim reused a leaked password at the SNS too.
        r.advance(60)
        try:
            req, grant = _sns_sign_in(core, email=victim.email, password=sns_password)
            session = core.external_id.sign_in_with_external_id(state=req.state, code=grant.code,
                                                                device="attacker-phone", source=ATTACKER_SOURCE)
            r.step(Actor.ATTACKER, "sns_password", "with the victim's leaked SNS password, signed in through the real "
                   "SNS flow: the wallet's home screen, but no second-factor check yet")
        except QrpayError as e:
            r.step(Actor.ATTACKER, "sns_password", f"refused ({e.code})", attacker_gain=False)

    lost = 0
    if session is not None:
        r.advance(60)
        try:
            code = core.codes.issue(session.token)
        except QrpayError as e:
            r.step(Actor.ATTACKER, "issue_code", f"refused ({e.code}): the wallet asks for the authenticator code "
                   "before it shows a payment code", attacker_gain=False)
        else:
            lines = resale_cart(core, min(core.wallet.balance(victim.customer_id),
                                          core.policy.payment_max_per_transaction))
            sale, refused = try_pay(r, shop, code.text, lines, terminal=shop.terminals[0], who="attacker")
            if sale is not None:
                lost = sale.total
                r.step(Actor.TILL, "pay", f"attacker bought resale goods for ¥{sale.total:,}",
                       detail=f"receipt {sale.receipt_no}", attacker_gain=True)
            else:
                r.step(Actor.TILL, "pay", f"refused ({refused.code})", attacker_gain=False)
    if lost or forged:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost, takeovers=1 if forged else 0)
    if session is not None:
        r.note("The attacker who knew the victim's SNS password reached the wallet (balance and history) but "
               "could not show a payment code without the victim's authenticator app.")
    return r.finish(outcome=Outcome.BLOCKED, blocked_by=BLOCKED_BY, yen_lost=0, takeovers=0)


SPEC = ScenarioSpec(NAME, "External-ID takeover",
                    "The attacker signs in with the victim's SNS user id, or with an ID token issued to another app.",
                    SIZES, run)
