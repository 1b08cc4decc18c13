"""Sign in.

Hardened policy: one screen asks for the e-mail, the password and the 6-digit code (or, after
"Use a recovery code", a recovery code) and sends them together. Any refusal reads the same —
"The e-mail, password or code is wrong" — because the core no longer says whether the password
was right (a credential-stuffing bot must not learn which stolen passwords work). An account
whose enrolment is not finished signs in the same way; the first good code finishes it.

2019 policy (training): the old two-step flow, password first and the code only if the core asks
for it after accepting the password — the oracle the training shows.

Argon2 runs off the GUI thread. A throttled or locked account is shown with the time left,
counting down from core.now(); the Sign in button comes back when the wait is over.
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from shared.errors import QrpayError
from ui_common.tasks import run_in_background
from wallet_app import messages
from wallet_app.screen_base import PagedScreen, button, captioned, code_edit, label, line_edit, split_factor


# Under the hardened policy these all read the same (whether the password was right or not).
GENERIC_REFUSALS = frozenset({"invalid_credentials", "totp_required", "totp_invalid", "totp_reused"})


class SignInScreen(PagedScreen):
    PASSWORD, FACTOR = range(2)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.wait_until: float | None = None   # core time when the next attempt is allowed
        self.wait_kind = ""
        self._busy = False
        self._password_kept = ""

        p = self.new_page()
        p.setSpacing(6)  # five rows on a short phone: the Sign in button stays on screen
        self.email = captioned(p, self.tr("E-mail address"),
                               line_edit("name@example.com", on_enter=self.submit, name="signinEmail"))
        self.password = captioned(p, self.tr("Password"),
                                  line_edit(password=True, on_enter=self.submit, name="signinPassword"))
        # hardened only: the second factor on the same page, sent with the password
        self.one_step_code_label = label(self.tr("Authenticator code"))
        p.addWidget(self.one_step_code_label)
        self.one_step_code = code_edit(self.submit, name="signinOneStepCode")
        self.one_step_code.setMaxLength(6)
        p.addWidget(self.one_step_code)
        self.recovery_toggle = button(self.tr("Use a recovery code"), None, self.toggle_recovery)
        self.recovery_toggle.setFlat(True)
        self.recovery_toggle.setProperty("role", "link")  # a quiet secondary action
        p.addWidget(self.recovery_toggle)
        self.using_recovery = False
        self.submit_button = button(self.tr("Sign in"), "primary", self.submit)
        p.addWidget(self.submit_button)
        self.forgot_button = button(self.tr("Forgot password?"), None,
                                    lambda: self.window_.show_forgot(self.email.text().strip() or None))
        self.forgot_button.setFlat(True)
        self.forgot_button.setProperty("role", "link")  # a quiet secondary action
        p.addWidget(self.forgot_button)
        # Sign in with SNS ID: the SNS's own page opens in a window of its own (sns_consent_window.py)
        self.sns_button = button(self.tr("Sign in with SNS ID"), None, self.sign_in_with_sns)
        self.sns_button.setObjectName("signinSns")
        p.addWidget(self.sns_button)
        self.sns_flow = None
        p.addStretch(1)

        f = self.new_page()
        self.factor_hint = label(self.tr("Enter the 6-digit code your authenticator app shows now. Lost your "
                                         "phone? Type one of your recovery codes instead."))
        f.addWidget(self.factor_hint)
        self.factor = code_edit(self.submit, name="signinCode")
        self.factor.setPlaceholderText(self.tr("Code or recovery code"))
        f.addWidget(self.factor)
        self.factor_button = button(self.tr("Confirm"), "primary", self.submit)
        f.addWidget(self.factor_button)
        f.addStretch(1)
        self.pages_ready(self.PASSWORD)
        self.policy_changed()

    # -- one step (hardened) or two (2019) -------------------------------------------------------
    @property
    def one_step(self) -> bool:
        """Hardened: password and code together, and one reply for every wrong combination."""
        return bool(self.core.policy.require_totp_login)

    def policy_changed(self) -> None:
        one = self.one_step
        for w in (self.one_step_code_label, self.one_step_code, self.recovery_toggle):
            w.setVisible(one)
        if one and self.page == self.FACTOR:
            self._set_page(self.PASSWORD)
        self._show_factor_kind()

    def toggle_recovery(self) -> None:
        self.using_recovery = not self.using_recovery
        self.one_step_code.clear()
        self._show_factor_kind()
        self.one_step_code.setFocus()

    def _show_factor_kind(self) -> None:
        if self.using_recovery:
            self.one_step_code_label.setText(self.tr("Recovery code"))
            self.one_step_code.setPlaceholderText(self.tr("Recovery code"))
            self.one_step_code.setMaxLength(40)
            self.one_step_code.setInputMethodHints(Qt.InputMethodHint.ImhNone)
            self.recovery_toggle.setText(self.tr("Use the app's code"))
        else:
            self.one_step_code_label.setText(self.tr("Authenticator code"))
            self.one_step_code.setPlaceholderText(self.tr("6-digit code"))
            self.one_step_code.setMaxLength(6)
            self.one_step_code.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
            self.recovery_toggle.setText(self.tr("Use a recovery code"))

    def _set_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.set_title(self.tr("Sign in") if page == self.PASSWORD else self.tr("Two-step check"))

    def on_show(self) -> None:
        self._set_page(self.PASSWORD)
        self._password_kept = ""
        self.factor.clear()
        self.one_step_code.clear()
        self.policy_changed()
        (self.password if self.email.text() else self.email).setFocus()
        self._update_wait()

    def go_back(self) -> None:
        if self.page == self.FACTOR:
            self._password_kept = ""
            self._set_page(self.PASSWORD)
            self.password.setFocus()
        else:
            self.window_.show_welcome()

    # -- submitting ------------------------------------------------------------------------------
    def submit(self) -> None:
        if self._busy or self._waiting():
            return
        self.banner.clear()
        email = self.email.text()
        if self.page == self.PASSWORD and self.one_step:
            password = self.password.text()
            typed = self.one_step_code.text().strip()
            if not (email.strip() and password and typed):
                self.banner.show_state("info", self.tr("Enter your e-mail address, password and the code "
                                                       "from your authenticator app."))
                return
            factor = ({"totp": None, "recovery_code": typed} if self.using_recovery
                      else {"totp": typed.replace(" ", ""), "recovery_code": None})
        elif self.page == self.PASSWORD:
            password = self.password.text()
            factor: dict = {}
        else:
            password = self._password_kept
            factor = split_factor(self.factor.text())
        self._set_busy(True)
        identity, device = self.core.identity, self.window_.device
        run_in_background(lambda: identity.sign_in(email, password, device=device, **factor),
                          on_success=self._signed_in, on_failure=self._refused)

    def sign_in_with_sns(self):
        """Opens the SNS's consent window; returns it (None while busy or waiting)."""
        if self._busy or self._waiting():
            return None
        from wallet_app.sns_consent_window import SnsSignIn

        self.sns_flow = SnsSignIn(self)
        return self.sns_flow.start()

    def on_hide(self) -> None:
        if self.sns_flow is not None:
            self.sns_flow.close()   # the SNS's page does not outlive the sign-in screen (kiosk reset)
        super().on_hide()

    def is_busy(self) -> bool:
        return self._busy

    def set_sns_busy(self, busy: bool) -> None:
        self._set_busy(busy)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.sns_button.setEnabled(not busy)
        for b in (self.submit_button, self.factor_button):
            b.setEnabled(not busy)
        self.submit_button.setText(self.tr("Signing in…") if busy else self.tr("Sign in"))

    def _signed_in(self, session) -> None:
        self._set_busy(False)
        self._password_kept = ""
        self.password.clear()
        self.factor.clear()
        self.one_step_code.clear()
        self.using_recovery = False
        self._show_factor_kind()
        self.wait_until = None
        self.window_.signed_in_as(session)

    def _refused(self, exc: QrpayError) -> None:
        self._set_busy(False)
        code = exc.code
        if code == "totp_required" and not (self.one_step and self.page == self.PASSWORD):
            if self.page == self.PASSWORD:
                self._password_kept = self.password.text()
                self.password.clear()
                self._set_page(self.FACTOR)
                self.factor.setFocus()
            if exc.details.get("enrolment_pending"):
                self.banner.show_state("info", self.tr("Finish setting up your authenticator app: enter a code "
                                                       "from it."))
            return
        if code in ("throttled", "locked") or exc.details.get("retry_after"):
            now = self.core.now()
            if code == "locked" and exc.details.get("until") is not None:
                self.wait_until, self.wait_kind = float(exc.details["until"]), "locked"
            elif exc.details.get("retry_after"):
                self.wait_until = now + float(exc.details["retry_after"])
                self.wait_kind = "throttled" if code == "throttled" else "slowed"
            else:
                self.wait_until, self.wait_kind = None, ""
            if self.wait_kind in ("locked", "throttled"):
                if self.page == self.FACTOR:
                    self.go_back()
                self._update_wait()
                return
        if self.one_step and self.page == self.PASSWORD and code in GENERIC_REFUSALS:
            # One answer for every wrong combination: never hint which part was wrong.
            self.password.clear()
            self.one_step_code.clear()
            self.password.setFocus()
            self.banner.show_state("danger", self.tr("The e-mail, password or code is wrong."))
            self._update_wait(keep_banner=True)
            return
        if code == "locked":  # frozen by support: no countdown
            self.banner.show_state("danger", messages.error_text(exc))
            return
        if self.page == self.FACTOR:
            self.factor.clear()
            self.factor.setFocus()
        else:
            self.password.clear()
            self.password.setFocus()
        self.show_error(exc)
        self._update_wait(keep_banner=True)

    # -- countdown -------------------------------------------------------------------------------
    def _waiting(self) -> bool:
        return self.wait_until is not None and self.core.now() < self.wait_until

    def remaining(self) -> float:
        return 0.0 if self.wait_until is None else max(0.0, self.wait_until - self.core.now())

    def tick(self) -> None:
        if self.wait_until is not None:
            self._update_wait()

    def _update_wait(self, keep_banner: bool = False) -> None:
        waiting = self._waiting()
        for b in (self.submit_button, self.factor_button):
            b.setEnabled(not waiting and not self._busy)
        if not waiting:
            if self.wait_until is not None and self.wait_kind in ("locked", "throttled"):
                self.banner.show_state("info", self.tr("You can try again now."))
            self.wait_until, self.wait_kind = None, ""
            return
        left = messages.duration_text(self.remaining())
        if self.wait_kind == "locked":
            text = self.tr("Too many failed sign-ins: this account is locked. Try again in {time}, or reset "
                           "your password.").format(time=left)
            self.banner.show_state("danger", text)
        elif self.wait_kind == "throttled":
            self.banner.show_state("warning", self.tr("Too many attempts. Try again in {time}.").format(time=left))
        elif not keep_banner and self.one_step:
            self.banner.show_state("danger", self.tr("The e-mail, password or code is wrong. Try again in {time}.")
                                   .format(time=left))
        elif not keep_banner:
            self.banner.show_state("warning", self.tr("Wrong details. Try again in {time}.").format(time=left))
