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


# The test files of the payment core run on both backends; the others (GUI, CLI, scanning…) keep
# SQLite, their database being a detail. A test about SQLite itself is marked `sqlite_only`.
PG_MODULES = frozenset({
    "test_ledger", "test_codes", "test_sales", "test_refunds", "test_topups", "test_identity",
    "test_identity_hardening", "test_payments_hardening", "test_staff", "test_reports", "test_audit",
    "test_payments_races", "test_storage_pg", "test_attempt_limits_parallel", "test_concurrent_tills",
    "test_crash_consistency", "test_model_simulation",
})


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): about SQLite itself (file, header, WAL, PRAGMAs); "
                                       "not run on PostgreSQL")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames or metafunc.module.__name__.rsplit(".", 1)[-1] not in PG_MODULES:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") or "db_path" in metafunc.fixturenames:
        return  # a test that asks for the SQLite file works on the file itself
    metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """The storage backend of the test: SQLite (a file) or PostgreSQL (a fresh schema of the server
    named by QRPAY_TEST_DATABASE_URL, which scripts/test.sh always starts)."""
    name = getattr(request, "param", "sqlite")
    if name == "postgres" and not pg_url():
        pytest.skip(f"PostgreSQL backend: {PG_URL_ENV} is not set (scripts/test.sh starts a throwaway cluster "
                    "and sets it; or: eval \"$(scripts/pg_throwaway.sh start)\")")
    return name


@pytest.fixture
def db_target(backend, tmp_path):
    """What Core.open takes for this backend: the SQLite file (the one `db_path` names), or
    `postgresql://…#WORLD` (dropped after). A test that opens the database again uses this."""
    if backend == "sqlite":
        yield tmp_path / "qrpay.sqlite3"
        return
    target, drop = fresh_world(pg_url())
    yield target
    drop()


@pytest.fixture
def core(db_target, clock):
    c = Core.open(db_target, clock=clock)
    yield c
    c.close()


# -- the HTTP service in a thread (tests/service_support.py) --------------------------------------------
@pytest.fixture
def server(tmp_path):
    """The service on a folder of fresh worlds with fixed clocks, served by uvicorn in a thread. The modules
    that run a real `qrpay serve` process (tests/web, test_classroom, …) define their own `server`."""
    from service_support import app_server

    with app_server(tmp_path) as srv:
        yield srv


@pytest.fixture
def client(server):
    """An httpx client of `server`."""
    import httpx

    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c
