"""Sign in with SNS ID: the SNS's consent page, a small window of its own, and the wallet's side of it.

    SnsSignIn(screen).start()      # from the sign-in screen's "Sign in with SNS ID" button
    SnsLinkCard(security_screen)   # Security: link the SNS account (with a fresh authenticator code)

The flow is OpenID Connect's authorization code with PKCE, as a phone app does it: the wallet's
core begins a request (state, nonce, PKCE challenge), the SNS's page (this window: the SNS account,
the app asking, Allow / Cancel) signs the SNS user in and sends an authorization code back, and
the core exchanges the code and checks the ID token (shared/external_id/). The window belongs to
the SNS, not to the wallet: it shows the SNS's words and the app's name as registered at the SNS.

Under hardened the session it opens has had no second-factor check, so Pay asks for the
authenticator code before it shows a payment code.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLayout, QVBoxLayout, QWidget

from shared.errors import QrpayError
from ui_common.tasks import run_in_background
from ui_common.widgets import Banner
from wallet_app.screen_base import button, card, label, line_edit

CONSENT_SIZE = (400, 480)   # at least; taller when the words need it (Japanese)


def sns_error_text(exc: QrpayError) -> str:
    """A refusal of an SNS sign-in in the app's language (never which check failed, beyond what helps)."""
    if exc.code == "sns_login_failed":
        return QCoreApplication.translate("SnsSignIn", "The SNS e-mail address or password is wrong.")
    if exc.code == "external_id_not_linked":
        return QCoreApplication.translate("SnsSignIn", "This SNS account is not linked to a wallet. Sign in with "
                                                       "your e-mail, password and code first.")
    if exc.code in ("external_id_taken", "external_id_linked"):
        return QCoreApplication.translate("SnsSignIn", "This SNS account, or another one, is already linked. "
                                                       "Nothing was changed.")
    if exc.code == "id_token_expired" or exc.code.startswith("authorization_code"):
        return QCoreApplication.translate("SnsSignIn", "The SNS sign-in took too long or was already used. Try again.")
    if exc.code.startswith("id_token") or exc.code in ("pkce_mismatch", "redirect_uri_mismatch", "client_mismatch"):
        return QCoreApplication.translate("SnsSignIn", "The SNS sign-in could not be checked. Try again.")
    from wallet_app import messages
    return messages.error_text(exc)


class SnsConsentWindow(QWidget):
    """The SNS's page: which SNS account, which app asks, what it gets; Allow or Cancel."""

    allowed = Signal(object)    # the Authorization (code + state) the SNS sends back to the app
    cancelled = Signal()

    def __init__(self, core, request, *, email_hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)   # a window of its own, closed with the wallet
        self.core = core
        self.request = request
        self._busy = False
        self._done = False
        self.setObjectName("snsConsentWindow")
        self.setWindowTitle(self.tr("SNS — sign in with your SNS account"))
        client = core.sns.client(request.client_id)
        outer = QVBoxLayout(self)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)   # never squeezed below its content
        outer.setContentsMargins(16, 14, 16, 14)
        outer.setSpacing(10)
        brand = QLabel(self.tr("SNS"))
        brand.setStyleSheet("font-size: 22pt; font-weight: 800; color: #1d6fd8;")
        outer.addWidget(brand)
        outer.addWidget(label(self.tr("This page belongs to the SNS, not to the app."), "muted"))
        self.asking = label(self.tr("“{app}” wants to sign you in with your SNS account.").format(app=client.name))
        self.asking.setObjectName("snsConsentApp")
        self.asking.setStyleSheet("font-size: 13pt; font-weight: 700;")
        outer.addWidget(self.asking)

        frame, lay = card()
        lay.addWidget(label(self.tr("SNS account (e-mail)")))
        self.email = line_edit("name@example.com", on_enter=self.allow, name="snsEmail")
        self.email.setText(email_hint)
        lay.addWidget(self.email)
        lay.addWidget(label(self.tr("SNS password")))
        self.password = line_edit(password=True, on_enter=self.allow, name="snsPassword")
        lay.addWidget(self.password)
        outer.addWidget(frame)

        outer.addWidget(label(self.tr("The app will receive: your SNS user id, your name and your e-mail "
                                      "address.")))
        self.redirect = label(self.tr("Then you go back to: {uri}").format(uri=request.redirect_uri), "muted")
        outer.addWidget(self.redirect)
        self.banner = Banner()
        outer.addWidget(self.banner)
        outer.addStretch(1)
        row = QHBoxLayout()
        self.cancel_button = button(self.tr("Cancel"), None, self.cancel)
        self.allow_button = button(self.tr("Allow"), "primary", self.allow)
        self.cancel_button.setObjectName("snsCancel")
        self.allow_button.setObjectName("snsAllow")
        row.addWidget(self.cancel_button, 1)
        row.addWidget(self.allow_button, 1)
        outer.addLayout(row)
        width = max(CONSENT_SIZE[0], self.minimumSizeHint().width())
        height = outer.totalHeightForWidth(width) if outer.hasHeightForWidth() else self.sizeHint().height()
        self.resize(width, max(CONSENT_SIZE[1], height))
        (self.password if email_hint else self.email).setFocus()

    def allow(self) -> None:
        if self._busy or self._done:
            return
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password:
            self.banner.show_state("info", self.tr("Enter your SNS e-mail address and password."))
            return
        self._set_busy(True)
        sns, req = self.core.sns, self.request
        run_in_background(
            lambda: sns.authorize(email=email, password=password, client_id=req.client_id,
                                  redirect_uri=req.redirect_uri, code_challenge=req.code_challenge,
                                  code_challenge_method=req.code_challenge_method, nonce=req.nonce, state=req.state),
            on_success=self._granted, on_failure=self._refused)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.allow_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)

    def _granted(self, grant) -> None:
        self._set_busy(False)
        self.password.clear()
        self._done = True
        self.allowed.emit(grant)
        self.close()

    def _refused(self, exc: QrpayError) -> None:
        self._set_busy(False)
        self.password.clear()
        self.password.setFocus()
        self.banner.show_state("danger", sns_error_text(exc))

    def cancel(self) -> None:
        if self._busy:
            return
        self.close()

    def closeEvent(self, event) -> None:  # noqa: N802 - closing the SNS page is a Cancel
        if not self._done:
            self._done = True
            self.password.clear()
            self.cancelled.emit()
        super().closeEvent(event)


