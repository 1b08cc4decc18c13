"""Integer yen. Money is never a float: a float raises, so rounding can never creep in.

Formatting ("¥1,234") and parsing of what a person typed live here so both apps and the CLI
agree; the core computes with `Yen` or plain `int`.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.errors import InputError


@dataclass(frozen=True, order=True, slots=True)
class Yen:
    """An amount of yen, possibly negative (a posting). Immutable, hashable, int-only."""

    amount: int

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"Yen needs an int, not {type(self.amount).__name__}")

    def __add__(self, other: "Yen") -> "Yen":
        if not isinstance(other, Yen):
            return NotImplemented
        return Yen(self.amount + other.amount)

    def __sub__(self, other: "Yen") -> "Yen":
        if not isinstance(other, Yen):
            return NotImplemented
        return Yen(self.amount - other.amount)

    def __neg__(self) -> "Yen":
        return Yen(-self.amount)

    def __mul__(self, n: int) -> "Yen":
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("Yen can only be multiplied by an int")
        return Yen(self.amount * n)

    __rmul__ = __mul__

    def __int__(self) -> int:
        return self.amount

    def __str__(self) -> str:
        return format_yen(self.amount)


def yen(value: "int | Yen") -> int:
    """The int amount of `value`; raises `TypeError` for floats, strings and bools."""
    if isinstance(value, Yen):
        return value.amount
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"an amount of yen must be an int, not {type(value).__name__}")
    return value


def format_yen(value: "int | Yen", *, signed: bool = False) -> str:
    """The one yen formatter (core, CLI, receipts, reports, every screen): "¥1,280", "-¥330".

    `signed` is for a change of a balance on a screen: "+¥1,000", "−¥1,280" (a typographic minus,
    U+2212, as payment apps print it), "¥0"."""
    n = yen(value)
    if signed:
        return ("+" if n > 0 else "−" if n < 0 else "") + f"¥{abs(n):,}"
    return f"-¥{-n:,}" if n < 0 else f"¥{n:,}"


def parse_yen(text: str, *, maximum: int = 10_000_000) -> int:
    """Parse what a person typed ("1280", "¥1,280", "１２８０") into a positive int of yen."""
    if not isinstance(text, str):
        raise InputError("Enter an amount in yen.")
    cleaned = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    cleaned = cleaned.replace("¥", "").replace("￥", "").replace(",", "").replace("円", "").strip()
    if not cleaned.isascii() or not cleaned.isdigit():
        raise InputError("Enter an amount in whole yen, digits only.")
    if len(cleaned) > 12:
        raise InputError("That amount is too large.")
    n = int(cleaned)
    if n <= 0:
        raise InputError("The amount must be more than ¥0.")
    if n > maximum:
        raise InputError(f"The amount must be at most {format_yen(maximum)}.")
    return n
