"""Widgets both apps show: the policy badge, the QR image, a state banner, an eliding label."""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLayout, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from shared.policy import Policy
from ui_common import theme


def clear_layout(layout: QLayout, *, keep: int = 0) -> None:
    """Remove and delete every item of `layout` but the last `keep` (a trailing stretch). Each widget
    is hidden at once: one only deleted later would still be painted and measured until then."""
    while layout.count() > keep:
        w = layout.takeAt(0).widget()
        if w is not None:
            w.hide()
            w.deleteLater()


def titled_page(title: str) -> tuple[QWidget, QVBoxLayout, QHBoxLayout]:
    """The body of a window with a title row (the score board, the classroom): the widget to set as central
    widget, its column, and the title row (the title first; the window adds its own after it)."""
    root = QWidget()
    outer = QVBoxLayout(root)
    outer.setContentsMargins(16, 10, 16, 10)
    outer.setSpacing(8)
    head = QHBoxLayout()
    head.setSpacing(12)
    label = QLabel(title)
    label.setProperty("role", "title")
    head.addWidget(label)
    outer.addLayout(head)
    return root, outer, head


def column_scroll(widget: QWidget, *, frame: bool = False) -> QScrollArea:
    """`widget` in a scroll area that scrolls down only (its width follows the area's; no horizontal bar),
    without a frame unless `frame`."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if not frame:
        area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


def card_column() -> tuple[QScrollArea, QVBoxLayout]:
    """A framed scroll area over a column of cards (the score board's challenges, the defences' groups):
    the area, and the column to add the cards to (room on the right for the scroll bar)."""
    body = QWidget()
    column = QVBoxLayout(body)
    column.setContentsMargins(0, 0, 8, 0)
    column.setSpacing(8)
    return column_scroll(body, frame=True), column


class PolicyBadge(QLabel):
    """Always visible: calm for hardened; striped warning colours and the words for 2019, and for a
    custom set of defences how many are off (`shared.defences.describe`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("policyBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)  # the 2019 words wrap in a narrow window instead of widening it
        self._policy: Policy | None = None
        self.set_policy("hardened")

    def set_policy(self, policy: "str | Policy") -> None:
        """A preset name, or the Policy itself (a custom set shows how many defences are off)."""
        from shared import defences

        self._policy = policy if isinstance(policy, Policy) else None
        name = self._name = policy.name if isinstance(policy, Policy) else policy
        if name == "hardened":
            self.setText("✔ " + self.tr("Hardened"))
            self.setStyleSheet(f"QLabel#policyBadge {{ color: white; background: {theme.OK}; font-weight: 600;"
                               "padding: 6px 14px; border-radius: 8px; }")
            return
        if name == "2019":
            self.setText("⚠ " + self.tr("2019 settings — insecure, for training"))
        else:  # a custom set (or anything not hardened): never shown as safe
            off = len(defences.describe(policy).off) if isinstance(policy, Policy) else len(defences.NAMES)
            self.setText("⚠ " + self.tr("Custom: {n} defences off").format(n=off))
        self.setStyleSheet(
            "QLabel#policyBadge { color: #1a1a1a; font-weight: 700; padding: 6px 14px; border-radius: 8px;"
            "border: 2px solid #1a1a1a;"
            "background: qlineargradient(x1:0, y1:0, x2:1, y2:1, stop:0 #ffc400, stop:0.25 #ffc400,"
            " stop:0.2501 #ffe680, stop:0.5 #ffe680, stop:0.5001 #ffc400, stop:0.75 #ffc400,"
            " stop:0.7501 #ffe680, stop:1 #ffe680); }")

    @property
    def policy_name(self) -> str:
        return self._name

    @property
    def policy(self) -> "Policy | None":
        """The Policy last shown (None when only a name was given)."""
        return self._policy


class QrWidget(QWidget):
    """Paints a QR module matrix crisply (no smoothing) on white with a quiet zone.

    `set_matrix(rows)` takes rows of booleans *including* the quiet zone (as `qrcode` returns
    with border=4). `set_hidden(True)` covers the code (e.g. while the window is not active).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] = []
        self._hidden = False
        self._cover_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 160)

    def set_matrix(self, matrix: list[list[bool]]) -> None:
        self._matrix = [list(r) for r in matrix]
        self.update()

    def set_hidden(self, hidden: bool, text: str = "") -> None:
        self._hidden, self._cover_text = hidden, text
        self.update()

    def is_hidden(self) -> bool:
        return self._hidden

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, w: int) -> int:  # noqa: N802
        return w

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        side = min(self.width(), self.height())
        x0, y0 = (self.width() - side) // 2, (self.height() - side) // 2
        p.fillRect(x0, y0, side, side, QColor("white"))
        n = len(self._matrix)
        if n and not self._hidden:
            module = side // n                 # whole pixels per module: sharp edges for the camera
            off_x = x0 + (side - module * n) // 2
            off_y = y0 + (side - module * n) // 2
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(QColor("black")))
            for r, row in enumerate(self._matrix):
                for c, dark in enumerate(row):
                    if dark:
                        p.drawRect(off_x + c * module, off_y + r * module, module, module)
        elif self._hidden:
            p.fillRect(x0, y0, side, side, QColor("#dfe3ea"))
            p.setPen(QPen(QColor(theme.MUTED)))
            p.drawText(QRectF(x0, y0, side, side), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self._cover_text)
        p.end()


class Banner(QLabel):
    """A state shown in the screen's own area: ok / danger / warning / info, with a word or icon."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def show_state(self, kind: str, text: str) -> None:
        icon = {"ok": "✓ ", "danger": "✕ ", "warning": "⚠ ", "info": "ℹ "}[kind]
        self.setText(icon + text)
        self.setStyleSheet(theme.banner_style(kind))
        self.show()

    def clear(self) -> None:
        self.setText("")
        self.hide()


class ElidedLabel(QLabel):
    """One line that shortens itself with "…" to the width it is given (full text in the tooltip).

    A plain QLabel asks for its whole text's width, so a long e-mail address or store name widens
    the window; this one asks for almost nothing and elides (QFontMetrics.elidedText). A `keep`
    suffix (e.g. the ※ mark of a reduced-rate item) stays outside the elided part."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, keep: str = "") -> None:
        super().__init__(parent)
        self._full = ""
        self._keep = keep
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        self._full = text or ""
        self.setToolTip(self._full + self._keep if self._full else "")
        self._elide()

    def full_text(self) -> str:
        return self._full + self._keep

    def _elide(self) -> None:
        fm = QFontMetrics(self.font())
        room = max(0, self.contentsRect().width() - fm.horizontalAdvance(self._keep))
        shown = fm.elidedText(self._full, Qt.TextElideMode.ElideRight, room) if self._full else ""
        super().setText(shown + (self._keep if self._full else ""))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()
