"""External-ID takeover: 7pay let members sign in with social-network IDs and switched that off on
11 July 2019. An app that trusts what its client says about the external ID lets anyone in:

- the bare user id: the attacker reads the victim's SNS user id off their public profile and sends
  it as "the SNS says I am this user";
- token substitution (RFC 9700): the victim once signed in to the attacker's fortune-quiz app with
  the same SNS ID, so the attacker holds a genuine, SNS-signed ID token for the victim, issued to
  the quiz app; the wallet accepts it without looking at its audience or nonce.

- 2019: both are accepted; the attacker shows a payment code at a till and buys resale goods.
- hardened: the wallet verifies the ID token (signature, issuer, audience, nonce, expiry: OpenID
  Connect Core 3.1.3.7) and refuses a bare id (`id-token-verification`, the stopping defence); and
  even an attacker who knows the victim's SNS password and gets in through the real flow is asked
  for the authenticator code before a payment code is shown (`step-up-before-code`, in depth).
"""
from __future__ import annotations

from shared.attacks.base import Actor, Outcome, ScenarioResult
from shared.attacks.run import T_DATA, Run
from shared.attacks.spec import ScenarioSpec, SizeOption
from shared.attacks.world import passphrase, shop_and_victim, sign_in_with_phone, spend_as_victim
from shared.audit_events import AuditEvent
from shared.errors import QrpayError
from shared.external_id import QUIZ_CLIENT_ID
from shared.texts import Text

NAME = "external-id-takeover"
ATTACKER_SOURCE = "198.51.100.88"

SIZES = (
    SizeOption("balance", 30_000, "the victim's balance in yen", 1_000, 300_000),
)

T_LINK = Text("the victim linked their SNS account to the wallet, to sign in with one tap",
              "被害者は、ワンタップでサインインできるよう SNS アカウントをウォレットに連携した")
T_SNS_ID = Text("SNS user id {sub}", "SNS ユーザー ID {sub}")
T_OTHER_APP = Text("the victim signed in to a fortune-telling quiz app with the same SNS ID; the quiz belongs to the "
                   "attacker, who now holds an SNS-signed ID token for the victim",
                   "被害者は同じ SNS ID で占いクイズアプリにサインインした。このアプリは攻撃者のもので、攻撃者は SNS が署名した"
                   "被害者の ID トークンを手に入れた")
T_AUDIENCE = Text("token audience: {aud}", "トークンの宛先：{aud}")
T_PROFILE = Text("read the victim's SNS user id off their public profile page",
                 "被害者の公開プロフィールから SNS ユーザー ID を読み取った")
T_BARE_OK = Text("signed in as the victim by sending their SNS user id: the app believed what its client said",
                 "被害者の SNS ユーザー ID を送るだけで被害者としてサインイン：アプリはクライアントの申告を信じた")
T_BARE_NO = Text("refused ({code}): a user id alone proves nothing", "拒否（{code}）：ユーザー ID だけでは何の証明にもならない")
T_SUB_OK = Text("signed in with the ID token the quiz app received: issued to another app, yet accepted",
                "クイズアプリが受け取った ID トークンでサインイン：別のアプリ向けのトークンなのに受け入れられた")
T_SUB_NO = Text("refused ({code}): the token was issued to another app and does not carry this sign-in's nonce",
                "拒否（{code}）：別のアプリ向けに発行されたトークンで、このサインインの nonce も含まない")
T_ALERT = Text("forged and substituted SNS sign-ins raised alerts", "偽造・差し替えた SNS サインインで警報が出た")
T_LEAKED = Text("with the victim's leaked SNS password, signed in through the real SNS flow: the wallet's home "
                "screen, but no second-factor check yet",
                "漏えいした被害者の SNS パスワードで正規の SNS フローからサインイン：ホーム画面までは入れるが、二要素認証はまだ")
T_CODE_NO = Text("refused ({code}): the wallet asks for the authenticator code before it shows a payment code",
                 "拒否（{code}）：支払いコードを表示する前に、ウォレットは認証アプリのコードを求める")
N_HOME = Text("The attacker who knew the victim's SNS password reached the wallet (balance and history) but could "
              "not show a payment code without the victim's authenticator app.",
              "被害者の SNS パスワードを知る攻撃者はウォレット（残高と履歴）まで入れたが、被害者の認証アプリなしでは支払いコードを"
              "表示できなかった。")
