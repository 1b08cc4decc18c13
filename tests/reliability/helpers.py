"""Shared pieces of the reliability suite: a demo database with its credentials, a wallet driver
that always has a fresh TOTP step, and an independent checker for half-written records.

The checker reads the tables with its own SQL on purpose: it must not trust the store functions
of the code under test to tell it whether that code left something half-written.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from shared import ledger, totp
from shared.catalog import make_ean13
from shared.checks import run_checks
from shared.clock import FixedClock
from shared.core import Core
from shared.errors import SessionInvalid

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
WORKER = Path(__file__).with_name("worker.py")
T0 = 1_795_600_000.0  # the suite's fixed "now" (tests/conftest.py)

# A few demo items (JAN, price incl. tax, rate) spanning both tax rates.
ITEMS = {
    make_ean13("490120000101"): (150, 8),    # onigiri
    make_ean13("490120000201"): (598, 8),    # bento
    make_ean13("490255500101"): (150, 8),    # green tea
    make_ean13("490333300101"): (218, 10),   # beer
    make_ean13("490333300201"): (498, 10),   # batteries
    make_ean13("490333300209"): (1_100, 10),  # USB-C cable
}
JANS = tuple(ITEMS)
TOPUP_CARD = "4242 4242 4242 4242"
TOPUP_PASSWORD = "harbor-lantern-quartz-77"  # the 2019 preset's separate top-up password


def long_runs() -> bool:
    return os.environ.get("QRPAY_LONG") == "1"


def env_int(name: str, fast: int, long: int) -> int:
    """`$name` if set, else the long figure under QRPAY_LONG=1, else the fast one."""
    value = os.environ.get(name)
    if value:
        return int(value)
    return long if long_runs() else fast


def fast_hasher() -> None:
    """Tiny Argon2id parameters for customers created by the suite (as tests/conftest.py does);
    hashes carry their parameters, so a worker verifies them cheaply too."""
    from argon2 import PasswordHasher

    from shared import passwords
    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("QRPAY_DB", None)
    return env


# -- the demo database ------------------------------------------------------------------------------
def seed_database(path: Path, *, policy: str = "hardened", extra_customers: int = 0, now: float = T0,
                  fund: int = 0) -> dict:
    """seed-demo into `path` (plus `extra_customers` funded with `fund` yen each), under `policy`.
    Returns the seed's credentials with the clock time the seed ended at."""
    from shared.demo_data import seed_demo

    fast_hasher()
    core = Core.open(path, clock=FixedClock(now))
    try:
        demo = seed_demo(core)
        for i in range(extra_customers):
            email = f"till{i:04d}@example.com"
            password = f"racing-tills-{i:04d}-walnut"
            enrolment = core.identity.register(email, f"Racer {i}", password)
            core.identity.confirm_totp(email, totp.totp_code(enrolment.totp_secret, core.now() - 30))
            demo["customers"].append({"customer_id": enrolment.customer_id, "email": email, "name": f"Racer {i}",
                                      "password": password, "totp_secret": enrolment.totp_secret, "balance": 0})
        if fund:
            with core.db.write() as conn:
                for c in demo["customers"]:
                    ledger.transfer(conn, key=f"fund:{c['customer_id']}", kind="seed", at=core.now(),
                                    postings=[(ledger.CARD_CLEARING, -fund),
                                              (ledger.wallet_account(c["customer_id"]), fund)])
                    c["balance"] += fund
        if policy != "hardened":
            core.set_policy(policy, actor="test")
        if policy == "2019":
            driver = Driver(core, demo)
            for i in range(len(demo["customers"])):
                core.topups.set_topup_password(driver.session(i), TOPUP_PASSWORD)
        demo["seeded_until"] = core.now()
    finally:
        core.close()
    return demo


def clerk_of(demo: dict) -> dict:
    return next(s for s in demo["staff"] if s["role"] == "clerk")


def supervisor_of(demo: dict) -> dict:
    return next(s for s in demo["staff"] if s["role"] == "supervisor")


def copy_database(src: Path, dst: Path) -> None:
    """A closed database (WAL checkpointed on close) copied to a new file."""
    shutil.copyfile(src, dst)
    for suffix in ("-wal", "-shm"):
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)


