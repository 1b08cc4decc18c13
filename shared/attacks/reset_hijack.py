"""Reset hijack: 7pay's reset form sent the reset link to a destination address typed into the
form. An attacker who knows only the victim's e-mail address asks for a reset to their own
mailbox, sets a new password, signs in and spends.

- 2019: the reset code arrives in the attacker's mailbox; no second factor is needed to finish.
- hardened: the code goes only to the address of record (the redirect raises an alert), and even
  with the code (say the attacker also read the victim's mail) finishing needs the authenticator.
"""
from __future__ import annotations

import re

from shared.attacks.base import Actor, Outcome, Run, ScenarioResult, ScenarioSpec, SizeOption
from shared.attacks.world import ensure_shop, new_customer, passphrase, resale_cart, sign_in_with_phone, try_pay
from shared.audit_events import AuditEvent
from shared.errors import InvalidCredentials, QrpayError, TotpRequired
from shared.mailbox import MessageKind
from shared.money import format_yen

NAME = "reset-hijack"
_RESET_CODE = re.compile(r"\b(\d{8})\b")

SIZES = (
    SizeOption("balance", 30_000, "the victim's balance in yen", 1_000, 300_000),
    SizeOption("seed", 7, "seed of the simulated passwords", 0, 2**31 - 1),
)


def run(core, *, policy: str, on_step=None, balance: int = 30_000, seed: int = 7,
        real_argon2: bool = False) -> ScenarioResult:
    import random

    sizes = dict(balance=balance, seed=seed, real_argon2=real_argon2)
    with Run(core, SPEC, policy=policy, on_step=on_step, sizes=sizes,
             defences=("reset", "totp", "credential_change", "audit")) as r:
        return _attack(r, balance, random.Random(seed))


def _reset_code_in(core, address: str, since: float) -> str | None:
    for m in core.inbox(address):
        if m.sent_at >= since and m.kind is MessageKind.RESET:
            found = _RESET_CODE.search(m.body)
            if found:
                return found.group(1)
    return None


def _attack(r: Run, balance: int, rng) -> ScenarioResult:
    core = r.core
    shop = ensure_shop(core)
    victim = new_customer(r, email=f"hanako.{r.tag}@example.jp", name="山田 花子 (victim)",
                         password=passphrase(rng), balance=balance)
    r.watch(victim.customer_id, victim.email)
    drop = f"drop.{r.tag}@attacker.example"
    r.watch_inbox(drop)
    r.advance(60)
    sign_in_with_phone(r, victim)
    r.step(Actor.VICTIM, "sign_in", "the victim uses the wallet as usual", detail=victim.email)

    r.advance(3600)
    asked_at = r.now()
    core.identity.request_reset(victim.email, send_to=drop, source="198.51.100.66")
    r.step(Actor.ATTACKER, "request_reset", f"asked for a password reset of {victim.email} to be sent to {drop}",
           detail="the attacker knows only the victim's e-mail address")
    r.advance(20)
    code = _reset_code_in(core, drop, asked_at)
    if code is None:
        r.step(Actor.ATTACKER, "read_mail", "no reset code arrived at the attacker's address", attacker_gain=False)
        if r.alerted(AuditEvent.RESET_REDIRECT_ATTEMPT):
            r.step(Actor.SYSTEM, "alert", "reset redirect attempt raised an alert", attacker_gain=False)
        # Defence in depth: suppose the attacker could also read the victim's mailbox.
        stolen = _reset_code_in(core, victim.email, asked_at)
        new_password = passphrase(rng)
        if stolen is not None:
            try:
                core.identity.complete_reset(victim.email, stolen, new_password)
            except TotpRequired:
                r.step(Actor.ATTACKER, "complete_reset",
                       "even with the code from the victim's mailbox, the reset needs the authenticator app",
                       detail="second factor required to finish a reset", attacker_gain=False)
            except QrpayError as e:
                r.step(Actor.ATTACKER, "complete_reset", f"refused ({e.code})", attacker_gain=False)
            else:
                r.step(Actor.ATTACKER, "complete_reset", "reset finished with a code from the victim's mailbox",
                       attacker_gain=True)
                return _spend_as(r, shop, victim, new_password, how="a code read from the victim's mailbox")
        try:
            core.identity.complete_reset(victim.email, "00000000", new_password)
        except (InvalidCredentials, TotpRequired) as e:
            r.step(Actor.ATTACKER, "complete_reset", f"a guessed reset code is refused ({e.code})", attacker_gain=False)
        return r.finish(outcome=Outcome.BLOCKED,
                        blocked_by="reset code sent only to the address of record (+ second factor to finish)",
                        yen_lost=0, takeovers=0)

    r.step(Actor.ATTACKER, "read_mail", "the reset code arrived in the attacker's mailbox", attacker_gain=True)
    new_password = passphrase(rng)
    try:
        core.identity.complete_reset(victim.email, code, new_password)
    except QrpayError as e:
        r.step(Actor.ATTACKER, "complete_reset", f"refused ({e.code}): {e.message}", attacker_gain=False)
        return r.finish(outcome=Outcome.BLOCKED, blocked_by=f"reset completion refused ({e.code})", yen_lost=0,
                        takeovers=0)
    r.step(Actor.ATTACKER, "complete_reset", "new password set; the victim is locked out of their own account",
           attacker_gain=True)
    return _spend_as(r, shop, victim, new_password, how="the hijacked reset")


def _spend_as(r: Run, shop, victim, password: str, *, how: str) -> ScenarioResult:
    core = r.core
    r.advance(30)
    try:
        session = core.identity.sign_in(victim.email, password, device="attacker-phone", source="198.51.100.66")
    except QrpayError as e:
        r.step(Actor.ATTACKER, "sign_in", f"refused ({e.code}): {e.message}", attacker_gain=False)
        return r.finish(outcome=Outcome.BLOCKED, blocked_by=f"sign-in after the reset refused ({e.code})",
                        yen_lost=0, takeovers=0)
    r.step(Actor.ATTACKER, "sign_in", f"signed in with the password set through {how}", attacker_gain=True)
    r.advance(600)
    lost = 0
    try:
        code = core.codes.issue(session.token)
        lines = resale_cart(core, min(core.wallet.balance(victim.customer_id), core.policy.payment_max_per_transaction))
        sale, refused = try_pay(r, shop, code.text, lines, terminal=shop.terminals[0], who="attacker")
        if sale is not None:
            lost = sale.total
            r.step(Actor.TILL, "pay", f"attacker bought resale goods for {format_yen(sale.total)}",
                   detail=f"receipt {sale.receipt_no}", attacker_gain=True)
        else:
            r.step(Actor.TILL, "pay", f"refused ({refused.code})", attacker_gain=False)
    except QrpayError as e:
        r.step(Actor.ATTACKER, "issue_code", f"refused ({e.code}): {e.message}", attacker_gain=False)
    return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost, takeovers=1)


SPEC = ScenarioSpec(NAME, "Password-reset hijack",
                    "The attacker asks for the victim's password reset to be sent to an address of their choice.",
                    SIZES, run)
