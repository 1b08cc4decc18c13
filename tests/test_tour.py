"""The presenter's tour (`qrpay demo --tour`): the narration panel steps through the 7pay timeline
and every live page runs its attack against the database the real wallet and till windows show.

In one process (offscreen): the wallet window, the till window and the panel, the panel's orders
going straight to the windows' drivers (ui_common.tour_link.LocalChannel; `qrpay demo` uses the
orders file, tested at the end with two followers). Under 2019 the victim's balance falls and her
wallet shows it; under hardened it does not, her mailbox has the warning and the till's Alerts tab
the alert. Back and Replay step work; the Japanese tour has no English narration left; the panel
fits its tile on a 1366×768 laptop.
"""
from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from shared import tour
from shared.attacks.base import Outcome
from shared.demo_data import seed_demo
from shared.money import format_yen
from ui_common.tour_link import DONE, TILL, WALLET, FileChannel, LocalChannel, TourFollower, tour_file_for

TIMEOUT_MS = 60_000


class LaptopClock:
    """The presenter's clock: it runs (a throttle's "try again in 5 seconds" passes while the tour
    waits) and the test moves it on (the presenter talks). Not a FixedClock, so a scenario simulates
    on a pinned copy of it, as on the real laptop, and its hour of simulated time leaves the
    windows' clock alone."""

    def __init__(self, t: float) -> None:
        import time

        self.t, self._mono = t, time.monotonic
        self._t0 = time.monotonic()

    def now(self) -> float:
        return self.t + (self._mono() - self._t0)

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock():
    from conftest import T0

    return LaptopClock(T0)


@pytest.fixture
def demo(qtbot, core, clock, tmp_path):
    return build_demo(qtbot, core, clock, tmp_path)


