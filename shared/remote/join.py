"""`--join CODE`: the world a short join code names, asked of the server (POST /join; see
shared/service/join_codes.py). The code goes in the body, never in the URL."""
from __future__ import annotations

from urllib.parse import quote

from shared.errors import InputError
from shared.remote.core import tls_verify
from shared.remote.transport import Transport


def world_for_code(url: str, code: str, *, cacert: str | None = None) -> str:
    """The world's name, or the server's refusal (bad_join_code, rate_limited, server_unreachable)."""
    if not isinstance(code, str) or not code.strip() or len(code) > 32:
        raise InputError("--join takes the short code on the trainer's screen, e.g. K7M-Q2P.", code="bad_join_code")
    t = Transport(url, verify=tls_verify(cacert))
    try:
        return str(t.call("POST", "/join", json={"code": code})["world"])
    finally:
        t.close()


def code_of_world(core, name: str, *, new: bool = False) -> dict:
    """(admin, through a RemoteCore) a world's join code, or a new one that retires the old."""
    return core.call("POST" if new else "GET", f"/worlds/{quote(name, safe='')}/join-code", world=False, admin=True)
