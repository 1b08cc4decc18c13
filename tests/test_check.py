"""`qrpay check`: a clean database passes; each kind of tampering is found and exits 1."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from shared import checks, ledger
from shared.cli.main import main
from shared.clock import FixedClock
from shared.core import Core

W1 = ledger.wallet_account(1)


def seed(core):
    with core.db.write() as conn:
        ledger.transfer(conn, key="t1", kind="topup", at=core.now(),
                        postings=[(ledger.CARD_CLEARING, -5000), (W1, 5000)], customer_id=1)
        ledger.transfer(conn, key="s1", kind="payment", at=core.now(),
                        postings=[(W1, -1200), ("store:1", 1200)], customer_id=1, sale_id="S-1")


def qrpay_check(db_path, capsys) -> tuple[int, dict]:
    rc = main(["check", "--db", str(db_path), "--json"])
    return rc, json.loads(capsys.readouterr().out)


def raw(db_path) -> sqlite3.Connection:
    """A second, plain connection: what someone with the file and the sqlite3 shell can do."""
    return sqlite3.connect(db_path, isolation_level=None)


def test_a_clean_database_passes(core, db_path, capsys):
    seed(core)
    assert checks.run_checks(core) == []
    core.close()
    rc, out = qrpay_check(db_path, capsys)
    assert rc == 0
    assert out["ok"] is True and out["transfers"] == 2 and {"sqlite", "ledger", "audit"} <= set(out["checks"])


def test_an_unbalanced_posting_inserted_behind_the_ledger_is_found(core, db_path, capsys):
    seed(core)
    core.close()
    c = raw(db_path)
    c.execute("DROP TRIGGER postings_no_update")     # the brief's attacker goes as far as dropping a guard
    c.execute("INSERT INTO postings (transfer_id, account, amount) VALUES (1, ?, 100000)", (W1,))
    c.close()
    rc, out = qrpay_check(db_path, capsys)
    assert rc == 1
    err = out["error"]
    assert err["code"] == "check_failed"
    violations = err["violations"]
    assert err["message"] == violations[0]
    assert any("postings_no_update" in v and "missing" in v for v in violations)
    assert any("transfer #1" in v and "sums to 100000" in v for v in violations)
    assert any(W1 in v and "sum to 103800" in v for v in violations)


def test_an_edited_posting_is_found(core, db_path, capsys):
    seed(core)
    core.close()
    c = raw(db_path)
    c.execute("DROP TRIGGER postings_no_update")
    c.execute("UPDATE postings SET amount = 9000 WHERE account = ?", (W1,))
    c.close()
    rc, out = qrpay_check(db_path, capsys)
    assert rc == 1 and any("sums to" in v for v in out["error"]["violations"])


def test_a_negative_wallet_is_found(db_path, capsys):
    c = Core.open(db_path, clock=FixedClock())
    c.close()
    db = raw(db_path)
    db.execute("INSERT INTO transfers (key, kind, at) VALUES ('forged', 'payment', 0)")
    db.execute("INSERT INTO postings (transfer_id, account, amount) VALUES (1, ?, -500)", (W1,))
    db.execute("INSERT INTO postings (transfer_id, account, amount) VALUES (1, 'store:1', 500)")
    db.close()
    rc, out = qrpay_check(db_path, capsys)
    assert rc == 1
    assert any(W1 in v and "negative" in v for v in out["error"]["violations"])


def test_a_transfer_without_postings_is_found(core, db_path):
    seed(core)
    with core.db.write() as conn:
        conn.execute("INSERT INTO transfers (key, kind, at) VALUES ('lonely', 'payment', 0)")
    assert checks.run_checks(core) == ["ledger: transfer #3 (lonely) has 0 posting(s); it needs two or more"]


def test_a_balance_cache_out_of_step_with_the_journal_is_found(core):
    seed(core)
    with core.db.write() as conn:
        conn.execute("UPDATE balances SET balance = balance + 1 WHERE account = 'store:1'")
    assert checks.run_checks(core) == ["ledger: store:1 balance is 1201 but its postings sum to 1200"]


def test_a_tampered_audit_row_is_found(core, db_path, capsys):
    core.set_policy("2019")
    seed(core)
    core.close()
    c = raw(db_path)
    c.execute("DROP TRIGGER audit_log_no_update")     # the append-only guard goes first
    c.execute("UPDATE audit_log SET details = '{}' WHERE id = 1")
    c.close()
    rc, out = qrpay_check(db_path, capsys)
    assert rc == 1 and out["error"]["message"].startswith("audit: chain_broken: chain broken at row 1")
    assert any("append-only guard audit_log_no_update is missing" in v for v in out["error"]["violations"])


def test_other_modules_can_add_checks(core, monkeypatch):
    monkeypatch.setattr(checks, "_REGISTERED", {})

    @checks.register("demo")
    def every_sale_has_a_receipt(conn):
        n = conn.execute("SELECT count(*) FROM transfers WHERE kind = 'payment'").fetchone()[0]
        return [f"demo: {n} payment(s) without a receipt"] if n else []

    assert checks.run_checks(core) == []
    seed(core)
    assert checks.run_checks(core) == ["demo: 1 payment(s) without a receipt"]


def test_a_top_up_whose_ledger_credit_differs_is_found(core):
    with core.db.write() as conn:
        t = ledger.transfer(conn, key="topup:1:a", kind="topup", at=0.0,
                            postings=[(ledger.CARD_CLEARING, -1000), (W1, 1000)], customer_id=1)
        conn.execute("INSERT INTO topups (customer_id, transfer_id, idempotency_key, amount, card_brand, card_last4, "
                     "balance_after, at) VALUES (1, ?, 'a', 5000, 'Visa', '4242', 5000, 0)", (t.id,))
    assert checks.run_checks(core) == ["topups: top-up #1 of 5000 credited 1000 to the wallet"]


@pytest.mark.parametrize("policy", ["hardened", "2019"])
def test_topups_through_the_cli_then_check(db_path, capsys, policy, monkeypatch):
    """End to end over the command line: top up, read the balance, history, check."""
    import io

    from shared.clock import parse_iso
    from shared.totp import totp_code

    now = "2026-11-25T09:00:10Z"
    core = Core.open(db_path, clock=FixedClock(now))
    core.set_policy(policy)
    e = core.identity.register("ann@example.com", "Ann", "violet kettle orbit 1987 lantern")
    core.identity.confirm_totp("ann@example.com", totp_code(e.totp_secret, core.now() - 30))
    token = core.identity.sign_in("ann@example.com", "violet kettle orbit 1987 lantern",
                                  totp=totp_code(e.totp_secret, core.now()) if policy == "hardened" else None).token
    if policy == "2019":
        core.topups.set_topup_password(token, "123456")
    core.close()

    def run(*argv, stdin=""):
        # The real qrpay in its own process: no state shared with earlier tests.
        p = subprocess.run([sys.executable, "-m", "shared.cli.main", *argv, "--db", str(db_path), "--json", "--now",
                            "2026-11-25T09:00:40Z"], input=stdin, capture_output=True, text=True,
                           cwd=Path(__file__).resolve().parents[1], timeout=120)
        return p.returncode, json.loads(p.stdout)

    if policy == "hardened":
        extra = ["--totp", totp_code(e.totp_secret, parse_iso("2026-11-25T09:00:40Z"))]
        rc, out = run("topup", "--session", token, "--amount", "3000", "--card", "4242 4242 4242 4242")
        assert rc == 1 and out["error"]["code"] == "totp_required"
        rc, out = run("topup", "--session", token, "--amount", "3000", "--card", "4242 4242 4242 4242",
                      "--idempotency-key", "k1", *extra)
    else:
        rc, out = run("topup", "--session", token, "--amount", "¥3,000", "--card", "4242 4242 4242 4242",
                      "--idempotency-key", "k1", "--topup-password-stdin", stdin="123456\n")
    assert rc == 0 and out["balance"] == 3000 and out["card_last4"] == "4242"
    assert run("wallet", "balance", "--session", token) == (0, {"balance": 3000})
    rc, out = run("wallet", "history", "--session", token)
    assert rc == 0 and out["entries"][0]["kind"] == "topup" and out["entries"][0]["amount"] == 3000
    rc, out = run("check")
    assert rc == 0 and out["ok"] is True
