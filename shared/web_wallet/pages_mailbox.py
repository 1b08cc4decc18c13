"""The mailbox of the simulated e-mail: what the service sent to the customer's own address (notices of
sign-ins, new devices, changes). Only signed in, only one's own address: on a server a whole classroom
shares, a mailbox open to any typed address would hand out other people's reset codes (the API's
`/me/inbox` is the same)."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from shared.web_wallet import framework as fw
from shared.web_wallet.framework import Ctx
from shared.web_wallet.pages_history import when_text

router = APIRouter(route_class=fw.WebRoute)


@router.get("/mailbox")
def mailbox(ctx: Ctx = Depends(fw.signed_in)) -> Response:
    me = ctx.core.identity.session(ctx.session.token)
    address = ctx.core.identity.customer(me.customer_id).email
    messages = [{"subject": m.subject_in(ctx.lang), "body": m.body_in(ctx.lang), "when": when_text(m.sent_at, ctx.lang)}
                for m in ctx.core.inbox(address)]
    return ctx.render("mailbox.html", address=address, messages=messages)
