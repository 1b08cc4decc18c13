"""The HTTP service (shared/service): who may do what, worlds kept apart, the error table, bad input.

Every test talks to a real uvicorn on 127.0.0.1 through httpx (tests/service_support.py); worlds run on fixed
clocks that only the admin moves."""
from __future__ import annotations

import json

import httpx
import pytest

from shared import errors, totp
from shared.service import statuses
from shared.service.app import Limits
from shared.service.codec import decode, decode_error
from shared.sales import Sale
from service_support import ADMIN, ADMIN_H, Shop, app_server, bearer


@pytest.fixture
def shop(client):
    return Shop(client)


def err(r: httpx.Response) -> str:
    return r.json()["error"]["code"]


def audit_count(client, world="default") -> int:
    return len(client.get(f"/worlds/{world}/audit", params={"limit": 5000}, headers=ADMIN_H).json())


# -- the payment flow ------------------------------------------------------------------------------------
def test_pay_replay_refund_and_retry_exactly_once(client, shop):
    code = shop.issue(0)
    before = shop.balance(0)
    r = shop.pay(code["text"], "sale-1")
    assert r.status_code == 200, r.text
    sale = decode(Sale, r.json())
    assert sale.total == shop.price and shop.balance(0) == before - shop.price
    again = shop.pay(code["text"], "sale-1")                       # the till retries: the first sale, no charge
    assert again.status_code == 200 and decode(Sale, again.json()) == sale
    assert shop.balance(0) == before - shop.price
    other = shop.pay(code["text"], "sale-1", qty=2)                # same id, another cart
    assert (other.status_code, err(other)) == (409, "sale_id_conflict")
    replay = shop.pay(code["text"], "sale-2")                      # the screenshot replayed
    assert (replay.status_code, err(replay)) == (409, "replayed")
    assert isinstance(decode_error(replay.json()), errors.CodeRefused)
    assert shop.balance(0) == before - shop.price
    r = client.post(shop.url("/till/refunds"), headers=bearer(shop.shift), json={
        "sale_id": "sale-1", "supervisor_id": shop.supervisor["id"], "pin": shop.supervisor["pin"], "refund_id": "rf-1"})
    assert r.status_code == 201, r.text
    assert shop.balance(0) == before
    receipt = client.get(shop.url("/till/sales/sale-1/receipt"), headers=bearer(shop.shift))
    assert receipt.status_code == 200 and receipt.json()["refunds"][0]["refund_id"] == "rf-1"


# -- who may do what -------------------------------------------------------------------------------------
def test_a_customer_cannot_read_another_customers_code(client, shop):
    code = shop.issue(0)
    r = client.get(shop.url(f"/me/codes/{code['nonce']}"), headers=bearer(shop.sign_in(1)))
    assert (r.status_code, err(r)) == (404, "not_found")
    mine = client.get(shop.url(f"/me/codes/{code['nonce']}"), headers=bearer(shop.sign_in(0)))
    assert mine.status_code == 200 and mine.json()["state"] == "issued"
    stream = client.get(shop.url(f"/me/codes/{code['nonce']}/events"), headers=bearer(shop.sign_in(1)))
    assert (stream.status_code, err(stream)) == (404, "not_found")
    # nor end another customer's session
    victim = client.get(shop.url("/me/session"), headers=bearer(shop.sign_in(0))).json()
    r = client.post(shop.url(f"/me/sessions/{victim['id']}/revoke"), headers=bearer(shop.sign_in(1)))
    assert 400 <= r.status_code < 500
    assert client.get(shop.url("/me/balance"), headers=bearer(shop.sign_in(0))).status_code == 200
    assert victim["token"] == ""                                     # a session's token is only sent at sign-in


def test_credentials_of_world_a_are_unknown_in_world_b(client, shop):
    b = Shop(client, "b", create=True)
    a_session, a_shift, a_key = shop.sign_in(0), shop.shift, shop.terminal_key
    r = client.get(b.url("/me/balance"), headers=bearer(a_session))
    assert (r.status_code, err(r)) == (401, "session_invalid")
    code = shop.issue(0)
    r = b.pay(code["text"], "cross-1", shift=a_shift)              # A's till selling in B
    assert (r.status_code, err(r)) == (401, "shift_invalid")
    r = client.post(b.url("/shifts"), headers={"X-Terminal-Key": a_key},
                    json={"terminal_id": "T1", "clerk_id": b.clerk["id"], "pin": b.clerk["pin"]})
    assert (r.status_code, err(r)) == (401, "invalid_credentials")
    r = b.pay(code["text"], "cross-2")                            # A's code at B's own till
    assert r.status_code in (409, 422) and err(r) in ("not_ours", "bad_signature")
    assert client.get(shop.url(f"/me/codes/{code['nonce']}"), headers=bearer(a_session)).json()["state"] == "issued"


