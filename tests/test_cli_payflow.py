"""Issue 3's "Done when", end to end through the `qrpay` command line as a QA script runs it:

seed-demo → login (TOTP computed from the printed secret) → code issue --png → zbarimg decodes the
PNG → `qrpay pay` makes a sale with a correct receipt → paying again gives `replayed` → refund,
X report → `qrpay check` passes. Every command pins the time with --now, so the run is repeatable.

Each test runs twice (issue 15): on a database file, and with `--server URL --world W` against a real
server subprocess (tests/remote_server.py), where the script is the same but the time is the world's clock,
set by the admin before each command (`--now` is refused through a server). What the API does not cover
(`check`) is asserted to be refused with its stable code.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from shared.clock import parse_iso, to_iso
from shared.totp import totp_code
from tests.remote_server import served

T0 = parse_iso("2026-11-25T03:00:00Z")   # 12:00 JST
ROOT = Path(__file__).resolve().parents[1]


class Qrpay:
    def __init__(self, db: Path, server=None) -> None:
        self.db = db
        self.server = server
        self.world = server.new_world() if server is not None else None

    @property
    def remote(self) -> bool:
        return self.server is not None

    def run(self, *args: str, at: float, stdin: str | None = None, expect: int = 0) -> dict:
        env = None
        if self.server is None:
            where = ["--db", str(self.db), "--now", to_iso(at)]
        else:   # the admin sets the world's clock; the command itself carries no time
            r = httpx.post(f"{self.server.url}/worlds/{self.world}/clock/set", json={"at": at}, timeout=30,
                           headers={"Authorization": f"Bearer {self.server.token}"})
            assert r.status_code == 200, r.text
            where = ["--server", self.server.url, "--world", self.world]
            env = {**os.environ, "QRPAY_ADMIN_TOKEN": self.server.token}
        cmd = [sys.executable, "-m", "shared.cli.main", *args, *where, "--json"]
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
        assert p.returncode == expect, (args, p.returncode, p.stdout, p.stderr)
        return json.loads(p.stdout)

    def local_only(self, *args: str, at: float, stdin: str | None = None, refused: str = "not_over_server") -> dict | None:
        """A command the API does not cover: its result on a database file; through the server, refused
        with `refused` (and None returned)."""
        if not self.remote:
            return self.run(*args, at=at, stdin=stdin)
        assert self.run(*args, at=at, stdin=stdin, expect=1)["error"]["code"] == refused
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("served")) as srv:
        yield srv


@pytest.fixture(params=["db", "server"])
def qrpay(request, tmp_path):
    return Qrpay(tmp_path / "qa.sqlite3", request.getfixturevalue("server") if request.param == "server" else None)


def test_done_when_flow(qrpay, tmp_path):
    demo = qrpay.run("seed-demo", at=T0)
    assert {"store", "terminals", "staff", "customers", "items"} <= set(demo)
    hanako = demo["customers"][0]
    clerk = next(s for s in demo["staff"] if s["role"] == "clerk")
    sup = next(s for s in demo["staff"] if s["role"] == "supervisor")
    onigiri = next(i for i in demo["items"] if i["name_ja"] == "おにぎり 鮭")
    umbrella = next(i for i in demo["items"] if i["name_ja"] == "ビニール傘")
    assert qrpay.run("seed-demo", at=T0 + 1, expect=1)["error"]["code"] == "already_seeded"

    t = T0 + 5        # signing in straight after seeding works
    login = qrpay.run("login", "--email", hanako["email"], "--password-stdin",
                      "--totp", totp_code(hanako["totp_secret"], t), at=t, stdin=hanako["password"] + "\n")
    session = login["session"]

    t = T0 + 40       # the next TOTP step: a fresh code for the step-up
    png = tmp_path / "code.png"
    issued = qrpay.run("code", "issue", "--session", session, "--totp", totp_code(hanako["totp_secret"], t),
                       "--png", str(png), at=t)
    assert png.exists()

    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is not installed")
    zbar = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60)
    assert zbar.returncode == 0, zbar.stderr
    scanned = zbar.stdout.strip()
    assert scanned == issued["code"]

    t += 10
    items = f"{onigiri['jan']}:2,{umbrella['jan']}:1"
    paid = qrpay.run("pay", "--terminal", "T1", "--clerk", str(clerk["id"]), "--pin-stdin", "--code", scanned,
                     "--items", items, "--sale-id", "qa-sale-1", at=t, stdin=clerk["pin"] + "\n")
    assert paid["sale_id"] == "qa-sale-1" and paid["receipt_no"] == "T1-000001"
    assert paid["entry_method"] == "keyed"            # the CLI is a keyed entry unless told otherwise
    assert paid["total"] == 2 * onigiri["price"] + umbrella["price"] == 1070
    assert paid["tax"] == {"8": 300 * 8 // 108, "10": 770 * 10 // 110} == {"8": 22, "10": 70}
    receipt = paid["receipt"]
    assert receipt["store"]["registration_no"] == demo["store"]["registration_no"]
    assert receipt["at_jst"] == "2026-11-25 12:00 JST" and receipt["terminal"] == "T1"
    assert receipt["clerk"] == clerk["name"] and receipt["payment_method"] == "qrpay"
    assert [(l["jan"], l["reduced"]) for l in receipt["lines"]] == [(onigiri["jan"], True), (umbrella["jan"], False)]
    assert "おにぎり 鮭 ※" in paid["receipt_text"] and "(内消費税 ¥22)" in paid["receipt_text"]

    # the same sale id again (a till retrying after a time-out): the first result, money moved once
    again = qrpay.run("pay", "--terminal", "T1", "--clerk", str(clerk["id"]), "--pin-stdin", "--code", scanned,
                      "--items", items, "--sale-id", "qa-sale-1", at=t + 2, stdin=clerk["pin"] + "\n")
    assert (again["sale_id"], again["receipt_no"], again["total"]) == ("qa-sale-1", "T1-000001", 1070)

    # the same code for a new sale, read from the picture this time: replayed
    refused = qrpay.run("pay", "--terminal", "T2", "--clerk", str(clerk["id"]), "--pin-stdin", "--image", str(png),
                        "--items", items, at=t + 5, stdin=clerk["pin"] + "\n", expect=1)
    assert refused["error"]["code"] == "replayed"

    balance = qrpay.run("wallet", "balance", "--session", session, at=t + 6)
    assert balance["balance"] == hanako["balance"] - 1070

    by_receipt = qrpay.run("receipt", "T1-000001", at=t + 7)     # through a server: the admin token reads it
    assert by_receipt["sale_id"] == "qa-sale-1" and "登録番号" in by_receipt["text"]

    refund = qrpay.run("refund", "--sale", "qa-sale-1", "--lines", f"{onigiri['jan']}:1", "--supervisor",
                       str(sup["id"]), "--pin-stdin", "--refund-id", "qa-r1", at=t + 8, stdin=sup["pin"] + "\n")
    assert refund["total"] == 150 and refund["tax"] == {"8": 11, "10": 0}
    over = qrpay.run("refund", "--sale", "qa-sale-1", "--lines", f"{onigiri['jan']}:2", "--supervisor",
                     str(sup["id"]), "--pin-stdin", at=t + 9, stdin=sup["pin"] + "\n", expect=1)
    assert over["error"]["code"] == "exceeds_paid"

    x = qrpay.run("report", "x", "--terminal", "T1", "--date", "2026-11-25", at=t + 10)
    assert (x["sales_count"], x["gross"], x["refunds_total"], x["net"]) == (1, 1070, 150, 920)
    assert x["agrees_with_ledger"] is True
    other = qrpay.run("report", "x", "--terminal", "T2", "--date", "2026-11-25", at=t + 10)
    assert (other["sales_count"], other["net"]) == (0, 0)      # T2's day: the refused sale left nothing
    z_args = ("report", "z", "--terminal", "T1", "--date", "2026-11-25", "--supervisor-id", str(sup["id"]),
              "--pin-stdin")
    z = qrpay.run(*z_args, at=t + 11, stdin=sup["pin"] + "\n")
    assert z["net"] == 920
    assert qrpay.run(*z_args, at=t + 12, stdin=sup["pin"] + "\n", expect=1)["error"]["code"] == "already_closed"

    journal = qrpay.run("journal", "--terminal", "T1", "--date", "2026-11-25", at=t + 13)
    assert [(s["sale_id"], s["entry_method"]) for s in journal["sales"]] == [("qa-sale-1", "keyed")]
    reprint = qrpay.run("report", "z-get", "--terminal", "T1", "--date", "2026-11-25", at=t + 14)
    assert reprint == z

    check = qrpay.local_only("check", at=t + 20)
    assert check is None or check["ok"] is True


def test_bad_pin_and_bad_items(qrpay):
    demo = qrpay.run("seed-demo", at=T0)
    clerk = demo["staff"][0]
    wrong = "99999999" if clerk["pin"] != "99999999" else "88888888"
    out = qrpay.run("pay", "--terminal", "T1", "--clerk", str(clerk["id"]), "--pin-stdin", "--code", "x",
                    "--items", demo["items"][0]["jan"] + ":1", at=T0 + 1, stdin=wrong + "\n", expect=1)
    assert out["error"]["code"] == "invalid_credentials"
    out = qrpay.run("quote", "--items", "4901200001019:1", at=T0 + 2, expect=1)
    assert out["error"]["code"] == "bad_input"
    out = qrpay.run("quote", "--items", f"{demo['items'][0]['jan']}:2", at=T0 + 3)
    assert out["total"] == 2 * demo["items"][0]["price"]
    listing = qrpay.run("catalog", "list", at=T0 + 4)
    assert len(listing["items"]) == len(demo["items"])


def test_pay_entry_option_is_recorded_and_shown(qrpay):
    demo = qrpay.run("seed-demo", at=T0)
    hanako, clerk = demo["customers"][0], demo["staff"][0]
    t = T0 + 5
    session = qrpay.run("login", "--email", hanako["email"], "--password-stdin",
                        "--totp", totp_code(hanako["totp_secret"], t), at=t, stdin=hanako["password"] + "\n")["session"]
    t = T0 + 40
    code = qrpay.run("code", "issue", "--session", session, "--totp", totp_code(hanako["totp_secret"], t), at=t)
    item = demo["items"][0]["jan"] + ":1"
    bad = qrpay.run("pay", "--terminal", "T1", "--clerk", str(clerk["id"]), "--pin-stdin", "--code", code["code"],
                    "--items", item, "--entry", "nfc", at=t + 1, stdin=clerk["pin"] + "\n", expect=2)
    assert bad["error"]["code"] == "usage"
    paid = qrpay.run("pay", "--terminal", "T1", "--clerk", str(clerk["id"]), "--pin-stdin", "--code", code["code"],
                     "--items", item, "--entry", "screen", "--sale-id", "e1", at=t + 2, stdin=clerk["pin"] + "\n")
    assert paid["entry_method"] == "screen"
    journal = qrpay.run("journal", "--terminal", "T1", "--date", "2026-11-25", at=t + 3)
    assert [(s["sale_id"], s["entry_method"]) for s in journal["sales"]] == [("e1", "screen")]
    if qrpay.remote:
        return   # the human-readable journal below reads the database file
    # the human-readable output shows it too
    cmd = [sys.executable, "-m", "shared.cli.main", "journal", "--terminal", "T1", "--date", "2026-11-25",
           "--db", str(qrpay.db), "--now", to_iso(t + 4)]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0 and "screen" in p.stdout and "entry_method" in p.stdout


def test_pay_with_a_used_sale_id_and_another_code_is_refused(qrpay):
    """Issue 11 item 1 through the CLI: `qrpay pay --sale-id S` with an approved sale's id and any
    other code (garbage, another customer's live code) exits 1 with sale_id_conflict, audited, and
    the other customer's code still pays. Ids are strict: "S1 " is bad input, not a new sale."""
    demo = qrpay.run("seed-demo", at=T0)
    clerk = demo["staff"][0]
    item = demo["items"][0]["jan"] + ":1"
    issued = []
    for c in demo["customers"][:2]:
        session = qrpay.run("login", "--email", c["email"], "--password-stdin",
                            "--totp", totp_code(c["totp_secret"], T0 + 5), at=T0 + 5,
                            stdin=c["password"] + "\n")["session"]
        issued.append(qrpay.run("code", "issue", "--session", session,
                                "--totp", totp_code(c["totp_secret"], T0 + 40), at=T0 + 40))
    t = T0 + 45
    pay = ["pay", "--terminal", "T1", "--clerk", str(clerk["id"]), "--pin-stdin", "--items", item]
    paid = qrpay.run(*pay, "--code", issued[0]["code"], "--sale-id", "S1", at=t, stdin=clerk["pin"] + "\n")
    for code in ("QP1:GARBAGE", issued[1]["code"]):
        out = qrpay.run(*pay, "--code", code, "--sale-id", "S1", at=t + 1, stdin=clerk["pin"] + "\n", expect=1)
        assert out["error"]["code"] == "sale_id_conflict" and paid["receipt_no"] not in json.dumps(out)
    out = qrpay.run(*pay, "--numeric", issued[1]["numeric"], "--sale-id", "S1 ", at=t + 2,
                    stdin=clerk["pin"] + "\n", expect=1)
    assert out["error"]["code"] == "bad_input"
    theirs = qrpay.run(*pay, "--code", issued[1]["code"], "--sale-id", "S2", at=t + 3, stdin=clerk["pin"] + "\n")
    assert theirs["receipt_no"] == "T1-000002"
    check = qrpay.local_only("check", at=t + 4)
    assert check is None or check["ok"] is True


def test_challenges_and_the_topup_password_run_through_the_server_too(qrpay, tmp_path):
    """`qrpay challenges [reset|export]` and `topup-password set` are API operations: the same script on a
    file and through `--server` (where the world's server detects the solve)."""
    demo = qrpay.run("seed-demo", at=T0)
    hanako = demo["customers"][0]
    before = qrpay.run("challenges", at=T0 + 1)
    assert before["solved"] == 0 and before["total"] == len(before["challenges"]) > 0
    assert qrpay.run("policy", "set", "2019", at=T0 + 2)["preset"] == "2019"
    session = qrpay.run("login", "--email", hanako["email"], "--password-stdin", "--device", "attacker-laptop",
                        at=T0 + 3, stdin=hanako["password"] + "\n")["session"]     # the password alone, 2019
    assert qrpay.run("topup-password", "set", "--session", session, "--password-stdin", at=T0 + 4,
                     stdin="tp-secret-9\n") == {"ok": True}
    solved = qrpay.run("challenges", at=T0 + 5)
    ids = {c["id"] for c in solved["challenges"] if c["solved"]}
    assert solved["solved"] == len(ids) >= 1
    out = tmp_path / "progress.json"
    exported = qrpay.run("challenges", "export", str(out), at=T0 + 6)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert exported["solved"] == data["solved"] == len(ids)
    assert {c["id"] for c in data["challenges"] if c["solved"]} == ids
    assert qrpay.run("challenges", "reset", "--yes", at=T0 + 7) == {"reset": True, "forgotten": len(ids)}
    assert qrpay.run("challenges", at=T0 + 8)["solved"] == 0


def test_an_attack_runs_the_same_through_the_server(qrpay, tmp_path):
    """`qrpay attack` is an API operation too: through `--server` the server runs the scenario on its own
    temporary database (the world is untouched) and the command prints the same result."""
    # (on a file, --db keeps the run's own database there for inspection; a server never runs it in a world)
    def world_events():   # (each `qrpay.run` sets the world's clock: those rows are the harness's)
        return [r for r in qrpay.run("audit", "list", "--limit", "1000", at=T0)["rows"] if r["event"] != "clock_changed"]

    audit_before = world_events() if qrpay.remote else None
    runs = {p: qrpay.run("attack", "screenshot-replay", "--policy", p, at=T0) for p in ("2019", "hardened")}
    assert {p: r["outcome"] for p, r in runs.items()} == {"2019": "succeeded", "hardened": "blocked"}
    assert runs["2019"]["yen_lost"] > 0 and runs["hardened"]["yen_lost"] == 0
    assert all(r["ledger_ok"] and r["steps"] for r in runs.values())
    off = qrpay.run("attack", "screenshot-replay", "--off", "single-use-code", "--lang", "ja", at=T0)
    assert off["defences_off"] == ["single-use-code"] and off["outcome"] == "succeeded"
    assert any("\u3040" <= ch <= "\u30ff" for ch in off["title"])           # the texts came in Japanese
    if qrpay.remote:   # the world is untouched; what only this machine can do is refused, not silently dropped
        p = subprocess.run([sys.executable, "-m", "shared.cli.main", "attack", "screenshot-replay", "--policy", "2019",
                            "--report", str(tmp_path / "r.html"), "--server", qrpay.server.url, "--world", qrpay.world],
                           capture_output=True, text=True, cwd=ROOT, timeout=120,
                           env={**os.environ, "QRPAY_ADMIN_TOKEN": qrpay.server.token})
        assert p.returncode == 2 and "--report" in p.stderr and not (tmp_path / "r.html").exists()
        assert world_events() == audit_before and not any(r["event"] == "policy_changed" for r in audit_before)
