"""The wallet app end to end with a fixed clock: sign-up → enrol → sign-in → top-up → Pay, the
QR read back from the widget's pixels by the POS decoder and redeemed by the core → "Paid".
Also: password reasons, lockout countdown, refresh on expiry, hiding when not in front,
forgot-password through the Mailbox, the 2019 badge, the Authenticator window."""
from __future__ import annotations

import re

import numpy as np
import pyotp
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from shared.demo_data import seed_demo
from shared.scanning.decoders import ZxingDecoder
from shared.wallet import EntryKind
from ui_common.tasks import wait_for_tasks
from wallet_app.main_window import WalletWindow

EMAIL = "wallet-test@example.com"
PASSWORD = "violet tractor umbrella 47"


def totp_now(core, secret: str) -> str:
    return pyotp.TOTP(secret).at(int(core.now()))


@pytest.fixture
def window(qtbot, core):
    w = WalletWindow(core, profile="test")
    qtbot.addWidget(w)
    w.resize(1000, 760)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    yield w
    w.close()
    wait_for_tasks(qtbot)


def register(core, clock, email=EMAIL, password=PASSWORD):
    """An enrolled customer through the core; the clock moves on so the next code is fresh."""
    e = core.identity.register(email, "Hanako", password)
    core.identity.confirm_totp(email, totp_now(core, e.totp_secret))
    clock.advance(30)
    return e


def sign_in(window, core, clock, secret, email=EMAIL, password=PASSWORD):
    s = core.identity.sign_in(email, password, totp=totp_now(core, secret), device=window.device)
    clock.advance(30)
    window.signed_in_as(s)


def seed_store(core):
    """A store, a terminal, a clerk and an item, from the demo data."""
    seed_demo(core)
    terminal = core.catalog.terminals()[0].id
    clerk = next(s for s in core.staff.list() if s.role.value == "clerk")
    item = core.catalog.items()[0]
    return terminal, clerk.id, item


def grab_gray(widget) -> np.ndarray:
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    return np.frombuffer(img.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)[:, :w].copy()


def decode(frame) -> list[str]:
    return [d.text for d in ZxingDecoder().decode(frame)]


