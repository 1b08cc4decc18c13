"""Sign-up wizard: your details and password → set up the authenticator app → save recovery codes."""
from __future__ import annotations

from ui_common.tasks import run_in_background
from wallet_app.authenticator_setup import AuthenticatorSetup
from wallet_app.screen_base import (PagedScreen, PasswordFeedback, RecoveryCodesView, button, captioned, label,
                                    line_edit)


class SignUpWizard(PagedScreen):
    DETAILS, AUTHENTICATOR, RECOVERY = range(3)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.enrollment = None

        # 1. details
        d = self.new_page()
        self.email = captioned(d, self.tr("E-mail address"),
                               line_edit("name@example.com", on_enter=self.create, name="signupEmail"))
        self.name = captioned(d, self.tr("Your name"),
                              line_edit(self.tr("e.g. Hanako Yamada"), on_enter=self.create, name="signupName"))
        self.password = captioned(d, self.tr("Password"),
                                  line_edit(password=True, on_enter=self.create, name="signupPassword"))
        self.feedback = PasswordFeedback(self.core, self.password, lambda: self.email.text().strip())
        d.addWidget(self.feedback)
        self.password2 = captioned(d, self.tr("Password again"),
                                   line_edit(password=True, on_enter=self.create, name="signupPassword2"))
        self.create_button = button(self.tr("Create account"), "primary", self.create)
        d.addWidget(self.create_button)
        d.addStretch(1)

        # 2. authenticator
        a = self.new_page()
        self.setup = AuthenticatorSetup(self.confirm)
        a.addWidget(self.setup)
        self.confirm_button = button(self.tr("Confirm code"), "primary", self.confirm)
        a.addWidget(self.confirm_button)
        a.addStretch(1)

        # 3. recovery codes
        r = self.new_page()
        r.addWidget(label(self.tr("Save these recovery codes somewhere safe. Each one works once, instead of an "
                                  "authenticator code, if you lose your phone. They are shown only now.")))
        self.codes = RecoveryCodesView()
        r.addWidget(self.codes)
        self.done_button = button(self.tr("Saved — sign in"), "primary", self.finish)
        r.addWidget(self.done_button)
        r.addStretch(1)
        self.pages_ready(self.DETAILS)

    def _set_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.set_title([self.tr("Create an account"), self.tr("Set up your authenticator app"),
                        self.tr("Your recovery codes")][page])

    def on_show(self) -> None:
        if self.page == self.RECOVERY:
            return  # never throw away codes the customer has not confirmed saving
        if self.page == self.DETAILS:
            self.email.setFocus()

    def go_back(self) -> None:
        if self.page == self.DETAILS:
            self.window_.show_welcome()
        # once the account exists, leaving the wizard half-way would lose the QR and the codes

    # -- 1 ---------------------------------------------------------------------------------------
    def create(self) -> None:
        if not self.create_button.isEnabled():
            return
        self.banner.clear()
        if self.password.text() != self.password2.text():
            self.banner.show_state("danger", self.tr("The two passwords are different."))
            return
        email, name, pw = self.email.text(), self.name.text(), self.password.text()
        self.create_button.setEnabled(False)
        self.create_button.setText(self.tr("Creating…"))
        run_in_background(lambda: self.core.identity.register(email, name, pw),
                          on_success=self._created, on_failure=self._failed)

    def _failed(self, exc) -> None:
        self.create_button.setEnabled(True)
        self.create_button.setText(self.tr("Create account"))
        self.confirm_button.setEnabled(True)
        self.show_error(exc)

    def _created(self, enrollment) -> None:
        self.create_button.setEnabled(True)
        self.create_button.setText(self.tr("Create account"))
        self.enrollment = enrollment
        self.password.clear()
        self.password2.clear()
        self.setup.set_enrollment(enrollment.otpauth_uri, enrollment.totp_secret)
        self.codes.set_codes(enrollment.recovery_codes)
        self._set_page(self.AUTHENTICATOR)
        self.setup.code.setFocus()

    # -- 2 ---------------------------------------------------------------------------------------
    def confirm(self) -> None:
        if self.enrollment is None:
            return
        self.banner.clear()
        try:
            self.core.identity.confirm_totp(self.enrollment.email, self.setup.code.text().strip())
        except Exception as exc:  # noqa: BLE001 - show_error re-raises anything that is not a QrpayError
            self.setup.code.clear()
            self.show_error(exc)
            return
        self.setup.clear()
        self._set_page(self.RECOVERY)
        self.banner.show_state("ok", self.tr("Your authenticator app is set up."))
        self.done_button.setFocus()

    # -- 3 ---------------------------------------------------------------------------------------
    def finish(self) -> None:
        email = self.enrollment.email if self.enrollment else ""
        self.reset()
        self.window_.show_signin(email)

    def reset(self) -> None:
        self.enrollment = None
        for e in (self.email, self.name, self.password, self.password2):
            e.clear()
        self.setup.clear()
        self.codes.set_codes(())
        self._set_page(self.DETAILS)
