"""Issue 11 item 5: every identity attempt limit is reserved in the transaction that checks it,
before the expensive comparison. Attacked with REAL parallel processes ('spawn'), each opening
the same SQLite file and released together by a barrier; every process logs each comparison it
really made (Argon2 verify against the stored hash, TOTP computation) to a shared file, and the
parent counts them: N concurrent attempts never get more comparisons than the limit allows."""
from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path

import pytest

from shared import totp
from shared.mailbox import MessageKind
from shared.policy import HARDENED
from tests.parallel import race

PW = "correct horse battery staple"
WRONG = [f"wrong password {i:02d} quartz" for i in range(40)]
PARALLEL = 30        # sign-ins and reset codes: the 30
PARALLEL_TOTP = 16   # TOTP checks: more than the lock allows, fewer processes to start


def _worker(db, now, action, args, delay, overrides, log_path, barrier, results):
    import os
    import time

    from argon2 import PasswordHasher

    from shared import passwords
    from shared import totp as totp_mod
    from shared.clock import FixedClock
    from shared.core import Core
    from shared.errors import QrpayError
    from shared.policy import HARDENED as H

    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # burn_time's dummy only
    real_verify, real_match = passwords.verify_secret, totp_mod.matching_step

    def log(line):
        fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)

    def verify(h, s):
        log("argon2 " + h)
        return real_verify(h, s)

    def match(secret, code, at):
        log("totp " + secret)
        return real_match(secret, code, at)
    passwords.verify_secret = verify
    totp_mod.matching_step = match
    if overrides:
        policy = dataclasses.replace(H, **overrides)
        Core.policy = property(lambda self: policy)
    core = Core.open(db, clock=FixedClock(now))
    try:
        barrier.wait(timeout=120)
        if delay:
            time.sleep(delay)
        try:
            if action == "sign_in":
                core.identity.sign_in(args["email"], args["password"], totp=args["totp"], source=args["source"])
            elif action == "reset":
                core.identity.complete_reset(args["email"], args["code"], args["new_password"], totp=args["totp"])
            elif action == "step_up":
                core.identity.step_up(args["token"], totp=args["totp"])
            elif action == "confirm_totp":
                core.identity.confirm_totp(args["email"], args["totp"])
            results.put((args["tag"], "ok"))
        except QrpayError as e:
            results.put((args["tag"], e.code))
    finally:
        core.close()


def _race(db_target, now, jobs, overrides=None):
    """jobs: (action, args, delay). Returns ({tag: outcome}, [logged comparisons])."""
    log_path = str(Path(tempfile.mkdtemp(prefix="qrpay-checks-")) / "checks")
    Path(log_path).write_text("")
    outcomes = dict(race(_worker, [(str(db_target), now, action, args, delay, overrides, log_path)
                                   for action, args, delay in jobs], timeout=300))
    return outcomes, Path(log_path).read_text().splitlines()


def _customer(core, email="target@example.jp"):
    """A customer whose stored hash costs real work (so the racers overlap), enrolled."""
    from argon2 import PasswordHasher

    from shared import passwords
    passwords.HASHER = PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    e = core.identity.register(email, "Target", PW)
    core.identity.confirm_totp(email, totp.totp_code(e.totp_secret, core.now() - 30))
    with core.db.read() as conn:
        stored = conn.execute("SELECT password_hash FROM customers WHERE id = ?", (e.customer_id,)).fetchone()[0]
    return e, stored


@pytest.mark.parametrize("overrides", [None, {"delay_after_failures": 0}], ids=["hardened", "lock-only"])
def test_parallel_sign_ins_get_no_more_checks_than_the_limit_and_the_right_one_is_refused(core, db_target,
                                                                                          overrides):
    e, stored = _customer(core)
    core.clock.advance(60)
    now = core.now()
    right_code = totp.totp_code(e.totp_secret, now)
    jobs = [("sign_in", dict(tag=f"wrong{i}", email=e.email, password=WRONG[i], totp="000000" if right_code
                             != "000000" else "111111", source=f"198.51.100.{i}"), 0.0)
            for i in range(PARALLEL - 1)]
    jobs.append(("sign_in", dict(tag="right", email=e.email, password=PW, totp=right_code, source="home"), 2.0))
    outcomes, checks = _race(db_target, now, jobs, overrides)
    real_checks = [c for c in checks if c == "argon2 " + stored]
    limit = HARDENED.lock_after_failures
    assert len(real_checks) <= limit, (len(real_checks), outcomes)
    assert outcomes["right"] in ("locked", "throttled"), outcomes  # sent last, after the lock: refused
    if overrides:  # no delays: exactly the lock's worth of checks, the rest locked without a check
        assert len(real_checks) == limit
        assert sorted(outcomes.values()).count("locked") == PARALLEL - limit + 1
    with core.db.read() as conn:
        pending = conn.execute("SELECT count(*) FROM login_failures WHERE pending = 1").fetchone()[0]
    assert pending == 0  # every reserved attempt was settled