def test_sign_up_to_paid_end_to_end(qtbot, window, core, clock, tmp_path):
    w = window
    signup = w.show_signup()
    signup.email.setText(EMAIL)
    signup.name.setText("Hanako Yamada")
    signup.password.setText(PASSWORD)
    signup.password2.setText(PASSWORD)
    signup.feedback.refresh()
    assert signup.feedback.reasons == []
    qtbot.mouseClick(signup.create_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot)
    assert signup.page == signup.AUTHENTICATOR
    secret = signup.enrollment.totp_secret
    assert signup.setup.secret_label.text().replace(" ", "") == secret
    assert signup.setup.uri.startswith("otpauth://totp/")
    # the enrolment QR on screen is the otpauth URI a real authenticator app scans
    assert decode(grab_gray(signup.setup.qr)) == [signup.enrollment.otpauth_uri]

    signup.setup.code.setText(totp_now(core, secret))
    signup.confirm()
    assert signup.page == signup.RECOVERY
    saved = tmp_path / "codes.txt"
    signup.codes.save_to(saved)
    assert all(c in saved.read_text() for c in signup.enrollment.recovery_codes)
    signup.finish()

    signin = w.current_screen()
    assert signin is w.signin and signin.email.text() == EMAIL
    # hardened: e-mail, password and code on one screen, sent together
    assert signin.one_step and signin.one_step_code.isVisible()
    signin.password.setText(PASSWORD)
    clock.advance(30)  # the enrolment code is spent; the next one
    signin.one_step_code.setText(totp_now(core, secret))
    signin.submit()
    wait_for_tasks(qtbot)
    assert w.current_screen() is w.home and w.signed_in
    assert w.home.balance.text() == "¥0"

    topup = w.show_topup()
    clock.advance(30)
    topup.choose(5_000)
    assert "¥5,000" in topup.submit_button.text()
    topup.factor.setText(totp_now(core, secret))
    topup.submit()
    wait_for_tasks(qtbot)
    assert topup.last_topup is not None and topup.last_topup.balance == 5_000
    assert "¥5,000" in topup.banner.text()
    assert core.wallet.balance(w.session.customer_id) == 5_000

    terminal, clerk_id, item = seed_store(core)
    clock.advance(301)  # the top-up's step-up is too old now: Pay asks for a fresh code
    pay = w.show_pay()
    assert pay.page == pay.PROMPT
    pay.factor.setText(totp_now(core, secret))
    pay.confirm()
    assert pay.page == pay.CODE
    assert re.fullmatch(r"(\d{4} ){2}\d{4}\n\d{4} \d{4}", pay.numeric.text())
    # the painted square (the widget's smaller side) is at least 60% of the window's height
    qtbot.waitUntil(lambda: min(pay.qr.width(), pay.qr.height()) >= 0.6 * w.height(), timeout=2000)

    texts = decode(grab_gray(pay.qr))
    assert texts == [pay.issued.text]
    sale = core.sales.pay(terminal_id=terminal, clerk_id=clerk_id, code=texts[0], lines=[(item.jan, 1)],
                          sale_id="S-wallet-1")
    qtbot.waitUntil(lambda: pay.page == pay.RESULT, timeout=2000)
    assert pay.result_title.text() == f"¥{sale.total:,}" and pay.result_icon.text() == "✓ Paid"
    assert pay.result_store.text().startswith("at ")
    assert sale.receipt_no in pay.result_details.text()

    history = w.show_history()
    assert history.entries.count() == 2
    row = history.entries.row_widget(0)   # reads like a payment app: store, amount, item, receipt no.
    assert row.title.full_text() == core.catalog.store().name_en
    assert row.amount.text() == f"−¥{sale.total:,}"
    assert item.name_en in row.items.full_text()
    assert sale.receipt_no in row.when.full_text() and "S-wallet-1" not in row.when.full_text()
    history.show_receipt(sale.id)
    assert history.page == history.RECEIPT and sale.receipt_no in history.receipt_view.toPlainText()


def test_weak_password_reasons_are_shown(qtbot, window):
    signup = window.show_signup()
    signup.email.setText("taro@example.com")
    signup.password.setText("password")
    signup.feedback.refresh()
    assert signup.feedback.reasons
    assert "common passwords" in signup.feedback.text()
    signup.password.setText("taro@example.com1")
    signup.feedback.refresh()
    assert "e-mail" in signup.feedback.text()
    signup.name.setText("Taro")
    signup.password.setText("abc")
    signup.password2.setText("abc")
    signup.create()
    wait_for_tasks(qtbot)
    assert signup.page == signup.DETAILS
    assert signup.banner.isVisible() and "8 characters" in signup.banner.text()


def test_lockout_shows_time_remaining_and_counts_down(qtbot, window, core, clock):
    from shared.errors import QrpayError

    register(core, clock)
    for _ in range(core.policy.lock_after_failures):
        try:
            core.identity.sign_in(EMAIL, "wrong password here", totp="000000")
        except QrpayError as e:
            assert e.code in ("invalid_credentials", "locked")
        clock.advance(400)  # past each growing delay, so every attempt counts
    signin = window.show_signin(EMAIL)
    signin.password.setText(PASSWORD)
    signin.one_step_code.setText("123456")
    signin.submit()
    wait_for_tasks(qtbot)
    assert signin.wait_kind == "locked"
    assert "locked" in signin.banner.text() and not signin.submit_button.isEnabled()
    before = signin.banner.text()
    assert re.search(r"\d+:\d\d", before)
    clock.advance(60)
    qtbot.waitUntil(lambda: signin.banner.text() != before, timeout=3000)  # the 1 s tick repaints
    assert signin.remaining() < 15 * 60 - 59
    clock.advance(15 * 60)
    qtbot.waitUntil(lambda: signin.submit_button.isEnabled(), timeout=3000)


