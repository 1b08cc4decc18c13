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
from dataclasses import replace

from shared.attacks.base import Actor, Outcome, ScenarioResult
from shared.attacks.run import T_DATA, T_TAKEN, Run
from shared.attacks.spec import SEED, ScenarioSpec, SizeOption
from shared.attacks.world import ensure_shop, new_customer, passphrase, spend_as_victim, stood_in
from shared.audit_events import AuditEvent
from shared.errors import InvalidCredentials, Locked, Throttled, TotpInvalid, TotpRequired, TotpReused
from shared.texts import Text

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
    replace(SEED, help="seed of the simulated population (same seed, same run)"),
)


T_SETUP = Text("registering {customers} customers; {reusers} of them reused a password that is in the leaked list",
               "顧客 {customers} 人を登録。うち {reusers} 人は漏えいリストにあるパスワードを使い回している")
T_SETUP_N = Text("{n} of {customers} customers registered", "顧客 {customers} 人中 {n} 人を登録")
T_LEAK = Text("leaked list of {pairs:,} e-mail/password pairs; the bot will try {total:,} from {sources} addresses at "
              "{rate}/s",
              "メールアドレスとパスワードの組 {pairs:,} 件の漏えいリスト。ボットは {sources} 個のアドレスから毎秒 {rate} 件、"
              "{total:,} 件を試す")
T_CONFIRMED = Text("password confirmed (the reply says so), second factor refused",
                   "パスワードが正しいことが応答から分かった（二要素認証で拒否）")
T_FROM = Text("{email} from {source}", "{email}（送信元 {source}）")
T_ALERT = Text("stuffing alert: failures across many accounts; sign-ins slowed down",
               "リスト型攻撃の警報：多数のアカウントで失敗。サインインを遅らせる")
T_PROGRESS = Text("{n:,} of {total:,} tried: {taken} taken over, {blocked} blocked, {wrong} wrong passwords",
                  "{total:,} 件中 {n:,} 件を試行：乗っ取り {taken}、阻止 {blocked}、パスワード誤り {wrong}")
N_COUNTS = Text("Attempts {attempts:,}: refused as a wrong password {wrong:,} (of which {hidden:,} had the right "
                "password); right password confirmed by the reply {second_factor:,}; throttled or locked {throttled:,}; "
                "taken over {taken:,}.",
                "試行 {attempts:,} 件：パスワード誤りとして拒否 {wrong:,} 件（うち {hidden:,} 件は正しいパスワード）、"
                "応答で正しいパスワードと分かったもの {second_factor:,} 件、速度制限・ロック {throttled:,} 件、"
                "乗っ取り {taken:,} 件。")
N_HIDDEN = Text("The leaked passwords were NOT confirmed to the attacker: a right password with a wrong second factor got "
                "the same reply as a wrong password, so the bot cannot tell which pairs work. Inside, the core recognised "
                "the {hidden:,} right one(s): audited, counted, and the owners were told to change their password.",
                "漏えいしたパスワードが正しいかどうかは攻撃者に伝わらなかった：正しいパスワードでも二要素が誤っていれば、"
                "誤ったパスワードと同じ応答になるため、ボットはどの組が使えるか判別できない。内部では正しかった {hidden:,} 件を"
                "把握し、監査ログに記録して回数を数え、本人にパスワード変更を促す通知を送った。")
N_CONFIRMED = Text("The replies confirmed {confirmed:,} leaked password(s) to the attacker: a reply that differs for a "
                   "right password tells the bot which pairs work, for this site and any other that reuses them.",
                   "応答によって漏えいパスワード {confirmed:,} 件が正しいと攻撃者に伝わった：正しいパスワードで応答が変わると、"
                   "このサイトでも使い回し先のサイトでも、どの組が使えるかがボットに分かってしまう。")
BY = Text("TOTP second factor + throttling", "TOTP による二要素認証と試行制限")
BY_ALERT = Text("TOTP second factor + throttling (stuffing alert)", "TOTP による二要素認証と試行制限（リスト型攻撃の警報）")
BY_HIDDEN = Text("TOTP second factor + throttling; leaked passwords not confirmed to the attacker",
                 "TOTP による二要素認証と試行制限。漏えいパスワードの正否は攻撃者に伝わらない")
BY_ALERT_HIDDEN = Text("TOTP second factor + throttling (stuffing alert); leaked passwords not confirmed to the attacker",
                       "TOTP による二要素認証と試行制限（リスト型攻撃の警報）。漏えいパスワードの正否は攻撃者に伝わらない")
T_DRAINED = Text("mule bought resale goods for ¥{total:,} with the victim's wallet",
                 "運び屋が被害者のウォレットで転売用の商品を {total:,} 円分購入")
T_AT = Text("{email} at {terminal}, receipt {receipt}", "{email}（{terminal}、レシート {receipt}）")


