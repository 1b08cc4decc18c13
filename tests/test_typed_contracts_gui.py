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


# -- audit events: the Alerts panel ---------------------------------------------------------------
def _alerts_ts() -> dict[str, tuple[str | None, str | None]]:
    import xml.etree.ElementTree as ET

    from ui_common.app import I18N_DIR
    root = ET.parse(I18N_DIR / "ui_common_ja.ts").getroot()
    return {m.findtext("source"): (m.findtext("translation"), m.find("translation").get("type"))
            for c in root.iter("context") if c.findtext("name") == "Alerts" for m in c.iter("message")}


def test_every_audit_event_has_a_description_in_english_and_finished_japanese(qapp, japanese):
    from ui_common.audit_event_texts import EVENT_TEXTS, describe
    from shared.audit import AuditRow
    from shared.audit_events import AuditEvent

    def row(event):
        return AuditRow(1, 0.0, event, "alert", None, None, {})

    assert set(EVENT_TEXTS) == set(AuditEvent), set(AuditEvent) ^ set(EVENT_TEXTS)
    english = {e: describe(row(e)) for e in AuditEvent}
    assert all(text and text != e.value for e, text in english.items())
    assert len(set(english.values())) == len(AuditEvent)               # no two events read the same
    ts = _alerts_ts()
    unfinished = [e.value for e, text in EVENT_TEXTS.items()
                  if not ts.get(text, (None, None))[0] or ts[text][1] in ("unfinished", "vanished", "obsolete")]
    assert not unfinished, unfinished
    japanese("pos_app")                                                  # the shipped .qm, as the till loads it
    for e in AuditEvent:
        text = describe(row(e))
        assert text != english[e] and not text.isascii(), (e, text)
    assert describe(row("some_future_event")) == "some_future_event"


def headline_alerts(core) -> None:
    """What the core really writes in the two 7pay alerts: a customer locked by wrong passwords,
    then a credential-stuffing wave across many addresses (hardened policy)."""
    from shared.errors import Locked, QrpayError, Throttled

    core.identity.register("hanako@example.jp", "Hanako", "correct horse battery staple")
    for _ in range(100):
        try:
            core.identity.sign_in("hanako@example.jp", "wrong-password-0", totp="000000", source="203.0.113.7")
        except Throttled as t:                      # growing delays first: wait them out, as a person would
            core.clock.advance(t.details["retry_after"])
        except Locked:
            break
        except QrpayError:
            core.clock.advance(1)
    for i in range(core.policy.stuffing_threshold):
        core.clock.advance(1)
        with pytest.raises(QrpayError):
            core.identity.sign_in(f"leaked{i}@example.jp", "leaked-password-1", totp="000000", source="botnet")


def test_the_alerts_panel_names_the_two_headline_alerts_the_core_writes(qtbot, core, japanese):
    from pos_app.alerts_panel import AlertsPanel
    from shared.audit_events import AuditEvent

    headline_alerts(core)
    written = {r.event for r in core.alerts()}
    assert {AuditEvent.LOCKOUT, AuditEvent.STUFFING_ALERT} <= written

    def shown() -> dict:
        panel = AlertsPanel(core)
        qtbot.addWidget(panel)
        panel.refresh()
        return {r.event: panel.table.item(i, 1).text() for i, r in enumerate(panel.rows)}

    english = shown()
    assert english[AuditEvent.STUFFING_ALERT] == "Credential-stuffing attack suspected"
    assert english[AuditEvent.LOCKOUT] == "Customer account locked"
    japanese("pos_app")
    ja = shown()
    assert "リスト型攻撃" in ja[AuditEvent.STUFFING_ALERT]
    assert ja[AuditEvent.LOCKOUT] == "お客様アカウントをロック"


def test_the_alerts_panel_shows_details_in_words_not_raw_values(qtbot, core, japanese):
    """A clerk reads "locked until: 2026-… JST", not `until=1796108700.0`; the stuffing alert's sources as a
    list, not a Python repr; the labels in Japanese too."""
    import re

    from pos_app.alerts_panel import AlertsPanel
    from shared.audit_events import AuditEvent
    from shared.clock import jst_text

    headline_alerts(core)

    def details() -> dict:
        panel = AlertsPanel(core)
        qtbot.addWidget(panel)
        panel.refresh()
        return {r.event: (panel.table.item(i, 3).text(), r.details) for i, r in enumerate(panel.rows)}

    english = details()
    lock_text, lock = english[AuditEvent.LOCKOUT]
    assert f"locked until: {jst_text(lock['until'])}" in lock_text
    assert "failures in a row: " in lock_text
    wave_text, wave = english[AuditEvent.STUFFING_ALERT]
    assert f"accounts failing: {wave['failing_accounts']}" in wave_text
    for text, _ in english.values():
        assert "=" not in text and "[" not in text and "'" not in text, text
        assert not re.search(r"\d{9,}", text), text          # no raw Unix time
    japanese("pos_app")
    ja_text, _ = details()[AuditEvent.LOCKOUT]
    assert "ロック解除予定" in ja_text and "連続失敗" in ja_text and "locked until" not in ja_text
