"""Reset hijack: 7pay's reset form sent the reset link to a destination address typed into the
form. An attacker who knows only the victim's e-mail address asks for a reset to their own
mailbox, sets a new password, signs in and spends.

- 2019: the reset code arrives in the attacker's mailbox; no second factor is needed to finish.
- hardened: the code goes only to the address of record (the redirect raises an alert), and even
  with the code (say the attacker also read the victim's mail: `read_mail=1`, the default)
  finishing needs the authenticator. With `read_mail=0` the attacker knows only the address, as in
  2019: the matrix of stopping defences (`SPEC.stopping`) is measured so.
"""
from __future__ import annotations

import re

from shared.attacks.base import Actor, Outcome, ScenarioResult, filled
from shared.attacks.run import T_DATA, T_REFUSED_CODE, Run
from shared.attacks.spec import ScenarioSpec, SizeOption
from shared.attacks.world import passphrase, shop_and_victim, sign_in_with_phone, spend_as_victim
from shared.audit_events import AuditEvent
from shared.errors import InvalidCredentials, QrpayError, TotpRequired
from shared.mailbox import MessageKind
from shared.texts import Text

NAME = "reset-hijack"
_RESET_CODE = re.compile(r"\b(\d{8})\b")

SIZES = (
    SizeOption("balance", 30_000, "the victim's balance in yen", 1_000, 300_000),
    SizeOption("read_mail", 1, "1: the attacker can also read the victim's mailbox (defence in depth); 0: knows "
                            "only the victim's address, as in 2019", 0, 1),
)


T_VICTIM_SIGN_IN = Text("the victim uses the wallet as usual", "被害者はいつも通りウォレットを使っている")
T_REQUEST = Text("asked for a password reset of {victim} to be sent to {drop}",
                 "{victim} のパスワード再設定を {drop} 宛てに送るよう依頼")
T_REQUEST_DETAIL = Text("the attacker knows only the victim's e-mail address",
                        "攻撃者が知っているのは被害者のメールアドレスだけ")
T_NO_CODE = Text("no reset code arrived at the attacker's address", "攻撃者のアドレスに再設定コードは届かなかった")
T_ALERT = Text("reset redirect attempt raised an alert", "再設定の送り先変更の試みで警報が出た")
T_NEEDS_FACTOR = Text("even with the code from the victim's mailbox, the reset needs the authenticator app",
                      "被害者のメールボックスのコードがあっても、再設定の完了には認証アプリが必要")
T_NEEDS_FACTOR_DETAIL = Text("second factor required to finish a reset", "再設定の完了に二要素認証が必要")
T_STOLEN_OK = Text("reset finished with a code from the victim's mailbox",
                   "被害者のメールボックスのコードで再設定を完了")
T_GUESS = Text("a guessed reset code is refused ({code})", "推測した再設定コードは拒否された（{code}）")
T_ARRIVED = Text("the reset code arrived in the attacker's mailbox", "再設定コードが攻撃者のメールボックスに届いた")
T_RESET_DONE = Text("new password set; the victim is locked out of their own account",
                    "新しいパスワードを設定。被害者は自分のアカウントから締め出された")
T_SIGNED_IN = Text("signed in with the password set through {how}", "{how}で設定したパスワードでサインイン")
HOW_HIJACK = Text("the hijacked reset", "乗っ取った再設定")
HOW_STOLEN = Text("a code read from the victim's mailbox", "被害者のメールボックスから読んだコード")
BY_RECORD = Text("reset code sent only to the address of record (+ second factor to finish)",
                 "再設定コードは登録済みのアドレスにのみ送信（完了には二要素認証も必要）")
BY_COMPLETE = Text("reset completion refused ({code})", "再設定の完了を拒否（{code}）")
BY_SIGN_IN = Text("sign-in after the reset refused ({code})", "再設定後のサインインを拒否（{code}）")


def _reset_code_in(core, address: str, since: float) -> str | None:
    for m in core.inbox(address):
        if m.sent_at >= since and m.kind is MessageKind.RESET:
            found = _RESET_CODE.search(m.body)
            if found:
                return found.group(1)
    return None


