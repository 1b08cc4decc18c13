"""Bad input at every door of `qrpay`: every subcommand (found by walking the real parser, so new
ones are covered as they land) gets empty, blank, huge, negative, non-numeric, emoji, NUL,
right-to-left and SQL-looking values in each of its arguments and on stdin. The answer must be
exit 1 or 2 with a short, clear message and no traceback; a refused command writes nothing to
the money and account tables; and the database passes `qrpay check` afterwards.
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from shared.cli.main import build_parser, main
from shared.clock import to_iso

from .helpers import (JANS, ROOT, Driver, all_problems, child_env, clerk_of, copy_database, seed_database,
                      supervisor_of, table_counts)

# Launches the GUI apps, runs whole attack scenarios, or writes files where it is told: covered by
# their owners' tests (the apps' forms, the attack lab); here they would open windows or write
# outside the test's directory.
EXCLUDED = {"demo", "attack", "lab make-codes"}

HUGE = "A" * 100_000
HOSTILE = {
    "empty": "", "blank": " \t ", "huge": HUGE, "negative": "-1", "very_negative": "-99999999999999999999999",
    "fraction": "1.5", "nan": "nan", "words": "abc", "emoji": "😀💳", "nul": "12\x0034",
    "rtl": "\u202e1000", "sql": "'; DROP TABLE sales; --", "format": "%s%n{0}",
}
# Values that can never be a valid e-mail, id, code, amount, token, date, JAN, ...
NEVER_VALID = ("empty", "blank", "huge", "emoji", "nul", "rtl", "sql", "format")
NUMERIC_JUNK = ("negative", "very_negative", "fraction", "nan", "words")
# Fields where any text is acceptable: free text; read-only look-ups that answer "nothing found"
# (mailbox) or report a verdict (code inspect); the reset request, whose reply is the same for any
# address by design (no account enumeration, OWASP Forgot Password); a hint the hardened policy
# ignores (send_to); an empty till sale/refund id, which means "make one up".
FREE_TEXT = {("mailbox", "to"), ("code inspect", "code"), ("password reset-request", "email"),
             ("catalog list", "search"), ("audit list", "event"), ("wallet freeze", "reason"),
             ("wallet unfreeze", "reason"), ("customer add", "name"), ("staff add", "name"), ("login", "device"),
             ("login", "source"), ("password reset-request", "source"), ("password reset-request", "send_to")}
EMPTY_MEANS_ABSENT = {("pay", "sale_id", "empty"), ("refund", "refund_id", "empty"), ("refund", "lines", "empty"),
                      ("topup", "idempotency_key", "empty")}
# Numbers where a negative or fractional value means something (clamped, or a step back in time).
NUMBER_OK = {("clock advance", "seconds"), ("audit list", "limit"), ("wallet history", "limit")}
# Not written by anything a refused command may do (audit, mailbox, throttling rows are expected).
WATCHED = ("customers", "sessions", "staff", "transfers", "postings", "balances", "topups", "topup_passwords",
           "payment_codes", "code_redemptions", "sales", "sale_lines", "sale_taxes", "refunds", "refund_lines",
           "refund_taxes", "z_reports", "items", "stores", "terminals", "settings", "recovery_codes")
SECRET_MARK = "Sekret-pw-7pay-zzq"


def leaf_commands() -> list[tuple[str, argparse.ArgumentParser]]:
    out = []

    def walk(parser, path):
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            out.append((" ".join(path), parser))
            return
        for name, sp in subs[0].choices.items():
            walk(sp, path + [name])
    walk(build_parser(), [])
    return [(name, p) for name, p in out if name not in EXCLUDED]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A seeded database with a signed-in customer, a sale and a refundable receipt."""
    d = tmp_path_factory.mktemp("cli")
    db = d / "template.sqlite3"
    demo = seed_database(db)
    from shared.clock import FixedClock
    from shared.core import Core
    core = Core.open(db, clock=FixedClock(demo["seeded_until"] + 60))
    try:
        driver = Driver(core, demo)
        code = driver.issue(0)
        jan = JANS[0]
        sale = core.sales.pay(terminal_id="T1", clerk_id=clerk_of(demo)["id"], code=code.text, lines=[(jan, 2)],
                              sale_id="S-cli-1")
        code2 = driver.issue(0)
        now = core.now()
        token = driver.tokens[0]
    finally:
        core.close()
    c = demo["customers"][0]
    valid = {
        "session": token, "email": c["email"], "to": c["email"], "name": "Test Person", "code": code2.text,
        "totp": "123456", "recovery_code": "abcd-efgh-ijkl", "device": "cli", "source": "local",
        "send_to": "other@example.com", "reset_code": "12345678", "id": str(clerk_of(demo)["id"]),
        "role": "clerk", "terminal": "T1", "clerk": str(clerk_of(demo)["id"]),
        "supervisor": str(supervisor_of(demo)["id"]), "customer": str(c["customer_id"]), "items": f"{jan}:1",
        "lines": f"{jan}:1", "sale_id": "S-cli-new", "sale": sale.id, "refund_id": "R-cli-1", "ref": sale.receipt_no,
        "date": "2026-11-25", "kind": "x", "amount": "1000", "card": "4242 4242 4242 4242", "idempotency_key": "k1",
        "reason": "test", "limit": "10", "event": "login_succeeded", "nonce": code2.nonce, "amount_cap": "1000",
        "search": "tea", "time": "2026-11-25T10:00:00Z", "seconds": "10", "numeric": code2.numeric,
        "policy": "hardened", "decoder": "zxing", "max_frames": "1", "sources": str(d / "missing.png"), "at": to_iso(now),
    }
    stdin = {"password_stdin": c["password"], "pin_stdin": clerk_of(demo)["pin"],
             "topup_password_stdin": "harbor-lantern-quartz-77", "supervisor_pin": supervisor_of(demo)["pin"]}
    return {"db": db, "now": to_iso(now), "valid": valid, "stdin": stdin, "demo": demo}


