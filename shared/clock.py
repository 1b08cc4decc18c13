"""Time is a parameter: every core service reads the clock object it is given.

- `SystemClock`: the real time.
- `FixedClock`: a pinned time that tests (and `qrpay --now`) move by hand; nothing ever sleeps.
- `SimulatedClock`: the real time plus an offset stored in the database, so both apps and the QA
  command line see the same simulated time when the trainer advances or skews it.

Times are unix seconds as floats (UTC); `to_iso` / `parse_iso` convert at the edges.
"""
from __future__ import annotations

import math

import time
from datetime import datetime, timedelta, timezone
from typing import Callable, Protocol

from shared.errors import InputError


class Clock(Protocol):
    def now(self) -> float:
        """Unix seconds, UTC."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, t: float | str = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._t = parse_iso(t) if isinstance(t, str) else float(t)

    def now(self) -> float:
        return self._t

    def set(self, t: float | str) -> None:
        self._t = parse_iso(t) if isinstance(t, str) else float(t)

    def advance(self, seconds: float) -> None:
        self._t += seconds


class SimulatedClock:
    """`base` plus an offset read through `offset()` (the database's shared clock offset)."""

    def __init__(self, offset: Callable[[], float], base: Clock | None = None) -> None:
        self._offset = offset
        self._base = base or SystemClock()

    def now(self) -> float:
        return self._base.now() + self._offset()


# Japan time, the one definition: business days, receipts, notices and every screen show it. Japan
# has no daylight saving, so a fixed offset is exact (and the SQL that groups sales by business day
# can add JST_OFFSET_SECONDS to a unix time).
JST_OFFSET_SECONDS = 9 * 3600
JST = timezone(timedelta(seconds=JST_OFFSET_SECONDS), "JST")


def in_jst(t: float) -> datetime:
    """Unix time `t` as an aware datetime in Japan time."""
    return datetime.fromtimestamp(t, tz=JST)


def jst_text(t: float, *, seconds: bool = False) -> str:
    """"2026-11-25 18:46 JST" (receipts, notices, tables); `seconds` adds them ("18:46:40 JST")."""
    return in_jst(t).strftime("%Y-%m-%d %H:%M:%S JST" if seconds else "%Y-%m-%d %H:%M JST")


_UNITS = {"en": {"second": "second", "minute": "minute", "hour": "hour"},
          "ja": {"second": "秒", "minute": "分", "hour": "時間"}}


def wait_words(seconds: float, lang: str = "en") -> str:
    """A wait or a lifetime in words, rounded up: "1 second", "45 seconds", "1 minute", "15 minutes",
    "24 hours" (never "1 seconds" nor "minute(s)"); `lang` "ja": "45 秒", "15 分", "24 時間".
    Minutes up to two hours; whole hours beyond when they are exact or over two hours."""
    s = max(1, math.ceil(seconds))
    if s < 60:
        n, unit = s, "second"
    elif s <= 2 * 3600 and not (s % 3600 == 0 and s > 3600):
        n, unit = math.ceil(s / 60), "minute"
    else:
        n, unit = math.ceil(s / 3600), "hour"
    if lang == "ja":
        return f"{n} {_UNITS['ja'][unit]}"
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


# The times the simulator accepts from outside (`--now`, `clock set`): 1970 up to the end of 9998,
# so every derived time (Japan's business day at UTC+9, expiries, a ten-year clock offset) still
# fits in a datetime.
MIN_TIME = 0.0                                  # 1970-01-01T00:00:00Z
MAX_TIME = 253_370_764_799.0                    # 9998-12-31T23:59:59Z


def to_iso(t: float) -> str:
    """ISO-8601 in UTC with a Z, to the second (what the CLI and receipts show). A time outside what a
    datetime can hold (a damaged row) is shown as @<unix seconds> instead of raising."""
    try:
        return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError, TypeError):
        return f"@{t!r}"


def parse_iso(text: str) -> float:
    """Parse ISO-8601 ("2026-11-25T09:00:00Z", "...+09:00", "2026-11-25"); naive means UTC."""
    if not isinstance(text, str) or not text.strip() or len(text) > 64:
        raise InputError("Give a time as ISO-8601, e.g. 2026-11-25T09:00:00Z.")
    s = text.strip()
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise InputError(f"Not an ISO-8601 time: {text[:40]!r}.") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        t = dt.timestamp()
    except (OverflowError, ValueError, OSError):  # e.g. 0001-01-01T00:00:00+14:00 is before year 1 in UTC
        t = float("nan")
    if not MIN_TIME <= t <= MAX_TIME:
        raise InputError(f"{text[:40]!r} is out of range: give a time from 1970-01-01 to 9998-12-31 (UTC).",
                         code="time_out_of_range")
    return t
