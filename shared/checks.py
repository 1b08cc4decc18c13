"""`qrpay check`: everything that must always hold, recomputed from the stored facts.

`run_checks(core)` returns one sentence per violation (empty when all is well):
- `PRAGMA integrity_check` and `PRAGMA foreign_key_check`;
- the ledger (`ledger.check`): every transfer sums to 0 with two or more integer postings, every
  balance equals the sum of its postings, no wallet is negative, the append-only triggers exist;
- the audit log: hash chain, signed head, key, witness, Z report heads (`audit.verify`), and its
  append-only triggers exist;
- whatever other modules add.

- the services' own invariants, imported here by name (`MODULE_CHECKS`: today the top-ups'
  "every top-up's ledger credit equals its amount"), so nobody has to remember an import;
- anything added with `@checks.register("name")` on a function `fn(conn) -> list[str]`.
Every check runs inside one read snapshot, so the figures agree with each other.
"""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Callable

from shared import audit, ledger, topups
from shared.storage import ledger_store

if TYPE_CHECKING:
    from shared.core import Core

CheckFn = Callable[[sqlite3.Connection], list[str]]

MODULE_CHECKS: list[tuple[str, CheckFn]] = [("topups", topups.integrity_checks)]
_REGISTERED: dict[str, CheckFn] = {}


def register(name: str) -> Callable[[CheckFn], CheckFn]:
    def deco(fn: CheckFn) -> CheckFn:
        _REGISTERED[name] = fn
        return fn
    return deco


def _sqlite_checks(conn: sqlite3.Connection) -> list[str]:
    from shared.storage.db import dialect
    if dialect(conn) != "sqlite":  # PostgreSQL checks its own pages and keys as it writes
        return []
    problems = []
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        problems += [f"sqlite: {r}" for r in rows[:20]]
    for r in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        problems.append(f"sqlite: row {r[1]} of {r[0]} points to a missing row of {r[2]}")
    return problems


def _audit_checks(conn: sqlite3.Connection) -> list[str]:
    from shared.reports import stored_z_heads

    v = audit.verify(conn, expected=stored_z_heads(conn))
    return [f"audit: {p.check}: {p.message}" for p in v.problems] + [
        f"audit: the append-only guard {name} is missing"
        for name in ledger_store.missing_triggers(conn, audit.APPEND_ONLY_TRIGGERS)]


def all_checks() -> list[tuple[str, CheckFn]]:
    builtin = [("sqlite", _sqlite_checks), ("ledger", ledger.check), ("audit", _audit_checks)]
    return builtin + MODULE_CHECKS + sorted(_REGISTERED.items())


def run_checks(core: "Core") -> list[str]:
    problems: list[str] = []
    with core.db.read() as conn:
        for name, fn in all_checks():
            try:
                problems += fn(conn)
            except sqlite3.DatabaseError as e:  # a damaged table is a finding, not a crash
                problems.append(f"{name}: could not be checked: {e}")
    return problems


def summary(core: "Core") -> dict[str, object]:
    """What a passing check looked at (for `qrpay check`'s JSON)."""
    with core.db.read() as conn:
        out: dict[str, object] = dict(ledger.totals(conn))
        out["audit_rows"] = audit.verify(conn).rows
    out["checks"] = [name for name, _ in all_checks()]
    return out