class SnsSignIn:
    """The wallet's side: begin a request, open the SNS's page, exchange the code it sends back."""

    def __init__(self, screen) -> None:
        self.screen = screen
        self.core = screen.core
        self.window: SnsConsentWindow | None = None

    def start(self) -> SnsConsentWindow | None:
        screen = self.screen
        screen.banner.clear()
        try:
            request = self.core.external_id.begin()
            self.window = SnsConsentWindow(self.core, request, email_hint=screen.email.text().strip(),
                                           parent=screen.window_)
        except QrpayError as exc:
            screen.banner.show_state("danger", sns_error_text(exc))
            return None
        self.window.allowed.connect(lambda grant: self._finish(request, grant))
        self.window.cancelled.connect(self._cancelled)
        self.window.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.window.show()
        self.window.raise_()
        return self.window

    def close(self) -> None:
        """The sign-in screen went away (a kiosk reset, Back): the SNS's page goes with it."""
        if self.window is not None and self.window.isVisible():
            self.window.close()

    def _cancelled(self) -> None:
        if not self.screen.is_busy():
            self.screen.banner.show_state("info", QCoreApplication.translate("SnsSignIn", "SNS sign-in cancelled."))

    def _finish(self, request, grant) -> None:
        screen, core, device = self.screen, self.core, self.screen.window_.device
        screen.set_sns_busy(True)
        run_in_background(
            lambda: core.external_id.sign_in_with_external_id(state=request.state, code=grant.code, device=device),
            on_success=self._signed_in, on_failure=self._refused)

    def _signed_in(self, session) -> None:
        self.screen.set_sns_busy(False)
        self.screen.window_.signed_in_as(session)

    def _refused(self, exc: QrpayError) -> None:
        self.screen.set_sns_busy(False)
        self.screen.banner.show_state("danger", sns_error_text(exc))


class SnsLinkCard(QFrame):
    """Security screen: link the customer's SNS account, with the screen's fresh authenticator code
    (the core decides whether one is needed: under hardened a recent second factor, never an e-mail)."""

    def __init__(self, screen) -> None:
        super().__init__()
        self.screen = screen
        self.core = screen.core
        self.consent: SnsConsentWindow | None = None
        self.setProperty("role", "card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(10)
        lay.addWidget(label(QCoreApplication.translate("SnsLink", "SNS ID"), "title"))
        self.status = label("", "muted")
        self.status.setObjectName("snsLinkStatus")
        lay.addWidget(self.status)
        self.link_button = button(QCoreApplication.translate("SnsLink", "Link my SNS account"), None, self.start)
        self.link_button.setObjectName("snsLink")
        lay.addWidget(self.link_button)

    def refresh(self) -> None:
        try:
            linked = bool(self.core.external_id.links(self.screen.window_.token))
        except QrpayError:
            linked = False
        if linked:
            self.status.setText(QCoreApplication.translate("SnsLink", "Linked: you can sign in with your SNS ID."))
        else:
            self.status.setText(QCoreApplication.translate("SnsLink", "Not linked. Linking needs the authenticator "
                                                                      "code above."))
        self.link_button.setVisible(not linked)

    def showEvent(self, event) -> None:  # noqa: N802
        self.refresh()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Security left (sign-out, kiosk reset): the SNS page closes
        if self.consent is not None and self.consent.isVisible():
            self.consent.close()
        super().hideEvent(event)

    def start(self) -> SnsConsentWindow | None:
        screen = self.screen
        screen.banner.clear()
        try:
            request = self.core.external_id.begin()
            self.consent = SnsConsentWindow(self.core, request, email_hint=screen.window_.session.email,
                                            parent=screen.window_)
        except QrpayError as exc:
            screen.show_error(exc)
            return None
        self.consent.allowed.connect(lambda grant: self._finish(request, grant))
        self.consent.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.consent.show()
        self.consent.raise_()
        return self.consent

    def _finish(self, request, grant) -> None:
        core, token = self.core, self.screen.window_.token
        totp = self.screen.factor.text().strip().replace(" ", "") or None
        self.link_button.setEnabled(False)
        run_in_background(lambda: core.external_id.link(token, state=request.state, code=grant.code, totp=totp),
                          on_success=self._linked, on_failure=self._refused)

    def _linked(self, _link) -> None:
        self.link_button.setEnabled(True)
        self.screen.factor.clear()
        self.screen.banner.show_state("ok", QCoreApplication.translate("SnsLink", "Your SNS account is linked."))
        self.refresh()

    def _refused(self, exc: QrpayError) -> None:
        self.link_button.setEnabled(True)
        self.screen.factor.clear()
        if exc.code == "session_invalid":
            self.screen.show_error(exc)
        else:
            self.screen.banner.show_state("danger", sns_error_text(exc))
