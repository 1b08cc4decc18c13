"""Pay: a fresh authenticator check, then the payment code for the till to scan.

The QR is drawn big on white with its quiet zone; the 20-digit number is under it in groups of
four; a bar counts down to expiry and turns warning-coloured in the last 10 s. A new code is
fetched a few seconds before expiry (or with "Refresh"). The code is covered while the window
is minimised, hidden or not exposed, as real apps keep it out of screenshots and the app switcher
(the window decides: WalletWindow.code_may_show); clicking another window does not cover it. While a code is shown its status is
polled every 500 ms, so a till's redemption turns into "✓ Paid" within a second.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from shared.errors import QrpayError
from shared.money import format_yen
from shared.sales import paid_details
from ui_common import theme
from ui_common.widgets import QrWidget, column_scroll
from wallet_app import messages
from wallet_app.activity_list import when_text
from wallet_app.authenticator_setup import qr_rows
from wallet_app.screen_base import PagedScreen, button, code_edit, grouped, label, split_factor

POLL_MS = 500
REFRESH_BEFORE_S = 5     # fetch the next code this long before the current one expires
WARN_LAST_S = 10


class PayScreen(PagedScreen):
    PROMPT, CODE, RESULT = range(3)

    def __init__(self, window) -> None:
        # wider than the other screens: the QR is sized by the window's height (a webcam reads it)
        super().__init__(window, scroll=False, column_width=1200, stretch=1)
        self.issued = None          # the IssuedCode on screen
        self.code_visible = True   # False while the phone is "put away" (minimised, hidden, not exposed)
        self.last_status = None

        # prompt for a fresh second factor
        p = self.new_page()
        p.addStretch(1)
        p.addWidget(label(self.tr("To show a payment code, confirm it is you: enter the 6-digit code from your "
                                  "authenticator app (or a recovery code).")))
        self.factor = code_edit(self.confirm, name="payCode")
        p.addWidget(self.factor)
        self.confirm_button = button(self.tr("Show my payment code"), "primary", self.confirm)
        p.addWidget(self.confirm_button)
        p.addStretch(2)

        # the code
        c = self.new_page()
        c.setSpacing(8)
        self.qr = QrWidget()
        self.qr.setMinimumSize(180, 180)  # grows with the phone; this is the least a till camera reads well
        self.qr.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        c.addWidget(self.qr, 1)
        self.numeric = QLabel()
        self.numeric.setObjectName("numericCode")
        self.numeric.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.numeric.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.numeric.setStyleSheet("font-size: 18pt; font-weight: 600; letter-spacing: 1px;")
        # two fixed lines (3 + 2 groups of four): 24 characters do not fit a phone's width on one,
        # and a fixed break keeps the label's height honest (a wrapped one was squeezed over the QR)
        c.addWidget(self.numeric)
        self.code_hint = label(self.tr("Show the clerk. Works once."), "muted")
        self.code_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        c.addWidget(self.code_hint)
        row = QHBoxLayout()
        self.countdown = QProgressBar()
        self.countdown.setTextVisible(False)
        self.countdown.setRange(0, 1000)
        self.countdown_label = QLabel()
        self.refresh_button = button("↻ " + self.tr("Refresh"), None, self.refresh_now)
        # the bar gives way, never the words beside it
        self.refresh_button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.countdown_label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.countdown.setMinimumWidth(32)
        row.addWidget(self.countdown_label)   # time left, the bar, Refresh: one row
        row.addWidget(self.countdown, 1)
        row.addWidget(self.refresh_button)
        c.addLayout(row)

        # full-screen result (paid)
        result = QWidget()
        result.setObjectName("payResult")
        r = QVBoxLayout(result)
        r.setContentsMargins(16, 16, 16, 16)
        r.addStretch(1)
        self.result_icon = QLabel("✓")
        self.result_icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_title = QLabel()
        self.result_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_title.setWordWrap(True)
        self.result_store = QLabel()
        self.result_store.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_store.setWordWrap(True)
        self.result_details = QLabel()
        self.result_details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_details.setWordWrap(True)
        for w in (self.result_icon, self.result_title, self.result_store, self.result_details):
            r.addWidget(w)
        r.addStretch(1)
        self.done_button = button(self.tr("Done"), None, self.go_back)
        r.addWidget(self.done_button)
        # in a scroll area: on a short phone the confirmation scrolls rather than squeezing its text
        self.pages.addWidget(column_scroll(result))
        self.result_page = result

        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.poll)
        self.set_title(self.tr("Pay"))

    # -- showing ---------------------------------------------------------------------------------
    def on_show(self) -> None:
        self.set_title(self.tr("Pay"))
        self.back_button.show()
        self.code_visible = self.window_.code_may_show() if self.window_.isVisible() else True
        self.issue()

    def on_hide(self) -> None:
        self._poll.stop()
        self.issued = None
        self.qr.set_matrix([])
        self.numeric.setText("")

    def go_back(self) -> None:
        self.on_hide()
        self.window_.show_home()

    def _show_prompt(self, text: str | None = None) -> None:
        self._poll.stop()
        self.issued = None
        self.qr.set_matrix([])
        self.pages.setCurrentIndex(self.PROMPT)
        self.factor.clear()
        self.factor.setFocus()
        if text:
            self.banner.show_state("info", text)

    def issue(self, factor: dict | None = None) -> bool:
        """Ask the core for a code; it says whether a fresh second factor is needed."""
        try:
            issued = self.core.codes.issue(self.window_.token, **(factor or {}))
        except QrpayError as exc:
            if exc.code == "step_up_required":
                self._show_prompt()
                return False
            if self.page != self.PROMPT:
                self._show_prompt()
            self.show_error(exc)
            return False
        self.issued = issued
        self.last_status = None
        self.qr.set_matrix(qr_rows(issued.text))
        self.pages.setCurrentIndex(self.CODE)
        self._apply_cover()
        self._update_countdown()
        self._poll.start()
        return True

    def confirm(self) -> None:
        self.banner.clear()
        text = self.factor.text().strip()
        if not text:
            self.banner.show_state("info", self.tr("Type the 6-digit code from your authenticator app."))
            return
        f = split_factor(text)
        factor = {"totp": f["totp"]} if f["totp"] else None
        if factor is None:
            # a recovery code is a step-up of its own; the code is then issued on the fresh check
            try:
                self.core.identity.step_up(self.window_.token, recovery_code=f["recovery_code"])
            except QrpayError as exc:
                self.factor.clear()
                self.show_error(exc)
                return
        if not self.issue(factor):
            self.factor.clear()

    def refresh_now(self) -> None:
        self.banner.clear()
        self.issue()

    # -- covered while the phone is put away -----------------------------------------------------
    def set_code_visible(self, visible: bool) -> None:
        if visible != self.code_visible:
            self.code_visible = visible
            self._apply_cover()

    def _apply_cover(self) -> None:
        hidden = not self.code_visible
        self.qr.set_hidden(hidden, self.tr("Hidden while the wallet is minimised or covered.") if hidden else "")
        if self.issued is None:
            self.numeric.setText("")
        elif hidden:
            self.numeric.setText("•••• •••• ••••\n•••• ••••")
        else:
            groups = grouped(self.issued.numeric).split(" ")
            self.numeric.setText(" ".join(groups[:3]) + "\n" + " ".join(groups[3:]))

    # -- time ------------------------------------------------------------------------------------
    def remaining(self) -> float:
        return 0.0 if self.issued is None else self.issued.expires_at - self.core.now()

    def tick(self) -> None:
        if self.page != self.CODE or self.issued is None:
            return
        if self.remaining() <= REFRESH_BEFORE_S:
            self.issue()
            return
        self._update_countdown()

    def _update_countdown(self) -> None:
        if self.issued is None:
            return
        ttl = max(1, self.issued.expires_at - self.issued.issued_at)
        left = max(0.0, self.remaining())
        self.countdown.setValue(int(1000 * min(1.0, left / ttl)))
        warn = left <= WARN_LAST_S
        if self.countdown.property("warning") != warn:
            self.countdown.setProperty("warning", warn)
            self.countdown.style().unpolish(self.countdown)
            self.countdown.style().polish(self.countdown)
        self.countdown_label.setText(messages.duration_text(left))

    # -- what the till did -----------------------------------------------------------------------
    def poll(self) -> None:
        if self.issued is None:
            self._poll.stop()
            return
        try:
            status = self.core.codes.status(self.window_.token, self.issued.nonce)
        except QrpayError as exc:
            self._poll.stop()
            self.show_error(exc)
            return
        self.last_status = status
        state = status.state.value
        if state == "paid":
            self._poll.stop()
            self.show_paid(status)
        elif state == "refused":
            reason = messages.error_text(QrpayError("", code=status.reason or "code_refused"))
            self.banner.show_state("danger", self.tr("Refused at the till: {reason}").format(reason=reason))
            self.issue()
        elif state == "expired":
            self.banner.show_state("warning", self.tr("The code expired; here is a new one."))
            self.issue()
        elif state in ("superseded", "revoked"):
            self._poll.stop()
            self.issued = None
            self.qr.set_matrix([])
            self._apply_cover()
            text = (self.tr("A newer code was shown on another screen; this one no longer works.")
                    if state == "superseded" else self.tr("This code was cancelled."))
            self.banner.show_state("warning", text + " " + self.tr("Press Refresh for a new code."))

    def show_paid(self, status) -> None:
        amount, store, receipt_no, at = paid_details(self.core.sales, status, self.window_.language)
        self.issued = None
        self.qr.set_matrix([])
        self.numeric.setText("")
        self.banner.clear()
        self.back_button.hide()
        self.set_title(self.tr("Payment complete"))
        self.result_page.setStyleSheet(f"QWidget#payResult {{ background: {theme.OK}; border-radius: 16px; }}"
                                       "QWidget#payResult QLabel { color: white; background: transparent; }")
        self.result_icon.setStyleSheet("font-size: 24pt; font-weight: 700;")
        self.result_title.setStyleSheet(f"font-size: {theme.AMOUNT_PT}pt; font-weight: 700;")
        self.result_store.setStyleSheet("font-size: 16pt; font-weight: 600;")
        # "✓ Paid" and the amount on lines of their own: the amount never wraps, and a long
        # translation of "Paid" never pushes it off a narrow phone
        self.result_icon.setText("✓ " + self.tr("Paid"))
        self.result_icon.setWordWrap(True)
        self.result_title.setText(format_yen(amount) if isinstance(amount, int) else "")
        self.result_store.setText(self.tr("at {store}").format(store=store) if store else "")
        lines = []
        if at:
            lines.append(when_text(at) + " JST")
        if receipt_no:
            lines.append(self.tr("Receipt no. {no}").format(no=receipt_no))
        self.result_details.setText("\n".join(lines))
        self.pages.setCurrentIndex(self.RESULT)
        self.done_button.setFocus()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - clicking the cover brings the window forward
        if self.qr.is_hidden():
            self.window_.activateWindow()
            self.window_.raise_()
        super().mousePressEvent(event)
