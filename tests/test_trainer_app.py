"""The trainer app (trainer_app): policy switch, shared clock, scenario runs off the GUI thread, the report,
and closing mid-run. Offscreen; waits with qtbot.waitUntil, never sleeps."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from shared.attacks import ORDER, SCENARIOS
from shared.attacks.base import TimelinePoint as ChartPoint
from shared.audit_events import AuditEvent
from shared.errors import InputError
from trainer_app.chart import TrainerChart, nice_ceiling
from trainer_app.main_window import TrainerWindow
from trainer_app.policy_clock_bar import parse_skew

SMALL_STUFFING = {"customers": 6, "leaked": 20, "reuse": 0.5}
RUN_TIMEOUT_MS = 60_000


@pytest.fixture
def window(qtbot, core, tmp_path):
    w = TrainerWindow(core, documents_dir=tmp_path / "docs", tick_ms=50)
    qtbot.addWidget(w)
    w.show()
    return w


def run_and_wait(qtbot, w: TrainerWindow, name: str, policies: tuple[str, ...], **sizes) -> None:
    w.select_scenario(name)
    for k, v in sizes.items():
        w.set_size(k, v)
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT_MS):
        w.run_selected(policies)
    assert w.worker is None


def test_window_lists_every_scenario_in_the_issue_order(window):
    assert window.scenario_names() == [n for n in ORDER if n in SCENARIOS]
    assert set(window.scenario_names()) == set(SCENARIOS)
    assert window.scenario_list.count() == len(SCENARIOS) == 9
    for row in range(window.scenario_list.count()):
        item = window.scenario_list.item(row)
        assert item.text() and item.toolTip(), "every scenario has a title and a one-line explanation"


def test_sizes_follow_the_selected_scenario(window):
    window.select_scenario("credential-stuffing")
    assert {"customers", "leaked", "reuse", "attempts"} <= set(window.sizes())
    window.set_size("reuse", 0.25)
    assert window.sizes()["reuse"] == pytest.approx(0.25)   # shown in %, handed over as a fraction
    window.select_scenario("reset-hijack")
    assert "customers" not in window.sizes() and "balance" in window.sizes()


def test_policy_switch_updates_badge_banner_and_database(window, core):
    assert core.policy.name == "hardened"
    assert window.badge.policy_name == "hardened" and not window.insecure_banner.isVisible()
    window.policy_buttons["2019"].click()
    assert core.policy.name == "2019"
    assert window.badge.policy_name == "2019"
    assert window.insecure_banner.isVisible() and "2019" in window.insecure_banner.text()
    assert window.policy_buttons["2019"].isChecked() and not window.policy_buttons["hardened"].isChecked()
    assert any(r.event is AuditEvent.POLICY_CHANGED for r in core.audit_recent(limit=5))
    window.policy_buttons["hardened"].click()
    assert core.policy.name == "hardened" and window.badge.policy_name == "hardened"
    assert not window.insecure_banner.isVisible()


def test_policy_changed_by_another_app_shows_on_the_next_tick(qtbot, window, core):
    core.set_policy("2019", actor="pos")
    qtbot.waitUntil(lambda: window.badge.policy_name == "2019", timeout=2000)
    assert window.insecure_banner.isVisible()


def test_clock_buttons_move_core_now(window, core):
    before = core.now()
    window.advance_buttons[60].click()
    assert core.now() == before + 60
    window.advance_buttons[30].click()
    window.advance_buttons[600].click()
    assert core.now() == before + 690
    assert window.time_label.text().endswith("JST")


def test_simulated_clock_offset_is_shared_through_the_database(qtbot, tmp_path):
    from shared.core import Core

    path = tmp_path / "shared.sqlite3"
    live, other = Core.open(path), Core.open(path)   # the trainer's and another app's view
    try:
        w = TrainerWindow(live, documents_dir=tmp_path, tick_ms=50)
        qtbot.addWidget(w)
        w.advance_buttons[600].click()
        assert other.clock_offset() == pytest.approx(600)
        w.skew_edit.setText("-2h")
        w.skew_button.click()
        assert other.clock_offset() == pytest.approx(-7200)
        w.set_time(1_900_000_000.0)
        assert abs(other.now() - 1_900_000_000.0) < 5
        w.reset_clock_button.click()
        assert other.clock_offset() == 0
        w.skew_edit.setText("soon")
        w.skew_button.click()
        assert other.clock_offset() == 0 and not w.clock_message.isHidden()
        w.close()
    finally:
        live.close()
        other.close()


def test_set_time_asks_then_moves_the_clock(qtbot, core, tmp_path):
    asked = []
    w = TrainerWindow(core, documents_dir=tmp_path, ask_time=lambda parent, now: asked.append(now) or now + 3600)
    qtbot.addWidget(w)
    before = core.now()
    w.set_time_button.click()
    assert asked == [before] and core.now() == before + 3600


@pytest.mark.parametrize("text,seconds", [("+90s", 90), ("-5m", -300), ("+2h", 7200), ("1d 3h", 97200),
                                          ("300", 300), ("−10min", -600)])
def test_parse_skew(text, seconds):
    assert parse_skew(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "+5x", "--5m"])
def test_parse_skew_refuses_nonsense(text):
    with pytest.raises(InputError):
        parse_skew(text)


def test_stuffing_under_2019_shows_the_attack_succeeded(qtbot, window, core):
    demo_policy = core.policy.name
    run_and_wait(qtbot, window, "credential-stuffing", ("2019",), **SMALL_STUFFING)
    result = window.results["2019"]
    assert result.outcome.value == "succeeded" and result.takeovers > 0 and result.yen_lost > 0
    text = window.outcome_text("2019")
    assert text.startswith("✕ ATTACK SUCCEEDED")
    assert f"¥{result.yen_lost:,} lost" in text and f"{result.takeovers} accounts taken over" in text
    assert window.outcomes["2019"].isVisible() and window.outcomes["2019"].property("kind") == "danger"
    steps = [window.steps_list.item(i).text() for i in range(window.steps_list.count())]
    assert any("taken over" in s for s in steps), "the steps were shown"
    assert len(window.chart.points()) >= 2 and window.chart.latest().taken_over == result.takeovers
    # a fresh database per run: the presenter's data is untouched
    assert core.policy.name == demo_policy
    with core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 0
    # what the victim saw
    assert window.balances_table.rowCount() == len(result.victim.balances) > 0
    assert any(window.balances_table.item(r, 2).text().startswith("−¥") for r in range(window.balances_table.rowCount()))


def test_stuffing_under_hardened_shows_blocked(qtbot, window):
    run_and_wait(qtbot, window, "credential-stuffing", ("hardened",), **SMALL_STUFFING)
    result = window.results["hardened"]
    assert result.outcome.value == "blocked" and result.takeovers == 0 and result.yen_lost == 0
    assert window.outcome_text("hardened") == f"✓ BLOCKED by {result.blocked_by}"
    assert window.outcomes["hardened"].property("kind") == "ok"
    assert window.audit_table.rowCount() == min(len(result.audit), 400) > 0
    assert window.tabs.tabText(window.alerts_tab) == f"Alerts ({len(result.alerts)})"
    events = [window.alerts_table.item(r, 2).text() for r in range(window.alerts_table.rowCount())]
    assert events == [r.event for r in result.alerts]
    assert window.save_button.isEnabled() and window.run_buttons["hardened"].isEnabled()


def test_run_both_shows_two_outcomes_and_switches_details(qtbot, window):
    run_and_wait(qtbot, window, "reset-hijack", ("hardened", "2019"))
    assert set(window.results) == {"hardened", "2019"}
    assert window.outcome_text("hardened").startswith("✓ Hardened: BLOCKED by")
    assert window.outcome_text("2019").startswith("✕ 2019: ATTACK SUCCEEDED")
    qtbot.mouseClick(window.outcomes["hardened"], Qt.MouseButton.LeftButton)
    assert window.shown_policy == "hardened" and window.outcomes["hardened"].is_selected()
    hardened_rows = window.audit_table.rowCount()
    qtbot.mouseClick(window.outcomes["2019"], Qt.MouseButton.LeftButton)
    assert window.shown_policy == "2019"
    assert window.mail_table.rowCount() == len(window.results["2019"].victim.messages)
    assert (hardened_rows, window.audit_table.rowCount()) == (
        min(len(window.results["hardened"].audit), 400), min(len(window.results["2019"].audit), 400))


def test_run_on_this_database_changes_it_and_restores_the_policy(qtbot, window, core):
    window.live_check.setChecked(True)
    run_and_wait(qtbot, window, "double-spend", ("2019",), rounds=1)
    assert "ATTACK SUCCEEDED" in window.outcome_text("2019")
    assert core.policy.name == "hardened", "the scenario switched back after the run"
    with core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] > 0


def test_save_report_writes_html_with_the_outcome(qtbot, window, tmp_path):
    assert window.save_report(tmp_path / "none.html") is None   # nothing run yet
    run_and_wait(qtbot, window, "forged-code", ("hardened",))
    result = window.results["hardened"]
    path = window.save_report(tmp_path / "out" / "report.html")
    html = path.read_text(encoding="utf-8")
    assert path.exists() and html.lstrip().lower().startswith("<!doctype html")
    assert "BLOCKED" in html.upper() and result.blocked_by in html
    default = window.default_report_path()
    assert default.parent == tmp_path / "docs" and default.suffix == ".html" and "forged-code" in default.name
    chosen = []
    window._ask_save_path = lambda parent, d: chosen.append(d) or tmp_path / "picked"   # the dialog's answer
    window.save_button.click()
    assert chosen == [default] and (tmp_path / "picked.html").exists()


def test_stop_cancels_a_run(qtbot, window):
    window.select_scenario("credential-stuffing")
    window.set_size("customers", 400)
    window.run_selected(("2019",))
    qtbot.waitUntil(lambda: window.steps_list.count() > 0, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(window.run_finished, timeout=RUN_TIMEOUT_MS):
        window.stop_button.click()
    assert window.results == {} and "cancelled" in window.status_banner.text()
    assert window.run_buttons["2019"].isEnabled()


def test_closing_mid_run_leaves_no_thread_running(qtbot, core, tmp_path):
    w = TrainerWindow(core, documents_dir=tmp_path)
    qtbot.addWidget(w)
    w.show()
    w.select_scenario("credential-stuffing")
    w.set_size("customers", 2000)
    w.set_size("leaked", 20000)
    w.run_selected(("hardened",))
    worker = w.worker
    qtbot.waitUntil(lambda: bool(w._pending_steps) or w.steps_list.count() > 0, timeout=RUN_TIMEOUT_MS)
    assert worker.isRunning()
    w.close()
    assert worker.isFinished() and not worker.isRunning()
    assert w.worker is None and not w.results
    assert core.policy.name == "hardened"


def test_chart_scales_and_paints(qtbot):
    chart = TrainerChart()
    qtbot.addWidget(chart)
    chart.resize(500, 300)
    chart.clear("nothing yet")
    chart.grab()
    for i in range(5):
        chart.add_point(ChartPoint(i * 10.0, i * 100, i * 90, i))
    chart.add_point(ChartPoint(5.0, 1, 1, 1))   # out of order: ignored
    assert [p.elapsed for p in chart.points()] == [0, 10, 20, 30, 40]
    image = chart.grab().toImage()
    assert image.width() == 500
    assert [nice_ceiling(v) for v in (0, 3, 7, 60, 120, 400, 1600, 2001)] == [4, 4, 8, 80, 200, 400, 2000, 4000]


def test_live_chart_draws_the_cores_typed_points(qtbot, window):
    """The live chart takes the counts the core puts on each progress step (a TimelinePoint), not
    the English sentence: every progress step carries one, and the chart drew exactly those while
    the run went (before the finished run's own timeline replaced them)."""
    drawn: list = []
    original = window.chart.add_point
    window.chart.add_point = lambda p: (drawn.append(p), original(p))[1]
    run_and_wait(qtbot, window, "credential-stuffing", ("hardened",), **SMALL_STUFFING)
    progress = [s for s in window.results["hardened"].steps if s.action == "progress"]
    assert progress and all(isinstance(s.point, ChartPoint) for s in progress)
    assert all(s.point.attempts > 0 and s.point.elapsed == s.elapsed for s in progress)
    assert drawn[0] == ChartPoint(0.0, 0, 0, 0)
    assert drawn[1:] == [s.point for s in progress]
    final = window.results["hardened"].timeline[-1]
    assert progress[-1].point.attempts == final.attempts and progress[-1].point.blocked == final.blocked


def test_the_scenario_order_is_the_cores_for_the_trainer_and_the_cli(qtbot, window, capsys):
    """One order, in the core's registry: the trainer's list and `qrpay attack list` show it."""
    import json

    from shared.cli.main import main as cli

    assert ORDER[0] == "credential-stuffing" and list(ORDER) == list(SCENARIOS)
    assert window.scenario_names() == list(ORDER)
    assert cli(["attack", "list", "--json"]) == 0
    assert [s["name"] for s in json.loads(capsys.readouterr().out)["scenarios"]] == list(ORDER)


def test_run_isolated_leaves_the_callers_database_alone(core):
    """The one isolated runner (CLI and trainer): a temporary database on a fixed clock."""
    from shared.attacks import run_isolated

    before = [r.id for r in core.audit_recent(limit=5)]
    steps: list = []
    result = run_isolated("forged-code", policy="hardened", on_step=steps.append, start=1_562_198_400)
    assert result.outcome.value == "blocked" and steps and steps[0].at == 1_562_198_400
    assert [r.id for r in core.audit_recent(limit=5)] == before and core.policy.name == "hardened"
    with pytest.raises(InputError):
        run_isolated("no-such-attack", policy="hardened")


def test_pos_app_trainer_flag_opens_the_trainer_app(tmp_path):
    """`python -m pos_app --trainer` is a pointer: a real process that opens trainer_app's window
    (in Japanese with --lang ja, so the trainer's translations load too)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QRPAY_TRAINER_SMOKE="1")
    done = subprocess.run([sys.executable, "-m", "pos_app", "--trainer", "--db", str(tmp_path / "t.sqlite3"),
                           "--lang", "ja"], cwd=Path(__file__).parents[1], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    shown = [line for line in done.stdout.splitlines() if line.startswith("trainer window shown: ")]
    assert len(shown) == 1 and not shown[0].removeprefix("trainer window shown: ").isascii()


def test_qt_binding_keeps_none_alive(qtbot):
    """The trainer repaints every second for the length of a demo. PySide6-Essentials 6.12.0 returns
    None from every void method without taking a reference to it, so on Python 3.11 each call
    drains None's reference count until the interpreter aborts ("none_dealloc: deallocating
    None") mid-demo or at exit. 6.11.3 is fine; Python 3.12+ makes None immortal."""
    import sys

    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("tick")
    lost = before - sys.getrefcount(None)
    assert lost < 50, f"each Qt call lost a reference to None ({lost} in 1000 calls): avoid PySide6 6.12.0"


def test_in_japanese_the_defence_line_is_japanese_for_every_scenario(qtbot, window):
    """The outcome's defence comes from the scenario (a code), translated; the core's English
    sentence is what English shows."""
    from pathlib import Path

    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

    from trainer_app.texts import _DEFENCES

    run_and_wait(qtbot, window, "credential-stuffing", ("hardened",), **SMALL_STUFFING)
    english = window.outcome_text("hardened")
    app = QApplication.instance()
    t = QTranslator(app)
    assert t.load(str(Path(__file__).parents[1] / "ui_common" / "i18n" / "trainer_app_ja.qm"))
    app.installTranslator(t)
    app.setProperty("qrpay_language", "ja")
    try:
        japanese = window.outcome_text("hardened")
        assert japanese != english and "TOTPによる二要素認証" in japanese
        assert set(_DEFENCES) == set(SCENARIOS)        # a scenario added later needs its line here
        from trainer_app.texts import _tr
        assert all(not _tr(text).isascii() for text in _DEFENCES.values())
    finally:
        app.removeTranslator(t)
        app.setProperty("qrpay_language", "en")


def test_in_japanese_the_steps_are_the_cores_japanese_sentences(qtbot, window):
    """The steps list follows the language (the core's steps carry English and Japanese); the start
    line is the run's title, not its sizes and defence ids."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    app.setProperty("qrpay_language", "ja")
    try:
        run_and_wait(qtbot, window, "reset-hijack", ("2019",))
        steps = [window.steps_list.item(i).text() for i in range(window.steps_list.count())]
    finally:
        app.setProperty("qrpay_language", "en")
    result = window.results["2019"]
    assert [s.split(": ", 1)[1] for s in steps if ": " in s][0] == result.steps[0].result_in("ja")
    assert "ポリシー" in steps[0] and "read_mail" not in steps[0] and "second-factor-sign-in" not in steps[0]
    assert all(step.result_in("ja") in line for step, line in zip(result.steps, steps))


# -- presenter pace --------------------------------------------------------------------------------
def test_one_step_at_a_time_waits_for_next_and_can_finish_at_full_speed(qtbot, window):
    window.select_scenario("reset-hijack")
    window.run_panel.set_pace("step")
    window.run_selected(("2019",))
    qtbot.waitUntil(window.next_button.isEnabled, timeout=RUN_TIMEOUT_MS)
    shown = window.steps_list.count()
    assert shown >= 1 and window.is_running(), "the run waits on the first step"
    assert window.steps_list.count() == shown and window.is_running()
    window.next_button.click()
    qtbot.waitUntil(lambda: window.steps_list.count() > shown and window.next_button.isEnabled(),
                    timeout=RUN_TIMEOUT_MS)
    assert window.steps_list.count() == shown + 1, "Next shows exactly one more step"
    with qtbot.waitSignal(window.run_finished, timeout=RUN_TIMEOUT_MS):
        window.run_panel.set_pace("full")     # the presenter lets the rest run
    assert "2019" in window.results and not window.next_button.isEnabled()


def test_stop_ends_a_run_waiting_for_next(qtbot, window):
    window.select_scenario("reset-hijack")
    window.run_panel.set_pace("step")
    window.run_selected(("hardened",))
    qtbot.waitUntil(window.next_button.isEnabled, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(window.run_finished, timeout=RUN_TIMEOUT_MS):
        window.stop_button.click()
    assert "Stopped" in window.status_banner.text() and not window.results


def test_delay_per_step_goes_on_by_itself_and_stop_cuts_the_wait(qtbot, window, monkeypatch):
    from trainer_app import run_panel

    waits = []
    real_gate = run_panel.ScenarioWorker._gate

    def counting_gate(self, step):
        waits.append((self._pace, self._delay))
        return real_gate(self, step)

    monkeypatch.setattr(run_panel.ScenarioWorker, "_gate", counting_gate)
    window.select_scenario("reset-hijack")
    window.run_panel.set_pace("delay", 0.2)
    with qtbot.waitSignal(window.run_finished, timeout=RUN_TIMEOUT_MS):
        window.run_selected(("hardened",))
    assert "hardened" in window.results and len(waits) >= 2
    assert all(w == ("delay", 0.2) for w in waits), "every step waited the delay, without a Next"
    window.run_panel.set_pace("delay", 30.0)
    window.run_selected(("hardened",))
    qtbot.waitUntil(lambda: window.steps_list.count() >= 1, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(window.run_finished, timeout=10_000):   # far less than the 30 s delay
        window.stop_run()
    assert not window.results


def test_alert_details_are_shown_whole(qtbot, window):
    """Last session's screenshots: the Alerts table cut Details with "…". Now one detail a line, the
    column takes the width the severity column left, and the row is as tall as its lines."""
    window.resize(1366, 768)
    run_and_wait(qtbot, window, "reset-hijack", ("2019",))
    table = window.alerts_table
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: table.isVisible(), timeout=2000)
    assert table.rowCount() >= 1 and table.isColumnHidden(1)
    fm = table.fontMetrics()
    for r in range(table.rowCount()):
        lines = table.item(r, 4).text().split("\n")
        assert len(lines) >= 2, "one detail a line"
        widest = max(fm.horizontalAdvance(line) for line in lines if " " not in line)   # unbreakable ones
        assert widest <= table.columnWidth(4), (lines, table.columnWidth(4))
        assert table.rowHeight(r) >= len(lines) * fm.lineSpacing()


def test_every_size_shown_has_a_label_of_the_trainer():
    """A size without an entry fell back to the core's English help sentence, untranslated and long
    (reset-hijack's read_mail in last session's Japanese screenshots)."""
    from trainer_app.run_panel import HIDDEN_SIZES
    from trainer_app.texts import _SIZE_LABELS

    missing = {f"{spec.name}:{o.name}" for spec in SCENARIOS.values() for o in spec.sizes
               if o.name not in HIDDEN_SIZES and o.name not in _SIZE_LABELS}
    assert not missing
