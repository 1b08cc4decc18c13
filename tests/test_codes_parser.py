"""The payment-code format without a database: layout, signing, the total parser, the QR size."""
from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared import code_format as codes
from shared.code_format import BODY_CHARS, PREFIX, PaymentCode, numeric_form, parse_code, sign_code, verify_signature
from shared.code_image import qr_matrix, qr_version
from shared.errors import CodeParseError, CodeRefused

KEY = Ed25519PrivateKey.generate()
NONCE = bytes(range(16))
WALLET_REF = bytes.fromhex("a1b2c3d4e5f60718")


def make(key=KEY, **over) -> str:
    fields = dict(nonce=NONCE, wallet_ref=WALLET_REF, issued_at=1_795_600_000, ttl=60, amount_cap=None, counter=3)
    fields.update(over)
    return sign_code(key, **fields)


VALID = make()


def accepted(text) -> bool:
    """What a till's format layer says: parses and carries our key's valid signature."""
    try:
        code = parse_code(text)
    except CodeParseError:
        return False
    return verify_signature(code, KEY.public_key())


# -- the layout ---------------------------------------------------------------------------------------
def test_a_code_round_trips_every_field():
    text = make(amount_cap=1234, counter=99, ttl=300)
    code = parse_code(text)
    assert isinstance(code, PaymentCode)
    assert (code.version, code.nonce, code.wallet_ref, code.issued_at, code.ttl, code.amount_cap, code.counter) == \
        (1, NONCE, WALLET_REF, 1_795_600_000, 300, 1234, 99)
    assert code.expires_at == 1_795_600_300
    assert code.key_id == codes.key_id_of(KEY.public_key())
    assert verify_signature(code, KEY.public_key())


def test_text_is_qr_alphanumeric_and_fixed_length():
    assert VALID.startswith(PREFIX)
    assert len(VALID) == len(PREFIX) + BODY_CHARS == 179
    alnum = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert set(VALID) <= alnum


@pytest.mark.parametrize("ttl", [15, 60, 300, 86_400])
def test_qr_version_at_most_8_at_level_m(ttl):
    text = make(ttl=ttl, amount_cap=10_000_000, counter=2**32 - 1, issued_at=2**32 - 1 - ttl)
    assert qr_version(text) <= 8
    size = len(qr_matrix(text))
    assert size == 4 * qr_version(text) + 17 + 2 * 4  # modules plus the 4-module quiet zone on each side


def test_no_amount_cap_is_none():
    assert parse_code(make(amount_cap=None)).amount_cap is None


def test_a_code_signed_by_another_key_fails_verification():
    other = Ed25519PrivateKey.generate()
    forged = make(key=other)
    code = parse_code(forged)  # well-formed ...
    assert code.key_id != codes.key_id_of(KEY.public_key())
    assert not verify_signature(code, KEY.public_key())  # ... but not ours


def test_another_key_claiming_our_key_id_fails_verification():
    other = Ed25519PrivateKey.generate()
    raw = bytearray(base64.b32decode(make(key=other)[len(PREFIX):] + "="))
    raw[1:5] = codes.key_id_of(KEY.public_key())
    text = PREFIX + base64.b32encode(bytes(raw)).decode().rstrip("=")
    assert parse_code(text).key_id == codes.key_id_of(KEY.public_key())
    assert not accepted(text)


def test_reencoding_a_resigned_body_with_changed_field_fails():
    raw = bytearray(base64.b32decode(VALID[len(PREFIX):] + "="))
    raw[33:37] = (86_400).to_bytes(4, "big")  # stretch the ttl to a day
    assert not accepted(PREFIX + base64.b32encode(bytes(raw)).decode().rstrip("="))


# -- every single-byte change is refused --------------------------------------------------------------
def test_every_single_byte_change_is_refused_exhaustively():
    data = VALID.encode("ascii")
    assert accepted(data)
    for pos in range(len(data)):
        for value in range(256):
            if value == data[pos]:
                continue
            mutated = data[:pos] + bytes([value]) + data[pos + 1:]
            assert not accepted(mutated), (pos, value)


@given(pos=st.integers(min_value=0, max_value=len(VALID) - 1), value=st.integers(min_value=0, max_value=255))
def test_single_byte_change_property(pos, value):
    data = bytearray(VALID.encode("ascii"))
    if data[pos] == value:
        return
    data[pos] = value
    assert not accepted(bytes(data))


def test_non_canonical_last_character_is_refused():
    # 109 bytes use 872 of the 875 bits in 175 characters: the last character's low 3 bits must be 0.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    last = alphabet.index(VALID[-1])
    for low in range(1, 8):
        twin = VALID[:-1] + alphabet[(last & ~7) | low]
        with pytest.raises(CodeParseError) as e:
            parse_code(twin)
        assert e.value.code == "malformed"


