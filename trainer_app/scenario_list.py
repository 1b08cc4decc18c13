"""The scenario list (`ScenarioList`): the core's registry in its order, one row per scenario (title
over a one-line explanation, drawn by `ScenarioDelegate`)."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (QLabel, QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate,
                               QStyleOptionViewItem, QVBoxLayout, QWidget)

from ui_common import theme

log = logging.getLogger(__name__)


def load_scenarios() -> dict[str, Any]:
    """The scenario registry, in the core's order (`shared.attacks.ORDER`: credential stuffing first)."""
    from shared.attacks import SCENARIOS

    return dict(SCENARIOS)


class ScenarioDelegate(QStyledItemDelegate):
    """A list row: the title in bold, the one-line explanation under it (elided; full in the tooltip)."""

    PAD = 5

    @staticmethod
    def _small(font: QFont) -> QFont:
        small = QFont(font)
        small.setPointSizeF(max(11.0, font.pointSizeF() - 2))
        return small

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        fm = QFontMetrics(self._small(option.font))
        bold = QFont(option.font)
        bold.setBold(True)
        return QSize(200, QFontMetrics(bold).height() + fm.height() + 2 * self.PAD + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title = index.data(Qt.ItemDataRole.DisplayRole) or ""
        summary = index.data(Qt.ItemDataRole.UserRole + 1) or ""
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.save()
        rect = opt.rect
        painter.fillRect(rect, QColor(theme.ACCENT if selected else theme.SURFACE))
        painter.setPen(QColor(theme.BORDER))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        bold = QFont(opt.font)
        bold.setBold(True)
        bfm = QFontMetrics(bold)
        inner = rect.adjusted(self.PAD + 4, self.PAD, -self.PAD, -self.PAD)
        painter.setFont(bold)
        painter.setPen(QColor("white" if selected else theme.TEXT))
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), bfm.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         bfm.elidedText(title, Qt.TextElideMode.ElideRight, inner.width()))
        small = self._small(opt.font)
        painter.setFont(small)
        fm = QFontMetrics(small)
        painter.setPen(QColor("white" if selected else theme.MUTED))
        painter.drawText(QRect(inner.left(), inner.top() + bfm.height() + 2, inner.width(), fm.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(summary, Qt.TextElideMode.ElideRight, inner.width()))
        painter.restore()


class ScenarioList(QWidget):
    """"Scenarios" over the list; `list` is the QListWidget (row data: the scenario's name)."""

    def __init__(self, scenarios: dict[str, Any], texts: dict[str, tuple[str, str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        head = QLabel(self.tr("Scenarios"))
        head.setStyleSheet("font-weight: 700;")
        lay.addWidget(head)
        self.list = QListWidget()
        self.list.setItemDelegate(ScenarioDelegate(self.list))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMinimumWidth(300)
        for i, (name, spec) in enumerate(scenarios.items(), start=1):
            title, summary, _ = texts.get(name, (spec.title, spec.summary, spec.summary))
            item = QListWidgetItem(f"{i}. {title}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setData(Qt.ItemDataRole.UserRole + 1, summary)
            item.setToolTip(summary)
            self.list.addItem(item)
        lay.addWidget(self.list, 1)

