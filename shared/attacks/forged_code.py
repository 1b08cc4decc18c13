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
import secrets
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared import code_format
from shared.attacks.base import Actor, ScenarioResult
from shared.attacks.run import T_REFUSED_WHAT, Run
from shared.attacks.spec import ScenarioSpec, SizeOption
from shared.attacks.world import (T_ACCEPTED_WHAT, Haul, attacker_presents, cart_of_value, new_customer,
                                  owner_issues_code, passphrase, shop_and_victim, sign_in_with_phone)
from shared.texts import Text

NAME = "forged-code"

SIZES = (
    SizeOption("basket", 9_000, "value of the attacker's basket, in yen", 100, 50_000),
)

# Byte offsets of the signed fields (shared/codes.py's layout).
_WALLET_REF = slice(21, 29)
_AMOUNT_CAP = slice(37, 41)


T_SIG = Text("signature valid: {valid}", "署名の検証結果: {valid}")
T_PHOTO = Text("gets a photo of the owner's code, limited to ¥1,000", "上限1,000円の本人のコードの写真を入手")
T_EDIT = Text("takes a code of their own near-empty wallet and writes in the victim's wallet reference",
              "ほぼ空の自分のウォレットのコードに、被害者のウォレット参照を書き込む")
T_FORGE = Text("makes a well-formed code for the victim's wallet, signed with their own key",
               "被害者のウォレット宛ての正しい形式のコードを、自分の鍵で署名して作る")
W_CAP = Text("cap raised from ¥1,000 to ¥50,000", "上限を1,000円から50,000円に書き換え")
W_WALLET = Text("wallet reference changed to the victim's", "ウォレット参照を被害者のものに書き換え")
W_KEY = Text("signed by another key", "別の鍵で署名")
BY = Text("Ed25519 signature over every field of the code", "コードの全項目にかかる Ed25519 署名")


def raw_of(text: str) -> bytearray:
    body = text[len(code_format.PREFIX):]
    return bytearray(base64.b32decode(body + "=" * (-len(body) % 8)))


def text_of(raw: bytes) -> str:
    return code_format.PREFIX + base64.b32encode(bytes(raw)).decode("ascii").rstrip("=")


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
    return code_format.sign_code(Ed25519PrivateKey.generate(), nonce=secrets.token_bytes(16),
                               wallet_ref=bytes.fromhex(wallet_ref_hex), issued_at=issued_at, ttl=ttl,
                               amount_cap=amount_cap, counter=counter)


def attack(r: Run, *, basket: int, seed: int) -> ScenarioResult:
    core = r.core
    rng, shop, victim = shop_and_victim(r, seed, first="aoi", name="中村 葵 (victim)", balance=100_000)
    till = shop.terminals[0]
    attacker = new_customer(r, email=f"mule.{r.tag}@attacker.example", name="Mule", password=passphrase(rng),
                            balance=10)
    r.advance(60)
    cart = cart_of_value(core, basket)
    haul = Haul()

    def present(what: Text, text: str) -> None:
        verdict = core.codes.inspect(text)
        haul.add(attacker_presents(r, shop, text, cart, terminal=till, accepted=T_ACCEPTED_WHAT, refused=T_REFUSED_WHAT,
                                   refused_detail=T_SIG, what=what, valid=verdict.get("signature_valid")),
                 victim_id=victim.customer_id)

    victim_token = sign_in_with_phone(r, victim)
    capped = owner_issues_code(r, victim, victim_token, amount_cap=1_000)
    r.step(Actor.ATTACKER, "screenshot", T_PHOTO)
    r.advance(3)
    present(W_CAP, with_amount_cap(capped.text, 50_000))

    r.advance(30)
    attacker_token = sign_in_with_phone(r, attacker, device="attacker-phone")
    own = owner_issues_code(r, attacker, attacker_token)
    victim_ref = core.codes.inspect(capped.text)["wallet_ref"]
    r.step(Actor.ATTACKER, "edit", T_EDIT)
    present(W_WALLET, with_wallet_ref(own.text, victim_ref))

    forged = signed_by_other_key(wallet_ref_hex=victim_ref, issued_at=int(r.now()),
                                 ttl=core.codes.ttl_seconds())
    r.step(Actor.ATTACKER, "forge", T_FORGE)
    present(W_KEY, forged)

    return r.finish(outcome=haul.outcome, blocked_by=BY, yen_lost=haul.lost, takeovers=0)


SPEC = ScenarioSpec(NAME, "Forged code",
                    "A code with its amount cap or wallet changed, and one signed with another key.", SIZES, attack,
                    title_ja="偽造コード", summary_ja="上限額やウォレットを書き換えたコードと、別の鍵で署名したコード。",
                    stopping=())  # the signature is always checked: no switch lets this attack through