def test_code_refreshes_before_expiry_and_warns(qtbot, window, core, clock):
    e = register(core, clock)
    sign_in(window, core, clock, e.totp_secret)
    pay = window.show_pay()
    pay.factor.setText(totp_now(core, e.totp_secret))
    pay.confirm()
    first = pay.issued
    assert first is not None
    clock.set(first.expires_at - 8)
    qtbot.waitUntil(lambda: pay.countdown.property("warning") is True, timeout=3000)
    clock.set(first.expires_at - 3)
    qtbot.waitUntil(lambda: pay.issued is not None and pay.issued.nonce != first.nonce, timeout=3000)
    assert core.codes.status(window.token, first.nonce).state.value in ("superseded", "expired")
    assert pay.countdown.property("warning") is False
    old = pay.issued.nonce
    pay.refresh_now()
    assert pay.issued.nonce != old


def _show_code(window, core, clock):
    e = register(core, clock)
    sign_in(window, core, clock, e.totp_secret)
    pay = window.show_pay()
    pay.factor.setText(totp_now(core, e.totp_secret))
    pay.confirm()
    assert not pay.qr.is_hidden() and decode(grab_gray(pay.qr))
    return pay


def test_code_stays_shown_when_another_window_takes_the_focus(qtbot, window, core, clock):
    """One laptop: the presenter clicks the till (another window) while the phone shows its code."""
    pay = _show_code(window, core, clock)
    other = window.open_authenticator()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=2000)
    qtbot.wait(1100)  # a full tick of the window's timer: nothing covers the code later either
    assert not pay.qr.is_hidden()
    assert decode(grab_gray(pay.qr)) == [pay.issued.text]
    assert any(ch.isdigit() for ch in pay.numeric.text())


def test_code_covered_while_minimised_or_hidden(qtbot, window, core, clock):
    """The defence a real phone has: the code is not on screen while the app is put away."""
    pay = _show_code(window, core, clock)
    window.showMinimized()
    qtbot.waitUntil(pay.qr.is_hidden, timeout=2000)
    assert decode(grab_gray(pay.qr)) == []
    assert not any(ch.isdigit() for ch in pay.numeric.text())
    window.showNormal()
    qtbot.waitUntil(lambda: not pay.qr.is_hidden(), timeout=2000)
    assert decode(grab_gray(pay.qr)) == [pay.issued.text]
    window.hide()
    assert pay.qr.is_hidden() and not window.code_may_show()
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not pay.qr.is_hidden(), timeout=2000)


def test_hardened_sign_in_gives_one_answer_for_every_wrong_part(qtbot, window, core, clock):
    """Wrong password with the right code and right password with a wrong code read the same, and
    nothing on screen moves to a second step that would tell a bot the password was right."""
    e = register(core, clock)
    signin = window.show_signin(EMAIL)
    seen = []
    for password, code in ((PASSWORD, "000000"), ("not the password 1", totp_now(core, e.totp_secret)),
                           ("not the password 2", "123456")):
        clock.advance(400)  # past any growing delay
        signin.password.setText(password)
        signin.one_step_code.setText(code)
        signin.submit()
        wait_for_tasks(qtbot)
        assert signin.page == signin.PASSWORD and not window.signed_in
        seen.append(signin.banner.text())
    assert len(set(seen)) == 1 and "password or code is wrong" in seen[0]
    # no code typed: the screen asks for all three; nothing is sent
    signin.password.setText(PASSWORD)
    signin.one_step_code.clear()
    signin.submit()
    assert "code" in signin.banner.text() and not signin._busy


def test_hardened_sign_in_with_a_recovery_code(qtbot, window, core, clock):
    e = register(core, clock)
    signin = window.show_signin(EMAIL)
    signin.toggle_recovery()
    assert signin.using_recovery
    signin.password.setText(PASSWORD)
    signin.one_step_code.setText(e.recovery_codes[0])
    signin.submit()
    wait_for_tasks(qtbot)
    assert window.signed_in


