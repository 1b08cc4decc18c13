"""The one module that opens PostgreSQL (the shared server's database), through psycopg 3.

`PgDatabase` has the interface of `shared.storage.db.Database` (write()/read() context managers,
after_commit, close, user_version, path) so the services and the stores run unchanged on both:

* **Writers are serialised per world**, as SQLite's `BEGIN IMMEDIATE` serialises them per file:
  every write transaction starts with `pg_advisory_xact_lock` on a key derived from the world's
  schema, at READ COMMITTED. Each later statement of the transaction therefore sees every write
  committed before the lock was granted, so every read-check-write of the core (attempt limits,
  balances, receipt numbers, single use) keeps the meaning it has on SQLite. Two worlds never wait
  for each other. Reads run at REPEATABLE READ: one snapshot, never blocked by a writer.
* **One connection per process** shared by its threads behind a lock (as on SQLite). A server that
  went away or restarted fails the transaction in flight with `StorageError(db_unavailable)` (a
  payment is then committed or not, never half) and the next transaction reconnects.
* **The SQL dialect**: the stores write SQLite's SQL with `?` placeholders; `_translate` turns it
  into PostgreSQL's (placeholders, INSERT OR IGNORE, `RETURNING id` for `lastrowid`, group_concat,
  LIKE's case-insensitivity, rowid). Constructs that need a different text live in the stores
  behind `conn.dialect` (see docs/ARCHITECTURE.md, "Storage").
* **Errors** keep the sqlite3 classes the services catch: a constraint violation is raised as
  `PgIntegrityError` (a `sqlite3.IntegrityError`), any other database error as `PgDatabaseError`
  (a `sqlite3.DatabaseError`), an out-of-range number as `OverflowError`.

Each world is a schema (`world_NAME`), created on first open with the migrations of
`migrations_pg/` applied inside it; its version is kept in `qrpay_schema`.
"""
from __future__ import annotations

import logging
import re
import sqlite3
import threading
import zlib
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator, Sequence

from shared.errors import InputError, StorageError

log = logging.getLogger(__name__)

LOCK_TIMEOUT_MS = 10_000          # as SQLite's busy timeout
_LOCK_CLASS = 0x5152_5041         # 'QRPA': the advisory-lock namespace of qrpay-sim
_WORLD = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")  # the service's world names ("team-1"); quoted where used
_MIGRATION_NAME = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")
DEFAULT_WORLD = "default"
# Tables whose `id` is an identity column: an INSERT into one returns the id (sqlite3's lastrowid).
_ID_TABLES = frozenset({"audit_log", "mailbox", "customers", "recovery_codes", "sessions", "login_failures",
                        "reset_codes", "staff", "transfers", "postings", "topups", "payment_codes",
                        "code_redemptions", "stores", "sns_users"})


def is_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def split_target(target: str) -> tuple[str, str | None]:
    """`postgresql://…/db#WORLD` → (URL, WORLD); without `#`, (URL, None)."""
    url, sep, world = target.partition("#")
    return url, (world if sep else None)


def world_schema(world: str) -> str:
    if not isinstance(world, str) or not _WORLD.fullmatch(world):
        raise InputError("A world's name is 1–40 lower-case letters, digits, _ or - and starts with a letter or digit.",
                         code="bad_world_name")
    return f"world_{world}"


