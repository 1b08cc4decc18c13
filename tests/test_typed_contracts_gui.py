"""The GUI reads the core's typed contracts, never its English: every password problem code and
every audit event the core can write has text in the app, in English and in finished Japanese."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTranslator

from shared.errors import WeakPassword
from shared.passwords import PasswordProblem, PasswordProblemCode, check
from ui_common.app import install_translator
from wallet_app import messages


@pytest.fixture
def japanese(qapp):
    def use(app_name: str) -> None:
        install_translator(qapp, app_name, "ja")
    before = set(qapp.findChildren(QTranslator))
    yield use
    for t in set(qapp.findChildren(QTranslator)) - before:
        qapp.removeTranslator(t)


def _english_texts() -> dict[PasswordProblemCode, str]:
    return {code: messages.password_problem_text(code, {"min": 8, "max": 256}) for code in PasswordProblemCode}


def test_every_password_problem_code_has_its_own_english_text(qapp):
    texts = _english_texts()
    assert len(set(texts.values())) == len(PasswordProblemCode)       # no code falls back to another's text
    assert texts[PasswordProblemCode.TOO_SHORT] == "Use at least 8 characters."
    # the GUI's English is the core's English, so the CLI and the app say the same thing
    for code, text in texts.items():
        assert PasswordProblem(code, {"min": 8, "max": 256} if code in (PasswordProblemCode.TOO_SHORT,
                               PasswordProblemCode.TOO_LONG) else {}).message == text


def test_every_password_problem_code_is_translated_with_its_numbers(qapp, japanese):
    english = _english_texts()
    japanese("wallet_app")
    for code in PasswordProblemCode:
        text = messages.password_problem_text(code, {"min": 12, "max": 256})
        assert text != english[code] and not text.isascii(), code
        assert "{" not in text
    assert "12" in messages.password_problem_text(PasswordProblemCode.TOO_SHORT, {"min": 12})
    assert "256" in messages.password_problem_text(PasswordProblemCode.TOO_LONG, {"max": 256})


def test_a_weak_password_refusal_is_translated_from_its_codes_not_its_sentences(qapp, japanese):
    found = check("Zq8#p", min_length=10)
    err = WeakPassword.of("Choose another password:", found)
    # the English sentences are scrambled: the GUI must not depend on them
    err.details["reasons"] = ["nonsense"]
    assert "10" in messages.error_text(err) and "nonsense" not in messages.error_text(err)
    japanese("wallet_app")
    text = messages.error_text(err)
    assert "10" in text and not text.isascii() and "nonsense" not in text
