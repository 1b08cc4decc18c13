"""The web wallet's one catalogue (shared/web_wallet/texts.py): every text in English and Japanese with the
same {placeholders}, every key a template or page asks for exists, and where the desktop wallet already says
the same thing the web says it in the same words in both languages (one set of reasons for a refusal)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from shared.errors import QrpayError
from shared.passwords import PasswordProblemCode
from shared.web_wallet import texts

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "shared" / "web_wallet"
KANA_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ALL = {**{f"TEXTS[{k}]": v for k, v in texts.TEXTS.items()}, **{f"ERRORS[{k}]": v for k, v in texts.ERRORS.items()},
       **{f"PASSWORD_PROBLEMS[{k.value}]": v for k, v in texts.PASSWORD_PROBLEMS.items()}}


@pytest.mark.parametrize("key", sorted(ALL))
def test_both_languages_and_the_same_placeholders(key):
    text = ALL[key]
    assert text.en.strip() and text.ja.strip()
    assert texts.placeholders(text.en) == texts.placeholders(text.ja), key
    if key not in ("TEXTS[lang.switch]", "TEXTS[list.comma]"):
        assert KANA_KANJI.search(text.ja), f"{key}: the Japanese is not Japanese: {text.ja!r}"
        assert text.en != text.ja


def test_every_password_problem_and_every_used_key_is_there():
    assert set(texts.PASSWORD_PROBLEMS) == set(PasswordProblemCode)
    used = set()
    for f in list(WEB.glob("templates/*.html")) + list(WEB.glob("*.py")):
        src = f.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_0-9]+)["']""", src))
        used |= set(re.findall(r"""\(\s*"(?:ok|info|danger|warning)",\s*"([a-z_]+\.[a-z_0-9]+)"\s*\)""", src))
        used |= set(re.findall(r"""home_action\([^,]+,\s*"([a-z_]+\.[a-z_0-9]+)\"""", src))
    assert used, "the scan found no keys: the pattern is wrong"
    missing = sorted(k for k in used if k not in texts.TEXTS)
    assert missing == []


def _desktop(ts: str) -> dict[str, set[str]]:
    """English source → its Japanese translations in the desktop app (a word may differ by screen)."""
    out: dict[str, set[str]] = {}
    for ctx in ET.parse(ROOT / "ui_common" / "i18n" / ts).getroot():
        for m in ctx.findall("message"):
            src, tr = m.findtext("source"), m.find("translation")
            if src and tr is not None and tr.text and tr.get("type") not in ("unfinished", "obsolete", "vanished"):
                out.setdefault(src, set()).add(tr.text)
    return out


def test_the_web_says_what_the_desktop_wallet_says():
    desktop = _desktop("wallet_app_ja.ts")
    shared = [(k, v) for k, v in ALL.items() if v.en in desktop]
    assert len(shared) >= 60, "the web should reuse the desktop wallet's words, not invent new ones"
    differ = [(k, v.ja, desktop[v.en]) for k, v in shared if v.ja not in desktop[v.en]]
    assert differ == []
    # every refusal the desktop translates, the web translates too
    src = (ROOT / "wallet_app" / "messages.py").read_text(encoding="utf-8")
    desktop_codes = set(re.findall(r'^\s+"([a-z_]+)": QCoreApplication', src, re.M))
    assert desktop_codes and desktop_codes <= set(texts.ERRORS)


@pytest.mark.parametrize("lang", texts.LANGS)
def test_refusals_read_in_the_language_asked_for(lang):
    weak = QrpayError("Choose another password:", code="weak_password",
                      problems=[{"code": "too_short", "min": 12}, {"code": "sequence"}, {"code": "from-a-newer-core"}])
    said = texts.error_text(weak, lang)
    assert ("12" in said) and (texts.PASSWORD_PROBLEMS[PasswordProblemCode.SEQUENCE].get(lang) in said)
    unknown = texts.error_text(QrpayError("Something new.", code="brand_new_code"), lang)
    assert unknown == ("Something new." if lang == "en" else "うまくいきませんでした（brand_new_code）。")
    assert texts.error_text(QrpayError("x", code="locked", until=5.0), lang) == texts.ERRORS["locked:until"].get(lang)
