"""Screenshot replay: a payment code is a bearer credential while it lives. Three ways a copy of
one (a screenshot, a photo over the shoulder, a relay; Bai et al., USENIX Security 2017) is
shown again by someone else:

1. after the owner paid with it (the same code at another till);
2. after the owner refreshed it (the old code on a screenshot);
3. lifted at till T1 while the owner's purchase there was cancelled, spent at till T2 minutes later.

- 2019: day-long reusable codes that a new code does not replace: all three are accepted and the
  owner pays for the attacker's goods.
- hardened: single use (`replayed`), a new code supersedes the old (`superseded`), 60-second
  lifetime (`expired`).
"""
from __future__ import annotations

import random

from shared.attacks.base import (T_DATA, Actor, Outcome, Run, ScenarioResult, ScenarioSpec, SizeOption,
                                 refusal_defence)
from shared.attacks.world import (cart_of_value, ensure_shop, new_customer, owner_issues_code, passphrase,
                                  sign_in_with_phone, try_pay)
from shared.attacks.world import own_basket_lines as own_basket
from shared.texts import Text

NAME = "screenshot-replay"

SIZES = (
    SizeOption("basket", 9_000, "value of the attacker's basket each time, in yen", 100, 50_000),
    SizeOption("lift_delay", 180, "seconds between lifting a code at T1 and spending it at T2", 1, 86_000),
    SizeOption("seed", 7, "seed of the simulated passwords", 0, 2**31 - 1),
)


T_ACCEPTED = Text("{what}: accepted, the owner paid ¥{total:,} for the attacker's goods",
                 "{what}：受け付けられ、本人が攻撃者の商品の代金 {total:,} 円を支払った")
T_REFUSED_WHAT = Text("{what}: refused ({code}): {message}", "{what}：拒否（{code}）")
T_AT = Text("{terminal}, receipt {receipt}", "{terminal}、レシート {receipt}")
T_PHOTO = Text("photographs the owner's code over their shoulder", "本人の肩越しにコードを撮影")
T_OWNER_PAYS = Text("the owner pays ¥{total:,} at {terminal}", "本人が {terminal} で {total:,} 円を支払う")
T_OWNER_REFUSED = Text("refused ({code})", "拒否（{code}）")
T_SCREENSHOT = Text("gets a screenshot of the owner's code (e.g. sent in a chat)",
                    "本人のコードのスクリーンショットを入手（チャットで送られたものなど）")
T_REFRESH = Text("the owner taps refresh: a new code is shown", "本人が更新をタップ：新しいコードが表示される")
T_LIFT = Text("a relay phone captures the code shown at {t1}; the owner's purchase is cancelled before it was scanned",
              "中継用の端末が {t1} で表示されたコードを読み取る。本人の購入は読み取り前に取り消される")
W_USED = Text("the used code shown again at the other till", "使用済みのコードを別のレジで再提示")
W_REFRESHED = Text("the code from before the refresh", "更新前のコード")
W_LIFTED = Text("the code lifted at {t1}, {delay} s later at {t2}", "{t1} で盗んだコードを {delay} 秒後に {t2} で")
N_WINDOW = Text("A copy used before the owner does, within the code's lifetime, still works once: single use and a short "
                "lifetime shrink that window, and the owner is told of every payment at once.",
                "コードの有効期間内に本人より先に使われた複製は一度だけ通ってしまう：1回限りの利用と短い有効期間がその"
                "隙を狭め、本人にはすべての支払いがすぐに通知される。")
BY = Text("single-use codes that a refresh supersedes and that expire in 60 s",
          "1回限り・更新で無効・60秒で失効するコード")


def run(core, *, policy, on_step=None, basket: int = 9_000, lift_delay: int = 180, seed: int = 7,
        real_argon2: bool = False) -> ScenarioResult:
    sizes = dict(basket=basket, lift_delay=lift_delay, seed=seed, real_argon2=real_argon2)
    with Run(core, SPEC, policy=policy, on_step=on_step, sizes=sizes) as r:
        return _attack(r, basket, lift_delay, random.Random(seed))


def _attack(r: Run, basket: int, lift_delay: int, rng: random.Random) -> ScenarioResult:
    core = r.core
    shop = ensure_shop(core)
    t1, t2 = shop.terminals[0], shop.terminals[1]
    victim = new_customer(r, email=f"yuki.{r.tag}@example.jp", name="伊藤 由紀 (victim)",
                         password=passphrase(rng), balance=100_000)
    r.watch(victim.customer_id, victim.email)
    r.advance(60)
    token = sign_in_with_phone(r, victim)
    attacker_cart = cart_of_value(core, basket)
    lost, accepted = 0, 0

    def replay(what: Text, code_text: str, terminal: str) -> None:
        nonlocal lost, accepted
        sale, refused = try_pay(r, shop, code_text, attacker_cart, terminal=terminal, who="attacker")
        if sale is not None:
            lost += sale.total
            accepted += 1
            r.step(Actor.TILL, "pay", T_ACCEPTED, detail=T_AT, attacker_gain=True, what=what, total=sale.total,
                   terminal=terminal, receipt=sale.receipt_no)
        else:
            r.step(Actor.TILL, "pay", T_REFUSED_WHAT, detail=T_DATA, attacker_gain=False, what=what, code=refused.code,
                   message=refused.message, data=terminal, defence=refusal_defence(refused))

    # 1. Used, then shown again at the other till.
    code = owner_issues_code(r, victim, token)
    r.step(Actor.ATTACKER, "screenshot", T_PHOTO, detail=T_DATA, data=t1)
    r.advance(5)
    sale, refused = try_pay(r, shop, code.text, own_basket(core), terminal=t1, who="owner")
    if sale:
        r.step(Actor.VICTIM, "pay", T_OWNER_PAYS, detail=T_DATA, total=sale.total, terminal=t1, data=t1)
    else:
        r.step(Actor.VICTIM, "pay", T_OWNER_REFUSED, detail=T_DATA, code=refused.code, data=t1)
    r.advance(20)
    replay(W_USED, code.text, t2)

    # 2. Refreshed: the screenshot is of the previous code.
    r.advance(40)
    old = owner_issues_code(r, victim, token)
    r.step(Actor.ATTACKER, "screenshot", T_SCREENSHOT)
    r.advance(10)
    owner_issues_code(r, victim, token)
    r.step(Actor.VICTIM, "refresh", T_REFRESH)
    r.advance(5)
    replay(W_REFRESHED, old.text, t2)

    # 3. Lifted at T1 (the owner's purchase there was cancelled), spent at T2 later.
    r.advance(60)
    lifted = owner_issues_code(r, victim, token)
    r.step(Actor.ATTACKER, "lift", T_LIFT, detail=T_DATA, t1=t1, data=t1)
    r.advance(lift_delay)
    replay(Text(W_LIFTED.en.format(t1=t1, t2=t2, delay=lift_delay), W_LIFTED.ja.format(t1=t1, t2=t2, delay=lift_delay)),
           lifted.text, t2)

    r.note(N_WINDOW)
    if accepted:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost, takeovers=0)
    return r.finish(outcome=Outcome.BLOCKED, blocked_by=BY, yen_lost=0, takeovers=0)


SPEC = ScenarioSpec(NAME, "Screenshot / replayed code",
                    "A code is shown again after it was used or refreshed, or lifted at one till and spent at another.",
                    SIZES, run, title_ja="スクリーンショットの再利用",
                    summary_ja="使用済み・更新済みのコードを再提示する。あるいはレジAで盗んだコードをレジBで使う。",
                    stopping=("single-use-code", "one-live-code", "code-lifetime"))
