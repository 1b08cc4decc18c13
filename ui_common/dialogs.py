"""Message boxes the apps share (one place, as Anki's aqt/utils.py): tests replace the function
they are handed, never a QMessageBox."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_yes_no(parent: QWidget | None, text: str) -> bool:
    """A Yes/No confirmation with the question `text` (already translated); True for Yes."""
    title = QCoreApplication.translate("Dialogs", "Please confirm")
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes
