"""The web wallet's plumbing: web sessions, CSRF, the language, forms, rendering, security headers.

Every page handler gets a `Ctx` from one of four dependencies:
    `page`          any visitor (GET): the world, the web session (made on first visit), the language;
    `signed_in`     the same, but only with a live core session (otherwise a redirect to sign-in);
    `posted`        a POST form: the body parsed totally and its CSRF token checked (403 page if not);
    `posted_signed_in`  both.

The browser holds only a random web-session id (cookie `qrpay_wallet`, HttpOnly, SameSite=Strict, Secure
under TLS, Path = the wallet's base). This process maps it to the world, the core's session token (never sent
to the browser), the CSRF token, the language and a few things a flow carries between pages (the enrolment
being confirmed, a one-shot banner). A server restart forgets web sessions: the customer signs in again.

No Strict-Transport-Security header: `serve --tls` uses a self-signed certificate, and HSTS would stop a phone
from accepting it for a year (a certificate error cannot be clicked through on an HSTS host).
"""
from __future__ import annotations

import hashlib
import logging
import hmac
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import jinja2
from markupsafe import Markup
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from shared import defences
from shared.core import Core
from shared.errors import NotFound, QrpayError, SessionInvalid
from shared.service import deps
from shared.web_wallet import texts

log = logging.getLogger("qrpay.web_wallet")
HERE = Path(__file__).resolve().parent
COOKIE = "qrpay_wallet"
LANG_COOKIE = "qrpay_lang"
IDLE_SECONDS = 12 * 3600          # real time a web session lives unused
MAX_SESSIONS = 10_000             # the oldest is forgotten beyond this (memory stays bounded)
MAX_FIELDS = 30
MAX_FIELD = 1024                  # characters per form field
DEFAULT_BASE = "/wallet"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


# -- web sessions ------------------------------------------------------------------------------------
@dataclass
class WebSession:
    id: str                                   # the cookie's value (only its digest keys the store)
    world: str
    csrf: str
    token: str | None = None                  # the core's session token once signed in
    email: str = ""                           # the e-mail to prefill on sign-in (never a secret)
    enrolment: Any = None                     # shared.identity_base.Enrollment while sign-up is confirmed
    recovery_codes: tuple[str, ...] = ()      # shown once after enrolment
    banner: tuple[str, str] | None = None     # (kind, text key) shown once on the next page
    code_nonce: str | None = None             # the payment code the Pay page shows (its status stream's code)
    seen: float = field(default_factory=time.monotonic)
    fresh: bool = True                        # the cookie still has to be set


def _key(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).digest()


class WebSessions:
    """Web-session id → WebSession, in memory, bounded, thread-safe."""

    def __init__(self, idle: float = IDLE_SECONDS, limit: int = MAX_SESSIONS) -> None:
        self._by_key: dict[bytes, WebSession] = {}
        self._lock = threading.Lock()
        self.idle, self.limit = idle, limit

    def new(self, world: str) -> WebSession:
        s = WebSession("ws_" + secrets.token_urlsafe(32), world, secrets.token_urlsafe(32))
        with self._lock:
            if len(self._by_key) >= self.limit:
                self._sweep()
                while len(self._by_key) >= self.limit:
                    # a flood of visitors forgets visitors first: signed-in customers go only when no one else is left
                    oldest = min(self._by_key, key=lambda k: (self._by_key[k].token is not None, self._by_key[k].seen))
                    del self._by_key[oldest]
            self._by_key[_key(s.id)] = s
        return s

    def get(self, session_id: str | None, world: str) -> WebSession | None:
        if not session_id or len(session_id) > 100:
            return None
        with self._lock:
            s = self._by_key.get(_key(session_id))
            if s is None or s.world != world or time.monotonic() - s.seen > self.idle:
                return None
            s.seen = time.monotonic()
            return s

    def drop(self, s: WebSession) -> None:
        with self._lock:
            self._by_key.pop(_key(s.id), None)

    def rotate(self, s: WebSession) -> WebSession:
        """A new id and CSRF token for the same state (on sign-in and sign-out: no session fixation)."""
        fresh = self.new(s.world)
        fresh.email, fresh.banner = s.email, s.banner
        self.drop(s)
        return fresh

    def _sweep(self) -> None:
        now = time.monotonic()
        for k in [k for k, s in self._by_key.items() if now - s.seen > self.idle]:
            del self._by_key[k]


# -- the language ------------------------------------------------------------------------------------
_LANG_ITEM = re.compile(r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9](?:\.[0-9]{0,3})?))?\s*")


def accepted_language(header: str | None) -> str:
    """"ja" or "en" from an Accept-Language header (the first of the two by quality; English otherwise)."""
    best, best_q = "en", -1.0
    for i, item in enumerate((header or "")[:500].split(",")[:20]):
        m = _LANG_ITEM.fullmatch(item)
        if not m:
            continue
        lang, q = m.group(1).lower(), float(m.group(2)) if m.group(2) else 1.0
        if lang in texts.LANGS and q > 0 and q > best_q:
            best, best_q = lang, q
    return best


