"""Forged codes: the attacker edits a genuine code's fields, or makes codes with a key of their own.

1. The amount cap of a code the owner limited to ¥1,000 is raised to ¥50,000.
2. A code of the attacker's own (near-empty) wallet is pointed at the victim's wallet reference.
3. A well-formed code for the victim's wallet signed with the attacker's own Ed25519 key.

Every field is covered by an Ed25519 signature and the till checks the key id, the signature and
that the stored code matches what it says. This check is not a policy switch: both presets keep
it (7pay's code integrity was not among its reported faults), so the forgeries are refused under
2019 too, and the scenario shows why the signature matters.
"""
from __future__ import annotations

import base64
import random
import secrets
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared import codes as codes_mod
from shared.attacks.base import Actor, Outcome, Run, ScenarioResult, ScenarioSpec, SizeOption
from shared.attacks.world import (cart_of_value, ensure_shop, new_customer, owner_issues_code, passphrase,
                                  sign_in_with_phone, try_pay)
from shared.money import format_yen

NAME = "forged-code"

SIZES = (
    SizeOption("basket", 9_000, "value of the attacker's basket, in yen", 100, 50_000),
    SizeOption("seed", 7, "seed of the simulated passwords", 0, 2**31 - 1),
)

# Byte offsets of the signed fields (shared/codes.py's layout).
_WALLET_REF = slice(21, 29)
_AMOUNT_CAP = slice(37, 41)


def run(core, *, policy: str, on_step=None, basket: int = 9_000, seed: int = 7,
        real_argon2: bool = False) -> ScenarioResult:
    sizes = dict(basket=basket, seed=seed, real_argon2=real_argon2)
    with Run(core, SPEC, policy=policy, on_step=on_step, sizes=sizes, defences=("payment_code", "audit")) as r:
        return _attack(r, basket, random.Random(seed))


def raw_of(text: str) -> bytearray:
    body = text[len(codes_mod.PREFIX):]
    return bytearray(base64.b32decode(body + "=" * (-len(body) % 8)))


def text_of(raw: bytes) -> str:
    return codes_mod.PREFIX + base64.b32encode(bytes(raw)).decode("ascii").rstrip("=")


def with_amount_cap(text: str, cap: int) -> str:
    """The same code with its amount cap field replaced (the signature left as it was)."""
    raw = raw_of(text)
    raw[_AMOUNT_CAP] = struct.pack(">I", cap)
    return text_of(raw)


def with_wallet_ref(text: str, wallet_ref_hex: str) -> str:
    raw = raw_of(text)
    raw[_WALLET_REF] = bytes.fromhex(wallet_ref_hex)
    return text_of(raw)


def signed_by_other_key(*, wallet_ref_hex: str, issued_at: int, ttl: int = 60, amount_cap: int | None = None,
                        counter: int = 1) -> str:
    return codes_mod.sign_code(Ed25519PrivateKey.generate(), nonce=secrets.token_bytes(16),
                               wallet_ref=bytes.fromhex(wallet_ref_hex), issued_at=issued_at, ttl=ttl,
                               amount_cap=amount_cap, counter=counter)


def _attack(r: Run, basket: int, rng: random.Random) -> ScenarioResult:
    core = r.core
    shop = ensure_shop(core)
    till = shop.terminals[0]
    victim = new_customer(r, email=f"aoi.{r.tag}@example.jp", name="中村 葵 (victim)", password=passphrase(rng),
                         balance=100_000)
    attacker = new_customer(r, email=f"mule.{r.tag}@attacker.example", name="Mule", password=passphrase(rng),
                           balance=10)
    r.watch(victim.customer_id, victim.email)
    r.advance(60)
    cart = cart_of_value(core, basket)
    lost, accepted = 0, 0

    def present(what: str, text: str) -> None:
        nonlocal lost, accepted
        verdict = core.codes.inspect(text)
        sale, refused = try_pay(r, shop, text, cart, terminal=till, who="attacker")
        if sale is not None:
            lost += sale.total if sale.customer_id == victim.customer_id else 0
            accepted += 1
            r.step(Actor.TILL, "pay", f"{what}: accepted ({format_yen(sale.total)})", detail=f"receipt {sale.receipt_no}",
                   attacker_gain=True)
        else:
            r.step(Actor.TILL, "pay", f"{what}: refused ({refused.code}): {refused.message}",
                   detail=f"signature valid: {verdict.get('signature_valid')}", attacker_gain=False)

    victim_token = sign_in_with_phone(r, victim)
    capped = owner_issues_code(r, victim, victim_token, amount_cap=1_000)
    r.step(Actor.ATTACKER, "screenshot", "gets a photo of the owner's code, limited to ¥1,000")
    r.advance(3)
    present("cap raised from ¥1,000 to ¥50,000", with_amount_cap(capped.text, 50_000))

    r.advance(30)
    attacker_token = sign_in_with_phone(r, attacker, device="attacker-phone")
    own = owner_issues_code(r, attacker, attacker_token)
    victim_ref = core.codes.inspect(capped.text)["wallet_ref"]
    r.step(Actor.ATTACKER, "edit", "takes a code of their own near-empty wallet and writes in the victim's "
           "wallet reference")
    present("wallet reference changed to the victim's", with_wallet_ref(own.text, victim_ref))

    forged = signed_by_other_key(wallet_ref_hex=victim_ref, issued_at=int(r.now()),
                                 ttl=core.codes.ttl_seconds())
    r.step(Actor.ATTACKER, "forge", "makes a well-formed code for the victim's wallet, signed with their own key")
    present("signed by another key", forged)

    if accepted:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost, takeovers=0)
    return r.finish(outcome=Outcome.BLOCKED, blocked_by="Ed25519 signature over every field of the code",
                    yen_lost=0, takeovers=0)


SPEC = ScenarioSpec(NAME, "Forged code",
                    "A code with its amount cap or wallet changed, and one signed with another key.", SIZES, run)
