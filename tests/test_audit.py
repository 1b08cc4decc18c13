"""The audit chain detects edited, deleted and inserted rows."""
import sqlite3

import pytest

from shared import audit
from shared.audit_events import AuditEvent
from shared.errors import InputError


def _fill(core, n=5):
    with core.db.write() as conn:
        for i in range(n):
            audit.record(conn, at=core.now() + i, event=AuditEvent.LOGIN_FAILED, customer_id=i, attempt=i)


def test_an_untouched_chain_verifies(core):
    _fill(core)
    v = core.audit_verify()
    assert v.ok and v.rows == 5 and v.first_bad_row is None


def _raw(db_path):
    """A plain sqlite3 connection to the file: the attacker who holds it, and who first drops the
    append-only triggers (migration 0013), which the file's owner can always do."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    for name in audit.APPEND_ONLY_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    return conn


def test_an_edited_row_is_detected(core, db_path):
    _fill(core)
    _raw(db_path).execute("UPDATE audit_log SET details = '{\"attempt\":99}' WHERE id = 3")
    v = core.audit_verify()
    assert not v.ok and v.first_bad_row == 3


def test_a_deleted_row_is_detected(core, db_path):
    _fill(core)
    _raw(db_path).execute("DELETE FROM audit_log WHERE id = 2")
    v = core.audit_verify()
    assert not v.ok and v.first_bad_row == 3


def test_deleting_the_newest_rows_is_detected(core, db_path):
    _fill(core)
    _raw(db_path).execute("DELETE FROM audit_log WHERE id >= 4")
    assert not core.audit_verify().ok


def test_an_inserted_row_is_detected(core, db_path):
    _fill(core)
    conn = _raw(db_path)
    row = conn.execute("SELECT * FROM audit_log WHERE id = 2").fetchone()
    conn.execute("INSERT INTO audit_log (id, at, event, severity, customer_id, actor, details, prev_hash, hash) "
                 "VALUES (100, ?, 'forged', 'info', NULL, NULL, '{}', ?, 'abc')", (row[1], row[8]))
    assert not core.audit_verify().ok


def test_secrets_are_refused_in_details(core):
    with pytest.raises(ValueError):
        with core.db.write() as conn:
            audit.record(conn, at=core.now(), event=AuditEvent.LOGIN_FAILED, password="hunter2")


@pytest.mark.parametrize("event", ["lockout", "credential_stuffing", None, 3])
def test_record_takes_only_an_audit_event_and_writes_nothing_else(core, event):
    """A bare name (even a right one) is refused: the names live in one place, shared/audit_events.py."""
    before = core.audit_verify().rows
    with pytest.raises(TypeError):
        with core.db.write() as conn:
            audit.record(conn, at=core.now(), event=event)
    assert core.audit_verify().rows == before
    with pytest.raises(TypeError):
        core.audit_recent(event="lockout")


def test_the_stored_name_is_the_member_value_and_reads_back_as_the_member(core):
    """What is hashed and stored is the plain name (databases written before the enum verify), and a
    reader gets the member back; a name no member has (another version's row) reads back as text."""
    with core.db.write() as conn:
        audit.record(conn, at=core.now(), event=AuditEvent.STUFFING_ALERT, severity="alert", failing_accounts=3)
    with core.db.read() as conn:
        raw = conn.execute("SELECT event FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert raw == "stuffing_alert" and type(raw) is str
    row = core.audit_recent(event=AuditEvent.STUFFING_ALERT)[0]
    assert row.event is AuditEvent.STUFFING_ALERT
    assert core.audit_verify().ok
    future = {"id": 1, "at": 0.0, "event": "some_future_event", "severity": "info", "customer_id": None,
              "actor": None, "details": "{}"}
    assert audit._to_row(future).event == "some_future_event"
    assert {e.value for e in AuditEvent} == {e.value.lower() for e in AuditEvent}      # stored names never change case
    assert len({e.value for e in AuditEvent}) == len(AuditEvent)


def test_the_cli_filters_by_event_name_and_refuses_an_unknown_one(core):
    from shared.audit_events import parse
    assert parse("lockout") is AuditEvent.LOCKOUT
    with pytest.raises(InputError) as e:
        parse("credential_stuffing")
    assert e.value.code == "unknown_event"


# -- the signed head: attacks by someone who holds only the database file -------------------------------
# Each attack is made with a plain sqlite3 connection (what the sqlite3 shell can do, triggers and all),
# then judged by the real `qrpay audit verify` in a subprocess, which must name the failing check.
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from shared import audit_key
from shared.core import Core
from shared.clock import FixedClock

ROOT = Path(__file__).resolve().parents[1]


def qrpay_verify(db_path, *extra):
    p = subprocess.run([sys.executable, "-m", "shared.cli.main", "audit", "verify", "--db", str(db_path), "--json",
                        *extra], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "Traceback" not in p.stderr, p.stderr
    return p.returncode, json.loads(p.stdout)


def failed(out) -> set[str]:
    return {p["check"] for p in out["problems"]}


def _rehash_all(conn):
    """The attacker recomputes every hash from the first row on (the algorithm is public)."""
    prev = audit.GENESIS
    for r in conn.execute("SELECT id, at, event, severity, customer_id, actor, details FROM audit_log ORDER BY id"
                          ).fetchall():
        h = audit._digest(prev, r[1], r[2], r[3], r[4], r[5], r[6])
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, r[0]))
        prev = h
    return prev


def _forge_head(conn, rows, last_hash):
    """Rewrite the stored head to match the log; the old signature is all the attacker has."""
    head = json.loads(conn.execute("SELECT value FROM settings WHERE key = 'audit_head'").fetchone()[0])
    head.update(rows=rows, hash=last_hash)
    conn.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'", (json.dumps(head),))


def test_the_untouched_log_verifies_in_a_subprocess_and_shows_the_key(core, db_path):
    _fill(core)
    core.close()
    rc, out = qrpay_verify(db_path)
    assert rc == 0 and out["ok"] and out["rows"] == 5 and out["problems"] == []
    db_id = sqlite3.connect(db_path).execute("SELECT value FROM settings WHERE key='db_id'").fetchone()[0]
    assert out["key_path"] == str(Path(os.environ["QRPAY_CONFIG_DIR"]) / f"audit-{db_id}.key")
    assert out["signed_head"]["rows"] == 5 and len(out["key_fingerprint"]) == 16


@pytest.fixture
def closed_log(core, db_path):
    """Five rows written and the app closed: a raw connection to the file, what an attacker who
    has the file can do with it."""
    _fill(core)
    core.close()
    return _raw(db_path)


def test_edit_a_row_and_recompute_every_hash(closed_log, db_path):
    c = closed_log
    c.execute("UPDATE audit_log SET details = '{\"attempt\":99}' WHERE id = 2")
    last = _rehash_all(c)
    assert qrpay_verify(db_path)[1]["failed_check"] == "head_hash_differs"     # the chain itself holds now
    _forge_head(c, 5, last)                                                    # and with the head rewritten too
    rc, out = qrpay_verify(db_path)
    assert rc == 1 and out["failed_check"] == "head_signature_invalid"
    assert "chain_broken" not in failed(out)


def test_delete_the_tail_and_rewrite_the_anchor(closed_log, db_path):
    c = closed_log
    c.execute("DELETE FROM audit_log WHERE id >= 4")
    rc, out = qrpay_verify(db_path)
    assert rc == 1 and {"row_count_differs", "rollback"} <= failed(out)
    last = c.execute("SELECT hash FROM audit_log WHERE id = 3").fetchone()[0]
    _forge_head(c, 3, last)
    rc, out = qrpay_verify(db_path)
    assert rc == 1 and out["failed_check"] == "head_signature_invalid"
    assert "rollback" in failed(out)        # the witness outside the file also remembers 5 rows


@pytest.mark.parametrize("settings_wiped, named, also", [
    (("audit_head",), "anchor_missing", "rollback"),               # the witness outside remembers 5 rows
    (("audit_head", "db_id"), "db_id_missing", "anchor_missing"),  # the database id too: named first
], ids=["log+anchor", "log+anchor+db_id"])
def test_wiping_the_log_and_its_anchor_is_named(closed_log, db_path, settings_wiped, named, also):
    closed_log.execute("DELETE FROM audit_log")
    closed_log.executemany("DELETE FROM settings WHERE key = ?", [(k,) for k in settings_wiped])
    rc, out = qrpay_verify(db_path)
    assert rc == 1 and out["failed_check"] == named and also in failed(out)
    assert out["rows"] == 0


def _older_copy(core, db_path, tmp_path, *, rows: int, then: int) -> Path:
    """`rows` rows written and the file copied aside (a consistent, validly signed, older database),
    then `then` more rows written to the live file; returns the copy."""
    _fill(core, rows)
    core.close()
    old = tmp_path / "old.sqlite3"
    shutil.copy(db_path, old)
    core = Core.open(db_path, clock=FixedClock(2_000_000_000))
    _fill(core, then)
    core.close()
    return old


def test_replacing_the_file_with_an_older_copy_is_a_rollback(core, db_path, tmp_path):
    old = _older_copy(core, db_path, tmp_path, rows=3, then=4)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    shutil.copy(old, db_path)                 # a consistent, validly signed, older database
    rc, out = qrpay_verify(db_path)
    assert rc == 1 and out["failed_check"] == "rollback" and out["witness_rows"] == 7 and out["rows"] == 3


def test_a_rollback_on_a_machine_without_the_witness_is_caught_by_the_printed_z_head(core, db_path, tmp_path):
    """With the witness gone (another machine, or the config dir wiped), the paper Z report is the anchor."""
    old = _older_copy(core, db_path, tmp_path, rows=3, then=2)
    old_rows, _ = _head(old)
    printed = "%d:%s" % _head(db_path)                     # what the Z report printed
    for w in Path(os.environ["QRPAY_CONFIG_DIR"]).glob("*.head*"):
        w.unlink()
    assert qrpay_verify(old)[0] == 0                        # alone, the old copy looks fine
    rc, out = qrpay_verify(old, "--against-z", printed)
    assert rc == 1 and out["failed_check"] == "expected_head_mismatch" and old_rows == 3
    assert qrpay_verify(db_path, "--against-z", printed)[0] == 0
    rc, out = qrpay_verify(db_path, "--against-z", "3:" + "ab" * 32)
    assert rc == 1 and out["failed_check"] == "expected_head_mismatch"


def _head(db_path):
    c = sqlite3.connect(db_path)
    h = json.loads(c.execute("SELECT value FROM settings WHERE key='audit_head'").fetchone()[0])
    c.close()
    return h["rows"], h["hash"]


def test_a_missing_key_is_named_and_writes_are_refused(core, db_path):
    _fill(core)
    with core.db.read() as conn:
        key = audit_key.key_path(conn.execute("SELECT value FROM settings WHERE key='db_id'").fetchone()[0])
    moved = key.with_suffix(".away")
    key.rename(moved)
    try:
        rc, out = qrpay_verify(db_path)
        assert rc == 1 and out["failed_check"] == "key_missing" and out["key_path"] == str(key)
        from shared.errors import StorageError
        with pytest.raises(StorageError) as e:
            core.set_policy("2019")
        assert e.value.code == "audit_key_missing"
        assert core.policy.name == "hardened"            # nothing was written
    finally:
        moved.rename(key)
    assert qrpay_verify(db_path)[0] == 0


def test_writes_after_tampering_are_refused_so_the_log_is_never_resigned(core, db_path):
    from shared.errors import StorageError
    _fill(core)
    _raw(db_path).execute("DELETE FROM audit_log WHERE id = 5")
    with pytest.raises(StorageError) as e:
        core.set_policy("2019")
    assert e.value.code == "audit_head_invalid" and core.policy.name == "hardened"
    rc, out = qrpay_verify(db_path)
    assert rc == 1 and out["failed_check"] == "row_count_differs"


def test_adopt_is_explicit_and_leaves_an_alert(core, db_path):
    _fill(core)
    with core.db.read() as conn:
        key = audit_key.key_path(conn.execute("SELECT value FROM settings WHERE key='db_id'").fetchone()[0])
    core.close()
    key.unlink()                                     # the key is lost for good
    p = subprocess.run([sys.executable, "-m", "shared.cli.main", "audit", "adopt", "--yes", "--db", str(db_path),
                        "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    out = json.loads(p.stdout)
    assert p.returncode == 0 and out["found"] == ["key_missing"] and out["ok"] and out["adopted_rows"] == 5
    rc, out = qrpay_verify(db_path)
    assert rc == 0 and out["rows"] == 6
    c = Core.open(db_path)
    alert = c.alerts()[0]
    c.close()
    assert alert.event is AuditEvent.AUDIT_ANCHOR_ADOPTED and alert.details["found"] == ["key_missing"]
    p = subprocess.run([sys.executable, "-m", "shared.cli.main", "audit", "adopt", "--yes", "--db", str(db_path),
                        "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 1 and json.loads(p.stdout)["error"]["code"] == "nothing_to_adopt"


def test_the_key_is_private_and_one_per_database(tmp_path):
    a, b = Core.open(tmp_path / "a.sqlite3"), Core.open(tmp_path / "b.sqlite3")
    ids = []
    for c in (a, b):
        with c.db.read() as conn:
            ids.append(conn.execute("SELECT value FROM settings WHERE key='db_id'").fetchone()[0])
        c.close()
    assert ids[0] != ids[1]
    for db_id in ids:
        path = audit_key.key_path(db_id)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert audit_key.key_path(ids[0]).read_bytes() != audit_key.key_path(ids[1]).read_bytes()
    # the key never lands in the database
    for name in ("a", "b"):
        blob = (tmp_path / f"{name}.sqlite3").read_bytes()
        for db_id in ids:
            assert audit_key.key_path(db_id).read_text().strip().encode() not in blob


def test_a_database_from_before_the_signed_head_is_adopted_with_a_notice(tmp_path):
    """An old demo database (before the audit_anchor migration, unsigned anchor in settings) is upgraded on open: its log is
    adopted, a warning is recorded in it and printed, and from then on it is signed."""
    from shared.storage import db as dbm
    path = tmp_path / "old.sqlite3"
    c = sqlite3.connect(path, isolation_level=None)
    for version, name, sql in dbm.migrations():
        if "audit_anchor" in name:
            break
        for st in dbm.split_sql(sql):
            c.execute(st)
        c.execute(f"PRAGMA user_version = {version}")
    prev = audit.GENESIS
    for i in range(3):
        h = audit._digest(prev, 1.0 + i, "login_failed", "info", None, None, "{}")
        c.execute("INSERT INTO audit_log (at, event, severity, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
                  (1.0 + i, "login_failed", "info", "{}", prev, h))
        prev = h
    c.execute("INSERT INTO settings VALUES ('audit_anchor', ?)", (json.dumps({"hash": prev, "id": 3}),))
    c.close()
    p = subprocess.run([sys.executable, "-m", "shared.cli.main", "audit", "verify", "--db", str(path), "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    out = json.loads(p.stdout)
    assert p.returncode == 0 and out["rows"] == 4, p.stderr
    assert "adopted" in p.stderr and "3 rows" in p.stderr
    core = Core.open(path)
    row = core.audit_recent(event=AuditEvent.AUDIT_LOG_ADOPTED)[0]
    core.close()
    assert row.severity == "warning" and row.details["rows"] == 3 and row.details["chain_intact"] is True
    assert qrpay_verify(path)[0] == 0      # adopted once, not again


def test_parallel_writers_keep_the_head_signed(db_path):
    """Four processes record events at once (BEGIN IMMEDIATE serialises them): the head stays right."""
    Core.open(db_path).close()
    code = ("import sys; from shared.core import Core; from shared import audit\n"
            "from shared.audit_events import AuditEvent\n"
            "c = Core.open(sys.argv[1])\n"
            "for i in range(25):\n"
            "    with c.db.write() as conn: audit.record(conn, at=c.now(), event=AuditEvent.DEMO_SEEDED, n=i)\n"
            "c.close()\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db_path)], cwd=ROOT) for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 4
    rc, out = qrpay_verify(db_path)
    assert rc == 0 and out["rows"] == 100 and out["witness_rows"] == 100


# -- the head check is cached, the witness is written after the lock (issue 15 performance) -------------------
def test_a_forged_head_signature_is_refused_after_the_head_was_checked_and_cached(core):
    """The process remembers heads it verified or signed (one Ed25519 verify less per write); a head changed
    by one signature digit, or replaced by an older genuinely signed head, is still refused."""
    import json as _json

    from shared.errors import StorageError
    from shared.storage import settings_store
    _fill(core, 2)
    _fill(core, 2)                              # the second write found the head in the cache
    with core.db.read() as conn:
        older = settings_store.get(conn, audit.HEAD_KEY)
    _fill(core, 1)
    with core.db.read() as conn:
        head = _json.loads(settings_store.get(conn, audit.HEAD_KEY))
    forged = dict(head, sig=head["sig"][:-1] + ("0" if head["sig"][-1] != "0" else "1"))
    for tampered in (_json.dumps(forged, separators=(",", ":")), older):
        with core.db.write() as conn:           # behind the core's back, as someone with the database would
            settings_store.put(conn, audit.HEAD_KEY, tampered)
        with pytest.raises(StorageError) as e:
            core.set_policy("2019")
        assert e.value.code == "audit_head_invalid" and core.policy.name == "hardened"


def test_threads_of_one_process_leave_the_witness_at_the_head(core):
    """After-commit steps run outside the connection's lock: 8 threads writing at once through one Core never
    move the witness back (it ends at the signed head)."""
    import threading

    from shared.storage import settings_store
    _fill(core, 1)
    errors = []

    def writer(k):
        try:
            for i in range(15):
                with core.db.write() as conn:
                    audit.record(conn, at=core.now(), event=AuditEvent.DEMO_SEEDED, n=k * 100 + i)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    with core.db.read() as conn:
        rows, last = audit.head(conn)
        db_id = settings_store.get(conn, audit.DB_ID_KEY)
    assert rows == 121
    assert audit_key.read_witness(db_id, core.db.connection.db_path) == audit_key.Head(rows, last)


# -- append-only, enforced by the database (SQLite migration 0013; PostgreSQL's baseline) ---------------
def _refused_by_the_database(conn, statement: str) -> None:
    from shared.storage.db import IntegrityError, savepoint
    with pytest.raises(IntegrityError, match="append-only"):
        with savepoint(conn):
            conn.execute(statement)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET details = '{\"attempt\":99}' WHERE id = 2",
    "UPDATE audit_log SET prev_hash = hash",
    "DELETE FROM audit_log WHERE id = 2",
    "DELETE FROM audit_log",
    "UPDATE postings SET amount = amount * 2",
    "DELETE FROM postings",
    "DELETE FROM transfers",
])
def test_the_database_refuses_to_change_or_remove_an_audit_row_or_a_posting(core, statement):
    """The app's own connection, on either backend: no code path, however buggy, rewrites history."""
    from tests.test_check import seed
    _fill(core)
    seed(core)                               # a transfer with postings
    with core.db.read() as conn:
        before = [tuple(r) for r in conn.execute("SELECT * FROM audit_log ORDER BY id")]
        postings = conn.execute("SELECT count(*) FROM postings").fetchone()[0]
    with core.db.write() as conn:
        _refused_by_the_database(conn, statement)
    with core.db.read() as conn:
        assert [tuple(r) for r in conn.execute("SELECT * FROM audit_log ORDER BY id")] == before
        assert conn.execute("SELECT count(*) FROM postings").fetchone()[0] == postings
    assert core.audit_verify().ok


@pytest.mark.sqlite_only("a second, plain sqlite3 connection to the file")
def test_the_sqlite_shell_is_refused_too_until_it_drops_the_guard(core, db_path):
    _fill(core)
    core.close()
    c = sqlite3.connect(db_path, isolation_level=None)
    for statement in ("UPDATE audit_log SET details = '{}' WHERE id = 1", "DELETE FROM audit_log WHERE id >= 4"):
        with pytest.raises(sqlite3.IntegrityError, match="audit log is append-only"):
            c.execute(statement)
    assert c.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 5
    c.close()