def language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in texts.LANGS else accepted_language(request.headers.get("accept-language"))


# -- where a page is -----------------------------------------------------------------------------------
_WALLET_PATH = re.compile(r"/wallet(/.*)?|/worlds/[^/]+/wallet(/.*)?")


def owns(path: str) -> bool:
    return _WALLET_PATH.fullmatch(path) is not None


def base_of(request: Request) -> str:
    """"/wallet" for the default world, "/worlds/NAME/wallet" for a named one (no trailing slash)."""
    name = request.path_params.get("world")
    if name is None:                                         # no route matched (a 404): read the path
        m = re.match(r"/worlds/([a-z0-9][a-z0-9_-]{0,31})/wallet(/|$)", request.url.path)
        name = m.group(1) if m else None
    return f"/worlds/{name}/wallet" if name is not None else DEFAULT_BASE


def world_of(request: Request) -> tuple[str, Core]:
    from shared.service.worlds import DEFAULT_WORLD
    name = request.path_params.get("world", DEFAULT_WORLD)
    return name, deps.state(request).worlds.get(name)       # NotFound no_such_world


def store(request: Request) -> WebSessions:
    return request.app.state.web_sessions


# -- what a handler gets ---------------------------------------------------------------------------
class GoTo(Exception):
    """Raised to answer with a redirect to a page of this wallet (e.g. sign-in for a page that needs it)."""

    def __init__(self, page: str) -> None:
        super().__init__(page)
        self.page = page


