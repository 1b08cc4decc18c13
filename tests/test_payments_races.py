"""Issue 11 item 5 and the refund race, with REAL parallel processes (multiprocessing 'spawn', a
barrier, each process opening the same SQLite file): attempt limits reserve the attempt before the
Argon2 comparison, caps hold when tills race, and parallel refunds never return more than was sold.
After every race the core's own checks (ledger invariants, audit chain) pass."""
from __future__ import annotations

import os
import time

import pytest

from shared import ledger
from shared.audit_events import AuditEvent
from shared.checks import run_checks
from shared.errors import Locked, QrpayError, Throttled
from tests import parallel
from test_sales import BATTERY, BENTO, CABLE, ONIGIRI, TEA, clerk, demo, wallets  # noqa: F401  (fixtures)

VISA = "4242 4242 4242 4242"
TOPUP_PASSWORD = "harbor-lantern-quartz-77"


# -- child processes ------------------------------------------------------------------------------------------
def _count_checks(checks_file: str, delay: float) -> None:
    """Every Argon2 comparison in this process appends a line to `checks_file` (and takes `delay`
    longer, to hold the race window open the way a production-cost hash does)."""
    from shared import passwords

    real = passwords.verify_secret

    def counting(stored, secret):
        fd = os.open(checks_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, b"check\n")
        finally:
            os.close(fd)
        time.sleep(delay)
        return real(stored, secret)
    passwords.verify_secret = counting


def _lines(path: str) -> int:
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def _retrying(fn, tries: int = 200):
    """A till retries "busy, try again in a moment" (throttled) the way a clerk would."""
    for _ in range(tries):
        try:
            return fn()
        except Throttled:
            time.sleep(0.05)
    return fn()


def _attempt(kind, db_target, now, args, checks_file, wait_for_checks, barrier, results):
    from shared.clock import FixedClock
    from shared.core import Core

    if checks_file:
        _count_checks(checks_file, delay=0.3)
    core = Core.open(db_target, clock=FixedClock(now))
    try:
        barrier.wait(timeout=120)
        if wait_for_checks:                   # arrive while the first comparisons are under way
            deadline = time.monotonic() + 60
            while _lines(checks_file) < wait_for_checks and time.monotonic() < deadline:
                time.sleep(0.01)
        try:
            if kind == "pin":
                core.staff.require_supervisor(args["staff_id"], args["pin"])
                results.put(("ok", args["tag"]))
            elif kind == "topup_password":
                core.topups.top_up(args["token"], 1_000, VISA, topup_password=args["password"])
                results.put(("ok", args["tag"]))
            elif kind == "topup":
                t = _retrying(lambda: core.topups.top_up(args["token"], args["amount"], VISA,
                                                         topup_password=TOPUP_PASSWORD))
                results.put(("ok", t.amount))
            elif kind == "pay":
                s = core.sales.pay(terminal_id=args["terminal"], clerk_id=args["clerk"], code=args["code"],
                                   lines=args["lines"], sale_id=args["sale_id"])
                results.put(("ok", s.total))
            elif kind == "refund":
                r = _retrying(lambda: core.refunds.refund(sale_id=args["sale_id"], lines=args["lines"],
                                                          supervisor_id=args["sup"], pin=args["pin"],
                                                          refund_id=args["refund_id"]))
                results.put(("ok", r.total, args["sale_id"]))
        except QrpayError as e:
            results.put((e.code, args.get("tag"), args.get("sale_id")))
    finally:
        core.close()


def race(db_target, now, jobs, *, checks_file="", waiting=()):
    """Run `jobs` [(kind, args)] in parallel processes released together; returns their results."""
    return parallel.race(_attempt, [(kind, str(db_target), now, args, checks_file, 5 if i in waiting else 0)
                                    for i, (kind, args) in enumerate(jobs)], timeout=300)


def supervisor(demo):
    return next(s for s in demo["staff"] if s["role"] == "supervisor")


# -- staff PINs ------------------------------------------------------------------------------------------------
def test_parallel_wrong_supervisor_pins_get_at_most_five_checks_and_the_right_one_is_refused(core, demo, db_target,
                                                                                          tmp_path):
    """Before: the lock was read before and written after the Argon2 check, so 20 parallel wrong
    PINs were all checked, and the right PIN was accepted while the lock was due."""
    boss = supervisor(demo)
    wrong = [p for p in ("0000", "1111", "2222", "3333", "4444", "5555", "6666", "7777", "8888", "9999")
             if p != boss["pin"]]
    jobs = [("pin", {"staff_id": boss["id"], "pin": wrong[i % len(wrong)] + str(i % 10), "tag": f"w{i}"})
            for i in range(20)]
    jobs.append(("pin", {"staff_id": boss["id"], "pin": boss["pin"], "tag": "right"}))
    checks = str(tmp_path / "checks.log")
    out = race(db_target, core.now(), jobs, checks_file=checks, waiting={20})
    assert _lines(checks) <= 5, _lines(checks)
    right = [o for o in out if o[1] == "right"]
    assert right and right[0][0] in ("locked", "throttled"), out
    assert all(o[0] in ("invalid_credentials", "locked", "throttled") for o in out if o[1] != "right")
    with pytest.raises(Locked):                           # and now it is locked, for the right PIN too
        core.staff.require_supervisor(boss["id"], boss["pin"])
    assert len(core.audit_recent(event=AuditEvent.STAFF_LOGIN_FAILED)) <= 5
    assert len(core.audit_recent(event=AuditEvent.STAFF_LOCKED)) == 1
    assert run_checks(core) == []


