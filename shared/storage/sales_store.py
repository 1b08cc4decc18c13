"""SQL of sales, their lines and per-rate tax, refunds, and Z reports."""
from __future__ import annotations

import sqlite3
from typing import Iterable

from shared.clock import JST_OFFSET_SECONDS
from shared.storage.db import dialect

# Japan has no daylight saving time: a business day is the UTC day shifted by nine hours.
_JST_DATE = {"sqlite": f"date(t.at + {JST_OFFSET_SECONDS}, 'unixepoch')",
             "postgresql": f"to_char(to_timestamp(t.at + {JST_OFFSET_SECONDS}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"}


# -- sales --------------------------------------------------------------------------------------
def sale(conn: sqlite3.Connection, sale_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sales WHERE id = ?", (sale_id,)).fetchone()


def sale_by_receipt(conn: sqlite3.Connection, receipt_no: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sales WHERE receipt_no = ?", (receipt_no,)).fetchone()


def sale_lines(conn: sqlite3.Connection, sale_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no", (sale_id,)).fetchall()


def sale_taxes(conn: sqlite3.Connection, sale_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM sale_taxes WHERE sale_id = ? ORDER BY rate", (sale_id,)).fetchall()


def insert_sale(conn: sqlite3.Connection, *, sale_id: str, receipt_no: str, terminal_id: str, store_id: int,
                clerk_id: int, clerk_name: str, customer_id: int, code_nonce: str, wallet_ref: str, total: int,
                at: float, business_date: str, transfer_id: int, entry_method: str, request_fp: str) -> None:
    conn.execute(
        "INSERT INTO sales (id, receipt_no, terminal_id, store_id, clerk_id, clerk_name, customer_id, code_nonce, "
        "wallet_ref, total, at, business_date, transfer_id, entry_method, request_fp) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sale_id, receipt_no, terminal_id, store_id, clerk_id, clerk_name, customer_id, code_nonce, wallet_ref,
         total, at, business_date, transfer_id, entry_method, request_fp))


def insert_sale_lines(conn: sqlite3.Connection, sale_id: str, lines: Iterable[tuple]) -> None:
    """`lines`: (jan, name_ja, name_en, unit_price, qty, amount, tax_rate) in receipt order."""
    conn.executemany(
        "INSERT INTO sale_lines (sale_id, line_no, jan, name_ja, name_en, unit_price, qty, amount, tax_rate) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(sale_id, i, *line) for i, line in enumerate(lines, start=1)])


def insert_sale_taxes(conn: sqlite3.Connection, sale_id: str, by_rate: Iterable[tuple[int, int, int]]) -> None:
    conn.executemany("INSERT INTO sale_taxes (sale_id, rate, taxable_incl, tax) VALUES (?, ?, ?, ?)",
                     [(sale_id, *r) for r in by_rate])


def customer_payments_since(conn: sqlite3.Connection, customer_id: int, since: float) -> tuple[int, int]:
    """(count, yen) of the customer's payments at or after `since`."""
    row = conn.execute("SELECT count(*), coalesce(sum(total), 0) FROM sales WHERE customer_id = ? AND at >= ?",
                       (customer_id, since)).fetchone()
    return int(row[0]), int(row[1])


def sales_of_day(conn: sqlite3.Connection, terminal_id: str, business_date: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM sales WHERE terminal_id = ? AND business_date = ? ORDER BY at, receipt_no",
                        (terminal_id, business_date)).fetchall()


# -- refunds ------------------------------------------------------------------------------------
def refund(conn: sqlite3.Connection, refund_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM refunds WHERE id = ?", (refund_id,)).fetchone()


def refunds_of_sale(conn: sqlite3.Connection, sale_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM refunds WHERE sale_id = ? ORDER BY at, id", (sale_id,)).fetchall()


def refund_lines(conn: sqlite3.Connection, refund_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM refund_lines WHERE refund_id = ? ORDER BY rowid", (refund_id,)).fetchall()


def refund_taxes(conn: sqlite3.Connection, refund_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM refund_taxes WHERE refund_id = ? ORDER BY rate", (refund_id,)).fetchall()


def refunded_qty(conn: sqlite3.Connection, sale_id: str) -> dict[str, int]:
    """JAN → units already refunded from this sale."""
    return {r[0]: int(r[1]) for r in conn.execute(
        "SELECT l.jan, sum(l.qty) FROM refund_lines l JOIN refunds r ON r.id = l.refund_id "
        "WHERE r.sale_id = ? GROUP BY l.jan", (sale_id,))}


def refunded_by_rate(conn: sqlite3.Connection, sale_id: str) -> dict[int, int]:
    """Tax rate → yen already refunded from this sale at that rate."""
    return {int(r[0]): int(r[1]) for r in conn.execute(
        "SELECT l.tax_rate, sum(l.amount) FROM refund_lines l JOIN refunds r ON r.id = l.refund_id "
        "WHERE r.sale_id = ? GROUP BY l.tax_rate", (sale_id,))}


def insert_refund(conn: sqlite3.Connection, *, refund_id: str, sale_id: str, terminal_id: str, supervisor_id: int,
                  customer_id: int, total: int, at: float, business_date: str, transfer_id: int,
                  request: str, request_fp: str) -> None:
    conn.execute(
        "INSERT INTO refunds (id, sale_id, terminal_id, supervisor_id, customer_id, total, at, business_date, "
        "transfer_id, request, request_fp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (refund_id, sale_id, terminal_id, supervisor_id, customer_id, total, at, business_date, transfer_id,
         request, request_fp))


def insert_refund_lines(conn: sqlite3.Connection, refund_id: str, lines: Iterable[tuple[str, int, int, int]]) -> None:
    """`lines`: (jan, qty, amount, tax_rate)."""
    conn.executemany("INSERT INTO refund_lines (refund_id, jan, qty, amount, tax_rate) VALUES (?, ?, ?, ?, ?)",
                     [(refund_id, *line) for line in lines])


def insert_refund_taxes(conn: sqlite3.Connection, refund_id: str, by_rate: Iterable[tuple[int, int, int]]) -> None:
    conn.executemany("INSERT INTO refund_taxes (refund_id, rate, taxable_incl, tax) VALUES (?, ?, ?, ?)",
                     [(refund_id, *r) for r in by_rate])


# -- reports ------------------------------------------------------------------------------------
def day_totals(conn: sqlite3.Connection, table: str, terminal_id: str, business_date: str) -> tuple[int, int]:
    """(count, yen) of the terminal's sales or refunds (`table`: "sales" or "refunds") on a business day."""
    if table not in ("sales", "refunds"):
        raise ValueError(f"no day totals of {table!r}")
    row = conn.execute(f"SELECT count(*), coalesce(sum(total), 0) FROM {table} WHERE terminal_id = ? "
                       "AND business_date = ?", (terminal_id, business_date)).fetchone()
    return int(row[0]), int(row[1])


def day_sales_tax(conn: sqlite3.Connection, terminal_id: str, business_date: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT x.rate, sum(x.taxable_incl) AS taxable_incl, sum(x.tax) AS tax FROM sale_taxes x "
        "JOIN sales s ON s.id = x.sale_id WHERE s.terminal_id = ? AND s.business_date = ? "
        "GROUP BY x.rate ORDER BY x.rate", (terminal_id, business_date)).fetchall()


def day_refund_amounts(conn: sqlite3.Connection, terminal_id: str, business_date: str) -> list[sqlite3.Row]:
    """Per refund of the day and rate: the sale's amount at that rate (`sold`), what earlier refunds of
    the same sale took at that rate (`before`, in the order refunds were written), and this refund's
    amount (`amount`)."""
    return conn.execute(
        "WITH per AS (SELECT r.rowid AS seq, r.id, r.sale_id, r.terminal_id, r.business_date, l.tax_rate AS rate, "
        "  sum(l.amount) AS amount FROM refunds r JOIN refund_lines l ON l.refund_id = r.id "
        "  WHERE r.sale_id IN (SELECT sale_id FROM refunds WHERE terminal_id = ? AND business_date = ?) "
        "  GROUP BY r.id, l.tax_rate) "
        "SELECT p.rate, p.amount, coalesce(x.taxable_incl, 0) AS sold, "
        "  coalesce((SELECT sum(q.amount) FROM per q WHERE q.sale_id = p.sale_id AND q.rate = p.rate "
        "            AND q.seq < p.seq), 0) AS before "
        "FROM per p LEFT JOIN sale_taxes x ON x.sale_id = p.sale_id AND x.rate = p.rate "
        "WHERE p.terminal_id = ? AND p.business_date = ? ORDER BY p.seq, p.rate",
        (terminal_id, business_date, terminal_id, business_date)).fetchall()


def all_z_reports(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM z_reports ORDER BY closed_at, terminal_id").fetchall()


def ledger_net_for_day(conn: sqlite3.Connection, account: str, terminal_id: str, business_date: str) -> int:
    """What the ledger says the store account received that day through this terminal's sales and
    refunds: the postings themselves, joined to the sale or refund that made them."""
    row = conn.execute(
        "SELECT coalesce(sum(p.amount), 0) FROM postings p JOIN transfers t ON t.id = p.transfer_id "
        f"WHERE p.account = ? AND {_JST_DATE[dialect(conn)]} = ? AND ("
        "  t.id IN (SELECT transfer_id FROM sales WHERE terminal_id = ?)"
        "  OR t.id IN (SELECT transfer_id FROM refunds WHERE terminal_id = ?))",
        (account, business_date, terminal_id, terminal_id)).fetchone()
    return int(row[0])


def z_report(conn: sqlite3.Connection, terminal_id: str, business_date: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM z_reports WHERE terminal_id = ? AND business_date = ?",
                        (terminal_id, business_date)).fetchone()


def insert_z_report(conn: sqlite3.Connection, *, terminal_id: str, business_date: str, report: str,
                    at: float) -> None:
    conn.execute("INSERT INTO z_reports (terminal_id, business_date, report, closed_at) VALUES (?, ?, ?, ?)",
                 (terminal_id, business_date, report, at))
