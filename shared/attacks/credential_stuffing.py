"""Credential stuffing ("list-type account hacking"): the attack that broke 7pay.

A list of e-mail/password pairs leaked from another service is replayed against the sign-in:
some of our customers reused their password there. A bot works through the list from a handful
of addresses, a few attempts a second, and sends a guessed authenticator code along (it knows
the site may ask for one). Every account it gets into is drained at a till by a "mule" buying
resale goods.

- 2019: password only, no throttling: every reused password is a takeover and money is lost.
- hardened: the right password is not enough (TOTP), and the reply does not confirm it either: a
  right password with a wrong code gets the same reply as a wrong password, so the list is not
  "cleaned" for later use. The wave of failures across many accounts raises a `stuffing_alert`
  and slows every sign-in down, whatever source the bot claims; owners whose password was right
  are told (inside, the core knows).
"""
from __future__ import annotations

import random

from shared.attacks.base import Actor, Outcome, Run, ScenarioResult, ScenarioSpec, SizeOption
from shared.attacks.world import ensure_shop, new_customer, passphrase, resale_cart, stood_in, try_pay
from shared.audit_events import AuditEvent
from shared.errors import (InvalidCredentials, Locked, QrpayError, StepUpRequired, Throttled, TotpInvalid,
                           TotpRequired, TotpReused)

NAME = "credential-stuffing"
BOT_TOTP_GUESS = "123456"   # the commonest six digits; right one time in a million per step
CHART_BUCKET_SECONDS = 10.0

SIZES = (
    SizeOption("customers", 200, "customers of the wallet", 5, 5000),
    SizeOption("reuse", 0.3, "fraction of them reusing a leaked password", 0.0, 1.0),
    SizeOption("leaked", 2000, "e-mail/password pairs in the leaked list", 10, 50_000),
    SizeOption("attempts", 0, "attempts the bot makes (0: the whole list)", 0, 50_000),
    SizeOption("rate", 5.0, "attempts per simulated second", 0.1, 100.0),
    SizeOption("sources", 8, "addresses the bot sends from", 1, 256),
    SizeOption("seed", 7, "seed of the simulated population (same seed, same run)", 0, 2**31 - 1),
)


def run(core, *, policy: str, on_step=None, customers: int = 200, reuse: float = 0.3, leaked: int = 2000,
        attempts: int = 0, rate: float = 5.0, sources: int = 8, seed: int = 7,
        real_argon2: bool = False) -> ScenarioResult:
    sizes = dict(customers=customers, reuse=reuse, leaked=leaked, attempts=attempts, rate=rate, sources=sources,
                 seed=seed, real_argon2=real_argon2)
    with Run(core, SPEC, policy=policy, on_step=on_step, sizes=sizes,
             defences=("totp", "throttling", "passwords", "password_storage", "limits_velocity", "audit")) as r:
        return _attack(r, customers, reuse, leaked, attempts, rate, sources, random.Random(seed))


