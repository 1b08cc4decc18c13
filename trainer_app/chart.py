"""The trainer's chart: attempts, blocked and taken-over accounts over simulated time.

PySide6-Essentials has no QtCharts, so the chart is painted with QPainter: three cumulative
lines on one axis, a legend that names every line in words (never colour alone), and a
plain-words placeholder while there is nothing to draw. Points arrive one by one while a run is
going (`add_point`) and are replaced by the run's own timeline when it finishes (`set_points`).
"""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from shared.attacks.base import TimelinePoint
from ui_common import theme


_TOPS = sorted({m * 10 ** e for e in range(0, 10) for m in (4, 8, 20)})


def nice_ceiling(value: float) -> float:
    """The smallest of 4, 8, 20, 40, 80, 200, … at or above `value`: a readable top for an axis
    whose four grid steps are whole numbers."""
    for top in _TOPS:
        if top >= value:
            return float(top)
    return float(math.ceil(value / 4) * 4)


def format_elapsed(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s" if seconds % 60 else f"{seconds // 60}m"
    return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"


class TrainerChart(QWidget):
    """Cumulative attempts / blocked / taken over against simulated time."""

    SERIES = (("attempts", theme.ACCENT, Qt.PenStyle.SolidLine),
              ("blocked", theme.OK, Qt.PenStyle.DashLine),
              ("taken_over", theme.DANGER, Qt.PenStyle.SolidLine))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[TimelinePoint] = []
        self._placeholder = ""
        self.setMinimumSize(320, 110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)

    # -- data ---------------------------------------------------------------------------------
    def clear(self, placeholder: str = "") -> None:
        self._points = []
        self._placeholder = placeholder
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def add_point(self, point: TimelinePoint) -> None:
        if self._points and point.elapsed < self._points[-1].elapsed:
            return  # a late duplicate from the live feed; the final timeline replaces them all
        self._points.append(point)
        self.update()

    def set_points(self, points) -> None:
        self._points = [p if isinstance(p, TimelinePoint) else
                        TimelinePoint(float(p.elapsed), int(p.attempts), int(p.blocked), int(p.taken_over))
                        for p in points]
        self.update()

    def points(self) -> list[TimelinePoint]:
        return list(self._points)

    def latest(self) -> TimelinePoint | None:
        return self._points[-1] if self._points else None

    def _label(self, key: str) -> str:
        return {"attempts": self.tr("Sign-in attempts"), "blocked": self.tr("Blocked"),
                "taken_over": self.tr("Taken over (right scale)")}[key]

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(self.rect(), QColor(theme.SURFACE))
        base = QFont(self.font())
        fm = p.fontMetrics()
        line_h = fm.height()

        legend_h = line_h + 14
        left = fm.horizontalAdvance("00,000") + 18
        right = fm.horizontalAdvance("0,000") + 18   # the taken-over scale
        top = legend_h + 10
        bottom = line_h * 2 + 10
        plot = QRectF(left, top, max(10.0, self.width() - left - right), max(10.0, self.height() - top - bottom))

        self._paint_legend(p, QRectF(left, 6, self.width() - left - right, legend_h))

        pts = self._points
        if len(pts) < 2:
            p.setPen(QPen(QColor(theme.BORDER), 1))
            p.drawRect(plot)
            if self._placeholder:
                p.setPen(QColor(theme.MUTED))
                p.drawText(plot.adjusted(12, 12, -12, -12),
                           Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._placeholder)
            p.end()
            return

        x_max = max(pts[-1].elapsed, 1.0)
        y_max = nice_ceiling(max(max(pt.attempts, pt.blocked) for pt in pts))
        # Takeovers are a few dozen against thousands of attempts: on the shared scale they would lie
        # flat on the axis, so they get their own scale on the right, in their own colour.
        t_max = nice_ceiling(max(pt.taken_over for pt in pts))

        def to_px(x: float, y: float, top: float) -> QPointF:
            return QPointF(plot.left() + plot.width() * x / x_max, plot.bottom() - plot.height() * y / top)

        # grid and y labels
        grid_pen = QPen(QColor(theme.BORDER), 1)
        for i in range(5):
            y_val = y_max * i / 4
            y_px = plot.bottom() - plot.height() * i / 4
            p.setPen(grid_pen)
            p.drawLine(QPointF(plot.left(), y_px), QPointF(plot.right(), y_px))
            p.setPen(QColor(theme.MUTED))
            p.drawText(QRectF(0, y_px - line_h / 2, left - 8, line_h),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{int(y_val):,}")
            p.setPen(QColor(theme.DANGER))
            p.drawText(QRectF(plot.right() + 8, y_px - line_h / 2, right - 8, line_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{int(t_max * i / 4):,}")
        # x labels
        p.setPen(QColor(theme.MUTED))
        for i in range(5):
            x_val = x_max * i / 4
            x_px = plot.left() + plot.width() * i / 4
            if i == 0:
                box, align = QRectF(x_px, plot.bottom() + 4, 90, line_h), Qt.AlignmentFlag.AlignLeft
            elif i == 4:
                box, align = QRectF(x_px - 90, plot.bottom() + 4, 90, line_h), Qt.AlignmentFlag.AlignRight
            else:
                box, align = QRectF(x_px - 60, plot.bottom() + 4, 120, line_h), Qt.AlignmentFlag.AlignHCenter
            p.drawText(box, align | Qt.AlignmentFlag.AlignTop, format_elapsed(x_val))
        p.drawText(QRectF(plot.left(), plot.bottom() + line_h + 6, plot.width(), line_h),
                   Qt.AlignmentFlag.AlignHCenter, self.tr("simulated time since the attack started"))
        p.setPen(QPen(QColor(theme.MUTED), 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())
        p.setPen(QPen(QColor(theme.DANGER), 1))
        p.drawLine(plot.bottomRight(), plot.topRight())

        for key, colour, style in self.SERIES:
            path = QPainterPath()
            for i, pt in enumerate(pts):
                xy = to_px(pt.elapsed, getattr(pt, key), t_max if key == "taken_over" else y_max)
                if i == 0:
                    path.moveTo(xy)
                else:
                    path.lineTo(xy)
            pen = QPen(QColor(colour), 3 if key == "taken_over" else 2.5)
            pen.setStyle(style)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
            # the final value written at the end of the line: readable without the legend
            last = to_px(pts[-1].elapsed, getattr(pts[-1], key), t_max if key == "taken_over" else y_max)
            p.setBrush(QColor(colour))
            p.drawEllipse(last, 4, 4)

        p.setFont(base)
        p.end()

    def _paint_legend(self, p: QPainter, box: QRectF) -> None:
        fm = p.fontMetrics()
        x = box.left()
        latest = self.latest()
        for key, colour, style in self.SERIES:
            text = self._label(key)
            if latest is not None:
                text += f": {getattr(latest, key):,}"
            pen = QPen(QColor(colour), 4)
            pen.setStyle(style)
            p.setPen(pen)
            mid = box.top() + box.height() / 2
            p.drawLine(QPointF(x, mid), QPointF(x + 26, mid))
            p.setPen(QColor(theme.TEXT))
            w = fm.horizontalAdvance(text)
            p.drawText(QRectF(x + 32, box.top(), w + 4, box.height()), Qt.AlignmentFlag.AlignVCenter, text)
            x += 32 + w + 28
