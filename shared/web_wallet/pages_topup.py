"""Top up: a test card, an amount, the authenticator check (the 2019 policy: the top-up password instead), the
limits and what is left of them: the desktop wallet's top-up screen (wallet_app/topup_screen.py) as a page.

The core decides everything (shared/topups.py: the step-up, the limits, the velocity rule, the cards). Each
form the page makes carries its own idempotency key (a hidden field, random per page): a double tap, a resent
form or a reload of the answer all reach the core with the same key and charge once. The card number, the
code and the password travel only in the POST body, and none is put back into the page.
"""
from __future__ import annotations

import secrets
import threading
import weakref

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from shared.errors import InputError, QrpayError
from shared.money import format_yen, parse_yen
from shared.web_wallet import framework as fw
from shared.web_wallet.framework import Ctx

router = APIRouter(route_class=fw.WebRoute)
fw.home_action("topup", "home.topup", "topup", 20)

TEST_CARD = "4242 4242 4242 4242"      # a documented test number the simulated issuer accepts (shared/topups.py)
PRESETS = (1_000, 3_000, 5_000, 10_000)
DEFAULT_AMOUNT = PRESETS[1]
# One form at a time per idempotency key: a second copy of a form (a double tap without script, a resend) waits
# for the first, then the core's key check answers it with the first's top-up before any code is asked for (the
# first copy used it), so the customer reads "Added ¥3,000", not "That code was already used".
_KEY_LOCKS: "weakref.WeakValueDictionary[str, threading.Lock]" = weakref.WeakValueDictionary()
_KEY_LOCKS_GUARD = threading.Lock()


def _lock_for(key: str) -> threading.Lock:
    with _KEY_LOCKS_GUARD:
        lock = _KEY_LOCKS.get(key)
        if lock is None:
            lock = _KEY_LOCKS[key] = threading.Lock()
        return lock


def _page(ctx: Ctx, *, status: int = 200, message: tuple[str, str] | None = None, amount: int | None = None,
          other: str = "", card: str = TEST_CARD) -> Response:
    lim = ctx.core.topups.limits(ctx.session.token)
    lines = [ctx.t("topup.per_topup", amount=format_yen(lim.per_transaction)),
             ctx.t("topup.today", left=format_yen(lim.day_left), limit=format_yen(lim.day_limit)),
             ctx.t("topup.month", left=format_yen(lim.month_left), limit=format_yen(lim.month_limit)),
             ctx.t("topup.max_now", amount=format_yen(lim.max_now))]
    if lim.velocity_count:
        lines.append(ctx.t("topup.velocity", n=lim.velocity_count, s=lim.velocity_seconds))
    chosen = amount if amount in PRESETS and not other else None
    presets = [{"value": v, "label": format_yen(v), "checked": v == chosen} for v in PRESETS]
    return ctx.render("topup.html", status=status, message=message, presets=presets, other=other[:20],
                      card=card[:40], limits=lines,
                      needs_code=lim.requires_totp, needs_password=lim.requires_topup_password,
                      # a new key for every form this page makes: one form, one charge
                      key=secrets.token_hex(16))


@router.get("/topup")
def topup_form(ctx: Ctx = Depends(fw.signed_in)) -> Response:
    return _page(ctx, amount=DEFAULT_AMOUNT)


def _amount(ctx: Ctx) -> int | None:
    """A typed amount wins over a preset (as on the desktop: typing unchooses the presets)."""
    choice, other = ctx.field("amount"), ctx.field("other_amount").strip()
    if other:
        try:
            return parse_yen(other)
        except InputError:
            return None
    return int(choice) if choice in {str(v) for v in PRESETS} else None


@router.post("/topup")
def topup(ctx: Ctx = Depends(fw.posted_signed_in)) -> Response:
    amount, other, card = _amount(ctx), ctx.field("other_amount").strip(), ctx.field("card")
    keep = {"amount": amount, "other": other, "card": card}
    if amount is None:
        return _page(ctx, status=400, message=("danger", ctx.t("topup.choose_amount")), **keep)
    key = ctx.field("key")
    if not (len(key) == 32 and all(c in "0123456789abcdef" for c in key)):
        return _page(ctx, status=400, message=("danger", ctx.t("form.check")), **keep)
    code = ctx.field("code").replace(" ", "").strip() or None
    password = ctx.field("topup_password") or None
    lock = _lock_for(key)
    try:
        with lock:
            done = ctx.core.topups.top_up(ctx.session.token, amount, card, totp=code, topup_password=password,
                                          idempotency_key=key)
    except QrpayError as e:
        return _page(ctx, status=_status(e), message=("danger", ctx.error(e)), **keep)
    said = ctx.t("topup.done", amount=format_yen(done.amount), brand=done.card_brand, last4=done.card_last4,
                 balance=format_yen(done.balance))
    return _page(ctx, message=("ok", said), amount=DEFAULT_AMOUNT)


@router.post("/topup/password")
def topup_password(ctx: Ctx = Depends(fw.posted_signed_in)) -> Response:
    """The 2019 policy's top-up password (hardened asks for a fresh authenticator code with it)."""
    code = ctx.field("code").replace(" ", "").strip() or None
    try:
        ctx.core.topups.set_topup_password(ctx.session.token, ctx.field("topup_password"), totp=code)
    except QrpayError as e:
        return _page(ctx, status=_status(e), message=("danger", ctx.error(e)), amount=DEFAULT_AMOUNT)
    return _page(ctx, message=("ok", ctx.t("topup.password_set")), amount=DEFAULT_AMOUNT)


def _status(e: QrpayError) -> int:
    return {"throttled": 429, "rate_limited": 429, "locked": 423}.get(e.code, 400)
