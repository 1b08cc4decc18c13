"""The till's side through the server: `core.staff` (a clerk's PIN opens the till's shift), `core.catalog`,
`core.sales` (a lost reply's payment is resent with the same sale id: exactly once by the server's
idempotency, else PaymentUnconfirmed), `core.refunds` and `core.reports`."""
from __future__ import annotations

import logging

from shared.catalog import Item, Store, Terminal
from shared.errors import InputError, NotFound, PaymentUnconfirmed, SessionInvalid
from shared.receipts import Receipt
from shared.refunds import Refund
from shared.remote.base import RemoteService, not_over_server, path_part
from shared.remote.transport import ServerUnreachable
from shared.reports import Report
from shared.sales import EntryMethod, Sale, SaleSummary
from shared.service.codec import decode
from shared.staff import Staff
from shared.tax import CartTotals

log = logging.getLogger(__name__)

PAY_RETRIES = 3


class RemoteStaff(RemoteService):
    def add(self, name: str, role: str, pin: str) -> Staff:
        return self._call("POST", "staff", admin=True, json={"name": name, "role": role, "pin": pin}, returns=Staff)

    def list(self) -> list[Staff]:
        return self._call("GET", "staff", admin=True, returns=list[Staff])

    def get(self, staff_id: int) -> Staff:
        for s in self.list():
            if s.id == staff_id:
                return s
        raise NotFound("No such staff member.")

    def verify(self, staff_id: int, pin: str) -> Staff:
        """Opens a shift on this client's terminal (its key + the clerk's PIN): the server checks the PIN
        and every till call after this one acts as that terminal and clerk. The shift reply names the clerk
        (the Staff record), so nothing is guessed here."""
        shift = self._rc.open_shift(staff_id, pin)
        return decode(Staff, shift["clerk"])

    def require_supervisor(self, staff_id: int, pin: str) -> Staff:
        """The till's supervisor area: checked by the server on this till's shift (the same refusals:
        invalid_credentials, permission_denied for a clerk, locked, throttled)."""
        return self._call("POST", "till/supervisor", till=True, json={"supervisor_id": staff_id, "pin": pin},
                          returns=Staff)



class RemoteCatalog(RemoteService):
    def items(self) -> list[Item]:
        return self._call("GET", "catalog/items", returns=list[Item])

    def item(self, jan: str) -> Item:
        return self._call("GET", f"catalog/items/{path_part(jan)}", returns=Item)

    def search(self, text: str) -> list[Item]:
        return self._call("GET", "catalog/search", params={"text": text}, returns=list[Item])

    def store(self, store_id: int | None = None) -> Store:
        if store_id is not None:
            raise not_over_server("A store by id")
        return self._call("GET", "catalog/store", returns=Store)

    def terminals(self) -> list[Terminal]:
        return self._call("GET", "catalog/terminals", returns=list[Terminal])

    def terminal(self, terminal_id: str) -> Terminal:
        for t in self.terminals():
            if t.id == terminal_id:
                return t
        raise NotFound(f"No terminal {terminal_id!r}.")

    def has_store(self) -> bool:
        try:
            self.store()
        except NotFound:
            return False
        return True


class RemoteSales(RemoteService):
    def quote(self, lines: object) -> CartTotals:
        return self._call("POST", "quote", json={"lines": _lines(lines)}, returns=CartTotals)

    def pay(self, *, terminal_id: str, clerk_id: int, code: str, lines: object, sale_id: str,
            entry_method: EntryMethod | str = EntryMethod.KEYED) -> Sale:
        self._rc.check_shift(terminal_id, clerk_id)
        entry = entry_method.value if isinstance(entry_method, EntryMethod) else entry_method
        body = {"sale_id": sale_id, "code": code, "lines": _lines(lines), "entry_method": entry}
        last: ServerUnreachable | None = None
        for attempt in range(1 + PAY_RETRIES):
            if attempt:
                self._rc.pause(0.2 * attempt)
            try:
                return self._call("POST", "till/sales", till=True, json=body, returns=Sale)
            except ServerUnreachable as e:   # sent or not: the same sale id again is charged at most once
                last = e
                log.warning("payment %s: %s (attempt %d)", sale_id, e.message, attempt + 1)
        raise PaymentUnconfirmed("The server did not confirm the payment (" + (last.message if last else "") +
                                 ") Scan again when it is back: the same sale is never charged twice.",
                                 code="payment_unconfirmed")

    def receipt(self, sale_id_or_receipt_no: str) -> Receipt:
        return self._call("GET", f"till/sales/{path_part(sale_id_or_receipt_no)}/receipt", reader=True, returns=Receipt)

    def journal(self, terminal_id: str, business_date: str) -> list[Sale]:
        return self._call("GET", "till/journal", reader=terminal_id, returns=list[Sale],
                          params={"business_date": business_date, "terminal_id": terminal_id})

    def summary(self, sale_id: str) -> SaleSummary:
        """The wallet's "Paid ¥… at <store>": with the session of the customer who paid (the one this client
        signed in last; another customer's sale is not_found)."""
        token = self._rc.last_token()
        if token is None:
            raise SessionInvalid("Sign in first: through the server a wallet reads its own sales only.")
        return self._call("GET", f"me/sales/{path_part(sale_id)}/summary", token=token, returns=SaleSummary)

    def sale(self, sale_id: str) -> Sale:
        raise not_over_server("A sale by id")


class RemoteRefunds(RemoteService):
    def refund(self, *, sale_id: str, lines: object = None, supervisor_id: int, pin: str,
               refund_id: str | None = None, terminal_id: str | None = None) -> Refund:
        self._rc.shift_for_supervisor(terminal_id, supervisor_id, pin)
        return self._call("POST", "till/refunds", till=True, returns=Refund,
                          json={"sale_id": sale_id, "lines": None if lines is None else _lines(lines),
                                "supervisor_id": supervisor_id, "pin": pin, "refund_id": refund_id})


class RemoteReports(RemoteService):
    def x_report(self, terminal_id: str, business_date: str) -> Report:
        return self._call("GET", "till/reports/x", reader=terminal_id, returns=Report,
                          params={"business_date": business_date, "terminal_id": terminal_id})

    def z_report(self, terminal_id: str, business_date: str, *, supervisor_id: int, pin: str) -> Report:
        self._rc.shift_for_supervisor(terminal_id, supervisor_id, pin)
        self._rc.check_shift(terminal_id)
        return self._call("POST", "till/reports/z", till=True, returns=Report,
                          json={"business_date": business_date, "supervisor_id": supervisor_id, "pin": pin})

    def z_report_get(self, terminal_id: str, business_date: str) -> Report:
        return self._call("GET", "till/reports/z", reader=terminal_id, returns=Report,
                          params={"business_date": business_date, "terminal_id": terminal_id})

    def is_closed(self, terminal_id: str, business_date: str) -> bool:
        return bool(self._call("GET", "till/reports/z/closed", reader=terminal_id, returns=bool,
                               params={"business_date": business_date, "terminal_id": terminal_id}))


def _lines(lines: object) -> list:
    """The cart as the wire has it: [[jan, qty], …] (the core checks the values)."""
    if isinstance(lines, dict):
        lines = list(lines.items())
    try:
        return [list(line) for line in lines]  # type: ignore[union-attr]
    except TypeError:
        raise InputError("The cart is a list of (JAN, quantity) lines.") from None
