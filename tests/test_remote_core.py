"""RemoteCore (shared/remote) against a real server subprocess: the same records and errors as the
in-process core, a lost connection as `server_unreachable` and a reconnect, and a payment whose reply was
lost retried with its sale id and charged exactly once (a proxy cuts the connection after the request was
sent and before the reply reaches the till; the server is killed and started again)."""
from __future__ import annotations

import socket
import threading

import httpx
import pytest

from shared.codes import CodeState
from shared.errors import CodeRefused, InvalidCredentials, PaymentUnconfirmed, TotpRequired
from shared.receipts import business_date_of
from shared.remote import RemoteCore, ServerUnreachable
from shared.totp import totp_code
from tests.remote_server import free_port, served


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("served")) as srv:
        yield srv


class CuttingProxy:
    """A TCP proxy in front of the server. While `cut_replies` > 0, a connection that sent a payment
    (POST …/till/sales) has that request delivered to the server, and the reply dropped: the connection
    is closed under the client, as when the network breaks at the worst moment."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = upstream_port
        self.cut_replies = 0
        self.cut = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream))
            state = {"drop": False}
            threading.Thread(target=self._up, args=(client, upstream, state), daemon=True).start()
            threading.Thread(target=self._down, args=(upstream, client, state), daemon=True).start()

    def _up(self, client, upstream, state) -> None:
        try:
            while data := client.recv(65536):
                if b"/till/sales" in data and data.startswith(b"POST") and self.cut_replies > 0:
                    self.cut_replies -= 1
                    state["drop"] = True
                upstream.sendall(data)
        except OSError:
            pass

    def _down(self, upstream, client, state) -> None:
        try:
            while data := upstream.recv(65536):
                if state["drop"]:        # the server answered: the till never hears it
                    self.cut += 1
                    break
                client.sendall(data)
        except OSError:
            pass
        for s in (client, upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self.sock.close()


def _world(server, monkeypatch, url=None, **kw):
    monkeypatch.setenv("QRPAY_ADMIN_TOKEN", server.token)
    world = server.new_world()
    admin = RemoteCore(server.url, world=world, admin_token=server.token)
    demo = admin.seed_demo()
    core = RemoteCore(url or server.url, world=world, terminal_id="T1", terminal_key=demo["terminal_keys"]["T1"], **kw)
    return admin, core, demo


def _pay_setup(admin, core, demo):
    hanako = demo["customers"][0]
    clerk = next(s for s in demo["staff"] if s["role"] == "clerk")
    session = core.identity.sign_in(hanako["email"], hanako["password"],
                                    totp=totp_code(hanako["totp_secret"], core.now()))
    admin.advance_clock(31)
    core._offset = None
    issued = core.codes.issue(session.token, totp=totp_code(hanako["totp_secret"], core.now()))
    core.staff.verify(clerk["id"], clerk["pin"])
    item = demo["items"][0]
    return hanako, session, issued, [(item["jan"], 1)], item["price"]


def test_same_records_and_errors_as_in_process(server, monkeypatch):
    admin, core, demo = _world(server, monkeypatch)
    hanako = demo["customers"][0]
    with pytest.raises(TotpRequired):
        core.identity.sign_in(hanako["email"], hanako["password"])
    with pytest.raises(InvalidCredentials) as e:
        core.identity.sign_in(hanako["email"], "wrong-password-1", totp="000000")
    assert e.value.code == "invalid_credentials"
    _, session, issued, lines, price = _pay_setup(admin, core, demo)
    assert core.codes.status(session.token, issued.nonce).state is CodeState.ISSUED
    before = core.wallet.balance(session.customer_id)
    counter = core.wallet.change_counter()
    sale = core.sales.pay(terminal_id="T1", clerk_id=demo["staff"][0]["id"], code=issued.text, lines=lines,
                          sale_id="r-1")
    assert sale.total == price and sale.receipt_no == "T1-000001"
    assert core.sales.receipt("r-1").total == price
    # "Paid" arrives through the event stream the first status call opened
    deadline = core.now() + 10
    while core.codes.status(session.token, issued.nonce).state is not CodeState.PAID:
        assert core.now() < deadline, "the event stream never said paid"
        threading.Event().wait(0.05)
    assert core.wallet.balance(session.customer_id) == before - price
    assert core.wallet.change_counter() > counter
    with pytest.raises(CodeRefused) as e:   # the same code again, new sale: the core's own refusal class
        core.sales.pay(terminal_id="T1", clerk_id=demo["staff"][0]["id"], code=issued.text, lines=lines,
                       sale_id="r-2")
    assert e.value.code == "replayed"
    assert core.policy.name == "hardened"


def test_a_lost_reply_is_retried_with_its_sale_id_and_charged_once(server, monkeypatch):
    proxy = CuttingProxy(server.port)
    try:
        admin, core, demo = _world(server, monkeypatch, url=proxy.url)
        _, session, issued, lines, price = _pay_setup(admin, core, demo)
        before = core.wallet.balance(session.customer_id)
        proxy.cut_replies = 1
        sale = core.sales.pay(terminal_id="T1", clerk_id=demo["staff"][0]["id"], code=issued.text, lines=lines,
                              sale_id="lost-1")
        assert proxy.cut == 1                         # the first reply really was lost after the server paid
        assert sale.id == "lost-1" and sale.receipt_no == "T1-000001"
        assert core.wallet.balance(session.customer_id) == before - price     # once, not twice
        # every retry lost too: unconfirmed, never charged twice; the same sale id later gives the sale
        proxy.cut_replies = 10
        with pytest.raises(PaymentUnconfirmed):
            core.sales.pay(terminal_id="T1", clerk_id=demo["staff"][0]["id"], code=issued.text, lines=lines,
                           sale_id="lost-1")
        proxy.cut_replies = 0
        again = core.sales.pay(terminal_id="T1", clerk_id=demo["staff"][0]["id"], code=issued.text, lines=lines,
                               sale_id="lost-1")
        assert (again.id, again.receipt_no, again.total) == ("lost-1", "T1-000001", price)
        assert core.wallet.balance(session.customer_id) == before - price
    finally:
        proxy.close()


def test_server_down_is_server_unreachable_and_the_next_call_reconnects(tmp_path, monkeypatch):
    port = free_port()
    with served(tmp_path / "srv", port=port) as srv:
        admin, core, demo = _world(srv, monkeypatch)
        states = []
        core.transport.on_state(states.append)
        assert core.catalog.items()
        srv.kill()
        with pytest.raises(ServerUnreachable) as e:
            core.catalog.items()
        assert e.value.code == "server_unreachable" and "cannot be reached" in e.value.message
        with pytest.raises(ServerUnreachable):
            RemoteCore("http://127.0.0.1:1", world="x").ping()
        srv.start()                                   # the same folder: the same worlds
        assert sorted(i.jan for i in core.catalog.items()) == sorted(i["jan"] for i in demo["items"])
        assert states == [True, False, True]    # what the windows' status bar is told


def test_a_payment_in_flight_when_the_server_dies_is_charged_once(tmp_path, monkeypatch):
    """The server is killed while the till waits; the till's pay fails as unconfirmed, the server comes
    back, and the same sale id gives the one sale (or, if the kill came first, makes it): never two."""
    port = free_port()
    with served(tmp_path / "srv", port=port) as srv:
        admin, core, demo = _world(srv, monkeypatch)
        _, session, issued, lines, price = _pay_setup(admin, core, demo)
        before = core.wallet.balance(session.customer_id)
        clerk = demo["staff"][0]
        threading.Timer(0.05, srv.kill).start()
        try:
            core.sales.pay(terminal_id="T1", clerk_id=clerk["id"], code=issued.text, lines=lines, sale_id="k-1")
        except PaymentUnconfirmed:
            pass
        srv.kill()                                     # SIGKILL: nothing of the process survives
        srv.start()
        shift = core._shift                            # the shift the clerk opened before: kept by the world
        sale = core.sales.pay(terminal_id="T1", clerk_id=clerk["id"], code=issued.text, lines=lines, sale_id="k-1")
        assert sale.id == "k-1" and core._shift is shift
        again = core.sales.pay(terminal_id="T1", clerk_id=clerk["id"], code=issued.text, lines=lines, sale_id="k-1")
        assert (again.id, again.receipt_no) == (sale.id, sale.receipt_no)
        assert core.wallet.balance(session.customer_id) == before - price
        assert [s.id for s in admin.sales.journal("T1", sale.business_date)] == ["k-1"]


def test_a_shift_survives_a_killed_server_for_its_own_world_only(tmp_path, monkeypatch):
    """The till's shift is kept by its world (as the SHA-256 of its token): after SIGKILL and a restart the
    till goes on without the clerk's PIN; the token is still unknown in another world, and a closed shift
    stays closed across the restart."""
    port = free_port()
    with served(tmp_path / "srv", port=port) as srv:
        admin, core, demo = _world(srv, monkeypatch)
        _, session, issued, lines, price = _pay_setup(admin, core, demo)
        token = core._shift.token
        other = srv.new_world()
        srv.kill()
        srv.start()
        h = {"Authorization": f"Bearer {token}"}
        day = {"business_date": business_date_of(core.now())}

        def journal(world):
            return httpx.get(f"{srv.url}/worlds/{world}/till/journal", headers=h, params=day, timeout=30)
        assert journal(core.world).status_code == 200
        r = journal(other)
        assert r.status_code == 401 and r.json()["error"]["code"] == "shift_invalid"
        files = list((tmp_path / "srv").glob("*.sqlite3*"))
        assert files and all(token.encode() not in f.read_bytes() for f in files)   # only its SHA-256 is kept
        assert httpx.delete(f"{srv.url}/worlds/{core.world}/shifts/current", headers=h, timeout=30).status_code == 200
        srv.kill()
        srv.start()
        r = journal(core.world)
        assert r.status_code == 401 and r.json()["error"]["code"] == "shift_invalid"


def test_every_call_the_apps_make_exists_on_the_remote_core():
    """The windows and the CLI call these on Core; RemoteCore has each (some refuse with not_over_server)."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    called = set()
    for folder in ("wallet_app", "pos_app", "shared/cli"):
        for f in (root / folder).rglob("*.py"):
            called |= set(re.findall(r"\bcore\.([a-z_]+)\.([a-z_]+)\(", f.read_text(encoding="utf-8")))
    core = RemoteCore("http://127.0.0.1:1", world="x")
    missing = sorted(f"{s}.{m}" for s, m in called
                     if s not in {"db", "sns", "external_id", "clock"} and not callable(getattr(getattr(core, s, None), m, None)))
    assert missing == []