def test_roles_are_enforced(client, shop):
    session = shop.sign_in(0)
    for headers in ({}, bearer(session), bearer(shop.shift), bearer(ADMIN + "x"), bearer(ADMIN[:-1]),
                    {"Authorization": ADMIN}, {"Authorization": f"Basic {ADMIN}"}):
        r = client.put(shop.url("/policy"), json={"preset": "2019"}, headers=headers)
        assert r.status_code in (401, 403), (headers, r.text)
        assert err(r) in ("auth_required", "permission_denied")
    assert client.get(shop.url("/policy")).json()["name"] == "hardened"
    r = client.post(shop.url("/till/sales"), headers=bearer(session),       # a wallet token is no shift
                    json={"sale_id": "x1", "code": "x", "lines": [[shop.jan, 1]]})
    assert (r.status_code, err(r)) == (401, "shift_invalid")
    r = client.get(shop.url("/me/balance"), headers=bearer(shop.shift))      # a shift is no session
    assert (r.status_code, err(r)) == (401, "session_invalid")
    r = client.get(shop.url("/me/balance"), params={"token": session})      # never from the URL
    assert (r.status_code, err(r)) == (401, "auth_required")
    r = client.post(shop.url("/shifts"), headers={"X-Terminal-Key": shop.terminal_key},
                    json={"terminal_id": "T1", "clerk_id": shop.clerk["id"], "pin": "0000000"})
    assert r.status_code == 401 and err(r) == "invalid_credentials"
    r = client.post(shop.url("/shifts"), headers={"X-Terminal-Key": shop.terminal_key + "x"},
                    json={"terminal_id": "T1", "clerk_id": shop.clerk["id"], "pin": shop.clerk["pin"]})
    assert r.status_code == 401 and err(r) == "invalid_credentials"
    r = client.post(shop.url("/shifts"), json={"terminal_id": "T1", "clerk_id": shop.clerk["id"], "pin": shop.clerk["pin"]})
    assert r.status_code == 401


def test_a_new_terminal_key_retires_the_old_one(client, shop):
    old = shop.terminal_key
    shop.terminal_key = client.post(shop.url("/terminals/T1/key"), headers=ADMIN_H).json()["key"]
    r = client.post(shop.url("/shifts"), headers={"X-Terminal-Key": old},
                    json={"terminal_id": "T1", "clerk_id": shop.clerk["id"], "pin": shop.clerk["pin"]})
    assert r.status_code == 401
    assert shop.open_shift()


def test_the_client_never_sets_the_time(client, shop):
    session = shop.sign_in(0)
    for r in (client.get(shop.url("/me/balance"), params={"now": "2030-01-01T00:00:00Z"}, headers=bearer(session)),
              client.post(shop.url("/me/codes"), json={"now": 1.0}, headers=bearer(session)),
              client.post(shop.url("/clock/advance"), params={"NOW": "1"}, json={"seconds": 1}, headers=ADMIN_H)):
        assert (r.status_code, err(r)) == (422, "client_time_refused")
    t = shop.now()
    r = client.post(shop.url("/clock/advance"), json={"seconds": 3600}, headers=ADMIN_H)
    assert r.json()["now"] == t + 3600
    r = client.post(shop.url("/clock/advance"), json={"seconds": 60}, headers=bearer(session))
    assert r.status_code == 403


