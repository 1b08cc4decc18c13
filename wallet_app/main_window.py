"""The wallet's main window: the policy badge on top, one screen at a time below it.

    window = WalletWindow(core, profile="default")
    window.show_pay()          # every screen is reachable by a method, for people and tests

The window keeps the signed-in session (its token lives only in memory), ticks once a second so
screens can repaint their countdowns, and re-reads the policy every few seconds so a trainer's
switch in another app shows here at once.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from shared.errors import QrpayError
from ui_common.app import language as ui_language
from ui_common.widgets import PolicyBadge

POLICY_POLL_MS = 3000
TICK_MS = 1000


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str
    customer_id: int
    email: str
    name: str


class WalletWindow(QMainWindow):
    def __init__(self, core, *, profile: str = "default") -> None:
        super().__init__()
        self.core = core
        self.profile = profile
        self.device = f"wallet-{profile}"[:64]
        self.session: SignedIn | None = None
        self.language = ui_language()
        self.authenticator = None
        self.setWindowTitle(self.tr("qrpay wallet") + (f" — {profile}" if profile != "default" else ""))

        from wallet_app.forgot_password import ForgotPasswordScreen
        from wallet_app.history_screen import HistoryScreen
        from wallet_app.home_screen import HomeScreen
        from wallet_app.mailbox_screen import MailboxScreen
        from wallet_app.pay_screen import PayScreen
        from wallet_app.security_screen import SecurityScreen
        from wallet_app.signin_screen import SignInScreen
        from wallet_app.signup_wizard import SignUpWizard
        from wallet_app.topup_screen import TopUpScreen
        from wallet_app.welcome_screen import WelcomeScreen

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(16, 8, 16, 4)
        self.account_label = QLabel()
        self.account_label.setProperty("role", "muted")
        self.badge = PolicyBadge()
        top.addWidget(self.account_label, 1)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignRight)
        outer.addLayout(top)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.welcome = WelcomeScreen(self)
        self.signup = SignUpWizard(self)
        self.signin = SignInScreen(self)
        self.forgot = ForgotPasswordScreen(self)
        self.home = HomeScreen(self)
        self.pay = PayScreen(self)
        self.topup = TopUpScreen(self)
        self.history = HistoryScreen(self)
        self.security = SecurityScreen(self)
        self.mailbox = MailboxScreen(self)
        for s in (self.welcome, self.signup, self.signin, self.forgot, self.home, self.pay, self.topup,
                  self.history, self.security, self.mailbox):
            self.stack.addWidget(s)
        self._current = None

        self._build_menu()
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=lambda: self.current_screen().go_back())

        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self._policy_timer = QTimer(self, interval=POLICY_POLL_MS)
        self._policy_timer.timeout.connect(self.refresh_policy)
        self._policy_timer.start()
        app = QApplication.instance()
        if app is not None:
            app.applicationStateChanged.connect(self._app_state_changed)
        self.refresh_policy()
        self.show_welcome()
        self.resize(1000, 720)

    # -- menu ------------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        phone = self.menuBar().addMenu(self.tr("&Phone"))
        self.authenticator_action = QAction(self.tr("&Authenticator app (second device)"), self)
        self.authenticator_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.authenticator_action.triggered.connect(self.open_authenticator)
        phone.addAction(self.authenticator_action)
        mailbox = QAction(self.tr("&Mailbox"), self)
        mailbox.triggered.connect(lambda: self.show_mailbox())
        phone.addAction(mailbox)
        phone.addSeparator()
        self.sign_out_action = QAction(self.tr("&Sign out"), self)
        self.sign_out_action.triggered.connect(self.sign_out)
        phone.addAction(self.sign_out_action)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        phone.addAction(quit_action)

    def open_authenticator(self):
        from wallet_app.authenticator_window import AuthenticatorWindow

        if self.authenticator is None:
            self.authenticator = AuthenticatorWindow(self.core)
        self.authenticator.show()
        self.authenticator.raise_()
        return self.authenticator

    # -- session ---------------------------------------------------------------------------------
    @property
    def signed_in(self) -> bool:
        return self.session is not None

    @property
    def token(self) -> str:
        if self.session is None:
            raise RuntimeError("not signed in")
        return self.session.token

    def signed_in_as(self, session) -> None:
        """After a successful sign-in: remember the session (in memory only) and go home."""
        customer = self.core.identity.customer(session.customer_id)
        self.session = SignedIn(session.token, customer.id, customer.email, customer.name)
        self.account_label.setText(customer.email)
        self.show_home()

    def sign_out(self) -> None:
        if self.session is not None:
            try:
                self.core.identity.sign_out(self.session.token)
            except QrpayError:
                pass  # already ended: nothing left to sign out
        self._forget_session()
        self.show_welcome()

    def session_ended(self, text: str) -> None:
        """The core says the session is over (timed out, signed out elsewhere)."""
        self._forget_session()
        self.show_signin()
        self.signin.banner.show_state("warning", text)

    def _forget_session(self) -> None:
        self.session = None
        self.account_label.setText("")

    # -- navigation ------------------------------------------------------------------------------
    def current_screen(self):
        return self.stack.currentWidget()

    def _show(self, screen):
        if self._current is not None and self._current is not screen:
            self._current.on_hide()
        self._current = screen
        self.stack.setCurrentWidget(screen)
        screen.banner.clear()
        screen.on_show()
        return screen

    def _need_session(self, screen):
        if self.session is None:
            return self.show_signin()
        return self._show(screen)

    def show_welcome(self):
        return self._show(self.welcome)

    def show_signup(self):
        return self._show(self.signup)

    def show_signin(self, email: str | None = None):
        s = self._show(self.signin)
        if email:
            s.email.setText(email)
            s.password.setFocus()
        return s

    def show_forgot(self, email: str | None = None):
        s = self._show(self.forgot)
        if email:
            s.email.setText(email)
        return s

    def show_home(self):
        return self._need_session(self.home)

    def show_pay(self):
        return self._need_session(self.pay)

    def show_topup(self):
        return self._need_session(self.topup)

    def show_history(self):
        return self._need_session(self.history)

    def show_security(self):
        return self._need_session(self.security)

    def show_mailbox(self, address: str | None = None, *, back_to=None):
        """The simulated e-mail inbox: the signed-in customer's address, or `address`."""
        address = address or (self.session.email if self.session else None)
        self.mailbox.set_address(address, back_to=back_to or self._current)
        return self._show(self.mailbox)

    # -- time and policy -------------------------------------------------------------------------
    def _on_tick(self) -> None:
        screen = self.current_screen()
        if screen is not None:
            screen.tick()

    def refresh_policy(self) -> None:
        name = self.core.policy.name
        if name != self.badge.policy_name:
            self.badge.set_policy(name)

    # -- the code must not be visible while the window is not in front ---------------------------
    def is_in_front(self) -> bool:
        app = QApplication.instance()
        state_ok = app is None or app.applicationState() == Qt.ApplicationState.ApplicationActive
        return self.isActiveWindow() and state_ok

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.ActivationChange:
            self.pay.set_in_front(self.is_in_front())
        super().changeEvent(event)

    def _app_state_changed(self, state) -> None:
        self.pay.set_in_front(state == Qt.ApplicationState.ApplicationActive and self.isActiveWindow())

    exit_guard = None  # kiosk: a callable asking for a supervisor PIN before the window may close

    def reset_for_next_customer(self) -> None:
        """Kiosk idle reset: sign the visitor out and go back to the welcome screen."""
        self.sign_out()
        self.show_welcome()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.exit_guard is not None and not self.exit_guard():
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers, the authenticator window and signal connections (idempotent)."""
        if getattr(self, "_shut_down", False):
            return
        self._shut_down = True
        self._tick.stop()
        self._policy_timer.stop()
        self.pay.on_hide()
        if self.authenticator is not None:
            self.authenticator.close()
        app = QApplication.instance()
        if app is not None:
            try:
                app.applicationStateChanged.disconnect(self._app_state_changed)
            except (RuntimeError, TypeError):
                pass