def attack(r: Run, *, customers: int, reuse: float, leaked: int, attempts: int, rate: float, sources: int,
           seed: int) -> ScenarioResult:
    core = r.core
    rng = random.Random(seed)
    shop = ensure_shop(core)
    reusers = min(round(customers * reuse), leaked)
    r.step(Actor.SYSTEM, "setup", T_SETUP, customers=customers, reusers=reusers, progress=0.0)
    people = []
    for i in range(customers):
        people.append(new_customer(r, email=f"member{i:04d}.{r.tag}@example.jp", name=f"Member {i:04d}",
                                   password=passphrase(rng), balance=rng.randrange(30, 301) * 100))
        if (i + 1) % 25 == 0:
            r.step(Actor.SYSTEM, "setup", T_SETUP_N, n=i + 1, customers=customers,
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
    r.step(Actor.ATTACKER, "leak", T_LEAK, pairs=len(pairs), total=total, sources=sources, rate=f"{rate:g}",
           attacker_gain=None, progress=0.2)

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
        except (Throttled, Locked) as e:
            counts["blocked"] += 1
            counts["throttled"] += 1
            if (email, password) in right:  # a reused password the throttling kept from being tried
                r.refused(Actor.ATTACKER, "sign_in", e, detail=T_FROM, defence=_throttling_defence(core), email=email,
                          source=source)
        except InvalidCredentials as e:
            counts["wrong"] += 1
            if (email, password) in right:  # right password, but the reply looked like a wrong one
                counts["hidden"] += 1
                counts["blocked"] += 1
                r.refused(Actor.ATTACKER, "sign_in", e, detail=T_FROM, defence="second-factor-sign-in", email=email,
                          source=source)
        except (TotpRequired, TotpInvalid, TotpReused):
            counts["blocked"] += 1
            counts["second_factor"] += 1
            r.step(Actor.ATTACKER, "sign_in", T_CONFIRMED, detail=T_FROM, attacker_gain=True, email=email,
                   source=source)
        else:
            counts["taken_over"] += 1
            r.step(Actor.ATTACKER, "sign_in", T_TAKEN, detail=T_FROM, attacker_gain=True, email=email, source=source)
            yen_lost += _drain(r, shop, session.token, session.customer_id, email)
        if not alert_seen:
            alert_seen = r.alert_step(AuditEvent.STUFFING_ALERT, T_ALERT, defence="stuffing-detection")
        if r.elapsed >= next_bucket or n == total - 1:
            r.point(attempts=counts["attempts"], blocked=counts["blocked"], taken_over=counts["taken_over"])
            next_bucket = r.elapsed + CHART_BUCKET_SECONDS
        if (n + 1) % max(1, total // 20) == 0:
            r.step(Actor.ATTACKER, "progress", T_PROGRESS, n=n + 1, total=total, taken=counts["taken_over"],
                   blocked=counts["blocked"], wrong=counts["wrong"], progress=0.2 + 0.8 * (n + 1) / total,
                   point=r.point(attempts=counts["attempts"], blocked=counts["blocked"],
                                 taken_over=counts["taken_over"], keep=False))

    confirmed = counts["second_factor"] + counts["taken_over"]
    r.note(N_COUNTS, attempts=counts["attempts"], wrong=counts["wrong"], hidden=counts["hidden"],
           second_factor=counts["second_factor"], throttled=counts["throttled"], taken=counts["taken_over"])
    if confirmed == 0:
        r.note(N_HIDDEN, hidden=counts["hidden"])
    else:
        r.note(N_CONFIRMED, confirmed=confirmed)
    if counts["taken_over"]:
        return r.finish(outcome=Outcome.SUCCEEDED, blocked_by=None, yen_lost=yen_lost, takeovers=counts["taken_over"])
    by = {(False, False): BY, (True, False): BY_ALERT, (False, True): BY_HIDDEN,
          (True, True): BY_ALERT_HIDDEN}[(alert_seen, confirmed == 0)]
    return r.finish(outcome=Outcome.BLOCKED, blocked_by=by, yen_lost=yen_lost, takeovers=0)


def _throttling_defence(core) -> str:
    """Which defence a Throttled/Locked sign-in came from: the wave of the stuffing detector, else the
    per-account limits."""
    return "stuffing-detection" if core.identity.stuffing_active() else "per-account-throttling"


def _drain(r: Run, shop, token: str, customer_id: int, email: str) -> int:
    """The mule spends the whole balance on resale goods; returns yen spent."""
    return spend_as_victim(r, shop, token, customer_id, terminal=shop.terminals[customer_id % len(shop.terminals)],
                           who="mule", bought=T_DRAINED, bought_detail=T_AT, detail=T_DATA, data=email, email=email)


SPEC = ScenarioSpec(NAME, "Credential stuffing",
                    "A leaked e-mail/password list is replayed against sign-in; reused passwords are taken over "
                    "and drained at a till.", SIZES, attack,
                    title_ja="リスト型攻撃（クレデンシャルスタッフィング）",
                    summary_ja="漏えいしたメールアドレスとパスワードの一覧でサインインを試し、使い回されたパスワードの"
                               "アカウントを乗っ取ってレジで使い切る。",
                    stopping=("second-factor-sign-in", "stuffing-detection", "step-up-before-code"))
