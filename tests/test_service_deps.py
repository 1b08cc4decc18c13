"""The per-request dependencies of the service (issue 15, performance): the ones that do no I/O run on the event
loop (no thread-pool hop per request); a world that is not open yet is still opened (in the thread pool), and an
unknown one is still refused."""
from __future__ import annotations

import inspect

from fastapi.testclient import TestClient

from shared.core import Core
from shared.service import deps
from shared.service.routes_till import reader
from tests.service_support import ADMIN_H, Shop, make_app


def test_the_payment_path_dependencies_run_on_the_event_loop():
    for dep in (deps.limit_address, deps.world, deps.till, deps.admin, deps.terminal_key, reader):
        assert inspect.iscoroutinefunction(dep), dep.__name__
    assert not inspect.iscoroutinefunction(deps.wallet)      # it reads the session from the database


def test_a_world_on_disk_but_not_open_is_opened_and_an_unknown_one_refused(tmp_path):
    app, store = make_app(tmp_path)
    Core.open(tmp_path / "worlds" / "late.sqlite3").close()       # made by another process: not open here
    assert store.opened("late") is None
    with TestClient(app) as client:
        r = client.get("/worlds/late/catalog/items")
        assert r.status_code == 200, r.text
        assert store.opened("late") is not None
        r = client.get("/worlds/nowhere/catalog/items")
        assert r.status_code == 404 and r.json()["error"]["code"] == "no_such_world"
        assert store.opened("nowhere") is None


def test_a_till_pays_through_the_async_dependencies_and_a_wrong_shift_is_refused(tmp_path):
    app, store = make_app(tmp_path)
    with TestClient(app) as client:
        shop = Shop(client)
        r = client.get(shop.url("/till/journal"), params={"business_date": "2026-11-25"},
                       headers={"Authorization": f"Bearer {shop.shift}"})
        assert r.status_code == 200, r.text
        r = client.get(shop.url("/till/journal"), params={"business_date": "2026-11-25"},
                       headers={"Authorization": "Bearer sh_not-a-shift"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "shift_invalid"
        r = client.get(shop.url("/till/journal"), params={"business_date": "2026-11-25", "terminal_id": "T1"},
                       headers=ADMIN_H)
        assert r.status_code == 200, r.text
    store.close()
