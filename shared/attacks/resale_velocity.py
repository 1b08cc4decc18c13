"""Resale velocity: many high-value purchases of resale-friendly goods (cigarettes, prepaid cards)
within minutes, the pattern of the 2019 fraud.

The attacker holds the victim's phone, unlocked and signed in, with the authenticator app on it
(stolen from a table, or a phished live code): sign-in and second-factor defences are behind
them, so what is left is transaction monitoring. They buy a basket every `interval` seconds,
alternating tills, until refused `give_up` times.

- 2019: no velocity rule: every purchase goes through until the money or the list runs out.
- hardened: more than ¥30,000 or 5 payments from one wallet within 10 minutes is refused with a
  `payment_velocity_alert`. The purchases before the threshold do go through: the rule bounds the
  loss rather than preventing it (the owner is told of every payment, and support can freeze the
  wallet on the alert).
"""
from __future__ import annotations

from shared.attacks.base import Actor, Outcome, ScenarioResult, filled
from shared.attacks.run import T_DATA, T_REFUSED_WHAT, Run
from shared.attacks.spec import ScenarioSpec, SizeOption
from shared.audit_events import AuditEvent
from shared.attacks.world import (cart_of_value, owner_issues_code, shop_and_victim, sign_in_with_phone, till_answered,
                                  try_pay)
from shared.errors import QrpayError
from shared.texts import Text

NAME = "resale-velocity"

SIZES = (
    SizeOption("purchases", 10, "purchases the attacker tries", 1, 200),
    SizeOption("basket", 12_000, "value of each basket, in yen", 500, 300_000),
    SizeOption("interval", 40, "seconds between purchases", 1, 3600),
    SizeOption("give_up", 3, "refusals in a row after which the attacker leaves", 1, 50),
    SizeOption("balance", 200_000, "the victim's balance", 1_000, 5_000_000),
)


T_PHONE = Text("has the victim's phone: unlocked, signed in, authenticator app on it",
               "被害者のスマートフォンを入手：ロック解除済み、サインイン済み、認証アプリ入り")
T_OK = Text("purchase {n}: ¥{total:,} of resale goods accepted", "{n} 回目の購入：転売用の商品 {total:,} 円が受け付けられた")
T_OK_DETAIL = Text("{terminal}, receipt {receipt}; total so far ¥{lost:,}",
                   "{terminal}、レシート {receipt}／累計 {lost:,} 円")
W_PURCHASE = Text("purchase {n}", "{n} 回目の購入")
T_LEAVE = Text("gives up after {n} refusals in a row", "{n} 回続けて拒否されて諦める")
T_ALERT = Text("payment velocity alert: many payments from one wallet in minutes",
               "支払い頻度の警報：一つのウォレットから数分間に多数の支払い")
N_PAID = Text("{paid} purchases went through for ¥{lost:,}; {refusals} were refused by the velocity rule.",
              "{paid} 件の購入が通り {lost:,} 円。頻度の規則で拒否されたのは {refusals} 件。")
N_BOUND = Text("Hardened bounds the loss to what the velocity rule allows in its window (¥{amount:,} or {count} payments "
               "in {minutes} minutes); it does not prevent the first purchases.",
               "hardened は被害を頻度の規則が許す範囲（{minutes} 分間に {amount:,} 円または {count} 回）に抑える。"
               "最初の数回の購入は防げない。")
BY = Text("payment velocity rule (amount/count per 10 minutes) + alert", "支払い頻度の規則（10分あたりの金額・回数）と警報")
BY_LIMITS = Text("payment limits", "支払い上限")


def attack(r: Run, *, purchases: int, basket: int, interval: int, give_up: int, balance: int,
           seed: int) -> ScenarioResult:
    core = r.core
    _, shop, victim = shop_and_victim(r, seed, first="haruto", name="高田 陽翔 (victim)", balance=balance)
    r.advance(60)
    token = sign_in_with_phone(r, victim)
    r.step(Actor.ATTACKER, "phone", T_PHONE)
    lines = cart_of_value(core, basket)
    lost, paid, refused_in_row, velocity_refusals = 0, 0, 0, 0
    for i in range(purchases):
        r.advance(interval if i else 30)
        till = shop.terminals[i % len(shop.terminals)]
        try:
            code = owner_issues_code(r, victim, token)
        except QrpayError as e:
            r.refused(Actor.ATTACKER, "issue_code", e, progress=(i + 1) / purchases)
            refused_in_row += 1
        else:
            sale, refused = try_pay(r, shop, code.text, lines, terminal=till, who="attacker")
            if sale is not None:
                lost += sale.total
                paid += 1
                refused_in_row = 0
            else:
                refused_in_row += 1
                if refused.details.get("reason") == "velocity":
                    velocity_refusals += 1
            till_answered(r, sale or refused, terminal=till, accepted=T_OK, accepted_detail=T_OK_DETAIL,
                          refused=T_REFUSED_WHAT, refused_detail=T_DATA, what=filled(W_PURCHASE, n=i + 1), n=i + 1,
                          lost=lost, data=till, progress=(i + 1) / purchases)
        if refused_in_row >= give_up:
            r.step(Actor.ATTACKER, "leave", T_LEAVE, n=refused_in_row)
            break
    alerted = r.alert_step(AuditEvent.PAYMENT_VELOCITY_ALERT, T_ALERT, defence="payment-velocity")
    r.note(N_PAID, paid=paid, lost=lost, refusals=velocity_refusals)
    if alerted and velocity_refusals:
        r.note(N_BOUND, amount=core.policy.payment_velocity_amount, count=core.policy.payment_velocity_count,
               minutes=core.policy.payment_velocity_seconds // 60)
        return r.finish(outcome=Outcome.BLOCKED, blocked_by=BY, yen_lost=lost, takeovers=0)
    return r.finish(outcome=Outcome.SUCCEEDED if lost else Outcome.BLOCKED,
                    blocked_by=None if lost else BY_LIMITS, yen_lost=lost, takeovers=0)


SPEC = ScenarioSpec(NAME, "Resale spree (velocity)",
                    "Many high-value purchases of resale goods within minutes from one wallet.", SIZES, attack,
                    title_ja="転売目的の連続購入（頻度）",
                    summary_ja="一つのウォレットから数分間に転売用の高額商品を何度も購入する。",
                    stopping=("payment-velocity", "payment-limits"))
