"""The HTTP side of `RemoteCore`: one httpx client, timeouts, the server's errors as QrpayErrors.

    t = Transport("http://127.0.0.1:8765", admin_token=token_or_None)
    t.call("POST", "/worlds/default/till/sales", json={...}, token=shift_token)   # -> the JSON reply

- Every request has a connect and a read timeout: a server that went away never hangs a window.
- A connection that cannot be made, is refused, or breaks before the reply arrives raises
  `ServerUnreachable` (code `server_unreachable`); the client is dropped and the next call opens a
  new connection (that is the whole "reconnect": HTTP needs no session of its own).
- A reply `{"error": {"code", "message", ...}}` raises the QrpayError subclass of that code
  (shared.service.codec.decode_error), so callers switch on the same codes as in-process.
- `state` tells the windows whether the last call reached the server (`connected` flips and the
  listeners in `on_state` are told), which is how the apps show "server unreachable" and its end.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

import ssl

import httpx

from shared.errors import QrpayError

log = logging.getLogger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)   # not a line per request in the apps' logs

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 15.0
QUICK_TIMEOUT = 0.5


class ServerUnreachable(QrpayError):
    """The server could not be reached, or the connection broke before its reply arrived. For a
    payment the outcome is then unknown: retry with the same sale id (charged at most once)."""

    code = "server_unreachable"


class ServerReplyInvalid(QrpayError):
    """The server answered something that is not this API's JSON (a proxy's page, a 5xx crash)."""

    code = "server_error"


class Transport:
    def __init__(self, url: str, *, admin_token: str | None = None,
                 connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT,
                 verify: "bool | str | ssl.SSLContext" = True) -> None:
        url = (url or "").rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ServerUnreachable(f"The server address must start with http:// or https://: {url[:80]!r}",
                                    code="bad_server_url")
        self.url = url
        self.admin_token = admin_token
        self.connect_timeout = connect_timeout
        self._timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self._verify = verify
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        self.connected: bool | None = None       # None until the first call
        self._listeners: list[Callable[[bool], None]] = []

    # -- connection state -----------------------------------------------------------------------
    def on_state(self, listener: Callable[[bool], None]) -> None:
        """`listener(connected)` is called (from the calling thread) whenever reachability flips."""
        self._listeners.append(listener)

    def _set_connected(self, ok: bool) -> None:
        if self.connected is ok:
            return
        self.connected = ok
        for listener in list(self._listeners):
            try:
                listener(ok)
            except Exception:  # a listener's bug must not turn into a failed payment
                log.exception("connection-state listener failed")

    def note_reached(self) -> None:
        self._set_connected(True)

    def note_lost(self) -> None:
        self.reset()
        self._set_connected(False)

    def client(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(base_url=self.url, timeout=self._timeout, verify=self._verify,
                                            headers={"Accept": "application/json"})
            return self._client

    def reset(self) -> None:
        """Drop the connection pool: the next call connects afresh."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def close(self) -> None:
        self.reset()

    def headers(self, *, token: str | None = None, admin: bool = False) -> dict[str, str]:
        h: dict[str, str] = {}
        bearer = self.admin_token if admin else token
        if bearer:
            h["Authorization"] = f"Bearer {bearer}"
        return h

    # -- one call ---------------------------------------------------------------------------------
    def call(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
             token: str | None = None, admin: bool = False, headers: dict[str, str] | None = None,
             quick: bool = False) -> Any:
        """One request; `quick` (a reachability ping from the GUI thread) waits at most QUICK_TIMEOUT."""
        h = self.headers(token=token, admin=admin)
        if headers:
            h.update(headers)
        if admin and not self.admin_token:
            raise QrpayError("This needs the trainer's admin token: set QRPAY_ADMIN_TOKEN (printed by "
                             "`qrpay serve` as 'admin token: …').", code="admin_token_missing")
        try:
            reply = self.client().request(method, path, json=json,
                                          params={k: v for k, v in (params or {}).items() if v is not None},
                                          headers=h, **({"timeout": QUICK_TIMEOUT} if quick else {}))
        except httpx.TimeoutException as e:
            self.note_lost()
            raise ServerUnreachable(f"The server at {self.url} did not answer in time ({type(e).__name__}).") from None
        except (httpx.TransportError, OSError) as e:
            self.note_lost()
            if "CERTIFICATE_VERIFY_FAILED" in str(e) or isinstance(e.__context__, ssl.SSLCertVerificationError):
                raise ServerUnreachable(f"The server at {self.url} has a certificate this client does not trust: "
                                        "give its certificate with --cacert FILE (or $QRPAY_SERVER_CACERT), e.g. "
                                        "the one `qrpay serve --tls` printed.", code="server_untrusted") from None
            raise ServerUnreachable(f"The server at {self.url} cannot be reached ({type(e).__name__}).") from None
        self._set_connected(True)
        return self.decode_reply(reply)

    @staticmethod
    def decode_reply(reply: httpx.Response) -> Any:
        from shared.service.codec import WireError, decode_error

        if reply.status_code == 204 or not reply.content:
            if reply.is_success:
                return None
        try:
            body = reply.json()
        except ValueError:
            raise ServerReplyInvalid(f"The server answered HTTP {reply.status_code} without JSON.") from None
        if reply.is_success:
            return body
        try:
            error = decode_error(body)
        except WireError:
            raise ServerReplyInvalid(f"The server answered HTTP {reply.status_code} without an error code.") from None
        raise error
