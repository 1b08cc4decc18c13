"""Security: change password, a new authenticator, new recovery codes, signed-in devices, Mailbox.

Each change asks for a fresh authenticator code; whether one is needed (and how recent it must
be) is the core's decision, so the field is passed along and the core's answer is shown.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout

from shared.errors import QrpayError
from ui_common.tasks import run_in_background
from wallet_app.activity_list import when_text
from wallet_app.authenticator_setup import AuthenticatorSetup
from wallet_app.screen_base import (PasswordFeedback, RecoveryCodesView, Screen, button, card, code_edit, label,
                                    line_edit)

T = TypeVar("T")


class SecurityScreen(Screen):
    def __init__(self, window) -> None:
        super().__init__(window)
        frame, lay = card()
        lay.addWidget(label(self.tr("Authenticator code"), "title"))
        lay.addWidget(label(self.tr("Every change below asks for a fresh code from your authenticator app."),
                            "muted"))
        self.factor = code_edit(None, name="securityCode")
        lay.addWidget(self.factor)
        self.body.addWidget(frame)

        # password
        frame, lay = card()
        lay.addWidget(label(self.tr("Change password"), "title"))
        self.new_password = line_edit(self.tr("New password"), password=True, on_enter=self.change_password,
                                      name="newPassword")
        lay.addWidget(self.new_password)
        self.feedback = PasswordFeedback(self.core, self.new_password,
                                         lambda: self.window_.session.email if self.window_.session else None)
        lay.addWidget(self.feedback)
        self.password_button = button(self.tr("Change password"), "primary", self.change_password)
        lay.addWidget(self.password_button)
        self.body.addWidget(frame)

        # authenticator
        frame, lay = card()
        lay.addWidget(label(self.tr("Authenticator app"), "title"))
        lay.addWidget(label(self.tr("Moving to a new phone? Set up the new app here; the old one stops working "
                                    "when you confirm."), "muted"))
        self.reenrol_button = button(self.tr("Set up a new app"), None, self.begin_reenrol)
        lay.addWidget(self.reenrol_button)
        self.setup = AuthenticatorSetup(self.confirm_reenrol)
        self.setup.hide()
        lay.addWidget(self.setup)
        self.reenrol_confirm = button(self.tr("Confirm the new app"), "primary", self.confirm_reenrol)
        self.reenrol_confirm.hide()
        lay.addWidget(self.reenrol_confirm)
        self.body.addWidget(frame)

        # recovery codes
        frame, lay = card()
        lay.addWidget(label(self.tr("Recovery codes"), "title"))
        lay.addWidget(label(self.tr("New codes replace all the old ones."), "muted"))
        self.codes_button = button(self.tr("New recovery codes"), None, self.new_codes)
        lay.addWidget(self.codes_button)
        self.codes = RecoveryCodesView()
        self.codes.hide()
        lay.addWidget(self.codes)
        self.body.addWidget(frame)

        # sessions
        frame, lay = card()
        lay.addWidget(label(self.tr("Signed-in devices"), "title"))
        self.sessions = QListWidget()
        self.sessions.setMinimumHeight(120)
        lay.addWidget(self.sessions)
        row = QVBoxLayout()  # one above the other: side by side they do not fit a phone's width
        self.revoke_button = button(self.tr("Sign out this device"), None, self.revoke_selected)
        self.everywhere_button = button(self.tr("Sign out all"), "danger", self.sign_out_everywhere)
        row.addWidget(self.revoke_button)
        row.addWidget(self.everywhere_button)
        lay.addLayout(row)
        self.body.addWidget(frame)

        frame, lay = card()
        lay.addWidget(label(self.tr("Mailbox"), "title"))
        lay.addWidget(label(self.tr("Every notice and code sent to your e-mail address."), "muted"))
        self.mailbox_button = button(self.tr("Open Mailbox"), None, lambda: self.window_.show_mailbox())
        lay.addWidget(self.mailbox_button)
        self.body.addWidget(frame)
        from wallet_app.sns_consent_window import SnsLinkCard
        self.sns_link = SnsLinkCard(self)   # the SNS ID: linked or not, and "Link" (sns_consent_window.py)
        self.body.addWidget(self.sns_link)
        self.body.addStretch(1)

    def on_show(self) -> None:
        self.set_title(self.tr("Security"))
        self.factor.clear()
        self.new_password.clear()
        self.setup.clear()
        self.setup.hide()
        self.reenrol_confirm.hide()
        self.codes.hide()
        self.refresh_sessions()
        self.factor.setFocus()

    def _totp(self) -> str | None:
        t = self.factor.text().strip().replace(" ", "")
        return t or None

    def _used_factor(self) -> None:
        self.factor.clear()

    def _ok(self, text: str) -> None:
        self.banner.show_state("ok", text)

    def _fail(self, exc) -> None:
        self.factor.clear()
        self.password_button.setEnabled(True)
        self.show_error(exc)

    # -- actions ---------------------------------------------------------------------------------
    def change_password(self) -> None:
        self.banner.clear()
        token, new, totp = self.window_.token, self.new_password.text(), self._totp()
        self.password_button.setEnabled(False)

        def done(_):
            self.password_button.setEnabled(True)
            self.new_password.clear()
            self._used_factor()
            self.refresh_sessions()
            self._ok(self.tr("Your password was changed. Your other devices were signed out."))

        run_in_background(lambda: self.core.identity.change_password(token, new, totp=totp),
                          on_success=done, on_failure=self._fail)

    def _with_factor(self, change: Callable[..., T]) -> T | None:
        """`change(token, totp=…)` with the code typed above: the code is used up, or the refusal shown (None)."""
        self.banner.clear()
        try:
            result = change(self.window_.token, totp=self._totp())
        except QrpayError as exc:
            self._fail(exc)
            return None
        self._used_factor()
        return result

    def begin_reenrol(self) -> None:
        enrollment = self._with_factor(self.core.identity.begin_totp_reenrol)
        if enrollment is None:
            return
        self.setup.set_enrollment(enrollment.otpauth_uri, enrollment.totp_secret)
        self.setup.show()
        self.reenrol_confirm.show()
        self.setup.code.setFocus()

    def confirm_reenrol(self) -> None:
        self.banner.clear()
        try:
            self.core.identity.confirm_totp_reenrol(self.window_.token, self.setup.code.text().strip())
        except QrpayError as exc:
            self.setup.code.clear()
            self.show_error(exc)
            return
        self.setup.clear()
        self.setup.hide()
        self.reenrol_confirm.hide()
        self._ok(self.tr("Your new authenticator app is set up; the old one no longer works."))

    def new_codes(self) -> None:
        codes = self._with_factor(self.core.identity.new_recovery_codes)
        if codes is None:
            return
        self.codes.set_codes(codes)
        self.codes.show()
        self._ok(self.tr("New recovery codes are ready; the old ones no longer work. Save these now."))

    # -- sessions --------------------------------------------------------------------------------
    def refresh_sessions(self) -> None:
        self.sessions.clear()
        if self.window_.session is None:
            return
        try:
            sessions = self.core.identity.sessions(self.window_.token)
            me = self.core.identity.session(self.window_.token).id
        except QrpayError as exc:
            self.show_error(exc)
            return
        for s in sessions:
            text = self.tr("{device} — signed in {when}, last used {seen}").format(
                device=s.device, when=when_text(s.created_at), seen=when_text(s.last_seen_at))
            if s.id == me:
                text += "  " + self.tr("(this phone)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            self.sessions.addItem(item)

    def revoke_selected(self) -> None:
        item = self.sessions.currentItem()
        if item is None:
            self.banner.show_state("info", self.tr("Choose a device in the list first."))
            return
        try:
            me = self.core.identity.session(self.window_.token).id
            sid = item.data(Qt.ItemDataRole.UserRole)
            if sid == me:
                self.window_.sign_out()
                return
            self.core.identity.revoke_session(self.window_.token, sid)
        except QrpayError as exc:
            self.show_error(exc)
            return
        self.refresh_sessions()
        self._ok(self.tr("That device was signed out."))

    def sign_out_everywhere(self) -> None:
        try:
            self.core.identity.sign_out(self.window_.token, everywhere=True)
        except QrpayError as exc:
            self.show_error(exc)
            return
        self.window_.session_ended(self.tr("You were signed out on every device, including this one."))
