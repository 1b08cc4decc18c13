"""The list of payments, top-ups and refunds (Home shows the newest few, History all of them)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from shared.money import format_yen

JST = timezone(timedelta(hours=9))


def when_text(t: float) -> str:
    """Japan time, as the receipts show it."""
    return datetime.fromtimestamp(t, tz=JST).strftime("%Y-%m-%d %H:%M")


def kind_text(kind: str) -> str:
    return {"topup": QCoreApplication.translate("Activity", "Top-up"),
            "payment": QCoreApplication.translate("Activity", "Payment"),
            "refund": QCoreApplication.translate("Activity", "Refund"),
            "reversal": QCoreApplication.translate("Activity", "Correction")}.get(
        kind, QCoreApplication.translate("Activity", "Other"))


class ActivityList(QListWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.setAlternatingRowColors(False)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet("QListWidget::item { padding: 8px; min-height: 36px; }")

    def set_entries(self, entries) -> None:
        self.clear()
        for e in entries:
            sign = "+" if e.amount > 0 else ""
            icon = {"topup": "＋", "payment": "−", "refund": "↩"}.get(e.kind, "•")
            text = f"{icon}  {kind_text(e.kind)}   {sign}{format_yen(e.amount)}\n     {when_text(e.at)}  ·  " \
                   f"{e.description}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, e)
            self.addItem(item)
        if not entries:
            item = QListWidgetItem(QCoreApplication.translate("Activity", "Nothing yet."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(item)

    def entry_at(self, row: int):
        item = self.item(row)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None
