"""Bad storage: a file that is not a database, a damaged or truncated database, a read-only
database, a full disk, a database from a newer qrpay-sim. Each gives a clear StorageError (exit 1
from `qrpay`, no traceback), and no data is lost: the file is left as it was, or, for a full disk,
every refused payment left nothing behind and everything committed before is intact.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from shared import ledger
from shared.checks import run_checks
from shared.cli.main import main
from shared.clock import FixedClock, to_iso
from shared.core import Core
from shared.errors import QrpayError, StorageError
from shared.storage import db as db_module

from .helpers import JANS, Driver, all_problems, clerk_of, copy_database, half_written, seed_database


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("storage") / "template.sqlite3"
    demo = seed_database(path, fund=100_000)
    return path, demo


@pytest.fixture
def seeded(template, tmp_path):
    src, demo = template
    db = tmp_path / "qrpay.sqlite3"
    copy_database(src, db)
    return db, demo


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(argv: list[str], monkeypatch, capsys, stdin: str = "") -> tuple[int, dict | None, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    rc = main(argv + ["--json"])  # an unexpected exception fails the test with its traceback
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return rc, (json.loads(out.out) if out.out.strip() else None), out.err


def refused_clearly(rc: int, out: dict | None, code: str | None = None) -> str:
    assert rc == 1, out
    err = out["error"]
    assert err["message"] and len(err["message"]) < 400
    if code is not None:
        assert err["code"] == code, err
    return err["message"]


# -- not a database --------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"hello, this is a text file\n" * 50, os.urandom(8192), b"\x00" * 4096,
                                     b"SQLite format 2\x00" + b"\x00" * 4080])
def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path, monkeypatch, capsys, content):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StorageError) as e:
        Core.open(path)
    assert e.value.code == "not_a_database"
    for argv in (["check"], ["init"], ["catalog", "list"], ["seed-demo"]):
        rc, out, _ = cli(argv + ["--db", str(path)], monkeypatch, capsys)
        refused_clearly(rc, out, "not_a_database")
    assert path.read_bytes() == content
    assert not Path(str(path) + "-wal").exists()


def test_a_folder_where_the_database_should_be(tmp_path, monkeypatch, capsys):
    rc, out, _ = cli(["check", "--db", str(tmp_path)], monkeypatch, capsys)
    refused_clearly(rc, out, "not_a_database")


# -- damaged ---------------------------------------------------------------------------------------------
def _damage(path: Path, *, start_page: int, pages: int, seed: int) -> None:
    import random
    rng = random.Random(seed)
    with open(path, "r+b") as f:
        page_size = int.from_bytes(open(path, "rb").read(18)[16:18], "big")
        for p in range(start_page, start_page + pages):
            f.seek(p * page_size)
            f.write(bytes(rng.randrange(256) for _ in range(page_size)))


@pytest.mark.parametrize("where", [0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0, "most"])
def test_a_damaged_database_gives_a_clear_error_everywhere(seeded, monkeypatch, capsys, where):
    """One page overwritten with noise (somewhere in the tables), or nearly all of them."""
    db, demo = seeded
    pages = db.stat().st_size // 4096
    if where == "most":
        _damage(db, start_page=2, pages=pages - 3, seed=8)  # keep the header page
    else:
        _damage(db, start_page=2 + int(where * (pages - 3)), pages=1, seed=int(where * 100))
    before = digest(db)
    rc, out, _ = cli(["check", "--db", str(db)], monkeypatch, capsys)
    refused_clearly(rc, out)  # `qrpay check` finds it and says so instead of crashing
    commands = [["catalog", "list"], ["customer", "list"], ["audit", "verify"], ["receipt", "T1-000001"],
                ["journal", "--terminal", "T1", "--date", "2026-11-25"], ["quote", "--items", f"{JANS[0]}:1"],
                ["staff", "list"], ["policy", "show"], ["audit", "list", "--limit", "10000"],
                ["customer", "show", "--email", demo["customers"][0]["email"]]]
    for argv in commands:
        rc, out, _ = cli(argv + ["--db", str(db)], monkeypatch, capsys)
        if rc != 0:  # a page the command did not need may be intact; otherwise a clear refusal
            refused_clearly(rc, out)
    rc, out, _ = cli(["staff", "add", "--name", "Late Shift", "--role", "clerk", "--pin-stdin", "--db", str(db)],
                     monkeypatch, capsys, stdin="402918\n")
    if rc != 0:
        refused_clearly(rc, out)
    else:  # the write found intact pages; it must not have made the damage worse for what was there
        before = digest(db)
    # nothing tried to "repair" (overwrite) the evidence: the damaged file is as it was
    assert digest(db) == before


def test_a_truncated_database_is_refused_and_left_as_it_is(seeded, monkeypatch, capsys):
    db, _ = seeded
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    before = digest(db)
    rc, out, _ = cli(["check", "--db", str(db)], monkeypatch, capsys)
    assert rc == 1
    for argv in (["catalog", "list"], ["customer", "list"], ["audit", "verify"]):
        rc, out, _ = cli(argv + ["--db", str(db)], monkeypatch, capsys)
        if rc != 0:
            refused_clearly(rc, out)
    assert digest(db) == before


# -- newer schema -----------------------------------------------------------------------------------------
def test_a_database_from_a_newer_qrpay_is_not_touched(seeded, monkeypatch, capsys):
    db, _ = seeded
    c = sqlite3.connect(db)
    c.execute(f"PRAGMA user_version = {db_module.schema_version() + 1}")
    c.close()
    before = digest(db)
    with pytest.raises(StorageError) as e:
        Core.open(db)
    assert e.value.code == "newer_schema" and "update qrpay-sim" in e.value.message
    for argv in (["check"], ["init"], ["catalog", "list"]):
        rc, out, _ = cli(argv + ["--db", str(db)], monkeypatch, capsys)
        refused_clearly(rc, out, "newer_schema")
    assert digest(db) == before


# -- read-only ---------------------------------------------------------------------------------------------
def _pay(core: Core, demo: dict, driver: Driver, sale_id: str):
    code = driver.issue(0)
    return core.sales.pay(terminal_id="T1", clerk_id=clerk_of(demo)["id"], code=code.text, lines=[(JANS[1], 1)],
                          sale_id=sale_id)


def test_a_read_only_database_refuses_writes_and_keeps_its_data(seeded):
    """Injected: SQLite's query_only makes every write fail as on a read-only file (the suite runs as
    root in CI, where file permissions do not stop writes; the real chmod case is below)."""
    db, demo = seeded
    core = Core.open(db, clock=FixedClock(demo["seeded_until"] + 60))
    try:
        driver = Driver(core, demo)
        code = driver.issue(0)
        balance = core.wallet.balance(demo["customers"][0]["customer_id"])
        core.db.connection.execute("PRAGMA query_only = ON")
        with pytest.raises(StorageError) as e:
            core.sales.pay(terminal_id="T1", clerk_id=clerk_of(demo)["id"], code=code.text, lines=[(JANS[1], 1)],
                           sale_id="ro-1")
        assert e.value.code == "db_readonly" and "nothing was saved" in e.value.message
        assert core.wallet.balance(demo["customers"][0]["customer_id"]) == balance  # reads still work
        core.db.connection.execute("PRAGMA query_only = OFF")
        sale = core.sales.pay(terminal_id="T1", clerk_id=clerk_of(demo)["id"], code=code.text, lines=[(JANS[1], 1)],
                              sale_id="ro-1")
        assert core.wallet.balance(demo["customers"][0]["customer_id"]) == balance - sale.total
    finally:
        core.close()
    assert all_problems(db) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions; the injected read-only test covers it")
def test_a_read_only_directory(seeded, monkeypatch, capsys):
    db, _ = seeded
    before = digest(db)
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        rc, out, _ = cli(["catalog", "list", "--db", str(db)], monkeypatch, capsys)
        if rc != 0:
            refused_clearly(rc, out)
        rc, out, _ = cli(["policy", "set", "2019", "--db", str(db)], monkeypatch, capsys)
        refused_clearly(rc, out)
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)
    assert digest(db) == before


# -- disk full ---------------------------------------------------------------------------------------------
def test_a_full_disk_refuses_cleanly_and_loses_nothing(seeded):
    """SQLite's max_page_count turns growth into "database or disk is full", as a real full disk does."""
    db, demo = seeded
    core = Core.open(db, clock=FixedClock(demo["seeded_until"] + 60))
    cid = demo["customers"][0]["customer_id"]
    try:
        driver = Driver(core, demo)
        pages = core.db.connection.execute("PRAGMA page_count").fetchone()[0]
        core.db.connection.execute(f"PRAGMA max_page_count = {pages}")
        paid, refused = [], []
        for k in range(400):
            core.clock.advance(700)  # past the velocity window, so only the disk can refuse
            try:
                paid.append(_pay(core, demo, driver, f"full-{k}").total)
            except StorageError as e:
                assert e.code == "disk_full" and "nothing was saved" in e.message, (e.code, e.message)
                refused.append(f"full-{k}")
                if len(refused) >= 5:
                    break
        assert refused, "the page limit never bit: the test did not fill the disk"
        assert core.wallet.balance(cid) == 100_000 + 20_000 - sum(paid)
        with core.db.read() as conn:
            from shared.storage import sales_store
            for sale_id in refused:
                assert sales_store.sale(conn, sale_id) is None
                assert ledger.get(conn, key=f"sale:{sale_id}") is None
    finally:
        core.close()
    assert all_problems(db) == []
    # room again: the till carries on
    core = Core.open(db, clock=FixedClock(demo["seeded_until"] + 60 + 700 * 500))
    try:
        sale = _pay(core, demo, Driver(core, demo), "after-full")
        assert sale.total > 0 and run_checks(core) == []
    finally:
        core.close()


def test_a_full_disk_through_the_command_line(seeded, monkeypatch, capsys):
    db, demo = seeded
    original = db_module.Database.__init__

    def tiny_disk(self, *a, **kw):
        original(self, *a, **kw)
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        self._conn.execute(f"PRAGMA max_page_count = {pages}")
    monkeypatch.setattr(db_module.Database, "__init__", tiny_disk)
    now = to_iso(demo["seeded_until"] + 60)
    email = "newcomer@example.com"
    found_full = False
    for k in range(200):
        rc, out, _ = cli(["customer", "add", "--email", f"n{k}-{email}", "--name", "X" * 100, "--password-stdin",
                          "--db", str(db), "--now", now], monkeypatch, capsys, stdin="plum-garnet-velvet-tide-42\n")
        if rc == 1:
            refused_clearly(rc, out, "disk_full")
            found_full = True
            break
        assert rc == 0, out
    assert found_full, "the page limit never bit"
    monkeypatch.undo()
    assert all_problems(db) == [] and half_written(db) == []
