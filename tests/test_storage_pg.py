"""PostgreSQL storage: the guarantees the database itself gives, attacked directly with SQL from a
connection of its own (not through the core), and the two schema histories kept equal.

Runs only where QRPAY_TEST_DATABASE_URL names a server (scripts/test.sh starts a throwaway one).
"""
from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from shared import ledger
from shared.clock import FixedClock
from shared.core import Core
from shared.demo_data import seed_demo
from shared.errors import QrpayError, StorageError
from shared.storage import db as sqlite_db
from shared.storage import pg, pg_connection

from conftest import T0, fresh_world, pg_url

pytestmark = pytest.mark.skipif(not pg_url(), reason="PostgreSQL: QRPAY_TEST_DATABASE_URL is not set "
                                                      "(scripts/test.sh sets it)")


@pytest.fixture
def world():
    target, drop = fresh_world(pg_url())
    yield target
    drop()


@pytest.fixture
def pg_core(world):
    c = Core.open(world, clock=FixedClock(T0))
    yield c
    c.close()


def _raw(world: str):
    """A plain psycopg connection into the world's schema: the attacker with SQL access."""
    import psycopg
    url, name = pg.split_target(world)
    return psycopg.connect(url, autocommit=True, options=f"-c search_path=\"{pg.world_schema(name)}\"")


def _paid_world(core: Core):
    """The demo shop, a signed-in customer, a sale paid with a code: rows in every append-only table."""
    from tests.test_sales import TEA, Wallets, clerk
    demo = seed_demo(core)
    w = Wallets(core, demo)
    code = w.code(0)
    sale = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)], sale_id="s-1")
    return demo, w, code, sale


# -- append-only, enforced by the database ------------------------------------------------------------
@pytest.mark.parametrize("statement", [
    "UPDATE postings SET amount = amount * 2",
    "DELETE FROM postings",
    "UPDATE transfers SET memo = 'x'",
    "DELETE FROM transfers",
    "TRUNCATE postings CASCADE",
    "UPDATE audit_log SET details = '{}'",
    "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
    "TRUNCATE audit_log",
    "UPDATE sales SET total = 1",
    "DELETE FROM sale_lines",
    "UPDATE sale_taxes SET tax = 0",
    "TRUNCATE sales CASCADE",
])
def test_the_ledger_and_the_audit_log_refuse_update_and_delete(pg_core, world, statement):
    import psycopg
    _paid_world(pg_core)
    with _raw(world) as raw:
        counts = {t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("postings", "transfers", "audit_log", "sales", "sale_lines", "topups")}
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="cannot|append-only"):
            raw.execute(statement)
        assert {t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts} == counts
    assert pg_core.audit_verify().ok
    with pg_core.db.read() as conn:
        assert ledger.check(conn) == []


def test_a_negative_wallet_and_a_fractional_yen_are_refused_by_the_database(pg_core, world):
    import psycopg
    _, w, _, _ = _paid_world(pg_core)
    with _raw(world) as raw:
        with pytest.raises(psycopg.errors.CheckViolation):
            raw.execute("UPDATE balances SET balance = -1 WHERE account = %s",
                        (ledger.wallet_account(w.customer(0)["customer_id"]),))
        with pytest.raises(psycopg.errors.CheckViolation):
            raw.execute("INSERT INTO postings (transfer_id, account, amount) VALUES (1, 'store:1', 1.5)")


def test_a_second_redemption_row_of_a_single_use_code_is_refused_by_the_constraint(pg_core, world):
    import psycopg
    _, _, code, _ = _paid_world(pg_core)
    with _raw(world) as raw:
        code_id = raw.execute("SELECT id FROM payment_codes WHERE nonce = %s", (code.nonce,)).fetchone()[0]
        with pytest.raises(psycopg.errors.UniqueViolation):
            raw.execute("INSERT INTO code_redemptions (code_id, nonce, sale_id, redeemed_at, amount, single_use_slot) "
                        "VALUES (%s, %s, 's-2', 0, 100, %s)", (code_id, code.nonce, code.nonce))
        assert raw.execute("SELECT count(*) FROM code_redemptions WHERE nonce = %s",
                           (code.nonce,)).fetchone()[0] == 1


# -- concurrent payments on one code from real processes ------------------------------------------------
def _pay_in_process(target, now, text, clerk_id, sale_id, barrier, results):
    from tests.test_sales import TEA
    core = Core.open(target, clock=FixedClock(now))
    try:
        barrier.wait(timeout=60)
        try:
            core.sales.pay(terminal_id="T1", clerk_id=clerk_id, code=text, lines=[(TEA, 1)], sale_id=sale_id)
            results.put((sale_id, "ok"))
        except QrpayError as e:
            results.put((sale_id, e.code))
    finally:
        core.close()


def test_six_processes_paying_with_one_code_make_exactly_one_sale(pg_core, world):
    from tests.test_sales import Wallets, clerk
    demo = seed_demo(pg_core)
    w = Wallets(pg_core, demo)
    code = w.code(0)
    before = w.balance(0)
    ctx = multiprocessing.get_context("spawn")
    n = 6
    barrier, results = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_pay_in_process, args=(world, pg_core.now(), code.text, clerk(demo), f"race-{i}",
                                                       barrier, results))
             for i in range(n)]
    for p in procs:
        p.start()
    outcomes = sorted(o for _, o in (results.get(timeout=120) for _ in procs))
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert outcomes == ["ok"] + ["replayed"] * (n - 1), outcomes
    assert w.balance(0) == before - 150
    with pg_core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM code_redemptions WHERE nonce = ?", (code.nonce,)).fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM sales WHERE code_nonce = ?", (code.nonce,)).fetchone()[0] == 1
        assert ledger.check(conn) == []