def invoke(argv: list[str], stdin_text: str, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
    try:
        rc = main(argv)
    except BaseException as e:  # noqa: BLE001 - the failure this test exists to find
        out = capsys.readouterr()
        return -1, out.out, f"{type(e).__name__}: {e}"
    out = capsys.readouterr()
    return rc, out.out, out.err


def argv_for(name: str, parser: argparse.ArgumentParser, world: dict, db: Path, *, field: str | None = None,
             value: str | None = None) -> tuple[list[str], str] | None:
    argv = name.split() + ["--db", str(db), "--json", "--now", world["now"]]
    stdin_parts = []
    for a in parser._actions:
        if isinstance(a, argparse._HelpAction) or a.dest in ("db", "json", "now"):
            continue
        if a.nargs == 0:  # a flag
            if a.dest in world["stdin"] and (a.required or a.dest == "topup_password_stdin"):
                argv.append(a.option_strings[0])
                secret = world["stdin"][a.dest]
                if a.dest == "pin_stdin" and any(x.dest == "supervisor" for x in parser._actions):
                    secret = world["stdin"]["supervisor_pin"]
                stdin_parts.append(value if field == "<stdin>" else secret)
            continue
        if a.dest == field:
            v = value
        elif a.required or a.dest in ("code",) and not a.option_strings:
            v = world["valid"].get(a.dest, a.choices[0] if a.choices else "x")
        elif a.dest == "code" and a.option_strings and name == "pay":
            v = world["valid"]["code"]
        else:
            continue
        if a.option_strings:
            argv += [a.option_strings[-1], v]
        elif a.nargs == "+":
            argv.append(v)
        else:
            argv.append(v)
    return argv, "\n".join(stdin_parts[:1]) + "\n" if stdin_parts else ""


def cases() -> list[tuple[str, str, str]]:
    out = []
    for name, parser in leaf_commands():
        fields = [a.dest for a in parser._actions
                  if not isinstance(a, argparse._HelpAction) and a.nargs != 0
                  and a.dest not in ("db", "json", "now", "png", "image", "sources", "dir")]
        if any(a.dest in ("password_stdin", "pin_stdin") for a in parser._actions):
            fields.append("<stdin>")
        if not fields:
            fields = [None]
        for f in fields:
            out.append((name, f))
    return out


def _message(rc: int, out: str, err: str) -> str:
    if out.strip().startswith("{"):
        try:
            return json.loads(out).get("error", {}).get("message", "")
        except json.JSONDecodeError:
            return ""
    return err.strip()


@pytest.mark.parametrize("name,field", cases(), ids=[f"{n}:{f}" for n, f in cases()])
def test_every_command_answers_bad_input_cleanly(name, field, world, tmp_path, monkeypatch, capsys):
    db = tmp_path / "cli.sqlite3"
    copy_database(world["db"], db)
    parser = dict(leaf_commands())[name]
    failures = []
    values = HOSTILE.items() if field is not None else [("none", None)]
    for label, value in values:
        if field == "<stdin>":
            value = None if value is None else value + SECRET_MARK
        argv, stdin_text = argv_for(name, parser, world, db, field=field, value=value)
        before = {k: v for k, v in table_counts(db).items() if k in WATCHED}
        rc, out, err = invoke(argv, stdin_text, monkeypatch, capsys)
        after = {k: v for k, v in table_counts(db).items() if k in WATCHED}
        where = f"{name} {field}={label}"
        if rc not in (0, 1, 2):
            failures.append(f"{where}: crashed: {err[-300:]}")
            continue
        if "Traceback" in err:
            failures.append(f"{where}: traceback on stderr")
        if SECRET_MARK in out + err:
            failures.append(f"{where}: echoed the secret")
        if rc in (1, 2):
            msg = _message(rc, out, err)
            if not msg or len(msg) > 600:
                failures.append(f"{where}: no clear message ({len(msg)} chars): {msg[:120]!r}")
            if after != before:
                changed = {k: (before[k], after[k]) for k in after if after[k] != before[k]}
                failures.append(f"{where}: refused but wrote {changed}")
        elif field is not None and (name, field) not in FREE_TEXT and field != "<stdin>":
            numeric_ok = (name, field) in NUMBER_OK and label in NUMERIC_JUNK and label != "nan"
            if (name, field, label) in EMPTY_MEANS_ABSENT:
                continue
            if label in NEVER_VALID or (label in NUMERIC_JUNK and not numeric_ok and _numeric(parser, field)):
                failures.append(f"{where}: accepted ({out[:160]!r})")
    assert failures == [], "\n".join(failures)
    problems = all_problems(db)
    assert problems == [], problems


def _numeric(parser: argparse.ArgumentParser, field: str) -> bool:
    a = next(a for a in parser._actions if a.dest == field)
    return a.type in (int, float) or field in ("amount", "seconds", "limit", "amount_cap", "clerk", "supervisor",
                                               "customer", "id", "max_frames")


def test_the_installed_command_prints_no_traceback(world, tmp_path):
    """The same through a real process: stderr of the `qrpay` entry point, exit statuses."""
    db = tmp_path / "cli.sqlite3"
    copy_database(world["db"], db)
    runs = [
        (["pay", "--terminal", "T1", "--clerk", "abc", "--pin-stdin", "--code", "x", "--items", "1"], "1234\n", 2),
        (["topup", "--session", "nope", "--amount", "-5", "--card", "😀"], "", 1),
        (["quote", "--items", "'; DROP TABLE items; --:1"], "", 1),
        (["receipt", ""], "", 1),
        (["clock", "advance", "nan"], "", 1),
        (["login", "--email", HUGE[:5000], "--password-stdin"], "x\n", 1),
        (["report", "z", "--terminal", "T1", "--date", "2026-02-30", "--supervisor-id", "1", "--pin-stdin"], "1\n", 1),
    ]
    for argv, stdin, expected in runs:
        r = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(db), *argv], input=stdin,
                           capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=120)
        assert "Traceback" not in r.stderr, (argv, r.stderr[-2000:])
        assert r.returncode == expected, (argv, r.returncode, r.stdout[-500:], r.stderr[-500:])
        assert r.stderr.strip() or r.stdout.strip()
    assert all_problems(db) == []


