"""Short join codes: "Apps join a world with --world NAME, or with a short join code shown on the trainer's
screen" (issue 15).

- Each world has one code of `LENGTH` characters from `ALPHABET` (no 0/O, 1/I/L: read aloud or copied from a
  projector without doubt), drawn with `secrets`, kept in the world's own settings (so a world's reset or
  deletion forgets it, as it forgets terminal keys) and made on first demand, unique among the worlds.
- `POST /join {"code"}` (no credential) answers the world's name and nothing else; a wrong code is the same
  `bad_join_code` refusal whatever the reason (no such code, wrong shape). Every attempt counts against a
  per-address limit of its own (`Limits.joins_per_period`, on even when the general limits are off), so
  guessing is hopeless: 31^6 ≈ 8.9·10^8 codes, 10 tries a minute.
- The code grants nothing: the world's name is all it tells, and a world is open to whoever names it.
- The admin reads a world's code (`GET /worlds/{world}/join-code`) and draws a new one (`POST`), which
  retires the old one at once.
"""
from __future__ import annotations

import hmac
import re
import secrets
import threading

from shared.errors import NotFound
from shared.storage import settings_store

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 6
_SETTING = "service_join_code"
_CODE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")
_lock = threading.Lock()     # drawing a code and checking it is unused: one at a time


def normalise(text: object) -> str | None:
    """A code as typed ("abc-234", " ABC 234 ") in its stored form, or None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 32:
        return None
    code = re.sub(r"[\s-]", "", text).upper()
    return code if _CODE.fullmatch(code) else None


def _stored(core) -> str | None:
    with core.db.read() as conn:
        return settings_store.get(conn, _SETTING)


def _all_codes(worlds) -> dict[str, str]:
    """world name -> its code, for every world that has one."""
    out = {}
    for name in worlds.names():
        code = _stored(worlds.get(name))
        if code:
            out[name] = code
    return out


def _draw(worlds, name: str) -> str:
    taken = set(_all_codes(worlds).values())
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if code not in taken:
            with worlds.get(name).db.write() as conn:
                settings_store.put(conn, _SETTING, code)
            return code


def code_of(worlds, name: str) -> str:
    """The world's code, drawn on first demand."""
    with _lock:
        return _stored(worlds.get(name)) or _draw(worlds, name)


def regenerate(worlds, name: str) -> str:
    """A new code for the world; the old one no longer resolves."""
    with _lock:
        worlds.get(name)
        return _draw(worlds, name)


def resolve(worlds, text: object) -> str:
    """The name of the world whose code `text` is; every code is compared (constant time), none is skipped."""
    code = normalise(text)
    found = None
    for name, stored in _all_codes(worlds).items():
        if hmac.compare_digest(stored.encode(), (code or "").encode()) and code is not None:
            found = name
    if found is None:
        raise NotFound("No world has this join code: check it on the trainer's screen.", code="bad_join_code")
    return found