def test_the_shift_names_the_clerk_and_the_supervisor_area_refuses_as_in_process(server, monkeypatch):
    """Issue 15: staff.verify returns the server's Staff record (not a guess from files on this machine);
    require_supervisor is the server's check, with the in-process refusals."""
    from shared.errors import PermissionDenied
    from shared.staff import StaffRole
    monkeypatch.setenv("QRPAY_CONFIG_DIR", str(server.folder / "empty-config"))   # no saved demo accounts
    admin, core, demo = _world(server, monkeypatch)
    core.db.path = server.folder / "nowhere" / "world.sqlite3"                   # nothing to guess from
    clerk = next(s for s in demo["staff"] if s["role"] == "clerk")
    sup = next(s for s in demo["staff"] if s["role"] == "supervisor")
    core.transport.admin_token = None                                            # a till: no admin list either
    staff = core.staff.verify(clerk["id"], clerk["pin"])
    assert (staff.id, staff.name, staff.role) == (clerk["id"], clerk["name"], StaffRole.CLERK)
    boss = core.staff.require_supervisor(sup["id"], sup["pin"])
    assert (boss.id, boss.name, boss.role) == (sup["id"], sup["name"], StaffRole.SUPERVISOR)
    with pytest.raises(PermissionDenied):                       # a clerk's right PIN is no supervisor
        core.staff.require_supervisor(clerk["id"], clerk["pin"])
    with pytest.raises(InvalidCredentials):
        core.staff.require_supervisor(sup["id"], "00000000" if sup["pin"] != "00000000" else "11111111")


