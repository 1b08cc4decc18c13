"""The score board window: every challenge with difficulty, category and state from the core; two
hints on request; reset with confirmation; and the issue's Done-when path — on a fresh database a
trainee follows only the hints of `reset-hijack` with the real `qrpay` (other processes) while the
window is open, and the window marks it solved without being reopened."""
from __future__ import annotations

import html
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from shared import challenges
from shared.core import Core
from trainer_app.score_board_window import ScoreBoardWindow, hint_html
from ui_common.tasks import wait_for_tasks

ROOT = Path(__file__).resolve().parents[1]


def qrpay(db, *args, stdin: str | None = None, expect: int = 0) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-m", "shared.cli.main", "--db", str(db), "--json", *args],
                       input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert p.returncode == expect, (args, p.stdout, p.stderr)
    return json.loads(p.stdout)


@pytest.fixture
def board(qtbot, core):
    b = opened(qtbot, core, confirm=lambda *_: True)
    b.show()
    return b


def opened(qtbot, core, **kw) -> ScoreBoardWindow:
    """A board whose first poll (off the GUI thread) has arrived."""
    b = ScoreBoardWindow(core, **{"poll_ms": 0, **kw})
    qtbot.addWidget(b)
    wait_for_tasks(qtbot)
    return b


def refreshed(qtbot, b: ScoreBoardWindow) -> None:
    with qtbot.waitSignal(b.refreshed, timeout=10_000):
        b.refresh()


def test_every_challenge_with_difficulty_category_and_state(board):
    assert list(board.cards) == list(challenges.CHALLENGES)
    for cid, card in board.cards.items():
        c = challenges.CHALLENGES[cid]
        assert card.title.text() == c.title.en and card.goal.text() == c.goal.en
        assert "★" * c.difficulty in card.meta.text()
        assert {1: "Easy", 2: "Medium", 3: "Hard"}[c.difficulty] in card.meta.text()
        assert not card.is_solved() and "Not solved" in card.status.text()
        assert not card.hint_shown(1) and not card.hint_shown(2) and card.explanation.isHidden()
    assert "Password reset" in board.card("reset-hijack").meta.text()
    assert board.count.text() == f"0 of {len(challenges.CHALLENGES)} solved"


def test_hints_open_one_level_at_a_time(board):
    card = board.card("reset-hijack")
    assert not card.hint_buttons[2].isEnabled(), "the second hint waits for the first"
    card.hint_buttons[1].click()
    assert card.hint_shown(1) and not card.hint_shown(2)
    first = challenges.CHALLENGES["reset-hijack"].hints[0].en
    assert hint_html(first) in card.hint_labels[1].text() and "`" in first and "`" not in card.hint_labels[1].text()
    card.hint_buttons[2].click()
    assert card.hint_shown(2) and "--send-to" in card.hint_labels[2].text()


def test_reset_asks_first_and_forgets(qtbot, core):
    from shared.demo_data import seed_demo

    demo = seed_demo(core)
    core.set_policy("2019", actor="test")
    c = demo["customers"][0]
    core.identity.sign_in(c["email"], c["password"], device="trainee-laptop")   # stuffing-takeover
    answers = []
    b = opened(qtbot, core, confirm=lambda _w, text: answers.append(text) or False)
    assert b.card("stuffing-takeover").is_solved()
    assert not b.card("stuffing-takeover").explanation.isHidden()
    b.reset_button.click()                       # "No": nothing forgotten
    assert answers and b.card("stuffing-takeover").is_solved()
    b._confirm = lambda *_: True
    with qtbot.waitSignal(b.solved_changed, timeout=2000):
        b.reset_button.click()
    assert not b.card("stuffing-takeover").is_solved() and b.count.text().startswith("0 of")


def test_a_trainee_solves_reset_hijack_by_following_the_hints_while_the_board_is_open(qtbot, tmp_path):
    db = tmp_path / "fresh.sqlite3"
    qrpay(db, "seed-demo")                              # a fresh database with the demo customers
    core = Core.open(db)
    board = ScoreBoardWindow(core, poll_ms=100)
    qtbot.addWidget(board)
    board.show()
    card = board.card("reset-hijack")
    assert not card.is_solved()
    card.hint_buttons[1].click()
    card.hint_buttons[2].click()
    hint = card.hint_labels[2].text()
    assert hint.startswith("Second hint: Under 2019") and "`" not in hint   # commands shown as code, copied bare
    qrpay(db, "policy", "set", "2019")                  # "Under 2019"
    commands = [shlex.split(html.unescape(c)) for c in re.findall(r'<span class="command"[^>]*>qrpay ([^<]+)</span>', hint)]
    assert [c[:2] for c in commands] == [["customer", "list"], ["password", "reset-request"], ["mailbox", "--to"],
                                        ["password", "reset-complete"]]
    victim = reset_code = None
    for args in commands:
        args = [victim if a == "VICTIM" else reset_code if a == "CODE" else a for a in args]
        assert not card.is_solved(), "not solved before the reset is completed"
        out = qrpay(db, *args, stdin="a-brand-new-passphrase-91\n" if "--password-stdin" in args else None)
        if args[:2] == ["customer", "list"]:
            victim = out["customers"][0]["email"]
        if args[0] == "mailbox":
            reset_code = re.search(r"\b(\d{8})\b", out["messages"][0]["body"]).group(1)
    qtbot.waitUntil(card.is_solved, timeout=5000)       # the open window sees it: no reopening
    assert "Solved" in card.status.text() and "birthdate" in card.explanation.text()
    assert board.count.text() == f"1 of {len(challenges.CHALLENGES)} solved"
    board.close()
    core.close()


def test_the_same_steps_under_hardened_leave_it_unsolved(qtbot, tmp_path):
    db = tmp_path / "fresh.sqlite3"
    victim = qrpay(db, "seed-demo")["customers"][0]["email"]
    core = Core.open(db)
    board = opened(qtbot, core)
    qrpay(db, "password", "reset-request", "--email", victim, "--send-to", "you@example.com")
    assert qrpay(db, "mailbox", "--to", "you@example.com")["messages"] == []
    refreshed(qtbot, board)
    assert not board.card("reset-hijack").is_solved()
    core.close()


def test_score_board_opens_alone_from_the_command_line(tmp_path):
    db = tmp_path / "x.sqlite3"
    qrpay(db, "init")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "QRPAY_TRAINER_SMOKE": "1"}
    p = subprocess.run([sys.executable, "-m", "trainer_app", "--db", str(db), "--score-board"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    assert "Score board" in p.stdout


def test_a_poll_with_nothing_new_takes_no_write_lock(qtbot, board, core, monkeypatch):
    """The board polls every two seconds beside the wallet and the till: looking is a read."""
    writes = []
    real = core.db.write

    def counting_write(*a, **k):
        writes.append(1)
        return real(*a, **k)

    monkeypatch.setattr(core.db, "write", counting_write)
    for _ in range(3):
        refreshed(qtbot, board)
    assert writes == [] and not any(card.is_solved() for card in board.cards.values())
