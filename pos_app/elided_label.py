"""A one-line label that ends a text too long for its room in "…" (QFontMetrics.elidedText),
with the whole text in its tooltip, and an optional `suffix` that is never elided: the ※ of a
reduced-rate item stays visible however long the name (UI.md, "Checks that catch what eyes miss")."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", *, suffix: str = "", lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = text
        self._suffix = suffix
        self._lines = max(1, lines)
        self.setWordWrap(lines > 1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
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
        return QSize(fm.horizontalAdvance("…" + self._suffix) + 4, fm.lineSpacing() * self._lines)

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance(self.full_text()) + 4, fm.lineSpacing() * self._lines)

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
        QLabel.setText(self, shown)
        self.setToolTip(full if shown != full else "")

    def _fit(self, fm, room: int) -> str:
        full, suffix = self._full, self._suffix
        if self._lines == 1 or room <= 0:
            if fm.horizontalAdvance(full + suffix) <= room:
                return full + suffix
            return fm.elidedText(full, Qt.TextElideMode.ElideRight, max(0, room - fm.horizontalAdvance(suffix))) + suffix
        # Several lines: break at spaces where possible, the last line elided (with the suffix kept).
        words, lines, current = full.split(" "), [], ""
        for word in words:
            trial = (current + " " + word).strip()
            if fm.horizontalAdvance(trial) <= room or not current:
                current = trial
            else:
                lines.append(current)
                current = word
        lines.append(current)
        out = []
        for line in lines[: self._lines - 1]:
            out.append(line if fm.horizontalAdvance(line) <= room
                       else fm.elidedText(line, Qt.TextElideMode.ElideRight, room))
        rest = " ".join(lines[self._lines - 1:])
        last_room = max(0, room - fm.horizontalAdvance(suffix))
        if fm.horizontalAdvance(rest + suffix) <= room:
            out.append(rest + suffix)
        else:
            out.append(fm.elidedText(rest, Qt.TextElideMode.ElideRight, last_room) + suffix)
        return "\n".join(out)
