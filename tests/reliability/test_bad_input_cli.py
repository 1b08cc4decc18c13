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
        (["report", "z", "--terminal", "T1", "--date", "2026-02-30"], "", 1),
    ]
    for argv, stdin, expected in runs:
        r = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(db), *argv], input=stdin,
                           capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=120)
        assert "Traceback" not in r.stderr, (argv, r.stderr[-2000:])
        assert r.returncode == expected, (argv, r.returncode, r.stdout[-500:], r.stderr[-500:])
        assert r.stderr.strip() or r.stdout.strip()
    assert all_problems(db) == []
