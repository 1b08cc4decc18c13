"""The payment code's wire format: pure (no database, no clock, no QR library).

Text form (the QR)::

    QP1:<175 characters of RFC 4648 base32, upper case, no padding>

`QP` marks a qrpay code, `1` is the format version. Upper-case base32 with `:` keeps the whole
text in the QR alphanumeric mode, so a code needs a QR of version 8 at level M (measured in
tests/test_codes_parser.py; version 8-M holds 221 alphanumeric characters, a code has 179).
The base32 decodes to 109 bytes, big-endian:

    offset size field
         0    1 version      1 (must match the prefix)
         1    4 key_id       first 4 bytes of SHA-256(raw Ed25519 public key): "not our key" at a glance
         5   16 nonce        128 random bits; the code's identity (RFC 7519 `jti`)
        21    8 wallet_ref   random per wallet, opaque: never the e-mail, name, phone or customer id
        29    4 issued_at    unix seconds
        33    4 ttl          seconds; the code expires at issued_at + ttl (`now >= expires_at` is expired)
        37    4 amount_cap   yen; 0 means no cap
        41    4 counter      per wallet, +1 for every code issued (the EMVCo ATC idea)
        45   64 signature    Ed25519 over b"qrpay-code\\x00" + bytes 0..44

Only the canonical encoding is accepted (the last character's unused bits must be zero), so
every single-character change is either unparseable or breaks the signature.

Numeric form (keyed in at the till, printed under the QR): 20 digits, the operator prefix `88`
then 18 random digits. It is a bearer credential for the code's lifetime, so only its SHA-256 is
stored, linked to the same code row: same expiry, same single use.

`parse_code` is total: a PaymentCode or a CodeParseError (`not_ours` / `malformed`), whatever the
input; the fuzz tests (tests/reliability/test_parser_fuzz.py, tests/test_codes_parser.py) target
this module. The service that issues, stores and redeems codes is shared/codes.py; the picture
is shared/code_image.py.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.errors import CodeParseError, InputError

VERSION = 1
PREFIX = "QP1:"
NUMERIC_PREFIX = "88"
NUMERIC_LENGTH = 20
MAX_INPUT = 1024
SIGNING_CONTEXT = b"qrpay-code\x00"

_LAYOUT = struct.Struct(">B4s16s8sIIII")  # the signed part, 45 bytes
SIGNATURE_SIZE = 64
RAW_SIZE = _LAYOUT.size + SIGNATURE_SIZE    # 109
BODY_CHARS = (RAW_SIZE * 8 + 4) // 5        # 175
_U32 = 0xFFFF_FFFF
_B32 = re.compile(r"[A-Z2-7]+")
_OUR_PREFIX = re.compile(r"QP[0-9]{1,3}:")

NOT_OURS_MESSAGE = "This is not a qrpay payment code."
MALFORMED_MESSAGE = "This payment code is damaged or incomplete; ask the customer to show it again."


@dataclass(frozen=True, slots=True)
class PaymentCode:
    """A parsed code; its signature is not checked yet (see `verify_signature`)."""

    version: int
    key_id: bytes
    nonce: bytes
    wallet_ref: bytes
    issued_at: int
    ttl: int
    amount_cap: int | None
    counter: int
    signature: bytes
    signed: bytes  # the exact bytes the signature covers (without the context)

    @property
    def expires_at(self) -> int:
        return self.issued_at + self.ttl

    @property
    def nonce_hex(self) -> str:
        return self.nonce.hex()

    @property
    def key_id_hex(self) -> str:
        return self.key_id.hex()


# -- keys -------------------------------------------------------------------------------------------
def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_of(public_key: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(raw_public_key(public_key)).digest()[:4]


# -- format -----------------------------------------------------------------------------------------
def sign_code(private_key: Ed25519PrivateKey, *, nonce: bytes, wallet_ref: bytes, issued_at: int, ttl: int,
              amount_cap: int | None, counter: int) -> str:
    """The text form of a code signed by `private_key` (tests use it to forge with other keys)."""
    if len(nonce) != 16 or len(wallet_ref) != 8:
        raise InputError("A code needs a 16-byte nonce and an 8-byte wallet reference.")
    for name, value in (("issued_at", issued_at), ("ttl", ttl), ("amount_cap", amount_cap or 0),
                        ("counter", counter)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= _U32:
            raise InputError(f"The code's {name} does not fit its field.")
    signed = _LAYOUT.pack(VERSION, key_id_of(private_key.public_key()), nonce, wallet_ref, issued_at, ttl,
                          amount_cap or 0, counter)
    raw = signed + private_key.sign(SIGNING_CONTEXT + signed)
    return PREFIX + base64.b32encode(raw).decode("ascii").rstrip("=")


def _not_ours() -> CodeParseError:
    return CodeParseError(NOT_OURS_MESSAGE, code="not_ours")


def _malformed(why: str) -> CodeParseError:
    return CodeParseError(MALFORMED_MESSAGE, code="malformed", why=why)


def _as_text(data: object) -> str:
    """Total conversion of scanner output to text, refusing what cannot be a code."""
    if isinstance(data, str):
        if len(data) > MAX_INPUT:
            raise _malformed("too long") if data.startswith("QP") and _OUR_PREFIX.match(data[:8]) else _not_ours()
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data[:MAX_INPUT + 1])
        ours = _OUR_PREFIX.match(raw[:8].decode("latin-1")) is not None
        if len(raw) > MAX_INPUT:
            raise _malformed("too long") if ours else _not_ours()
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError:
            raise (_malformed("not ASCII") if ours else _not_ours()) from None
    raise _not_ours()


def parse_code(text: str | bytes) -> PaymentCode:
    """Parse a code's text form. Total: returns a PaymentCode or raises CodeParseError
    (code `not_ours` for anything that is not a qrpay code, `malformed` for a broken one)."""
    s = _as_text(text).strip(" \t\r\n")
    m = _OUR_PREFIX.match(s)
    if m is None:
        raise _not_ours()
    if m.group(0) != PREFIX:
        raise _malformed("unknown format version")
    body = s[len(PREFIX):]
    if len(body) != BODY_CHARS or not _B32.fullmatch(body):
        raise _malformed("wrong length or characters")
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        raise _malformed("not base32") from None
    if len(raw) != RAW_SIZE or base64.b32encode(raw).decode("ascii").rstrip("=") != body:
        raise _malformed("not the canonical encoding")
    signed, signature = raw[:_LAYOUT.size], raw[_LAYOUT.size:]
    version, key_id, nonce, wallet_ref, issued_at, ttl, cap, counter = _LAYOUT.unpack(signed)
    if version != VERSION:
        raise _malformed("version byte does not match the prefix")
    if ttl == 0:
        raise _malformed("no lifetime")
    return PaymentCode(version, key_id, nonce, wallet_ref, issued_at, ttl, cap or None, counter, signature, signed)


def verify_signature(code: PaymentCode, public_key: Ed25519PublicKey) -> bool:
    if not hmac.compare_digest(code.key_id, key_id_of(public_key)):
        return False
    try:
        public_key.verify(code.signature, SIGNING_CONTEXT + code.signed)
    except InvalidSignature:
        return False
    return True


def numeric_form(presented: object) -> str | None:
    """The 20 digits when `presented` is keyed-in numeric form (spaces and hyphens allowed), else None."""
    if not isinstance(presented, str) or len(presented) > 64:
        return None
    digits = presented.strip().replace(" ", "").replace("-", "")
    if len(digits) == NUMERIC_LENGTH and digits.isascii() and digits.isdigit() \
            and digits.startswith(NUMERIC_PREFIX):
        return digits
    return None


def numeric_hash(digits: str) -> str:
    return hashlib.sha256(digits.encode("ascii")).hexdigest()


def new_numeric() -> str:
    return NUMERIC_PREFIX + f"{secrets.randbelow(10 ** 18):018d}"
