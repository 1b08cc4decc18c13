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

from shared.attacks.base import Actor, Outcome, Run, ScenarioResult, ScenarioSpec, SizeOption
from shared.attacks.world import (cart_of_value, ensure_shop, new_customer, owner_issues_code, passphrase,
                                  sign_in_with_phone, try_pay)
from shared.attacks.world import own_basket_lines as own_basket
from shared.money import format_yen

NAME = "screenshot-replay"

SIZES = (
    SizeOption("basket", 9_000, "value of the attacker's basket each time, in yen", 100, 50_000),
    SizeOption("lift_delay", 180, "seconds between lifting a code at T1 and spending it at T2", 1, 86_000),
    SizeOption("seed", 7, "seed of the simulated passwords", 0, 2**31 - 1),
)


def run(core, *, policy: str, on_step=None, basket: int = 9_000, lift_delay: int = 180, seed: int = 7,
        real_argon2: bool = False) -> ScenarioResult:
    sizes = dict(basket=basket, lift_delay=lift_delay, seed=seed, real_argon2=real_argon2)
    with Run(core, SPEC, policy=policy, on_step=on_step, sizes=sizes,
             defences=("payment_code", "session", "audit")) as r:
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

    def replay(what: str, code_text: str, terminal: str) -> None:
        nonlocal lost, accepted
        sale, refused = try_pay(r, shop, code_text, attacker_cart, terminal=terminal, who="attacker")
        if sale is not None:
            lost += sale.total
            accepted += 1
            r.step(Actor.TILL, "pay", f"{what}: accepted, the owner paid {format_yen(sale.total)} for the attacker's goods",
                   detail=f"{terminal}, receipt {sale.receipt_no}", attacker_gain=True)
        else:
            r.step(Actor.TILL, "pay", f"{what}: refused ({refused.code}): {refused.message}",
                   detail=terminal, attacker_gain=False)

    # 1. Used, then shown again at the other till.
    code = owner_issues_code(r, victim, token)
    r.step(Actor.ATTACKER, "screenshot", "photographs the owner's code over their shoulder", detail=t1)
    r.advance(5)
    sale, refused = try_pay(r, shop, code.text, own_basket(core), terminal=t1, who="owner")
    r.step(Actor.VICTIM, "pay", f"the owner pays {format_yen(sale.total)} at {t1}" if sale else f"refused ({refused.code})",
           detail=t1)
    r.advance(20)
    replay("the used code shown again at the other till", code.text, t2)

    # 2. Refreshed: the screenshot is of the previous code.
    r.advance(40)
    old = owner_issues_code(r, victim, token)
    r.step(Actor.ATTACKER, "screenshot", "gets a screenshot of the owner's code (e.g. sent in a chat)")
    r.advance(10)
    owner_issues_code(r, victim, token)
    r.step(Actor.VICTIM, "refresh", "the owner taps refresh: a new code is shown")
    r.advance(5)
    replay("the code from before the refresh", old.text, t2)

    # 3. Lifted at T1 (the owner's purchase there was cancelled), spent at T2 later.
    r.advance(60)
    lifted = owner_issues_code(r, victim, token)
    r.step(Actor.ATTACKER, "lift", f"a relay phone captures the code shown at {t1}; the owner's purchase is "
           "cancelled before it was scanned", detail=t1)
    r.advance(lift_delay)
    replay(f"the code lifted at {t1}, {lift_delay} s later at {t2}", lifted.text, t2)

    r.note("A copy used before the owner does, within the code's lifetime, still works once: single use and a "
           "short lifetime shrink that window, and the owner is told of every payment at once.")
    if accepted:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost, takeovers=0)
    return r.finish(outcome=Outcome.BLOCKED,
                    blocked_by="single-use codes that a refresh supersedes and that expire in 60 s",
                    yen_lost=0, takeovers=0)


SPEC = ScenarioSpec(NAME, "Screenshot / replayed code",
                    "A code is shown again after it was used or refreshed, or lifted at one till and spent at another.",
                    SIZES, run)
