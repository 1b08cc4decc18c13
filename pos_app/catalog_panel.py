"""The catalog grid: a tile per item (name in the UI language, price), and a search field.

Typing a JAN into the search field and pressing Enter adds that item, which is also what a
USB barcode scanner in keyboard mode does when the search field has the focus.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (QGridLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from pos_app.elided_label import ElidedLabel
from shared.catalog import Item, valid_ean13
from shared.money import format_yen
from shared.tax import REDUCED_MARK
from ui_common.widgets import clear_layout

COLUMNS = 4             # at most; a narrow till (beside the wallet) shows fewer, wider tiles
TILE_MIN_WIDTH = 170


class _Tile(QPushButton):
    """A button whose size comes from the labels inside it (QPushButton's own hint only knows
    its text, and a wrapped two-line name would be cut)."""

    def __init__(self, height: int) -> None:
        super().__init__()
        self._height = height

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, self._height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, self._height)


def item_name(item: Item, lang: str) -> str:
    return item.name_ja if lang == "ja" else item.name_en


class CatalogPanel(QWidget):
    item_chosen = Signal(str)   # JAN

    def __init__(self, core, *, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._lang = lang
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by name or JAN…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
        self.search.returnPressed.connect(self._search_enter)
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(10)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.empty = QLabel(self.tr("No item matches."))
        self.empty.setProperty("role", "muted")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        self.tiles: dict[str, QPushButton] = {}
        self._columns = 0
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        clear_layout(self._grid)
        self.tiles = {}
        items = self._core.catalog.search(self.search.text())
        for i, item in enumerate(items):
            mark = f" {REDUCED_MARK}" if item.tax_rate == 8 else ""
            line = self.fontMetrics().lineSpacing()
            tile = _Tile(3 * line + 28)
            tile.setObjectName("catalogTile")
            tile.setAccessibleName(f"{item_name(item, self._lang)} {format_yen(item.price)}")
            # Two lines at most; a longer name ends in "…" and the ※ after it always shows.
            name = ElidedLabel(item_name(item, self._lang), suffix=mark, lines=2)
            price = QLabel(format_yen(item.price))
            price.setObjectName("tilePrice")
            inner = QVBoxLayout(tile)
            inner.setContentsMargins(10, 8, 10, 8)
            inner.setSpacing(2)
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            name.setFixedHeight(2 * line + 2)   # two lines for every tile: a calm, even grid
            bold = price.font()
            bold.setBold(True)
            price.setFont(bold)
            for label in (name, price):
                label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                label.setStyleSheet("background: transparent; border: none;")
                inner.addWidget(label)
            tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            tile.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            tile.setToolTip(f"{item.name_ja} / {item.name_en} — JAN {item.jan}")
            tile.clicked.connect(lambda _=False, jan=item.jan: self.item_chosen.emit(jan))
            self.tiles[item.jan] = tile
        self._columns = 0
        self._place_tiles()
        self.empty.setVisible(not items)

    def _columns_for(self, width: int) -> int:
        """As many columns as fit tiles of TILE_MIN_WIDTH px (at least 2, at most COLUMNS)."""
        return max(2, min(COLUMNS, width // TILE_MIN_WIDTH))

    def _place_tiles(self) -> None:
        columns = self._columns_for(self.width())
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self.tiles.values():
            self._grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles.values()):
            self._grid.addWidget(tile, i // columns, i % columns)
        for c in range(COLUMNS):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_tiles()

    @Slot()
    def _search_enter(self) -> None:
        text = self.search.text().strip()
        if valid_ean13(text):
            self.search.clear()
            self.item_chosen.emit(text)
        elif len(self.tiles) == 1:
            self.item_chosen.emit(next(iter(self.tiles)))
            self.search.clear()