# -- worlds ---------------------------------------------------------------------------------------------
def test_two_worlds_share_nothing():
    url = pg_url()
    a, drop_a = fresh_world(url)
    b, drop_b = fresh_world(url)
    try:
        ca, cb = Core.open(a, clock=FixedClock(T0)), Core.open(b, clock=FixedClock(T0))
        try:
            ca.set_policy("2019")
            assert ca.policy.name == "2019" and cb.policy.name == "hardened"
            assert ca.audit_recent() and not cb.audit_recent()
            with ca.db.read() as x, cb.db.read() as y:
                assert x.execute("SELECT value FROM settings WHERE key = 'db_id'").fetchone()[0] != \
                    y.execute("SELECT value FROM settings WHERE key = 'db_id'").fetchone()[0]
        finally:
            ca.close(), cb.close()
        names = pg.list_worlds(url)
        assert pg.split_target(a)[1] in names and pg.split_target(b)[1] in names
    finally:
        drop_a(), drop_b()
    assert pg.split_target(a)[1] not in pg.list_worlds(url)


@pytest.mark.parametrize("name", ["", "A", "-ab", "_ab", "ab\n", "a b", "a\"b", "x" * 41, "public; drop", None, 5])
def test_a_bad_world_name_is_refused_before_anything_is_created(name):
    with pytest.raises(QrpayError) as e:
        Core.open(pg_url(), world=name) if name is not None else pg.world_schema(name)
    assert e.value.code == "bad_world_name"


def test_a_server_that_is_gone_is_a_clean_storage_error():
    with pytest.raises(StorageError) as e:
        Core.open("postgresql://postgres@127.0.0.1:1/nowhere#w")
    assert e.value.code == "db_unavailable"


def test_a_dropped_connection_fails_the_transaction_and_the_next_one_reconnects(pg_core, world):
    """A server restart looks like this to the client: the session is killed between transactions,
    or in the middle of one (then nothing of it is committed)."""
    pg_core.set_policy("2019")
    with _raw(world) as raw:
        pid = pg_core.db.connection.raw.info.backend_pid
        raw.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(StorageError) as e:
        with pg_core.db.write() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('lost', 'x')")
    assert e.value.code == "db_unavailable"
    assert pg_core.policy.name == "2019"  # the next transaction reconnected
    with pytest.raises(StorageError) as e:
        with pg_core.db.write() as conn:   # in the middle of a transaction: nothing of it stays
            conn.execute("INSERT INTO settings (key, value) VALUES ('half', 'x')")
            with _raw(world) as raw:
                raw.execute("SELECT pg_terminate_backend(%s)", (conn.raw.info.backend_pid,))
            conn.execute("INSERT INTO settings (key, value) VALUES ('half2', 'x')")
    assert e.value.code == "db_unavailable"
    with pg_core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM settings WHERE key IN ('lost', 'half', 'half2')").fetchone()[0] == 0


# -- one schema history for both dialects -----------------------------------------------------------------
def _sqlite_columns(tmp_path) -> dict[str, list[str]]:
    d = sqlite_db.Database(tmp_path / "schema.sqlite3")
    try:
        conn = d.connection
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%'")]
        return {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        d.close()


def test_the_postgresql_schema_has_every_table_and_column_of_the_sqlite_one(pg_core, world, tmp_path):
    assert max(v for v, _, _ in pg.pg_migrations()) == sqlite_db.schema_version()
    assert pg_core.db.user_version() == sqlite_db.schema_version()
    lite = _sqlite_columns(tmp_path)
    with _raw(world) as raw:
        schema = pg.world_schema(pg.split_target(world)[1])
        cols: dict[str, list[str]] = {}
        for t, c in raw.execute("SELECT table_name, column_name FROM information_schema.columns "
                                "WHERE table_schema = %s ORDER BY table_name, ordinal_position", (schema,)):
            cols.setdefault(t, []).append(c)
        triggers = {r[0] for r in raw.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s", (schema,))}
    extra = {"qrpay_schema", "qrpay_changes"}
    assert set(cols) - extra == set(lite)
    for t, names in lite.items():  # same columns in the same order (SELECT * reads them by position too)
        assert cols[t][:len(names)] == names, t
        assert set(cols[t][len(names):]) <= {"seq"}, t
    d = sqlite_db.Database(tmp_path / "schema.sqlite3")
    try:
        lite_triggers = {r[0] for r in d.connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        d.close()
    assert lite_triggers <= triggers
    assert {"audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate"} <= triggers


def test_the_sql_translation_keeps_literals_and_returns_ids():
    text, returning = pg_connection._translate("INSERT INTO postings (transfer_id, account, amount) VALUES (?, '?%', ?)")
    assert text == "INSERT INTO postings (transfer_id, account, amount) VALUES (%s, '?%%', %s) RETURNING id"
    assert returning
    text, returning = pg_connection._translate("INSERT OR IGNORE INTO challenge_progress (challenge_id) VALUES (?)")
    assert text.endswith("ON CONFLICT DO NOTHING") and not returning


def test_a_constraint_violation_is_the_integrity_error_the_services_catch(pg_core):
    with pytest.raises(sqlite3.IntegrityError):
        with pg_core.db.write() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")
            conn.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")
    with pg_core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM settings WHERE key = 'k'").fetchone()[0] == 0
