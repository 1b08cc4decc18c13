"""Expired and skewed codes.

1. An old code: a screenshot of a code from ten minutes ago is shown at the till.
2. A wallet whose clock runs ahead: an attacker with the owner's phone for a moment sets its clock
   hours forward, makes a code and keeps a screenshot: a code "issued" in the future that would
   stay valid long after the phone was handed back ("pre-play").
3. A wallet whose clock runs behind (an honest customer): the code looks old to the till.

The wallet's clock is modelled the way the apps run: the wallet process has its own core on the
same database with its own (wrong) clock; the till reads the real time.

- 2019: day-long codes and a day of clock tolerance: the old and the pre-played code pay.
- hardened: 60-second lifetime (`expired`) and 30 seconds of tolerance (`not_yet_valid`).
"""
from __future__ import annotations

from shared.attacks.base import Actor, ScenarioResult, filled
from shared.attacks.run import T_REFUSED, T_REFUSED_WHAT, Run
from shared.attacks.spec import ScenarioSpec, SizeOption
from shared.attacks.world import (T_OWNER_PAID, Haul, attacker_presents, cart_of_value, owner_issues_code,
                                  shop_and_victim, try_pay, watched_customer)
from shared.attacks.world import own_basket_lines as own_basket
from shared.clock import FixedClock, to_iso
from shared.texts import Text

NAME = "expired-and-skewed"

SIZES = (
    SizeOption("age", 600, "age of the old code in seconds", 61, 86_000),
    SizeOption("skew", 6 * 3600, "how far the tampered phone's clock runs ahead, in seconds", 31, 86_000),
    SizeOption("basket", 9_000, "value of the attacker's basket each time, in yen", 100, 50_000),
)


T_SCREENSHOT = Text("keeps a screenshot of the owner's code", "本人のコードのスクリーンショットを保存")
T_ISSUED = Text("issued {at}", "発行 {at}")
W_OLD = Text("a {age}-second-old code", "{age} 秒前のコード")
T_PREPLAY = Text("sets the owner's phone clock {minutes} minutes ahead, makes a code and keeps a screenshot",
                 "本人のスマートフォンの時計を {minutes} 分進めてコードを作り、スクリーンショットを保存")
T_PREPLAY_DETAIL = Text("code says issued {issued}; the till's time is {now}", "コード上の発行時刻 {issued}／レジの時刻 {now}")
W_PREPLAYED = Text("the pre-played code", "先取りしたコード")
T_SLOW = Text("a customer whose phone clock is 5 minutes slow shows a code",
              "スマートフォンの時計が5分遅れている客がコードを提示")
T_SLOW_DETAIL = Text("code says issued {issued}", "コード上の発行時刻 {issued}")
T_SLOW_OK = Text("accepted (¥{total:,}): the till tolerated the slow clock", "受け付けられた（{total:,} 円）：レジは遅れた時計を許容した")
T_SLOW_NO_DETAIL = Text("the customer sets the phone's time automatically and refreshes the code",
                        "客はスマートフォンの時刻を自動設定にしてコードを更新する")
BY = Text("60-second code lifetime and 30 seconds of clock tolerance", "コードの有効期間60秒と時刻のずれの許容30秒")


def _phone_core(r: Run, offset: float):
    """The wallet's own core: same database, a clock `offset` seconds off the till's."""
    from shared.core import Core

    return Core(r.core.db, FixedClock(r.now() + offset))


def _sign_in_on(r: Run, phone, person) -> str:
    from shared import totp

    # The authenticator app sits on the same phone, so its codes follow the phone's clock.
    code = totp.totp_code(person.totp_secret, phone.now())
    return phone.identity.sign_in(person.email, person.password, totp=code, device="own-phone",
                                  source=f"home-{person.customer_id}").token


def attack(r: Run, *, age: int, skew: int, basket: int, seed: int) -> ScenarioResult:
    core = r.core
    rng, shop, victim = shop_and_victim(r, seed, first="kenji", name="佐々木 健二 (victim)", balance=100_000)
    till = shop.terminals[0]
    honest = watched_customer(r, rng, first="mei", name="小林 芽衣 (clock behind)", balance=10_000)
    attacker_cart = cart_of_value(core, basket)
    haul = Haul()
    r.advance(60)

    # 1. An old code.
    token = _sign_in_on(r, core, victim)
    r.mark_totp_used(victim.customer_id, r.now())
    old = owner_issues_code(r, victim, token)
    r.step(Actor.ATTACKER, "screenshot", T_SCREENSHOT, detail=T_ISSUED, at=to_iso(old.issued_at))
    r.advance(age)
    haul.add(attacker_presents(r, shop, old.text, attacker_cart, terminal=till, accepted=T_OWNER_PAID,
                               refused=T_REFUSED_WHAT, what=filled(W_OLD, age=age)))

    # 2. Pre-play: the phone's clock set hours ahead.
    r.advance(120)
    phone = _phone_core(r, skew)
    phone_token = _sign_in_on(r, phone, victim)
    preplayed = phone.codes.issue(phone_token)
    r.step(Actor.ATTACKER, "pre-play", T_PREPLAY, detail=T_PREPLAY_DETAIL, minutes=skew // 60,
           issued=to_iso(preplayed.issued_at), now=to_iso(r.now()))
    r.advance(300)
    haul.add(attacker_presents(r, shop, preplayed.text, attacker_cart, terminal=till, accepted=T_OWNER_PAID,
                               refused=T_REFUSED_WHAT, what=W_PREPLAYED))

    # 3. An honest customer whose phone's clock is behind.
    behind = _phone_core(r, -300)
    honest_token = _sign_in_on(r, behind, honest)
    code = behind.codes.issue(honest_token)
    r.step(Actor.VICTIM, "issue_code", T_SLOW, detail=T_SLOW_DETAIL, issued=to_iso(code.issued_at))
    sale, refused = try_pay(r, shop, code.text, own_basket(core), terminal=till, who="honest")
    if sale is not None:
        r.step(Actor.TILL, "pay", T_SLOW_OK, total=sale.total)
    else:
        r.step(Actor.TILL, "pay", T_REFUSED, detail=T_SLOW_NO_DETAIL, code=refused.code, message=refused.message)

    return r.finish(outcome=haul.outcome, blocked_by=BY, yen_lost=haul.lost, takeovers=0)


SPEC = ScenarioSpec(NAME, "Expired and clock-skewed codes",
                    "An old code, and a code made on a phone whose clock was set ahead (pre-play).", SIZES, attack,
                    title_ja="期限切れ・時刻ずれのコード",
                    summary_ja="古いコードと、時計を進めた端末で作ったコード（先取り）を使う。",
                    stopping=("code-lifetime",))
