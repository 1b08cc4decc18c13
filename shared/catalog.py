"""The catalog: items (JAN/EAN-13), the store and its terminals.

A JAN code is an EAN-13: twelve digits and a check digit (weights 1, 3, 1, 3, … from the left).
It is checked when an item is added and again on every look-up, so a mistyped code at the till
is refused as "not a valid JAN" rather than "not in the catalog".

The store carries the qualified-invoice registration number ("T" + 13 digits) that every
receipt must show. A corporation's number is its 法人番号, whose first digit is a check digit
(国税庁: 9 − (Σ Pn×Qn mod 9), Qn = 1 for odd n and 2 for even n, n counted from the right of the
other twelve digits); `registration_number_for` computes one for demo data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared.errors import Conflict, InputError, NotFound
from shared.money import yen
from shared.storage import catalog_store
from shared.tax import check_rate

if TYPE_CHECKING:
    from shared.core import Core

_REGISTRATION = re.compile(r"T[0-9]{13}")      # always fullmatch: no "\n", no non-ASCII digits
_TERMINAL_ID = re.compile(r"T[0-9]{1,3}")
_MAX_NAME = 80


@dataclass(frozen=True, slots=True)
class Item:
    jan: str
    name_ja: str
    name_en: str
    price: int        # tax-inclusive, yen
    tax_rate: int     # 8 or 10


@dataclass(frozen=True, slots=True)
class Store:
    id: int
    name_ja: str
    name_en: str
    registration_no: str
    address: str

    @property
    def account(self) -> str:
        return f"store:{self.id}"


@dataclass(frozen=True, slots=True)
class Terminal:
    id: str
    store_id: int
    name: str


# -- pure checks -------------------------------------------------------------------------------
def ean13_check_digit(first12: str) -> int:
    if len(first12) != 12 or not first12.isascii() or not first12.isdigit():
        raise InputError("An EAN-13 body is 12 digits.")
    s = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - s % 10) % 10


def valid_ean13(s: object) -> bool:
    """True for 13 ASCII digits whose last digit is the EAN-13 check digit."""
    if not isinstance(s, str) or len(s) != 13 or not s.isascii() or not s.isdigit():
        return False
    return ean13_check_digit(s[:12]) == int(s[12])


def make_ean13(first12: str) -> str:
    return first12 + str(ean13_check_digit(first12))


def normalize_jan(s: object) -> str:
    """The JAN as typed or scanned (spaces and full-width digits allowed) → 13 digits, or InputError."""
    if not isinstance(s, str):
        raise InputError("A JAN code is 13 digits.")
    text = s.strip().replace(" ", "").translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not valid_ean13(text):
        raise InputError(f"{text[:20]!r} is not a valid JAN (EAN-13) code: check the digits.")
    return text


def corporate_check_digit(base12: str) -> int:
    if len(base12) != 12 or not base12.isascii() or not base12.isdigit():
        raise InputError("A corporate number body is 12 digits.")
    digits = [int(d) for d in reversed(base12)]  # P1 is the rightmost
    s = sum(p * (1 if n % 2 else 2) for n, p in enumerate(digits, start=1))
    return 9 - s % 9


def registration_number_for(base12: str) -> str:
    """A qualified-invoice registration number for a corporation whose 法人番号 body is `base12`."""
    return f"T{corporate_check_digit(base12)}{base12}"


def valid_registration_no(s: object) -> bool:
    """"T" + 13 digits. (Sole proprietors' numbers carry no corporate check digit, so only the
    form is checked; `registration_number_for` produces corporate ones.)"""
    return isinstance(s, str) and bool(_REGISTRATION.fullmatch(s))


def _name(text: object, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"The {what} must not be empty.")
    text = text.strip()
    if len(text) > _MAX_NAME:
        raise InputError(f"The {what} must be at most {_MAX_NAME} characters.")
    return text


def _item(r) -> Item:
    return Item(r["jan"], r["name_ja"], r["name_en"], int(r["price"]), int(r["tax_rate"]))


def _store(r) -> Store:
    return Store(int(r["id"]), r["name_ja"], r["name_en"], r["registration_no"], r["address"])


def _terminal(r) -> Terminal:
    return Terminal(r["id"], int(r["store_id"]), r["name"])


class Catalog:
    def __init__(self, core: "Core") -> None:
        self._core = core

    # -- items ----------------------------------------------------------------------------
    def items(self) -> list[Item]:
        with self._core.db.read() as conn:
            return [_item(r) for r in catalog_store.items(conn)]

    def item(self, jan: str) -> Item:
        code = normalize_jan(jan)
        with self._core.db.read() as conn:
            r = catalog_store.item(conn, code)
        if r is None:
            raise NotFound(f"No item with JAN {code} in the catalog.")
        return _item(r)

    def search(self, text: str) -> list[Item]:
        """Items whose JAN starts with, or whose Japanese or English name contains, `text`."""
        if not isinstance(text, str) or not text.strip():
            return self.items()
        needle = text.strip()[:40]
        with self._core.db.read() as conn:
            return [_item(r) for r in catalog_store.search(conn, needle)]

    def add_item(self, *, jan: str, name_ja: str, name_en: str, price: int, tax_rate: int) -> Item:
        item = Item(normalize_jan(jan), _name(name_ja, "Japanese name"), _name(name_en, "English name"),
                    yen(price), check_rate(tax_rate))
        if item.price <= 0 or item.price > 1_000_000:
            raise InputError("An item's price must be from ¥1 to ¥1,000,000.")
        with self._core.db.write() as conn:
            if catalog_store.item(conn, item.jan) is not None:
                raise Conflict(f"JAN {item.jan} is already in the catalog.")
            catalog_store.insert_item(conn, jan=item.jan, name_ja=item.name_ja, name_en=item.name_en,
                                      price=item.price, tax_rate=item.tax_rate, at=self._core.now())
        return item

    # -- store and terminals ------------------------------------------------------------------
    def store(self, store_id: int | None = None) -> Store:
        """The store (the simulator runs one; `store_id` picks another if there are more)."""
        with self._core.db.read() as conn:
            r = catalog_store.store(conn, store_id)
        if r is None:
            raise NotFound("No store is set up yet: run `qrpay seed-demo`.")
        return _store(r)

    def has_store(self) -> bool:
        with self._core.db.read() as conn:
            return catalog_store.store(conn, None) is not None

    def add_store(self, *, name_ja: str, name_en: str, registration_no: str, address: str) -> Store:
        if not valid_registration_no(registration_no):
            raise InputError("The registration number must be T followed by 13 digits.")
        name_ja, name_en = _name(name_ja, "store's Japanese name"), _name(name_en, "store's English name")
        address = _name(address, "address")
        with self._core.db.write() as conn:
            store_id = catalog_store.insert_store(conn, name_ja=name_ja, name_en=name_en,
                                                  registration_no=registration_no, address=address,
                                                  at=self._core.now())
        return Store(store_id, name_ja, name_en, registration_no, address)

    def terminals(self) -> list[Terminal]:
        with self._core.db.read() as conn:
            return [_terminal(r) for r in catalog_store.terminals(conn)]

    def terminal(self, terminal_id: str) -> Terminal:
        if not isinstance(terminal_id, str) or not _TERMINAL_ID.fullmatch(terminal_id):
            raise InputError("A terminal id looks like T1.")
        with self._core.db.read() as conn:
            r = catalog_store.terminal(conn, terminal_id)
        if r is None:
            raise NotFound(f"No terminal {terminal_id}.")
        return _terminal(r)

    def add_terminal(self, terminal_id: str, *, store_id: int, name: str = "") -> Terminal:
        if not isinstance(terminal_id, str) or not _TERMINAL_ID.fullmatch(terminal_id):
            raise InputError("A terminal id looks like T1 (T and up to three digits).")
        name = name.strip() if isinstance(name, str) and name.strip() else f"Register {terminal_id[1:]}"
        with self._core.db.write() as conn:
            if catalog_store.store(conn, store_id) is None:
                raise NotFound(f"No store {store_id}.")
            if catalog_store.terminal(conn, terminal_id) is not None:
                raise Conflict(f"Terminal {terminal_id} already exists.")
            catalog_store.insert_terminal(conn, terminal_id=terminal_id, store_id=store_id, name=name[:_MAX_NAME],
                                          at=self._core.now())
        return Terminal(terminal_id, store_id, name[:_MAX_NAME])
