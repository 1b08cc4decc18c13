"""The Presenter menu's "Demo accounts…": the staff numbers and PINs and the customers' e-mail
addresses and passwords saved when the demo database was seeded (TOTP codes are in the
Authenticator window), so a presenter never has to restart anything to see them."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)


class DemoAccountsDialog(QDialog):
    def __init__(self, creds: dict, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Demo accounts"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Staff (sign in at the till)")))
        self.staff = self._table([self.tr("Number"), self.tr("Name"), self.tr("Role"), self.tr("PIN")],
                                 [[str(s["id"]), s["name"], self._role(s["role"]), s["pin"]] for s in creds["staff"]])
        layout.addWidget(self.staff)
        layout.addWidget(QLabel(self.tr("Customers (sign in on the wallet; codes in the Authenticator)")))
        self.customers = self._table([self.tr("E-mail"), self.tr("Password")],
                                     [[c["email"], c["password"]] for c in creds["customers"]])
        layout.addWidget(self.customers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def _role(self, role: str) -> str:
        return self.tr("supervisor") if role == "supervisor" else self.tr("clerk")

    @staticmethod
    def _table(headers: list[str], rows: list[list[str]]) -> QTableWidget:
        t = QTableWidget(len(rows), len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().hide()
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                t.setItem(r, c, QTableWidgetItem(text))
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        return t