# -- a wallet that always has a fresh second factor -------------------------------------------------------
@dataclass
class Driver:
    """Signs the demo customers in and gives each use of the authenticator a new 30-second step,
    by moving the FixedClock forward to the next step when the current one was used already."""

    core: Core
    demo: dict
    tokens: dict[int, str] = field(default_factory=dict)
    last_step: dict[int, int] = field(default_factory=dict)

    def customer(self, i: int) -> dict:
        return self.demo["customers"][i]

    def fresh_totp(self, i: int) -> str:
        clock = self.core.clock
        assert isinstance(clock, FixedClock)
        # The seed confirmed the enrolment in the step before its end time: count everything up to then as used.
        used = self.last_step.get(i, totp.step_of(self.demo.get("seeded_until", T0)))
        if totp.step_of(clock.now()) <= used:
            clock.set((used + 1) * totp.STEP_SECONDS)
        self.last_step[i] = totp.step_of(clock.now())
        return totp.totp_code(self.customer(i)["totp_secret"], clock.now())

    def sign_in(self, i: int) -> str:
        c = self.customer(i)
        needs = self.core.policy.require_totp_login
        s = self.core.identity.sign_in(c["email"], c["password"], totp=self.fresh_totp(i) if needs else None)
        self.tokens[i] = s.token
        return s.token

    def session(self, i: int) -> str:
        token = self.tokens.get(i)
        if token is not None:
            try:
                self.core.identity.session(token)
                return token
            except SessionInvalid:
                pass
        return self.sign_in(i)

    def issue(self, i: int, **kw):
        """A payment code for customer i (signing in first when needed)."""
        token = self.session(i)
        if self.core.policy.code_requires_step_up and not self.core.identity.has_recent_step_up(token):
            return self.core.codes.issue(token, totp=self.fresh_totp(i), **kw)
        return self.core.codes.issue(token, **kw)

    def top_up(self, i: int, amount: int, *, idempotency_key: str | None = None):
        token = self.session(i)
        if self.core.policy.topup_requires_totp:
            return self.core.topups.top_up(token, amount, TOPUP_CARD, totp=self.fresh_totp(i),
                                           idempotency_key=idempotency_key)
        return self.core.topups.top_up(token, amount, TOPUP_CARD, topup_password=TOPUP_PASSWORD,
                                       idempotency_key=idempotency_key)


# -- checks ---------------------------------------------------------------------------------------------
class _PgRaw:
    """The checker's own PostgreSQL connection (psycopg, the world's schema): the same SQL texts with
    `?` placeholders, rows read by position or name. PostgreSQL has no PRAGMA integrity_check (it
    checks its pages itself), so that one answers "ok"."""

    def __init__(self, target: str) -> None:
        import psycopg

        from shared.storage import pg, pg_connection
        url, world = pg.split_target(target)
        self._c = psycopg.connect(url, autocommit=True, options=f"-c search_path={pg.world_schema(world)}")
        self._rows = pg_connection._row_factory

    def execute(self, sql: str, params=()):
        if sql.strip().upper().startswith("PRAGMA INTEGRITY_CHECK"):
            return iter([("ok",)])
        if "sqlite_master" in sql:
            sql = ("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() "
                   "AND tablename NOT LIKE 'qrpay_%' ORDER BY tablename")
        cur = self._c.cursor(row_factory=self._rows)
        cur.execute(sql.replace("?", "%s"), tuple(params) or None)
        return cur

    def close(self) -> None:
        self._c.close()


def raw_connection(path) -> sqlite3.Connection:
    if str(path).startswith("postgresql://"):
        return _PgRaw(str(path))  # type: ignore[return-value]
    c = sqlite3.connect(str(path), isolation_level=None)
    c.row_factory = sqlite3.Row
    return c


