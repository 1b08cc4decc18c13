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

import random

from shared.attacks.base import Actor, Outcome, Run, ScenarioResult, ScenarioSpec, SizeOption
from shared.audit_events import AuditEvent
from shared.attacks.world import cart_of_value, ensure_shop, new_customer, owner_issues_code, passphrase, \
    sign_in_with_phone, try_pay
from shared.errors import QrpayError
from shared.money import format_yen

NAME = "resale-velocity"

SIZES = (
    SizeOption("purchases", 10, "purchases the attacker tries", 1, 200),
    SizeOption("basket", 12_000, "value of each basket, in yen", 500, 300_000),
    SizeOption("interval", 40, "seconds between purchases", 1, 3600),
    SizeOption("give_up", 3, "refusals in a row after which the attacker leaves", 1, 50),
    SizeOption("balance", 200_000, "the victim's balance", 1_000, 5_000_000),
    SizeOption("seed", 7, "seed of the simulated passwords", 0, 2**31 - 1),
)


def run(core, *, policy: str, on_step=None, purchases: int = 10, basket: int = 12_000, interval: int = 40,
        give_up: int = 3, balance: int = 200_000, seed: int = 7, real_argon2: bool = False) -> ScenarioResult:
    sizes = dict(purchases=purchases, basket=basket, interval=interval, give_up=give_up, balance=balance, seed=seed,
                 real_argon2=real_argon2)
    with Run(core, SPEC, policy=policy, on_step=on_step, sizes=sizes,
             defences=("limits_velocity", "audit", "ledger")) as r:
        return _attack(r, purchases, basket, interval, give_up, balance, random.Random(seed))


def _attack(r: Run, purchases: int, basket: int, interval: int, give_up: int, balance: int,
            rng: random.Random) -> ScenarioResult:
    core = r.core
    shop = ensure_shop(core)
    victim = new_customer(r, email=f"haruto.{r.tag}@example.jp", name="高田 陽翔 (victim)",
                         password=passphrase(rng), balance=balance)
    r.watch(victim.customer_id, victim.email)
    r.advance(60)
    token = sign_in_with_phone(r, victim)
    r.step(Actor.ATTACKER, "phone", "has the victim's phone: unlocked, signed in, authenticator app on it")
    lines = cart_of_value(core, basket)
    lost, paid, refused_in_row, velocity_refusals = 0, 0, 0, 0
    for i in range(purchases):
        r.advance(interval if i else 30)
        till = shop.terminals[i % len(shop.terminals)]
        try:
            code = owner_issues_code(r, victim, token)
        except QrpayError as e:
            r.step(Actor.ATTACKER, "issue_code", f"refused ({e.code}): {e.message}", attacker_gain=False,
                   progress=(i + 1) / purchases)
            refused_in_row += 1
        else:
            sale, refused = try_pay(r, shop, code.text, lines, terminal=till, who="attacker")
            if sale is not None:
                lost += sale.total
                paid += 1
                refused_in_row = 0
                r.step(Actor.TILL, "pay", f"purchase {i + 1}: {format_yen(sale.total)} of resale goods accepted",
                       detail=f"{till}, receipt {sale.receipt_no}; total so far {format_yen(lost)}", attacker_gain=True,
                       progress=(i + 1) / purchases)
            else:
                refused_in_row += 1
                if refused.details.get("reason") == "velocity":
                    velocity_refusals += 1
                r.step(Actor.TILL, "pay", f"purchase {i + 1}: refused ({refused.code}): {refused.message}",
                       detail=till, attacker_gain=False, progress=(i + 1) / purchases)
        if refused_in_row >= give_up:
            r.step(Actor.ATTACKER, "leave", f"gives up after {refused_in_row} refusals in a row")
            break
    alerted = r.alerted(AuditEvent.PAYMENT_VELOCITY_ALERT)
    if alerted:
        r.step(Actor.SYSTEM, "alert", "payment velocity alert: many payments from one wallet in minutes",
               attacker_gain=False)
    r.note(f"{paid} purchases went through for {format_yen(lost)}; {velocity_refusals} were refused by the velocity rule.")
    if alerted and velocity_refusals:
        r.note("Hardened bounds the loss to what the velocity rule allows in its window "
               f"({format_yen(core.policy.payment_velocity_amount)} or {core.policy.payment_velocity_count} payments in "
               f"{core.policy.payment_velocity_seconds // 60} minutes); it does not prevent the first purchases.")
        return r.finish(outcome=Outcome.BLOCKED,
                        blocked_by="payment velocity rule (amount/count per 10 minutes) + alert",
                        yen_lost=lost, takeovers=0)
    return r.finish(outcome=Outcome.SUCCEEDED if lost else Outcome.BLOCKED,
                    blocked_by=None if lost else "payment limits", yen_lost=lost, takeovers=0)


SPEC = ScenarioSpec(NAME, "Resale spree (velocity)",
                    "Many high-value purchases of resale goods within minutes from one wallet.", SIZES, run)