def attack(r: Run, *, balance: int, read_mail: int, seed: int) -> ScenarioResult:
    core = r.core
    rng, shop, victim = shop_and_victim(r, seed, first="hanako", name="山田 花子 (victim)", balance=balance)
    drop = f"drop.{r.tag}@attacker.example"
    r.watch_inbox(drop)
    r.advance(60)
    sign_in_with_phone(r, victim)
    r.step(Actor.VICTIM, "sign_in", T_VICTIM_SIGN_IN, detail=T_DATA, data=victim.email)

    r.advance(3600)
    asked_at = r.now()
    core.identity.request_reset(victim.email, send_to=drop, source="198.51.100.66")
    r.step(Actor.ATTACKER, "request_reset", T_REQUEST, detail=T_REQUEST_DETAIL, victim=victim.email, drop=drop)
    r.advance(20)
    code = _reset_code_in(core, drop, asked_at)
    if code is None:
        r.step(Actor.ATTACKER, "read_mail", T_NO_CODE, attacker_gain=False, defence="reset-to-address-of-record")
        r.alert_step(AuditEvent.RESET_REDIRECT_ATTEMPT, T_ALERT, defence="reset-to-address-of-record")
        # Defence in depth: suppose the attacker could also read the victim's mailbox.
        stolen = _reset_code_in(core, victim.email, asked_at) if read_mail else None
        new_password = passphrase(rng)
        if stolen is not None:
            try:
                core.identity.complete_reset(victim.email, stolen, new_password)
            except TotpRequired:
                r.step(Actor.ATTACKER, "complete_reset", T_NEEDS_FACTOR, detail=T_NEEDS_FACTOR_DETAIL,
                       attacker_gain=False, defence="reset-second-factor")
            except QrpayError as e:
                r.refused(Actor.ATTACKER, "complete_reset", e, T_REFUSED_CODE)
            else:
                r.step(Actor.ATTACKER, "complete_reset", T_STOLEN_OK, attacker_gain=True)
                return _spend_as(r, shop, victim, new_password, how=HOW_STOLEN)
        try:
            core.identity.complete_reset(victim.email, "00000000", new_password)
        except (InvalidCredentials, TotpRequired) as e:
            r.refused(Actor.ATTACKER, "complete_reset", e, T_GUESS)
        return r.finish(outcome=Outcome.BLOCKED, blocked_by=BY_RECORD, yen_lost=0, takeovers=0)

    r.step(Actor.ATTACKER, "read_mail", T_ARRIVED, attacker_gain=True)
    new_password = passphrase(rng)
    try:
        core.identity.complete_reset(victim.email, code, new_password)
    except QrpayError as e:
        r.refused(Actor.ATTACKER, "complete_reset", e,
                  defence="reset-second-factor" if isinstance(e, TotpRequired) else None)
        return r.finish(outcome=Outcome.BLOCKED, blocked_by=filled(BY_COMPLETE, code=e.code), yen_lost=0, takeovers=0)
    r.step(Actor.ATTACKER, "complete_reset", T_RESET_DONE, attacker_gain=True)
    return _spend_as(r, shop, victim, new_password, how=HOW_HIJACK)


def _spend_as(r: Run, shop, victim, password: str, *, how: Text) -> ScenarioResult:
    core = r.core
    r.advance(30)
    try:
        session = core.identity.sign_in(victim.email, password, device="attacker-phone", source="198.51.100.66")
    except QrpayError as e:
        r.refused(Actor.ATTACKER, "sign_in", e, defence="second-factor-sign-in" if isinstance(e, TotpRequired) else None)
        return r.finish(outcome=Outcome.BLOCKED, blocked_by=filled(BY_SIGN_IN, code=e.code), yen_lost=0, takeovers=0)
    r.step(Actor.ATTACKER, "sign_in", T_SIGNED_IN, attacker_gain=True, how=how)
    r.advance(600)
    lost = spend_as_victim(r, shop, session.token, victim.customer_id, terminal=shop.terminals[0])
    return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=lost, takeovers=1)


SPEC = ScenarioSpec(NAME, "Password-reset hijack",
                    "The attacker asks for the victim's password reset to be sent to an address of their choice.",
                    SIZES, attack, title_ja="パスワード再設定の乗っ取り",
                    summary_ja="攻撃者が被害者のパスワード再設定を、自分の選んだアドレスに送らせる。",
                    stopping=("reset-to-address-of-record", "reset-second-factor", "second-factor-sign-in",
                              "step-up-before-code"))