# -- the 2019 top-up password ----------------------------------------------------------------------------------
def _token_2019(core, demo, i=0):
    core.set_policy("2019")
    c = demo["customers"][i]
    token = core.identity.sign_in(c["email"], c["password"]).token
    core.topups.set_topup_password(token, TOPUP_PASSWORD)
    return token, c["customer_id"]


def test_parallel_topup_password_guesses_get_at_most_five_checks(core, demo, db_target, tmp_path):
    token, cid = _token_2019(core, demo)
    before = core.wallet.balance(cid)
    jobs = [("topup_password", {"token": token, "password": f"guess-number-{i:02d}", "tag": f"w{i}"})
            for i in range(12)]
    jobs.append(("topup_password", {"token": token, "password": TOPUP_PASSWORD, "tag": "right"}))
    checks = str(tmp_path / "checks.log")
    out = race(db_target, core.now(), jobs, checks_file=checks, waiting={12})
    assert _lines(checks) <= 5, _lines(checks)
    assert [o[0] for o in out if o[1] == "right"][0] in ("locked", "throttled"), out
    assert core.wallet.balance(cid) == before              # no top-up landed
    assert len(core.audit_recent(event=AuditEvent.TOPUP_PASSWORD_LOCKED)) == 1
    assert run_checks(core) == []


# -- caps under racing tills ----------------------------------------------------------------------------------
def test_parallel_topups_never_pass_the_daily_cap(core, demo, db_target):
    token, cid = _token_2019(core, demo, 1)
    before = core.wallet.balance(cid)
    cap = core.policy.topup_max_per_day                    # 2019: ¥300,000
    jobs = [("topup", {"token": token, "amount": 60_000, "tag": f"t{i}"}) for i in range(8)]
    out = race(db_target, core.now(), jobs)
    landed = [o for o in out if o[0] == "ok"]
    assert len(landed) == cap // 60_000 == 5, out
    assert all(o[0] == "limit_exceeded" for o in out if o[0] != "ok"), out
    assert core.wallet.balance(cid) == before + 5 * 60_000
    assert run_checks(core) == []


def test_parallel_payments_with_one_reusable_code_never_pass_the_daily_cap(core, demo, wallets, db_target):
    core.set_policy("2019")                                # day-long reusable codes, ¥1,000,000 a day
    cid = wallets.customer(0)["customer_id"]
    with core.db.write() as conn:
        ledger.transfer(conn, key="race-fund", kind="seed", at=core.now(),
                        postings=[(ledger.CARD_CLEARING, -3_000_000), (ledger.wallet_account(cid), 3_000_000)])
    code = wallets.code(0)
    cart = [(CABLE, 99), (BATTERY, 99), (BENTO, 99)]
    total = core.sales.quote(cart).total
    assert total == 217_404
    before = core.wallet.balance(cid)
    jobs = [("pay", {"terminal": ("T1", "T2")[i % 2], "clerk": clerk(demo), "code": code.text, "lines": cart,
                     "sale_id": f"race-{i}"}) for i in range(8)]
    out = race(db_target, core.now(), jobs)
    ok = [o for o in out if o[0] == "ok"]
    assert len(ok) == core.policy.payment_max_per_day // total == 4, out
    assert all(o[0] == "limit_exceeded" for o in out if o[0] != "ok"), out
    assert core.wallet.balance(cid) == before - 4 * total
    assert run_checks(core) == []


# -- refunds ----------------------------------------------------------------------------------------------------
def test_parallel_refunds_never_return_more_than_was_sold(core, demo, wallets, db_target):
    a = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text,
                       lines=[(ONIGIRI, 3), (TEA, 1)], sale_id="race-a")
    b = core.sales.pay(terminal_id="T2", clerk_id=clerk(demo), code=wallets.code(1).text,
                       lines=[(BATTERY, 2)], sale_id="race-b")
    boss = supervisor(demo)
    before = (core.wallet.balance(a.customer_id), core.wallet.balance(b.customer_id))
    jobs = [("refund", {"sale_id": a.id, "lines": [(ONIGIRI, 1)], "sup": boss["id"], "pin": boss["pin"],
                        "refund_id": f"Ra-{i}"}) for i in range(7)]
    jobs += [("refund", {"sale_id": b.id, "lines": None, "sup": boss["id"], "pin": boss["pin"],
                         "refund_id": f"Rb-{i}"}) for i in range(4)]
    out = race(db_target, core.now(), jobs)
    on_a = [o[0] for o in out if o[-1] == a.id]
    on_b = [o[0] for o in out if o[-1] == b.id]
    assert sorted(on_a) == ["exceeds_paid"] * 4 + ["ok"] * 3, out
    assert sorted(on_b) == ["already_refunded"] * 3 + ["ok"], out
    assert core.wallet.balance(a.customer_id) == before[0] + 3 * 150
    assert core.wallet.balance(b.customer_id) == before[1] + b.total
    with core.db.read() as conn:
        refunded = conn.execute("SELECT coalesce(sum(total), 0) FROM refunds").fetchone()[0]
    assert refunded == 3 * 150 + b.total
    assert run_checks(core) == []
