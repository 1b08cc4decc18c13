"""RFC 6238 through the project's own TOTP code, real authenticator interop, replay protection."""
import base64
import shutil
import subprocess
import urllib.parse

import pytest

from shared import totp
from shared.audit_events import AuditEvent
from shared.errors import InvalidCredentials, TotpReused
from tests.parallel import race

T0 = 1_795_600_000.0  # tests/conftest.py pins the clock here

SEEDS = {"sha1": b"12345678901234567890",
         "sha256": b"12345678901234567890123456789012",
         "sha512": b"1234567890" * 6 + b"1234"}
TIMES = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000]
EXPECTED = {"sha1": ["94287082", "07081804", "14050471", "89005924", "69279037", "65353130"],
            "sha256": ["46119246", "68084774", "67062674", "91819424", "90698825", "77737706"],
            "sha512": ["90693936", "25091201", "99943326", "93441116", "38618901", "47863826"]}
VECTORS = [(d, t, EXPECTED[d][i]) for d in SEEDS for i, t in enumerate(TIMES)]
PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("digest,t,expected", VECTORS)
def test_rfc6238_appendix_b(digest, t, expected):
    assert totp.totp_code(SEEDS[digest], t, digits=8, digest=digest) == expected
    # the same through the base32 form an authenticator app is given
    b32 = base64.b32encode(SEEDS[digest]).decode()
    assert totp.totp_code(b32, t, digits=8, digest=digest) == expected


def test_all_eighteen_vectors_are_covered():
    assert len(VECTORS) == 18


def test_secret_is_160_bits_and_uri_is_the_key_uri_format():
    s = totp.new_secret()
    assert len(base64.b32decode(s)) == 20
    uri = totp.otpauth_uri(s, "hana@example.jp")
    parsed = urllib.parse.urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert urllib.parse.unquote(parsed.path) == "/qrpay-sim:hana@example.jp"
    q = urllib.parse.parse_qs(parsed.query)
    assert q["secret"] == [s] and q["issuer"] == ["qrpay-sim"]


def test_window_is_current_step_and_one_back_only():
    s = totp.new_secret()
    now = T0
    step = totp.step_of(now)
    assert totp.matching_step(s, totp.totp_code(s, now), now) == step
    assert totp.matching_step(s, totp.totp_code(s, now - 30), now) == step - 1
    assert totp.matching_step(s, totp.totp_code(s, now - 60), now) is None
    assert totp.matching_step(s, totp.totp_code(s, now + 30), now) is None
    assert totp.matching_step(s, "12345", now) is None and totp.matching_step(s, None, now) is None


def test_recovery_codes_are_ten_distinct_and_normalised():
    codes = totp.new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    c = codes[0]
    assert totp.hash_recovery_code(c.upper().replace("-", " ")) == totp.hash_recovery_code(c)
    assert totp.hash_recovery_code(c) != totp.hash_recovery_code(codes[1])


def _enrolled(core, email="aiko@example.jp"):
    e = core.identity.register(email, "Aiko", PASSWORD)
    core.identity.confirm_totp(email, totp.totp_code(e.totp_secret, core.now() - 30))
    return e


@pytest.mark.skipif(shutil.which("oathtool") is None, reason="oathtool not installed")
def test_a_code_from_oathtool_is_accepted(core):
    e = core.identity.register("oath@example.jp", "Oath", PASSWORD)
    code = subprocess.run(["oathtool", "--totp", "-b", e.totp_secret, "-N", f"@{int(core.now())}"],
                          capture_output=True, text=True, check=True).stdout.strip()
    core.identity.confirm_totp("oath@example.jp", code)
    assert core.identity.customer(e.customer_id).totp_enrolled
    core.clock.advance(30)
    code = subprocess.run(["oathtool", "--totp", "-b", e.totp_secret, "-N", f"@{int(core.now())}"],
                          capture_output=True, text=True, check=True).stdout.strip()
    s = core.identity.sign_in("oath@example.jp", PASSWORD, totp=code)
    assert s.step_up_at == core.now()


def test_a_code_works_once(core):
    e = _enrolled(core)
    code = totp.totp_code(e.totp_secret, core.now())
    s = core.identity.sign_in(e.email, PASSWORD, totp=code)
    # hardened sign-in answers a reused or wrong code like a wrong password (no oracle); the audit knows
    with pytest.raises(InvalidCredentials):
        core.identity.sign_in(e.email, PASSWORD, totp=code)
    with pytest.raises(TotpReused):  # a step-up (already signed in) is told plainly
        core.identity.step_up(s.token, totp=code)
    # still refused 29 s later, while it is the "one step back" code
    core.clock.advance(29)
    with pytest.raises(InvalidCredentials):
        core.identity.sign_in(e.email, PASSWORD, totp=code)
    core.clock.advance(31)
    with pytest.raises(InvalidCredentials):  # now too old
        core.identity.sign_in(e.email, PASSWORD, totp=code)
    rows = core.audit_recent(event=AuditEvent.TOTP_REUSED)
    assert len(rows) == 3 and rows[0].customer_id == e.customer_id
    assert core.audit_recent(event=AuditEvent.LOGIN_FAILED)[0].details["reason"] == "totp_wrong"


def _race_sign_in(db_path, now, email, code, barrier, results):
    from argon2 import PasswordHasher

    from shared import passwords
    from shared.clock import FixedClock
    from shared.core import Core
    from shared.errors import QrpayError

    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    core = Core.open(db_path, clock=FixedClock(now))
    try:
        barrier.wait(timeout=60)
        try:
            core.identity.sign_in(email, PASSWORD, totp=code, device="racer")
            results.put("ok")
        except QrpayError as e:
            results.put(e.code)
    finally:
        core.close()


def test_two_processes_submitting_the_same_code_get_exactly_one_success(core, db_path):
    # A fresh account each round: the losers' failures count towards the account's growing delay
    # (3 in a row: wait 1 s), so a second round on the same account would be throttled or not
    # depending on whether last round's winner signed in before or after the losers.
    for round_ in range(2):
        e = _enrolled(core, f"racer{round_}@example.jp")
        core.clock.advance(60)
        now = core.now()
        code = totp.totp_code(e.totp_secret, now)
        n = 3
        outcomes = sorted(race(_race_sign_in, [(str(db_path), now, e.email, code)] * n))
        # hardened: the losers get the wrong-password reply; the audit records the replays
        assert outcomes == ["invalid_credentials"] * (n - 1) + ["ok"], (round_, outcomes)


def test_recovery_code_signs_in_once_and_is_stored_hashed(core, db_path):
    e = _enrolled(core)
    rc = e.recovery_codes[3]
    s = core.identity.sign_in(e.email, PASSWORD, recovery_code=rc.upper())
    assert s.step_up_at is not None
    with pytest.raises(InvalidCredentials):
        core.identity.sign_in(e.email, PASSWORD, recovery_code=rc)
    raw = db_path.read_bytes() + (db_path.parent / (db_path.name + "-wal")).read_bytes()
    assert not any(c.encode() in raw for c in e.recovery_codes)
    used = [m for m in core.inbox(e.email) if "recovery code was used" in m.subject]
    assert len(used) == 1 and "Recovery codes left: 9." in used[0].body
