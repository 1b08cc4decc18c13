"""The one module that opens SQLite.

Settings: WAL, synchronous=FULL, foreign keys on, a busy timeout, `isolation_level=None` and an
explicit `BEGIN IMMEDIATE` for every write, so two processes (the two apps) share one file safely
and a killed process leaves either the whole transaction or none of it.

Schema: forward-only migrations `migrations/NNNN_*.sql`, the number of the last one applied kept
in `PRAGMA user_version`. A file that is not a SQLite database, or one written by a newer
version of qrpay-sim, raises `StorageError` before anything is written to it.
"""
from __future__ import annotations

import enum
import logging
import os
import re
import sqlite3
import threading
from contextlib import contextmanager, nullcontext
from importlib import resources
from pathlib import Path
from typing import Iterator, TypeVar

from shared.errors import InputError, StorageError

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
_MIGRATION_NAME = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")
# Python run inside a migration's transaction after its SQL, keyed by the name after the number
# (so renumbering a migration does not lose its hook): "module:function", called as fn(conn, path).
_MIGRATION_HOOKS = {"audit_anchor": "shared.audit:adopt_on_migration"}


# What a store catches when a constraint refuses a statement, on either backend (the PostgreSQL
# connection raises shared.storage.pg.PgIntegrityError, a subclass).
IntegrityError = sqlite3.IntegrityError
E = TypeVar("E", bound=enum.Enum)


def stored_member(enum_cls: type[E], raw: str) -> E | str:
    """A stored enum value read back: its member, or the text itself when this version does not know it
    (a row written by a newer version): shown as it is, never a crash."""
    try:
        return enum_cls(raw)
    except ValueError:
        return raw


def dialect(conn) -> str:
    """"sqlite" or "postgresql": which SQL a store must write where the two differ."""
    return getattr(conn, "dialect", "sqlite")


def savepoint(conn):
    """Around a statement that may break a constraint on purpose (a replay guard): see
    `_Connection.savepoint`; a plain sqlite3 connection needs none either."""
    sp = getattr(conn, "savepoint", None)
    return sp() if sp is not None else nullcontext()


