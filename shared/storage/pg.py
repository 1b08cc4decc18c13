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
* **The connection the stores get** (pg_connection.py) speaks SQLite's SQL and raises the sqlite3
  error classes the services catch; **the worlds** (pg_worlds.py) are schemas with their migrations.

Each world is a schema (`world_NAME`), created on first open with the migrations of
`migrations_pg/` applied inside it (`_open_schema`, under the world's lock); its version is kept in
`qrpay_schema`.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import contextmanager
from typing import Iterator

from shared.errors import InputError, StorageError
from shared.storage.pg_connection import (PgConnection, PgDatabaseError, PgIntegrityError, bool_and_numeric_adapters,
                                          translate_error)
from shared.storage.pg_worlds import (DEFAULT_WORLD, LOCK_CLASS, drop_world, is_url, list_worlds, migration_hooks,
                                      pg_migrations, redact, split_target, world_lock_key, world_schema)

__all__ = ["PgDatabase", "PgConnection", "PgIntegrityError", "PgDatabaseError", "DEFAULT_WORLD", "is_url",
           "split_target", "world_schema", "redact", "pg_migrations", "list_worlds", "drop_world"]
from shared.storage.db import run_after_commit

log = logging.getLogger(__name__)

LOCK_TIMEOUT_MS = 10_000          # as SQLite's busy timeout


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
        self._lock_key = world_lock_key(self.schema)
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
        bool_and_numeric_adapters(raw)
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
                raw.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_CLASS, self._lock_key))
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
                    for hook in migration_hooks(v, name, baseline=first):
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
                    raise translate_error(e) from None
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
            self._begin(raw, f"BEGIN; SELECT pg_advisory_xact_lock({LOCK_CLASS}, {self._lock_key})")
            try:
                yield conn
            except BaseException as e:
                self._abandon(raw)
                conn.after_commit.clear()
                raise _as_storage(e) from None
            try:
                raw.execute("UPDATE qrpay_changes SET n = n + 1; COMMIT")
            except BaseException as e:
                self._abandon(raw)
                conn.after_commit.clear()
                raise _as_storage(e) from None
            todo, conn.after_commit = conn.after_commit, []
        run_after_commit(todo)      # outside the lock, as on SQLite

    @contextmanager
    def read(self) -> Iterator[PgConnection]:
        """A read transaction: one consistent snapshot for several queries (REPEATABLE READ)."""
        with self._lock:
            conn = self._live()
            raw = conn.raw
            if conn.in_transaction:  # nested inside a write: reuse it
                yield conn
                return
            self._begin(raw, "BEGIN ISOLATION LEVEL REPEATABLE READ")
            try:
                yield conn
            except BaseException as e:
                self._abandon(raw)
                raise _as_storage(e) from None
            try:
                raw.execute("COMMIT")
            except BaseException:  # ending a read loses nothing
                self._abandon(raw)

    def _begin(self, raw, sql: str) -> None:
        try:
            raw.execute(sql)
        except BaseException as e:
            self._abandon(raw)
            raise _as_storage(e) from None

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
        run_after_commit(todo)

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
    """A psycopg error that escaped the wrapper (BEGIN, COMMIT) as the StorageError it means, a number
    beyond 64 bits as number_too_large; other exceptions (the services' own errors, sqlite3-class errors
    from the wrapper) unchanged."""
    import psycopg
    if isinstance(e, OverflowError):
        return _overflow()
    if isinstance(e, psycopg.Error):
        out = translate_error(e)
        if isinstance(out, OverflowError):
            return _overflow()
        if isinstance(out, sqlite3.DatabaseError):
            return StorageError(f"The database refused the change: {out}.", code="storage_error")
        return out
    return e
