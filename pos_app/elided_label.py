"""A one-line label that ends a text too long for its room in "…" (QFontMetrics.elidedText),
with the whole text in its tooltip, and an optional `suffix` that is never elided: the ※ of a
reduced-rate item stays visible however long the name."""
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
        shown = max(1, self.text().count("\n") + 1)   # never squeezed below the lines it shows
        return QSize(fm.horizontalAdvance("…" + self._suffix) + 4, fm.lineSpacing() * shown + 2)

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = self.fontMetrics()
        shown = max(1, self.text().count("\n") + 1)
        return QSize(fm.horizontalAdvance(self.full_text()) + 4, fm.lineSpacing() * shown + 2)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return self._lines > 1

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        """The height of what would be shown at `width`: one to `lines` lines."""
        m = self.contentsMargins()
        room = max(0, width - m.left() - m.right() - 2)
        shown = self._fit(self.fontMetrics(), room).count("\n") + 1 if self.full_text() else 1
        return self.fontMetrics().lineSpacing() * shown + 2 + m.top() + m.bottom()

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
        if self._lines == 1 or room <= 0:
            if fm.horizontalAdvance(full + suffix) <= room:
                return full + suffix
            return fm.elidedText(full, Qt.TextElideMode.ElideRight, max(0, room - fm.horizontalAdvance(suffix))) + suffix
        # Several lines, broken at spaces ("ポテトチップス / うすしお", never "う/すしお"); a word
        # wider than a line is broken between Japanese characters (not before 。」ょ …) or, in
        # English, elided. The last line ends in "…" if the name does not fit, and keeps the ※.
        tail = "\u00a0" + suffix.strip() if suffix else ""
        lines = wrap_words(full + tail, fm, room)
        if len(lines) <= self._lines and all(fm.horizontalAdvance(line) <= room for line in lines):
            return "\n".join(lines)
        head = [line if fm.horizontalAdvance(line) <= room else fm.elidedText(line, Qt.TextElideMode.ElideRight, room)
                for line in lines[: self._lines - 1]]
        rest = " ".join(lines[self._lines - 1:])
        if tail and rest.endswith(tail):
            rest = rest[: -len(tail)]
        last = fm.elidedText(rest, Qt.TextElideMode.ElideRight, max(0, room - fm.horizontalAdvance(tail))) + tail
        return "\n".join(head + [last])


NO_LINE_START = set("、。，．・：；？！ー〜～」』）］｝〕〉》】ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々,.:;?!)]}%※\u00a0")


def _is_japanese(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF or 0xFF00 <= o <= 0xFFEF


def wrap_words(text: str, fm, room: int) -> list[str]:
    """`text` in lines of at most `room` px: greedy by space-separated words; a Japanese word
    wider than a line is cut between characters, moving the cut back so that no line starts
    with a character kinsoku forbids there."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        trial = word if not current else current + " " + word
        if fm.horizontalAdvance(trial) <= room:
            current = trial
            continue
        if current:
            lines.append(current)
            current = ""
        if fm.horizontalAdvance(word) <= room or not any(_is_japanese(c) for c in word):
            current = word
            continue
        piece = ""
        for ch in word:
            if piece and fm.horizontalAdvance(piece + ch) > room and ch not in NO_LINE_START:
                lines.append(piece)
                piece = ""
            elif piece and fm.horizontalAdvance(piece + ch) > room:   # keep 。/ょ with the previous char
                cut = len(piece) - 1
                while cut > 0 and piece[cut] in NO_LINE_START:
                    cut -= 1
                if cut > 0:
                    lines.append(piece[:cut])
                    piece = piece[cut:]
            piece += ch
        current = piece
    if current:
        lines.append(current)
    return lines