def test_parallel_reset_code_guesses_get_at_most_the_codes_attempts(core, db_target):
    e, _ = _customer(core)
    core.identity.request_reset(e.email)
    mail = [m for m in core.inbox(e.email) if m.kind is MessageKind.RESET][0]
    code = re.search(r"\b(\d{8})\b", mail.body).group(1)
    with core.db.read() as conn:
        code_hash = conn.execute("SELECT code_hash FROM reset_codes").fetchone()[0]
    core.clock.advance(30)
    now = core.now()
    factor = totp.totp_code(e.totp_secret, now)
    guesses = [f"{(int(code) + 1 + i) % 10**8:08d}" for i in range(PARALLEL - 1)]
    jobs = [("reset", dict(tag=f"g{i}", email=e.email, code=g, new_password="violet kettle orbit 1987 lantern",
                           totp=factor), 0.0) for i, g in enumerate(guesses)]
    jobs.append(("reset", dict(tag="right", email=e.email, code=code, new_password="violet kettle orbit 1987 lantern",
                               totp=factor), 2.0))
    from shared.identity import RESET_MAX_ATTEMPTS
    outcomes, checks = _race(db_target, now, jobs)
    real_checks = [c for c in checks if c == "argon2 " + code_hash]
    assert len(real_checks) <= RESET_MAX_ATTEMPTS, len(real_checks)
    assert outcomes["right"] == "reset_code_invalid"  # the code was burnt by the guesses before it
    with core.db.read() as conn:
        attempts = conn.execute("SELECT attempts FROM reset_codes").fetchone()[0]
    assert attempts == RESET_MAX_ATTEMPTS


def test_parallel_step_up_guesses_get_no_more_totp_checks_than_the_limit(core, db_target):
    e, _ = _customer(core)
    core.clock.advance(30)
    s = core.identity.sign_in(e.email, PW, totp=totp.totp_code(e.totp_secret, core.now()))
    core.clock.advance(30)
    now = core.now()
    right = totp.totp_code(e.totp_secret, now)
    wrong = [f"{(int(right) + 1 + i) % 10**6:06d}" for i in range(PARALLEL_TOTP)]
    jobs = [("step_up", dict(tag=f"t{i}", token=s.token, totp=w), 0.0) for i, w in enumerate(wrong)]
    outcomes, checks = _race(db_target, now, jobs, {"delay_after_failures": 0})
    real_checks = [c for c in checks if c == "totp " + e.totp_secret]
    assert len(real_checks) <= HARDENED.lock_after_failures, (len(real_checks), outcomes)
    assert sorted(outcomes.values()).count("locked") >= PARALLEL_TOTP - HARDENED.lock_after_failures


def test_parallel_enrolment_confirms_get_no_more_totp_checks_than_the_limit(core, db_target):
    from argon2 import PasswordHasher

    from shared import passwords
    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    e = core.identity.register("fresh@example.jp", "Fresh", PW)  # not yet confirmed: a TOTP guess enrols
    now = core.now()
    right = totp.totp_code(e.totp_secret, now)
    wrong = [f"{(int(right) + 1 + i) % 10**6:06d}" for i in range(PARALLEL_TOTP)]
    jobs = [("confirm_totp", dict(tag=f"c{i}", email=e.email, totp=w), 0.0) for i, w in enumerate(wrong)]
    outcomes, checks = _race(db_target, now, jobs)
    real_checks = [c for c in checks if c == "totp " + e.totp_secret]
    assert len(real_checks) <= HARDENED.lock_after_failures, (len(real_checks), outcomes)
    assert not core.identity.customer(e.customer_id).totp_enrolled
