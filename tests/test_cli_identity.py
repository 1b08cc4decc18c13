"""`qrpay customer | login | logout | password | staff` end to end: the installed command, a real
database file, codes from oathtool (pyotp when oathtool is missing), secrets only on stdin."""
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path


from shared import totp
from shared.cli.main import main
from shared.clock import parse_iso

# (not `-m shared.cli.main`: run as __main__, that module would define a second UsageError class)
QRPAY = [sys.executable, "-c", "import sys; from shared.cli.main import main; sys.exit(main())"]
T = parse_iso("2026-11-25T09:00:00Z")
PW = "correct horse battery staple"
NEW_PW = "violet kettle orbit 1987 lantern"


def iso(t: float) -> str:
    from shared.clock import to_iso
    return to_iso(t)


def qrpay(db: Path, *args: str, stdin: str | None = None, now: float | None = None):
    cmd = [*QRPAY, "--db", str(db), "--json", *(["--now", iso(now)] if now is not None else []), *args]
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120,
                       cwd=Path(__file__).resolve().parents[1])
    out = json.loads(p.stdout) if p.stdout.strip() else None
    return p.returncode, out, p.stderr


def otp(secret: str, t: float) -> str:
    if shutil.which("oathtool"):
        return subprocess.run(["oathtool", "--totp", "-b", secret, "-N", f"@{int(t)}"], capture_output=True,
                              text=True, check=True).stdout.strip()
    return totp.totp_code(secret, t)


def test_cli_round_trip(tmp_path):
    db = tmp_path / "cli.sqlite3"
    rc, add, err = qrpay(db, "customer", "add", "--email", "yui@example.jp", "--name", "Yui", "--password-stdin",
                         stdin=PW + "\n", now=T)
    assert rc == 0, err
    assert set(add) >= {"customer_id", "totp_secret", "otpauth_uri", "recovery_codes"}
    assert len(add["recovery_codes"]) == 10 and add["otpauth_uri"].startswith("otpauth://totp/qrpay-sim:")
    secret = add["totp_secret"]

    rc, out, _ = qrpay(db, "customer", "add", "--email", "weak@example.jp", "--name", "W", "--password-stdin",
                       stdin="password\n", now=T)
    assert rc == 1 and out["error"]["code"] == "weak_password"
    assert "This password is in lists of common passwords." in out["error"]["reasons"]

    rc, out, err = qrpay(db, "customer", "confirm-totp", "--email", "yui@example.jp", "--code", otp(secret, T), now=T)
    assert rc == 0 and out["totp_enrolled"] is True, err

    rc, out, _ = qrpay(db, "login", "--email", "yui@example.jp", "--password-stdin", stdin=PW + "\n", now=T + 30)
    assert rc == 1 and out["error"]["code"] == "totp_required"
    # hardened: without a code the reply is the same whether the password was right or not
    rc, out, _ = qrpay(db, "login", "--email", "yui@example.jp", "--password-stdin", stdin="nope nope nope\n",
                       now=T + 30)
    assert rc == 1 and out["error"]["code"] == "totp_required"
    rc, out, _ = qrpay(db, "login", "--email", "ghost@example.jp", "--password-stdin", "--totp", "123456",
                       stdin="nope nope nope\n", now=T + 31)
    assert rc == 1 and out["error"]["code"] == "invalid_credentials"

    code = otp(secret, T + 60)
    rc, login, err = qrpay(db, "login", "--email", "yui@example.jp", "--password-stdin", "--totp", code,
                           "--device", "qa-phone", stdin=PW + "\n", now=T + 60)
    assert rc == 0, err
    assert login["session"] and login["customer_id"] == add["customer_id"] and login["device"] == "qa-phone"
    rc, out, _ = qrpay(db, "login", "--email", "yui@example.jp", "--password-stdin", "--totp", code,
                       stdin=PW + "\n", now=T + 61)
    assert rc == 1 and out["error"]["code"] == "invalid_credentials"  # a reused code: no oracle

    rc, out, _ = qrpay(db, "logout", "--session", login["session"], now=T + 70)
    assert rc == 0 and out["sessions_ended"] == 1

    # reset aimed at an attacker's address: nothing goes there under hardened
    rc, out, _ = qrpay(db, "password", "reset-request", "--email", "yui@example.jp", "--send-to",
                       "thief@evil.example", now=T + 100)
    assert rc == 0 and out["requested"] is True
    rc, box, _ = qrpay(db, "mailbox", "--to", "thief@evil.example", now=T + 100)
    assert box["messages"] == []
    rc, box, _ = qrpay(db, "mailbox", "--to", "yui@example.jp", now=T + 100)
    reset_mail = [m for m in box["messages"] if "reset code" in m["subject"]][0]
    assert set(reset_mail) >= {"to", "subject", "body", "sent_at"}
    reset_code = re.search(r"\b(\d{8})\b", reset_mail["body"]).group(1)
    rc, alerts, _ = qrpay(db, "audit", "list", "--alerts", now=T + 100)
    assert "reset_redirect_attempt" in [r["event"] for r in alerts["rows"]]

    rc, out, _ = qrpay(db, "password", "reset-complete", "--email", "yui@example.jp", "--reset-code", reset_code,
                       "--password-stdin", stdin=NEW_PW + "\n", now=T + 120)
    assert rc == 1 and out["error"]["code"] == "totp_required"
    rc, out, err = qrpay(db, "password", "reset-complete", "--email", "yui@example.jp", "--reset-code", reset_code,
                         "--recovery-code", add["recovery_codes"][0], "--password-stdin", stdin=NEW_PW + "\n",
                         now=T + 130)
    assert rc == 0 and out["reset"] is True, err

    rc, login, err = qrpay(db, "login", "--email", "yui@example.jp", "--password-stdin", "--totp",
                           otp(secret, T + 150), stdin=NEW_PW + "\n", now=T + 150)
    assert rc == 0, err
    rc, out, _ = qrpay(db, "password", "change", "--session", login["session"], "--password-stdin",
                       stdin="another quite long passphrase 7\n", now=T + 150 + 400)
    assert rc == 1 and out["error"]["code"] == "step_up_required"
    rc, out, err = qrpay(db, "password", "change", "--session", login["session"], "--totp", otp(secret, T + 560),
                         "--password-stdin", stdin="another quite long passphrase 7\n", now=T + 560)
    assert rc == 0 and out["changed"] is True, err

    rc, out, _ = qrpay(db, "logout", "--session", login["session"], "--everywhere", now=T + 600)
    assert rc == 0 and out["sessions_ended"] == 1

    rc, verdict, _ = qrpay(db, "audit", "verify", now=T + 600)
    assert rc == 0 and verdict["ok"] is True and verdict["rows"] > 10


