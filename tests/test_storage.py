"""The storage layer: settings, migrations, refusal of foreign and newer files."""
import sqlite3

import pytest

from shared.errors import StorageError
from shared.storage.db import Database, schema_version


def test_fresh_database_has_wal_full_sync_and_foreign_keys(db_path):
    db = Database(db_path)
    conn = db.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.user_version() == schema_version()
    db.close()


def test_reopening_is_idempotent(db_path):
    Database(db_path).close()
    db = Database(db_path)
    assert db.user_version() == schema_version()
    db.close()


@pytest.mark.parametrize("content", [b"not a database at all\n" * 10, b"\x00" * 4096, b"SQLite format 2\x00" + b"x" * 100])
def test_a_foreign_file_is_refused_and_left_byte_identical(tmp_path, content):
    path = tmp_path / "foreign.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StorageError) as e:
        Database(path)
    assert e.value.code == "not_a_database"
    assert path.read_bytes() == content


def test_a_corrupt_database_is_refused_and_left_byte_identical(tmp_path):
    path = tmp_path / "corrupt.sqlite3"
    Database(path).close()
    data = bytearray(path.read_bytes())
    data[16:100] = b"\xff" * 84  # smash the header fields after the magic string
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StorageError):
        Database(path)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused_untouched(db_path):
    Database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {schema_version() + 5}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StorageError) as e:
        Database(db_path)
    assert e.value.code == "newer_schema"
    assert db_path.read_bytes() == before


def test_a_failed_write_rolls_back_everything(db_path):
    db = Database(db_path)
    with pytest.raises(RuntimeError):
        with db.write() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM settings WHERE key='a'").fetchone()[0] == 0
    db.close()