def test_unfinished_enrolment_signs_in_with_password_and_code(qtbot, window, core, clock):
    e = core.identity.register(EMAIL, "Hanako", PASSWORD)   # the app was closed before the first code
    assert not core.identity.customer_by_email(EMAIL).totp_enrolled
    clock.advance(30)
    signin = window.show_signin(EMAIL)
    signin.password.setText(PASSWORD)
    signin.one_step_code.setText(totp_now(core, e.totp_secret))
    signin.submit()
    wait_for_tasks(qtbot)
    assert window.signed_in and core.identity.customer_by_email(EMAIL).totp_enrolled


def test_2019_keeps_the_password_first_flow(qtbot, window, core, clock):
    register(core, clock)
    core.set_policy("2019")
    window.refresh_policy()
    signin = window.show_signin(EMAIL)
    assert not signin.one_step and not signin.one_step_code.isVisibleTo(signin)
    signin.password.setText(PASSWORD)
    signin.submit()
    wait_for_tasks(qtbot)
    assert window.signed_in   # 7pay's launch settings: a password alone


def test_balance_and_history_follow_the_till_without_reopening(qtbot, window, core, clock, db_path):
    """A payment and a refund made by another process (another connection to the file) show on
    Home within the window's 1 s tick."""
    from shared.core import Core

    e = register(core, clock)
    terminal, clerk_id, item = seed_store(core)
    with core.db.write() as conn:
        from shared import ledger
        cid = core.identity.customer_by_email(EMAIL).id
        ledger.transfer(conn, key="t-live", kind="topup", at=core.now(), memo="test",
                        postings=[(ledger.CARD_CLEARING, -5000), (ledger.wallet_account(cid), 5000)])
    sign_in(window, core, clock, e.totp_secret)
    home = window.current_screen()
    assert home is window.home and home.balance.text() == "¥5,000"
    till = Core.open(db_path, clock=clock)
    try:
        code = core.codes.issue(window.token, totp=totp_now(core, e.totp_secret))
        sale = till.sales.pay(terminal_id=terminal, clerk_id=clerk_id, code=code.text, lines=[(item.jan, 1)],
                              sale_id="S-live-1")
        qtbot.waitUntil(lambda: home.balance.text() == f"¥{5000 - sale.total:,}", timeout=3000)
        assert home.recent.row_widget(0).entry.receipt_no == sale.receipt_no
        boss = till.staff.add("Boss", "supervisor", "97531")
        till.refunds.refund(sale_id=sale.id, supervisor_id=boss.id, pin="97531")
        qtbot.waitUntil(lambda: home.balance.text() == "¥5,000", timeout=3000)
        assert home.recent.row_widget(0).entry.kind is EntryKind.REFUND
    finally:
        till.close()


def test_forgot_password_through_the_mailbox(qtbot, window, core, clock):
    e = register(core, clock)
    forgot = window.show_forgot(EMAIL)
    assert not forgot.send_to.isVisibleTo(forgot)  # hardened: codes go to the address of record only
    forgot.request()
    wait_for_tasks(qtbot)
    assert forgot.page == forgot.COMPLETE
    forgot.open_mailbox()
    box = window.current_screen()
    assert box is window.mailbox and box.address == EMAIL
    assert "reset code" in box.view.toPlainText()
    code = re.search(r"reset code is (\d{8})", box.view.toPlainText()).group(1)
    box.go_back()
    assert window.current_screen() is forgot and forgot.page == forgot.COMPLETE
    new_password = "quiet lantern orbit 19"
    forgot.reset_code.setText(code)
    forgot.factor.setText(totp_now(core, e.totp_secret))
    forgot.new_password.setText(new_password)
    forgot.complete()
    wait_for_tasks(qtbot)
    assert window.current_screen() is window.signin
    assert "reset" in window.signin.banner.text()
    clock.advance(30)
    core.identity.sign_in(EMAIL, new_password, totp=totp_now(core, e.totp_secret))