class Refused(Exception):
    """A request refused with an error page (status, title key, message key)."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status, self.title, self.message = status, title, message


class FormError(Exception):
    """A form that cannot be read at all (not URL-encoded, not UTF-8, too many or too long fields)."""


@dataclass
class Ctx:
    request: Request
    world: str
    core: Core
    base: str
    session: WebSession
    lang: str
    form: dict[str, str] = field(default_factory=dict)

    def t(self, key: str, **params: Any) -> str:
        return texts.t(key, self.lang, **params)

    def error(self, exc: QrpayError) -> str:
        return texts.error_text(exc, self.lang)

    def waiting(self, key: str, seconds: float) -> Markup:
        """The text `key` with its {time} as a live countdown (static/wallet.js ticks it; without script it
        is the time left when the page was made)."""
        before, _, after = self.t(key, time="\x00").partition("\x00")
        left = max(0, math.ceil(seconds))
        return Markup('{}<span class="countdown" data-seconds="{}" data-done="{}">{}</span>{}').format(
            before, left, self.t("signin.try_again"), duration_text(left), after)

    def url(self, page: str = "") -> str:
        return f"{self.base}/{page}"

    def field(self, name: str) -> str:
        return self.form.get(name, "")

    def render(self, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
        banner = self.session.banner
        self.session.banner = None
        html = _env().get_template(template).render(
            t=self.t, url=self.url, lang=self.lang, csrf=self.session.csrf,
            here_page=self.request.url.path[len(self.base) + 1:],     # the language switch comes back here
            world=self.world, signed_in=self.session.token is not None, policy=policy_badge(self.core),
            flash=(banner[0], self.t(banner[1])) if banner else None, **values)
        return self.finish(HTMLResponse(html, status_code=status))

    def redirect(self, page: str = "", *, banner: tuple[str, str] | None = None) -> Response:
        if banner is not None:
            self.session.banner = banner
        return self.finish(RedirectResponse(self.url(page), status_code=303))

    def finish(self, response: Response) -> Response:
        if self.session.fresh:
            set_session_cookie(self.request, response, self.session, self.base)
        return response


def set_session_cookie(request: Request, response: Response, session: WebSession, base: str) -> None:
    response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict", path=base + "/",
                        secure=request.url.scheme == "https")
    session.fresh = False


def policy_badge(core: Core) -> dict[str, Any]:
    summary = defences.describe(core.policy)
    return {"insecure": core.policy.is_insecure, "preset": summary.preset}


def page(request: Request, _: None = Depends(deps.limit_address)) -> Ctx:
    name, core = world_of(request)
    base = base_of(request)
    sessions = store(request)
    s = sessions.get(request.cookies.get(COOKIE), name) or sessions.new(name)
    return Ctx(request, name, core, base, s, language(request))


def _live(ctx: Ctx) -> Ctx:
    if ctx.session.token is None:
        raise GoTo("signin")
    try:
        ctx.core.identity.session(ctx.session.token)
    except SessionInvalid:
        ctx.session.token = None
        ctx.session.banner = ("info", "signin.ended")
        raise GoTo("signin") from None
    return ctx


def signed_in(ctx: Ctx = Depends(page)) -> Ctx:
    return _live(ctx)


async def read_form(request: Request) -> dict[str, str]:
    """The body of a POST form, parsed totally: anything unreadable raises FormError (answered 400 with the
    form's page again by the route), never a 500. A field given twice keeps its first value."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise FormError("not a form")
    body = await request.body()
    try:
        pairs = parse_qsl(body.decode("utf-8", "strict"), keep_blank_values=True, strict_parsing=False,
                          errors="strict", max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise FormError("unreadable") from None
    form: dict[str, str] = {}
    for k, v in pairs:
        if len(k) > 64 or len(v) > MAX_FIELD or "\x00" in v:
            raise FormError("field too long")
        form.setdefault(k, v)
    return form


def _check_csrf(ctx: Ctx, form: dict[str, str]) -> Ctx:
    given = form.get("csrf", "")
    if ctx.session.fresh or not hmac.compare_digest(given.encode(), ctx.session.csrf.encode()):
        raise Refused(403, "csrf.title", "csrf.message")
    ctx.form = form
    return ctx


async def _form(request: Request) -> dict[str, str] | FormError:
    try:
        return await read_form(request)
    except FormError as e:
        return e


def posted(ctx: Ctx = Depends(page), form: dict[str, str] | FormError = Depends(_form)) -> Ctx:
    if isinstance(form, FormError):
        raise Refused(400, "form.title", "form.message")
    return _check_csrf(ctx, form)


def posted_signed_in(ctx: Ctx = Depends(posted)) -> Ctx:
    return _live(ctx)


# -- rendering -------------------------------------------------------------------------------------
_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        from shared.money import format_yen
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                                 autoescape=True, undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True)
        env.filters["yen"] = format_yen
        env.filters["signed_yen"] = lambda v: format_yen(v, signed=True)
        _ENV = env
    return _ENV


def error_page(request: Request, status: int, title: str, message: str | QrpayError) -> HTMLResponse:
    """A whole page saying what went wrong (`title` and `message` are text keys, or the core's refusal)."""
    lang = language(request)
    said = texts.error_text(message, lang) if isinstance(message, QrpayError) else texts.t(message, lang)
    html = _env().get_template("error.html").render(
        t=lambda k, **p: texts.t(k, lang, **p), lang=lang, title=texts.t(title, lang), message=said,
        home=base_of(request) + "/")
    return HTMLResponse(html, status_code=status)


def duration_text(seconds: float) -> str:
    """"0:42" / "14:05" / "1:02:03" (as the desktop wallet writes a wait)."""
    s = max(0, math.ceil(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


class WebRoute(APIRoute):
    """Every wallet page's route: redirects, refusals and unexpected core errors become HTML pages (the
    JSON API's handlers answer JSON), and every answer carries the security headers and no-store."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                response = await handler(request)
            except GoTo as go:
                response = RedirectResponse(f"{base_of(request)}/{go.page}", status_code=303)
            except Refused as r:
                response = error_page(request, r.status, r.title, r.message)
            except NotFound as e:
                if getattr(e, "code", "") == "no_such_world":
                    response = error_page(request, 404, "notfound.title", "notfound.world")
                else:
                    response = error_page(request, 404, "notfound.title", "notfound.message")
            except QrpayError as e:          # a refusal no page expected (a rate limit, a storage fault)
                status = 429 if e.code == "rate_limited" else 503 if e.code.startswith("db_") else 400
                response = error_page(request, status, "error.title", e)
            except Exception:                 # a bug: logged with its traceback (no form in it), an HTML page
                log.exception("unexpected error in %s %s", request.method, request.url.path)
                response = error_page(request, 500, "error.title", "error.bug")
            secure(response)
            return response
        return run


def secure(response: Response, *, cache: str = "no-store") -> Response:
    for k, v in SECURITY_HEADERS.items():
        response.headers.setdefault(k, v)
    response.headers["Cache-Control"] = cache
    return response


class Static(StaticFiles):
    """The wallet's CSS and script, with the same headers (revalidated, never sniffed as something else)."""

    async def get_response(self, path: str, scope) -> Response:
        return secure(await super().get_response(path, scope), cache="no-cache")


# -- the home page's big round buttons -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class HomeAction:
    page: str           # relative to the wallet's base ("history")
    label: str          # a text key
    icon: str           # a name in templates/_icons.html ("pay", "topup", "history", "security", …)
    order: int          # left to right


HOME_ACTIONS: list[HomeAction] = []


def home_action(page: str, label: str, icon: str, order: int) -> None:
    """A page module adds its button to the home page (at import; the package imports every page module)."""
    if all(a.page != page for a in HOME_ACTIONS):
        HOME_ACTIONS.append(HomeAction(page, label, icon, order))
        HOME_ACTIONS.sort(key=lambda a: a.order)


def home_actions(ctx: Ctx) -> list[dict[str, str]]:
    return [{"url": ctx.url(a.page), "label": ctx.t(a.label), "icon": a.icon, "page": a.page} for a in HOME_ACTIONS]