def redact(url: str) -> str:
    """The URL without its password (for messages, `core.db.path` and the audit witness)."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


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
            raise _translate_error(e) from None
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
            raise _translate_error(e) from None
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


def _translate_error(e: BaseException) -> BaseException:
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
        return _unavailable()
    if isinstance(e, psycopg.IntegrityError):
        return PgIntegrityError(str(e).splitlines()[0])
    return PgDatabaseError(str(e).splitlines()[0])


def _unavailable() -> StorageError:
    return StorageError("The database server cannot be reached (stopped or restarting); nothing was saved. "
                        "Try again.", code="db_unavailable")


def _bool_and_numeric_adapters(raw) -> None:
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


# -- migrations -------------------------------------------------------------------------------------------
def pg_migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of migrations_pg/: the first is a baseline equal to SQLite's schema at
    its number; the rest follow one by one."""
    found = []
    for entry in resources.files("shared.storage").joinpath("migrations_pg").iterdir():
        m = _MIGRATION_NAME.fullmatch(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    for prev, cur in zip(found, found[1:]):
        if cur[0] != prev[0] + 1:
            raise RuntimeError(f"PostgreSQL migration numbers must follow each other: {cur[1]} is out of place")
    return found


def _hooks_for(version: int, name: str, baseline: bool) -> list[str]:
    """Python hooks to run after a PostgreSQL migration: those of the SQLite migrations it stands for."""
    from shared.storage import db
    if baseline:
        names = [_MIGRATION_NAME.fullmatch(n).group(2) for v, n, _ in db.migrations() if v <= version]
    else:
        names = [_MIGRATION_NAME.fullmatch(name).group(2)]
    return [db._MIGRATION_HOOKS[n] for n in names if n in db._MIGRATION_HOOKS]


def _lock_key(schema: str) -> int:
    return zlib.crc32(schema.encode()) - 2**31  # a signed int4


class PgDatabase:
    """One PostgreSQL connection per process, shared by its threads behind a lock; one world (schema)."""

    dialect = "postgresql"

    def __init__(self, url: str, *, world: str | None = None, migrate: bool = True, create: bool = True) -> None:
        url, in_url = split_target(url)
        self.world = world if world is not None else in_url if in_url is not None else DEFAULT_WORLD
        self.schema = world_schema(self.world)
        self._url = url
        self.target = f"{url}#{self.world}"          # what Core.open needs to open this world again
        self.path = f"{redact(url)}#{self.world}"   # what messages and reports show
        self._lock_key = _lock_key(self.schema)
        self._lock = threading.RLock()
        self._conn: PgConnection | None = None
        self._closed = False
        self._connect()
        try:
            self._open_schema(migrate=migrate, create=create)
        except BaseException:
            self.close()
            raise

    # -- connection -----------------------------------------------------------------------------
    def _connect(self) -> PgConnection:
        import psycopg
        try:
            raw = psycopg.connect(self._url, autocommit=True, connect_timeout=10,
                                  options=f"-c lock_timeout={LOCK_TIMEOUT_MS} -c search_path=\"{self.schema}\"")
        except psycopg.Error as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise StorageError(f"Cannot connect to the database server at {redact(self._url)}: "
                               f"{redact(msg)}", code="db_unavailable") from None
        _bool_and_numeric_adapters(raw)
        self._conn = PgConnection(raw, f"/postgresql/{redact(self._url).split('://', 1)[1]}/{self.schema}")
        return self._conn

    def _live(self) -> PgConnection:
        """The connection, reconnected first when the server dropped it (a restart)."""
        if self._closed:
            raise StorageError("The database was closed.", code="db_closed")
        if self._conn is None or self._conn.raw.closed or self._conn.raw.broken:
            if self._conn is not None:
                try:
                    self._conn.raw.close()
                except Exception:  # noqa: BLE001
                    pass
            self._conn = None
            self._connect()
        return self._conn

    def _open_schema(self, *, migrate: bool, create: bool) -> None:
        import psycopg
        conn = self._live()
        raw = conn.raw
        exists = raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,)).fetchone()
        has_version = exists and raw.execute(
            "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = 'qrpay_schema'", (self.schema,)).fetchone()
        if not has_version and not create:
            raise StorageError(f"There is no world {self.world!r} on {redact(self._url)}; nothing was created.",
                               code="no_database")
        found = self.user_version() if has_version else 0
        target = max(v for v, _, _ in pg_migrations())
        if found > target:
            raise StorageError(f"The world {self.world!r} was written by a newer qrpay-sim (schema {found}, this one "
                               f"knows {target}); update qrpay-sim. It was left untouched.", code="newer_schema")
        if found >= target or not migrate:
            return
        with self._lock:
            try:
                raw.execute("BEGIN")
                raw.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_CLASS, self._lock_key))
                raw.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                raw.execute("CREATE TABLE IF NOT EXISTS qrpay_schema (id INTEGER PRIMARY KEY CHECK (id = 1), "
                            "version INTEGER NOT NULL)")
                row = raw.execute("SELECT version FROM qrpay_schema").fetchone()
                version = row[0] if row else 0
                first = True
                for v, name, sql in pg_migrations():
                    if v <= version:
                        first = False
                        continue
                    if first and version != 0:
                        raise RuntimeError("no PostgreSQL migration leads from this schema version")
                    raw.execute(sql)
                    import importlib
                    for hook in _hooks_for(v, name, baseline=first):
                        module, _, fn = hook.partition(":")
                        getattr(importlib.import_module(module), fn)(conn, self.path)
                    raw.execute("INSERT INTO qrpay_schema (id, version) VALUES (1, %s) "
                                "ON CONFLICT (id) DO UPDATE SET version = excluded.version", (v,))
                    log.info("applied PostgreSQL migration %s to %s", name, self.schema)
                    first = False
                raw.execute("COMMIT")
            except BaseException as e:
                if not raw.closed and not raw.broken:
                    raw.execute("ROLLBACK")
                conn.after_commit.clear()
                if isinstance(e, psycopg.Error):
                    raise _translate_error(e) from None
                raise
            self._run_after_commit()

    def user_version(self) -> int:
        row = self._live().raw.execute("SELECT version FROM qrpay_schema").fetchone()
        return int(row[0]) if row else 0

    # -- transactions ------------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[PgConnection]:
        """A write transaction, alone in its world (the advisory lock): all of it commits, or none."""
        with self._lock:
            conn = self._live()
            raw = conn.raw
            try:
                raw.execute(f"BEGIN; SELECT pg_advisory_xact_lock({_LOCK_CLASS}, {self._lock_key})")
            except BaseException as e:
                self._abandon(raw)
                raise _as_storage(e) from None
            try:
                yield conn
            except BaseException as e:
                self._abandon(raw)
                conn.after_commit.clear()
                if isinstance(e, OverflowError):
                    raise _overflow() from None
                raise _as_storage(e) from None
            try:
                raw.execute("UPDATE qrpay_changes SET n = n + 1; COMMIT")
            except BaseException as e:
                self._abandon(raw)
                conn.after_commit.clear()
                raise _as_storage(e) from None
            self._run_after_commit()

    @contextmanager
    def read(self) -> Iterator[PgConnection]:
        """A read transaction: one consistent snapshot for several queries (REPEATABLE READ)."""
        with self._lock:
            conn = self._live()
            raw = conn.raw
            if conn.in_transaction:  # nested inside a write: reuse it
                yield conn
                return
            try:
                raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            except BaseException as e:
                self._abandon(raw)
                raise _as_storage(e) from None
            try:
                yield conn
            except BaseException as e:
                self._abandon(raw)
                if isinstance(e, OverflowError):
                    raise _overflow() from None
                raise _as_storage(e) from None
            try:
                raw.execute("COMMIT")
            except BaseException:  # ending a read loses nothing
                self._abandon(raw)

    @staticmethod
    def _abandon(raw) -> None:
        """Roll back what is open; a dead connection is left for the next transaction to replace."""
        try:
            if not raw.closed and not raw.broken:
                raw.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the server went away: _live reconnects next time
            pass

    def _run_after_commit(self) -> None:
        conn = self._conn
        if conn is None:
            return
        todo, conn.after_commit = conn.after_commit, []
        for fn in todo:
            try:
                fn()
            except Exception:  # noqa: BLE001 - never turn a committed change into an error
                log.warning("an after-commit step failed", exc_info=True)

    def change_counter(self) -> int:
        """Moves at every committed write of this world (SQLite: PRAGMA data_version)."""
        with self.read() as conn:
            return int(conn.execute("SELECT n FROM qrpay_changes").fetchone()[0])

    @property
    def connection(self) -> PgConnection:
        return self._live()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None:
                try:
                    self._conn.raw.close()
                except Exception:  # noqa: BLE001
                    pass


