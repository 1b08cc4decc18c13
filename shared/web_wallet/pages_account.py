"""Signing up, enrolling the authenticator, signing in and out, and the language switch.

The core decides everything (password rules, throttling, locks, the uniform reply under hardened); these
pages only show its answers in the desktop wallet's words. Secrets travel only in POST bodies: the password
and the code are never put back into a page, a URL or a log line.
"""
from __future__ import annotations

import re

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from shared.code_image import qr_svg
from shared.errors import QrpayError
from shared.service import deps
from shared.web_wallet import framework as fw
from shared.web_wallet.framework import Ctx
from shared.web_wallet.pages_security import WEB_DEVICE

router = APIRouter(route_class=fw.WebRoute)

# Under the hardened policy these all read the same, whether the password was right or not.
GENERIC_REFUSALS = frozenset({"invalid_credentials", "totp_required", "totp_invalid", "totp_reused"})
_SAFE_NEXT = re.compile(r"[a-z0-9/_-]{0,64}")


def _signin_page(ctx: Ctx, *, status: int = 200, message: tuple[str, str] | None = None) -> Response:
    return ctx.render("signin.html", status=status, email=ctx.session.email, message=message,
                      needs_code=ctx.core.policy.require_totp_login)


@router.get("/signin")
def signin_form(ctx: Ctx = Depends(fw.page)) -> Response:
    if ctx.session.token is not None:
        return ctx.redirect("")
    return _signin_page(ctx)


@router.post("/signin")
def signin(ctx: Ctx = Depends(fw.posted)) -> Response:
    email, password, factor = ctx.field("email").strip(), ctx.field("password"), ctx.field("code").strip()
    ctx.session.email = email[:320]
    if not email or not password:
        return _signin_page(ctx, status=400, message=("danger", ctx.t("form.check")))
    totp = recovery = None
    if factor:
        digits = factor.replace(" ", "")
        if digits.isdigit() and len(digits) == 6:
            totp = digits
        else:
            recovery = factor
    try:
        deps.limit_account(ctx.request, ctx.world, email)
        session = ctx.core.identity.sign_in(email, password, totp=totp, recovery_code=recovery,
                                            device=WEB_DEVICE, source="web")
    except QrpayError as e:
        return _signin_page(ctx, status=_status(e), message=_refusal(ctx, e))
    fresh = fw.store(ctx.request).rotate(ctx.session)       # a new id once signed in (no session fixation)
    fresh.token = session.token
    ctx.session = fresh
    return ctx.redirect("")


def _status(e: QrpayError) -> int:
    return {"throttled": 429, "rate_limited": 429, "locked": 423}.get(e.code, 400 if e.code == "bad_input" else 401)


def _refusal(ctx: Ctx, e: QrpayError) -> tuple[str, str]:
    """(banner kind, words) for a refused sign-in, as the desktop's sign-in screen says it; a wait is a
    countdown (static/wallet.js counts it down and keeps the button off until it is over)."""
    now = ctx.core.now()
    one_step = ctx.core.policy.require_totp_login and ctx.core.policy.uniform_login_replies
    if e.code == "locked" and e.details.get("until") is not None:
        return "danger", ctx.waiting("signin.locked", float(e.details["until"]) - now)
    if e.code == "throttled" and e.details.get("retry_after"):
        return "warning", ctx.waiting("signin.throttled", float(e.details["retry_after"]))
    if e.code == "totp_required" and e.details.get("enrolment_pending"):
        return "info", ctx.t("signin.finish_enrolment")
    wait = e.details.get("retry_after")
    if one_step and e.code in GENERIC_REFUSALS:
        # one answer for every wrong combination: never a hint which part was wrong
        if wait:
            return "danger", ctx.waiting("signin.wrong_wait", float(wait))
        return "danger", ctx.t("signin.wrong")
    if wait and e.code in GENERIC_REFUSALS:
        return "warning", ctx.waiting("signin.wrong_details_wait", float(wait))
    return "danger", ctx.error(e)


@router.post("/signout")
def signout(ctx: Ctx = Depends(fw.posted)) -> Response:
    if ctx.session.token is not None:
        try:
            ctx.core.identity.sign_out(ctx.session.token)
        except QrpayError:
            pass                                              # already ended: signed out all the same
    ctx.session.token = None
    ctx.session = fw.store(ctx.request).rotate(ctx.session)
    return ctx.redirect("signin", banner=("info", "signin.signed_out"))


