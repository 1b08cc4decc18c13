"""The trainer's classroom view (trainer_app/classroom_window.py) against a real `qrpay serve` subprocess:
each world's row shows that world's progress and alerts only; "Reset world" asks, then clears that world
only; "New world" makes one and shows the join command. And the admin route behind it
(GET /worlds/{world}/summary): admin only, per world, a clean refusal for an unknown world."""
from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from shared.remote import RemoteCore
from tests.remote_server import ROOT, served
from tests.test_pos_layout_fit import look  # noqa: F401 (the fixture: language and type size, and back)
from trainer_app.classroom_window import ClassroomWindow
from ui_common.tasks import wait_for_tasks


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("classroom")) as srv:
        yield srv


def remote(server, world: str) -> RemoteCore:
    return RemoteCore(server.url, world=world, admin_token=server.token)


def solve_and_alert(rc: RemoteCore):
    """Under the 2019 preset (an alert: an insecure policy), a demo customer signs in from a new device
    with their leaked password: the stuffing-takeover challenge is solved."""
    demo = rc.seed_demo()
    rc.set_policy("2019", actor="test")
    c = demo["customers"][0]
    return rc.identity.sign_in(c["email"], c["password"], device="trainee-laptop")


def opened(qtbot, rc, **kw) -> ClassroomWindow:
    w = ClassroomWindow(rc, refresh_ms=0, **kw)
    qtbot.addWidget(w)
    w.show()
    return w


def refreshed(qtbot, w: ClassroomWindow) -> None:
    with qtbot.waitSignal(w.refreshed, timeout=30_000):
        w.refresh()


def test_each_row_shows_its_own_world_and_reset_asks_then_clears_that_world_only(qtbot, server):
    a, b = server.new_world(), server.new_world()
    ra, rb = remote(server, a), remote(server, b)
    solve_and_alert(ra)
    rb.seed_demo()                                          # b has customers, no solve, no alert
    answers: list[str] = []
    w = opened(qtbot, ra, confirm=lambda _w, text: answers.append(text) or False)
    qtbot.waitUntil(lambda: a in w.rows and w.rows[a].data is not None, timeout=30_000)
    refreshed(qtbot, w)
    row_a, row_b = w.row(a), w.row(b)
    assert row_a.solved.text() == "1 of 8"
    assert row_a.data["alerts"] >= 1 and row_a.alerts.text() == f"⚠ {row_a.data['alerts']}"
    assert row_a.newest.text().startswith("Security settings changed\n")   # the 2019 preset: an alert, in words
    assert "2019" in row_a.policy.text() and row_a.activity.text() != "nothing yet"
    assert row_b.solved.text() == "0 of 8" and row_b.alerts.text() == "–" and row_b.newest.text() == "none"
    assert "hardened" in row_b.policy.text()
    b_customers = len(rb.identity.customers())
    assert b_customers > 0

    row_a.reset.click()                                     # "No": nothing is reset
    assert answers and a in answers[0]
    refreshed(qtbot, w)
    assert w.row(a).solved.text() == "1 of 8"

    w._confirm = lambda *_: True
    row_a.reset.click()
    qtbot.waitUntil(lambda: w.message.text().endswith(f"World {a} was reset."), timeout=30_000)
    refreshed(qtbot, w)
    assert w.row(a).solved.text() == "0 of 8" and w.row(a).alerts.text() == "–"
    assert "hardened" in w.row(a).policy.text()
    assert w.row(a).data["last_activity"] is None or w.row(a).data["alerts"] == 0
    # the other world is untouched
    assert len(rb.identity.customers()) == b_customers
    assert w.row(b).solved.text() == "0 of 8" and w.row(b).data["alerts"] == 0
    w.shutdown()


def test_a_solve_in_one_world_appears_while_the_view_is_open(qtbot, server):
    a, b = server.new_world(), server.new_world()
    w = opened(qtbot, remote(server, b))
    qtbot.waitUntil(lambda: a in w.rows and b in w.rows and w.rows[a].data is not None, timeout=30_000)
    assert w.row(a).solved.text() == "0 of 8"
    solve_and_alert(remote(server, a))                      # a trainee on another machine
    refreshed(qtbot, w)
    assert w.row(a).solved.text() == "1 of 8" and w.row(b).solved.text() == "0 of 8"
    assert w.row(a).data["alerts"] >= 1 and w.row(b).data["alerts"] == 0
    w.shutdown()


def test_new_world_shows_the_join_command(qtbot, server):
    w = opened(qtbot, remote(server, server.new_world()))
    w.new_button.click()                                    # no name: a warning, nothing made
    assert "Type a name" in w.message.text() and w.join.isHidden()
    w.name_edit.setText("Bad Name!")
    w.new_button.click()
    qtbot.waitUntil(lambda: w.new_button.isEnabled() and w.message.text().startswith("✕"), timeout=30_000)
    assert w.join.isHidden()
    w.name_edit.setText("room-7")
    w.new_button.click()
    qtbot.waitUntil(lambda: "room-7" in w.rows, timeout=30_000)
    assert w.join.text() == f"--server {server.url} --world room-7" and not w.join.isHidden()
    assert w.row("room-7").solved.text() == "0 of 8"
    w.shutdown()


def test_an_unreachable_server_is_a_state_in_the_window(qtbot, server):
    rc = RemoteCore("http://127.0.0.1:9", admin_token=server.token)
    w = opened(qtbot, rc)
    qtbot.waitUntil(lambda: w.message.text().startswith("✕ The server did not answer"), timeout=60_000)
    w.shutdown()


