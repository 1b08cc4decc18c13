"""Short join codes (shared/service/join_codes.py): each world has one, unambiguous and drawn with `secrets`;
`POST /join` tells the world's name and nothing else; guessing is refused with 429 long before it could work;
the admin reads and renews a code; `qrpay --join` and the apps' `--join` reach the world it names."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shared.service import join_codes
from service_support import ADMIN_H, ROOT


def code_of(client, world: str) -> str:
    r = client.get(f"/worlds/{world}/join-code", headers=ADMIN_H)
    assert r.status_code == 200, r.text
    return r.json()["code"]


def test_each_world_has_its_own_short_unambiguous_code_that_resolves_to_its_name(client):
    for name in ("team-a", "team-b"):
        assert client.post("/worlds", json={"name": name}, headers=ADMIN_H).status_code == 201
    a, b = code_of(client, "team-a"), code_of(client, "team-b")
    assert a != b and a == code_of(client, "team-a")                       # stable until renewed
    for code in (a, b):
        assert len(code) == join_codes.LENGTH and set(code) <= set(join_codes.ALPHABET)
        assert not set(code) & set("0O1IL")
    assert client.post("/join", json={"code": a}).json() == {"world": "team-a"}
    typed = f" {b[:3].lower()}-{b[3:].lower()} "                          # as read off a projector
    assert client.post("/join", json={"code": typed}).json() == {"world": "team-b"}
    summary = client.get("/worlds/team-a/summary", headers=ADMIN_H).json()
    assert summary["join_code"] == a                                       # what the classroom view shows


def test_the_admin_renews_a_code_and_the_old_one_stops_at_once(client):
    client.post("/worlds", json={"name": "room"}, headers=ADMIN_H)
    old = code_of(client, "room")
    r = client.post("/worlds/room/join-code", headers=ADMIN_H)
    new = r.json()["code"]
    assert r.status_code == 200 and new != old and code_of(client, "room") == new
    assert client.post("/join", json={"code": old}).json()["error"]["code"] == "bad_join_code"
    assert client.post("/join", json={"code": new}).json() == {"world": "room"}


@pytest.mark.parametrize("how", [{}, {"Authorization": "Bearer not-the-admin-token-000000"}])
def test_reading_or_renewing_a_code_is_for_the_admin_only(client, how):
    client.post("/worlds", json={"name": "room"}, headers=ADMIN_H)
    code = code_of(client, "room")
    assert client.get("/worlds/room/join-code", headers=how).status_code in (401, 403)
    assert client.post("/worlds/room/join-code", headers=how).status_code in (401, 403)
    assert code_of(client, "room") == code


def test_guessing_codes_gets_429_and_never_a_world(client):
    """An attacker tries codes as fast as the server answers: a few clean refusals that name nothing, then
    429 with Retry-After; the right code itself is refused once the address is over its limit."""
    client.post("/worlds", json={"name": "secret-team"}, headers=ADMIN_H)
    real = code_of(client, "secret-team")
    import secrets
    statuses = []
    for _ in range(60):
        guess = "".join(secrets.choice(join_codes.ALPHABET) for _ in range(join_codes.LENGTH))
        if guess == real:
            continue
        r = client.post("/join", json={"code": guess})
        statuses.append(r.status_code)
        assert "world" not in r.json() and "secret-team" not in r.text
        if r.status_code == 404:
            assert r.json()["error"]["code"] == "bad_join_code"
        else:
            assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
            assert int(r.headers["Retry-After"]) >= 1
    assert statuses.count(404) == 10 and statuses.count(429) == 50      # 10 tries a minute, then the gate
    late = client.post("/join", json={"code": real})
    assert late.status_code == 429 and "secret-team" not in late.text


@pytest.mark.parametrize("body", [{"code": ""}, {"code": "x" * 40}, {"code": "ABCDE"}, {"code": "ABCDEFG"},
                                  {"code": "ABCD0O"}, {"code": 123456}, {}, {"code": "ABCDEF", "world": "x"}])
def test_a_malformed_code_is_a_clean_refusal(client, body):
    r = client.post("/join", json=body)
    assert r.status_code in (404, 422) and r.json()["error"]["code"] in ("bad_join_code", "bad_body")


def test_the_command_line_and_the_apps_join_with_the_code(server, client, tmp_path):
    client.post("/worlds", json={"name": "team-c"}, headers=ADMIN_H)
    client.put("/worlds/team-c/policy", json={"preset": "2019"}, headers=ADMIN_H)
    code = code_of(client, "team-c")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QRPAY_ADMIN_TOKEN": ""}

    def qrpay(*args):
        return subprocess.run([sys.executable, "-m", "shared.cli.main", *args, "--json"], capture_output=True,
                              text=True, cwd=ROOT, env=env, timeout=120)
    p = qrpay("policy", "show", "--server", server.url, "--join", code.lower())
    assert p.returncode == 0, p.stderr + p.stdout
    assert '"2019"' in p.stdout
    p = qrpay("policy", "show", "--server", server.url, "--join", "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY")
    assert p.returncode == 1 and "bad_join_code" in p.stdout
    assert qrpay("policy", "show", "--server", server.url, "--join", code, "--world", "team-c").returncode == 2
    assert qrpay("policy", "show", "--join", code).returncode == 2            # --join needs --server

    from ui_common.app import app_parser, open_core
    args = app_parser("qrpay-wallet", "test").parse_args(["--server", server.url, "--join", code])
    core = open_core(args)
    try:
        assert core.world == "team-c" and core.policy.name == "2019"
    finally:
        core.close()