# -- worlds ----------------------------------------------------------------------------------------------
def test_worlds_are_isolated(client, shop):
    b = Shop(client, "b", create=True)
    assert client.put(shop.url("/policy"), json={"preset": "2019"}, headers=ADMIN_H).json()["name"] == "2019"
    assert client.get(b.url("/policy")).json()["name"] == "hardened"
    assert all(d["on"] for d in client.get(b.url("/defences")).json())
    b_audit = audit_count(client, "b")
    code = shop.issue(0)
    assert shop.pay(code["text"], "only-in-a").status_code == 200
    r = client.get(b.url("/till/sales/only-in-a/receipt"), headers=bearer(b.shift))
    assert (r.status_code, err(r)) == (404, "not_found")
    assert client.get(b.url("/till/journal"), params={"business_date": "2026-11-25"}, headers=bearer(b.shift)).json() == []
    assert client.get(shop.url("/till/journal"), params={"business_date": "2026-11-25"},
                      headers=bearer(shop.shift)).json()[0]["id"] == "only-in-a"
    # world B's own e-mail addresses and customer ids repeat A's, but its wallet did not move
    assert b.balance(0) == 20000
    b_events = {row["event"] for row in client.get(b.url("/audit"), params={"limit": 5000}, headers=ADMIN_H).json()}
    assert "policy_changed" not in b_events and audit_count(client, "b") == b_audit + 2   # b's own sign-in only
    assert client.post(shop.url("/clock/advance"), json={"seconds": 86400}, headers=ADMIN_H).status_code == 200
    assert abs(b.now() - shop.now()) >= 86400 - 1000


def test_world_create_list_reset_delete(client, shop):
    assert client.post("/worlds", json={"name": "team-1"}, headers=ADMIN_H).status_code == 201
    r = client.post("/worlds", json={"name": "team-1"}, headers=ADMIN_H)
    assert (r.status_code, err(r)) == (409, "world_exists")
    for bad in ("", "../x", "A", "a" * 33, "a/b", "a.b"):
        r = client.post("/worlds", json={"name": bad}, headers=ADMIN_H)
        assert r.status_code == 422, bad
    assert [w["name"] for w in client.get("/worlds", headers=ADMIN_H).json()] == ["default", "team-1"]
    assert client.get("/worlds").status_code == 401
    session = shop.sign_in(0)
    r = client.post("/worlds/default/reset", headers=ADMIN_H)
    assert r.status_code == 200 and r.json()["customers"] == 0
    assert client.get(shop.url("/me/balance"), headers=bearer(session)).status_code == 401   # its sessions went too
    assert client.get(shop.url("/till/journal"), params={"business_date": "2026-11-25"},
                      headers=bearer(shop.shift)).status_code == 401                       # and its shifts
    assert client.delete("/worlds/team-1", headers=ADMIN_H).status_code == 200
    r = client.get("/worlds/team-1/policy")
    assert (r.status_code, err(r)) == (404, "no_such_world")
    assert client.delete("/worlds/default", headers=ADMIN_H).status_code == 422


# -- errors and bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", errors.error_classes(), ids=lambda c: c.__name__)
def test_every_error_has_a_4xx_or_a_retryable_503(cls):
    status = statuses.status_for(cls("m"))
    assert 400 <= status < 500 or (status == 503 and cls in (errors.StorageError, errors.PaymentUnconfirmed))


def test_specific_codes_beat_their_class():
    assert statuses.status_for(errors.CodeRefused("m", code="replayed")) == 409
    assert statuses.status_for(errors.CodeRefused("m", code="expired")) == 422
    assert statuses.status_for(errors.IdempotencyConflict("m", code="sale_id_conflict")) == 409
    assert statuses.status_for(errors.Throttled("m", retry_after=2.2)) == 429
    assert statuses.retry_after(errors.Throttled("m", retry_after=2.2)) == 3


def test_bad_bodies_get_a_stable_4xx_and_write_nothing(client, shop):
    session = shop.sign_in(0)
    code = shop.issue(0)
    before = audit_count(client)
    url, h = shop.url("/till/sales"), {**bearer(shop.shift), "Content-Type": "application/json"}
    good = {"sale_id": "bad-1", "code": code["text"], "lines": [[shop.jan, 1]]}
    cases = [
        (b'{"sale_id": "bad-1", "code": ', 400, "malformed_json"),
        (b"\xff\xfe not json", 400, "malformed_json"),
        (json.dumps({**good, "lines": [[shop.jan, "1"]]}).encode(), 422, "bad_body"),
        (json.dumps({**good, "lines": [[shop.jan, 1.5]]}).encode(), 422, "bad_body"),
        (json.dumps({**good, "sale_id": 7}).encode(), 422, "bad_body"),
        (json.dumps({**good, "lines": "all of it"}).encode(), 422, "bad_body"),
        (json.dumps({**good, "surprise": True}).encode(), 422, "bad_body"),
        (json.dumps({**good, "terminal_id": "T2"}).encode(), 422, "bad_body"),    # a till cannot say who it is
        (json.dumps([good]).encode(), 422, "bad_body"),
        (json.dumps({**good, "code": "x" * 70_000}).encode(), 413, "body_too_large"),
        (json.dumps({**good, "lines": [[shop.jan, 2**70]]}).encode(), 422, "bad_body"),
    ]
    for body, status, code_ in cases:
        r = client.post(url, content=body, headers=h)
        assert (r.status_code, err(r)) == (status, code_), (body[:60], r.text)
        assert "password" not in r.text
    r = client.post(shop.url("/me/top-ups"), headers=bearer(session),
                    json={"amount": 1000.0, "card_number": "4242424242424242"})
    assert (r.status_code, err(r)) == (422, "bad_body")
    r = client.post(shop.url("/identity/sign-in"), json={"email": "a@b.c", "password": ["hunter2-secret"]})
    assert (r.status_code, err(r)) == (422, "bad_body") and "hunter2" not in r.text
    assert audit_count(client) == before
    assert client.get(shop.url(f"/me/codes/{code['nonce']}"), headers=bearer(session)).json()["state"] == "issued"
    assert client.get("/no/such/route").status_code == 404
    assert client.get("/no/such/route").json()["error"]["code"] == "not_found"


