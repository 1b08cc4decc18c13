"""The scanner panel: the live preview (large, with the detected outline), one status line, and
"Enter code by hand" (the 20-digit number under the customer's QR) for when the camera cannot.

The panel owns one `ScanThread` while it is scanning and stops it (camera released, thread
joined) when scanning ends or the panel closes. It never decides anything about a payment:
it hands the text to `code_submitted` and shows the status the window sets.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)

from pos_app.scan_worker import ScanThread, SourceFactory
from shared.scanning.decoders import Decoder
from ui_common import theme

NUMERIC_LENGTH = 20


class PreviewWidget(QWidget):
    """Paints the newest frame, letter-boxed, and the outline of the code found in it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._corners = None
        self._placeholder = ""
        self.setMinimumSize(240, 120)   # the rest of the scanner must fit beside the wallet in kiosk type
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @Slot(QImage)
    def set_frame(self, image: QImage) -> None:
        self._image = image
        self.update()

    @Slot(object)
    def set_outline(self, corners) -> None:
        self._corners = corners
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def clear(self) -> None:
        self._image, self._corners = None, None
        self.update()

    @property
    def has_frame(self) -> bool:
        return self._image is not None

    @property
    def outline_corners(self):
        return self._corners

    def _target(self) -> tuple[QRectF, float]:
        assert self._image is not None
        iw, ih = self._image.width(), self._image.height()
        s = min(self.width() / iw, self.height() / ih)
        w, h = iw * s, ih * s
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h), s

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1f2430"))
        if self._image is None:
            p.setPen(QColor("white"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._placeholder)
            p.end()
            return
        target, s = self._target()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(target, self._image)
        if self._corners:
            poly = QPolygonF([QPointF(target.x() + x * s, target.y() + y * s) for x, y in self._corners])
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(QPen(QColor(theme.OK), 5))
            p.drawPolygon(poly)
        p.end()


class ScannerPanel(QWidget):
    code_submitted = Signal(str, str)  # QR text or the 20-digit number; how it came in: camera|screen|keyed
    source_changed = Signal(str)       # the presenter chose another source (the window remembers it)
    cancelled = Signal()

    def __init__(self, *, decoder_factory: Callable[[], Decoder], source_factory_for: Callable[[str], SourceFactory],
                 source_spec: str, source_choices: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._decoder_factory = decoder_factory
        self._source_factory_for = source_factory_for
        self._scan: ScanThread | None = None
        self._busy = False
        self._entry = "camera"          # set from the source that opened
        self.opened_source = ""         # its description ("screen", "camera 0", a file name)

        self.amount_label = QLabel()
        self.amount_label.setProperty("role", "amount")
        self.preview = PreviewWidget()
        self.status = QLabel()
        self.status.setProperty("role", "title")
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.clicked.connect(self.restart)
        self.source_box = QComboBox()
        self.source_box.setEditable(True)
        self.source_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.source_box.setMinimumWidth(200)
        self.source_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for spec, text in source_choices:
            self.source_box.addItem(text, spec)
        self._select_spec(source_spec)
        self.source_box.setToolTip(self.tr("Camera number, video file, image pattern, or \"screen\""))
        # A choice takes effect at once: picking from the list, or typing a spec and pressing Enter.
        self.source_box.activated.connect(self._source_picked)
        self.source_box.lineEdit().returnPressed.connect(self._source_picked)
        self.source_row = QWidget()
        srow = QHBoxLayout(self.source_row)
        srow.setContentsMargins(0, 0, 0, 0)
        self.source_label = QLabel(self.tr("Source:"))
        srow.addWidget(self.source_label)
        srow.addWidget(self.source_box, 1)
        srow.addWidget(self.retry_button)

        self.manual_button = QPushButton(self.tr("Enter code by hand"))
        self.manual_button.clicked.connect(self.show_manual_entry)
        self.cancel_button = QPushButton(self.tr("Back to cart"))
        self.cancel_button.clicked.connect(self.cancelled.emit)

        self.manual_edit = QLineEdit()
        self.manual_edit.setPlaceholderText(self.tr("20-digit number under the customer's code"))
        self.manual_edit.setMaxLength(NUMERIC_LENGTH + 8)   # spaces between groups of four are fine
        self.manual_edit.returnPressed.connect(self._submit_manual)
        self.manual_submit = QPushButton(self.tr("Submit code"))
        self.manual_submit.setProperty("role", "primary")
        self.manual_submit.clicked.connect(self._submit_manual)
        self.manual_hint = QLabel()
        self.manual_hint.setProperty("role", "error")
        self.manual_row = QWidget()
        mrow = QHBoxLayout(self.manual_row)
        mrow.setContentsMargins(0, 0, 0, 0)
        mrow.addWidget(self.manual_edit, 1)
        mrow.addWidget(self.manual_submit)
        self.manual_row.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.manual_button)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(self.tr("Scan the customer's code"))
        title.setProperty("role", "title")
        top.addWidget(title, 1)
        top.addWidget(self.amount_label)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.source_row)
        layout.addWidget(self.manual_row)
        layout.addWidget(self.manual_hint)
        layout.addLayout(buttons)

    # -- scanning session ------------------------------------------------------------------------
    @property
    def source_spec(self) -> str:
        text = self.source_box.currentText().strip()
        i = self.source_box.findText(text)
        if i >= 0 and self.source_box.itemData(i):
            return str(self.source_box.itemData(i))
        return text

    def _select_spec(self, spec: str) -> None:
        i = self.source_box.findData(spec)
        if i < 0:
            self.source_box.addItem(spec, spec)
            i = self.source_box.count() - 1
        self.source_box.setCurrentIndex(i)

    def set_source(self, spec: str) -> None:
        """Switch to `spec` now (a running scan restarts on it) and tell the window to remember it."""
        self._select_spec(spec)
        self._source_picked()

    @Slot()
    def _source_picked(self, *_: object) -> None:
        spec = self.source_spec
        if not spec:
            return
        self.source_changed.emit(spec)
        if self.isVisible() and not self._busy:
            self.restart()

    @property
    def entry_method(self) -> str:
        """How a code read now came in: "screen" or "camera" (a video file stands in for a camera)."""
        return self._entry

    def begin(self, amount_text: str) -> None:
        """Open the scanner for a payment of `amount_text`."""
        self.amount_label.setText(amount_text)
        self.manual_edit.clear()
        self.manual_hint.clear()
        self.manual_row.hide()
        self._busy = False
        self._set_inputs_enabled(True)
        self.restart()

    @Slot()
    def restart(self) -> None:
        self.stop_scanning()
        self.retry_button.hide()
        self.opened_source = ""
        self.preview.clear()
        self.preview.set_placeholder(self.tr("Starting the camera…"))
        self.set_status(self.tr("Looking for a code…"))
        try:
            factory = self._source_factory_for(self.source_spec)
        except Exception as e:  # noqa: BLE001 - a bad spec is shown like a missing camera
            self._camera_lost(str(e), False)
            return
        scan = ScanThread(factory, self._decoder_factory(), parent=self)
        scan.worker.frame_ready.connect(self.preview.set_frame)
        scan.worker.outline.connect(self.preview.set_outline)
        scan.worker.code_read.connect(self._on_code_read)
        scan.worker.source_lost.connect(self._camera_lost)
        scan.worker.opened.connect(self._source_opened)
        self._scan = scan
        scan.start()

    def stop_scanning(self) -> None:
        if self._scan is not None:
            scan, self._scan = self._scan, None
            scan.stop()

    @property
    def scanning(self) -> bool:
        return self._scan is not None and self._scan.is_running()

    def resume(self) -> None:
        """Back from a refusal: scan again (the refused code is held back for the cool-down)."""
        self._busy = False
        self._set_inputs_enabled(True)
        self.manual_edit.clear()
        self.set_status(self.tr("Looking for a code…"))
        if self._scan is not None and self._scan.is_running():
            self._scan.resume()
        elif self.retry_button.isHidden():
            self.restart()

    def set_status(self, text: str, kind: str = "") -> None:
        self.status.setText(text)
        self.status.setProperty("role", "error" if kind == "error" else "title")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.updateGeometry()  # a new role can change the size it needs

    def set_verifying(self) -> None:
        self._busy = True
        self._set_inputs_enabled(False)
        self.set_status(self.tr("Verifying…"))

    def _set_inputs_enabled(self, on: bool) -> None:
        for w in (self.manual_button, self.manual_submit, self.manual_edit, self.cancel_button):
            w.setEnabled(on)

    @Slot(str)
    def _source_opened(self, description: str) -> None:
        self.opened_source = description
        self._entry = "screen" if description.startswith("screen") else "camera"
        if self._entry == "screen":
            self.preview.set_placeholder(self.tr("Looking at the screen…"))
            self.set_status(self.tr("Looking for the wallet's code on the screen…"))

    @Slot(str, object, str)
    def _on_code_read(self, text: str, corners, symbology: str) -> None:
        if self._busy:
            return
        self.preview.set_outline(corners)
        self.code_submitted.emit(text, self._entry)

    @Slot(str, bool)
    def _camera_lost(self, detail: str, live: bool) -> None:
        self.stop_scanning()
        self.preview.clear()
        self.preview.set_placeholder(self.tr("No picture"))
        self.set_status(self.tr("Camera not available — retry, choose another source, or type the code"), "error")
        self.source_row.setToolTip(detail)
        self.retry_button.show()
        self.manual_row.show()

    # -- keyed entry -----------------------------------------------------------------------------
    @Slot()
    def show_manual_entry(self) -> None:
        self.manual_row.show()
        self.manual_edit.setFocus()

    @Slot()
    def _submit_manual(self) -> None:
        if self._busy:
            return
        digits = "".join(self.manual_edit.text().split()).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if len(digits) != NUMERIC_LENGTH or not digits.isascii() or not digits.isdigit():
            self.manual_hint.setText(self.tr("Type all 20 digits shown under the customer's code."))
            return
        self.manual_hint.clear()
        self.code_submitted.emit(digits, "keyed")

    def closeEvent(self, event) -> None:  # noqa: N802
        self.stop_scanning()
        super().closeEvent(event)