# -- issue 11, item 9: bytes, time edges, files for folders, 64 bits, read commands, terminal escapes ------
import hashlib
import os
import sqlite3

from shared.cli.main import CREATES_DATABASE


def content(db: Path) -> str:
    """A digest of every row of every table (file bytes move with WAL checkpoints; rows must not)."""
    c = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(c.iterdump()).encode()).hexdigest()
    finally:
        c.close()


def run_bytes(argv: list[bytes], stdin: bytes = b"") -> tuple[int, dict | None, bytes]:
    r = subprocess.run([sys.executable.encode(), b"-m", b"shared.cli.main", *argv], input=stdin,
                       capture_output=True, env=child_env(), cwd=ROOT, timeout=120)
    assert b"Traceback" not in r.stderr, r.stderr[-2000:]
    out = r.stdout.decode("utf-8")        # whatever came in, what comes out is UTF-8
    return r.returncode, (json.loads(out) if out.strip() else None), r.stderr


BAD = b"\xff\xfe"


def test_non_utf8_bytes_in_any_argument_or_on_stdin_write_nothing(world, tmp_path):
    db = tmp_path / "cli.sqlite3"
    copy_database(world["db"], db)
    before = content(db)
    d = str(db).encode()
    sale = world["valid"]["sale"].encode()
    argvs = [
        [b"--db", d, b"--json", b"catalog", b"list", b"--search", BAD],
        [b"--db", d, b"--json", b"--now", b"2026-11-25T09:00:00Z" + BAD, b"clock", b"show"],
        [b"--db", d + BAD, b"--json", b"init"],
        [b"--db", d, b"--json", b"receipt", BAD],
        [b"--db", d, b"--json", b"customer", b"add", b"--email", b"a" + BAD + b"@example.jp", b"--name", b"x",
         b"--password-stdin"],
        [b"--db", d, b"--json", b"report", b"x", b"--terminal", b"T1" + BAD, b"--date", b"2026-11-25"],
        [b"--db", d, b"--json", b"refund", b"--sale", sale, b"--supervisor", BAD, b"--pin-stdin"],
        [b"--db", d, b"--json", BAD],
        [b"--db", d, b"--json", b"--" + BAD],
    ]
    for argv in argvs:
        rc, out, _ = run_bytes(argv, b"violet kettle orbit 1987 lantern\n")
        assert rc == 2 and out["error"]["code"] == "usage", (argv, rc, out)
    sup = world["demo"]["staff"][2]
    for argv in ([b"--db", d, b"--json", b"staff", b"verify", b"--id", str(sup["id"]).encode(), b"--pin-stdin"],
                 [b"--db", d, b"--json", b"refund", b"--sale", sale, b"--supervisor", str(sup["id"]).encode(),
                  b"--pin-stdin"],
                 [b"--db", d, b"--json", b"login", b"--email", world["valid"]["email"].encode(), b"--password-stdin"]):
        for stdin in (BAD + b"\n", sup["pin"].encode() + BAD + b"\n", b"\xc3\x28\n", b"\xed\xa0\x80\n"):
            rc, out, _ = run_bytes(argv, stdin)
            assert rc == 2 and "UTF-8" in out["error"]["message"], (argv, stdin, out)
    assert content(db) == before
    # and nowhere new: a creating command with bad bytes leaves no file behind
    fresh = tmp_path / "fresh.sqlite3"
    rc, _, _ = run_bytes([b"--db", str(fresh).encode(), b"--json", b"customer", b"add", b"--email", b"a@example.jp",
                          b"--name", b"x", b"--password-stdin"], BAD + b"\n")
    assert rc == 2 and not fresh.exists()


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00",
                                 "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+14:00", "1969-12-31T23:59:59Z",
                                 "99999999999999999999", "1e300", "-1", "2026-11-25T09:00:00+24:00", "nan", "inf",
                                 "9999999-01-01"])
