"""A one-line label that ends a text too long for its room in "…" (QFontMetrics.elidedText),
with the whole text in its tooltip, and an optional `suffix` that is never elided: the ※ of a
reduced-rate item stays visible however long the name (UI.md, "Checks that catch what eyes miss")."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", *, suffix: str = "", lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = text
        self._suffix = suffix
        self._lines = max(1, lines)
        self.setWordWrap(lines > 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        # What is shown is made to fit; the layout check measures the shown text, not the full one.
        self._render()

    def full_text(self) -> str:
        return self._full + self._suffix

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        self._full = text
        self._render()

    def set_suffix(self, suffix: str) -> None:
        self._suffix = suffix
        self._render()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("…" + self._suffix) + 4, fm.lineSpacing() + 2)

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = self.fontMetrics()
        shown = max(1, self.text().count("\n") + 1)
        return QSize(fm.horizontalAdvance(self.full_text()) + 4, fm.lineSpacing() * shown + 2)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._render()

    def _render(self) -> None:
        fm = self.fontMetrics()
        room = max(0, self.contentsRect().width() - 2)
        full = self.full_text()
        if not full:
            QLabel.setText(self, "")
            return
        shown = self._fit(fm, room)
        if shown.count("\n") != self.text().count("\n"):
            self.updateGeometry()
        QLabel.setText(self, shown)
        self.setToolTip(full if shown != full else "")

    def _fit(self, fm, room: int) -> str:
        full, suffix = self._full, self._suffix
        glue = "\u00a0" if suffix else ""   # ※ stays with the last word, a space before it
        if self._lines == 1 or room <= 0:
            if fm.horizontalAdvance(full + suffix) <= room:
                return full + suffix
            return fm.elidedText(full, Qt.TextElideMode.ElideRight, max(0, room - fm.horizontalAdvance(suffix))) + suffix
        # Several lines: Qt's line breaking (word boundaries; Japanese between characters, as
        # UAX #14 allows), never inside an English word; the last line is elided and keeps the suffix.
        text = full + (glue + suffix.strip() if suffix else "")
        spans = _wrapped(text, self.font(), room)
        if len(spans) <= self._lines and all(fm.horizontalAdvance(text[a:b].rstrip()) <= room for a, b in spans):
            return "\n".join(text[a:b].rstrip() for a, b in spans)
        out = []
        for a, b in spans[: self._lines - 1]:
            line = text[a:b].rstrip()
            out.append(line if fm.horizontalAdvance(line) <= room
                       else fm.elidedText(line, Qt.TextElideMode.ElideRight, room))
        start = spans[self._lines - 1][0] if len(spans) >= self._lines else 0
        rest = full[start:] if start < len(full) else ""
        tail = glue + suffix.strip() if suffix else ""
        out.append(fm.elidedText(rest, Qt.TextElideMode.ElideRight, max(0, room - fm.horizontalAdvance(tail))) + tail)
        return "\n".join(out)


def _wrapped(text: str, font, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of `text` laid out at `width` px with word wrapping."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    spans = []
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        spans.append((line.textStart(), line.textStart() + line.textLength()))
    layout.endLayout()
    return spans