class _Connection(sqlite3.Connection):
    """A connection that knows its file and carries what must happen after the next COMMIT."""

    db_path: Path
    after_commit: list
    dialect = "sqlite"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.after_commit = []

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A statement that may break a constraint on purpose (a replay guard). SQLite undoes only the
        failed statement and keeps the transaction, so nothing is needed here; PostgreSQL's
        connection (shared/storage/pg_connection.py) wraps it in a real savepoint."""
        yield


def default_db_path() -> Path:
    """`QRPAY_DB` if set, else qrpay.sqlite3 in the user data directory."""
    env = os.environ.get("QRPAY_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("qrpay-sim", appauthor=False)) / "qrpay.sqlite3"


def read_migrations(folder: str) -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of the `NNNN_name.sql` files in shared/storage/FOLDER, sorted by number
    (the SQLite migrations here, PostgreSQL's in pg_worlds.py: each checks its own numbering)."""
    found = []
    for entry in resources.files("shared.storage").joinpath(folder).iterdir():
        m = _MIGRATION_NAME.fullmatch(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    return found


def migration_stem(file_name: str) -> str:
    """`0007_audit_anchor.sql` → `audit_anchor`: what a migration's hook is keyed by."""
    return _MIGRATION_NAME.fullmatch(file_name).group(2)


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every migration shipped, in order."""
    found = read_migrations("migrations")
    for i, (version, name, _) in enumerate(found, start=1):
        if version != i:
            raise RuntimeError(f"migration numbers must run 1, 2, 3…: {name} is out of place")
    return found


def schema_version() -> int:
    return len(migrations())


def split_sql(script: str) -> list[str]:
    """Split a script into statements (trigger bodies with inner semicolons stay whole)."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip() and not all(l.strip().startswith("--") or not l.strip() for l in buf.splitlines()):
        raise RuntimeError("migration script ends with an incomplete statement")
    return statements


def _check_file(path: Path, *, create: bool = True) -> None:
    try:
        exists = path.exists()
        if exists and path.is_dir():
            raise StorageError(f"{path} is a folder, not a database file.", code="not_a_database")
    except OSError as e:  # e.g. a name too long for the file system
        raise StorageError(f"Cannot use {str(path)[:200]} as a database ({e.strerror}).", code="db_unreadable") from None
    if not exists:
        if not create:
            raise StorageError(f"There is no database at {path}; nothing was created. Run `qrpay init` "
                               "(or give the right --db).", code="no_database")
        parent = path.parent
        if parent.exists() and not parent.is_dir():
            raise StorageError(f"Cannot create the database: {parent} is a file, not a folder.",
                               code="db_unwritable")
        for up in parent.parents:  # a file somewhere up the path: mkdir would say "not a directory"
            if up.exists():
                if not up.is_dir():
                    raise StorageError(f"Cannot create the database: {up} is a file, not a folder.",
                                       code="db_unwritable")
                break
        if not parent.exists():
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StorageError(f"Cannot create the folder for the database: {parent} ({e.strerror}).",
                                   code="db_unwritable") from None
        return
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as e:
        raise StorageError(f"Cannot read the database file {path} ({e.strerror}).", code="db_unreadable") from None
    if head and head != SQLITE_HEADER:
        raise StorageError(f"{path} is not a qrpay-sim database (not an SQLite file); it was left untouched.",
                           code="not_a_database")


class Database:
    """One SQLite connection per process, shared by its threads behind a lock."""

    dialect = "sqlite"

    def __init__(self, path: str | os.PathLike[str], *, migrate: bool = True, create: bool = True) -> None:
        """`create=False`: a missing file is refused (`no_database`) instead of created (read commands)."""
        self.path = Path(path)
        self.target = self.path  # what Core.open needs to open this database again
        _check_file(self.path, create=create)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                                         timeout=BUSY_TIMEOUT_MS / 1000, factory=_Connection)
        except sqlite3.Error as e:
            raise StorageError(f"Cannot open the database {self.path}: {e}.", code="db_unreadable") from None
        self._conn.db_path = self.path
        try:
            self._conn.row_factory = sqlite3.Row
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._check_version()
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            if migrate:
                self._migrate()
        except sqlite3.DatabaseError as e:
            self._conn.close()
            raise StorageError(f"{self.path} cannot be used as a qrpay-sim database: {e}.",
                               code="not_a_database") from None
        except BaseException:
            self._conn.close()
            raise

    # -- schema ---------------------------------------------------------------------------
    def user_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_version(self) -> None:
        found = self.user_version()  # reading the header raises DatabaseError for non-databases
        if found > schema_version():
            raise StorageError(
                f"{self.path} was written by a newer qrpay-sim (schema {found}, this one knows "
                f"{schema_version()}); update qrpay-sim. The file was left untouched.", code="newer_schema")

    def _migrate(self) -> None:
        target = schema_version()
        if self.user_version() >= target:
            return
        with self._lock:
            for version, name, sql in migrations():
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    if self.user_version() >= version:  # another process got here first
                        self._conn.execute("COMMIT")
                        continue
                    for statement in split_sql(sql):
                        self._conn.execute(statement)
                    hook = _MIGRATION_HOOKS.get(migration_stem(name))
                    if hook:
                        import importlib
                        module, _, fn = hook.partition(":")
                        getattr(importlib.import_module(module), fn)(self._conn, self.path)
                    self._conn.execute(f"PRAGMA user_version = {version}")
                    self._conn.execute("COMMIT")
                    log.info("applied migration %s", name)
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    self._conn.after_commit.clear()
                    raise
                self._run_after_commit()

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (`BEGIN IMMEDIATE`): all of it commits, or none of it. What it asked to run
        after the commit (the audit witness: a file written and fsynced) runs once the connection is free
        for the next transaction."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                raise _storage_error(e) from None
            try:
                yield self._conn
            except BaseException as e:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                self._conn.after_commit.clear()
                if _is_storage_failure(e):  # a full disk or read-only file mid-transaction: clear error
                    raise _storage_error(e) from None
                if isinstance(e, OverflowError):
                    raise _overflow() from None
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.OperationalError as e:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                self._conn.after_commit.clear()
                raise _storage_error(e) from None
            todo, self._conn.after_commit = self._conn.after_commit, []
        run_after_commit(todo)

    def _run_after_commit(self) -> None:
        """Migrations run theirs under the lock (nothing else writes while the schema changes)."""
        todo, self._conn.after_commit = self._conn.after_commit, []
        run_after_commit(todo)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for several queries."""
        with self._lock:
            if self._conn.in_transaction:  # nested inside a write: reuse it
                yield self._conn
                return
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            except BaseException as e:
                self._end_read()
                if _is_storage_failure(e):
                    raise _storage_error(e) from None
                if isinstance(e, OverflowError):
                    raise _overflow() from None
                raise
            self._end_read()

    def _end_read(self) -> None:
        # Ending a read loses nothing, so a damaged file failing the COMMIT must not hide the answer
        # (e.g. `qrpay check` reporting the damage it found).
        if self._conn.in_transaction:
            try:
                self._conn.execute("COMMIT")
            except sqlite3.DatabaseError:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")

    def change_counter(self) -> int:
        """A number that moves when another connection committed a change: `PRAGMA data_version`,
        which costs no table read (PostgreSQL: a counter every write transaction bumps)."""
        with self.read() as conn:
            return int(conn.execute("PRAGMA data_version").fetchone()[0])

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def run_after_commit(todo: list) -> None:
    """What a transaction asked for once it is durable (e.g. the audit witness); best effort. Run outside the
    connection's lock: each step must be safe beside the next transaction (the witness only moves forward,
    under its own file lock)."""
    for fn in todo:
        try:
            fn()
        except Exception:  # noqa: BLE001 - never turn a committed change into an error
            log.warning("an after-commit step failed", exc_info=True)


def open_database(target: "str | os.PathLike[str]", *, world: str | None = None, migrate: bool = True,
                  create: bool = True):
    """`Database` for an SQLite path, `shared.storage.pg.PgDatabase` for a `postgresql://` URL."""
    from shared.storage import pg
    if pg.is_url(str(target)):
        return pg.PgDatabase(str(target), world=world, migrate=migrate, create=create)
    return Database(target, migrate=migrate, create=create)


def _overflow() -> InputError:
    # sqlite3 raises OverflowError for a Python int beyond 64 bits: no id or amount can be that big.
    return InputError("A number is too large (beyond 64 bits); nothing was saved.", code="number_too_large")


def _is_storage_failure(e: BaseException) -> bool:
    """The file or the disk failed, as opposed to a constraint or a bug in a statement."""
    if type(e) is sqlite3.DatabaseError:  # "database disk image is malformed", "file is not a database"
        return True
    if not isinstance(e, sqlite3.OperationalError):
        return False
    text = str(e).lower()
    return any(w in text for w in ("full", "readonly", "read-only", "locked", "busy", "disk i/o"))


def _storage_error(e: sqlite3.DatabaseError) -> StorageError:
    text = str(e).lower()
    if "locked" in text or "busy" in text:
        return StorageError("The database is busy (another program holds it); try again.", code="db_locked")
    if "readonly" in text or "read-only" in text:
        return StorageError("The database is read-only; nothing was saved.", code="db_readonly")
    if "full" in text:
        return StorageError("The disk is full; nothing was saved.", code="disk_full")
    if "malformed" in text or "not a database" in text:
        return StorageError("The database file is damaged; nothing was saved. Run `qrpay check` and restore "
                            "a backup.", code="db_corrupt")
    return StorageError(f"The database refused the change: {e}.", code="storage_error")
