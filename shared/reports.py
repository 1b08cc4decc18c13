"""ReportService (`core.reports`): X (running) and Z (close) reports per terminal and business day.

Figures come from the sales and refunds tables; `ledger_net` is the same day's net read from the
ledger's postings to the store account, so a report that disagrees with the money shows it on
its face (`agrees_with_ledger`).

Tax: a sale's tax per rate is rounded down once on the receipt (shared/tax.py). A refund's tax per
rate is NOT rounded again on its own lines: it is what the sale's tax falls by, i.e.
tax(sold − refunded before) − tax(sold − refunded before − this refund) (`tax.refund_tax`),
recomputed here from the refund lines. So refunds of a sale always add up to exactly the sale's
tax: a sale refunded line by line nets to ¥0 of tax, a partial refund leaves exactly the tax of
what was kept.

A Z report closes the terminal for the day. It needs a supervisor (staff id + PIN) and can only
close today or an earlier business day (Japan time, by the core's clock). It is stored as
printed, with the audit log's head (row count + newest hash) right after the `z_report` event
(the paper anchor: `qrpay audit verify` checks the log still extends every stored Z head, and
`--against-z ROWS:HASH` checks a head read off a printed report). Later sales or refunds on that
terminal and day are refused; closing twice is refused (Conflict `already_closed`) and
`z_report_get` reprints the stored one.
"""
from __future__ import annotations

import enum
import json
import sqlite3
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from shared import audit, ledger
from shared.audit_events import AuditEvent
from shared.clock import to_iso
from shared.errors import Conflict, InputError, NotFound
from shared.receipts import business_date_of
from shared.sales import check_business_date
from shared.storage import catalog_store, sales_store
from shared.tax import RATES, RateTotal, refund_tax

if TYPE_CHECKING:
    from shared.core import Core


class ReportKind(enum.Enum):
    X = "X"     # a reading during the day, changes nothing
    Z = "Z"     # the day's close, once, with a supervisor's PIN


@dataclass(frozen=True, slots=True)
class Report:
    kind: ReportKind
    terminal_id: str
    business_date: str
    sales_count: int
    gross: int
    tax_by_rate: tuple[RateTotal, ...]          # of the sales, per rate (both rates always listed)
    refunds_count: int
    refunds_total: int
    refund_tax_by_rate: tuple[RateTotal, ...]
    net: int
    ledger_net: int
    generated_at: float
    audit_rows: int | None = None                # Z only: the audit log's head when the day was closed
    audit_head: str | None = None

    @property
    def agrees_with_ledger(self) -> bool:
        return self.net == self.ledger_net

    @property
    def net_tax_by_rate(self) -> tuple[RateTotal, ...]:
        """Sales minus refunds, per rate: exact (refund tax is the fall in the sale's tax)."""
        refunds = {r.rate: r for r in self.refund_tax_by_rate}
        return tuple(RateTotal(r.rate, r.taxable_incl - refunds[r.rate].taxable_incl, r.tax - refunds[r.rate].tax)
                     if r.rate in refunds else r for r in self.tax_by_rate)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value, "terminal_id": self.terminal_id, "business_date": self.business_date,
            "sales_count": self.sales_count, "gross": self.gross,
            "tax_by_rate": {str(r.rate): {"taxable_incl": r.taxable_incl, "tax": r.tax} for r in self.tax_by_rate},
            "refunds_count": self.refunds_count, "refunds_total": self.refunds_total,
            "refund_tax_by_rate": {str(r.rate): {"taxable_incl": r.taxable_incl, "tax": r.tax}
                                   for r in self.refund_tax_by_rate},
            "net_tax_by_rate": {str(r.rate): {"taxable_incl": r.taxable_incl, "tax": r.tax}
                                for r in self.net_tax_by_rate},
            "net": self.net, "ledger_net": self.ledger_net, "agrees_with_ledger": self.agrees_with_ledger,
            "generated_at": to_iso(self.generated_at),
            **({"audit_head": {"rows": self.audit_rows, "hash": self.audit_head}}
               if self.audit_head is not None else {}),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], generated_at: float) -> "Report":
        def rates(m: dict) -> tuple[RateTotal, ...]:
            return tuple(RateTotal(int(k), int(v["taxable_incl"]), int(v["tax"]))
                         for k, v in sorted(m.items(), key=lambda kv: int(kv[0])))
        return cls(ReportKind(d["kind"]), d["terminal_id"], d["business_date"], int(d["sales_count"]), int(d["gross"]),
                   rates(d["tax_by_rate"]), int(d["refunds_count"]), int(d["refunds_total"]),
                   rates(d["refund_tax_by_rate"]), int(d["net"]), int(d["ledger_net"]), generated_at,
                   *((int(d["audit_head"]["rows"]), str(d["audit_head"]["hash"])) if "audit_head" in d else ()))


