"""PostgreSQL's worlds: one schema per world (`world_NAME`), its migrations (migrations_pg/: a baseline equal to
SQLite's schema at its number, then one twin per later SQLite migration), the advisory-lock key that
serialises a world's writers, and (for the service) listing and dropping worlds."""
from __future__ import annotations

import re
import zlib

from shared.errors import InputError
from shared.storage import db

LOCK_CLASS = 0x5152_5041          # 'QRPA': the advisory-lock namespace of qrpay-sim
_WORLD = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")  # the service's world names ("team-1"); quoted where used
DEFAULT_WORLD = "default"


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



def pg_migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of migrations_pg/: the first is a baseline equal to SQLite's schema at
    its number; the rest follow one by one."""
    found = db.read_migrations("migrations_pg")
    for prev, cur in zip(found, found[1:]):
        if cur[0] != prev[0] + 1:
            raise RuntimeError(f"PostgreSQL migration numbers must follow each other: {cur[1]} is out of place")
    return found


def migration_hooks(version: int, name: str, baseline: bool) -> list[str]:
    """Python hooks to run after a PostgreSQL migration: those of the SQLite migrations it stands for."""
    if baseline:
        names = [db.migration_stem(n) for v, n, _ in db.migrations() if v <= version]
    else:
        names = [db.migration_stem(name)]
    return [db._MIGRATION_HOOKS[n] for n in names if n in db._MIGRATION_HOOKS]


def world_lock_key(schema: str) -> int:
    return zlib.crc32(schema.encode()) - 2**31  # a signed int4



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
            raw.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_CLASS, world_lock_key(schema)))
            exists = raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
            if exists:
                raw.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return bool(exists)