def test_the_summary_route_is_admin_only_and_per_world(server):
    a = server.new_world()
    session = solve_and_alert(remote(server, a))
    h = {"Authorization": f"Bearer {server.token}"}
    assert httpx.get(f"{server.url}/worlds/{a}/summary", timeout=30).status_code == 401
    for token in ("nope", session.token):                   # a made-up token, a trainee's own session
        assert httpx.get(f"{server.url}/worlds/{a}/summary", headers={"Authorization": f"Bearer {token}"},
                         timeout=30).status_code == 403
    r = httpx.get(f"{server.url}/worlds/{a}/summary", headers=h, timeout=30)
    assert r.status_code == 200
    s = r.json()
    assert (s["name"], s["solved"], s["total"], s["preset"]) == (a, 1, 8, "2019")
    assert s["alerts"] >= 1 and s["newest_alert"] == "policy_changed" and s["last_activity"] >= s["newest_alert_at"]
    r = httpx.get(f"{server.url}/worlds/nosuch/summary", headers=h, timeout=30)
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_such_world"


def test_the_trainer_has_a_classroom_button_only_with_a_server(qtbot, server, tmp_path):
    from shared.core import Core
    from trainer_app.main_window import TrainerWindow

    local = Core.open(tmp_path / "t.sqlite3")
    try:
        tw = TrainerWindow(local, documents_dir=tmp_path)
        qtbot.addWidget(tw)
        assert tw.classroom_button is None and tw.findChild(object, "classroomButton") is None
        tw.shutdown()
    finally:
        local.close()
    tw = TrainerWindow(remote(server, server.new_world()), documents_dir=tmp_path)
    qtbot.addWidget(tw)
    assert tw.classroom_button is not None
    tw.classroom_button.click()
    assert isinstance(tw.classroom, ClassroomWindow) and tw.classroom.isVisible()
    tw.shutdown()
    assert not tw.classroom.isVisible()


def test_classroom_opens_alone_from_the_command_line(server, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QRPAY_TRAINER_SMOKE="1", QRPAY_ADMIN_TOKEN=server.token)
    done = subprocess.run([sys.executable, "-m", "trainer_app", "--server", server.url, "--classroom"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "Classroom" in done.stdout
    done = subprocess.run([sys.executable, "-m", "trainer_app", "--db", str(tmp_path / "x.sqlite3"), "--classroom"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 2 and "--classroom needs --server" in done.stderr


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_classroom_and_the_trainer_title_row_fit(qtbot, server, look, tmp_path, lang):
    """Nothing clipped at 1366×768 and 1920×1080, English and Japanese: the classroom with a solve, an
    alert, the three kinds of policy and a join command shown; the trainer's title row with its
    Classroom button (server mode only)."""
    from tests.test_pos_layout_fit import SCREENS, _check
    from trainer_app.main_window import TrainerWindow

    look(lang, 1.0)
    a, b = server.new_world(), server.new_world()
    while len(remote(server, a).worlds()) < 16:            # enough rows for the scroll bar to take its width
        server.new_world()
    solve_and_alert(remote(server, a))
    rb = remote(server, b)
    rb.call("PUT", "defences/code-lifetime", admin=True, json={"on": False})
    w = opened(qtbot, rb)
    qtbot.waitUntil(lambda: b in w.rows and w.rows[b].data is not None, timeout=30_000)
    w.name_edit.setText("room-" + lang)
    w.new_button.click()
    qtbot.waitUntil(lambda: not w.join.isHidden(), timeout=30_000)
    refreshed(qtbot, w)
    assert "2019" in w.row(a).policy.text() and w.row(b).data["preset"] is None
    t = TrainerWindow(rb, documents_dir=tmp_path)
    qtbot.addWidget(t)
    t.show()
    problems: list[str] = []
    assert len(w.rows) >= 16
    for width, height in SCREENS:
        w.resize(width, height - 40)
        t.resize(width, height - 40)
        _check(w, f"{width}x{height} classroom", problems)
        _check(t, f"{width}x{height} trainer", problems)
    if lang == "ja":
        assert w.windowTitle().endswith("教室") and t.classroom_button.text().endswith("教室")
    t.shutdown()
    w.shutdown()
    assert not problems, "\n".join(problems[:40])


def test_the_score_board_works_over_the_server_for_its_own_world(qtbot, server):
    """In server mode the trainer's Score board read the database directly (a `not_over_server` refusal
    in its banner); it now reads and resets the challenges of its world over the API."""
    from trainer_app.score_board_window import ScoreBoardWindow

    a, b = server.new_world(), server.new_world()
    solve_and_alert(remote(server, a))
    solve_and_alert(remote(server, b))
    board = ScoreBoardWindow(remote(server, a), poll_ms=0, confirm=lambda *_: True)
    qtbot.addWidget(board)
    wait_for_tasks(qtbot, timeout=30_000)                   # the first poll, off the GUI thread
    assert board.message.isHidden(), board.message.text()
    assert board.card("stuffing-takeover").is_solved() and board.count.text() == "1 of 8 solved"
    with qtbot.waitSignal(board.solved_changed, timeout=30_000):
        board.reset_button.click()
    assert not board.card("stuffing-takeover").is_solved() and board.count.text() == "0 of 8 solved"
    other = {s.challenge.id for s in remote(server, b).challenge_states() if s.solved}
    assert other == {"stuffing-takeover"}                   # the other world keeps its solve
    board.close()


def test_many_worlds_slow_the_refresh_below_the_servers_rate_limit():
    from shared.service.app import Limits
    from trainer_app.classroom_window import REFRESH_MS, refresh_interval_ms

    assert refresh_interval_ms(3) == REFRESH_MS
    for n in (1, 10, 30, 100):
        per_minute = (1 + n) * 60_000 / refresh_interval_ms(n)
        assert per_minute <= Limits().per_address / 2, (n, per_minute)   # half left for the trainer's window
