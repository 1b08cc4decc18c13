"""The wallet's "Sign in with SNS ID" under pytest-qt (offscreen), end to end: the button opens the
SNS's consent window (the SNS account, the app asking, Allow / Cancel); Allow signs in through the
core's code flow; under hardened Pay then asks for the authenticator code before it shows a code."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from shared import totp
from tests.test_wallet_app import register, totp_now, window  # noqa: F401 - the fixture
from ui_common.tasks import wait_for_tasks
from wallet_app.sns_consent_window import SnsConsentWindow

SNS_PASSWORD = "hanako-sns-password"


def _linked(core, clock, email="wallet-test@example.com"):
    e = register(core, clock)
    core.sns.add_user(email, "Hanako", SNS_PASSWORD)
    s = core.identity.sign_in(email, "violet tractor umbrella 47", totp=totp_now(core, e.totp_secret))
    req = core.external_id.begin()
    grant = core.sns.authorize(email=email, password=SNS_PASSWORD, client_id=req.client_id,
                               redirect_uri=req.redirect_uri, code_challenge=req.code_challenge, nonce=req.nonce,
                               state=req.state)
    core.external_id.link(s.token, state=req.state, code=grant.code)
    core.identity.sign_out(s.token)
    clock.advance(30)
    return e


def _open_consent(qtbot, window) -> SnsConsentWindow:
    window.show_signin()
    qtbot.mouseClick(window.signin.sns_button, Qt.MouseButton.LeftButton)
    consent = window.signin.sns_flow.window
    assert isinstance(consent, SnsConsentWindow) and consent.isVisible()
    qtbot.addWidget(consent)
    return consent


def test_sns_button_consent_allow_then_pay_asks_for_the_authenticator(qtbot, window, core, clock):
    e = _linked(core, clock)
    consent = _open_consent(qtbot, window)
    assert "qrpay wallet" in consent.asking.text()                     # the app asking, by its SNS name
    consent.email.setText("wallet-test@example.com")
    qtbot.keyClicks(consent.password, SNS_PASSWORD)
    qtbot.mouseClick(consent.allow_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot)
    qtbot.waitUntil(lambda: window.session is not None, timeout=5000)
    wait_for_tasks(qtbot)
    assert not consent.isVisible() and consent.password.text() == ""
    assert window.session.customer_id == e.customer_id
    window.show_pay()
    assert window.pay.issued is None and window.pay.page == window.pay.PROMPT   # asks for the code first
    window.pay.factor.setText(totp_now(core, e.totp_secret))
    window.pay.confirm()
    assert window.pay.issued is not None and window.pay.page == window.pay.CODE


def test_wrong_sns_password_stays_in_the_consent_window(qtbot, window, core, clock):
    _linked(core, clock)
    consent = _open_consent(qtbot, window)
    consent.email.setText("wallet-test@example.com")
    consent.password.setText("not-the-password")
    consent.allow()
    wait_for_tasks(qtbot)
    assert consent.isVisible() and window.session is None
    assert "wrong" in consent.banner.text().lower()
    consent.cancel()
    assert not consent.isVisible()
    assert window.session is None and "cancelled" in window.signin.banner.text().lower()


def test_an_unlinked_sns_account_does_not_sign_in(qtbot, window, core, clock):
    register(core, clock)
    core.sns.add_user("wallet-test@example.com", "Hanako", SNS_PASSWORD)   # same e-mail, never linked
    consent = _open_consent(qtbot, window)
    consent.email.setText("wallet-test@example.com")
    consent.password.setText(SNS_PASSWORD)
    consent.allow()
    wait_for_tasks(qtbot)
    qtbot.waitUntil(lambda: not consent.isVisible(), timeout=5000)
    wait_for_tasks(qtbot)
    assert window.session is None
    assert window.current_screen() is window.signin
    assert "not linked" in window.signin.banner.text()
    assert [r.details["reason"] for r in core.audit_recent(limit=5) if r.event.value == "external_id_refused"] \
        == ["external_id_not_linked"]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_consent_window_fits_in_english_and_japanese(qtbot, core, lang):
    from PySide6.QtWidgets import QApplication

    from ui_common import layout_check
    from ui_common.app import make_application

    make_application([], app_name="wallet_app", lang=lang, phrase_wrap=True)
    try:
        w = SnsConsentWindow(core, core.external_id.begin(), email_hint="hanako@example.jp")
        qtbot.addWidget(w)
        w.show()
        QApplication.processEvents()
        assert not layout_check.check_window(w, on_screen=False), layout_check.check_window(w, on_screen=False)
        assert (w.allow_button.text().replace("\u2060", "") == "許可する") == (lang == "ja")
        w.close()
    finally:
        make_application([], app_name="wallet_app", lang="en")


def test_security_links_the_sns_account_with_a_fresh_authenticator_code(qtbot, window, core, clock):
    e = register(core, clock)
    core.sns.add_user("wallet-test@example.com", "Hanako", SNS_PASSWORD)
    s = core.identity.sign_in("wallet-test@example.com", "violet tractor umbrella 47",
                              totp=totp_now(core, e.totp_secret), device=window.device)
    window.signed_in_as(s)
    clock.advance(600)                      # the sign-in's second-factor check is old now
    window.show_security()
    card = window.security.sns_link
    assert card.link_button.isVisible() and "Not linked" in card.status.text()

    def link(code: str):
        window.security.factor.setText(code)
        qtbot.mouseClick(card.link_button, Qt.MouseButton.LeftButton)
        consent = card.consent
        qtbot.addWidget(consent)
        consent.password.setText(SNS_PASSWORD)
        consent.allow()
        wait_for_tasks(qtbot)
        qtbot.waitUntil(lambda: not consent.isVisible(), timeout=5000)
        wait_for_tasks(qtbot)

    link("")                                # no code: the core refuses, nothing linked
    assert not core.external_id.links(s.token)
    assert "authenticator" in window.security.banner.text()
    link(totp_now(core, e.totp_secret))
    assert [lk.customer_id for lk in core.external_id.links(s.token)] == [e.customer_id]
    assert "linked" in window.security.banner.text() and not card.link_button.isVisible()


def test_2019_links_by_email_on_first_sns_sign_in_and_pay_shows_a_code_at_once(qtbot, window, core, clock):
    """What 7pay's external-ID login did: an SNS account with the same e-mail is in, no second factor."""
    e = register(core, clock)
    core.sns.add_user("wallet-test@example.com", "Hanako", SNS_PASSWORD)    # never linked
    core.set_policy("2019")
    window.refresh_policy()
    consent = _open_consent(qtbot, window)
    consent.email.setText("wallet-test@example.com")
    consent.password.setText(SNS_PASSWORD)
    consent.allow()
    wait_for_tasks(qtbot)
    qtbot.waitUntil(lambda: window.session is not None, timeout=5000)
    wait_for_tasks(qtbot)
    assert window.session.customer_id == e.customer_id
    window.show_pay()
    assert window.pay.issued is not None and window.pay.page == window.pay.CODE
    core.set_policy("hardened")


def test_a_kiosk_reset_closes_the_sns_page(qtbot, window, core, clock):
    consent = _open_consent(qtbot, window)
    consent.email.setText("someone@example.jp")
    consent.password.setText("typed by the last visitor")
    window.reset_for_next_customer()
    assert not consent.isVisible() and consent.password.text() == ""
    assert window.current_screen() is window.welcome
