"""Security: the signed-in devices (sign one out, or every one), what a web page cannot protect, the mailbox."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from shared.errors import QrpayError
from shared.web_wallet import framework as fw
from shared.web_wallet.framework import Ctx
from shared.web_wallet.pages_history import when_text

router = APIRouter(route_class=fw.WebRoute)
WEB_DEVICE = "web"          # the device label a sign-in from these pages gives the core
fw.home_action("security", "home.security", "security", 40)


def _page(ctx: Ctx, *, status: int = 200, message: tuple[str, str] | None = None) -> Response:
    me = ctx.core.identity.session(ctx.session.token)
    devices = [{"id": s.id, "device": ctx.t("security.web_device") if s.device == WEB_DEVICE else s.device, "mine": s.id == me.id,
                "signed_in": ctx.t("security.signed_in_at", when=when_text(s.created_at, ctx.lang)),
                "last_used": ctx.t("security.last_used", when=when_text(s.last_seen_at, ctx.lang))}
               for s in ctx.core.identity.sessions(ctx.session.token)]
    return ctx.render("security.html", status=status, devices=devices, message=message)


@router.get("/security")
def security(ctx: Ctx = Depends(fw.signed_in)) -> Response:
    return _page(ctx)


@router.post("/security/revoke")
def revoke(ctx: Ctx = Depends(fw.posted_signed_in)) -> Response:
    raw = ctx.field("session_id")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return _page(ctx, status=400, message=("danger", ctx.t("form.check")))
    try:
        ctx.core.identity.revoke_session(ctx.session.token, int(raw))
    except QrpayError as e:
        return _page(ctx, status=400, message=("danger", ctx.error(e)))
    return ctx.redirect("security", banner=("ok", "security.revoked"))


@router.post("/security/sign-out-all")
def sign_out_all(ctx: Ctx = Depends(fw.posted_signed_in)) -> Response:
    try:
        ctx.core.identity.sign_out(ctx.session.token, everywhere=True)
    except QrpayError:
        pass                                                  # ended already: signed out all the same
    ctx.session.token = None
    ctx.session = fw.store(ctx.request).rotate(ctx.session)
    return ctx.redirect("signin", banner=("info", "security.all_out"))
