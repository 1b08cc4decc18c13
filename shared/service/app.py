"""`create_app(worlds, admin_token)`: the payment core behind an HTTP JSON API (docs/API.md).

This module wires the pieces: the body guard (size limit, a client that stops halfway, `now` refused), the
one error mapping (shared/service/statuses.py), the credentials (auth.py) and the routers, one per concept
(routes_*.py). Nothing in the core imports shared.service.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from urllib.parse import parse_qsl
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import QrpayError
from shared.service import auth
from shared.service.codec import encode, encode_error
from shared.service.statuses import retry_after, status_for
from shared.service.worlds import WorldStore
from shared.version import package_version

log = logging.getLogger("qrpay.service")

MAX_BODY = 64 * 1024          # bytes
BODY_TIMEOUT = 10.0           # seconds a client may take between two chunks of its body


class Changes:
    """Wakes the code-status streams of a world when something was paid or refused through this server
    (thread-safe: the payment runs in a worker thread, the streams wait on the event loop)."""

    def __init__(self) -> None:
        self._waiters: set[tuple[str, asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._lock = threading.Lock()

    def bump(self, world: str) -> None:
        with self._lock:
            waiters = [w for w in self._waiters if w[0] == world]
        for _, loop, event in waiters:
            loop.call_soon_threadsafe(event.set)

    async def wait(self, world: str, timeout: float, *, moved: Callable[[], Awaitable[bool]] | None = None,
                   tick: float = 0.25) -> None:
        """Until this server bumps `world`, `timeout` seconds pass, or (every `tick` seconds) `moved()` says
        another process wrote to the world's database (the demo's till pays on the file directly)."""
        loop = asyncio.get_running_loop()
        entry = (world, loop, asyncio.Event())
        deadline = loop.time() + timeout
        with self._lock:
            self._waiters.add(entry)
        try:
            while (remaining := deadline - loop.time()) > 0:
                try:
                    await asyncio.wait_for(entry[2].wait(), min(remaining, tick) if moved else remaining)
                    return
                except asyncio.TimeoutError:
                    pass
                if moved is not None and await moved():
                    return
        finally:
            with self._lock:
                self._waiters.discard(entry)


@dataclass
class Limits:
    per_address: int = 600          # requests per minute per client address
    per_account: int = 60           # calls naming one account (sign-in, shift, wallet, till) per minute
    period: float = 60.0
    joins_per_period: int = 10      # join-code attempts per address (always on: guessing a code stays hopeless)


@dataclass
class ServiceState:
    worlds: WorldStore
    admin: auth.AdminToken
    shifts: auth.Shifts = None  # type: ignore[assignment]   # auth.Shifts(worlds), made by create_app
    changes: Changes = field(default_factory=Changes)
    by_address: auth.RateLimiter = None  # type: ignore[assignment]
    by_account: auth.RateLimiter = None  # type: ignore[assignment]
    joins: auth.RateLimiter = None  # type: ignore[assignment]
    stream_poll: float = 2.0        # a stream re-reads the status at least this often (expiry)
    change_tick: float = 0.25       # a stream looks this often whether another process wrote to its world


def error_response(exc: QrpayError) -> JSONResponse:
    headers = {}
    wait = retry_after(exc)
    if wait is not None:
        headers["Retry-After"] = str(wait)
    return JSONResponse(encode_error(exc), status_code=status_for(exc), headers=headers)


def ok(value: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(encode(value), status_code=status)


class BodyGuard:
    """ASGI middleware in front of everything: reads the whole body first (at most `max_body` bytes, at most
    `timeout` seconds between chunks), so the routes never see a half body. Over the limit: 413
    `body_too_large`; a client that stalls: 408 `body_timeout`; a client that hangs up mid-body: nothing runs,
    nothing is written, no response (there is nobody to answer). A `now` query parameter: 422."""

    def __init__(self, app, *, max_body: int = MAX_BODY, timeout: float = BODY_TIMEOUT) -> None:
        self.app, self.max_body, self.timeout = app, max_body, timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await _refuse(send, QrpayError(f"Bodies are at most {self.max_body} bytes.", code="body_too_large"))
        chunks, size = [], 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except asyncio.TimeoutError:
                return await _refuse(send, QrpayError("The request body did not arrive in time.", code="body_timeout"))
            if message["type"] == "http.disconnect":
                log.info("client hung up before its body was complete: nothing done")
                return None
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                return await _refuse(send, QrpayError(f"Bodies are at most {self.max_body} bytes.", code="body_too_large"))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if any(k.lower() == "now" for k, _ in query):
            return await _refuse(send, QrpayError("The server keeps the time; a client never sets it. "
                                                  "The trainer moves a world's clock.", code="client_time_refused"))
        delivered = False

        async def replay():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()
        return await self.app(scope, replay, send)


async def _refuse(send, exc: QrpayError) -> None:
    response = error_response(exc)
    response.headers["Connection"] = "close"
    await send({"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def create_app(worlds: WorldStore, admin_token: str, *, limits: Limits | None = None,
               max_body: int = MAX_BODY, body_timeout: float = BODY_TIMEOUT, stream_poll: float = 2.0) -> FastAPI:
    from shared import web_wallet
    from shared.service import routes_admin, routes_catalog, routes_join, routes_till, routes_wallet, routes_worlds
    limits = limits or Limits()
    app = FastAPI(title="qrpay-sim payment core", version=package_version(),
                  description="The payment core's service contract over HTTP (docs/API.md). Errors: "
                              '{"error": {"code", "message", "type", "details"?}}.')
    app.state.service = ServiceState(worlds, auth.AdminToken(admin_token), shifts=auth.Shifts(worlds),
                                     by_address=auth.RateLimiter(limits.per_address, limits.period),
                                     by_account=auth.RateLimiter(limits.per_account, limits.period),
                                     joins=auth.RateLimiter(max(1, limits.joins_per_period), limits.period),
                                     stream_poll=stream_poll)

    @app.exception_handler(QrpayError)
    async def _qrpay_error(request: Request, exc: QrpayError):
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        problems = exc.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return error_response(QrpayError("The body is not valid JSON.", code="malformed_json"))
        if any(p.get("type") == "extra_forbidden" and p.get("loc", ())[-1:] == ("now",) for p in problems):
            return error_response(QrpayError("The server keeps the time; a client never sets it.",
                                             code="client_time_refused"))
        # never echo the input back: it may hold a password or a PIN
        where = [{"loc": [str(x) for x in p.get("loc", ())], "type": p.get("type", "")} for p in problems][:20]
        return error_response(QrpayError("The body does not fit this call (a field of the wrong type, "
                                         "missing or unknown).", code="bad_body", problems=where))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if web_wallet.owns(request.url.path):                 # a page of the web wallet: an HTML page
            return web_wallet.http_error(request, exc.status_code)
        code = {400: "malformed_json", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(encode_error(QrpayError(str(exc.detail), code=code)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        # a bug, never a refusal: logged with its traceback (which holds no request body), answered with the
        # envelope so a client still gets a code; a payment's outcome is then unknown: retry with its sale id
        log.exception("unexpected error in %s %s", request.method, request.url.path)
        return JSONResponse(encode_error(QrpayError("The server failed; if this was a payment, retry it with "
                                                    "the same sale id.", code="internal_error")), status_code=500)

    @app.get("/health", tags=["server"])
    def health() -> dict[str, bool]:
        return {"ok": True}

    for module in (routes_worlds, routes_join, routes_admin, routes_catalog, routes_wallet, routes_till):
        for r in getattr(module, "routers", None) or (module.router,):
            app.include_router(r)
    web_wallet.mount(app)                                     # the mobile web wallet at /wallet/
    app.add_middleware(BodyGuard, max_body=max_body, timeout=body_timeout)
    return app
