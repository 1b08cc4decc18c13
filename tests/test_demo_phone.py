"""`qrpay demo --phone`: the web wallet served on the laptop's network address for the presenter's phone.

- the address is the default route's interface (read from a routing table, no network traffic); no default
  route is a clear refusal, never a silent 127.0.0.1;
- the options are refused before anything is touched (no database made, no lock, no window): --port/--tls
  without --phone, --phone with --no-windows, a loopback/wildcard/bad address, a port in use;
- the launcher's commands: without --phone exactly the one-laptop demo; with it a `qrpay serve` on that
  address and the till told the wallet's address; the server really answers there and dies with a killed
  launcher;
- the till's Presenter menu gains "Phone wallet…", whose dialog shows a QR the project's own scanner
  reads back as the address."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from shared import lan_address
from shared.lan_address import default_route_interface, phone_wallet_url, reachable, wallet_url
from ui_common.launcher import SERVER, commands

ROOT = Path(__file__).resolve().parents[1]

TABLE = """Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
tun0\t00000000\t00000000\t0002\t0\t0\t0\t00000000\t0\t0\t0
"""


def test_the_default_route_with_the_lowest_metric_names_the_interface():
    assert default_route_interface(TABLE) == "eth0"      # tun0's route is down (no RTF_UP), docker0's not default
    only_local = "\n".join(TABLE.splitlines()[:2])
    assert default_route_interface(only_local) is None
    assert default_route_interface("") is None
    assert default_route_interface("header\ngarbage line\nx y z w v u t s") is None


def test_no_default_route_is_refused_not_loopback(tmp_path, monkeypatch):
    table = tmp_path / "route"
    table.write_text("\n".join(TABLE.splitlines()[:2]) + "\n")
    monkeypatch.setattr(lan_address, "ROUTES", table)
    monkeypatch.setattr(lan_address.sys, "platform", "linux")
    with pytest.raises(lan_address.QrpayError) as e:
        lan_address.lan_address()
    assert e.value.code == "no_network" and "--phone ADDRESS" in e.value.message


def test_the_address_found_here_is_one_a_phone_could_use():
    try:
        found = lan_address.lan_address()
    except lan_address.QrpayError as e:
        pytest.skip(f"this machine has no network: {e.message}")
    assert reachable(found)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((found, 0))                              # it is this machine's own address


@pytest.mark.parametrize("address,ok", [("192.168.1.20", True), ("10.0.0.5", True), ("2001:db8::5", True),
                                        ("127.0.0.1", False), ("::1", False), ("0.0.0.0", False), ("::", False),
                                        ("224.0.0.1", False), ("fe80::1", False), ("laptop", False), ("", False)])
def test_reachable_addresses(address, ok):
    assert reachable(address) is ok


def test_wallet_addresses():
    assert wallet_url("192.168.1.20", 8765) == "http://192.168.1.20:8765/wallet/"
    assert wallet_url("2001:db8::5", 8443, tls=True) == "https://[2001:db8::5]:8443/wallet/"
    assert wallet_url("10.0.0.5", 8765, world="class 1/b") == "http://10.0.0.5:8765/worlds/class%201%2Fb/wallet/"
    assert phone_wallet_url("http://10.0.0.5:8765", "class1") == "http://10.0.0.5:8765/worlds/class1/wallet/"
    assert phone_wallet_url("https://school.example") == "https://school.example/wallet/"
    for here in ("http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765", "ftp://10.0.0.5/",
                 "http://", "http://[bad"):
        assert phone_wallet_url(here) is None


def qrpay_json(*args: str, db: Path) -> tuple[int, dict, str]:
    out = subprocess.run([sys.executable, "-m", "shared.cli.main", "--json", "--db", str(db), "demo", *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen", DISPLAY=""))
    try:
        body = json.loads(out.stdout)
    except ValueError:
        body = {}
    return out.returncode, body, out.stderr


@pytest.mark.parametrize("args,code", [
    (["--port", "9000"], "usage"), (["--tls"], "usage"), (["--phone", "--no-windows"], "usage"),
    (["--phone", "127.0.0.1"], "bad_address"), (["--phone", "0.0.0.0"], "bad_address"),
    (["--phone", "::1"], "bad_address"), (["--phone", "laptop;rm -rf"], "bad_address"),
    (["--phone", ""], "bad_address"), (["--phone", "192.0.2.1", "--port", "0"], "bad_port"),
    (["--phone", "192.0.2.1", "--port", "70000"], "bad_port"),
    (["--phone", "203.0.113.77"], "port_unavailable"),          # not this machine's address
])
def test_phone_options_are_refused_before_anything_starts(tmp_path, args, code):
    db = tmp_path / "demo.sqlite3"
    rc, body, err = qrpay_json(*args, db=db)
    assert rc == 1 and body["error"]["code"] == code, (rc, body, err)
    assert "Traceback" not in err
    assert not db.exists() and not Path(str(db) + ".demo.lock").exists()


def test_a_port_in_use_is_refused_before_anything_starts(tmp_path):
    try:
        here = lan_address.lan_address()
    except lan_address.QrpayError:
        pytest.skip("this machine has no network")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind((here, 0))
        busy.listen(1)
        rc, body, _ = qrpay_json("--phone", "--port", str(busy.getsockname()[1]), db=tmp_path / "d.sqlite3")
    assert rc == 1 and body["error"]["code"] == "port_unavailable"
    assert "--port" in body["error"]["message"]


def test_without_phone_the_demo_is_the_one_laptop_demo():
    plain = commands("d.sqlite3", lang="ja", kiosk=False, camera="screen")
    assert set(plain) == {"pos", "wallet", "authenticator"}
    assert not any("--phone-url" in c or "serve" in c for c in plain.values())


def test_with_phone_a_server_on_that_address_and_the_till_knows_the_wallet():
    cmds = commands("d.sqlite3", lang=None, kiosk=False, camera=None, phone=("192.168.1.20", 8800, True))
    server = cmds[SERVER]
    assert server[1:] == ["-m", "shared.cli.main", "serve", "--db", "d.sqlite3", "--host", "192.168.1.20",
                          "--port", "8800", "--tls"]
    pos = cmds["pos"]
    assert pos[pos.index("--phone-url") + 1] == "https://192.168.1.20:8800/wallet/"
    assert "--phone-url" not in cmds["wallet"]


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _wait_health(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return json.load(r) == {"ok": True}
        except OSError:
            time.sleep(0.3)
    return False


def test_the_server_answers_on_the_network_address_and_dies_with_a_killed_launcher(tmp_path):
    """A stand-in launcher starts the server exactly as the real one (commands + _server_child), then is
    killed with SIGKILL: the server must not stay listening on the network."""
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    try:
        here = lan_address.lan_address()
    except lan_address.QrpayError:
        pytest.skip("this machine has no network")
    port = _free_port(here)
    db = tmp_path / "demo.sqlite3"
    from shared.cli.demo_cmds import prepare
    prepare(db, reset=False, policy=None)
    server_cmd = commands(str(db), lang=None, kiosk=False, camera=None, phone=(here, port, False))[SERVER]
    stand_in = ("import subprocess, sys, time\n"
                "from ui_common.launcher import _server_child\n"
                f"p = subprocess.Popen({server_cmd!r}, preexec_fn=_server_child)\n"
                "print(p.pid, flush=True)\n"
                "time.sleep(600)\n")
    env = dict(os.environ, QRPAY_CONFIG_DIR=str(tmp_path / "config"))
    launcher = subprocess.Popen([sys.executable, "-c", stand_in], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                text=True)
    server_pid = int(launcher.stdout.readline())
    try:
        assert _wait_health(f"http://{here}:{port}/health", time.monotonic() + 60)
        launcher.send_signal(signal.SIGKILL)
        launcher.wait(10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _alive(server_pid):
            time.sleep(0.2)
        assert not _alive(server_pid), "the server outlived its launcher"
    finally:
        if _alive(server_pid):
            os.kill(server_pid, signal.SIGKILL)
        if launcher.poll() is None:
            launcher.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


# -- the till's side -----------------------------------------------------------------------------------
def test_the_phone_wallet_dialog_shows_a_qr_the_till_reads_back(qtbot):
    from pos_app.phone_wallet_dialog import PhoneWalletDialog
    from pos_app.screen_source import qimage_to_bgr
    from shared.scanning import decoder_named

    url = "http://192.168.1.20:8765/wallet/"
    d = PhoneWalletDialog(url)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    frame = qimage_to_bgr(d.grab().toImage())
    texts = {x.text for x in decoder_named("cascade").decode_still(frame)}
    assert texts == {url}
    assert d.address.text() == url
    assert "Anyone on this network" in d.warning.text() and "certificate" not in d.warning.text()
    tls = PhoneWalletDialog("https://192.168.1.20:8765/wallet/")
    qtbot.addWidget(tls)
    assert "certificate" in tls.warning.text()


def test_the_presenter_menu_offers_the_phone_wallet_only_with_phone(qtbot, core):
    from pos_app.main_window import PosWindow

    w = PosWindow(core, terminal_id="T1", lang="en", camera="test", source_factory=lambda: None)
    qtbot.addWidget(w)
    w.set_demo_link(None, db_path=None)
    assert w.presenter_button.isHidden()
    w.set_demo_link(None, db_path=None, phone_url="http://192.168.1.20:8765/wallet/")
    titles = [a.text() for a in w.presenter_menu.actions()]
    assert "Phone wallet…" in titles and not w.presenter_button.isHidden()
    w.shutdown()