def test_cli_staff(tmp_path):
    db = tmp_path / "staff.sqlite3"
    rc, a, err = qrpay(db, "staff", "add", "--name", "Sato", "--role", "clerk", "--pin-stdin", stdin="4821\n")
    assert rc == 0 and a["role"] == "clerk", err
    rc, b, _ = qrpay(db, "staff", "add", "--name", "Suzuki", "--role", "supervisor", "--pin-stdin", stdin="7395\n")
    rc, lst, _ = qrpay(db, "staff", "list")
    assert lst["staff"] == [a, b]
    rc, out, _ = qrpay(db, "staff", "verify", "--id", str(a["staff_id"]), "--pin-stdin", stdin="0000\n")
    assert rc == 1 and out["error"]["code"] == "invalid_credentials"
    rc, out, _ = qrpay(db, "staff", "add", "--name", "X", "--role", "clerk", "--pin-stdin", stdin="12\n")
    assert rc == 1 and out["error"]["code"] == "bad_input"


def test_cli_secrets_come_only_from_stdin(tmp_path):
    db = tmp_path / "u.sqlite3"
    rc, out, _ = qrpay(db, "login", "--email", "a@example.jp", "--password-stdin", stdin="")
    assert rc == 2 and out["error"]["code"] == "usage"
    rc, out, _ = qrpay(db, "login", "--email", "a@example.jp", "--password", "x")
    assert rc == 2


def test_cli_supervisor_unlocks_a_locked_account(tmp_path):
    from shared.clock import FixedClock
    from shared.core import Core
    from shared.errors import InvalidCredentials, Locked, Throttled

    db = tmp_path / "unlock.sqlite3"
    core = Core.open(db, clock=FixedClock(T))
    try:
        e = core.identity.register("aoi@example.jp", "Aoi", PW)
        core.identity.confirm_totp(e.email, totp.totp_code(e.totp_secret, T - 30))
        sup = core.staff.add("Suzuki", "supervisor", "7395")
        for _ in range(60):
            try:
                core.identity.sign_in(e.email, "wrong password 42", totp="000000")
            except InvalidCredentials:
                pass
            except Throttled as t:
                core.clock.advance(t.details["retry_after"])
            except Locked:
                break
        locked_at = core.now()
    finally:
        core.close()
    rc, out, _ = qrpay(db, "login", "--email", e.email, "--password-stdin", "--totp", otp(e.totp_secret, locked_at + 30),
                       stdin=PW + "\n", now=locked_at + 30)
    assert rc == 1 and out["error"]["code"] == "locked"
    rc, out, _ = qrpay(db, "customer", "unlock", "--email", e.email, "--supervisor-id", str(sup.id), "--pin-stdin",
                       stdin="0000\n", now=locked_at + 40)
    assert rc == 1 and out["error"]["code"] == "invalid_credentials"
    rc, out, err = qrpay(db, "customer", "unlock", "--email", e.email, "--supervisor-id", str(sup.id),
                         "--pin-stdin", stdin="7395\n", now=locked_at + 50)
    assert rc == 0 and out["unlocked"] is True and out["email"] == e.email, err
    rc, out, err = qrpay(db, "login", "--email", e.email, "--password-stdin", "--totp",
                         otp(e.totp_secret, locked_at + 60), stdin=PW + "\n", now=locked_at + 60)
    assert rc == 0 and out["customer_id"] == e.customer_id, err
    rc, alerts, _ = qrpay(db, "audit", "list", now=locked_at + 60)
    assert "account_unlocked" in [r["event"] for r in alerts["rows"]]


def test_main_gives_stdin_back_after_reading_a_secret(tmp_path, monkeypatch, capsys):
    """`--password-stdin` buffers stdin for one call only: a second in-process main() (the tests, a
    QA script importing qrpay) must not read the first call's leftovers. This leak made CLI tests
    fail only after other CLI tests in the same process."""
    db = str(tmp_path / "x.sqlite3")
    assert main(["--db", db, "init"]) == 0
    fake = io.StringIO("Secret-pass-123456\n")
    monkeypatch.setattr(sys, "stdin", fake)
    rc = main(["--db", db, "customer", "add", "--email", "a@example.com", "--name", "A", "--password-stdin"])
    assert rc == 0, capsys.readouterr()
    assert sys.stdin is fake