def test_now_at_the_edges_of_the_date_range(world, tmp_path, now):
    db = tmp_path / "cli.sqlite3"
    copy_database(world["db"], db)
    before = content(db)
    for argv in (["clock", "show"], ["report", "x", "--terminal", "T1", "--date", "2026-11-25"],
                 ["audit", "list", "--limit", "1"], ["clock", "set", now]):
        argv = ["--db", str(db), "--json", "--now", now, *argv] if argv[:2] != ["clock", "set"] else \
            ["--db", str(db), "--json", *argv]
        r = subprocess.run([sys.executable, "-m", "shared.cli.main", *argv], capture_output=True, text=True,
                           env=child_env(), cwd=ROOT, timeout=120)
        assert "Traceback" not in r.stderr, r.stderr[-2000:]
        assert r.returncode == 1, (argv, r.stdout)
        assert json.loads(r.stdout)["error"]["code"] in ("time_out_of_range", "bad_input")
    assert content(db) == before


def test_the_first_and_last_accepted_times_work(world, tmp_path):
    db = tmp_path / "cli.sqlite3"
    copy_database(world["db"], db)
    for now in ("1970-01-01T00:00:00Z", "9998-12-31T23:59:59Z", "9998-12-31T23:59:59+14:00"):
        for argv in (["clock", "show"], ["report", "x", "--terminal", "T1", "--date", "9998-12-31"]):
            r = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(db), "--json", "--now", now, *argv],
                               capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=120)
            assert r.returncode == 0 and "Traceback" not in r.stderr, (now, argv, r.stdout, r.stderr)


