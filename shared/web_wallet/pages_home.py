"""The start page: the welcome (sign in / create an account) for a visitor, the balance for a customer."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from shared.web_wallet import framework as fw
from shared.web_wallet.framework import Ctx
from shared.web_wallet.pages_history import entry_view

router = APIRouter(route_class=fw.WebRoute)

RECENT = 5


@router.get("/")
def home(ctx: Ctx = Depends(fw.page)) -> Response:
    if ctx.session.token is None:
        return ctx.render("welcome.html")
    fw.signed_in(ctx)
    customer_id = ctx.core.identity.session(ctx.session.token).customer_id
    customer = ctx.core.identity.customer(customer_id)
    balance = ctx.core.wallet.balance(customer_id)
    recent = [entry_view(ctx, e) for e in ctx.core.wallet.history(customer_id, RECENT)]
    return ctx.render("home.html", name=customer.name, balance=balance, frozen=customer.frozen, recent=recent,
                      actions=fw.home_actions(ctx))
