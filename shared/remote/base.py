"""What every remote service client stands on: the call through its RemoteCore, path parts quoted for a
URL, and NotOverServer for what docs/API.md does not offer."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from shared.errors import QrpayError

if TYPE_CHECKING:
    from shared.remote.core import RemoteCore


class NotOverServer(QrpayError):
    """A call the server's API does not offer (docs/API.md)."""

    code = "not_over_server"


def not_over_server(what: str) -> NotOverServer:
    return NotOverServer(f"{what} is not available through the server (see docs/API.md); "
                         "run it on the server's machine with --db.")


def path_part(*parts: object) -> str:
    return "/".join(quote(str(p), safe="") for p in parts)


class RemoteService:
    """One of RemoteCore's services (core.identity, core.sales, …): calls go through the core, which
    adds the world, the credentials and the decoding."""

    def __init__(self, rc: "RemoteCore") -> None:
        self._rc = rc

    def _call(self, method: str, path: str, *, returns: Any = Any, **kw) -> Any:
        return self._rc.call(method, path, returns=returns, **kw)
