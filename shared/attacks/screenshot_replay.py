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

from shared.attacks.base import Actor, ScenarioResult, filled
from shared.attacks.run import T_DATA, T_REFUSED_CODE, T_REFUSED_WHAT, Run
from shared.attacks.spec import ScenarioSpec, SizeOption
from shared.attacks.world import (T_OWNER_PAID, Haul, attacker_presents, cart_of_value, owner_issues_code,
                                  shop_and_victim, sign_in_with_phone, try_pay)
from shared.attacks.world import own_basket_lines as own_basket
from shared.texts import Text

NAME = "screenshot-replay"

SIZES = (
    SizeOption("basket", 9_000, "value of the attacker's basket each time, in yen", 100, 50_000),
    SizeOption("lift_delay", 180, "seconds between lifting a code at T1 and spending it at T2", 1, 86_000),
)


T_AT = Text("{terminal}, receipt {receipt}", "{terminal}、レシート {receipt}")
T_PHOTO = Text("photographs the owner's code over their shoulder", "本人の肩越しにコードを撮影")
T_OWNER_PAYS = Text("the owner pays ¥{total:,} at {terminal}", "本人が {terminal} で {total:,} 円を支払う")
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


def attack(r: Run, *, basket: int, lift_delay: int, seed: int) -> ScenarioResult:
    core = r.core
    _, shop, victim = shop_and_victim(r, seed, first="yuki", name="伊藤 由紀 (victim)", balance=100_000)
    t1, t2 = shop.terminals[0], shop.terminals[1]
    r.advance(60)
    token = sign_in_with_phone(r, victim)
    attacker_cart = cart_of_value(core, basket)
    haul = Haul()

    def replay(what: Text, code_text: str, terminal: str) -> None:
        haul.add(attacker_presents(r, shop, code_text, attacker_cart, terminal=terminal, accepted=T_OWNER_PAID,
                                   accepted_detail=T_AT, refused=T_REFUSED_WHAT, refused_detail=T_DATA, what=what,
                                   data=terminal))

    # 1. Used, then shown again at the other till.
    code = owner_issues_code(r, victim, token)
    r.step(Actor.ATTACKER, "screenshot", T_PHOTO, detail=T_DATA, data=t1)
    r.advance(5)
    sale, refused = try_pay(r, shop, code.text, own_basket(core), terminal=t1, who="owner")
    if sale:
        r.step(Actor.VICTIM, "pay", T_OWNER_PAYS, detail=T_DATA, total=sale.total, terminal=t1, data=t1)
    else:
        r.step(Actor.VICTIM, "pay", T_REFUSED_CODE, detail=T_DATA, code=refused.code, data=t1)
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
    replay(filled(W_LIFTED, t1=t1, t2=t2, delay=lift_delay), lifted.text, t2)

    r.note(N_WINDOW)
    return r.finish(outcome=haul.outcome, blocked_by=BY, yen_lost=haul.lost, takeovers=0)


SPEC = ScenarioSpec(NAME, "Screenshot / replayed code",
                    "A code is shown again after it was used or refreshed, or lifted at one till and spent at another.",
                    SIZES, attack, title_ja="スクリーンショットの再利用",
                    summary_ja="使用済み・更新済みのコードを再提示する。あるいはレジAで盗んだコードをレジBで使う。",
                    stopping=("single-use-code", "one-live-code", "code-lifetime"))
