"""What every wallet screen shares: a centred phone-like column, a title with Back, a Banner for
states, and small parts several screens use (code fields, password feedback, recovery codes).

Screens hold no rules: they call the core and show what it answers.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea,
                               QSizePolicy, QStackedWidget, QVBoxLayout, QWidget)

from shared.errors import QrpayError
from shared.passwords import PasswordProblem
from ui_common import theme
from ui_common.widgets import Banner, column_scroll
from wallet_app import messages

if TYPE_CHECKING:
    from shared.sessions import Session
    from wallet_app.main_window import WalletWindow

COLUMN_MAX_WIDTH = 560




def button(text: str, role: str | None = None, on_click: Callable[[], None] | None = None) -> QPushButton:
    b = QPushButton(text)
    if role:
        b.setProperty("role", role)
    b.setAutoDefault(False)
    if on_click is not None:
        b.clicked.connect(lambda _checked=False: on_click())
    return b


def label(text: str = "", role: str | None = None, *, wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    if role:
        lab.setProperty("role", role)
    lab.setWordWrap(wrap)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def line_edit(placeholder: str = "", *, password: bool = False, on_enter: Callable[[], None] | None = None,
              name: str | None = None) -> QLineEdit:
    e = QLineEdit()
    e.setPlaceholderText(placeholder)
    if password:
        e.setEchoMode(QLineEdit.EchoMode.Password)
    if on_enter is not None:
        e.returnPressed.connect(on_enter)
    if name:
        e.setObjectName(name)
    return e


W = TypeVar("W", bound=QWidget)


def captioned(layout: QVBoxLayout, caption: str, field: W) -> W:
    """`caption` (a label) over `field` in `layout`, as the forms show them; returns the field."""
    layout.addWidget(label(caption))
    layout.addWidget(field)
    return field


def code_edit(on_enter: Callable[[], None] | None = None, name: str | None = None) -> QLineEdit:
    """A field for the 6-digit authenticator code (or a recovery code when the person types one)."""
    e = line_edit(QCoreApplication.translate("Screen", "6-digit code"), on_enter=on_enter, name=name)
    e.setMaxLength(40)
    e.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    big = QFont(e.font())
    big.setPointSize(16)
    big.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1)
    e.setFont(big)
    return e


def split_factor(text: str) -> dict[str, str | None]:
    """The person types either a 6-digit code or a recovery code into one field; the core checks
    which one it is, so this only routes the text to the right keyword."""
    t = text.strip().replace(" ", "")
    if t.isdigit():
        return {"totp": t, "recovery_code": None}
    return {"totp": None, "recovery_code": text.strip() or None}


def mono_font(size: int = 14) -> QFont:
    f = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    f.setFamilies(["Noto Sans Mono CJK JP", "DejaVu Sans Mono", f.family()])
    f.setPointSize(size)
    return f


def card() -> tuple[QFrame, QVBoxLayout]:
    f = QFrame()
    f.setProperty("role", "card")
    lay = QVBoxLayout(f)
    lay.setContentsMargins(12, 12, 12, 12)
    lay.setSpacing(10)
    return f, lay


def grouped(text: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(text[i:i + size] for i in range(0, len(text), size))


def fit_to_current_page(stack) -> None:
    """A QStackedWidget is as tall as its tallest page; make it as tall as the page shown, so a
    short page does not scroll through the empty height of a long one."""
    def update(index: int) -> None:
        for i in range(stack.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            stack.widget(i).setSizePolicy(policy, policy)
            stack.widget(i).adjustSize()
        stack.adjustSize()
    stack.currentChanged.connect(update)
    update(stack.currentIndex())


class Screen(QWidget):
    """A screen in the wallet's stack: a centred column with a title row and a Banner."""

    title_text = ""

    def __init__(self, window: "WalletWindow", *, scroll: bool = True, back: bool = True,
                 column_width: int = COLUMN_MAX_WIDTH) -> None:
        super().__init__()
        self.window_ = window
        self.core = window.core
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        column = QWidget()
        column.setMaximumWidth(column_width)
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.column = column
        col = QVBoxLayout(column)
        col.setContentsMargins(12, 8, 12, 8)
        col.setSpacing(12)
        head = QHBoxLayout()
        # "‹" alone, as phones do: the title beside it gets the width (its name is for screen readers)
        self.back_button = button("‹", None, self.go_back)
        self.back_button.setAccessibleName(QCoreApplication.translate("Screen", "Back"))
        self.back_button.setToolTip(QCoreApplication.translate("Screen", "Back"))
        self.back_button.setStyleSheet("font-size: 20pt; font-weight: 700; padding: 0 8px;")
        self.back_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.back_button.setVisible(back)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        head.addWidget(self.back_button)
        head.addWidget(self.title, 1)
        col.addLayout(head)
        self.banner = Banner()
        col.addWidget(self.banner)
        self.body = QVBoxLayout()
        self.body.setSpacing(12)
        self.body.setContentsMargins(0, 0, 0, 0)  # the column has the margins; a phone has no width to spare
        if scroll:
            inner = QWidget()
            inner.setLayout(self.body)
            area = column_scroll(inner)
            area.setStyleSheet(f"QScrollArea, QScrollArea > QWidget > QWidget {{ background: {theme.BG}; }}")
            col.addWidget(area, 1)
        else:
            col.addLayout(self.body, 1)
        outer.addStretch(1)
        outer.addWidget(column, 100)
        outer.addStretch(1)

    # -- hooks the window calls ------------------------------------------------------------------
    def on_show(self) -> None:
        """Called each time the screen is shown: refresh from the core."""

    def on_hide(self) -> None:
        """Called when another screen replaces this one."""

    def tick(self) -> None:
        """Once a second while shown: repaint countdowns (time comes from core.now())."""

    def on_data_changed(self) -> None:
        """Another process changed the database (a payment or refund at the till): re-read."""

    def go_back(self) -> None:
        self.window_.show_home() if self.window_.signed_in else self.window_.show_welcome()

    # -- helpers ---------------------------------------------------------------------------------
    def set_title(self, text: str) -> None:
        self.title.setText(text)

    def for_customer(self, read: Callable[[Session], None]) -> None:
        """`read(session)` for the signed-in customer once the core says the session is still good (a timed-out
        one goes back to sign-in); a refusal is shown. Nothing while no one is signed in."""
        s = self.window_.session
        if s is None:
            return
        try:
            self.core.identity.session(s.token)
            read(s)
        except QrpayError as exc:
            self.show_error(exc)

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, QrpayError):
            if exc.code == "session_invalid":
                self.window_.session_ended(messages.error_text(exc))
                return
            self.banner.show_state("danger", messages.error_text(exc))
        else:
            raise exc


