"""Texts the core itself shows in two languages (English, Japanese): defences, challenges, the
steps and incident reports of attack scenarios.

Everything else the GUI translates from codes (audit events, refusal codes). The core holds these
two languages because it writes documents itself (the HTML incident report, `qrpay` output) that
must follow `--lang`. A `Text` is keyed by a stable id in its registry; the id never changes, the
words may.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.errors import InputError

LANGS: tuple[str, ...] = ("en", "ja")


@dataclass(frozen=True, slots=True)
class Text:
    """One text in English and Japanese; `format` fills `{name}` placeholders in either."""

    en: str
    ja: str

    def __post_init__(self) -> None:
        if not isinstance(self.en, str) or not isinstance(self.ja, str) or not self.en or not self.ja:
            raise TypeError("a Text needs a non-empty English and Japanese string")

    def get(self, lang: str) -> str:
        return self.ja if check_lang(lang) == "ja" else self.en

    def format(self, lang: str, /, **params: Any) -> str:
        return self.get(lang).format(**params)

    def to_json(self) -> dict[str, str]:
        return {"en": self.en, "ja": self.ja}


def check_lang(lang: object) -> str:
    """`lang` when it is one of LANGS, else InputError `unknown_language`."""
    if lang not in LANGS:
        raise InputError(f"Unknown language {str(lang)[:10]!r}: choose one of {', '.join(LANGS)}.",
                         code="unknown_language")
    return lang  # type: ignore[return-value]