def _overflow() -> InputError:
    return InputError("A number is too large (beyond 64 bits); nothing was saved.", code="number_too_large")


def _as_storage(e: BaseException) -> BaseException:
    """A psycopg error that escaped the wrapper (BEGIN, COMMIT) as the StorageError it means; other
    exceptions (the services' own errors, sqlite3-class errors from the wrapper) unchanged."""
    import psycopg
    if isinstance(e, psycopg.Error):
        out = _translate_error(e)
        if isinstance(out, OverflowError):
            return _overflow()
        if isinstance(out, sqlite3.DatabaseError):
            return StorageError(f"The database refused the change: {out}.", code="storage_error")
        return out
    return e


# -- worlds (for the service): one schema each ---------------------------------------------------------------
def list_worlds(url: str) -> list[str]:
    import psycopg
    with psycopg.connect(split_target(url)[0], autocommit=True) as raw:
        rows = raw.execute("SELECT n.nspname FROM pg_namespace n JOIN pg_tables t ON t.schemaname = n.nspname "
                           "AND t.tablename = 'qrpay_schema' WHERE n.nspname LIKE 'world\\_%%' ORDER BY 1").fetchall()
    return [r[0][len("world_"):] for r in rows]


def drop_world(url: str, world: str) -> bool:
    """Remove a world and everything in it (the trainer's `world delete`). True if it existed."""
    import psycopg
    schema = world_schema(world)
    with psycopg.connect(split_target(url)[0], autocommit=True) as raw:
        with raw.transaction():
            raw.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_CLASS, _lock_key(schema)))
            exists = raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
            if exists:
                raw.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return bool(exists)