def _per_rate(rows: list[sqlite3.Row]) -> tuple[RateTotal, ...]:
    found = {int(r["rate"]): RateTotal(int(r["rate"]), int(r["taxable_incl"]), int(r["tax"])) for r in rows}
    return tuple(found.get(rate, RateTotal(rate, 0, 0)) for rate in RATES)


def _refund_tax(rows: list[sqlite3.Row]) -> tuple[RateTotal, ...]:
    """Per rate, the tax the day's refunds took off their sales (see the module's docstring).
    `rows`: (rate, sold, before, amount) per refund and rate."""
    amount = {rate: 0 for rate in RATES}
    tax = {rate: 0 for rate in RATES}
    for r in rows:
        rate = int(r["rate"])
        amount[rate] += int(r["amount"])
        tax[rate] += refund_tax(int(r["sold"]), int(r["before"]), int(r["amount"]), rate)
    return tuple(RateTotal(rate, amount[rate], tax[rate]) for rate in RATES)


def stored_z_heads(conn: sqlite3.Connection) -> list[tuple[str, int, str]]:
    """(label, rows, hash) of the audit head printed on every stored Z report."""
    out = []
    for row in sales_store.all_z_reports(conn):
        try:
            h = json.loads(row["report"]).get("audit_head")
            if h:
                out.append((f"Z report {row['terminal_id']} {row['business_date']}", int(h["rows"]), str(h["hash"])))
        except (ValueError, TypeError, KeyError, AttributeError):
            out.append((f"Z report {row['terminal_id']} {row['business_date']}", -1, "unreadable"))
    return out


class ReportService:
    def __init__(self, core: "Core") -> None:
        self.core = core

    def _compute(self, conn: sqlite3.Connection, kind: ReportKind, terminal_id: str, day: str) -> Report:
        terminal = catalog_store.terminal(conn, terminal_id)
        count, gross = sales_store.day_totals(conn, "sales", terminal_id, day)
        r_count, r_total = sales_store.day_totals(conn, "refunds", terminal_id, day)
        account = ledger.store_account(terminal["store_id"])
        return Report(kind, terminal_id, day, count, gross, _per_rate(sales_store.day_sales_tax(conn, terminal_id, day)),
                      r_count, r_total, _refund_tax(sales_store.day_refund_amounts(conn, terminal_id, day)),
                      gross - r_total, sales_store.ledger_net_for_day(conn, account, terminal_id, day),
                      self.core.now())

    def x_report(self, terminal_id: str, business_date: str) -> Report:
        """The running totals; changes nothing."""
        terminal = self.core.catalog.terminal(terminal_id)
        day = check_business_date(business_date)
        with self.core.db.read() as conn:
            return self._compute(conn, ReportKind.X, terminal.id, day)

    def z_report(self, terminal_id: str, business_date: str, *, supervisor_id: int, pin: str) -> Report:
        """Close the terminal's day (a supervisor's approval; today or earlier, Japan time): store the
        report as printed, with the audit head. Closing twice is a Conflict (`already_closed`)."""
        day = check_business_date(business_date)
        supervisor = self.core.staff.require_supervisor(supervisor_id, pin)
        terminal = self.core.catalog.terminal(terminal_id)
        today = business_date_of(self.core.now())
        if day > today:
            raise InputError(f"{day} has not begun yet (today is {today} in Japan): only today or an earlier day "
                             "can be closed.", code="future_day")
        with self.core.db.write() as conn:
            if sales_store.z_report(conn, terminal.id, day) is not None:
                raise Conflict(f"Terminal {terminal.id} is already closed for {day}; reprint the Z report instead.",
                               code="already_closed")
            report = self._compute(conn, ReportKind.Z, terminal.id, day)
            audit.record(conn, at=report.generated_at, event=AuditEvent.Z_REPORT, actor=f"staff:{supervisor.id}",
                         terminal=terminal.id, business_date=day, sales_count=report.sales_count, net=report.net,
                         agrees_with_ledger=report.agrees_with_ledger)
            rows, head = audit.head(conn)
            report = replace(report, audit_rows=rows, audit_head=head)
            sales_store.insert_z_report(conn, terminal_id=terminal.id, business_date=day,
                                        report=json.dumps(report.to_json(), sort_keys=True), at=report.generated_at)
        return report

    def z_report_get(self, terminal_id: str, business_date: str) -> Report:
        """The stored Z report, exactly as it was closed."""
        terminal = self.core.catalog.terminal(terminal_id)
        day = check_business_date(business_date)
        with self.core.db.read() as conn:
            row = sales_store.z_report(conn, terminal.id, day)
        if row is None:
            raise NotFound(f"Terminal {terminal.id} has not been closed for {day}.")
        return Report.from_json(json.loads(row["report"]), float(row["closed_at"]))

    def is_closed(self, terminal_id: str, business_date: str) -> bool:
        with self.core.db.read() as conn:
            return sales_store.z_report(conn, terminal_id, check_business_date(business_date)) is not None
