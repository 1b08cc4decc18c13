"""The PostgreSQL connection the stores get (shared/storage/pg.py opens it): the stores' SQLite SQL
translated to PostgreSQL's, rows read like sqlite3.Row, and PostgreSQL's errors raised as the classes
the services already catch.

* **The SQL dialect**: `_translate` turns `?` placeholders, INSERT OR IGNORE, `lastrowid` (`RETURNING id`),
  group_concat, LIKE's case-insensitivity and rowid into PostgreSQL's; constructs that need a different
  text live in the stores behind `conn.dialect` (docs/ARCHITECTURE.md, "Storage").
* **Errors**: a constraint violation is `PgIntegrityError` (a `sqlite3.IntegrityError`), any other error
  in a statement `PgDatabaseError` (a `sqlite3.DatabaseError`), an out-of-range number `OverflowError`,
  a lost server `StorageError(db_unavailable)`, a lock wait `StorageError(db_locked)`.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterator, Sequence

from shared.errors import StorageError

# Tables whose `id` is an identity column: an INSERT into one returns the id (sqlite3's lastrowid).
_ID_TABLES = frozenset({"audit_log", "mailbox", "customers", "recovery_codes", "sessions", "login_failures",
                        "reset_codes", "staff", "transfers", "postings", "topups", "payment_codes",
                        "code_redemptions", "stores", "sns_users"})



class PgIntegrityError(sqlite3.IntegrityError):
    """A PostgreSQL constraint violation, raised as the class the services already catch."""


class PgDatabaseError(sqlite3.DatabaseError):
    """Any other PostgreSQL error inside a statement."""


# -- the SQL dialect ------------------------------------------------------------------------------------
_INSERT_TABLE = re.compile(r"^\s*INSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+([a-z_]+)", re.I)


@lru_cache(maxsize=2048)
def _translate(sql: str) -> tuple[str, bool]:
    """SQLite's SQL as the stores write it → (PostgreSQL's SQL, whether it returns the new id)."""
    out, i, n, quote = [], 0, len(sql), False
    while i < n:  # placeholders and % outside string literals
        ch = sql[i]
        if ch == "'":
            quote = not quote
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?" and not quote:
            out.append("%s")
        else:
            out.append(ch)
        i += 1
    text = "".join(out)
    ignore = re.match(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", text, re.I) is not None
    if ignore:
        text = re.sub(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", "INSERT INTO", text, count=1, flags=re.I)
        text = text.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    text = re.sub(r"\bIS\s+NOT\s+%s", "IS DISTINCT FROM %s", text, flags=re.I)  # SQLite's IS with a value
    text = re.sub(r"\bIS\s+%s", "IS NOT DISTINCT FROM %s", text, flags=re.I)
    text = re.sub(r"\bgroup_concat\(([^()]*)\)", r"string_agg(CAST(\1 AS TEXT), ',')", text, flags=re.I)
    text = re.sub(r"\bLIKE\b", "ILIKE", text)
    text = re.sub(r"\browid\b", "seq", text)
    m = _INSERT_TABLE.match(sql)
    returning = bool(m and m.group(1).lower() in _ID_TABLES and not re.search(r"\bRETURNING\b", text, re.I))
    if returning:
        text = text.rstrip().rstrip(";") + " RETURNING id"
    return text, returning


class Row:
    """A result row read like sqlite3.Row: by position, by column name, keys()."""

    __slots__ = ("_v", "_i")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._v, self._i = tuple(values), index

    def __getitem__(self, k):
        if isinstance(k, str):
            return self._v[self._i[k]]
        return self._v[k]

    def keys(self) -> list[str]:
        return list(self._i)

    def __iter__(self):
        return iter(self._v)

    def __len__(self) -> int:
        return len(self._v)

    def __eq__(self, other) -> bool:
        return isinstance(other, Row) and self._v == other._v and self._i == other._i

    def __hash__(self) -> int:
        return hash(self._v)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._i, self._v))!r})"


def _row_factory(cursor):
    desc = cursor.description
    if desc is None:
        return lambda values: values
    index = {d.name: i for i, d in enumerate(desc)}
    return lambda values: Row(values, index)


class _Result:
    """What `execute` returns: fetchone/fetchall/iteration/rowcount/lastrowid, as sqlite3's cursor."""

    __slots__ = ("_rows", "_pos", "rowcount", "lastrowid")

    def __init__(self, rows: list, rowcount: int, lastrowid: int | None) -> None:
        self._rows, self._pos, self.rowcount, self.lastrowid = rows, 0, rowcount, lastrowid

    def fetchone(self):
        if self._pos < len(self._rows):
            self._pos += 1
            return self._rows[self._pos - 1]
        return None

    def fetchall(self) -> list:
        rest, self._pos = self._rows[self._pos:], len(self._rows)
        return rest

    def __iter__(self):
        return iter(self.fetchall())


