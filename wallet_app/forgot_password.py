"""Forgot password: ask for a code (it arrives in the Mailbox), then the code, a second factor and
a new password."""
from __future__ import annotations

from ui_common.tasks import run_in_background
from wallet_app.screen_base import (PagedScreen, PasswordFeedback, button, captioned, code_edit, label, line_edit,
                                    split_factor)


class ForgotPasswordScreen(PagedScreen):
    REQUEST, COMPLETE = range(2)

    def __init__(self, window) -> None:
        super().__init__(window)
        self._busy = False

        r = self.new_page()
        r.addWidget(label(self.tr("Type the e-mail address of your account. We send a reset code to it.")))
        self.email = line_edit("name@example.com", on_enter=self.request, name="forgotEmail")
        r.addWidget(self.email)
        self.send_to_label = label(self.tr("Send the code to another address (optional)"), "muted")
        r.addWidget(self.send_to_label)
        self.send_to = line_edit("", on_enter=self.request, name="forgotSendTo")
        r.addWidget(self.send_to)
        self.request_button = button(self.tr("Send a reset code"), "primary", self.request)
        r.addWidget(self.request_button)
        r.addStretch(1)

        c = self.new_page()
        self.sent_text = label("")
        c.addWidget(self.sent_text)
        self.mailbox_button = button(self.tr("Open Mailbox"), None, self.open_mailbox)
        c.addWidget(self.mailbox_button)
        self.reset_code = captioned(c, self.tr("Reset code from the e-mail"),
                                    line_edit(self.tr("8 digits"), on_enter=self.complete, name="resetCode"))
        self.factor = captioned(c, self.tr("Authenticator code (or a recovery code)"),
                                code_edit(self.complete, name="resetFactor"))
        self.factor.setPlaceholderText(self.tr("Code or recovery code"))
        self.new_password = captioned(c, self.tr("New password"),
                                      line_edit(password=True, on_enter=self.complete, name="resetNewPassword"))
        self.feedback = PasswordFeedback(self.core, self.new_password, lambda: self.email.text().strip())
        c.addWidget(self.feedback)
        self.complete_button = button(self.tr("Save new password"), "primary", self.complete)
        c.addWidget(self.complete_button)
        c.addStretch(1)
        self.pages_ready(self.REQUEST)

    def _set_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.set_title(self.tr("Forgot password"))

    def on_show(self) -> None:
        # the policy decides whether another address is honoured; the field only exists in 2019 mode
        honours = self.core.policy.reset_honours_send_to
        self.send_to_label.setVisible(honours)
        self.send_to.setVisible(honours)
        if self.page == self.REQUEST:
            self.email.setFocus()

    def go_back(self) -> None:
        if self.page == self.COMPLETE:
            self._set_page(self.REQUEST)
        else:
            self.window_.show_signin(self.email.text().strip() or None)

    def open_mailbox(self) -> None:
        self.window_.show_mailbox(self.send_to.text().strip() or self.email.text().strip(), back_to=self)

    def request(self) -> None:
        if self._busy:
            return
        self.banner.clear()
        email = self.email.text()
        send_to = self.send_to.text().strip() if self.send_to.isVisibleTo(self) else ""
        self._busy = True
        self.request_button.setEnabled(False)

        def sent(_):
            self._busy = False
            self.request_button.setEnabled(True)
            self.sent_text.setText(self.tr("If {email} has an account, a reset code is on its way to the address "
                                           "of record. Check your Mailbox.").format(email=email.strip()))
            self._set_page(self.COMPLETE)
            self.reset_code.setFocus()

        run_in_background(lambda: self.core.identity.request_reset(email, send_to=send_to or None),
                          on_success=sent, on_failure=self._failed)

    def _failed(self, exc) -> None:
        self._busy = False
        self.request_button.setEnabled(True)
        self.complete_button.setEnabled(True)
        self.show_error(exc)

    def complete(self) -> None:
        if self._busy:
            return
        self.banner.clear()
        email, code, pw = self.email.text(), self.reset_code.text(), self.new_password.text()
        factor = split_factor(self.factor.text()) if self.factor.text().strip() else {}
        self._busy = True
        self.complete_button.setEnabled(False)

        def done(_):
            self._busy = False
            self.complete_button.setEnabled(True)
            for e in (self.reset_code, self.factor, self.new_password):
                e.clear()
            self._set_page(self.REQUEST)
            s = self.window_.show_signin(email.strip())
            s.banner.show_state("ok", self.tr("Your password was reset. Sign in with the new one."))

        run_in_background(lambda: self.core.identity.complete_reset(email, code, pw, **factor),
                          on_success=done, on_failure=self._failed)
