"""`qrpay code issue | inspect | status` end to end through the command line."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import pyotp
import pytest
import zxingcpp

from shared.cli.main import main
from shared.clock import to_iso
from shared.code_format import parse_code
from shared.code_image import qr_version
from shared.core import Core

from conftest import T0

ROOT = Path(__file__).resolve().parents[1]

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def session(db_path, clock):
    core = Core.open(db_path, clock=clock)
    try:
        e = core.identity.register("hanako@example.jp", "Yamada Hanako", PASSWORD)
        totp = pyotp.TOTP(e.totp_secret)
        core.identity.confirm_totp("hanako@example.jp", totp.at(clock.now()))
        clock.advance(30)
        token = core.identity.sign_in("hanako@example.jp", PASSWORD, totp=totp.at(clock.now())).token
    finally:
        core.close()
    return token, totp


def run(capsys, db_path, *argv, at: float = T0 + 30):
    # The real qrpay in its own process: what a QA script runs, and no state shared with earlier tests.
    p = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(db_path), "--json", "--now", to_iso(at),
                        *argv], capture_output=True, text=True, cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    return p.returncode, json.loads(p.stdout)


def test_issue_writes_a_png_that_decodes_to_the_code(capsys, db_path, session, tmp_path):
    token, _ = session
    png = tmp_path / "code.png"
    rc, out = run(capsys, db_path, "code", "issue", "--session", token, "--png", str(png))
    assert rc == 0
    assert {"code", "numeric", "expires_at", "nonce"} <= out.keys()
    assert out["expires_at"] == to_iso(int(T0 + 30) + 60)
    assert parse_code(out["code"]).nonce_hex == out["nonce"]
    img = cv2.imread(str(png))
    found = zxingcpp.read_barcodes(img)
    assert [r.text for r in found] == [out["code"]]
    assert qr_version(out["code"]) <= 8
    # The PNG is the QR alone: a white quiet zone of 4 modules (10 px each) on every side.
    assert (img[:40, :, :] == 255).all() and (img[-40:, :, :] == 255).all()
    assert (img[:, :40, :] == 255).all() and (img[:, -40:, :] == 255).all()
    assert img.shape[0] == img.shape[1] == (4 * qr_version(out["code"]) + 17 + 8) * 10


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg not installed")
def test_zbarimg_reads_the_png(capsys, db_path, session, tmp_path):
    token, _ = session
    png = tmp_path / "code.png"
    _, out = run(capsys, db_path, "code", "issue", "--session", token, "--png", str(png))
    text = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True).stdout
    assert text.strip() == out["code"]


def test_inspect_by_text_and_by_image(capsys, db_path, session, tmp_path):
    token, _ = session
    png = tmp_path / "code.png"
    _, issued = run(capsys, db_path, "code", "issue", "--session", token, "--amount-cap", "2000", "--png", str(png))
    rc, info = run(capsys, db_path, "code", "inspect", issued["code"])
    assert rc == 0 and info["verdict"] == "ok" and info["signature_valid"] is True
    assert (info["nonce"], info["amount_cap"], info["counter"], info["version"]) == (issued["nonce"], 2000, 1, 1)
    rc, by_image = run(capsys, db_path, "code", "inspect", "--image", str(png))
    assert rc == 0 and by_image["nonce"] == issued["nonce"] and by_image["verdict"] == "ok"
    _, later = run(capsys, db_path, "code", "inspect", issued["code"], at=T0 + 30 + 60)
    assert later["verdict"] == "expired"
    _, numeric = run(capsys, db_path, "code", "inspect", issued["numeric"])
    assert numeric["nonce"] == issued["nonce"] and numeric["verdict"] == "ok"
    _, foreign = run(capsys, db_path, "code", "inspect", "WIFI:T:WPA;S:x;P:y;;")
    assert foreign["verdict"] == "not_ours"


def test_inspect_an_image_without_a_code(capsys, db_path, session, tmp_path):
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), 255 * __import__("numpy").ones((200, 200, 3), dtype="uint8"))
    rc, out = run(capsys, db_path, "code", "inspect", "--image", str(blank))
    assert rc == 1 and out["error"]["code"] == "no_code_found"


def test_status_and_refusals(capsys, db_path, session):
    token, totp = session
    _, issued = run(capsys, db_path, "code", "issue", "--session", token)
    rc, status = run(capsys, db_path, "code", "status", "--session", token, "--nonce", issued["nonce"])
    assert rc == 0 and status["state"] == "issued"
    rc, status = run(capsys, db_path, "code", "status", "--session", token, "--nonce", issued["nonce"], at=T0 + 95)
    assert status["state"] == "expired"
    # Six minutes after the sign-in the step-up is stale: refused, then accepted with a fresh TOTP.
    later = T0 + 30 + 6 * 60
    rc, out = run(capsys, db_path, "code", "issue", "--session", token, at=later)
    assert rc == 1 and out["error"]["code"] == "step_up_required"
    rc, out = run(capsys, db_path, "code", "issue", "--session", token, "--totp", totp.at(later), at=later)
    assert rc == 0 and out["counter"] == 2
    rc, out = run(capsys, db_path, "code", "issue", "--session", "not-a-token")
    assert rc == 1 and out["error"]["code"] == "session_invalid"


def test_a_session_token_never_begins_with_a_dash(capsys, db_path, session):
    # A token that began with "-" (1 in 64 of the old ones) was taken by argparse for an option:
    # `code issue --session -Yd…` ended in a usage error. Tokens now carry a prefix.
    from shared.sessions import new_session_token

    tokens = [new_session_token() for _ in range(2000)]
    assert all(t.startswith("qs_") and len(t) >= 40 for t in tokens) and len(set(tokens)) == len(tokens)
    token, _ = session
    assert token.startswith("qs_")
    # A value that does begin with "-" is refused with the way to write it; written so, it reaches the core.
    p = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(db_path), "--now", to_iso(T0 + 30),
                        "code", "issue", "--session", "-Yd0"], capture_output=True, text=True, cwd=ROOT,
                       timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 2 and "--option=-value" in p.stderr, p.stderr
    rc, out = run(capsys, db_path, "code", "issue", "--session=-Yd0")
    assert rc == 1 and out["error"]["code"] == "session_invalid"