def test_a_file_where_a_folder_is_expected(world, tmp_path):
    a_file = tmp_path / "plain.txt"
    a_file.write_text("not a folder")
    db = tmp_path / "cli.sqlite3"
    copy_database(world["db"], db)
    before = content(db)
    cases = [
        (["--db", str(a_file / "x.sqlite3"), "init"], 1, "db_unwritable"),
        (["--db", str(a_file / "deeper" / "x.sqlite3"), "seed-demo"], 1, "db_unwritable"),
        (["--db", str(a_file / "x.sqlite3"), "check"], 1, "no_database"),
        (["--db", str(db), "code", "issue", "--session", world["valid"]["session"], "--png", str(a_file / "c.png")],
         2, "usage"),
        (["--db", str(db), "code", "issue", "--session", world["valid"]["session"], "--png", str(tmp_path)], 2, "usage"),
        (["--db", str(db), "lab", "make-codes", str(a_file / "codes")], 2, "usage"),
        (["--db", str(db), "attack", "credential_stuffing", "--report", str(a_file / "r.html")], 2, "usage"),
    ]
    for argv, rc, code in cases:
        r = subprocess.run([sys.executable, "-m", "shared.cli.main", "--json", *argv], capture_output=True, text=True,
                           env=child_env(), cwd=ROOT, timeout=120)
        assert "Traceback" not in r.stderr, r.stderr[-2000:]
        assert (r.returncode, json.loads(r.stdout)["error"]["code"]) == (rc, code), (argv, r.stdout)
    assert a_file.read_text() == "not a folder"
    assert content(db) == before            # the code was not issued before the PNG path was refused


def test_integers_beyond_64_bits_at_the_command_line(world, tmp_path):
    db = tmp_path / "cli.sqlite3"
    copy_database(world["db"], db)
    before = content(db)
    sup = world["demo"]["staff"][2]
    for big in (str(2 ** 64), str(-2 ** 70), str(2 ** 63), "9" * 30):
        for argv, stdin in ((["staff", "verify", "--id", big, "--pin-stdin"], sup["pin"]),
                            (["wallet", "freeze", "--customer", big, "--supervisor", str(sup["id"]), "--pin-stdin"],
                             sup["pin"]),
                            (["refund", "--sale", world["valid"]["sale"], "--supervisor", big, "--pin-stdin"], sup["pin"]),
                            (["audit", "list", "--limit", big], ""),
                            (["code", "issue", "--session", world["valid"]["session"], "--amount-cap", big], "")):
            r = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(db), "--json", *argv],
                               input=stdin + "\n", capture_output=True, text=True, env=child_env(), cwd=ROOT,
                               timeout=120)
            assert "Traceback" not in r.stderr, r.stderr[-2000:]
            assert r.returncode == 2 and "64 bits" in json.loads(r.stdout)["error"]["message"], (argv, r.stdout)
    assert content(db) == before


def test_integers_beyond_64_bits_in_the_core_api(world, tmp_path):
    from shared import ledger
    from shared.clock import FixedClock
    from shared.core import Core
    from shared.errors import QrpayError
    from shared.clock import parse_iso
    db = tmp_path / "api.sqlite3"
    copy_database(world["db"], db)
    before = {k: v for k, v in table_counts(db).items() if k in WATCHED}
    sup = world["demo"]["staff"][2]
    core = Core.open(db, clock=FixedClock(parse_iso(world["now"]) + 3600))
    try:
        calls = {
            "staff.verify": lambda n: core.staff.verify(n, "1234"),
            "identity.customer": lambda n: core.identity.customer(n),
            "wallet.balance": lambda n: core.wallet.balance(n),
            "wallet.history": lambda n: core.wallet.history(1, limit=n),
            "wallet.freeze": lambda n: core.wallet.freeze(n, supervisor_id=sup["id"], pin=sup["pin"], reason="x"),
            "refunds.refund": lambda n: core.refunds.refund(sale_id=world["valid"]["sale"], supervisor_id=n, pin="1"),
            "reports.z_report": lambda n: core.reports.z_report("T1", "2026-11-25", supervisor_id=n, pin="1"),
            "sales.pay": lambda n: core.sales.pay(terminal_id="T1", clerk_id=n, code="x", lines=[(JANS[0], 1)],
                                                  sale_id="big"),
            "sales.quote": lambda n: core.sales.quote([(JANS[0], n)]),
            "audit_recent": lambda n: core.audit_recent(customer_id=n),
            "ledger.transfer": lambda n: _transfer(core, n),
        }
        for name, call in calls.items():
            for n in (2 ** 64, -2 ** 70, 2 ** 63):
                with pytest.raises(QrpayError) as e:
                    call(n)
                assert e.value.code, (name, n)
    finally:
        core.close()
    assert {k: v for k, v in table_counts(db).items() if k in WATCHED} == before
    assert all_problems(db) == []


