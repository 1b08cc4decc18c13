"""The results tabs' tables: steps, alerts, audit rows and what the victim saw are filled from a
`ScenarioResult` with these helpers."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem



log = logging.getLogger(__name__)


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setWordWrap(False)
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.setMinimumHeight(40)   # at 1366×768 the tabs get what the outcome lines leave
    return t


def _fill(table: QTableWidget, rows: list[list[str]], *, colours: list[str | None] | None = None) -> None:
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if colours and colours[r]:
                item.setForeground(QColor(colours[r]))
            if c and text[:1] in "¥-−+" and any(ch.isdigit() for ch in text):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _details_text(details: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in details.items())


def _yen(amount: int) -> str:
    return f"¥{amount:,}" if amount >= 0 else f"−¥{-amount:,}"
