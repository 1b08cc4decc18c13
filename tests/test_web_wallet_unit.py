"""The web wallet's plumbing without a browser (FastAPI's TestClient on a real app and world): the Secure
cookie under HTTPS, the language from Accept-Language, the bounded web-session store, and the language
switch that cannot be turned into an open redirect."""
from __future__ import annotations

import re
import time

import warnings

import pytest

from shared.service.app import create_app
from shared.service.worlds import SqliteWorldStore
from shared.web_wallet import framework as fw


with warnings.catch_warnings():        # Starlette would rather have httpx2; its TestClient works as it is
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def app(tmp_path):
    store = SqliteWorldStore(tmp_path / "worlds", default_file=tmp_path / "default.sqlite3")
    yield create_app(store, "t" * 24)
    store.close()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_the_cookie_is_secure_under_https_and_not_over_http(app):
    https = TestClient(app, base_url="https://testserver").get("/wallet/signin")
    assert "Secure" in https.headers["set-cookie"] and "HttpOnly" in https.headers["set-cookie"]
    assert "SameSite=strict" in https.headers["set-cookie"]
    plain = TestClient(app).get("/wallet/signin")
    assert "Secure" not in plain.headers["set-cookie"]


@pytest.mark.parametrize("header,lang", [
    ("ja-JP,ja;q=0.9,en;q=0.8", "ja"), ("en-US,en;q=0.9,ja;q=0.8", "en"), ("fr-FR,ja;q=0.5", "ja"),
    ("fr", "en"), ("", "en"), (None, "en"), ("ja;q=0", "en"), ("*", "en"), ("ja;q=abc,en", "en"),
    ("x" * 10_000, "en"), (",,,;;;", "en"), ("en;q=0.2, ja;q=0.3", "ja"),
])
def test_the_language_follows_accept_language(header, lang):
    assert fw.accepted_language(header) == lang


def test_web_sessions_are_bounded_and_expire():
    sessions = fw.WebSessions(idle=60, limit=3)
    made = [sessions.new("default") for _ in range(5)]
    assert sum(sessions.get(s.id, "default") is not None for s in made) == 3
    assert sessions.get(made[-1].id, "other-world") is None            # a cookie of another world
    assert sessions.get("ws_" + "A" * 43, "default") is None
    assert sessions.get("x" * 1000, "default") is None
    old = made[-1]
    old.seen = time.monotonic() - 61
    assert sessions.get(old.id, "default") is None


