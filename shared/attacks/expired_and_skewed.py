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

import random

from shared.attacks.base import Actor, Outcome, Run, ScenarioResult, ScenarioSpec, SizeOption
from shared.attacks.world import cart_of_value, ensure_shop, new_customer, owner_issues_code, passphrase, try_pay
from shared.attacks.world import own_basket_lines as own_basket
from shared.clock import FixedClock, to_iso
from shared.money import format_yen

NAME = "expired-and-skewed"

SIZES = (
    SizeOption("age", 600, "age of the old code in seconds", 61, 86_000),
    SizeOption("skew", 6 * 3600, "how far the tampered phone's clock runs ahead, in seconds", 31, 86_000),
    SizeOption("basket", 9_000, "value of the attacker's basket each time, in yen", 100, 50_000),
    SizeOption("seed", 7, "seed of the simulated passwords", 0, 2**31 - 1),
)


def run(core, *, policy: str, on_step=None, age: int = 600, skew: int = 6 * 3600, basket: int = 9_000,
        seed: int = 7, real_argon2: bool = False) -> ScenarioResult:
    sizes = dict(age=age, skew=skew, basket=basket, seed=seed, real_argon2=real_argon2)
    with Run(core, SPEC, policy=policy, on_step=on_step, sizes=sizes, defences=("payment_code", "audit")) as r:
        return _attack(r, age, skew, basket, random.Random(seed))


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


def _attack(r: Run, age: int, skew: int, basket: int, rng: random.Random) -> ScenarioResult:
    core = r.core
    shop = ensure_shop(core)
    till = shop.terminals[0]
    victim = new_customer(r, email=f"kenji.{r.tag}@example.jp", name="佐々木 健二 (victim)",
                         password=passphrase(rng), balance=100_000)
    honest = new_customer(r, email=f"mei.{r.tag}@example.jp", name="小林 芽衣 (clock behind)",
                         password=passphrase(rng), balance=10_000)
    r.watch(victim.customer_id, victim.email)
    r.watch(honest.customer_id, honest.email)
    attacker_cart = cart_of_value(core, basket)
    lost, accepted = 0, 0
    r.advance(60)

    # 1. An old code.
    token = _sign_in_on(r, core, victim)
    r.mark_totp_used(victim.customer_id, r.now())
    old = owner_issues_code(r, victim, token)
    r.step(Actor.ATTACKER, "screenshot", "keeps a screenshot of the owner's code", detail=f"issued {to_iso(old.issued_at)}")
    r.advance(age)
    sale, refused = try_pay(r, shop, old.text, attacker_cart, terminal=till, who="attacker")
    if sale is not None:
        lost += sale.total
        accepted += 1
        r.step(Actor.TILL, "pay", f"a {age}-second-old code was accepted: {format_yen(sale.total)} from the owner's wallet",
               detail=f"receipt {sale.receipt_no}", attacker_gain=True)
    else:
        r.step(Actor.TILL, "pay", f"a {age}-second-old code: refused ({refused.code}): {refused.message}",
               attacker_gain=False)

    # 2. Pre-play: the phone's clock set hours ahead.
    r.advance(120)
    phone = _phone_core(r, skew)
    phone_token = _sign_in_on(r, phone, victim)
    preplayed = phone.codes.issue(phone_token)
    r.step(Actor.ATTACKER, "pre-play", f"sets the owner's phone clock {skew // 60} minutes ahead, makes a code and "
           "keeps a screenshot", detail=f"code says issued {to_iso(preplayed.issued_at)}; the till's time is "
           f"{to_iso(r.now())}")
    r.advance(300)
    sale, refused = try_pay(r, shop, preplayed.text, attacker_cart, terminal=till, who="attacker")
    if sale is not None:
        lost += sale.total
        accepted += 1
        r.step(Actor.TILL, "pay", f"the pre-played code was accepted: {format_yen(sale.total)}",
               detail=f"receipt {sale.receipt_no}", attacker_gain=True)
    else:
        r.step(Actor.TILL, "pay", f"the pre-played code: refused ({refused.code}): {refused.message}",
               attacker_gain=False)

    # 3. An honest customer whose phone's clock is behind.
    behind = _phone_core(r, -300)
    honest_token = _sign_in_on(r, behind, honest)
    code = behind.codes.issue(honest_token)
    r.step(Actor.VICTIM, "issue_code", "a customer whose phone clock is 5 minutes slow shows a code",
           detail=f"code says issued {to_iso(code.issued_at)}")
    sale, refused = try_pay(r, shop, code.text, own_basket(core), terminal=till, who="honest")
    if sale is not None:
        r.step(Actor.TILL, "pay", f"accepted ({format_yen(sale.total)}): the till tolerated the slow clock")
    else:
        r.step(Actor.TILL, "pay", f"refused ({refused.code}): {refused.message}",
               detail="the customer sets the phone's time automatically and refreshes the code")

    if accepted:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost, takeovers=0)
    return r.finish(outcome=Outcome.BLOCKED,
                    blocked_by="60-second code lifetime and 30 seconds of clock tolerance",
                    yen_lost=0, takeovers=0)


SPEC = ScenarioSpec(NAME, "Expired and clock-skewed codes",
                    "An old code, and a code made on a phone whose clock was set ahead (pre-play).", SIZES, run)