class PgConnection:
    """The connection the stores get: `execute`/`executemany` in SQLite's dialect, plus `dialect`,
    `in_transaction`, `after_commit` and `db_path` (the audit witness's key)."""

    dialect = "postgresql"

    def __init__(self, raw, db_path: str) -> None:
        self.raw = raw
        self.db_path = db_path
        self.after_commit: list = []
        self.total_changes = 0  # rows inserted, updated or deleted through this connection (as sqlite3's)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> _Result:
        text, returning = _translate(sql)
        cur = self.raw.cursor(row_factory=_row_factory)
        try:
            cur.execute(text, tuple(params) if params else None)
            rows = cur.fetchall() if cur.description is not None else []
            rowcount = cur.rowcount
        except BaseException as e:
            raise translate_error(e) from None
        finally:
            cur.close()
        if rowcount > 0 and _CHANGES.match(text):
            self.total_changes += rowcount
        lastrowid = None
        if returning:
            lastrowid = rows[0][0] if rows else None
            rows = []
        return _Result(rows, rowcount, lastrowid)

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> _Result:
        text, returning = _translate(sql)
        if returning:
            text = text[: -len(" RETURNING id")]
        cur = self.raw.cursor()
        try:
            cur.executemany(text, [tuple(p) for p in seq])
            rowcount = cur.rowcount
            if rowcount > 0:
                self.total_changes += rowcount
        except BaseException as e:
            raise translate_error(e) from None
        finally:
            cur.close()
        return _Result([], rowcount, None)

    def iterdump(self) -> Iterator[str]:
        """Every row of the world as `INSERT INTO table VALUES (…);` lines (what sqlite3's iterdump
        gives for data): for checks that a secret is stored nowhere."""
        tables = [r[0] for r in self.raw.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
        for t in tables:
            for row in self.raw.execute(f'SELECT * FROM "{t}"'):
                yield f'INSERT INTO "{t}" VALUES({",".join(_literal(v) for v in row)});'

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A statement that may break a constraint on purpose (the replay guards): on PostgreSQL a
        failed statement spoils its transaction, so it runs in a savepoint rolled back on failure."""
        self.raw.execute("SAVEPOINT qrpay_sp")
        try:
            yield
        except BaseException:
            self.raw.execute("ROLLBACK TO SAVEPOINT qrpay_sp")
            raise
        self.raw.execute("RELEASE SAVEPOINT qrpay_sp")


_CHANGES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


def _literal(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "X'" + bytes(v).hex() + "'"
    return "'" + str(v).replace("'", "''") + "'"


def _is_connection_lost(e: BaseException) -> bool:
    import psycopg
    return isinstance(e, (psycopg.OperationalError, psycopg.InterfaceError)) and not isinstance(
        e, psycopg.errors.LockNotAvailable) and not isinstance(e, psycopg.errors.QueryCanceled)


def translate_error(e: BaseException) -> BaseException:
    import psycopg
    from psycopg import errors as pe
    if not isinstance(e, psycopg.Error):
        return e
    if isinstance(e, pe.NumericValueOutOfRange):
        return OverflowError(str(e))
    if isinstance(e, (pe.LockNotAvailable, pe.QueryCanceled, pe.DeadlockDetected)):
        return StorageError("The database is busy (another program holds it); try again.", code="db_locked")
    if isinstance(e, pe.ReadOnlySqlTransaction):
        return StorageError("The database is read-only; nothing was saved.", code="db_readonly")
    if isinstance(e, pe.DiskFull):
        return StorageError("The disk is full; nothing was saved.", code="disk_full")
    if _is_connection_lost(e):
        return unavailable()
    if isinstance(e, psycopg.IntegrityError):
        return PgIntegrityError(str(e).splitlines()[0])
    return PgDatabaseError(str(e).splitlines()[0])


def unavailable() -> StorageError:
    return StorageError("The database server cannot be reached (stopped or restarting); nothing was saved. "
                        "Try again.", code="db_unavailable")


def bool_and_numeric_adapters(raw) -> None:
    """Booleans go to the 0/1 integer columns as 0/1 (as sqlite3 does); sum() of integers, which
    PostgreSQL types `numeric`, comes back as an int (a float when it has a fraction)."""
    from psycopg.adapt import Dumper, Loader
    from psycopg.pq import Format

    class BoolAsInt(Dumper):
        oid = raw.adapters.types["int8"].oid
        format = Format.TEXT

        def dump(self, obj):
            return b"1" if obj else b"0"

    class NumericAsNumber(Loader):
        format = Format.TEXT

        def load(self, data):
            s = bytes(data).decode()
            return int(s) if s.lstrip("-").isdigit() else float(s)

    raw.adapters.register_dumper(bool, BoolAsInt)
    raw.adapters.register_loader("numeric", NumericAsNumber)
