"""Parser and decoder fuzzing: whatever a camera or a keyboard hands the till, the code parser
returns a value or raises its one error type (CodeParseError: not_ours / malformed), the scanner's
post-processing returns text or None, the decoders return a list, and the till refuses with a
CodeRefused and writes no money. A changed genuine code never carries a valid signature.

The long run (QRPAY_LONG=1, QRPAY_FUZZ_SECONDS, default 600) is a seeded mutation fuzzer over a
corpus of genuine codes and other QR contents; it prints its number of executions.
"""
from __future__ import annotations

import base64
import json
import os
import random
import time

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.clock import FixedClock
from shared.code_format import PREFIX, PaymentCode, numeric_form, parse_code, sign_code, verify_signature
from shared.codes import CodeService
from shared.core import Core
from shared.errors import CodeParseError, CodeRefused, InputError
from shared.scanning.decoders import Decoded, ZbarDecoder, ZxingDecoder, clean_text
from shared.scanning.pipeline import Deduplicator

from .helpers import JANS, Driver, clerk_of, copy_database, seed_database, table_counts

KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key()
GENUINE = sign_code(KEY, nonce=bytes(range(16)), wallet_ref=b"\x01" * 8, issued_at=1_795_600_000, ttl=60,
                    amount_cap=None, counter=7)
GENUINE_RAW = parse_code(GENUINE).signed + parse_code(GENUINE).signature
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

# What else a till's camera sees: other QR contents and other payment schemes' codes.
OTHER_CONTENTS = [
    "https://example.com/?q=QP1:" + "A" * 175,
    "http://qr.paypay.ne.jp/28180104s2mo0gdP1T4jnS9o",
    "https://qr.alipay.com/bax01234abcd5678efgh9012",
    "wxp://f2f0abcdEFGH1234ijklMNOP5678qrst",
    "WIFI:T:WPA;S:Konbini Guest;P:secret-pass;H:false;;",
    "BEGIN:VCARD\nVERSION:3.0\nN:Yamada;Hanako\nTEL:+81-3-1234-5678\nEMAIL:hanako@example.com\nEND:VCARD",
    "MECARD:N:Yamada,Hanako;TEL:0312345678;EMAIL:hanako@example.com;;",
    # EMVCo merchant-presented mode (TLV, CRC at the end) and consumer-presented mode (base64 of BER-TLV)
    "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN"
    "5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***"
    "0708A60086670902ME91320016A0112233449988770708123456786304A13A",
    "hQVDUFYwMWETTwegAAAAVVVVUAhQcm9kdWN0MVoIQUAAAAAAAAFfIA5DQVJESE9MREVSL0VNVg==",
    "bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.001",
    "4901200001019", "12345678901234567890", "88" + "0" * 18, "88 0000 0000 0000 0000 00",
    "QP1:", "QP2:" + "A" * 175, "QP999:" + "A" * 175, "qp1:" + GENUINE[4:].lower(), "QP1:" + "=" * 175,
    GENUINE + "\x00", "\ufeff" + GENUINE, GENUINE.replace("A", "А"),  # Cyrillic А looks the same
    "'; DROP TABLE payment_codes; --", "QP1:' OR '1'='1", "😀" * 50, "",
]


def assert_total(value) -> PaymentCode | None:
    """parse_code's contract: a PaymentCode, or CodeParseError with one of its two codes."""
    try:
        code = parse_code(value)
    except CodeParseError as e:
        assert e.code in ("not_ours", "malformed"), e.code
        assert e.message and len(e.message) < 200
        return None
    assert isinstance(code, PaymentCode)
    return code


def assert_not_forged(text) -> None:
    """A parsed text with a valid signature must be the genuine code itself."""
    code = assert_total(text)
    if code is not None and verify_signature(code, PUBLIC):
        assert code.signed + code.signature == GENUINE_RAW, f"forgery accepted: {text!r}"


