"""Checks that catch what eyes miss on a laid-out screen.

    from ui_common.layout_check import check_window
    problems = check_window(window)          # [] when every text fits and the window is on screen
    assert not problems, "\\n".join(map(str, problems))

What is checked, for every *visible* widget of a window:

- `clipped`: a QLabel or QAbstractButton whose text needs more room than the widget has: per line,
  `fontMetrics().horizontalAdvance` against the contents rect (margin and indent taken off); for a
  word-wrapped label the laid-out height (`heightForWidth`) and the widest unbreakable line; for a
  button its `sizeHint()` (text + icon + the style sheet's padding). A QLineEdit's placeholder too.
- `outside`: a widget that lies (partly) outside its window, or outside the viewport of the scroll
  area it is in only when that area cannot scroll to it — what a layout squeezed below its minimum
  size does.
- `overlap`: two visible texts/fields (or widgets of `overlap_types`) painted over each other.
- `kinsoku`: a word-wrapped label whose Japanese text, laid out at the label's width, starts a
  line with a small kana or closing punctuation (「。、」ょっ …).
- `off_screen`: a top-level window whose frame is not inside `QScreen.availableGeometry()`
  (`windows_off_screen`), and `overlap` for the demo's windows (`windows_overlapping`).

Call `QApplication.processEvents()` (or show the window and let it lay out) before checking.
Widgets can opt out with the dynamic property `layout_check_skip=True` (e.g. a text deliberately
elided with QFontMetrics.elidedText, whose full text is in its tooltip).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument, QTextLayout, QTextOption
from PySide6.QtGui import Qt as QtGuiNs  # Qt::mightBeRichText lives in QtGui
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QApplication, QLabel, QLineEdit, QWidget)

# A line may not start with these (JIS X 4051 "kinsoku": closing brackets, punctuation, small kana,
# prolonged sound mark, iteration marks).
NO_LINE_START = set("、。，．・：；？！ー〜～」』）］｝〕〉》】〙〗〟'\"ゝゞヽヾ々"
                    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
                    ",.:;?!)]}%")
# …and may not end with opening brackets.
NO_LINE_END = set("「『（［｛〔〈《【〘〖〝([{")

TOLERANCE_PX = 1   # rounding between font metrics and layout


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str      # clipped | outside | kinsoku | off_screen | overlap
    where: str     # the widget's path: Window/HomeScreen/QLabel#balance
    text: str      # the text concerned (shortened)
    detail: str    # what was measured

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.text!r} — {self.detail}"


# -- helpers ---------------------------------------------------------------------------------------
def _short(text: str, n: int = 60) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= n else text[: n - 1] + "…"


def widget_path(w: QWidget) -> str:
    parts = []
    node = w
    while node is not None:
        name = type(node).__name__
        if node.objectName():
            name += "#" + node.objectName()
        parts.append(name)
        if node.isWindow():
            break
        node = node.parentWidget()
    return "/".join(reversed(parts))


def _shown(w: QWidget) -> bool:
    """Visible on its window (all ancestors shown) and not opted out."""
    if w.property("layout_check_skip"):
        return False
    win = w.window()
    if not (w.isVisible() or (w.isVisibleTo(win) and not win.isVisible())):
        return False
    node = w
    while node is not None:  # an ancestor can opt out a whole subtree
        if node.property("layout_check_skip"):
            return False
        if node is win:
            break
        node = node.parentWidget()
    return w.width() > 0 and w.height() > 0


def _is_rich(label: QLabel) -> bool:
    fmt = label.textFormat()
    if fmt == Qt.TextFormat.RichText:
        return True
    if fmt == Qt.TextFormat.PlainText:
        return False
    return QtGuiNs.mightBeRichText(label.text())


def _plain(label: QLabel) -> str:
    if _is_rich(label):
        doc = QTextDocument()
        doc.setHtml(label.text())
        return doc.toPlainText()
    return label.text()


def _label_box(label: QLabel) -> QRect:
    cr = label.contentsRect()
    m = label.margin()
    cr = cr.adjusted(m, m, -m, -m)
    indent = label.indent()
    if indent > 0:
        align = label.alignment()
        if align & Qt.AlignmentFlag.AlignLeft or align & Qt.AlignmentFlag.AlignRight:
            cr = cr.adjusted(0, 0, -indent, 0)
    return cr


def wrapped_lines(text: str, font, width: int) -> list[tuple[str, float]]:
    """Lay `text` out as a word-wrapped QLabel would at `width` px: [(line text, natural width)]."""
    out: list[tuple[str, float]] = []
    for para in text.split("\n"):
        layout = QTextLayout(para, font)
        opt = QTextOption()
        opt.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(opt)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            out.append((para[line.textStart(): line.textStart() + line.textLength()], line.naturalTextWidth()))
        layout.endLayout()
    return out


# -- per-widget checks -----------------------------------------------------------------------------
def label_problems(label: QLabel) -> list[Problem]:
    text = _plain(label)
    if not text.strip() or label.pixmap() is not None and not label.pixmap().isNull():
        return []
    where = widget_path(label)
    box = _label_box(label)
    fm = QFontMetrics(label.font())
    out: list[Problem] = []
    if label.wordWrap():
        if _is_rich(label):
            doc = QTextDocument()
            doc.setDefaultFont(label.font())
            doc.setDocumentMargin(0)
            doc.setHtml(label.text())
            doc.setTextWidth(box.width())
            need_h, widest = doc.size().height(), doc.idealWidth()
            lines = []
        else:
            lines = wrapped_lines(text, label.font(), box.width())
            widest = max((w for _t, w in lines), default=0.0)
            need_h = len(lines) * fm.lineSpacing() - fm.leading()
        if widest > box.width() + TOLERANCE_PX:
            out.append(Problem("clipped", where, _short(text),
                               f"an unbreakable line needs {widest:.0f}px, has {box.width()}px"))
        if need_h > box.height() + TOLERANCE_PX + 1:
            out.append(Problem("clipped", where, _short(text),
                               f"wrapped text needs {need_h:.0f}px high, has {box.height()}px"))
        out += [Problem("kinsoku", where, _short(text), d) for d in kinsoku_breaks(text, [t for t, _w in lines])]
    else:
        lines_ = text.split("\n")
        widest = max(fm.horizontalAdvance(line) for line in lines_)
        if widest > box.width() + TOLERANCE_PX:
            out.append(Problem("clipped", where, _short(text), f"needs {widest}px wide, has {box.width()}px"))
        need_h = len(lines_) * fm.lineSpacing() - fm.leading()
        if need_h > box.height() + TOLERANCE_PX + 1:
            out.append(Problem("clipped", where, _short(text), f"needs {need_h}px high, has {box.height()}px"))
    return out


def kinsoku_breaks(text: str, lines: list[str]) -> list[str]:
    """What is wrong with where `text` was broken into `lines` (the kinsoku rule), in words."""
    out = []
    for i, line in enumerate(lines):
        if i < len(lines) - 1 and (line.endswith("\u2060") or lines[i + 1].startswith("\u2060")):
            # a break where phrase_breaks forbade one: Qt had to split a word that is wider than the box
            out.append(f"a word is split, the box is too narrow for it: {line!r}")
        shown = line.replace("\u2060", "").replace("\u200b", "")
        stripped = shown.lstrip()
        if i and stripped and stripped[0] in NO_LINE_START and not _para_start(text, line):
            out.append(f"a line starts with {stripped[0]!r}: {shown!r}")
        if i < len(lines) - 1 and shown.rstrip() and shown.rstrip()[-1] in NO_LINE_END:
            out.append(f"a line ends with {shown.rstrip()[-1]!r}: {shown!r}")
    return out


def _para_start(text: str, line: str) -> bool:
    """A line that starts a paragraph (after an explicit newline) is not a break Qt chose."""
    return any(p.startswith(line) for p in text.split("\n"))


def button_problems(b: QAbstractButton) -> list[Problem]:
    text = b.text().replace("&&", "\x00").replace("&", "").replace("\x00", "&")
    if not text.strip():
        return []
    hint = b.sizeHint()
    out = []
    if b.width() + TOLERANCE_PX < hint.width() or b.height() + TOLERANCE_PX < hint.height():
        out.append(Problem("clipped", widget_path(b), _short(text),
                           f"needs {hint.width()}×{hint.height()}px, has {b.width()}×{b.height()}px"))
    fm = QFontMetrics(b.font())
    widest = max(fm.horizontalAdvance(line) for line in text.split("\n"))
    if not out and widest > b.contentsRect().width() + TOLERANCE_PX:
        out.append(Problem("clipped", widget_path(b), _short(text),
                           f"text needs {widest}px, the button is {b.contentsRect().width()}px"))
    return out


def line_edit_problems(e: QLineEdit) -> list[Problem]:
    text = e.placeholderText()
    if not text or e.text():
        return []
    fm = QFontMetrics(e.font())
    # the text margins Qt keeps inside a line edit (frame + 2 px each side), plus the style sheet padding
    room = e.contentsRect().width() - e.textMargins().left() - e.textMargins().right() - 4
    need = fm.horizontalAdvance(text)
    if need > room + TOLERANCE_PX:
        return [Problem("clipped", widget_path(e), _short(text), f"placeholder needs {need}px, has ~{room}px")]
    return []


def _visible_rect_problems(w: QWidget) -> list[Problem]:
    """A widget must lie inside its window, and inside the viewport of every scroll area it is in
    along each direction that area cannot scroll (a phone's pages scroll up and down, never
    sideways: a row wider than the viewport is cut off at the right)."""
    win = w.window()
    off = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    scroll_x = scroll_y = False
    out = []
    node = w.parentWidget()
    while node is not None and node is not win:
        if isinstance(node, QAbstractScrollArea) and node.viewport().isAncestorOf(w):
            vp = node.viewport()
            r = QRect(w.mapTo(vp, QPoint(0, 0)), w.size())
            if node.horizontalScrollBarPolicy() == off and not scroll_x and (
                    r.left() < -TOLERANCE_PX or r.right() > vp.width() - 1 + TOLERANCE_PX):
                out.append(Problem("outside", widget_path(w), _short(_text_of(w)),
                                   f"x {r.left()}…{r.right()} is cut off by a {vp.width()} px wide view that "
                                   "cannot scroll sideways"))
            if node.verticalScrollBarPolicy() == off and not scroll_y and (
                    r.top() < -TOLERANCE_PX or r.bottom() > vp.height() - 1 + TOLERANCE_PX):
                out.append(Problem("outside", widget_path(w), _short(_text_of(w)),
                                   f"y {r.top()}…{r.bottom()} is cut off by a {vp.height()} px high view that "
                                   "cannot scroll"))
            scroll_x |= node.horizontalScrollBarPolicy() != off
            scroll_y |= node.verticalScrollBarPolicy() != off
        node = node.parentWidget()
    rect = QRect(w.mapTo(win, QPoint(0, 0)), w.size())
    bounds = win.rect()
    outside_x = not scroll_x and (rect.left() < bounds.left() or rect.right() > bounds.right())
    outside_y = not scroll_y and (rect.top() < bounds.top() or rect.bottom() > bounds.bottom())
    if not out and (outside_x or outside_y):
        out.append(Problem("outside", widget_path(w), _short(_text_of(w)),
                           f"{rect.x()},{rect.y()} {rect.width()}×{rect.height()} is not inside the window's "
                           f"{win.width()}×{win.height()}"))
    return out


def _text_of(w: QWidget) -> str:
    if isinstance(w, QLabel):
        return _plain(w)
    if isinstance(w, QAbstractButton):
        return w.text()
    if isinstance(w, QLineEdit):
        return w.placeholderText()
    return ""


# -- whole windows ---------------------------------------------------------------------------------
def clipped_texts(root: QWidget) -> list[Problem]:
    """Every visible label, button and placeholder under `root` (itself included) that does not fit."""
    out: list[Problem] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not _shown(w):
            continue
        if isinstance(w, QLabel):
            out += label_problems(w)
        elif isinstance(w, QAbstractButton):
            out += button_problems(w)
        elif isinstance(w, QLineEdit):
            out += line_edit_problems(w)
        else:
            continue
        if _text_of(w).strip():
            out += _visible_rect_problems(w)
    return out


def _shown_rect(w: QWidget) -> QRect:
    """The part of `w` its ancestors let show, in window coordinates."""
    win = w.window()
    rect = QRect(w.mapTo(win, QPoint(0, 0)), w.size())
    node = w.parentWidget()
    while node is not None and node is not win:
        rect = rect.intersected(QRect(node.mapTo(win, QPoint(0, 0)), node.size()))
        node = node.parentWidget()
    return rect


def overlapping_widgets(root: QWidget, *, types: tuple = ()) -> list[Problem]:
    """Visible texts, fields and `types` (e.g. the QR widget) painted over each other — what a
    layout squeezed below its minimum height does (a code's digits over the QR's quiet zone)."""
    kinds = (QLabel, QAbstractButton, QLineEdit, *types)
    items = [w for w in root.findChildren(QWidget) if isinstance(w, kinds) and _shown(w)
             and (not isinstance(w, (QLabel, QAbstractButton)) or _text_of(w).strip() or isinstance(w, types))]
    rects = [(w, _shown_rect(w)) for w in items]
    out = []
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            inter = ra.intersected(rb)
            if inter.width() > 2 and inter.height() > 2:
                out.append(Problem("overlap", widget_path(a), _short(_text_of(a)),
                                   f"painted over by {widget_path(b)} ({_short(_text_of(b), 30)!r}) on "
                                   f"{inter.width()}×{inter.height()}px"))
    return out


def windows_off_screen(windows: list[QWidget] | None = None) -> list[Problem]:
    """Top-level windows whose frame is not inside their screen's available geometry."""
    if windows is None:
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()
                   and w.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)]
    out = []
    for w in windows:
        screen = w.screen() or QApplication.primaryScreen()
        avail = screen.availableGeometry()
        frame = w.frameGeometry()
        if not avail.contains(frame):
            out.append(Problem("off_screen", widget_path(w), w.windowTitle(),
                               f"frame {frame.x()},{frame.y()} {frame.width()}×{frame.height()} is not inside the "
                               f"screen's {avail.x()},{avail.y()} {avail.width()}×{avail.height()}"))
    return out


def windows_overlapping(windows: list[QWidget]) -> list[Problem]:
    """Pairs of the given windows whose frames overlap (the demo tiles them side by side)."""
    out = []
    for i, a in enumerate(windows):
        for b in windows[i + 1:]:
            inter = a.frameGeometry().intersected(b.frameGeometry())
            if not inter.isEmpty():
                out.append(Problem("overlap", widget_path(a), b.windowTitle(),
                                   f"overlaps {widget_path(b)} by {inter.width()}×{inter.height()}px"))
    return out


def check_window(window: QWidget, *, on_screen: bool = True, overlap_types: tuple = ()) -> list[Problem]:
    """All problems of one window: clipped texts, widgets outside it or over each other, kinsoku,
    and its frame off screen. `overlap_types`: more widget classes that must not be covered."""
    QApplication.processEvents()
    out = clipped_texts(window) + overlapping_widgets(window, types=overlap_types)
    if on_screen:
        out += windows_off_screen([window])
    return out
