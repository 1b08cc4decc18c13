"""The list of payments, top-ups and refunds (Home shows the newest few, History all of them).

Rows read like a payment app's: the store (or what the entry was), the amount with its sign,
what was bought, the date as the customer's language writes it and the receipt number — never
an internal id. Kinds come from the core as EntryKind values and are translated here.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QTime, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from shared.clock import in_jst
from shared.money import format_yen
from shared.wallet import EntryKind
from ui_common import theme
from ui_common.widgets import ElidedLabel

def when_text(t: float, *, year: bool = True) -> str:
    """Japan time (as the receipts show it), written the way the app's language writes dates."""
    from ui_common.app import language

    d = in_jst(t)
    ja = language() == "ja"
    loc = QLocale(QLocale.Language.Japanese if ja else QLocale.Language.English,
                  QLocale.Country.Japan if ja else QLocale.Country.UnitedStates)
    if ja:
        fmt = "yyyy年M月d日(ddd) H:mm" if year else "M月d日(ddd) H:mm"
    else:
        fmt = "ddd d MMM yyyy, H:mm" if year else "ddd d MMM, H:mm"
    from PySide6.QtCore import QDateTime

    return loc.toString(QDateTime(QDate(d.year, d.month, d.day), QTime(d.hour, d.minute)), fmt)


def kind_text(kind: EntryKind) -> str:
    return {EntryKind.TOPUP: QCoreApplication.translate("Activity", "Top-up"),
            EntryKind.PAYMENT: QCoreApplication.translate("Activity", "Payment"),
            EntryKind.REFUND: QCoreApplication.translate("Activity", "Refund"),
            EntryKind.REVERSAL: QCoreApplication.translate("Activity", "Correction"),
            EntryKind.OPENING: QCoreApplication.translate("Activity", "Opening balance")}.get(
        kind, QCoreApplication.translate("Activity", "Other"))


def _store(entry) -> str:
    from ui_common.app import language

    if language() == "en" and entry.store_name_en:
        return entry.store_name_en
    return entry.store_name_ja or entry.store_name_en


def title_text(entry) -> str:
    store = _store(entry)
    if entry.kind is EntryKind.PAYMENT and store:
        return store
    if entry.kind is EntryKind.REFUND and store:
        return QCoreApplication.translate("Activity", "Refund from {store}").format(store=store)
    return kind_text(entry.kind)


def items_text(entry) -> str:
    from ui_common.app import language

    en = language() == "en"
    parts = []
    for it in entry.items:
        name = (it.name_en if en else it.name_ja) or it.name_ja or it.name_en
        parts.append(name + (f" ×{it.qty}" if it.qty > 1 else ""))
    return QCoreApplication.translate("Activity", ", ").join(parts)


def receipt_text(entry) -> str:
    if not entry.receipt_no:
        return ""
    return QCoreApplication.translate("Activity", "Receipt {no}").format(no=entry.receipt_no)


class ActivityRow(QWidget):
    """One entry: title and amount on the first line, then what was bought, then when (and the
    receipt number when `detailed`)."""

    def __init__(self, entry, *, detailed: bool) -> None:
        super().__init__()
        self.entry = entry
        self.setObjectName("activityRow")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 3, 8, 3)
        row.setSpacing(6)
        icon = QLabel({EntryKind.TOPUP: "＋", EntryKind.OPENING: "＋", EntryKind.PAYMENT: "¥",
                       EntryKind.REFUND: "↩"}.get(entry.kind, "•"))
        icon.setFixedWidth(28)
        icon.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        row.addWidget(icon)
        col = QVBoxLayout()
        col.setSpacing(0)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.title = ElidedLabel(title_text(entry))
        self.title.setStyleSheet("font-weight: 600;")
        top.addWidget(self.title, 1)
        self.amount = QLabel(format_yen(entry.amount, signed=True))
        self.amount.setObjectName("activityAmount")
        self.amount.setStyleSheet(f"font-weight: 700; color: {theme.OK if entry.amount > 0 else theme.TEXT};")
        top.addWidget(self.amount)
        col.addLayout(top)
        items = items_text(entry)
        when = when_text(entry.at, year=detailed)
        small = f"color: {theme.MUTED}; font-size: {max(11, theme.BODY_PT - 2)}pt;"
        self.items = ElidedLabel(items if detailed else " · ".join(t for t in (when, items) if t))
        self.items.setStyleSheet(small)
        col.addWidget(self.items)
        self.when = None
        if detailed:
            self.when = ElidedLabel(" · ".join(t for t in (when, receipt_text(entry)) if t))
            self.when.setStyleSheet(small)
            col.addWidget(self.when)
            if not items:
                self.items.hide()
        row.addLayout(col, 1)


class ActivityList(QListWidget):
    def __init__(self, *, detailed: bool = False) -> None:
        super().__init__()
        self.detailed = detailed
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet(f"QListWidget::item {{ border-bottom: 1px solid {theme.BORDER}; }}"
                           "QListWidget::item:selected { background: #e8effc; }")
        self._entries: list = []

    def set_entries(self, entries) -> None:
        entries = list(entries)
        if entries == self._entries and self.count():
            return  # nothing new: keep the scroll position and the selection
        self._entries = entries
        self.clear()
        for e in entries:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, e)
            row = ActivityRow(e, detailed=self.detailed)
            item.setSizeHint(row.sizeHint())
            self.addItem(item)
            self.setItemWidget(item, row)
        if not entries:
            item = QListWidgetItem(QCoreApplication.translate("Activity", "Nothing yet."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(item)

    def row_widget(self, row: int) -> ActivityRow | None:
        item = self.item(row)
        w = self.itemWidget(item) if item is not None else None
        return w if isinstance(w, ActivityRow) else None

    def entry_at(self, row: int):
        item = self.item(row)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None
