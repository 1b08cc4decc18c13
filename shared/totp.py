"""RFC 6238 time-based one-time passwords (on pyotp), otpauth:// URIs and recovery codes.

The server keeps the shared secret (it must, to compute the code). Replay protection is not
here but in the identity store: every accepted time step is inserted into a table with
UNIQUE(customer_id, step), inside the transaction that acts on the code.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pyotp

ISSUER = "qrpay-sim"
STEP_SECONDS = 30
DIGITS = 6
SECRET_CHARS = 32          # 32 base32 characters = 160 bits (RFC 4226 §4 recommends 160)
STEPS_BACK = 1             # accept the current step and the one before it, nothing ahead
RECOVERY_CODE_COUNT = 10
# 16 characters from 31 that cannot be misread (no i, l, o, 0, 1) = 79 bits: enough that a plain
# SHA-256 of the code cannot be brute-forced from a stolen database.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_GROUPS = 4
_RECOVERY_GROUP_LEN = 4
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def new_secret() -> str:
    return pyotp.random_base32(SECRET_CHARS)


def otpauth_uri(secret: str, email: str) -> str:
    """Google Authenticator key-URI: otpauth://totp/qrpay-sim:<email>?secret=...&issuer=qrpay-sim"""
    return pyotp.TOTP(secret, issuer=ISSUER).provisioning_uri(name=email)


def step_of(t: float, step: int = STEP_SECONDS) -> int:
    return int(t // step)


def _b32(secret: str | bytes) -> str:
    if isinstance(secret, bytes):
        return base64.b32encode(secret).decode("ascii").rstrip("=")
    return secret.replace(" ", "").upper()


def totp_code(secret: str | bytes, t: float, *, digits: int = DIGITS, digest: str = "sha1",
              step: int = STEP_SECONDS) -> str:
    """The code for unix time `t`. `secret` is raw key bytes (the RFC's ASCII seeds) or base32.

    The counter is computed here from `t` directly (pyotp's `at()` goes through local time)."""
    try:
        fn = _DIGESTS[digest]
    except KeyError:
        raise ValueError(f"digest must be one of {sorted(_DIGESTS)}") from None
    return pyotp.TOTP(_b32(secret), digits=digits, digest=fn, interval=step).generate_otp(step_of(t, step))


def matching_step(secret: str, code: object, now: float) -> int | None:
    """The time step `code` belongs to (current or one back), or None. Every candidate is
    compared in constant time, so timing does not tell which step nearly matched."""
    if not isinstance(code, str):
        return None
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    current = step_of(now)
    found = None
    for s in range(current - STEPS_BACK, current + 1):
        expected = totp_code(secret, s * STEP_SECONDS)
        if hmac.compare_digest(expected.encode(), code.encode()):
            found = s
    return found


# -- recovery codes -----------------------------------------------------------------------------
def new_recovery_codes(n: int = RECOVERY_CODE_COUNT) -> tuple[str, ...]:
    codes = set()
    while len(codes) < n:
        groups = ("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUP_LEN))
                  for _ in range(_RECOVERY_GROUPS))
        codes.add("-".join(groups))
    return tuple(sorted(codes))


def normalize_recovery_code(code: str) -> str:
    """People retype codes with spaces, without dashes or in capitals: all the same code."""
    raw = "".join(ch for ch in code.lower() if ch.isalnum())
    size = _RECOVERY_GROUP_LEN
    return "-".join(raw[i:i + size] for i in range(0, len(raw), size))


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalize_recovery_code(code).encode("utf-8")).hexdigest()