def test_rate_limits_per_account_and_per_address(tmp_path):
    with app_server(tmp_path, limits=Limits(per_address=1000, per_account=3)) as srv, \
            httpx.Client(base_url=srv.url) as c:
        body = {"email": "victim@example.com", "password": "wrong password here"}
        seen = [c.post("/worlds/default/identity/sign-in", json=body) for _ in range(4)]
        assert [r.status_code for r in seen[:3]] != [429] * 3 and seen[3].status_code == 429
        assert err(seen[3]) == "rate_limited" and int(seen[3].headers["Retry-After"]) >= 1
        other = c.post("/worlds/default/identity/sign-in", json={**body, "email": "other@example.com"})
        assert other.status_code != 429                              # another account is not held up
    with app_server(tmp_path / "2", limits=Limits(per_address=5, per_account=1000)) as srv, \
            httpx.Client(base_url=srv.url) as c:
        codes = [c.get("/worlds/default/policy").status_code for _ in range(7)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]


def test_the_cores_throttle_reaches_the_client_as_429(client, shop):
    cu = shop.customer(0)
    seen = []
    for i in range(12):
        r = client.post(shop.url("/identity/sign-in"), json={"email": cu["email"], "password": "wrong-%d" % i,
                                                            "totp": totp.totp_code(cu["totp_secret"], shop.now())})
        seen.append((r.status_code, err(r)))
        if r.status_code in (403, 429):
            break
    assert seen[-1][0] in (403, 429), seen
    assert seen[-1][1] in ("throttled", "locked")
    if seen[-1][0] == 429:
        assert "Retry-After" in r.headers


def test_attack_runs_are_isolated_and_challenges_are_per_world(client, shop):
    b = Shop(client, "b", create=True)
    before = audit_count(client)
    runs = {p: client.post(shop.url("/attacks/screenshot-replay/runs"), json={"preset": p}, headers=ADMIN_H)
            for p in ("2019", "hardened")}
    assert {p: r.json()["outcome"] for p, r in runs.items()} == {"2019": "succeeded", "hardened": "blocked"}
    assert audit_count(client) == before                            # ran on its own database
    r = client.post(shop.url("/attacks/screenshot-replay/runs"), json={"preset": "2019", "sizes": {"nope": 1}},
                    headers=ADMIN_H)
    assert (r.status_code, err(r)) == (422, "bad_input")
    assert client.post(shop.url("/attacks/screenshot-replay/runs"), json={"preset": "2019"},
                       headers=bearer(shop.sign_in(0))).status_code == 403
    # a replayed screenshot in world A (2019 codes are reusable) solves A's challenge, not B's
    assert client.put(shop.url("/policy"), json={"preset": "2019"}, headers=ADMIN_H).status_code == 200
    code = shop.issue(0, step_up=False)
    assert shop.pay(code["text"], "twice-1").status_code == 200
    assert shop.pay(code["text"], "twice-2").status_code == 200
    solved = {w: {c["id"] for c in client.get(f"/worlds/{w}/challenges", headers=ADMIN_H).json() if c["solved"]}
              for w in ("default", "b")}
    assert solved["default"] and not solved["b"], solved
    assert client.post(shop.url("/challenges/reset"), headers=ADMIN_H).status_code == 200
    assert not any(c["solved"] for c in client.get(shop.url("/challenges"), headers=ADMIN_H).json())
