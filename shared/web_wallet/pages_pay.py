"""Pay: a fresh authenticator check when the core asks for one, then the payment code for the till to scan (the
desktop wallet's pay screen, wallet_app/pay_screen.py, as a page).

- GET /pay asks the core for a code (`codes.issue`, no factor); `step_up_required` shows the prompt instead,
  whose POST checks the code (or a recovery code) and comes back here (Post/Redirect/Get). Every GET is a
  new code, which supersedes the one before (static/pay.js reloads the page 5 s before expiry).
- The code is drawn on the server, an inline SVG of the code's text in a page sent with no-store, its
  20-digit number under it, and a countdown.
- GET /pay/events streams the code's status (server-sent events; shared/service/routes_wallet.py's stream,
  the same as the JSON API's) for the code this web session shows: authenticated by the session cookie, so
  no token and no code id is ever in a URL. Each event carries the words the page shows ("Paid ¥1,234 at
  STORE"), made here in the page's language, and a short reference of the code, so a page that shows an
  older code (another tab took a new one) knows the news is not about its code.
- The defence a browser can have: static/pay.js covers the code when the page is hidden or loses focus (a
  tap shows it again), and the page says what a native app adds that a page cannot.
"""
from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.codes import CodeState, CodeStatus, IssuedCode
from shared.errors import QrpayError
from shared.money import format_yen
from shared.sales import paid_details
from shared.web_wallet import framework as fw
from shared.web_wallet.framework import Ctx
from shared.web_wallet.pages_history import when_text

router = APIRouter(route_class=fw.WebRoute)
fw.home_action("pay", "home.pay", "pay", 10)

REFRESH_BEFORE_S = 5     # a new code this long before the shown one expires (the desktop's rule)


def code_ref(nonce: str) -> str:
    """A short reference of a code for the page (not the nonce itself, which never leaves the server)."""
    return hashlib.sha256(nonce.encode("ascii")).hexdigest()[:16]


def grouped(digits: str) -> str:
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def _prompt(ctx: Ctx, *, status: int = 200, message: tuple[str, str] | None = None) -> Response:
    ctx.session.code_nonce = None
    return ctx.render("pay.html", status=status, message=message, code=None)


def _code(ctx: Ctx, issued: IssuedCode) -> Response:
    from shared.code_image import qr_svg
    from markupsafe import Markup

    ctx.session.code_nonce = issued.nonce
    left = max(0, issued.expires_at - ctx.core.now())
    return ctx.render("pay.html", code={
        "svg": Markup(qr_svg(issued.text)),                 # built from the code alone: nothing to escape
        "numeric": grouped(issued.numeric),
        "ref": code_ref(issued.nonce),
        "left": int(left),
        "ttl": max(1, issued.expires_at - issued.issued_at),
        "refresh_in": max(1, int(left) - REFRESH_BEFORE_S),
    }, message=None)


@router.get("/pay")
def pay(ctx: Ctx = Depends(fw.signed_in)) -> Response:
    try:
        issued = ctx.core.codes.issue(ctx.session.token)
    except QrpayError as e:
        if e.code == "step_up_required":
            return _prompt(ctx)
        return _prompt(ctx, status=_status(e), message=("danger", ctx.error(e)))
    return _code(ctx, issued)


@router.post("/pay")
def confirm(ctx: Ctx = Depends(fw.posted_signed_in)) -> Response:
    """The step-up: a 6-digit code, or a recovery code (a step-up of its own); then back to GET /pay."""
    factor = ctx.field("code").strip()
    if not factor:
        return _prompt(ctx, status=400, message=("info", ctx.t("pay.type_code")))
    digits = factor.replace(" ", "")
    try:
        if digits.isascii() and digits.isdigit() and len(digits) == 6:
            ctx.core.identity.step_up(ctx.session.token, totp=digits)
        else:
            ctx.core.identity.step_up(ctx.session.token, recovery_code=factor)
    except QrpayError as e:
        return _prompt(ctx, status=_status(e), message=("danger", ctx.error(e)))
    return ctx.redirect("pay")


@router.get("/pay/events")
async def events(request: Request, ctx: Ctx = Depends(fw.signed_in)) -> Response:
    """The shown code's status as server-sent events; 204 (EventSource then stops) when no code is shown."""
    from shared.service.routes_wallet import code_status_stream

    nonce = ctx.session.code_nonce
    if nonce is None:
        return Response(status_code=204)
    ref = code_ref(nonce)
    return await code_status_stream(request, ctx.world, ctx.core, ctx.session.token, nonce,
                                    view=lambda status: status_view(ctx, status, ref))


def status_view(ctx: Ctx, status: CodeStatus, ref: str) -> dict[str, Any]:
    """What the page shows for a status, in its language (textContent only: never parsed as HTML)."""
    out: dict[str, Any] = {"state": status.state.value, "ref": ref}
    if status.state is CodeState.PAID:
        amount, store, receipt_no, at = paid_details(ctx.core.sales, status, ctx.lang)
        amount_text = format_yen(amount) if isinstance(amount, int) else ""
        out.update(title=ctx.t("pay.paid"), amount=amount_text,
                   store=ctx.t("pay.at_store", store=store) if store else "",
                   said=(ctx.t("pay.paid_at", amount=amount_text, store=store) if store and amount_text
                         else ctx.t("pay.paid")),
                   details=[x for x in ((when_text(at, ctx.lang) + " JST") if at else "",
                                        ctx.t("pay.receipt", no=receipt_no) if receipt_no else "") if x])
    elif status.state is CodeState.EXPIRED:
        out["message"] = ctx.t("pay.expired")
    elif status.state is CodeState.REFUSED:
        reason = ctx.error(QrpayError("", code=status.reason or "code_refused"))
        out["message"] = ctx.t("pay.refused", reason=reason)
    elif status.state is CodeState.SUPERSEDED:
        out["message"] = ctx.t("pay.superseded")
    elif status.state is CodeState.REVOKED:
        out["message"] = ctx.t("pay.revoked")
    return out


def _status(e: QrpayError) -> int:
    return {"throttled": 429, "rate_limited": 429, "locked": 423, "account_locked": 423}.get(e.code, 400)
