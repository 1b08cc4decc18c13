"""The till's window: sign-in, then the catalog and cart; Pay by QR opens the scanner; the
verdict fills the screen; the supervisor area sits behind a PIN.

    PosWindow(core, terminal_id="T1", source_factory=lambda: open_source("code.avi"), decoder=...)

The window holds the screen state only. Every payment rule is the core's: the window sends the
cart and the scanned text to `core.sales.pay` with a sale id made once per cart, so a retry after
a time-out or a crash returns the first result instead of charging again.
"""
from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QMainWindow, QMenu, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from pos_app.cart_panel import CartPanel
from pos_app.catalog_panel import CatalogPanel
from pos_app.clerk_signin import ClerkSignIn, Shift
from pos_app.elided_label import ElidedLabel
from ui_common.flow_layout import FlowLayout
from pos_app.messages import clerk_message, plain_error
from pos_app.receipt_view import receipt_html, save_pdf
from pos_app.result_panel import ResultPanel
from pos_app.scan_worker import SourceFactory
from pos_app.scanner_panel import ScannerPanel
from pos_app.screen_source import SOURCE_AUTO, default_source_factory
from pos_app.supervisor_area import SupervisorArea
from shared.errors import PaymentUnconfirmed, QrpayError
from shared.money import format_yen
from shared.receipts import Receipt
from shared.sales import EntryMethod
from shared.scanning import decoder_named
from shared.scanning.decoders import Decoder
from ui_common import app as ui_app
from ui_common.dialogs import ask_yes_no
from ui_common.kiosk import KioskExitGuard, LeaveKioskButton, close_allowed
from ui_common.policy_poller import POLICY_POLL_MS, PolicyPoller
from ui_common.supervisor_pin import SupervisorPinDialog
from ui_common.tasks import run_in_background
from ui_common.widgets import Banner, PolicyBadge

log = logging.getLogger(__name__)

SOURCE_SETTING = "scanner/source"




