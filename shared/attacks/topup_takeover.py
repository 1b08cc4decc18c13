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

import random

from shared.attacks.base import Actor, Outcome, Run, ScenarioResult, ScenarioSpec, SizeOption
from shared.attacks.world import ensure_shop, new_customer, passphrase, resale_cart, sign_in_with_phone, try_pay
from shared.audit_events import AuditEvent
from shared.errors import QrpayError
from shared.money import format_yen

NAME = "topup-takeover"
VICTIM_CARD = "4242 4242 4242 4242"   # the card registered in the victim's wallet app

SIZES = (
    SizeOption("amount", 50_000, "yen per top-up", 1_000, 300_000),
    SizeOption("topups", 3, "top-ups within one minute", 1, 20),
    SizeOption("balance", 5_000, "the victim's balance before", 0, 300_000),
    SizeOption("seed", 7, "seed of the simulated passwords", 0, 2**31 - 1),
)


def run(core, *, policy: str, on_step=None, amount: int = 50_000, topups: int = 3, balance: int = 5_000,
        seed: int = 7, real_argon2: bool = False) -> ScenarioResult:
    sizes = dict(amount=amount, topups=topups, balance=balance, seed=seed, real_argon2=real_argon2)
    with Run(core, SPEC, policy=policy, on_step=on_step, sizes=sizes,
             defences=("totp", "credential_change", "limits_velocity", "session", "audit")) as r:
        return _attack(r, amount, topups, balance, random.Random(seed))


def _attack(r: Run, amount: int, topups: int, balance: int, rng: random.Random) -> ScenarioResult:
    core = r.core
    shop = ensure_shop(core)
    victim = new_customer(r, email=f"taro.{r.tag}@example.jp", name="田中 太郎 (victim)",
                         password=passphrase(rng), balance=balance)
    r.watch(victim.customer_id, victim.email)
    r.advance(60)
    victim_token = sign_in_with_phone(r, victim)
    r.step(Actor.VICTIM, "sign_in", "the victim signed in on their phone; their card is registered in the app",
           detail=f"card •••• {VICTIM_CARD[-4:]}")
    r.advance(20 * 60)  # the victim's last second-factor check is now old

    try:
        token = core.identity.sign_in(victim.email, victim.password, device="attacker-phone",
                                      source="198.51.100.77").token
        r.step(Actor.ATTACKER, "sign_in", "signed in with the leaked password alone", attacker_gain=True)
    except QrpayError as e:
        r.step(Actor.ATTACKER, "sign_in", f"refused ({e.code}): {e.message}", attacker_gain=False)
        # Defence in depth: the victim's phone, still signed in, picked up by someone else.
        r.step(Actor.ATTACKER, "phone", "picks up the victim's phone, still signed in (no authenticator code)")
        token = victim_token
    takeover = token != victim_token
    topup_password = passphrase(rng)
    try:
        core.topups.set_topup_password(token, topup_password)
        r.step(Actor.ATTACKER, "set_topup_password", "changed the top-up password without a second factor",
               attacker_gain=True)
    except QrpayError as e:
        r.step(Actor.ATTACKER, "set_topup_password", f"refused ({e.code}): {e.message}", attacker_gain=False)

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
            r.step(Actor.ATTACKER, "top_up", f"top-up {i + 1} of {format_yen(want)} refused ({e.code}): {e.message}",
                   attacker_gain=False)
            continue
        charged += t.amount
        r.step(Actor.ATTACKER, "top_up", f"top-up {i + 1}: {format_yen(t.amount)} charged to the victim's card",
               detail=f"{t.card_brand} •••• {t.card_last4}; balance {format_yen(t.balance)}", attacker_gain=True)
    if r.alerted(AuditEvent.TOPUP_VELOCITY_ALERT):
        r.step(Actor.SYSTEM, "alert", "top-up velocity alert", attacker_gain=False)

    lost = 0
    r.advance(120)
    try:
        code = core.codes.issue(token)
    except QrpayError as e:
        r.step(Actor.ATTACKER, "issue_code", f"refused ({e.code}): {e.message}", attacker_gain=False)
    else:
        left = core.wallet.balance(victim.customer_id)
        lines = resale_cart(core, min(left, core.policy.payment_max_per_transaction))
        if lines:
            sale, refused = try_pay(r, shop, code.text, lines, terminal=shop.terminals[1], who="attacker")
            if sale is not None:
                lost = sale.total
                r.step(Actor.TILL, "pay", f"attacker bought resale goods for {format_yen(sale.total)}",
                       detail=f"receipt {sale.receipt_no}", attacker_gain=True)
            else:
                r.step(Actor.TILL, "pay", f"refused ({refused.code}): {refused.message}", attacker_gain=False)
    r.note(f"Charged to the victim's card by the attacker: {format_yen(charged)}.")
    if lost or charged:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost,
                        takeovers=1 if takeover else 0)
    return r.finish(outcome=Outcome.BLOCKED,
                    blocked_by="TOTP second factor for sign-in, top-ups and top-up credential changes",
                    yen_lost=0, takeovers=1 if takeover else 0)


SPEC = ScenarioSpec(NAME, "Top-up takeover",
                    "With the victim's password, the attacker changes the top-up password and charges the victim's "
                    "card three times in a minute.", SIZES, run)
