"""`qrpay serve --database URL`: the worlds of a classroom as schemas of one PostgreSQL server.

The same checks as the SQLite worlds (tests/test_service_api.py: isolation, create/list/reset/delete),
run against a PgWorldStore on a database of its own, created for the test and dropped after it, and the
command line's choice between --db and --database."""
from __future__ import annotations

import secrets

import httpx
import pytest

from conftest import pg_url
from service_support import ADMIN, ServerThread, Shop, T0
from shared.clock import FixedClock
from shared.errors import InputError
from shared.service.app import Limits, create_app
from shared.service.worlds import PgWorldStore
from shared.storage import pg

pytestmark = pytest.mark.skipif(not pg_url(), reason="PostgreSQL: QRPAY_TEST_DATABASE_URL is not set "
                                "(scripts/test.sh starts a throwaway cluster)")


@pytest.fixture
def pg_database():
    """A database of its own: the worlds' schema names (world_default…) would otherwise meet other tests'."""
    import psycopg
    base = pg_url()
    name = f"qrpay_worlds_{secrets.token_hex(4)}"
    with psycopg.connect(base, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(base, autocommit=True) as c:
        c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def client(pg_database):
    store = PgWorldStore(pg_database, clock_factory=lambda: FixedClock(T0))
    app = create_app(store, ADMIN, limits=Limits(per_address=100_000, per_account=100_000))
    with ServerThread(app) as srv, httpx.Client(base_url=srv.url, timeout=60) as c:
        yield c
    store.close()


@pytest.fixture
def shop(client):
    return Shop(client)


def test_postgresql_worlds_are_isolated(client, shop, pg_database):
    from test_service_api import test_worlds_are_isolated
    test_worlds_are_isolated(client, shop)
    assert pg.list_worlds(pg_database) == ["b", "default"]   # two schemas on the one server


def test_postgresql_world_create_list_reset_delete(client, shop, pg_database):
    from test_service_api import test_world_create_list_reset_delete
    test_world_create_list_reset_delete(client, shop)
    assert pg.list_worlds(pg_database) == ["default"]        # team-1's schema is gone from the server


def test_a_world_survives_the_server_and_a_second_server_sees_it(pg_database):
    first = PgWorldStore(pg_database, clock_factory=lambda: FixedClock(T0))
    first.create("team-1").set_policy("2019")
    first.close()
    second = PgWorldStore(pg_database)
    try:
        assert second.names() == ["default", "team-1"]
        assert second.get("team-1").policy.name == "2019" and second.get("default").policy.name == "hardened"
    finally:
        second.close()


@pytest.mark.parametrize("argv", [["--database", "sqlite:///x"], ["--database", "postgresql://u@h/db", "--db", "x.sqlite3"]])
def test_serve_takes_a_postgresql_url_or_a_file_not_both(argv, tmp_path):
    import argparse

    from shared.cli.serve_cmds import world_store
    ns = argparse.Namespace(database=None, db=None, worlds=None)
    it = iter(argv)
    for flag in it:
        setattr(ns, flag.lstrip("-"), next(it))
    with pytest.raises(InputError):
        world_store(ns)
