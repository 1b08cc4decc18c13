"""ui_common.background_poller: a slow poll (a server that takes its time) never blocks the GUI thread,
ticks never run two polls at once, a failed poll shows and is retried, and nothing arrives after the
window closed. The score board and the classroom window poll through it."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from shared import challenges
from shared.errors import QrpayError
from trainer_app.score_board_window import ScoreBoardWindow
from ui_common.background_poller import BackgroundPoller
from ui_common.tasks import wait_for_tasks

WAIT = 10_000


class SlowFetch:
    """A fetch that blocks its worker thread until the test releases it; counts calls and overlaps."""

    def __init__(self, result=None) -> None:
        self.result = result
        self.release = threading.Event()
        self.entered = threading.Event()
        self._lock = threading.Lock()
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self.on_gui_thread = []
        self.fail_with: QrpayError | None = None

    def __call__(self):
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.on_gui_thread.append(threading.current_thread() is threading.main_thread())
        self.entered.set()
        try:
            assert self.release.wait(WAIT / 1000), "the test never released the poll"
            if self.fail_with is not None:
                raise self.fail_with
            return self.result
        finally:
            with self._lock:
                self.running -= 1


class SlowCore:
    """What the score board reads of a RemoteCore, answering only when released (a slow server)."""

    def __init__(self) -> None:
        self.fetch = SlowFetch()

    def challenge_states(self):
        self.fetch()
        return [challenges.ChallengeState(c, None, None) for c in challenges.CHALLENGES.values()]


def gui_ticks(qtbot, n: int) -> list[int]:
    """Wait until the GUI thread's event loop has run `n` timer events of its own."""
    seen: list[int] = []
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: seen.append(1))
    timer.start()
    qtbot.waitUntil(lambda: len(seen) >= n, timeout=WAIT)
    timer.stop()
    return seen


def test_a_slow_poll_leaves_the_gui_thread_free_and_ticks_never_overlap(qtbot):
    fetch = SlowFetch(result="answer")
    poller = BackgroundPoller(fetch, interval_ms=1)          # ticks far faster than the fetch answers
    got = []
    poller.arrived.connect(got.append)
    poller.poll()
    assert fetch.entered.wait(WAIT / 1000)
    gui_ticks(qtbot, 20)                                      # the event loop runs while the fetch waits
    for _ in range(5):
        poller.poll()                                         # more ticks, by hand: still the one poll
    assert poller.busy and fetch.calls == 1 and got == []
    fetch.release.set()
    qtbot.waitUntil(lambda: len(got) >= 2, timeout=WAIT)      # the answer, then the one asked meanwhile
    poller.stop()
    wait_for_tasks(qtbot)
    assert fetch.most_at_once == 1
    assert not any(fetch.on_gui_thread)
    assert got[:2] == ["answer", "answer"]


def test_a_failed_poll_is_shown_and_retried_and_the_next_answer_clears_it(qtbot):
    fetch = SlowFetch(result=[])
    fetch.release.set()
    fetch.fail_with = QrpayError("The server did not answer.", code="server_unreachable")
    poller = BackgroundPoller(fetch, interval_ms=0)
    failures, recovered, got = [], [], []
    poller.failed.connect(failures.append)
    poller.recovered.connect(lambda: recovered.append(1))
    poller.arrived.connect(got.append)
    with qtbot.waitSignal(poller.failed, timeout=WAIT):
        poller.poll()
    assert poller.offline and failures[0].code == "server_unreachable" and got == []
    fetch.fail_with = None
    with qtbot.waitSignal(poller.arrived, timeout=WAIT):
        poller.poll()
    assert not poller.offline and recovered == [1] and got == [[]]


def test_nothing_arrives_after_stop_and_stop_waits_for_the_poll_in_flight(qtbot):
    fetch = SlowFetch(result="late")
    poller = BackgroundPoller(fetch, interval_ms=0)
    got = []
    poller.arrived.connect(got.append)
    poller.poll()
    assert fetch.entered.wait(WAIT / 1000)
    threading.Timer(0.05, fetch.release.set).start()          # the server answers while the window closes
    poller.stop()
    assert fetch.running == 0, "stop() returned with the fetch still running"
    wait_for_tasks(qtbot)
    poller.poll()
    wait_for_tasks(qtbot)
    assert got == [] and fetch.calls == 1


@pytest.fixture
def slow_board(qtbot):
    core = SlowCore()
    board = ScoreBoardWindow(core, poll_ms=1)
    qtbot.addWidget(board)
    board.show()
    yield core, board
    core.fetch.release.set()
    board.shutdown()


def test_the_score_board_stays_responsive_while_a_server_is_slow(qtbot, slow_board):
    core, board = slow_board
    assert core.fetch.entered.wait(WAIT / 1000)
    gui_ticks(qtbot, 20)                                      # its own poll timer ticked many times meanwhile
    card = board.card("reset-hijack")
    card.hint_buttons[1].click()                              # and the window answers a click
    assert card.hint_shown(1)
    assert core.fetch.calls == 1 and board.count.text() == ""
    with qtbot.waitSignal(board.refreshed, timeout=WAIT):
        core.fetch.release.set()
    assert board.count.text() == f"0 of {len(challenges.CHALLENGES)} solved"
    assert core.fetch.most_at_once == 1 and not any(core.fetch.on_gui_thread)