BY = Text("ID-token verification (signature, issuer, audience, nonce, expiry; accounts linked by the SNS subject) "
          "+ step-up before a payment code",
          "ID トークンの検証（署名・発行者・宛先・nonce・有効期限、SNS の subject によるアカウント連携）＋支払いコード表示前の再認証")


def _sns_sign_in(core, *, email: str, password: str):
    """The wallet's "Sign in with SNS ID": a request, the SNS's consent, the code back."""
    req = core.external_id.begin()
    grant = core.sns.authorize(email=email, password=password, client_id=req.client_id,
                               redirect_uri=req.redirect_uri, code_challenge=req.code_challenge,
                               nonce=req.nonce, state=req.state)
    return req, grant


def attack(r: Run, *, balance: int, seed: int) -> ScenarioResult:
    core = r.core
    rng, shop, victim = shop_and_victim(r, seed, first="yuki", name="佐藤 由紀 (victim)", balance=balance)
    sns_password = passphrase(rng)
    sns = core.sns.add_user(victim.email, "Yuki Sato", sns_password)
    r.advance(60)
    token = sign_in_with_phone(r, victim)
    req, grant = _sns_sign_in(core, email=victim.email, password=sns_password)
    core.external_id.link(token, state=req.state, code=grant.code)
    r.step(Actor.VICTIM, "link_sns", T_LINK, detail=T_SNS_ID, sub=sns.sub)

    r.advance(3600)
    stolen = core.sns.sign_in_to_app(email=victim.email, password=sns_password, client_id=QUIZ_CLIENT_ID)
    r.step(Actor.VICTIM, "sns_other_app", T_OTHER_APP, detail=T_AUDIENCE, aud=QUIZ_CLIENT_ID)

    r.advance(120)
    r.step(Actor.ATTACKER, "read_profile", T_PROFILE, detail=T_DATA, data=sns.sub)
    session = None
    forged = False
    try:
        session = core.external_id.sign_in_with_external_id(external_user_id=sns.sub, device="attacker-phone",
                                                            source=ATTACKER_SOURCE)
        forged = True
        r.step(Actor.ATTACKER, "send_user_id", T_BARE_OK, attacker_gain=True)
    except QrpayError as e:
        r.refused(Actor.ATTACKER, "send_user_id", e, T_BARE_NO,
                  defence="id-token-verification" if e.code.startswith("id_token") else None)

    r.advance(30)
    try:
        req = core.external_id.begin()   # the attacker's copy of the wallet app starts a sign-in
        substituted = core.external_id.sign_in_with_external_id(state=req.state, id_token=stolen,
                                                                device="attacker-phone", source=ATTACKER_SOURCE)
        session, forged = session or substituted, True
        r.step(Actor.ATTACKER, "token_substitution", T_SUB_OK, attacker_gain=True)
    except QrpayError as e:
        r.refused(Actor.ATTACKER, "token_substitution", e, T_SUB_NO,
                  defence="id-token-verification" if e.code.startswith("id_token") else None)
    r.alert_step(AuditEvent.EXTERNAL_ID_REFUSED, T_ALERT, defence="id-token-verification")

    if session is None:
        # Defence in depth: suppose the victim reused a leaked password at the SNS too.
        r.advance(60)
        try:
            req, grant = _sns_sign_in(core, email=victim.email, password=sns_password)
            session = core.external_id.sign_in_with_external_id(state=req.state, code=grant.code,
                                                                device="attacker-phone", source=ATTACKER_SOURCE)
            r.step(Actor.ATTACKER, "sns_password", T_LEAKED)
        except QrpayError as e:
            r.refused(Actor.ATTACKER, "sns_password", e)

    lost = 0
    if session is not None:
        r.advance(60)
        lost = spend_as_victim(r, shop, session.token, victim.customer_id, terminal=shop.terminals[0],
                               issue_refused=T_CODE_NO)
    if lost or forged:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost, takeovers=1 if forged else 0)
    if session is not None:
        r.note(N_HOME)
    return r.finish(outcome=Outcome.BLOCKED, blocked_by=BY, yen_lost=0, takeovers=0)


SPEC = ScenarioSpec(NAME, "External-ID takeover",
                    "The attacker signs in with the victim's SNS user id, or with an ID token issued to another app.",
                    SIZES, attack,
                    title_ja="外部 ID による乗っ取り",
                    summary_ja="被害者の SNS ユーザー ID、または別のアプリ向けに発行された ID トークンでサインインする。",
                    stopping=("id-token-verification",))