# -- parser totality ----------------------------------------------------------------------------------
def parse_outcome(data):
    """PaymentCode or CodeParseError with one of the two codes; anything else fails the test."""
    try:
        result = parse_code(data)
    except CodeParseError as e:
        assert e.code in ("not_ours", "malformed")
        assert isinstance(e, CodeRefused) and e.message
        return e.code
    assert isinstance(result, PaymentCode)
    return "ok"


FOREIGN = [
    "", " ", "\x00", "https://example.com/pay?amount=100", "WIFI:T:WPA;S:cafe;P:secret;;",
    "BEGIN:VCARD\nVERSION:3.0\nN:Yamada;Hanako\nEND:VCARD",
    # EMVCo merchant-presented and consumer-presented payloads
    "00020101021129370016A000000677010111011300668123456785802TH53037645406100.006304ABCD",
    "hQVDUFYwMWETTwegAAAAAwEwUAVWSVNBIFcCEQ==",
    "4901234567894", "12345678901234567890", "8812345678901234567",  # EAN-13, numbers
    "otpauth://totp/qrpay:a@b.jp?secret=JBSWY3DPEHPK3PXP", "qp1:" + VALID[4:].lower(), "QPAY", "QP",
    "日本語のテキスト", "\ud800", "QR-Code:" + VALID,
]


@pytest.mark.parametrize("text", FOREIGN)
def test_foreign_text_is_not_ours(text):
    assert parse_outcome(text) == "not_ours"


@pytest.mark.parametrize("text", ["QP1:", "QP1:AAAA", "QP2:" + VALID[4:], "QP1:" + VALID[4:-1], VALID + "A",
                                  "QP1:" + "=" * 175, "QP1:" + VALID[4:].lower(), VALID[:100] + "\x00" + VALID[101:]])
def test_broken_codes_with_our_prefix_are_malformed(text):
    assert parse_outcome(text) == "malformed"


def test_surrounding_whitespace_from_a_scanner_is_tolerated():
    assert parse_code(VALID + "\r\n").nonce == NONCE
    assert parse_code(b"  " + VALID.encode() + b"\n").nonce == NONCE


@pytest.mark.parametrize("size", [1025, 10_000, 5_000_000])
def test_huge_inputs_are_refused_quickly(size):
    import time
    for data in ("A" * size, b"\xff" * size, PREFIX + "A" * size, (PREFIX + "A" * size).encode()):
        t = time.perf_counter()
        assert parse_outcome(data) in ("not_ours", "malformed")
        assert time.perf_counter() - t < 0.05


@pytest.mark.parametrize("data", [None, 42, 3.5, ["QP1:"], object(), bytearray(VALID.encode()), memoryview(b"QP1:")])
def test_other_types_never_raise_anything_else(data):
    parse_outcome(data)


def test_every_truncation_is_refused():
    for n in range(len(VALID)):
        assert parse_outcome(VALID[:n]) != "ok", n
        assert not accepted(VALID[:n].encode())


def test_every_bit_flip_is_refused():
    data = VALID.encode()
    for pos in range(len(data)):
        for bit in range(8):
            flipped = bytearray(data)
            flipped[pos] ^= 1 << bit
            parse_outcome(bytes(flipped))
            assert not accepted(bytes(flipped)), (pos, bit)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=2000), st.binary(max_size=2000),
                 st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=", min_size=170, max_size=180).map(lambda s: PREFIX + s),
                 st.binary(min_size=100, max_size=120).map(lambda b: PREFIX + base64.b32encode(b).decode().rstrip("=")),
                 st.binary(max_size=300).map(lambda b: PREFIX.encode() + b)))
def test_parser_is_total_on_random_input(data):
    parse_outcome(data)


@given(st.integers(min_value=0, max_value=len(VALID)), st.binary(max_size=50))
def test_splices_into_a_valid_code_are_total(pos, junk):
    data = VALID.encode()[:pos] + junk + VALID.encode()[pos:]
    outcome = parse_outcome(data)
    if junk.strip(b" \t\r\n"):
        assert not accepted(data)
    else:
        assert outcome in ("ok", "malformed")


# -- the numeric form ---------------------------------------------------------------------------------
def test_numeric_form_has_operator_prefix_and_20_digits():
    seen = {codes.new_numeric() for _ in range(200)}
    assert len(seen) == 200
    for n in seen:
        assert len(n) == 20 and n.isdigit() and n.startswith("88")
        assert numeric_form(n) == n
        assert numeric_form(f"{n[:4]} {n[4:8]}-{n[8:12]} {n[12:16]} {n[16:]}") == n


@pytest.mark.parametrize("text", ["4901234567894", "12345678901234567890", "88123", "881234567890123456789",
                                  "88１２３４５６７８９０１２３４５６７８", "88" + "x" * 18, None, b"88" + b"1" * 18])
def test_other_numbers_are_not_the_numeric_form(text):
    assert numeric_form(text) is None


def test_parse_code_refuses_the_numeric_form_as_not_ours():
    assert parse_outcome(codes.new_numeric()) == "not_ours"
