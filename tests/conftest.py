"""Shared fixtures. Every test gets its own database file and a fixed clock; nothing sleeps."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from shared.clock import FixedClock
from shared.core import Core

T0 = 1_795_600_000.0  # 2026-11-25T09:46:40Z: a fixed "now" for tests


@pytest.fixture(scope="session", autouse=True)
def isolated_config_dir(tmp_path_factory):
    """Audit keys (shared/audit_key.py) go to a per-run folder, never the user's config dir; set in
    os.environ so subprocesses and workers use it too."""
    old = os.environ.get("QRPAY_CONFIG_DIR")
    os.environ["QRPAY_CONFIG_DIR"] = str(tmp_path_factory.mktemp("config"))
    yield
    if old is None:
        os.environ.pop("QRPAY_CONFIG_DIR", None)
    else:
        os.environ["QRPAY_CONFIG_DIR"] = old


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "qrpay.sqlite3"


PG_URL_ENV = "QRPAY_TEST_DATABASE_URL"
BACKENDS = ("sqlite", "postgres")


def pg_url() -> str | None:
    return os.environ.get(PG_URL_ENV) or None


def fresh_world(url: str, world: str | None = None):
    """A new PostgreSQL world (schema) for one test: (target for Core.open, a function dropping it)."""
    import uuid

    from shared.storage import pg
    name = world or f"t{uuid.uuid4().hex[:16]}"
    target = f"{url}#{name}"

    def drop() -> None:
        pg.drop_world(url, name)
    return target, drop


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The storage backend of the test: SQLite (a file) or PostgreSQL (a fresh schema of the server
    named by QRPAY_TEST_DATABASE_URL, which scripts/test.sh always starts)."""
    if request.param == "postgres" and not pg_url():
        pytest.skip(f"PostgreSQL backend: {PG_URL_ENV} is not set (scripts/test.sh starts a throwaway cluster "
                    "and sets it; or: eval \"$(scripts/pg_throwaway.sh start)\")")
    return request.param


@pytest.fixture
def db_target(backend, db_path):
    """What Core.open takes for this backend: the SQLite file, or `postgresql://…#WORLD` (dropped after)."""
    if backend == "sqlite":
        yield db_path
        return
    target, drop = fresh_world(pg_url())
    yield target
    drop()


@pytest.fixture
def core(db_target, clock):
    c = Core.open(db_target, clock=clock)
    yield c
    c.close()


def sqlite_only(reason: str):
    """For a test about SQLite itself (its file, header, WAL, PRAGMAs, iterdump): runs on SQLite only."""
    return pytest.mark.parametrize("backend", ["sqlite"], indirect=True, ids=[f"sqlite-only"])


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2id with tiny parameters so tests that register customers stay fast; the production
    default (shared.passwords.DEFAULT_HASHER) is checked in tests/test_passwords.py."""
    from argon2 import PasswordHasher

    from shared import passwords

    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
