"""Open a given screen straight away (`--screen NAME`), for screenshots and rehearsed demos.

Signing in reads the current code from the kiosk's authenticator accounts, exactly what a
presenter would copy from the Authenticator window; nothing here bypasses a core check.
"""
from __future__ import annotations

from shared.errors import QrpayError
from shared.totp import totp_code


def _code_for(core, email: str) -> str:
    for e, secret in core.identity.authenticator_accounts():
        if e == email.strip().lower():
            return totp_code(secret, core.now())
    raise SystemExit(f"no authenticator account for {email}")


def sign_in(window, email: str, password: str):
    core = window.core
    session = core.identity.sign_in(email, password, totp=_code_for(core, email), device=window.device)
    window.signed_in_as(session)
    return session


def open_screen(window, name: str, *, email: str | None = None, password: str | None = None) -> None:
    needs_session = name in ("home", "pay", "topup", "history", "security", "mailbox", "paid")
    if needs_session:
        if not (email and password):
            raise SystemExit("--screen %s needs --demo-customer and --demo-password" % name)
        try:
            sign_in(window, email, password)
        except QrpayError as e:  # a code already used this step: the next one comes within 30 s
            raise SystemExit(f"sign-in failed: {e.code}: {e.message}") from None
    if name == "signup-authenticator":
        from shared.totp import new_secret, otpauth_uri

        w = window.show_signup()
        secret = new_secret()
        w.setup.set_enrollment(otpauth_uri(secret, "hanako@example.com"), secret)
        w._set_page(w.AUTHENTICATOR)
        return
    if name == "signin-refused":
        # a real attempt with the right password and a wrong code: the one answer the core gives
        w = window.show_signin(email or "someone@example.com")
        w.password.setText(password or "not the password")
        w.one_step_code.setText("000000")
        w.submit()
        return
    if name == "signin-recovery":
        w = window.show_signin(email or "someone@example.com")
        if w.one_step:
            w.toggle_recovery()
        return
    if name == "locked":
        w = window.show_signin(email or "someone@example.com")
        w.wait_until, w.wait_kind = window.core.now() + 14 * 60 + 51, "locked"
        w._update_wait()
        return
    if name == "authenticator":
        window.open_authenticator()
        return
    if name == "paid":
        from shared.codes import CodeState, CodeStatus

        window.show_pay()
        # the look of the confirmation only: a status as the core returns it after a till's sale
        window.pay.show_paid(CodeStatus(CodeState.PAID, None, 1280, "Demo Mart", None, window.core.now()))
        return
    getattr(window, f"show_{name}")()


def show_sign_up_page(window, page: int, *, password: str | None = None) -> None:
    """The sign-up screen filled in for a new customer, on `page` (0: the form; later: the authenticator
    set-up and the recovery codes of a fresh enrolment)."""
    from shared.totp import new_recovery_codes, new_secret, otpauth_uri
    w = window.show_signup()
    w.email.setText("hanako.new@example.com")
    w.name.setText("山田 花子")
    if password is not None:
        w.password.setText(password)
        w.feedback.refresh()
    if page:
        secret = new_secret()
        w.setup.set_enrollment(otpauth_uri(secret, "hanako.new@example.com"), secret)
        w.codes.set_codes(new_recovery_codes())
        w._set_page(page)


def tour(window, outdir: str, *, email: str, password: str, done=None, only=None) -> None:
    """Visit every screen and save `window.grab()` of each to OUTDIR (`--tour`, for reviewing the
    layout in both languages). Signs in once; the "paid" shot is a real sale at the first terminal."""
    from pathlib import Path

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    lang = window.language
    core = window.core
    steps: list[tuple[str, callable]] = []

    def shot(name, prepare, target=None):
        steps.append((name, prepare, target))

    def sign_up_page(page):
        return lambda: show_sign_up_page(window, page, password="password1")

    def locked():
        w = window.show_signin(email)
        w.wait_until, w.wait_kind = core.now() + 14 * 60 + 51, "locked"
        w._update_wait()

    def paid():
        pay = window.show_pay()
        issued = pay.issued
        if issued is None:
            return
        terminal = core.catalog.terminals()[0].id
        clerk = next(s for s in core.staff.list() if s.role.value == "clerk")
        item = core.catalog.items()[0]
        import secrets
        core.sales.pay(terminal_id=terminal, clerk_id=clerk.id, code=issued.text, lines=[(item.jan, 2)],
                       sale_id=f"TOUR-{secrets.token_hex(4)}")
        pay.poll()

    shot("welcome", window.show_welcome)
    shot("signup", sign_up_page(0))
    shot("signup-authenticator", sign_up_page(1))
    shot("signup-recovery", sign_up_page(2))
    shot("signin", lambda: window.show_signin(email))
    shot("signin-locked", locked)
    shot("forgot", lambda: window.show_forgot(email))
    shot("signin-session", lambda: sign_in(window, email, password))
    shot("home", window.show_home)
    shot("topup", window.show_topup)
    shot("pay", window.show_pay)
    shot("paid", paid)
    shot("history", window.show_history)
    shot("receipt", lambda: (window.show_history(), window.history.open_row(0)))
    shot("security", window.show_security)
    shot("mailbox", lambda: window.show_mailbox())
    shot("authenticator", window.open_authenticator, "auth")

    if only:
        steps[:] = [s for s in steps if s[0] in only]

    def run(i=0):
        if i > 0:
            name, _prep, target = steps[i - 1]
            widget = window.authenticator if target == "auth" else window
            widget.grab().save(str(out / f"{name}-{lang}.png"))
        if i == len(steps):
            (done or QApplication.instance().quit)()
            return
        try:
            steps[i][1]()
        except QrpayError as e:
            print(f"{steps[i][0]}: {e.code}: {e.message}")
        QTimer.singleShot(700, lambda: run(i + 1))

    QTimer.singleShot(500, run)