def test_reads_for_the_admin_and_a_till_scoped_to_its_terminal_and_world(server, monkeypatch):
    """Receipt, journal, X report, Z reprint and is_closed: the admin reads any terminal of the world in the
    path; a till's shift only its own terminal; neither reads another world's; a forged token reads nothing."""
    from shared.errors import NotFound, PermissionDenied
    admin, core, demo = _world(server, monkeypatch)
    hanako, session, issued, lines, price = _pay_setup(admin, core, demo)
    clerk, sup = demo["staff"][0], next(s for s in demo["staff"] if s["role"] == "supervisor")
    sale = core.sales.pay(terminal_id="T1", clerk_id=clerk["id"], code=issued.text, lines=lines, sale_id="rd-1")
    day = business_date_of(sale.at)
    # the wallet's summary of its own sale; another customer's sale is not_found
    summary = core.sales.summary("rd-1")
    assert (summary.sale_id, summary.total, summary.receipt_no) == ("rd-1", price, "T1-000001")
    other = RemoteCore(server.url, world=admin.world)
    jiro = demo["customers"][1]
    other.identity.sign_in(jiro["email"], jiro["password"], totp=totp_code(jiro["totp_secret"], other.now()))
    with pytest.raises(NotFound):
        other.sales.summary("rd-1")
    # the admin, with no shift
    assert admin.sales.receipt("T1-000001").total == price
    assert [s.id for s in admin.sales.journal("T1", day)] == ["rd-1"]
    assert admin.sales.journal("T2", day) == []
    assert admin.reports.x_report("T1", day).net == price
    assert admin.reports.is_closed("T1", day) is False
    with pytest.raises(NotFound):
        admin.reports.z_report_get("T1", day)
    # the till: its own terminal only
    core.transport.admin_token = None
    assert [s.id for s in core.sales.journal("T1", day)] == ["rd-1"]
    for read in (core.sales.journal, core.reports.x_report, core.reports.is_closed):
        with pytest.raises(PermissionDenied):
            read("T2", day)
    z = core.reports.z_report("T1", day, supervisor_id=sup["id"], pin=sup["pin"])
    assert admin.reports.is_closed("T1", day) is True and admin.reports.z_report_get("T1", day) == z
    # straight at the server: a shift asking for T2, a shift of world A in world B, a forged admin token
    token = core._shift.token
    base = f"{server.url}/worlds/{admin.world}/till"
    r = httpx.get(base + "/journal", params={"business_date": day, "terminal_id": "T2"},
                  headers={"Authorization": f"Bearer {token}"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "permission_denied")
    other_world = server.new_world()
    for headers in ({"Authorization": f"Bearer {token}"}, {"Authorization": f"Bearer {server.token}x"},
                    {"Authorization": f"Bearer {server.token[:-1]}"}):
        r = httpx.get(f"{server.url}/worlds/{other_world}/till/journal",
                      params={"business_date": day, "terminal_id": "T1"}, headers=headers)
        assert (r.status_code, r.json()["error"]["code"]) == (401, "shift_invalid"), headers
    r = httpx.get(base + "/sales/T1-000001/receipt", headers={"Authorization": f"Bearer {session.token}"})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "shift_invalid")     # a wallet is no reader
    r = httpx.get(base + "/journal", params={"business_date": day},            # the admin must name the terminal
                  headers={"Authorization": f"Bearer {server.token}"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "bad_input")


def test_seed_demo_through_the_server_hands_back_the_keys_it_issued_and_the_client_never_reissues(
        server, monkeypatch, tmp_path):
    """Issue 15: the keys come in seed-demo's one reply (admin only); the trainer's client saves them 0600 and
    issues none of its own, so a key already handed to another machine keeps working."""
    import os
    from shared.remote.local_files import remote_home
    monkeypatch.setenv("QRPAY_CONFIG_DIR", str(tmp_path / "trainer"))
    world = server.new_world()
    r = httpx.post(f"{server.url}/worlds/{world}/seed-demo", headers={"Authorization": f"Bearer {server.token}x"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "permission_denied")      # admin only
    admin = RemoteCore(server.url, world=world, admin_token=server.token)
    paths = []
    real_call = admin.transport.call
    admin.transport.call = lambda method, path, **kw: paths.append((method, path)) or real_call(method, path, **kw)
    demo = admin.seed_demo()
    assert not [p for p in paths if p[1].endswith("/key")], paths                    # nothing re-issued
    keys = demo["terminal_keys"]
    assert sorted(keys) == ["T1", "T2"] and all(k.startswith("tk_") for k in keys.values())
    saved = remote_home(server.url, world) / "terminal-keys.json"
    assert (os.stat(saved).st_mode & 0o777) == 0o600
    assert __import__("json").loads(saved.read_text()) == keys
    # another machine (no config, no admin token) opens a shift with the key from the reply
    monkeypatch.setenv("QRPAY_CONFIG_DIR", str(tmp_path / "till"))
    monkeypatch.delenv("QRPAY_ADMIN_TOKEN", raising=False)
    till = RemoteCore(server.url, world=world, terminal_id="T2", terminal_key=keys["T2"])
    clerk = demo["staff"][0]
    assert till.staff.verify(clerk["id"], clerk["pin"]).id == clerk["id"]
    # a second seeding is refused by the core and issues no new keys: the handed-out key still works
    r = httpx.post(f"{server.url}/worlds/{world}/seed-demo", headers={"Authorization": f"Bearer {server.token}"})
    assert r.status_code >= 400 and "terminal_keys" not in r.text
    assert till.staff.verify(clerk["id"], clerk["pin"]).id == clerk["id"]


def test_a_self_signed_tls_server_is_trusted_with_its_certificate_and_only_with_it(tmp_path, monkeypatch):
    """Issue 15: `qrpay serve --tls` (a real HTTPS server, its generated self-signed certificate); the client
    trusts it with --cacert FILE or $QRPAY_SERVER_CACERT, and refuses it (`server_untrusted`) without, or with
    another server's certificate. Verification is never switched off."""
    import json
    import os
    import ssl
    import subprocess
    import sys
    import time
    from pathlib import Path
    from shared.cli.serve_cmds import tls_files
    from shared.errors import QrpayError
    root = Path(__file__).resolve().parents[1]
    port, token = free_port(), "adm_" + "t" * 30
    conf = tmp_path / "server-config"
    env = {**os.environ, "QRPAY_ADMIN_TOKEN": token, "QRPAY_CONFIG_DIR": str(conf), "PYTHONPATH": str(root)}
    env.pop("QRPAY_SERVER_CACERT", None)
    proc = subprocess.Popen([sys.executable, "-m", "shared.cli.main", "serve", "--tls", "--port", str(port),
                             "--db", str(tmp_path / "default.sqlite3"), "--worlds", str(tmp_path),
                             "--limit-address", "0", "--limit-account", "0"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "server.log", "ab"))
    try:
        cert = conf / "server-tls" / "cert.pem"
        url = f"https://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if cert.exists() and httpx.get(url + "/health", timeout=1,
                                               verify=ssl.create_default_context(cafile=str(cert))).status_code == 200:
                    break
            except (httpx.HTTPError, ssl.SSLError):
                pass
            assert time.monotonic() < deadline, "the TLS server did not start"
            time.sleep(0.2)
        monkeypatch.setenv("QRPAY_CONFIG_DIR", str(tmp_path / "client-config"))
        monkeypatch.delenv("QRPAY_SERVER_CACERT", raising=False)
        # trusted with its certificate: the whole flow works over HTTPS
        admin = RemoteCore(url, world="tls1", admin_token=token, cacert=str(cert))
        admin.create_world("tls1")
        demo = admin.seed_demo()
        till = RemoteCore(url, world="tls1", terminal_id="T1", terminal_key=demo["terminal_keys"]["T1"],
                          cacert=str(cert))
        clerk = demo["staff"][0]
        assert till.staff.verify(clerk["id"], clerk["pin"]).name == clerk["name"]
        # without it (the system's CAs): refused, with a code that says why
        with pytest.raises(ServerUnreachable) as e:
            RemoteCore(url, world="tls1").catalog.items()
        assert e.value.code == "server_untrusted" and "--cacert" in e.value.message
        # another self-signed certificate (another server's): refused too
        monkeypatch.setenv("QRPAY_CONFIG_DIR", str(tmp_path / "impostor"))
        other_cert, _, _ = tls_files("127.0.0.1")
        monkeypatch.setenv("QRPAY_CONFIG_DIR", str(tmp_path / "client-config"))
        with pytest.raises(ServerUnreachable) as e:
            RemoteCore(url, world="tls1", cacert=str(other_cert)).catalog.items()
        assert e.value.code == "server_untrusted"
        # a file that is no certificate: a clean refusal before any connection
        junk = tmp_path / "junk.pem"
        junk.write_text("not a certificate")
        with pytest.raises(QrpayError) as e:
            RemoteCore(url, world="tls1", cacert=str(junk))
        assert e.value.code == "bad_cacert"
        # the environment variable, and the CLI's --cacert
        monkeypatch.setenv("QRPAY_SERVER_CACERT", str(cert))
        assert len(RemoteCore(url, world="tls1").catalog.items()) == len(demo["items"])
        cli_env = {**os.environ, "PYTHONPATH": str(root)}
        cli_env.pop("QRPAY_SERVER_CACERT")
        cmd = [sys.executable, "-m", "shared.cli.main", "catalog", "list", "--server", url, "--world", "tls1", "--json"]
        p = subprocess.run([*cmd, "--cacert", str(cert)], capture_output=True, text=True, cwd=root, env=cli_env,
                           timeout=120)
        assert p.returncode == 0, p.stderr
        assert len(json.loads(p.stdout)["items"]) == len(demo["items"])
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=root, env=cli_env, timeout=120)
        assert p.returncode != 0 and json.loads(p.stdout)["error"]["code"] == "server_untrusted"
    finally:
        proc.kill()
        proc.wait(timeout=30)