class PosWindow(QMainWindow):
    def __init__(self, core, *, terminal_id: str = "T1", source_factory: SourceFactory | None = None,
                 decoder: Decoder | None = None, camera: str | None = None, lang: str | None = None,
                 documents_dir: Path | None = None, ask: Callable[..., object] | None = None,
                 confirm: Callable[[QWidget, str], bool] = ask_yes_no, poll_ms: int = POLICY_POLL_MS,
                 settings: QSettings | None = None, open_camera: Callable[[str], object] | None = None) -> None:
        super().__init__()
        self.core = core
        self.terminal_id = terminal_id
        self.lang = lang or ui_app.language()
        # The source: --camera if given, else what the presenter chose last on this machine, else
        # automatic (a webcam if one opens, else the screen).
        self.settings = settings if settings is not None else QSettings("qrpay-sim", "pos_app")
        saved = self.settings.value(SOURCE_SETTING, "", type=str)
        self._camera = camera or saved or SOURCE_AUTO
        self._injected_spec = camera
        self._open_camera = open_camera
        self._source_factory = source_factory
        self._decoder = decoder
        self._ask = ask or SupervisorPinDialog.ask
        self._confirm = confirm
        self._screen_grabbers: dict[str, object] = {}
        if documents_dir is None:
            from platformdirs import user_documents_dir
            documents_dir = Path(user_documents_dir()) / "qrpay-sim"
        self.documents_dir = Path(documents_dir)
        self.shift: Shift | None = None
        self.sale_id: str | None = None         # one per cart attempt; reused on retry
        self._paying_lines: list[tuple[str, int]] = []
        self.last_receipt: Receipt | None = None
        self._wedge = ""
        self.exit_guard: Callable[[], bool] | None = None   # kiosk: a supervisor PIN to leave
        self.setWindowTitle(self.tr("qrpay till — {terminal}").format(terminal=terminal_id))
        self.setMinimumSize(760, 560)  # fits beside the wallet on a 1366×768 kiosk

        # -- top bar ----------------------------------------------------------------------------
        # The store and the clerk share the room left by the buttons; a long name ends in "…"
        # (the full text is in the tooltip) instead of being cut mid-letter.
        self.store_label = ElidedLabel()
        self.store_label.setProperty("role", "title")
        self.clerk_label = ElidedLabel()
        self.badge = PolicyBadge()
        self.supervisor_button = QPushButton("◆ " + self.tr("Supervisor"))
        self.supervisor_button.setProperty("role", "supervisor")
        self.supervisor_button.clicked.connect(self.open_supervisor_area)
        self.signout_button = QPushButton(self.tr("Close shift"))
        self.signout_button.clicked.connect(self.sign_out)
        self.presenter_button = QPushButton("☰")
        self.presenter_button.setToolTip(self.tr("Presenter: demo accounts, phone wallet, bring back the wallet, reset"))
        self.presenter_button.setAccessibleName(self.tr("Presenter"))
        self.presenter_button.setStyleSheet("QPushButton::menu-indicator { image: none; width: 0px; }")
        self.presenter_menu = QMenu(self.presenter_button)
        self.presenter_button.setMenu(self.presenter_menu)
        self.presenter_button.hide()
        self.leave_kiosk_button = LeaveKioskButton(self.close)
        for b in (self.supervisor_button, self.signout_button, self.presenter_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Wide: one row. Narrow (beside the wallet): the store and clerk get the first row to
        # themselves and the badge and buttons move to a second one (see resizeEvent).
        self._actions = QWidget()
        actions = FlowLayout(self._actions, align_right=True)
        for w in (self.badge, self.supervisor_button, self.signout_button, self.presenter_button,
                  self.leave_kiosk_button):
            actions.addWidget(w)
        self._row1 = QHBoxLayout()
        self._row1.addWidget(self.store_label)
        self._row1.addWidget(self.clerk_label, 1)
        self._row1.addWidget(self._actions)
        self._row2 = QHBoxLayout()
        bar = QVBoxLayout()
        bar.setSpacing(6)
        bar.addLayout(self._row1)
        bar.addLayout(self._row2)
        self._two_rows = False
        self._insecure = False
        self.policy_banner = Banner()
        self.demo_link = None
        self.db_path: str | None = None
        self.phone_url: str | None = None
        self.autoplay = None

        # -- pages ------------------------------------------------------------------------------
        self.signin = ClerkSignIn(core)
        self.signin.signed_in.connect(self._signed_in)
        self.catalog = CatalogPanel(core, lang=self.lang)
        self.cart = CartPanel(core, lang=self.lang)
        self.catalog.item_chosen.connect(self.add_item)
        self.cart.pay_requested.connect(self.start_payment)
        self.cart.changed.connect(self._cart_changed)
        till = QWidget()
        tl = QHBoxLayout(till)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(16)
        cart_card = QFrame()
        cart_card.setProperty("role", "card")
        cl = QVBoxLayout(cart_card)
        cl.setContentsMargins(16, 12, 16, 16)
        cl.addWidget(self.cart)
        tl.addWidget(self.catalog, 3)
        tl.addWidget(cart_card, 2)
        self._till_layout = tl
        self.till = till

        self.scanner = ScannerPanel(decoder_factory=self._new_decoder, source_factory_for=self._factory_for,
                                    source_spec=self._camera, source_choices=self._source_choices())
        self.scanner.code_submitted.connect(self._code_submitted)
        self.scanner.source_changed.connect(self._remember_source)
        self.scanner.cancelled.connect(self.cancel_payment)
        self.result = ResultPanel()
        self.result.new_sale.connect(self.new_sale)
        self.result.back_to_scanner.connect(self._back_to_scanner)
        self.result.cancel_payment.connect(self.cancel_payment)
        self.result.save_pdf.connect(self.save_receipt_pdf)
        self.supervisor = SupervisorArea(core, terminal_id=terminal_id, lang=self.lang,
                                         documents_dir=self.documents_dir,
                                         shift_float=lambda: self.shift.cash_float if self.shift else None,
                                         ask=self._ask, confirm=confirm)
        self.supervisor.leave.connect(self.show_till)

        self.pages = QStackedWidget()
        for page in (self.signin, self.till, self.scanner, self.result, self.supervisor):
            self.pages.addWidget(page)

        root = QWidget()
        rl = QVBoxLayout(root)
        rl.setContentsMargins(16, 10, 16, 16)
        rl.setSpacing(10)
        rl.addLayout(bar)
        rl.addWidget(self.policy_banner)
        rl.addWidget(self.pages, 1)
        self.setCentralWidget(root)

        self.policy_poller = PolicyPoller(core, interval_ms=poll_ms, parent=self)
        self.policy_poller.changed.connect(self._policy_changed)
        self.refresh_policy()
        self._update_bar()
        self.pages.setCurrentWidget(self.signin)
        self.signin.reset()

    # -- wiring helpers -----------------------------------------------------------------------------
    def _new_decoder(self) -> Decoder:
        return self._decoder if self._decoder is not None else decoder_named("cascade")

    def _source_choices(self) -> list[tuple[str, str]]:
        return [(SOURCE_AUTO, self.tr("Automatic: webcam, else the screen")),
                ("0", self.tr("Webcam 1")), ("1", self.tr("Webcam 2")),
                ("screen", self.tr("Screen: the wallet window"))]

    def _factory_for(self, spec: str) -> SourceFactory:
        if spec == self._injected_spec and self._source_factory is not None:
            return self._source_factory
        return default_source_factory(spec, screen_grabber_for=self._screen_grabber, open_camera=self._open_camera)

    @Slot(str)
    def _remember_source(self, spec: str) -> None:
        self._camera = spec
        self.settings.setValue(SOURCE_SETTING, spec)
        self.settings.sync()

    def _screen_grabber(self, spec: str):
        from pos_app.screen_source import ScreenGrabber, parse_screen_spec
        if spec not in self._screen_grabbers:
            # The till paints over its own window in every grab: the preview must not show itself.
            self._screen_grabbers[spec] = ScreenGrabber(parse_screen_spec(spec), exclude=self.frameGeometry,
                                                        parent=self)
        return self._screen_grabbers[spec]

    def _update_bar(self) -> None:
        try:
            store = self.core.catalog.store()
            name = store.name_ja if self.lang == "ja" else store.name_en
        except QrpayError:
            name = self.tr("No store set up")
        self.store_label.setText(f"{name} · {self.terminal_id}")
        if self.shift is None:
            self.clerk_label.setText("")
        else:
            role = self.tr("supervisor") if self.shift.is_supervisor else self.tr("clerk")
            self.clerk_label.setText(f"{self.shift.clerk.name} ({role})")
        signed_in = self.shift is not None
        self.supervisor_button.setVisible(signed_in)
        self.signout_button.setVisible(signed_in)
        self._fit_header()

    @Slot()
    def refresh_policy(self) -> None:
        self.policy_poller.poll()

    @Slot(object)
    def _policy_changed(self, policy) -> None:
        self.badge.set_policy(policy)
        self._insecure = policy.is_insecure
        self._show_policy_banner()

    def _show_policy_banner(self) -> None:
        """Under 2019 settings a banner says what is unsafe; beside the wallet (two-row header) the
        striped badge alone says it, with the sentence as its tooltip, so the till keeps its room."""
        text = self.tr("2019 settings — insecure, for training. Codes can be reused and sign-in has no second "
                       "factor.") if self._insecure else ""
        self.badge.setToolTip(text)
        if self._insecure and not self._two_rows:
            self.policy_banner.show_state("warning", text)
        else:
            self.policy_banner.clear()

    # -- sign-in and shift --------------------------------------------------------------------------
    @Slot(object)
    def _signed_in(self, shift: Shift) -> None:
        self.shift = shift
        self._update_bar()
        self.show_till()

    @Slot()
    def sign_out(self) -> None:
        self.scanner.stop_scanning()
        self.shift = None
        self.cart.clear()
        self.sale_id = None
        self._update_bar()
        self.pages.setCurrentWidget(self.signin)
        self.signin.reset()

    @Slot()
    def show_till(self) -> None:
        self.pages.setCurrentWidget(self.till if self.shift else self.signin)
        self.setFocus()

    # -- cart -----------------------------------------------------------------------------------
    @Slot(str)
    def add_item(self, jan: str) -> bool:
        return self.cart.add(jan)

    @Slot()
    def _cart_changed(self) -> None:
        if not self.cart.lines:
            self.sale_id = None

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """A USB barcode scanner in keyboard mode types the JAN's digits and Enter; digits typed
        into no text field end up here (buttons do not take digits or, in a main window, Enter)."""
        if self.pages.currentWidget() is not self.till:
            super().keyPressEvent(event)
            return
        text = event.text()
        if text and text.isdigit() and text.isascii():
            self._wedge = (self._wedge + text)[-32:]
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._wedge:
            code, self._wedge = self._wedge, ""
            self.add_item(code)
            event.accept()
            return
        self._wedge = ""
        super().keyPressEvent(event)

    # -- payment ---------------------------------------------------------------------------------
    @Slot()
    def start_payment(self) -> None:
        if not self.cart.lines or self.shift is None:
            return
        if self.sale_id is None:
            self.sale_id = uuid.uuid4().hex
        self._paying_lines = self.cart.lines
        self.pages.setCurrentWidget(self.scanner)
        self.scanner.begin(format_yen(self.cart.total))

    @Slot(str, str)
    def _code_submitted(self, text: str, entry: str) -> None:
        if self.shift is None or self.sale_id is None:
            return
        self.scanner.set_verifying()
        core, terminal_id, clerk_id = self.core, self.terminal_id, self.shift.clerk.id
        lines, sale_id = list(self._paying_lines), self.sale_id
        entry_method = EntryMethod(entry)

        def pay():
            try:
                return core.sales.pay(terminal_id=terminal_id, clerk_id=clerk_id, code=text, lines=lines,
                                      sale_id=sale_id, entry_method=entry_method)
            except QrpayError:
                raise
            except Exception as e:
                log.exception("payment %s failed unexpectedly", sale_id)
                raise PaymentUnconfirmed("The payment could not be confirmed. Scan again: the customer is never "
                                         "charged twice for this sale.") from e

        run_in_background(pay, on_success=self._paid, on_failure=self._refused)

    def _paid(self, sale) -> None:
        self.scanner.stop_scanning()
        try:
            receipt = self.core.sales.receipt(sale.id)
        except QrpayError as e:  # the sale stands; the receipt can be reprinted from the journal
            log.warning("receipt of %s not available: %s", sale.id, e.message)
            receipt = None
        self.sale_id = None
        self.cart.clear()
        self.last_receipt = receipt
        if receipt is not None:
            self.result.show_approved(receipt)
        self.pages.setCurrentWidget(self.result)

    def _refused(self, error: QrpayError) -> None:
        self.result.show_refused(clerk_message(error))
        self.pages.setCurrentWidget(self.result)

    @Slot()
    def _back_to_scanner(self) -> None:
        self.pages.setCurrentWidget(self.scanner)
        self.scanner.resume()

    @Slot()
    def cancel_payment(self) -> None:
        self.scanner.stop_scanning()
        self.show_till()

    @Slot()
    def new_sale(self) -> None:
        self.result.kind = ""
        self.show_till()

    @Slot()
    def save_receipt_pdf(self) -> Path | None:
        r = self.last_receipt
        if r is None:
            return None
        path = save_pdf(receipt_html(r), self.documents_dir / f"receipt-{r.receipt_no}.pdf", title=r.receipt_no)
        self.result.show_saved(self.tr("Saved {path}").format(path=path))
        return path

    # -- supervisor area ---------------------------------------------------------------------------
    @Slot()
    def open_supervisor_area(self) -> None:
        if self.shift is None:
            return
        approval = self._ask(self, action=self.tr("Open the supervisor area"))
        if approval is None:
            return
        core = self.core
        self.supervisor_button.setEnabled(False)
        run_in_background(lambda: core.staff.require_supervisor(approval.supervisor_id, approval.pin),
                          on_success=self._supervisor_in, on_failure=self._supervisor_refused)

    def _supervisor_in(self, staff) -> None:
        self.supervisor_button.setEnabled(True)
        self.scanner.stop_scanning()
        self.supervisor.enter(staff.name)
        self.pages.setCurrentWidget(self.supervisor)

    def _supervisor_refused(self, error: QrpayError) -> None:
        self.supervisor_button.setEnabled(True)
        self.cart.show_message(plain_error(error))

    # -- closing -----------------------------------------------------------------------------------
    @Slot()
    def reset_for_next_customer(self) -> None:
        """Kiosk idle reset: an abandoned cart is discarded (never a payment in flight)."""
        if self.pages.currentWidget() in (self.till, self.result):
            self.cart.clear()
            self.sale_id = None
            self.show_till()

    def resizeEvent(self, event) -> None:  # noqa: N802
        # Beside the wallet on a 1366×768 kiosk the till is narrow: give the cart half the width.
        narrow = self.width() < 1100
        self._till_layout.setStretch(0, 1 if narrow else 3)
        self._till_layout.setStretch(1, 1 if narrow else 2)
        super().resizeEvent(event)
        self._fit_header()

    def _fit_header(self) -> None:
        """One row if the store, the clerk and the buttons all fit; else the buttons go below."""
        need = (self.store_label.sizeHint().width() + self.clerk_label.sizeHint().width()
                + self._actions.sizeHint().width() + 64)
        self._place_actions(two_rows=need > self.width())

    def _place_actions(self, *, two_rows: bool) -> None:
        if two_rows == self._two_rows:
            return
        self._two_rows = two_rows
        source, target = (self._row1, self._row2) if two_rows else (self._row2, self._row1)
        source.removeWidget(self._actions)
        target.addWidget(self._actions, 1 if two_rows else 0)
        self._show_policy_banner()

    # -- kiosk and presenter -------------------------------------------------------------------------
    def set_kiosk(self, on: bool) -> None:
        """Kiosk: the visible way out is the "Leave kiosk" button; closing asks for a supervisor's
        PIN (a wrong one keeps the kiosk running and says why under the cart)."""
        self.leave_kiosk_button.setVisible(on)
        self.exit_guard = KioskExitGuard(self, self.core, ask=self._ask,
                                         on_refused=lambda e: self.cart.show_message(plain_error(e))) if on else None
        self._fit_header()

    def set_demo_link(self, link, *, db_path: str | None, phone_url: str | None = None) -> None:
        """Started by `qrpay demo`: the Presenter menu (demo accounts, the phone wallet's address with
        `--phone`, reopen the wallet, reset)."""
        from shared.demo_data import credentials_path

        self.demo_link = link
        self.db_path = db_path
        self.phone_url = phone_url
        menu = self.presenter_menu
        menu.clear()
        has_creds = db_path is not None and credentials_path(db_path).exists()
        if has_creds:
            self.accounts_action = menu.addAction(self.tr("Demo accounts…"), self.show_demo_accounts)
        if phone_url:
            self.phone_action = menu.addAction(self.tr("Phone wallet…"), self.show_phone_wallet)
        if link is not None and link.active:
            self.reopen_action = menu.addAction(self.tr("Bring back the wallet"), lambda: link.request("show"))
            menu.addSeparator()
            self.reset_action = menu.addAction(self.tr("Reset demo…"), self.reset_demo)
        self.presenter_button.setVisible(not menu.isEmpty())
        self._fit_header()

    @Slot()
    def show_demo_accounts(self) -> None:
        from pos_app.demo_accounts import DemoAccountsDialog
        from shared.demo_data import load_credentials

        creds = load_credentials(self.db_path) if self.db_path else None
        if creds is not None:
            DemoAccountsDialog(creds, parent=self).exec()

    @Slot()
    def show_phone_wallet(self) -> None:
        from pos_app.phone_wallet_dialog import PhoneWalletDialog

        if self.phone_url:
            PhoneWalletDialog(self.phone_url, parent=self).exec()

    @Slot()
    def reset_demo(self) -> None:
        if self.demo_link is None:
            return
        if self._confirm(self, self.tr("Reset the demo? Every sale, sign-in and balance goes back to the start, "
                                       "and new passwords are made.")):
            self.demo_link.request("reset")

    def shutdown(self) -> None:
        self.policy_poller.stop()
        self.scanner.stop_scanning()
        if self.autoplay is not None:
            self.autoplay.stop(quiet=True)

    def closeEvent(self, event) -> None:  # noqa: N802
        if close_allowed(self, event):
            self.shutdown()
            super().closeEvent(event)
