"""Welcome: sign in, create an account, or recover a forgotten password."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from wallet_app.screen_base import Screen, button, label


class WelcomeScreen(Screen):
    def __init__(self, window) -> None:
        super().__init__(window, back=False)
        self.set_title(self.tr("Welcome"))
        self.body.addStretch(1)
        logo = QLabel("▣")
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        logo.setStyleSheet("font-size: 40pt;")
        self.body.addWidget(logo)
        name = label(self.tr("qrpay wallet"), "title")
        name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addWidget(name)
        intro = label(self.tr("Pay at the till with a code on your phone. Your account is protected "
                              "by a password and an authenticator app."), "muted")
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addWidget(intro)
        self.body.addSpacing(12)
        self.signin_button = button(self.tr("Sign in"), "primary", window.show_signin)
        self.signup_button = button(self.tr("Create an account"), None, window.show_signup)
        self.forgot_button = button(self.tr("Forgot password?"), None, window.show_forgot)
        self.forgot_button.setFlat(True)
        self.forgot_button.setProperty("role", "link")  # a quiet secondary action
        for b in (self.signin_button, self.signup_button, self.forgot_button):
            self.body.addWidget(b)
        self.body.addStretch(2)

    def on_show(self) -> None:
        self.window_.refresh_policy()
        self.signin_button.setFocus()

    def go_back(self) -> None:
        pass  # the first screen: nothing to go back to