def half_written(path: Path) -> list[str]:
    """Every sale, refund and top-up must be complete: its lines and tax rows, a balanced transfer
    moving exactly its total, and (for a sale) the code redemption. One sentence per problem."""
    problems: list[str] = []
    c = raw_connection(path)
    try:
        integrity = [r[0] for r in c.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")

        def transfer_problems(what: str, transfer_id: int, account: str, amount: int) -> None:
            t = c.execute("SELECT * FROM transfers WHERE id = ?", (transfer_id,)).fetchone()
            if t is None:
                problems.append(f"{what}: its transfer #{transfer_id} is missing")
                return
            ps = c.execute("SELECT account, amount FROM postings WHERE transfer_id = ?", (transfer_id,)).fetchall()
            if len(ps) < 2 or sum(p["amount"] for p in ps) != 0:
                problems.append(f"{what}: transfer #{transfer_id} has {len(ps)} postings summing to "
                                f"{sum(p['amount'] for p in ps)}")
            moved = sum(p["amount"] for p in ps if p["account"] == account)
            if moved != amount:
                problems.append(f"{what}: moved {moved} on {account}, expected {amount}")

        for s in c.execute("SELECT * FROM sales").fetchall():
            what = f"sale {s['id']}"
            lines = c.execute("SELECT * FROM sale_lines WHERE sale_id = ?", (s["id"],)).fetchall()
            taxes = c.execute("SELECT * FROM sale_taxes WHERE sale_id = ?", (s["id"],)).fetchall()
            if not lines:
                problems.append(f"{what}: no lines")
            if sum(l["amount"] for l in lines) != s["total"]:
                problems.append(f"{what}: lines sum to {sum(l['amount'] for l in lines)}, total {s['total']}")
            if sorted(t["rate"] for t in taxes) != sorted({l["tax_rate"] for l in lines}):
                problems.append(f"{what}: tax rows {[t['rate'] for t in taxes]} do not match its lines")
            if sum(t["taxable_incl"] for t in taxes) != s["total"]:
                problems.append(f"{what}: taxable amounts do not add up to the total")
            transfer_problems(what, s["transfer_id"], ledger.wallet_account(s["customer_id"]), -s["total"])
            key = c.execute("SELECT key FROM transfers WHERE id = ?", (s["transfer_id"],)).fetchone()
            if key is None or key["key"] != f"sale:{s['id']}":
                problems.append(f"{what}: its transfer is not keyed sale:{s['id']}")
            red = c.execute("SELECT count(*) FROM code_redemptions WHERE nonce = ? AND sale_id = ?",
                            (s["code_nonce"], s["id"])).fetchone()[0]
            if red != 1:
                problems.append(f"{what}: {red} redemptions of its code")
        for r in c.execute("SELECT * FROM refunds").fetchall():
            what = f"refund {r['id']}"
            lines = c.execute("SELECT * FROM refund_lines WHERE refund_id = ?", (r["id"],)).fetchall()
            if not lines or sum(l["amount"] for l in lines) != r["total"]:
                problems.append(f"{what}: lines missing or not adding up to {r['total']}")
            if not c.execute("SELECT 1 FROM refund_taxes WHERE refund_id = ?", (r["id"],)).fetchone():
                problems.append(f"{what}: no tax rows")
            transfer_problems(what, r["transfer_id"], ledger.wallet_account(r["customer_id"]), r["total"])
        for t in c.execute("SELECT * FROM topups").fetchall():
            transfer_problems(f"top-up #{t['id']}", t["transfer_id"], ledger.wallet_account(t["customer_id"]),
                              t["amount"])
        # A sale's or refund's transfer without its record is a half-written sale too.
        for t in c.execute("SELECT * FROM transfers WHERE kind IN ('payment', 'refund', 'topup')").fetchall():
            table = {"payment": "sales", "refund": "refunds", "topup": "topups"}[t["kind"]]
            if not c.execute(f"SELECT 1 FROM {table} WHERE transfer_id = ?", (t["id"],)).fetchone():
                problems.append(f"transfer #{t['id']} ({t['key']}) has no {table} row")
        paid_twice = c.execute("SELECT nonce, count(*) AS n FROM code_redemptions r JOIN payment_codes p USING (nonce) "
                               "WHERE p.single_use = 1 GROUP BY nonce HAVING count(*) > 1").fetchall()
        for r in paid_twice:
            problems.append(f"code {r['nonce'][:8]}… single use but redeemed {r['n']} times")
    finally:
        c.close()
    return problems


def all_problems(path: Path) -> list[str]:
    """The core's own `qrpay check` plus the independent half-written check."""
    core = Core.open(path, clock=FixedClock(T0))
    try:
        found = run_checks(core)
    finally:
        core.close()
    return found + half_written(path)


def table_counts(path: Path) -> dict[str, int]:
    c = raw_connection(path)
    try:
        names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {n: c.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        c.close()


def wallet_balances(path: Path) -> dict[str, int]:
    c = raw_connection(path)
    try:
        return {r["account"]: r["balance"] for r in c.execute("SELECT account, balance FROM balances")}
    finally:
        c.close()


def dump_json(obj, path: Path) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
