"""Double spend: one code presented at two tills at the same instant.

The owner pays at T1 while a relay (a copy of the same code) is presented at T2 at the same
moment. Each till is its own connection to the database file (its own `Core`, as two POS
processes would be), both released by one barrier, so the two payments truly race inside SQLite.

- 2019: codes are reusable: both sales go through, the owner is charged twice for one code.
- hardened: the nonce is redeemed at most once inside the sale's transaction (UNIQUE), so exactly
  one till gets the money and the other is told `replayed`, with an alert.

Yen lost is what was charged beyond the one payment the owner authorised with each code.
"""
from __future__ import annotations

import threading

from shared.attacks.base import Actor, Outcome, ScenarioResult
from shared.attacks.run import T_REFUSED_WHAT, Run
from shared.attacks.spec import ScenarioSpec, SizeOption
from shared.attacks.world import (T_ACCEPTED_WHAT, cart_of_value, owner_issues_code, shop_and_victim,
                                  sign_in_with_phone, till_answered)
from shared.clock import FixedClock
from shared.errors import CodeRefused
from shared.texts import Text

NAME = "double-spend"

SIZES = (
    SizeOption("rounds", 3, "codes raced at two tills", 1, 50),
    SizeOption("basket", 4_000, "value of each basket, in yen", 100, 50_000),
)


T_RELAY = Text("round {n}: the owner's code is relayed to {t2} while the owner pays at {t1}",
               "{n} 回目：本人が {t1} で支払う間に、本人のコードが {t2} に中継される")
T_TWICE = Text("one code paid {n} times: the owner was charged ¥{extra:,} more than they authorised",
               "一つのコードで {n} 回支払われた：本人が認めた額より {extra:,} 円多く請求された")
T_ONCE = Text("the code paid exactly once", "コードはちょうど一度だけ支払いに使われた")
N_RACE = Text("Each till used its own database connection and the two payments were released by one barrier, so they "
              "raced inside SQLite as two POS processes would.",
              "各レジはそれぞれ独自のデータベース接続を使い、二つの支払いは一つのバリアで同時に開始された。"
              "二つの POS プロセスと同じように SQLite の中で競合した。")
BY = Text("single-use nonce redeemed inside the sale's transaction (UNIQUE)",
          "売上と同じトランザクション内で一度だけ消費されるノンス（UNIQUE 制約）")


def race(db_path, *, at: float, code: str, tills: tuple[str, ...], clerk_id: int, lines, sale_ids: tuple[str, ...],
         timeout: float = 30.0) -> list[tuple[str, object]]:
    """Present `code` at every till in `tills` at the same instant, each through its own connection.
    Returns (till, Sale or CodeRefused) per till."""
    from shared.core import Core

    cores = [Core.open(db_path, clock=FixedClock(at)) for _ in tills]
    barrier = threading.Barrier(len(tills))
    results: list[tuple[str, object] | None] = [None] * len(tills)

    def till(i: int) -> None:
        barrier.wait(timeout)
        try:
            results[i] = (tills[i], cores[i].sales.pay(terminal_id=tills[i], clerk_id=clerk_id, code=code,
                                                      lines=lines, sale_id=sale_ids[i]))
        except CodeRefused as e:
            results[i] = (tills[i], e)
        except BaseException as e:  # surfaced to the caller below, never swallowed
            results[i] = (tills[i], e)

    threads = [threading.Thread(target=till, args=(i,), name=f"till-{t}") for i, t in enumerate(tills)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout)
    finally:
        for c in cores:
            c.close()
    out = []
    for item in results:
        if item is None:
            raise RuntimeError("a till did not finish within the time-out")
        if isinstance(item[1], BaseException) and not isinstance(item[1], CodeRefused):
            raise item[1]
        out.append(item)
    return out


def attack(r: Run, *, rounds: int, basket: int, seed: int) -> ScenarioResult:
    core = r.core
    _, shop, victim = shop_and_victim(r, seed, first="sora", name="松本 空 (victim)", balance=rounds * basket * 3)
    r.advance(60)
    token = sign_in_with_phone(r, victim)
    lines = cart_of_value(core, basket)
    extra_total = 0
    for i in range(rounds):
        r.advance(45)
        code = owner_issues_code(r, victim, token)
        r.step(Actor.ATTACKER, "relay", T_RELAY, n=i + 1, t1=shop.terminals[0], t2=shop.terminals[1],
               progress=i / rounds)
        r.advance(2)
        outcomes = race(core.db.target, at=r.now(), code=code.text, tills=shop.terminals, clerk_id=shop.clerk_id,
                        lines=lines, sale_ids=tuple(r.sale_id(f"race{i}-{t}") for t in shop.terminals))
        paid = [(t, s) for t, s in outcomes if not isinstance(s, CodeRefused)]
        for t, s in outcomes:   # one of the two is the owner's own payment: neither counts as a gain
            till_answered(r, s, terminal=t, accepted=T_ACCEPTED_WHAT, refused=T_REFUSED_WHAT, gain=None, what=t)
        if len(paid) > 1:
            extra = sum(s.total for _, s in paid[1:])
            extra_total += extra
            r.step(Actor.SYSTEM, "double_spend", T_TWICE, attacker_gain=True, n=len(paid), extra=extra)
        else:
            r.step(Actor.SYSTEM, "double_spend", T_ONCE, attacker_gain=False)
    r.note(N_RACE)
    return r.finish(outcome=Outcome.SUCCEEDED if extra_total else Outcome.BLOCKED, blocked_by=BY,
                    yen_lost=extra_total, takeovers=0)


SPEC = ScenarioSpec(NAME, "Double spend at two tills",
                    "One code presented at two tills at the same instant (two connections racing on one file).",
                    SIZES, attack, title_ja="2台のレジでの二重使用",
                    summary_ja="一つのコードを2台のレジで同時に提示する（一つのファイルに2本の接続が競合）。",
                    stopping=("single-use-code",))