class PagedScreen(Screen):
    """A screen that shows one of its pages at a time (a wizard's steps, a list and its receipt): `pages`
    in the body (`stretch`: its share of the body's height), `new_page()` adds the next one, `page` is the
    index shown."""

    def __init__(self, window: "WalletWindow", *, stretch: int = 0, **kw) -> None:
        super().__init__(window, **kw)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages, stretch)

    def new_page(self) -> QVBoxLayout:
        """A page added after the others: its column (no margins of its own: the screen's column has them)."""
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(page)
        return column

    def pages_ready(self, first: int) -> None:
        """Once every page is built: each page as tall as itself (fit_to_current_page), `first` shown."""
        fit_to_current_page(self.pages)
        self._set_page(first)

    def _set_page(self, page: int) -> None:
        """Shows `page` (a screen whose title follows the page says so here)."""
        self.pages.setCurrentIndex(page)

    @property
    def page(self) -> int:
        return self.pages.currentIndex()


class PasswordFeedback(QLabel):
    """Live reasons why a password would be refused, straight from core.identity.password_problems."""

    def __init__(self, core, password: QLineEdit, email: Callable[[], str | None]) -> None:
        super().__init__()
        self.core = core
        self._password = password
        self._email = email
        self.setWordWrap(True)
        self.reasons: list[PasswordProblem] = []
        # zxcvbn takes a few ms; wait for a pause in typing rather than scoring every keystroke
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(lambda: self.refresh() if self.isVisible() else None)
        password.textChanged.connect(lambda _t: self._debounce.start())
        self.refresh()

    def hideEvent(self, event) -> None:  # noqa: N802 - a closed window must not score a password later
        self._debounce.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        pw = self._password.text()
        if not pw:
            self.reasons = []
            self.setProperty("role", "muted")
            self.setText(QCoreApplication.translate("Screen", "Use a long password you do not use anywhere else (a few unrelated words work well)."))
        else:
            self.reasons = list(self.core.identity.password_problems(pw, self._email() or None))
            if self.reasons:
                self.setProperty("role", "error")
                self.setText("\n".join("✕ " + messages.password_problem(r) for r in self.reasons))
            else:
                self.setProperty("role", "ok")
                self.setText("✓ " + QCoreApplication.translate("Screen", "This password can be used."))
        self.style().unpolish(self)
        self.style().polish(self)


class RecoveryCodesView(QWidget):
    """Recovery codes to save, with Copy and Save to file."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: tuple[str, ...] = ()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.text = QLabel()
        self.text.setFont(mono_font(15))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setStyleSheet(f"background: {theme.SURFACE}; border: 1px solid {theme.BORDER};"
                                "border-radius: 8px; padding: 12px;")
        lay.addWidget(self.text)
        row = QHBoxLayout()
        self.copy_button = button(QCoreApplication.translate("Screen", "Copy"), None, self.copy)
        self.save_button = button(QCoreApplication.translate("Screen", "Save to file…"), None, self.save)
        row.addWidget(self.copy_button)
        row.addWidget(self.save_button)
        lay.addLayout(row)
        self.status = label("", "ok")
        lay.addWidget(self.status)

    def set_codes(self, codes: tuple[str, ...]) -> None:
        self.codes = tuple(codes)
        self.text.setText("\n".join(self.codes))  # one a line: two side by side are wider than a phone
        self.status.setText("")

    def as_text(self) -> str:
        from ui_common.app import plain_text  # no invisible line-break marks in a saved file

        return (plain_text(QCoreApplication.translate("Screen", "qrpay-sim recovery codes: each works once, instead of an authenticator code.")) + "\n\n"
                + "\n".join(self.codes) + "\n")

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.as_text())
        self.status.setText("✓ " + QCoreApplication.translate("Screen", "Copied."))

    def save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, QCoreApplication.translate("Screen", "Save recovery codes"), "qrpay-recovery-codes.txt",
                                              QCoreApplication.translate("Screen", "Text files (*.txt)"))
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        path.write_text(self.as_text(), encoding="utf-8")
        self.status.setText("✓ " + QCoreApplication.translate("Screen", "Saved to {path}").format(path=str(path)))
