"""The catalog and quotes: public (what a shop window shows)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from shared.catalog import Item, Store, Terminal
from shared.sales import CartTotals
from shared.service import deps
from shared.service.app import ok
from shared.service.deps import Body, Int, Str

router = APIRouter(prefix="/worlds/{world}", tags=["catalog"], responses=deps.ERRORS)


@router.get("/catalog/items", response_model=list[Item])
def items(w: deps.World = Depends(deps.world)):
    return ok(w.core.catalog.items())


@router.get("/catalog/items/{jan}", response_model=Item)
def item(jan: str, w: deps.World = Depends(deps.world)):
    return ok(w.core.catalog.item(jan))


@router.get("/catalog/search", response_model=list[Item])
def search(w: deps.World = Depends(deps.world), text: str = Query(..., max_length=200)):
    return ok(w.core.catalog.search(text))


@router.get("/catalog/store", response_model=Store)
def store(w: deps.World = Depends(deps.world)):
    return ok(w.core.catalog.store())


@router.get("/catalog/terminals", response_model=list[Terminal])
def terminals(w: deps.World = Depends(deps.world)):
    return ok(w.core.catalog.terminals())


class QuoteBody(Body):
    lines: list[tuple[Str, Int]]


@router.post("/quote", response_model=CartTotals)
def quote(body: QuoteBody, w: deps.World = Depends(deps.world)):
    return ok(w.core.sales.quote([tuple(x) for x in body.lines]))