def mutate(rng: random.Random, data: bytes) -> bytes:
    """One to four random edits: bit flips, byte changes, cuts, duplications, insertions."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        if op == 0 and b:
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1 and b:
            b[rng.randrange(len(b))] = rng.randrange(256)
        elif op == 2 and b:
            i = rng.randrange(len(b))
            del b[i:i + rng.randint(1, 16)]
        elif op == 3:
            b[rng.randint(0, len(b)):rng.randint(0, len(b))] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 4 and b:
            i = rng.randrange(len(b))
            b[i:i] = b[i:i + rng.randint(1, 64)]
        elif op == 5 and b:
            i = rng.randrange(len(b))
            b[i] = ord(rng.choice(B32))
        else:
            b = b[:rng.randint(0, len(b))]
    return bytes(b)


# -- Hypothesis: the parser -----------------------------------------------------------------------------
fuzz = settings(max_examples=300, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fuzz
@given(st.binary(max_size=2_000))
def test_random_bytes(data):
    assert_total(data)
    assert_total(b"QP1:" + data)


@fuzz
@given(st.text(st.characters(exclude_categories=()), max_size=400))  # lone surrogates included
def test_random_text(text):
    assert_total(text)
    assert_total(PREFIX + text)
    assert numeric_form(text) is None or (len(numeric_form(text)) == 20 and numeric_form(text).isdigit())


@fuzz
@given(st.text(alphabet=B32 + "=:01 \n", min_size=0, max_size=220))
def test_code_shaped_text(body):
    assert_not_forged(PREFIX + body)


@fuzz
@given(st.integers(0, len(GENUINE) - 1), st.integers(0, 7), st.integers(0, len(GENUINE)))
def test_bit_flipped_and_truncated_genuine_codes(pos, bit, cut):
    raw = bytearray(GENUINE.encode("ascii"))
    raw[pos] ^= 1 << bit
    assert_not_forged(bytes(raw))
    try:
        assert_not_forged(bytes(raw).decode("ascii"))
    except UnicodeDecodeError:
        pass
    assert_not_forged(GENUINE[:cut])
    if cut < len(GENUINE):
        assert assert_total(GENUINE[:cut]) is None, "a truncated code parsed"


@pytest.mark.parametrize("text", OTHER_CONTENTS)
def test_other_qr_contents(text):
    assert_not_forged(text)
    assert_not_forged(text.encode("utf-8"))
    if not text.startswith(("QP", "qp", "\ufeffQP")):
        with pytest.raises(CodeParseError) as e:
            parse_code(text)
        assert e.value.code == "not_ours"


@pytest.mark.parametrize("value", [None, 42, 4.2, ["QP1:"], {"a": 1}, object(), memoryview(GENUINE.encode()),
                                   bytearray(GENUINE.encode()), b"\xff\xfe" + GENUINE.encode()])
def test_wrong_types_are_refused_with_the_one_error(value):
    assert_total(value)


def test_huge_inputs_are_refused_at_once():
    for value in ("A" * 10_000_000, PREFIX + "A" * 10_000_000, b"\x00" * 10_000_000,
                  (PREFIX + "A" * 10_000_000).encode(), GENUINE * 10_000):
        t = time.perf_counter()
        with pytest.raises(CodeParseError):
            parse_code(value)
        assert time.perf_counter() - t < 1.0  # no quadratic work on what a scanner can be fed


# -- the scanner's post-processing and decoders --------------------------------------------------------
@fuzz
@given(st.one_of(st.binary(max_size=5_000), st.text(st.characters(exclude_categories=()), max_size=500),
                 st.none(), st.integers()))
def test_clean_text_then_parse(data):
    text = clean_text(data)
    assert text is None or (isinstance(text, str) and text == text.strip() and text
                            and len(text.encode("utf-8")) <= 4096)
    if text is not None:
        assert_not_forged(text)


@fuzz
@given(st.lists(st.text(max_size=30), max_size=6), st.integers(1, 3))
def test_deduplicator_takes_any_text(texts, confirm):
    now = [0.0]
    d = Deduplicator(cooldown_s=1.0, confirm_frames=confirm, clock=lambda: now[0])
    for _ in range(4):
        out = d.accept(Decoded(t, ((0, 0), (1, 0), (1, 1), (0, 1)), "QRCode", "zxing") for t in texts)
        assert len({o.text for o in out}) == len(out) and {o.text for o in out} <= set(texts)
        now[0] += 0.3


@pytest.mark.parametrize("decoder", [ZxingDecoder(), ZbarDecoder()], ids=["zxing", "zbar"])
def test_decoders_are_total_on_garbage_frames(decoder):
    rng = np.random.default_rng(8)
    frames = [None, b"frame", 3, np.zeros(0, np.uint8), np.zeros((5, 5), np.uint8), np.zeros((64, 64), np.float32),
              np.zeros((64, 64, 2), np.uint8), np.zeros((2, 64, 64, 3), np.uint8), np.full((64, 64), 255, np.uint8)]
    frames += [rng.integers(0, 256, size=shape, dtype=np.uint8)
               for shape in [(64, 64), (48, 80, 3), (40, 40, 4), (200, 16), (16, 16, 1)] * 4]
    for frame in frames:
        out = decoder.decode(frame)
        assert isinstance(out, list)
        for d in out:
            assert clean_text(d.text) == d.text


# -- the till: every input is a CodeRefused (or "type the code"), and no money moves ---------------------
@pytest.fixture(scope="module")
def till_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "template.sqlite3"
    demo = seed_database(path)
    return path, demo


def test_the_till_refuses_every_foreign_or_damaged_code(tmp_path, till_template):
    src, demo = till_template
    db = tmp_path / "till.sqlite3"
    copy_database(src, db)
    core = Core.open(db, clock=FixedClock(demo["seeded_until"] + 60))
    genuine = Driver(core, demo).issue(0)
    money_before = _money_tables(db)
    rng = random.Random(8)
    mutants = (mutate(rng, genuine.text.encode()).decode("latin-1") for _ in range(150))
    # Two edits can cancel out (a byte set to its own value, a flip flipped back): such a "mutant" is the
    # genuine code itself and rightly pays, so only texts that differ from it after the parser's strip count.
    inputs = OTHER_CONTENTS + [m for m in mutants if m.strip(" \t\r\n") != genuine.text]
    inputs += [genuine.numeric[:-1] + str((int(genuine.numeric[-1]) + 1) % 10), genuine.numeric[:19]]
    try:
        for k, text in enumerate(inputs):
            try:
                core.sales.pay(terminal_id="T1", clerk_id=clerk_of(demo)["id"], code=text, lines=[(JANS[0], 1)],
                               sale_id=f"fz{k}")
                raise AssertionError(f"paid with {text!r}")
            except CodeRefused as e:
                assert e.code in ("not_ours", "malformed", "bad_signature"), (text, e.code)
            except InputError:
                assert not text.strip()
            verdict = core.codes.inspect(text)
            assert verdict["verdict"] != "ok"
        # and the genuine code still pays once: nothing above burned it
        sale = core.sales.pay(terminal_id="T1", clerk_id=clerk_of(demo)["id"], code=genuine.text,
                              lines=[(JANS[0], 1)], sale_id="fz-genuine")
        assert sale.total == 150
    finally:
        core.close()
    after = _money_tables(db)
    assert after["sales"] == money_before["sales"] + 1 and after["transfers"] == money_before["transfers"] + 1


def _money_tables(db) -> dict[str, int]:
    return {k: v for k, v in table_counts(db).items()
            if k in ("sales", "sale_lines", "transfers", "postings", "code_redemptions", "refunds", "topups")}


# -- the long run ------------------------------------------------------------------------------------------
def fuzz_for(seconds: float, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    corpus = [GENUINE.encode("ascii")] + [t.encode("utf-8") for t in OTHER_CONTENTS]
    corpus.append(base64.b32encode(GENUINE_RAW))
    stats = {"executions": 0, "parsed": 0, "signature_valid": 0, "clean_text_kept": 0}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for _ in range(500):
            data = mutate(rng, rng.choice(corpus))
            code = assert_total(data)
            text = clean_text(data)
            if text is not None:
                stats["clean_text_kept"] += 1
                code = assert_total(text) or code
                numeric_form(text)
            if code is not None:
                stats["parsed"] += 1
                if verify_signature(code, PUBLIC):
                    stats["signature_valid"] += 1
                    assert code.signed + code.signature == GENUINE_RAW, f"forgery accepted: {data!r}"
                if rng.random() < 0.01 and len(corpus) < 2_000:
                    corpus.append(data)  # keep some parseable shapes to mutate further
            stats["executions"] += 1
    return stats


def test_fuzz_smoke():
    stats = fuzz_for(2.0, seed=8)
    assert stats["executions"] > 1_000 and stats["parsed"] > 0


@pytest.mark.slow
@pytest.mark.timeout(7200)  # long runs outlive the suite's 300 s limit
def test_fuzz_long():
    seconds = float(os.environ.get("QRPAY_FUZZ_SECONDS", "600"))
    seed = int(os.environ.get("QRPAY_SEED", "2019"))
    stats = fuzz_for(seconds, seed)
    stats.update(seconds=seconds, seed=seed, crashes=0)
    print(f"\nRELIABILITY fuzz-long {json.dumps(stats)}")