@pytest.mark.parametrize("nxt", ["//evil.example/", "https://evil.example/", "/\\evil", "history?x=1", "../admin"])
def test_the_language_switch_stays_in_the_wallet(app, nxt):
    c = TestClient(app)
    token = _csrf(c.get("/wallet/signin").text)
    r = c.post("/wallet/language", data={"csrf": token, "lang": "ja", "next": nxt}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/wallet/"
    assert c.get("/wallet/signin").text.count("ログイン") >= 1


def test_a_named_world_has_its_own_pages_and_cookie(app):
    app.state.service.worlds.create("class-a")
    c = TestClient(app)
    r = c.get("/worlds/class-a/wallet/signin")
    assert r.status_code == 200 and "Path=/worlds/class-a/wallet/" in r.headers["set-cookie"]
    token = _csrf(r.text)
    # that world's token is no good for the default world's forms (another session, another cookie path)
    r = c.post("/wallet/signin", data={"csrf": token, "email": "a@example.com", "password": "x"})
    assert r.status_code == 403


def test_a_flood_of_visitors_forgets_visitors_before_customers():
    sessions = fw.WebSessions(limit=3)
    customer = sessions.new("default")
    customer.token = "qs_signed_in"
    for _ in range(10):
        sessions.new("default")
    assert sessions.get(customer.id, "default") is customer


def test_static_files_carry_the_headers(app):
    r = TestClient(app).get("/wallet/static/wallet.js")
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    assert "javascript" in r.headers["content-type"]
    assert TestClient(app).get("/wallet/static/../framework.py").status_code == 404


def _post_routes(app) -> list[str]:
    """Every POST page of the wallet (its page modules' routers: shared.web_wallet.PAGES)."""
    import importlib

    from shared import web_wallet
    return sorted({r.path.lstrip("/") for name in web_wallet.PAGES
                   for r in importlib.import_module(f"shared.web_wallet.{name}").router.routes
                   if "POST" in getattr(r, "methods", ())})


def _signed_in(app) -> TestClient:
    """A client signed in on the default world's wallet (enrolled through the core, signed in through the page)."""
    import pyotp
    core = app.state.service.worlds.get("default")
    password = "violet harbour kettle 93"
    e = core.identity.register("fuzz@example.com", "Fuzz", password)
    core.identity.confirm_totp(e.email, pyotp.TOTP(e.totp_secret).at(core.now() - 30))
    c = TestClient(app, raise_server_exceptions=False)
    token = _csrf(c.get("/wallet/signin").text)
    r = c.post("/wallet/signin", data={"csrf": token, "email": e.email, "password": password,
                                       "code": pyotp.TOTP(e.totp_secret).at(core.now())})
    assert r.status_code == 200 and 'id="balance"' in r.text, r.text[:500]
    return c


def test_the_fuzz_finds_the_post_pages(app):
    assert {"signin", "signup", "enrol", "signout", "language", "security/revoke"} <= set(_post_routes(app))


def test_garbage_forms_never_get_a_500(app):
    """Every POST page (a page added later too), fed random fields, raw bytes, with and without its token."""
    from hypothesis import HealthCheck, given, settings, strategies as st
    visitor = TestClient(app, raise_server_exceptions=False)
    customer = _signed_in(app)
    tokens = {id(visitor): _csrf(visitor.get("/wallet/signin").text), id(customer): _csrf(customer.get("/wallet/").text)}
    fields = st.dictionaries(st.sampled_from(["email", "password", "password_again", "name", "code", "lang", "next",
                                              "session_id", "amount", "card_number", "csrf", "x"]),
                             st.one_of(st.text(max_size=40), st.text(max_size=2000), st.sampled_from(["", "0", "-1", "1e9",
                                       "9" * 30, "ja", "en", "//evil", "\x00"])), max_size=8)

    for route, c in [(r, visitor) for r in _post_routes(app)] + \
                    [(r, customer) for r in _post_routes(app) if r not in ("signout", "security/sign-out-all")]:
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        @given(form=fields, keep_token=st.booleans(), raw=st.one_of(st.none(), st.binary(max_size=300)))
        def run(form, keep_token, raw):
            if keep_token:
                form = {**form, "csrf": tokens[id(c)]}
            if raw is not None:
                r = c.post(f"/wallet/{route}", content=raw, follow_redirects=False,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
            else:
                r = c.post(f"/wallet/{route}", data=form, follow_redirects=False)
            assert r.status_code < 500, (route, form, raw, r.text[:300])
            assert r.headers["content-security-policy"].startswith("default-src 'self'")
        run()


def test_a_bug_in_a_page_is_an_html_page_and_logs_no_form(app, monkeypatch, caplog):
    from shared.web_wallet import pages_account

    def broken(*a, **k):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(pages_account, "_signin_page", broken)
    c = TestClient(app, raise_server_exceptions=False)
    r = c.get("/wallet/signin")
    assert r.status_code == 500 and "<html" in r.text and "Something went wrong" in r.text
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert any("unexpected error in GET /wallet/signin" in m for m in caplog.messages)


@pytest.mark.parametrize("lang,words", [("en", "cannot be used for a new account"), ("ja", "新しいアカウントを作成できません")])
def test_sign_up_with_a_taken_address_or_two_different_passwords(app, lang, words):
    c = TestClient(app, headers={"Accept-Language": lang})
    token = _csrf(c.get("/wallet/signup").text)
    form = {"csrf": token, "email": "taken@example.com", "name": "Taro", "password": "violet harbour kettle 93",
            "password_again": "violet harbour kettle 93"}
    assert c.post("/wallet/signup", data=form, follow_redirects=False).status_code == 303
    c2 = TestClient(app, headers={"Accept-Language": lang})
    token2 = _csrf(c2.get("/wallet/signup").text)
    r = c2.post("/wallet/signup", data={**form, "csrf": token2})
    assert r.status_code == 409 and words in r.text
    assert 'value="taken@example.com"' in r.text and "violet harbour" not in r.text    # never the password back
    r = c2.post("/wallet/signup", data={**form, "csrf": token2, "email": "new@example.com", "password_again": "other"})
    assert r.status_code == 400 and ("two passwords are different" in r.text or "一致しません" in r.text)