# -- sign-up and enrolment ---------------------------------------------------------------------------
def _signup_page(ctx: Ctx, *, status: int = 200, message: str | None = None, problems: list[str] | None = None):
    return ctx.render("signup.html", status=status, message=message, problems=problems or [],
                      email=ctx.field("email")[:320], name=ctx.field("name")[:100],
                      min_length=ctx.core.policy.min_password_length)


@router.get("/signup")
def signup_form(ctx: Ctx = Depends(fw.page)) -> Response:
    return _signup_page(ctx)


@router.post("/signup")
def signup(ctx: Ctx = Depends(fw.posted)) -> Response:
    email, name = ctx.field("email").strip(), ctx.field("name").strip()
    password, again = ctx.field("password"), ctx.field("password_again")
    if password != again:
        return _signup_page(ctx, status=400, message=ctx.t("signup.mismatch"))
    try:
        deps.limit_account(ctx.request, ctx.world, email)
        enrolment = ctx.core.identity.register(email, name, password)
    except QrpayError as e:
        problems = [p for p in e.details.get("problems") or [] if isinstance(p, dict)] if e.code == "weak_password" else []
        if problems:
            from shared.web_wallet.texts import ERRORS, password_problem_text
            return _signup_page(ctx, status=400, message=ERRORS["weak_password:"].get(ctx.lang),
                                problems=[password_problem_text(str(p.get("code")), p, ctx.lang) for p in problems])
        if e.code == "conflict":       # the core says no more than that the address cannot be used
            return _signup_page(ctx, status=409, message=ctx.t("signup.email_taken"))
        return _signup_page(ctx, status=_status(e), message=ctx.error(e))
    ctx.session.enrolment = enrolment
    ctx.session.email = enrolment.email
    return ctx.redirect("enrol")


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _enrol_page(ctx: Ctx, *, status: int = 200, message: str | None = None) -> Response:
    e = ctx.session.enrolment
    return ctx.render("enrol.html", status=status, message=message, email=e.email, otpauth=e.otpauth_uri,
                      secret=_grouped(e.totp_secret), qr=qr_svg(e.otpauth_uri))


@router.get("/enrol")
def enrol_form(ctx: Ctx = Depends(fw.page)) -> Response:
    if ctx.session.enrolment is None:
        return ctx.redirect("signup")
    return _enrol_page(ctx)


@router.post("/enrol")
def enrol(ctx: Ctx = Depends(fw.posted)) -> Response:
    e = ctx.session.enrolment
    if e is None:
        return ctx.redirect("signup")
    code = ctx.field("code").replace(" ", "").strip()
    if not code:
        return _enrol_page(ctx, status=400, message=ctx.error(QrpayError("", code="totp_required")))
    try:
        deps.limit_account(ctx.request, ctx.world, e.email)
        ctx.core.identity.confirm_totp(e.email, code)
    except QrpayError as err:
        return _enrol_page(ctx, status=_status(err), message=ctx.error(err))
    ctx.session.enrolment = None
    ctx.session.recovery_codes = e.recovery_codes
    return ctx.redirect("recovery-codes")


@router.get("/recovery-codes")
def recovery_codes(ctx: Ctx = Depends(fw.page)) -> Response:
    if not ctx.session.recovery_codes:
        return ctx.redirect("signin")
    return ctx.render("recovery.html", codes=ctx.session.recovery_codes)


@router.post("/recovery-codes")
def recovery_codes_saved(ctx: Ctx = Depends(fw.posted)) -> Response:
    ctx.session.recovery_codes = ()                          # shown only once
    return ctx.redirect("signin", banner=("ok", "signin.enrolled"))


# -- the language ------------------------------------------------------------------------------------
@router.post("/language")
def switch_language(ctx: Ctx = Depends(fw.posted)) -> Response:
    lang = ctx.field("lang")
    back = ctx.field("next")
    if not _SAFE_NEXT.fullmatch(back):                        # only a page of this wallet: no open redirect
        back = ""
    response = ctx.redirect(back)
    if lang in ("en", "ja"):
        response.set_cookie(fw.LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="strict",
                            path="/", secure=ctx.request.url.scheme == "https")
    return response
