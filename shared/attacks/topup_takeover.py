"""Top-up takeover: 7pay's separate top-up "authentication password" could be changed from inside
the app by whoever was signed in. The attacker signs in with the victim's leaked password, sets a
new top-up password, charges the victim's registered card three times within a minute and spends
it all at a till. One victim saw exactly that, and no alert fired.

- 2019: password-only sign-in, top-up password changeable without a second factor, ¥300,000 a
  day, no velocity rule: every top-up goes through.
- hardened: sign-in needs the authenticator; and even on the victim's phone left signed in, the
  top-up credential cannot be changed and no top-up made without a fresh second-factor check.
"""
from __future__ import annotations

from shared.attacks.base import Actor, Outcome, ScenarioResult, filled
from shared.attacks.run import T_REFUSED_WHAT, T_TAKEN, Run, refusal_defence
from shared.attacks.spec import ScenarioSpec, SizeOption
from shared.attacks.world import passphrase, shop_and_victim, sign_in_with_phone, spend_as_victim
from shared.audit_events import AuditEvent
from shared.errors import InvalidCredentials, QrpayError, SessionInvalid, StepUpRequired, TotpRequired
from shared.texts import Text

NAME = "topup-takeover"
VICTIM_CARD = "4242 4242 4242 4242"   # the card registered in the victim's wallet app

SIZES = (
    SizeOption("amount", 50_000, "yen per top-up", 1_000, 300_000),
    SizeOption("topups", 3, "top-ups within one minute", 1, 20),
    SizeOption("balance", 5_000, "the victim's balance before", 0, 300_000),
)


T_VICTIM = Text("the victim signed in on their phone; their card is registered in the app",
                "被害者はスマートフォンでサインイン済み。カードはアプリに登録されている")
T_CARD = Text("card •••• {last4}", "カード •••• {last4}")
T_PHONE = Text("picks up the victim's phone, still signed in (no authenticator code)",
               "サインインしたままの被害者のスマートフォンを手に取る（認証アプリのコードはない）")
T_SET_PW = Text("changed the top-up password without a second factor", "二要素認証なしでチャージ用パスワードを変更")
W_TOPUP = Text("top-up {n} of ¥{want:,}", "{n} 回目のチャージ {want:,} 円")
T_TOPUP = Text("top-up {n}: ¥{amount:,} charged to the victim's card", "{n} 回目のチャージ：被害者のカードに {amount:,} 円を請求")
T_TOPUP_DETAIL = Text("{brand} •••• {last4}; balance ¥{balance:,}", "{brand} •••• {last4}／残高 {balance:,} 円")
T_ALERT = Text("top-up velocity alert", "チャージ頻度の警報")
N_CHARGED = Text("Charged to the victim's card by the attacker: ¥{charged:,}.",
                 "攻撃者が被害者のカードに請求した額：{charged:,} 円。")
BY = Text("TOTP second factor for sign-in, top-ups and top-up credential changes",
          "サインイン・チャージ・チャージ用パスワードの変更に TOTP による二要素認証")


def attack(r: Run, *, amount: int, topups: int, balance: int, seed: int) -> ScenarioResult:
    core = r.core
    rng, shop, victim = shop_and_victim(r, seed, first="taro", name="田中 太郎 (victim)", balance=balance)
    r.advance(60)
    victim_token = sign_in_with_phone(r, victim)
    r.step(Actor.VICTIM, "sign_in", T_VICTIM, detail=T_CARD, last4=VICTIM_CARD[-4:])
    r.advance(20 * 60)  # the victim's last second-factor check is now old

    try:
        token = core.identity.sign_in(victim.email, victim.password, device="attacker-phone",
                                      source="198.51.100.77").token
        r.step(Actor.ATTACKER, "sign_in", T_TAKEN, attacker_gain=True)
    except QrpayError as e:
        r.refused(Actor.ATTACKER, "sign_in", e,
                  defence="second-factor-sign-in" if isinstance(e, (TotpRequired, InvalidCredentials)) else None)
        # Defence in depth: the victim's phone, still signed in, picked up by someone else.
        r.step(Actor.ATTACKER, "phone", T_PHONE)
        token = victim_token
    takeover = token != victim_token
    topup_password = passphrase(rng)
    try:
        core.topups.set_topup_password(token, topup_password)
        r.step(Actor.ATTACKER, "set_topup_password", T_SET_PW, attacker_gain=True)
    except QrpayError as e:
        r.refused(Actor.ATTACKER, "set_topup_password", e,
                  defence="topup-credential-second-factor" if isinstance(e, StepUpRequired) else
                  "session-timeouts" if isinstance(e, SessionInvalid) else None)

    charged = 0
    for i in range(topups):
        r.advance(15 if i else 5)
        want = amount
        try:  # an attacker reads the limits screen and stays under it
            room = core.topups.limits(token).max_now
            want = min(amount, room) if room > 0 else amount
        except QrpayError:
            pass
        try:
            t = core.topups.top_up(token, want, VICTIM_CARD, topup_password=topup_password,
                                   idempotency_key=f"atk-{r.tag}-{i}")
        except QrpayError as e:
            r.refused(Actor.ATTACKER, "top_up", e, T_REFUSED_WHAT, defence=_topup_defence(e),
                      what=filled(W_TOPUP, n=i + 1, want=want))
            continue
        charged += t.amount
        r.step(Actor.ATTACKER, "top_up", T_TOPUP, detail=T_TOPUP_DETAIL, attacker_gain=True, n=i + 1, amount=t.amount,
               brand=t.card_brand, last4=t.card_last4, balance=t.balance)
    r.alert_step(AuditEvent.TOPUP_VELOCITY_ALERT, T_ALERT, defence="topup-velocity")

    r.advance(120)
    lost = spend_as_victim(r, shop, token, victim.customer_id, terminal=shop.terminals[1])
    r.note(N_CHARGED, charged=charged)
    if lost or charged:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost,
                        takeovers=1 if takeover else 0)
    return r.finish(outcome=Outcome.BLOCKED, blocked_by=BY, yen_lost=0, takeovers=1 if takeover else 0)


def _topup_defence(e: QrpayError) -> str | None:
    if isinstance(e, TotpRequired):
        return "topup-second-factor"
    if e.code == "topup_password_required":  # the attacker could not set one: the change needed the factor
        return "topup-credential-second-factor"
    return refusal_defence(e)


SPEC = ScenarioSpec(NAME, "Top-up takeover",
                    "With the victim's password, the attacker changes the top-up password and charges the victim's "
                    "card three times in a minute.", SIZES, attack,
                    title_ja="チャージの乗っ取り",
                    summary_ja="被害者のパスワードでチャージ用パスワードを変更し、被害者のカードで1分間に3回チャージする。",
                    stopping=("topup-second-factor", "topup-credential-second-factor"))
