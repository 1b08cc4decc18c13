"""`qrpay check`: everything that must always hold, recomputed from the stored facts.

`run_checks(core)` returns one sentence per violation (empty when all is well):
- `PRAGMA integrity_check` and `PRAGMA foreign_key_check`;
- the ledger (`ledger.check`): every transfer sums to 0 with two or more integer postings, every
  balance equals the sum of its postings, no wallet is negative, the append-only triggers exist;
- the audit log: hash chain, signed head, key, witness, Z report heads (`audit.verify`);
- whatever other modules add.

Other modules add their own invariants in one of two ways:
- `@checks.register("name")` on a function `fn(conn) -> list[str]` (runs once the module is
  imported), or
- a module named in `CHECK_MODULES` that defines `integrity_checks(conn) -> list[str]`; it is
  imported here if it exists, so e.g. sales can check "every paid code has exactly one sale"
  without anyone remembering to import it first.
Every check runs inside one read snapshot, so the figures agree with each other.
"""
from __future__ import annotations

import importlib
import sqlite3
from typing import TYPE_CHECKING, Callable

from shared import audit, ledger

if TYPE_CHECKING:
    from shared.core import Core

CheckFn = Callable[[sqlite3.Connection], list[str]]

CHECK_MODULES = ("shared.topups", "shared.codes", "shared.sales", "shared.refunds", "shared.reports")
_REGISTERED: dict[str, CheckFn] = {}


def register(name: str) -> Callable[[CheckFn], CheckFn]:
    def deco(fn: CheckFn) -> CheckFn:
        _REGISTERED[name] = fn
        return fn
    return deco


def _sqlite_checks(conn: sqlite3.Connection) -> list[str]:
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
    return [f"audit: {p.check}: {p.message}" for p in v.problems]


def _module_checks() -> list[tuple[str, CheckFn]]:
    found = []
    for name in CHECK_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:  # not written yet: nothing to check
                continue
            raise
        fn = getattr(module, "integrity_checks", None)
        if callable(fn):
            found.append((name.rsplit(".", 1)[-1], fn))
    return found


def all_checks() -> list[tuple[str, CheckFn]]:
    builtin = [("sqlite", _sqlite_checks), ("ledger", ledger.check), ("audit", _audit_checks)]
    modules = _module_checks()  # importing may register more
    return builtin + modules + sorted(_REGISTERED.items())


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
