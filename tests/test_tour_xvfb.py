"""`qrpay demo --tour` for real, on an X display (Xvfb): four processes (the till, the wallet, the
authenticator, the narration panel), the panel's first orders carried out by the other apps'
followers through the orders file, the victim signed in on the wallet through its sign-in screen.
Skipped where Xvfb is not installed; bounded in time."""
from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_demo_launcher import ROOT, children_of, demo_env, display, qrpay, wait_for  # noqa: F401 - fixtures

pytestmark = pytest.mark.xvfb


def _ack(db: Path, app: str) -> dict:
    try:
        return json.loads(Path(f"{db}.demo.tour.{app}.ack").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def test_demo_tour_opens_the_panel_and_the_windows_follow_it(display, tmp_path):  # noqa: F811
    db = tmp_path / "tour.sqlite3"
    env = demo_env(display, tmp_path)
    demo = subprocess.Popen(qrpay("--db", str(db), "demo", "--tour"), cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert wait_for(lambda: len(children_of(demo.pid)) == 4, 60), "four windows' processes"
        # page 1 (1 July): the till signs the clerk in, the wallet signs a fresh victim in
        assert wait_for(lambda: _ack(db, "wallet").get("state") == "done" and _ack(db, "till").get("state") == "done",
                        90), (_ack(db, "wallet"), _ack(db, "till"), demo.stderr.peek() if demo.stderr else b"")
        orders = json.loads(Path(f"{db}.demo.tour").read_text(encoding="utf-8"))["orders"]
        email = orders["wallet"]["email"]
        from shared.core import Core

        core = Core.open(db)
        try:
            from shared.audit_events import AuditEvent

            victim = core.identity.customer_by_email(email)
            assert victim is not None and core.policy.name == "2019"
            devices = [r.details.get("device") for r in core.audit_recent(event=AuditEvent.LOGIN_SUCCEEDED)
                       if r.customer_id == victim.id]
            assert devices == ["wallet-kiosk-phone"]      # signed in through the wallet window itself
        finally:
            core.close()
    finally:
        demo.send_signal(signal.SIGTERM)
        try:
            demo.wait(30)
        except subprocess.TimeoutExpired:
            demo.kill()
    assert wait_for(lambda: not children_of(demo.pid), 20)
