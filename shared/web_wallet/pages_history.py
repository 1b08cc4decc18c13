"""The history: every top-up, payment and refund, newest first, with the store and the receipt."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from shared.clock import in_jst
from shared.wallet import EntryKind, HistoryEntry
from shared.web_wallet import framework as fw
from shared.web_wallet.framework import Ctx

router = APIRouter(route_class=fw.WebRoute)
fw.home_action("history", "home.history", "history", 30)

LIMIT = 100
_ICON = {EntryKind.TOPUP: "plus", EntryKind.OPENING: "plus", EntryKind.PAYMENT: "minus", EntryKind.REFUND: "refund"}


def when_text(t: float, lang: str) -> str:
    d = in_jst(t)
    return f"{d.month}月{d.day}日 {d:%H:%M}" if lang == "ja" else f"{d:%d %b %H:%M}"


def entry_view(ctx: Ctx, e: HistoryEntry) -> dict[str, Any]:
    en = ctx.lang == "en"
    store = (e.store_name_en if en and e.store_name_en else e.store_name_ja or e.store_name_en)
    if e.kind is EntryKind.PAYMENT and store:
        title = store
    elif e.kind is EntryKind.REFUND and store:
        title = ctx.t("kind.refund_from", store=store)
    else:
        title = ctx.t(f"kind.{e.kind.value}" if isinstance(e.kind, EntryKind) else "kind.other")
    lines = ctx.t("list.comma").join(
        ((i.name_en if en else i.name_ja) or i.name_ja or i.name_en) + (f" ×{i.qty}" if i.qty > 1 else "")
        for i in e.items)
    return {"title": title, "lines": lines, "amount": e.amount, "when": when_text(e.at, ctx.lang),
            "icon": _ICON.get(e.kind, "dot"), "receipt": ctx.t("history.receipt", no=e.receipt_no) if e.receipt_no else "",
            "plus": e.amount > 0}


@router.get("/history")
def history(ctx: Ctx = Depends(fw.signed_in)) -> Response:
    customer_id = ctx.core.identity.session(ctx.session.token).customer_id
    entries = [entry_view(ctx, e) for e in ctx.core.wallet.history(customer_id, LIMIT)]
    return ctx.render("history.html", entries=entries)
