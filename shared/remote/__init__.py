"""The payment core through a `qrpay serve` server (Qt-free): `RemoteCore` has the interface of
`shared.core.Core` that the apps and the CLI use (shared/remote/core.py, one module per service beside it);
transport.py is the HTTP side."""
from __future__ import annotations

import ipaddress
import os

import httpx

from shared.remote.core import DEFAULT_WORLD, NotOverServer, RemoteCore
from shared.remote.transport import ServerUnreachable, Transport

ADMIN_TOKEN_ENV = "QRPAY_ADMIN_TOKEN"
ADMIN_TOKEN_FILE = "server-admin-token"   # in the config dir, written 0600 by `qrpay serve`


def is_local(url: str) -> bool:
    host = httpx.URL(url).host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def admin_token_for(url: str) -> str | None:
    """$QRPAY_ADMIN_TOKEN, or (a server on this machine) the token file `qrpay serve` wrote for its owner."""
    token = os.environ.get(ADMIN_TOKEN_ENV, "").strip()
    if token:
        return token
    if not is_local(url):
        return None
    from shared.audit_key import config_dir
    try:
        return (config_dir() / ADMIN_TOKEN_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


__all__ = ["RemoteCore", "Transport", "ServerUnreachable", "NotOverServer", "DEFAULT_WORLD", "admin_token_for",
           "is_local"]
