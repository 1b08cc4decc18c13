"""Top up: a test card, an amount, the authenticator check, the limits and what is left of them."""
from __future__ import annotations

import secrets

from PySide6.QtWidgets import QButtonGroup, QGridLayout, QHBoxLayout

from shared.errors import InputError, QrpayError
from shared.money import format_yen, parse_yen
from ui_common.tasks import run_in_background
from wallet_app.screen_base import Screen, button, card, code_edit, label, line_edit, split_factor

# A documented test number the simulated issuer accepts (shared/topups.py lists the others).
TEST_CARD = "4242 4242 4242 4242"
PRESETS = (1_000, 3_000, 5_000, 10_000)


class TopUpScreen(Screen):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.amount: int | None = PRESETS[1]
        self._busy = False
        self.last_topup = None

        self.body.addWidget(label(self.tr("Card number (simulated)")))
        self.card = line_edit(TEST_CARD, on_enter=self.submit, name="card")
        self.card.setText(TEST_CARD)
        self.body.addWidget(self.card)
        self.body.addWidget(label(self.tr("Test cards: 4242 4242 4242 4242 (Visa) and 3530 1113 3330 0000 (JCB) "
                                          "are accepted; 4000 0000 0000 0002 is declined."), "muted"))

        self.body.addWidget(label(self.tr("Amount")))
        grid = QGridLayout()
        self.preset_group = QButtonGroup(self)
        self.preset_group.setExclusive(True)
        self.preset_buttons = {}
        for i, value in enumerate(PRESETS):
            b = button(format_yen(value))
            b.setCheckable(True)
            b.clicked.connect(lambda _c=False, v=value: self.choose(v))
            self.preset_group.addButton(b)
            self.preset_buttons[value] = b
            grid.addWidget(b, i // 2, i % 2)
        self.body.addLayout(grid)
        other = QHBoxLayout()
        other.addWidget(label(self.tr("Other amount:")))
        self.other_amount = line_edit("¥", on_enter=self.submit, name="otherAmount")
        self.other_amount.textEdited.connect(self._other_typed)
        other.addWidget(self.other_amount, 1)
        self.body.addLayout(other)

        self.factor_label = label(self.tr("Authenticator code (every top-up asks for one)"))
        self.body.addWidget(self.factor_label)
        self.factor = code_edit(self.submit, name="topupCode")
        self.body.addWidget(self.factor)
        self.topup_password_label = label(self.tr("Top-up password"))
        self.body.addWidget(self.topup_password_label)
        self.topup_password = line_edit(password=True, on_enter=self.submit, name="topupPassword")
        self.body.addWidget(self.topup_password)
        self.set_password_button = button(self.tr("Save top-up password"), None, self.set_topup_password)
        self.body.addWidget(self.set_password_button)

        self.submit_button = button("", "primary", self.submit)
        self.body.addWidget(self.submit_button)

        frame, lay = card()
        lay.addWidget(label(self.tr("Your limits"), "title"))
        self.limits_text = label("", "muted")
        lay.addWidget(self.limits_text)
        self.body.addWidget(frame)
        self.body.addStretch(1)
        self.choose(PRESETS[1])

    def on_show(self) -> None:
        self.set_title(self.tr("Top up"))
        self.factor.clear()
        self.topup_password.clear()
        self.last_topup = None
        self.refresh_limits()
        self.factor.setFocus() if self.factor.isVisible() else self.submit_button.setFocus()

    # -- amount ----------------------------------------------------------------------------------
    def choose(self, value: int) -> None:
        self.amount = value
        self.other_amount.clear()
        self.preset_buttons[value].setChecked(True)
        self._label_button()

    def _other_typed(self, text: str) -> None:
        self.preset_group.setExclusive(False)
        for b in self.preset_buttons.values():
            b.setChecked(False)
        self.preset_group.setExclusive(True)
        try:
            self.amount = parse_yen(text) if text.strip() else None
        except InputError:
            self.amount = None
        self._label_button()

    def _label_button(self) -> None:
        if self.amount is None:
            self.submit_button.setText(self.tr("Top up"))
        else:
            self.submit_button.setText(self.tr("Top up {amount}").format(amount=format_yen(self.amount)))

    # -- limits ----------------------------------------------------------------------------------
    def refresh_limits(self) -> None:
        try:
            lim = self.core.topups.limits(self.window_.token)
        except QrpayError as exc:
            self.show_error(exc)
            return
        self.limits = lim
        lines = [self.tr("Up to {amount} per top-up").format(amount=format_yen(lim.per_transaction)),
                 self.tr("Today: {left} left of {limit}").format(left=format_yen(lim.day_left),
                                                                  limit=format_yen(lim.day_limit)),
                 self.tr("Last 30 days: {left} left of {limit}").format(left=format_yen(lim.month_left),
                                                                         limit=format_yen(lim.month_limit)),
                 self.tr("You can top up {amount} right now.").format(amount=format_yen(lim.max_now))]
        if lim.velocity_count:
            lines.append(self.tr("At most {n} top-ups within {s} seconds.").format(n=lim.velocity_count,
                                                                                  s=lim.velocity_seconds))
        self.limits_text.setText("\n".join(lines))
        self.factor_label.setVisible(lim.requires_totp)
        self.factor.setVisible(lim.requires_totp)
        for w in (self.topup_password_label, self.topup_password, self.set_password_button):
            w.setVisible(lim.requires_topup_password)

    # -- top up ----------------------------------------------------------------------------------
    def submit(self) -> None:
        if self._busy:
            return
        self.banner.clear()
        if self.amount is None:
            self.banner.show_state("danger", self.tr("Choose an amount or type one in whole yen."))
            return
        kwargs: dict = {"idempotency_key": secrets.token_hex(16)}
        if self.factor.isVisibleTo(self) and self.factor.text().strip():
            kwargs["totp"] = split_factor(self.factor.text())["totp"] or self.factor.text().strip()
        if self.topup_password.isVisibleTo(self) and self.topup_password.text():
            kwargs["topup_password"] = self.topup_password.text()
        token, amount, number = self.window_.token, self.amount, self.card.text()
        self._busy = True
        self.submit_button.setEnabled(False)
        run_in_background(lambda: self.core.topups.top_up(token, amount, number, **kwargs),
                          on_success=self._done, on_failure=self._failed)

    def _done(self, topup) -> None:
        self._busy = False
        self.submit_button.setEnabled(True)
        self.last_topup = topup
        self.factor.clear()
        self.topup_password.clear()
        self.refresh_limits()
        self.banner.show_state("ok", self.tr("Added {amount} from {brand} •••• {last4}. Your balance is now "
                                             "{balance}.").format(amount=format_yen(topup.amount),
                                                                  brand=topup.card_brand, last4=topup.card_last4,
                                                                  balance=format_yen(topup.balance)))

    def _failed(self, exc) -> None:
        self._busy = False
        self.submit_button.setEnabled(True)
        self.factor.clear()
        self.refresh_limits()
        self.show_error(exc)

    def set_topup_password(self) -> None:
        self.banner.clear()
        try:
            self.core.topups.set_topup_password(self.window_.token, self.topup_password.text())
        except QrpayError as exc:
            self.show_error(exc)
            return
        self.banner.show_state("ok", self.tr("Your top-up password is set."))
