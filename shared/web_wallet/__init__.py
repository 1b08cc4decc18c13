"""The mobile web wallet that `qrpay serve` serves: a phone's browser signs up, enrols its authenticator, signs
in, sees its balance, history, security and mailbox (issue 17). Server-rendered pages (Jinja2), one CSS and a
little plain JavaScript served by the app itself; no build step, no inline script or style.

Where: the default world at `/wallet/`, a classroom world at `/worlds/{world}/wallet/` (where the JSON API
puts that world's calls). Static files at `/wallet/static/`. Each world's pages keep their own cookie (Path).

The web layer holds no business rule: every page calls the world's `Core` (identity, wallet, mailbox) as the
JSON API's routes do, and shows the core's refusals in the desktop wallet's words (texts.py). Security
(OWASP ASVS) lives in framework.py: the session cookie, CSRF, the language, forms parsed totally, the
security headers (CSP without unsafe-inline, frame-ancestors 'none', no-store, no-referrer).

How to add a page
-----------------
1. A module `pages_<what>.py` named after what the customer sees, with
       router = APIRouter(route_class=fw.WebRoute)
       fw.home_action("pay", "home.pay", "pay", 10)           # optional: a big round button on the home page
       @router.get("/pay")
       def pay(ctx: Ctx = Depends(fw.signed_in)) -> Response:      # fw.page for visitors
           return ctx.render("pay.html", code=...)
       @router.post("/pay")
       def pay_again(ctx: Ctx = Depends(fw.posted_signed_in)) -> Response:   # CSRF checked, ctx.form parsed
           ...; return ctx.redirect("pay")                 # Post/Redirect/Get; banner=("ok", KEY) shows a texts key once
   Call the core through `ctx.core` (the world's Core); catch `QrpayError` where the page expects a refusal
   and show `ctx.error(e)`; anything else a handler raises becomes an HTML error page (WebRoute).
2. Add the module to PAGES below (its routes then exist for the default and the named worlds).
3. A template `templates/<what>.html` that `{% extends "base.html" %}` and fills `{% block main %}`; every
   word through `t("key")`, every POST form with `<input type="hidden" name="csrf" value="{{ csrf }}">`,
   links through `url("page")`. No `style=` and no `<script>` in a template: CSS in static/wallet.css, script
   in a file under static/ loaded with `<script src=... defer>` (block `scripts`).
4. Its texts in texts.TEXTS, English and Japanese (tests/web/test_web_texts.py checks both and the
   {placeholders}); a browser test in tests/web/ (the `wallet` fixture: a real server, a phone-sized page).
"""
from __future__ import annotations

from fastapi import FastAPI

from shared.web_wallet import framework as fw

PAGES = ("pages_home", "pages_account", "pages_history", "pages_security", "pages_mailbox", "pages_topup",
         "pages_pay")


def mount(app: FastAPI) -> None:
    """Adds the wallet's pages (default world and named worlds) and its static files to the service's app."""
    import importlib
    app.state.web_sessions = fw.WebSessions()
    for name in PAGES:
        router = importlib.import_module(f"shared.web_wallet.{name}").router
        app.include_router(router, prefix=fw.DEFAULT_BASE, include_in_schema=False)
        app.include_router(router, prefix="/worlds/{world}/wallet", include_in_schema=False)
    app.mount(fw.DEFAULT_BASE + "/static", fw.Static(directory=str(fw.HERE / "static")), name="wallet-static")


def owns(path: str) -> bool:
    """True for a path of the web wallet (its pages answer errors as HTML pages, not JSON)."""
    return fw.owns(path)


def http_error(request, status: int):
    """An HTML page for a 404/405 under the wallet's paths (the JSON API answers its own as JSON)."""
    title, message = ("notfound.title", "notfound.message") if status in (404, 405) else ("error.title", "form.check")
    return fw.secure(fw.error_page(request, status, title, message))
