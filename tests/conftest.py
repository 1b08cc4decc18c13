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


@pytest.fixture
def core(db_path, clock):
    c = Core.open(db_path, clock=clock)
    yield c
    c.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2id with tiny parameters so tests that register customers stay fast; the production
    default (shared.passwords.DEFAULT_HASHER) is checked in tests/test_passwords.py."""
    from argon2 import PasswordHasher

    from shared import passwords

    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
