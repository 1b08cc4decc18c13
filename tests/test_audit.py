"""The audit chain detects edited, deleted and inserted rows."""
import sqlite3

import pytest

from shared import audit


def _fill(core, n=5):
    with core.db.write() as conn:
        for i in range(n):
            audit.record(conn, at=core.now() + i, event="login_failed", customer_id=i, attempt=i)


def test_an_untouched_chain_verifies(core):
    _fill(core)
    v = core.audit_verify()
    assert v.ok and v.rows == 5 and v.first_bad_row is None


def _raw(db_path):
    return sqlite3.connect(db_path, isolation_level=None)


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
            audit.record(conn, at=core.now(), event="x", password="hunter2")
