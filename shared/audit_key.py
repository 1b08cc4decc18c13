"""The audit log's signing key and witness, kept OUTSIDE the database.

Each database gets a random id (`settings.db_id`, set by the `audit_anchor` migration). Its
Ed25519 signing key lives in the per-user config directory as `audit-<db_id>.key` (mode 0600, the
directory 0700); the audit log's head (row count + last hash) is signed with it in every write
transaction that records an event, so someone holding only the database file cannot rewrite the
log and re-sign it.

Next to the key, `audit-<db_id>-<path hash>.head` (the witness) keeps the last head this machine
committed for the database at that path. It is written after the commit and only ever moves
forward; a database whose log does not extend it was rolled back to an older copy (or its log was
wiped together with the signed head).

The directory is `$QRPAY_CONFIG_DIR` if set (tests, kiosks), else platformdirs'
`user_config_dir("qrpay-sim")`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.exceptions import InvalidSignature

from shared.errors import StorageError

ENV = "QRPAY_CONFIG_DIR"
_DB_ID = re.compile(r"[0-9a-f]{32}")
_CONTEXT = b"qrpay-sim audit head v1\x00"
_cache: dict[Path, Ed25519PrivateKey] = {}
_lock = threading.Lock()


def config_dir() -> Path:
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    return _platform_config_dir(os.environ.get("HOME"), os.environ.get("XDG_CONFIG_HOME"))


@lru_cache(maxsize=8)
def _platform_config_dir(home: str | None, xdg: str | None) -> Path:
    """platformdirs' answer for these two variables (it reads nothing else on POSIX): asked once, not on
    every commit (~0.1 ms a call, three calls a payment)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("qrpay-sim", appauthor=False))


def check_db_id(db_id: object) -> str:
    if not isinstance(db_id, str) or not _DB_ID.fullmatch(db_id):
        raise StorageError("The database id is missing or damaged.", code="audit_db_id_missing")
    return db_id


def key_path(db_id: str) -> Path:
    return config_dir() / f"audit-{check_db_id(db_id)}.key"


def witness_path(db_id: str, db_file: str | os.PathLike[str]) -> Path:
    return config_dir() / f"audit-{check_db_id(db_id)}-{_where(os.fspath(db_file), os.getcwd())}.head"


@lru_cache(maxsize=256)
def _where(db_file: str, cwd: str) -> str:
    """The witness's path hash of a database file (its real path), per working folder (a relative name)."""
    return hashlib.sha256(os.path.realpath(db_file).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _ensure_dir(d: Path) -> None:
    try:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        if d.stat().st_mode & 0o077:
            os.chmod(d, 0o700)
    except OSError as e:
        raise StorageError(f"Cannot create the folder for the audit key: {d} ({e.strerror}). Set {ENV} to a "
                           "writable folder.", code="audit_key_unwritable") from None


def create_key(db_id: str) -> Path:
    """A new key for `db_id` (an existing one is kept: O_EXCL decides a race)."""
    path = key_path(db_id)
    _ensure_dir(path.parent)
    raw = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                                     serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    except OSError as e:
        raise StorageError(f"Cannot write the audit key {path} ({e.strerror}).", code="audit_key_unwritable") from None
    with os.fdopen(fd, "w") as f:
        f.write(raw.hex() + "\n")
        f.flush()
        os.fsync(f.fileno())
    return path


def load_key(db_id: str) -> Ed25519PrivateKey | None:
    """The signing key, or None when there is no key file. A damaged file raises StorageError."""
    path = key_path(db_id)
    with _lock:
        if path in _cache and path.exists():
            return _cache[path]
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise StorageError(f"Cannot read the audit key {path} ({getattr(e, 'strerror', None) or 'not text'}).",
                           code="audit_key_unreadable") from None
    try:
        key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text))
    except ValueError:
        raise StorageError(f"The audit key {path} is damaged.", code="audit_key_unreadable") from None
    with _lock:
        _cache[path] = key
    return key


def key_mode_problem(db_id: str) -> str | None:
    """Words when the key file or its folder can be read by other users."""
    path = key_path(db_id)
    try:
        if path.stat().st_mode & 0o077:
            return f"{path} can be read by other users (chmod 600 it)"
        if path.parent.stat().st_mode & 0o077:
            return f"{path.parent} is open to other users (chmod 700 it)"
    except OSError:
        return None
    return None


def _message(db_id: str, rows: int, last_hash: str) -> bytes:
    return _CONTEXT + json.dumps([db_id, rows, last_hash], separators=(",", ":")).encode("ascii")


def sign(key: Ed25519PrivateKey, db_id: str, rows: int, last_hash: str) -> str:
    return key.sign(_message(db_id, rows, last_hash)).hex()


def signature_ok(public: Ed25519PublicKey, db_id: str, rows: int, last_hash: str, signature: object) -> bool:
    if not isinstance(signature, str) or len(signature) != 128:
        return False
    try:
        public.verify(bytes.fromhex(signature), _message(db_id, rows, last_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


class KnownHeads:
    """Signed heads already known to verify under a key: the last few this process verified or signed
    itself. Ed25519 verification is a pure function of (key, message, signature), so a head byte-for-byte
    equal to one of these verifies again; anything else (a changed row count, hash or signature, another
    key) is verified for real. Saves one Ed25519 verify (~0.1 ms) per write transaction."""

    def __init__(self, size: int = 8) -> None:
        self._seen: list[tuple] = []
        self._size = size
        self._lock = threading.Lock()

    def verified(self, key: Ed25519PrivateKey, db_id: str, rows: int, last_hash: str, signature: object) -> bool:
        entry = (key, db_id, rows, last_hash, signature)
        with self._lock:
            if any(e[0] is key and e[1:] == entry[1:] for e in self._seen):
                return True
        if not signature_ok(key.public_key(), db_id, rows, last_hash, signature):
            return False
        self.remember(key, db_id, rows, last_hash, signature)
        return True

    def remember(self, key: Ed25519PrivateKey, db_id: str, rows: int, last_hash: str, signature: str) -> None:
        with self._lock:
            self._seen = [*self._seen[-(self._size - 1):], (key, db_id, rows, last_hash, signature)]


KNOWN_HEADS = KnownHeads()


def fingerprint(key: Ed25519PrivateKey) -> str:
    """SHA-256 of the public key, first 16 hex digits: printed so a key can be told apart."""
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(pub).hexdigest()[:16]


# -- the witness -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Head:
    rows: int
    hash: str


def read_witness(db_id: str, db_file: str | os.PathLike[str]) -> Head | None:
    path = witness_path(db_id, db_file)
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        return Head(int(d["rows"]), str(d["hash"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return Head(-1, "")  # unreadable: reported by verify


def write_witness(db_id: str, db_file: str | os.PathLike[str], head: Head) -> None:
    """Move the witness forward to `head` (never back). Best effort: a failure only leaves it behind."""
    try:
        path = witness_path(db_id, db_file)
        _ensure_dir(path.parent)
        lock_fd = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    except (OSError, StorageError):
        return
    try:
        try:
            import fcntl
            fcntl.flock(lock_fd, fcntl.LOCK_EX)  # two processes committing at once: the larger head wins
        except ImportError:  # pragma: no cover - not POSIX
            pass
        old = read_witness(db_id, db_file)
        if old is not None and old.rows >= head.rows:
            return
        tmp = path.with_name(path.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"rows": head.rows, "hash": head.hash}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        os.close(lock_fd)
