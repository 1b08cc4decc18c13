"""Attempt limits that hold under parallel attempts (staff PINs, the 2019 top-up password).

The rule every limit here follows: the attempt is RESERVED — counted as a failure — in the same
write transaction that checks the limit, BEFORE the expensive comparison (Argon2). A right
secret then clears the count; a wrong one is already counted. So N parallel attempts (several
tills or processes on one database) never get more comparisons than the limit:

- while the limit's worth of attempts is reserved and still being checked, the next attempt is
  refused at once (`busy`: "try again in a moment"), never compared;
- when a wrong attempt finishes with the count at the limit, the lock starts;
- reservations whose attempts never reported back (a process killed mid-check), or stamped at a
  time the clock has since jumped away from, count as failures: the lock starts;
- a lock never lasts longer than `cap` from now, whatever the clock did: a stored end further
  ahead than that (the clock went back) is pulled in to now + cap; nothing is ever negative.

`decide` is pure; the services read the row, call it and write what it says in one transaction.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

STALE_SECONDS = 60.0   # an attempt not finished after this long never will be (its process died)


class Action(enum.Enum):
    GO = "go"                   # compare (reservation n)
    LOCKED = "locked"           # refuse until `until`
    BUSY = "busy"               # the allowance is reserved by attempts in progress: retry_after


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    n: int = 0                  # the reservation's count, for GO
    until: float | None = None  # for LOCKED
    write_lock: bool = False    # LOCKED: the caller must store `until` (new or pulled-in lock)
    retry_after: float = 0.0    # for BUSY


def decide(*, failures: int, locked_until: float | None, attempt_at: float | None, now: float, limit: int,
           lock_seconds: float, cap: float) -> Decision:
    lock_for = max(0.0, min(float(lock_seconds), float(cap)))
    if locked_until is not None and locked_until > now:
        until = min(float(locked_until), now + cap)
        return Decision(Action.LOCKED, until=until, write_lock=until != locked_until)
    if failures >= limit:
        # The whole allowance is reserved by attempts still being checked, or left over by attempts
        # that never finished (or by a clock that jumped): never a comparison beyond the limit.
        if attempt_at is None or abs(now - attempt_at) > STALE_SECONDS:
            return Decision(Action.LOCKED, until=now + lock_for, write_lock=True)
        return Decision(Action.BUSY, retry_after=max(1.0, STALE_SECONDS - max(0.0, now - attempt_at)))
    return Decision(Action.GO, n=failures + 1)


def lock_after_failure(*, failures_now: int, limit: int, now: float, lock_seconds: float,
                       cap: float) -> float | None:
    """After a wrong attempt: the lock's end when the count (this attempt included) reached the limit."""
    if failures_now >= limit:
        return now + max(0.0, min(float(lock_seconds), float(cap)))
    return None