def build_demo(qtbot, core, clock, tmp_path):
    """The demo database, the wallet and the till as `qrpay demo` opens them, their tour drivers."""
    from pos_app.main_window import PosWindow
    from pos_app.tour_driver import TillTourDriver
    from shared.scanning import decoder_named
    from wallet_app.main_window import WalletWindow
    from wallet_app.tour_driver import WalletTourDriver

    seeded = seed_demo(core)
    clerk = next(s for s in seeded["staff"] if s["role"] == "clerk")
    boss = next(s for s in seeded["staff"] if s["role"] == "supervisor")
    wallet = WalletWindow(core, profile="kiosk-phone")
    qtbot.addWidget(wallet)
    till = PosWindow(core, terminal_id="T1", camera="test", decoder=decoder_named("cascade"), poll_ms=10_000,
                     documents_dir=tmp_path / "docs",
                     settings=QSettings(str(tmp_path / "pos.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(till)
    drivers = {WALLET: WalletTourDriver(wallet, step_ms=10, retry_ms=50),
               TILL: TillTourDriver(till, clerk=(clerk["id"], clerk["pin"]), supervisor=(boss["id"], boss["pin"]),
                                    step_ms=10)}
    return {"core": core, "clock": clock, "wallet": wallet, "till": till, "channel": LocalChannel(drivers)}


def make_panel(qtbot, demo):
    from ui_common.tour_panel import TourPanel

    panel = TourPanel(demo["core"], demo["channel"], pace_ms=0, dwell_ms=20, wait_ms=TIMEOUT_MS)
    qtbot.addWidget(panel)
    wait_idle(qtbot, panel)
    return panel


def wait_idle(qtbot, panel) -> None:
    qtbot.waitUntil(lambda: not panel.busy, timeout=TIMEOUT_MS)
    assert panel.failure is None, panel.failure


def advance(qtbot, panel, demo, how="next", *, at_story=None) -> None:
    """The presenter talks for a minute (the simulated clock moves), then presses a button, and Next
    again until the page has shown both its beats (a live page: its story, then the attack run; a
    page told only: its story, then the rest). "next" on a page whose second beat is still to come
    shows it first. `at_story(panel)` looks at each beat before the last."""
    start = panel.index

    def press(button) -> None:
        demo["clock"].advance(120)
        button.click()
        wait_idle(qtbot, panel)

    press({"next": panel.next_button, "back": panel.back_button, "replay": panel.replay_button}[how])
    if how == "next" and panel.index == start:      # that Next showed the page's second beat
        if at_story is not None:
            at_story(panel)
        press(panel.next_button)
    while panel.awaiting_run or panel.told_more:
        if at_story is not None:
            at_story(panel)
        press(panel.next_button)


def balance_of(demo, victim) -> int:
    return demo["core"].wallet.balance(victim.customer_id)


def test_pages_follow_the_timeline_with_each_attack_twice():
    keys = [p.key for p in tour.pages()]
    assert keys[0] == "launch:story" and keys[-1] == "shutdown:story"
    for step in ("fraud-found", "press-conference", "password-reset"):
        assert keys.index(f"{step}:2019") + 1 == keys.index(f"{step}:hardened")
    dates = [s.date.isoformat() for s in tour.STEPS]
    assert dates == ["2019-07-01", "2019-07-03", "2019-07-04", "2019-07-11", "2019-07-30", "2019-08-01"]
    assert (tour.VICTIMS, tour.YEN_LOST) == (808, 38_600_000)
    from shared.attacks import ORDER
    ext = next(s for s in tour.STEPS if s.key == "external-id")
    assert ("external-id:2019" in keys) == (tour.EXTERNAL_ID_SCENARIO in ORDER)
    assert ext.live() == (tour.EXTERNAL_ID_SCENARIO in ORDER)


def test_the_tour_runs_every_attack_live_in_the_windows(qtbot, demo):
    panel = make_panel(qtbot, demo)
    wallet, till, core = demo["wallet"], demo["till"], demo["core"]
    # 1 July: the 2019 settings, a customer signed in with her password alone, the clerk at the till
    assert core.policy.name == "2019" and panel.victim is not None
    assert wallet.signed_in and wallet.session.customer_id == panel.victim.customer_id
    assert wallet.current_screen() is wallet.home and wallet.home.balance.text() == format_yen(tour.VICTIM_BALANCE)
    assert till.shift is not None and till.pages.currentWidget() is till.till
    assert "808" not in panel.narration.text()

    seen: dict[str, object] = {}
    while panel.index < len(panel.pages) - 1:
        advance(qtbot, panel, demo)
        page, victim, result = panel.page, panel.victim, panel.result
        seen[page.key] = result
        if page.policy is None:
            assert result is None and not panel.steps_list.isVisibleTo(panel)
            continue
        assert core.policy.name == page.policy
        assert result is not None and panel.steps_list.count() >= 3
        before, after = tour.victim_balance(result, victim)
        assert before == tour.VICTIM_BALANCE
        assert till.pages.currentWidget() is till.supervisor
        assert till.supervisor.tabs.currentWidget() is till.supervisor.alerts
        mail = [m.subject for m in core.inbox(victim.email)]
        if page.policy == "2019":
            assert result.outcome is Outcome.SUCCEEDED, page.key
            assert after < before and balance_of(demo, victim) == after
            assert panel.outcome.text().startswith("✕") and format_yen(result.yen_lost) in panel.outcome.text()
            assert result.yen_lost >= before - after
            assert any("paid" in s for s in mail), mail
            if page.step.key != "password-reset":   # (the reset to another address is audited even in 2019)
                assert not result.alerts, "2019 raised an alert: 7pay had no monitoring"
            if page.step.key == "password-reset":   # the attacker's reset ended her session on her phone
                steps = [panel.steps_list.item(i).text() for i in range(panel.steps_list.count())]
                assert any("password he has just set" in t for t in steps), steps     # not "the leaked password"
                assert not any("leaked password" in t for t in steps), steps
                assert not wallet.signed_in and wallet.current_screen() is wallet.mailbox
                assert any("reset" in s for s in mail)
            else:                                   # still signed in, her Home showed the loss
                assert wallet.session.customer_id == victim.customer_id
                assert wallet.home.balance.text() == format_yen(after)
        else:
            assert result.outcome is Outcome.BLOCKED, page.key
            assert after == before == balance_of(demo, victim)
            assert panel.outcome.text().startswith("✓")
            assert wallet.signed_in and wallet.session.customer_id == victim.customer_id
            assert wallet.home.balance.text() == format_yen(before)
            assert not any("paid" in s for s in mail)
            if page.step.key in ("fraud-found", "press-conference"):
                assert any("tried to use your" in s for s in mail), mail   # the owner is told
            if page.step.key in ("fraud-found", "password-reset"):
                assert result.alerts
                shown = {till.supervisor.alerts.table.item(r, 1).text()
                         for r in range(till.supervisor.alerts.table.rowCount())}
                assert {"Credential-stuffing attack suspected",
                        "Password reset to an address not on record attempted"} & shown
        assert wallet.current_screen() is (wallet.mailbox if page.step.wallet_views(page.policy)[-1].value == "mailbox"
                                           else wallet.home)
    assert {"fraud-found:2019", "fraud-found:hardened", "press-conference:2019", "press-conference:hardened",
            "password-reset:2019", "password-reset:hardened"} <= set(seen)
    assert panel.page.step.key == "shutdown" and core.policy.name == "hardened"
    assert "808" in panel.narration.text() and "38.6" in panel.narration.text()
    assert not panel.next_button.isEnabled() and panel.back_button.isEnabled()
    from shared import checks
    assert checks.run_checks(core) == []          # every run left the ledger and the audit log sound


def test_back_and_replay_run_the_page_again_with_a_fresh_victim(qtbot, demo):
    panel = make_panel(qtbot, demo)
    advance(qtbot, panel, demo)                    # 3 July under 2019
    assert panel.page.key == "fraud-found:2019"
    first = panel.victim
    assert panel.result.outcome is Outcome.SUCCEEDED and balance_of(demo, first) == 0
    advance(qtbot, panel, demo, "replay")
    second = panel.victim
    assert panel.page.key == "fraud-found:2019" and second.customer_id != first.customer_id
    assert panel.result.outcome is Outcome.SUCCEEDED and balance_of(demo, second) == 0
    assert demo["wallet"].session.customer_id == second.customer_id
    advance(qtbot, panel, demo)                    # hardened
    assert panel.result.outcome is Outcome.BLOCKED
    advance(qtbot, panel, demo, "back")            # back to 2019: the attack succeeds again
    assert panel.page.key == "fraud-found:2019" and demo["core"].policy.name == "2019"
    assert panel.result.outcome is Outcome.SUCCEEDED
    advance(qtbot, panel, demo, "back")
    assert panel.index == 0 and not panel.back_button.isEnabled()


def test_a_live_page_is_told_first_and_runs_on_next(qtbot, demo):
    """The story, then the attack: a live page shows its narration with the victim signed in and
    her money untouched; Next (or the clicker's Page Down) runs it, and the steps replace the story."""
    panel = make_panel(qtbot, demo)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    assert panel.told_more and panel.narration.isVisibleTo(panel) and not panel.now_label.isVisibleTo(panel)
    QTest.keyClick(panel, Qt.Key.Key_PageDown)          # a presentation clicker: 1 July's second beat
    assert panel.index == 0 and not panel.narration.isVisibleTo(panel) and panel.now_label.isVisibleTo(panel)
    demo["clock"].advance(120)
    QTest.keyClick(panel, Qt.Key.Key_PageDown)
    wait_idle(qtbot, panel)
    assert panel.page.key == "fraud-found:2019" and panel.awaiting_run and panel.result is None
    victim = panel.victim
    assert balance_of(demo, victim) == tour.VICTIM_BALANCE
    assert demo["wallet"].session.customer_id == victim.customer_id      # signed in before the story ends
    assert panel.narration.isVisibleTo(panel) and not panel.now_label.isVisibleTo(panel)
    assert not panel.steps_list.isVisibleTo(panel) and panel.steps_list.count() == 0
    assert panel.next_button.isEnabled() and panel.next_button.text().startswith("Next")
    QTest.keyClick(panel, Qt.Key.Key_PageDown)          # the cue: what the run will show
    assert panel.now_label.isVisibleTo(panel) and not panel.narration.isVisibleTo(panel)
    assert panel.result is None and "Run the attack" in panel.next_button.text()
    QTest.keyClick(panel, Qt.Key.Key_PageDown)
    wait_idle(qtbot, panel)
    assert panel.result is not None and panel.result.outcome is Outcome.SUCCEEDED and not panel.awaiting_run
    assert panel.steps_list.isVisibleTo(panel) and not panel.narration.isVisibleTo(panel)
    assert panel.next_button.text().startswith("Next")
    assert balance_of(demo, victim) < tour.VICTIM_BALANCE
    QTest.keyClick(panel, Qt.Key.Key_PageUp)            # back to 1 July, a page told only
    wait_idle(qtbot, panel)
    assert panel.index == 0 and not panel.awaiting_run


def test_buttons_wait_while_a_page_runs(qtbot, demo):
    panel = make_panel(qtbot, demo)
    panel.next_button.click()                      # 1 July's second beat: shown at once
    assert not panel.busy and panel.index == 0
    panel.next_button.click()                      # 3 July: its victim is being signed in
    assert panel.busy and not panel.next_button.isEnabled() and not panel.back_button.isEnabled()
    index = panel.index
    panel.next_page()
    panel.back()
    assert panel.index == index                    # ignored while the attack runs
    wait_idle(qtbot, panel)


# -- Japanese --------------------------------------------------------------------------------------
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# names, not narration: a product, an agency, a standard, a file, a scenario's name
_ALLOWED_LATIN = {"pay", "METI", "OpenID", "Connect", "Core", "docs", "TOUR", "external", "takeover",
                  "qrpay", "demo", "tour", "SNS"}   # SNS: the word Japanese uses


def _english_left(text: str) -> list[str]:
    text = re.sub(r"\{\w+\}", "", text)   # named placeholders ({action}) are filled in, not read
    return [w for w in _LATIN_WORD.findall(text) if w not in _ALLOWED_LATIN]


@pytest.fixture
def japanese(qapp):
    from ui_common.app import make_application

    app = make_application([], app_name="ui_common", lang="ja")
    yield app
    make_application([], app_name="ui_common", lang="en")


def test_every_tour_text_has_finished_japanese(japanese):
    from ui_common import tour_panel, tour_steps

    texts = [t for w in tour_steps.WORDS.values() for t in (w.title, w.narration, w.under_2019,
                                                            w.under_hardened, w.told_only) if t]
    texts += list(tour_steps.STEP_TEXTS.values()) + list(tour_steps.ACTORS.values())
    texts += list(tour_steps.SCENARIO_STEP_TEXTS.values())
    texts += [tour_steps.SOURCE, tour_steps.OTHER_STEP]
    texts += list(tour_panel.PANEL_WORDS)
    assert len(texts) > 50
    for text in texts:
        ja = tour_steps.tr_tour(text)
        assert ja != text, f"not translated: {text!r}"
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", ja), ja
        assert not _english_left(ja), (text, ja)
    # the facts survive translation
    shutdown = tour_steps.words("shutdown").narration
    assert "808" in shutdown and "3,860万" in shutdown


def test_the_japanese_panel_shows_no_english(qtbot, demo, japanese):
    panel = make_panel(qtbot, demo)
    story: list[str] = []
    advance(qtbot, panel, demo, at_story=lambda p: story.extend((p.narration.text(), p.next_button.text())))
    assert any("攻撃" in t for t in story[1::2]), story    # "Run the attack" on the cue
    shown = story + [panel.date_label.text(), panel.title_label.text(), panel.narration.text(), panel.now_label.text(),
             panel.source_label.text(), panel.outcome.text(), panel.status.text(), panel.next_button.text(),
             panel.back_button.text(), panel.replay_button.text(), panel.count_label.text()]
    shown += [panel.steps_list.item(i).text() for i in range(panel.steps_list.count())]
    assert panel.date_label.text() == "2019年7月3日"
    for text in shown:
        assert not _english_left(text), text


# -- one laptop ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_panel_fits_its_tile_on_a_1366x768_laptop(qtbot, core, clock, tmp_path, lang, monkeypatch):
    """The panel, the till and the authenticator show every text whole in their tour tiles, page by
    page; the wallet stays a phone inside its tile (its screens at 320 px wide: test_layout_fit)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QScreen

    from ui_common import layout_check
    from ui_common.app import make_application
    from ui_common.launcher import tour_tiles

    make_application([], app_name="ui_common", lang=lang)   # before the windows, as the panel starts
    try:
        # the offscreen platform has one small screen; the code under test asks Qt for the laptop's
        monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: QRect(0, 0, 1366, 738))
        demo = build_demo(qtbot, core, clock, tmp_path)
        tiles = tour_tiles(1366, 738)       # 768 less a 30 px panel
        rects = {name: QRect(t.x, t.y, t.w, t.h) for name, t in tiles.items()}
        for a, ra in rects.items():
            assert ra.left() >= 0 and ra.top() >= 0 and ra.right() < 1366 and ra.bottom() < 738, a
            for b, rb in rects.items():
                assert a == b or not ra.intersects(rb), (a, b)
        assert tiles["pos"].w >= 760 and tiles["pos"].h >= 560 + 30     # the till's minimum, and its frame
        assert tiles["wallet"].w >= 320 and tiles["tour"].w >= 260
        windows = {"pos": demo["till"], "wallet": demo["wallet"]}
        from wallet_app.authenticator_window import AuthenticatorWindow
        windows["authenticator"] = AuthenticatorWindow(demo["core"])
        qtbot.addWidget(windows["authenticator"])
        panel = make_panel(qtbot, demo)
        windows["tour"] = panel
        from ui_common.app import place_frame_in
        for name, w in windows.items():      # as the apps place themselves in the launcher's tiles
            t = tiles[name]
            if name == "wallet":
                w.place_in(QRect(t.x, t.y, t.w, t.h))
            else:
                w.setGeometry(t.x, t.y, t.w, t.h)
            w.show()
            if name != "wallet":
                place_frame_in(w, QRect(t.x, t.y, t.w, t.h))
        def check(_panel=None) -> None:      # each window as the tour leaves it: a story, a run's end
            for _ in range(3):               # a label that re-wraps at its new width needs a second pass
                QApplication.processEvents()
            for name, w in windows.items():
                t = tiles[name]
                assert QRect(t.x, t.y, t.w, t.h).contains(w.frameGeometry()), (name, w.frameGeometry())
                if name == "wallet":
                    assert w.width() < w.height()
                    continue
                problems = [str(p) for p in layout_check.check_window(w, on_screen=False)]
                assert problems == [], (name, panel.page.key, problems)
            # the presenter reads it all without scrolling: the story whole, every step of the run
            where = (panel.page.key, "story" if panel.awaiting_run or panel.result is None else "run")
            assert panel.scroll.verticalScrollBar().maximum() == 0, where
            if panel.steps_list.isVisibleTo(panel):       # the latest three steps whole (it follows the run)
                view = panel.steps_list.viewport().rect()
                last = [panel.steps_list.visualItemRect(panel.steps_list.item(i))
                        for i in range(panel.steps_list.count())][-3:]
                assert len(last) == 3 and all(view.contains(r) for r in last), (where, view, last)
            assert panel.next_button.isEnabled() or panel.index == len(panel.pages) - 1, where

        check()
        while panel.index < len(panel.pages) - 1:
            advance(qtbot, panel, demo, at_story=check)
            check()
    finally:
        make_application([], app_name="ui_common", lang="en")


# -- the orders file `qrpay demo --tour` uses ------------------------------------------------------
class _Recorder:
    def __init__(self):
        self.orders = []

    def handle(self, order, reply):
        self.orders.append(order)
        reply(DONE, "ok")


def test_orders_file_reaches_each_app_once_and_replies(qtbot, tmp_path):
    from PySide6.QtCore import QObject

    from ui_common.tour_link import clear

    path = tour_file_for(tmp_path / "d.sqlite3")
    (tmp_path / "d.sqlite3.demo.tour").write_text(json.dumps({"seq": 7, "orders": {"wallet": {"seq": 7}}}))
    clear(path)                                    # the launcher starts each demo with no orders
    assert not path.exists()
    panel_side = FileChannel(path)
    owner = QObject()
    wallet, till = _Recorder(), _Recorder()
    followers = [TourFollower(owner, WALLET, wallet, path), TourFollower(owner, TILL, till, path)]
    seq = panel_side.send(WALLET, {"action": "sign_in", "email": "a@example.jp", "password": "x"})
    qtbot.waitUntil(lambda: panel_side.state(WALLET, seq) == (DONE, "ok"), timeout=5000)
    seq2 = panel_side.send(TILL, {"action": "alerts"})
    qtbot.waitUntil(lambda: panel_side.state(TILL, seq2)[0] == DONE, timeout=5000)
    for f in followers:                            # more checks change nothing: each order is done once
        f._stamp = None
        f.check()
    assert [o["action"] for o in wallet.orders] == ["sign_in"] and [o["action"] for o in till.orders] == ["alerts"]
    assert panel_side.state(WALLET, seq2)[0] != DONE   # a reply answers its own order only


def test_demo_tour_flag_reaches_the_launcher_and_tiles(tmp_path, monkeypatch):
    from ui_common.launcher import commands

    cmds = commands(str(tmp_path / "d.sqlite3"), lang="ja", kiosk=False, camera=None, tour=True)
    assert cmds["tour"][1:4] == ["-m", "ui_common.tour_panel", "--db"] and cmds["tour"][-2:] == ["--lang", "ja"]
    assert "tour" not in commands(str(tmp_path / "d.sqlite3"), lang=None, kiosk=False, camera=None)
    from shared.cli.main import main

    assert main(["--db", str(tmp_path / "x.sqlite3"), "demo", "--tour", "--autoplay"]) != 0


def test_the_trainer_tour_button_opens_the_demo_tour(qtbot, core, tmp_path):
    from trainer_app.main_window import TrainerWindow

    w = TrainerWindow(core, documents_dir=tmp_path)
    qtbot.addWidget(w)
    started = []
    w.tour_button._launch = started.append
    w.tour_button.click()
    assert started and started[0][started[0].index("demo") + 1] == "--tour"
    assert "--db" not in started[0]                # not a demo database: the default demo's
    seed_demo(core)                                # saves the demo accounts beside the database
    w.tour_button.click()
    assert started[1][started[1].index("--db") + 1] == str(core.db.path)


# -- the core's half: the tour's victim stands in for the scenario's -----------------------------
def test_the_victim_stands_in_only_inside_the_block(core):
    from shared.attacks import SCENARIOS
    from shared.attacks.world import Person, stand_in

    seed_demo(core)
    victim = tour.new_victim(core)
    person = Person(victim.customer_id, victim.email, victim.name, victim.password, victim.totp_secret)
    with stand_in(person):
        inside = SCENARIOS["reset-hijack"].run(core, policy="2019")
    outside = SCENARIOS["reset-hijack"].run(core, policy="2019")
    assert [b.customer_id for b in inside.victim.balances] == [victim.customer_id]
    assert inside.outcome is Outcome.SUCCEEDED and core.wallet.balance(victim.customer_id) < tour.VICTIM_BALANCE
    assert victim.customer_id not in [b.customer_id for b in outside.victim.balances]   # no leak after the block
    assert outside.outcome is Outcome.SUCCEEDED


def test_the_stuffing_victim_is_always_among_the_reused_passwords(core):
    """Whatever the shuffle, the stand-in's pair is in the leaked list (seeds that put her last)."""
    from shared.attacks import SCENARIOS
    from shared.attacks.world import Person, stand_in

    seed_demo(core)
    for seed in (1, 2, 3):
        victim = tour.new_victim(core)
        person = Person(victim.customer_id, victim.email, victim.name, victim.password, victim.totp_secret)
        with stand_in(person):
            result = SCENARIOS["credential-stuffing"].run(core, policy="2019", customers=8, reuse=0.25, leaked=20,
                                                           seed=seed)
        assert tour.victim_balance(result, victim) == (tour.VICTIM_BALANCE, 0), seed