def test_2019_badge_follows_the_policy(qtbot, window, core):
    assert "Hardened" in window.badge.text()
    core.set_policy("2019")
    qtbot.waitUntil(lambda: "2019 settings" in window.badge.text(), timeout=5000)


def test_authenticator_window_shows_current_codes(qtbot, window, core, clock):
    e = register(core, clock)
    auth = window.open_authenticator()
    qtbot.waitUntil(lambda: auth.codes().get(EMAIL) == [totp_now(core, e.totp_secret)], timeout=3000)
    assert "second device" in auth.windowTitle()
    clock.advance(30)
    qtbot.waitUntil(lambda: auth.codes().get(EMAIL) == [totp_now(core, e.totp_secret)], timeout=3000)


def test_japanese_ships_and_is_used(qtbot, qapp, core):
    from PySide6.QtCore import QTranslator

    from ui_common.app import I18N_DIR, install_translator

    assert (I18N_DIR / "wallet_app_ja.qm").exists()
    before = set(qapp.findChildren(QTranslator))
    install_translator(qapp, "wallet_app", "ja", phrase_wrap=True)
    try:
        w = WalletWindow(core)
        qtbot.addWidget(w)
        from ui_common.app import plain_text

        assert plain_text(w.welcome.title.text()) == "ようこそ"
        assert plain_text(w.welcome.signin_button.text()) == "ログイン"
        w.signup.password.setText("password")
        w.signup.feedback.refresh()
        assert "よく使われるパスワード" in plain_text(w.signup.feedback.text())
        w.close()
    finally:
        for t in set(qapp.findChildren(QTranslator)) - before:
            qapp.removeTranslator(t)


def test_refusals_read_in_japanese_even_for_codes_the_app_does_not_know(qtbot, qapp):
    from shared.errors import QrpayError
    from ui_common.app import install_translator, plain_text
    from wallet_app import messages

    install_translator(qapp, "wallet_app", "ja", phrase_wrap=True)
    qapp.setProperty("qrpay_language", "ja")
    try:
        unknown = plain_text(messages.error_text(QrpayError("Some English sentence.", code="brand_new_code")))
        assert "brand_new_code" in unknown and "English" not in unknown and "うまくいきませんでした" in unknown
        storage = plain_text(messages.error_text(QrpayError("database is locked", code="db_locked")))
        assert storage == plain_text(messages.error_text(QrpayError("x", code="storage_error")))
        refused = plain_text(messages.error_text(QrpayError("", code="replayed")))
        assert refused and refused.isascii() is False
    finally:
        install_translator(qapp, "wallet_app", "en")
        qapp.setProperty("qrpay_language", "en")


def test_kiosk_offers_a_visible_way_out_behind_the_supervisor(qtbot, window):
    asked = []
    window.set_kiosk(True)
    window.exit_guard = lambda: asked.append(1) or False
    assert window.leave_button.isVisible()
    window.leave_button.click()
    assert asked and window.isVisible()         # refused: the kiosk stays
    window.exit_guard = lambda: True
    window.leave_button.click()
    assert not window.isVisible()


def test_custom_badge_counts_defences_off_and_follows_switches_inside_the_set(qtbot, window, core):
    """A custom set is never shown as "Hardened", and a switch that keeps the name "custom" still
    reaches the window (the sign-in screen follows the second factor being switched)."""
    core.set_defence("code-lifetime", False)
    qtbot.waitUntil(lambda: "Custom: 1 defences off" in window.badge.text(), timeout=5000)
    assert "Hardened" not in window.badge.text() and window.signin.one_step_code.isVisibleTo(window.signin)
    core.set_defence("second-factor-sign-in", False)          # still "custom", now two off
    qtbot.waitUntil(lambda: "Custom: 2 defences off" in window.badge.text(), timeout=5000)
    assert not window.signin.one_step_code.isVisibleTo(window.signin)
    core.set_policy("hardened")
    qtbot.waitUntil(lambda: "Hardened" in window.badge.text(), timeout=5000)
