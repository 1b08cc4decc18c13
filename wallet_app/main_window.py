"""The wallet's main window: the policy badge on top, one screen at a time below it.

    window = WalletWindow(core, profile="default")
    window.show_pay()          # every screen is reachable by a method, for people and tests

The window keeps the signed-in session (its token lives only in memory), ticks once a second so
screens can repaint their countdowns and notice what another process (the till) changed in the
database (`core.wallet.change_counter()`: a refund shows on Home at once), and re-reads the policy
every few seconds so a trainer's switch in another app shows here at once.

It is shaped like a phone (portrait, about 9:19.5) and placed inside the slot it is given
(`place_in`), never wider. The payment code is covered while the window is minimised, hidden
or not exposed — not when another window merely has the focus: on a one-laptop demo the
presenter clicks the till while holding the "phone" up to its camera.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QWindow
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QMainWindow, QMenu, QStackedWidget, QToolButton, QVBoxLayout,
                               QWidget)

from shared.errors import QrpayError
from ui_common.app import language as ui_language
from ui_common.kiosk import KioskExitGuard, LeaveKioskButton, close_allowed
from ui_common.policy_poller import PolicyPoller
from ui_common.widgets import ElidedLabel, PolicyBadge

TICK_MS = 1000
PHONE_RATIO = 9 / 19.5      # width / height of a modern phone
MIN_PHONE_WIDTH = 320       # narrower than this and a phone's screens stop working; a slot may still be narrower


def type_scale(*, kiosk: bool, placed: bool) -> float:
    """Kiosk type is larger — unless the wallet stands as a phone in the demo's tile, where the
    phone's height decides and the till beside it carries the large type."""
    from ui_common.kiosk import KIOSK_SCALE

    return KIOSK_SCALE if kiosk and not placed else 1.0


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
        top = QVBoxLayout()
        top.setContentsMargins(12, 6, 12, 2)
        top.setSpacing(4)
        status = QHBoxLayout()
        self.account_label = ElidedLabel()
        self.account_label.setProperty("role", "muted")
        status.addWidget(self.account_label, 1)
        # kiosk only: the visible way out for a supervisor (the close guard asks for the PIN)
        self.leave_button = LeaveKioskButton(self.close, compact=True)
        status.addWidget(self.leave_button)
        # the phone's menu: a "⋮" button, not a desktop menu bar (it costs a phone's height)
        self.menu_button = QToolButton()
        self.menu_button.setText("⋮")
        self.menu_button.setAccessibleName(self.tr("Menu"))
        self.menu_button.setToolTip(self.tr("Menu"))
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_button.setStyleSheet("QToolButton { font-size: 18pt; font-weight: 700; min-width: 44px; "
                                       "min-height: 44px; border: none; } QToolButton::menu-indicator { image: none; }")
        status.addWidget(self.menu_button)
        top.addLayout(status)
        self.badge = PolicyBadge()  # its own row: the 2019 words wrap instead of widening the phone
        top.addWidget(self.badge)
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
        self.policy_poller = PolicyPoller(core, parent=self)
        self.policy_poller.changed.connect(self._policy_changed)
        self._seen_changes: int | None = None
        self._exposure_filter_on = None
        app = QApplication.instance()
        if app is not None:
            app.applicationStateChanged.connect(self._app_state_changed)
        self.refresh_policy()
        self.show_welcome()
        self.resize(self.phone_size())

    # -- shape -----------------------------------------------------------------------------------
    def phone_size(self, height: int | None = None):
        """A phone's size for `height` (default: what fits the screen this window is on)."""
        from PySide6.QtCore import QSize

        if height is None:
            screen = self.screen() or QApplication.primaryScreen()
            avail = screen.availableGeometry().height() if screen is not None else 800
            height = min(avail - 40, 900)   # 40: a title bar
        return QSize(max(MIN_PHONE_WIDTH, round(height * PHONE_RATIO)), height)

    def place_in(self, slot: QRect) -> QRect:
        """Stand as a phone inside `slot` (the demo launcher's tile): its full height, a phone's
        width, never wider than the slot; the frame is kept inside it once the window is shown."""
        from ui_common.app import place_frame_in

        size = self.phone_size(slot.height())
        phone = QRect(slot.x(), slot.y(), min(slot.width(), size.width()), slot.height())
        self.setGeometry(phone)
        QTimer.singleShot(0, lambda: place_frame_in(self, phone))
        return phone

    def set_kiosk(self, on: bool) -> None:
        """Kiosk: closing needs a supervisor (KioskExitGuard), and a visible button offers it; a
        refused PIN is said on the screen shown."""
        self.exit_guard = KioskExitGuard(self, self.core, on_refused=self._kiosk_exit_refused) if on else None
        self.leave_button.setVisible(on)

    def _kiosk_exit_refused(self, error: QrpayError) -> None:
        from wallet_app import messages

        screen = self.current_screen()
        if screen is not None:
            screen.banner.show_state("danger", messages.error_text(error))

    # -- menu ------------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        phone = QMenu(self)
        self.menu_button.setMenu(phone)
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
        for action in phone.actions():
            self.addAction(action)  # shortcuts work while the menu is closed

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
        self._seen_changes = self.core.wallet.change_counter()  # what the screens are about to read
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

    # -- time, changes from other processes, policy ----------------------------------------------
    def _on_tick(self) -> None:
        self.update_code_cover()
        self.check_for_changes()
        screen = self.current_screen()
        if screen is not None:
            screen.tick()

    def check_for_changes(self) -> bool:
        """Another process (the till: a payment, a refund) changed the database: refresh the screen
        shown. One cheap counter read a second; the screens re-read only when it moved."""
        if self.session is None:
            self._seen_changes = None
            return False
        try:
            counter = self.core.wallet.change_counter()
        except QrpayError:
            return False
        changed = self._seen_changes is not None and counter != self._seen_changes
        self._seen_changes = counter
        if changed:
            screen = self.current_screen()
            if screen is not None:
                screen.on_data_changed()
        return changed

    def refresh_policy(self) -> None:
        self.policy_poller.poll()

    def _policy_changed(self, policy) -> None:
        if policy != self.badge.policy:   # whole: a switch inside a custom set keeps its name
            self.badge.set_policy(policy)
            self.signin.policy_changed()

    # -- the code is covered while the phone is put away, not while its owner holds it up ---------
    def code_may_show(self) -> bool:
        """False while the window is minimised, hidden or not exposed (covered, off screen, a
        screenshot of the task switcher). Losing the focus to another window — the till, on a
        one-laptop demo — does not count: a real phone shows its code while held to a scanner."""
        if not self.isVisible() or self.isMinimized():
            return False
        app = QApplication.instance()
        if app is not None and app.applicationState() in (Qt.ApplicationState.ApplicationHidden,
                                                          Qt.ApplicationState.ApplicationSuspended):
            return False
        handle = self.windowHandle()
        if handle is not None:
            if handle.visibility() in (QWindow.Visibility.Hidden, QWindow.Visibility.Minimized):
                return False
            if not handle.isExposed():
                return False
        return True

    def update_code_cover(self) -> None:
        self.pay.set_code_visible(self.code_may_show())

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.WindowStateChange:
            self.update_code_cover()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None and self._exposure_filter_on is not handle:
            handle.installEventFilter(self)   # Expose events arrive on the QWindow, not the widget
            handle.visibilityChanged.connect(self._visibility_changed)
            self._exposure_filter_on = handle
        self.update_code_cover()

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        self.update_code_cover()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self._exposure_filter_on and event.type() == QEvent.Type.Expose:
            QTimer.singleShot(0, self.update_code_cover)  # isExposed() is updated after the event
        return False

    def _visibility_changed(self, _visibility) -> None:
        self.update_code_cover()

    def _app_state_changed(self, _state) -> None:
        self.update_code_cover()

    exit_guard = None  # kiosk: a callable asking for a supervisor PIN before the window may close

    def reset_for_next_customer(self) -> None:
        """Kiosk idle reset: sign the visitor out and go back to the welcome screen."""
        self.sign_out()
        self.show_welcome()

    def closeEvent(self, event) -> None:  # noqa: N802
        if close_allowed(self, event):
            self.shutdown()
            super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers, the authenticator window and signal connections (idempotent)."""
        if getattr(self, "_shut_down", False):
            return
        self._shut_down = True
        self._tick.stop()
        self.policy_poller.stop()
        self.pay.on_hide()
        if self.authenticator is not None:
            self.authenticator.close()
        app = QApplication.instance()
        if app is not None:
            try:
                app.applicationStateChanged.disconnect(self._app_state_changed)
            except (RuntimeError, TypeError):
                pass