def _attack(r: Run, customers: int, reuse: float, leaked: int, attempts: int, rate: float, sources: int,
            rng: random.Random) -> ScenarioResult:
    core = r.core
    shop = ensure_shop(core)
    reusers = min(round(customers * reuse), leaked)
    r.step(Actor.SYSTEM, "setup", f"registering {customers} customers; {reusers} of them reused a password "
           "that is in the leaked list", progress=0.0)
    people = []
    for i in range(customers):
        people.append(new_customer(r, email=f"member{i:04d}.{r.tag}@example.jp", name=f"Member {i:04d}",
                                   password=passphrase(rng), balance=rng.randrange(30, 301) * 100))
        if (i + 1) % 25 == 0:
            r.step(Actor.SYSTEM, "setup", f"{i + 1} of {customers} customers registered",
                   progress=0.2 * (i + 1) / customers)
    rng.shuffle(people)
    people.sort(key=lambda p: p is not stood_in(r))   # a tour's victim (world.stand_in) is among the reusers
    reusing = people[:reusers]
    for p in reusing:
        r.watch(p.customer_id, p.email)

    # The list: reused pairs, customers with the password they used elsewhere, strangers.
    pairs = [(p.email, p.password) for p in reusing]
    others = people[reusers:]
    for p in others[:max(0, min(len(others), (leaked - reusers) // 4))]:
        pairs.append((p.email, passphrase(rng)))
    while len(pairs) < leaked:
        pairs.append((f"user{len(pairs):05d}.{r.tag}@mail.example", passphrase(rng)))
    rng.shuffle(pairs)
    total = attempts or len(pairs)
    r.step(Actor.ATTACKER, "leak", f"leaked list of {len(pairs):,} e-mail/password pairs; the bot will try "
           f"{total:,} from {sources} addresses at {rate:g}/s", attacker_gain=None, progress=0.2)

    counts = {"attempts": 0, "blocked": 0, "taken_over": 0, "wrong": 0, "second_factor": 0, "throttled": 0,
              "hidden": 0}
    right = {(p.email, p.password) for p in reusing}  # pairs whose password is right
    yen_lost = 0
    alert_seen = False
    next_bucket = 0.0
    r.point(attempts=0, blocked=0, taken_over=0)
    for n in range(total):
        email, password = pairs[n % len(pairs)]
        r.advance(1.0 / rate)
        source = f"203.0.113.{10 + n % sources}"
        counts["attempts"] += 1
        try:
            session = core.identity.sign_in(email, password, totp=BOT_TOTP_GUESS, device="bot-phone", source=source)
        except (Throttled, Locked):
            counts["blocked"] += 1
            counts["throttled"] += 1
        except InvalidCredentials:
            counts["wrong"] += 1
            if (email, password) in right:  # right password, but the reply looked like a wrong one
                counts["hidden"] += 1
                counts["blocked"] += 1
        except (TotpRequired, TotpInvalid, TotpReused):
            counts["blocked"] += 1
            counts["second_factor"] += 1
            r.step(Actor.ATTACKER, "sign_in", "password confirmed (the reply says so), second factor refused",
                   detail=f"{email} from {source}", attacker_gain=True)
        else:
            counts["taken_over"] += 1
            r.step(Actor.ATTACKER, "sign_in", "account taken over with the leaked password",
                   detail=f"{email} from {source}", attacker_gain=True)
            yen_lost += _drain(r, shop, session.token, session.customer_id, email)
        if not alert_seen and r.alerted(AuditEvent.STUFFING_ALERT):
            alert_seen = True
            r.step(Actor.SYSTEM, "alert", "stuffing alert: failures across many accounts; sign-ins slowed down",
                   attacker_gain=False)
        if r.elapsed >= next_bucket or n == total - 1:
            r.point(attempts=counts["attempts"], blocked=counts["blocked"], taken_over=counts["taken_over"])
            next_bucket = r.elapsed + CHART_BUCKET_SECONDS
        if (n + 1) % max(1, total // 20) == 0:
            r.step(Actor.ATTACKER, "progress",
                   f"{n + 1:,} of {total:,} tried: {counts['taken_over']} taken over, {counts['blocked']} blocked, "
                   f"{counts['wrong']} wrong passwords", progress=0.2 + 0.8 * (n + 1) / total,
                   point=r.point(attempts=counts["attempts"], blocked=counts["blocked"],
                                 taken_over=counts["taken_over"], keep=False))

    confirmed = counts["second_factor"] + counts["taken_over"]
    r.note(f"Attempts {counts['attempts']:,}: refused as a wrong password {counts['wrong']:,} (of which "
           f"{counts['hidden']:,} had the right password); right password confirmed by the reply "
           f"{counts['second_factor']:,}; throttled or locked {counts['throttled']:,}; taken over "
           f"{counts['taken_over']:,}.")
    if confirmed == 0:
        r.note("The leaked passwords were NOT confirmed to the attacker: a right password with a wrong second "
               "factor got the same reply as a wrong password, so the bot cannot tell which pairs work. "
               f"Inside, the core recognised the {counts['hidden']:,} right one(s): audited, counted, and the "
               "owners were told to change their password.")
    else:
        r.note(f"The replies confirmed {confirmed:,} leaked password(s) to the attacker: a reply that differs "
               "for a right password tells the bot which pairs work, for this site and any other that reuses them.")
    if counts["taken_over"]:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=yen_lost, takeovers=counts["taken_over"])
    by = "TOTP second factor + throttling"
    if alert_seen:
        by += " (stuffing alert)"
    if confirmed == 0:
        by += "; leaked passwords not confirmed to the attacker"
    return r.finish(outcome=Outcome.BLOCKED, blocked_by=by, yen_lost=yen_lost, takeovers=0)


def _drain(r: Run, shop, token: str, customer_id: int, email: str) -> int:
    """The mule spends the whole balance on resale goods; returns yen spent."""
    core = r.core
    balance = core.wallet.balance(customer_id)
    lines = resale_cart(core, min(balance, core.policy.payment_max_per_transaction))
    if not lines:
        return 0
    try:
        code = core.codes.issue(token)
    except (StepUpRequired, QrpayError) as e:
        r.step(Actor.ATTACKER, "issue_code", f"refused: {e.message}", detail=email, attacker_gain=False)
        return 0
    terminal = shop.terminals[customer_id % len(shop.terminals)]
    sale, refused = try_pay(r, shop, code.text, lines, terminal=terminal, who="mule")
    if refused is not None:
        r.step(Actor.TILL, "pay", f"refused ({refused.code}): {refused.message}", detail=email, attacker_gain=False)
        return 0
    r.step(Actor.TILL, "pay", f"mule bought resale goods for ¥{sale.total:,} with the victim's wallet",
           detail=f"{email} at {terminal}, receipt {sale.receipt_no}", attacker_gain=True)
    return sale.total


SPEC = ScenarioSpec(NAME, "Credential stuffing",
                    "A leaked e-mail/password list is replayed against sign-in; reused passwords are taken over "
                    "and drained at a till.", SIZES, run)