def _transfer(core, n):
    from shared import ledger
    with core.db.write() as conn:
        ledger.transfer(conn, key=f"big:{n}", kind="seed", at=core.now(),
                        postings=[(ledger.CARD_CLEARING, -n), (ledger.wallet_account(1), n)])


def _leaf_needs_core(name: str, parser: argparse.ArgumentParser) -> bool:
    return getattr(parser._defaults.get("func"), "needs_core", True)


def test_no_command_but_the_creating_ones_makes_a_database_where_there_is_none(world, tmp_path, monkeypatch, capsys):
    """`check`, `audit verify`, `report`, `journal`, `code inspect`… on a missing path refuse instead of
    creating an empty database (and then reporting it "ok")."""
    missing = tmp_path / "nothing-here.sqlite3"
    seen = []
    for name, parser in leaf_commands():
        if name in CREATES_DATABASE or not _leaf_needs_core(name, parser):
            continue
        argv, stdin_text = argv_for(name, parser, world, missing)
        rc, out, err = invoke(argv, stdin_text, monkeypatch, capsys)
        assert rc in (1, 2), (name, rc, out)
        if rc == 1:
            assert json.loads(out)["error"]["code"] == "no_database", (name, out)
        assert not missing.exists() and not Path(str(missing) + "-wal").exists(), name
        seen.append(name)
    assert {"check", "audit verify", "report", "journal", "receipt", "code inspect", "catalog list"} <= set(seen)
    for argv in (["check"], ["audit", "verify"], ["report", "x", "--terminal", "T1", "--date", "2026-11-25"]):
        r = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(missing), "--json", *argv],
                           capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=120)
        assert r.returncode == 1 and json.loads(r.stdout)["error"]["code"] == "no_database"
    assert not missing.exists()


HOSTILE_TEXT = "Eve\x1b[2J\x1b]0;pwned\x07\rOK \u202eyenon\u2066x\u2069\x9b31m\x7f"


def test_stored_names_and_addresses_cannot_act_on_the_terminal(world, tmp_path):
    db = tmp_path / "cli.sqlite3"
    copy_database(world["db"], db)
    c = sqlite3.connect(db)
    c.execute("UPDATE customers SET name = ? WHERE email = ?", (HOSTILE_TEXT, world["valid"]["email"]))
    c.execute("UPDATE stores SET address = ?, name_en = ?", (HOSTILE_TEXT, HOSTILE_TEXT))
    c.commit()
    c.close()
    for argv in (["customer", "show", "--email", world["valid"]["email"]], ["customer", "list"], ["catalog", "store"],
                 ["receipt", world["valid"]["ref"]]):
        for as_json in (False, True):
            r = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(db), *argv,
                                *(["--json"] if as_json else [])], capture_output=True, env=child_env(), cwd=ROOT,
                               timeout=120)
            assert r.returncode == 0, (argv, r.stderr)
            text = r.stdout.decode("utf-8")
            for ch in ("\x1b", "\r", "\x07", "\u202e", "\u2066", "\x9b", "\x7f"):
                assert ch not in text, (argv, as_json, repr(ch))
            if as_json:   # the value itself is kept exactly, only escaped
                assert HOSTILE_TEXT in r.stdout.decode("utf-8").encode().decode("unicode_escape", "ignore") or \
                    HOSTILE_TEXT in json.dumps(json.loads(text), ensure_ascii=False)
            else:
                assert "\\x1b[2J" in text and "\\u202e" in text
