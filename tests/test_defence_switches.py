"""The trainer's defence switches: every named defence shown once, grouped, with its words in the
UI language and the source of the functions that enforce it; a switch writes the database's
policy (seen by the other apps' pollers), the presets still work, and a change made elsewhere
reaches the switches. Offscreen; waits with qtbot.waitUntil, never sleeps."""
from __future__ import annotations

import pytest

from shared import defences
from shared.audit_events import AuditEvent
from shared.core import Core
from trainer_app.defence_groups import GROUPS, grouped
from trainer_app.defence_switches_panel import source_of
from trainer_app.main_window import TrainerWindow
from ui_common.policy_poller import PolicyPoller


@pytest.fixture
def window(qtbot, core, tmp_path):
    w = TrainerWindow(core, documents_dir=tmp_path / "docs", tick_ms=50)
    qtbot.addWidget(w)
    w.show()
    w.show_defences()
    return w


def test_every_defence_is_in_exactly_one_group():
    listed = [n for _, _, names in GROUPS for n in names]
    assert sorted(listed) == sorted(defences.NAMES), "a defence is missing from the groups or listed twice"
    shown = [d.name for _, _, members in grouped() for d in members]
    assert sorted(shown) == sorted(defences.NAMES) and len(shown) == len(set(shown))


def test_panel_shows_every_defence_with_its_words_and_standard(window):
    panel = window.defence_panel
    assert set(panel.rows) == set(defences.NAMES)
    for name, row in panel.rows.items():
        d = defences.DEFENCES[name]
        assert row.title.text() == d.title.en and row.stops.text() == d.stops.en
        assert d.guideline in row.standard.text()
        assert row.is_on(), "hardened: every switch on"
        assert "On" in row.state.text()
    assert "22" in panel.summary.text() or str(len(defences.NAMES)) in panel.summary.text()


def test_switching_one_defence_writes_the_policy_and_the_banner_says_custom(window, core, db_path, qtbot):
    other_app = Core.open(db_path)             # the wallet's or till's own connection
    poller = PolicyPoller(other_app, interval_ms=0)
    seen = []
    poller.changed.connect(seen.append)
    poller.poll()
    row = window.defence_panel.rows["reset-to-address-of-record"]
    row.switch.click()                         # the presenter switches it off
    assert defences.off_set(core.policy) == {"reset-to-address-of-record"}
    assert window.badge.text().endswith("Custom: 1 defences off")
    assert not any(b.isChecked() for b in window.policy_buttons.values()), "a custom set is neither preset"
    assert "Off" in row.state.text() and "1 of" in window.defence_panel.summary.text()
    assert window.page_buttons["defences"].text() == "Defences (1 off)"
    assert any(r.event is AuditEvent.POLICY_CHANGED for r in core.audit_recent(limit=3))
    poller.poll()
    assert defences.off_set(seen[-1]) == {"reset-to-address-of-record"}, "another app sees the switch"
    row.title.clicked.emit()                   # back on (a click on its name): the hardened preset again
    assert core.policy.name == "hardened" and window.badge.text().endswith("Hardened")
    assert window.policy_buttons["hardened"].isChecked()
    other_app.close()


def test_presets_move_every_switch(window, core):
    window.policy_buttons["2019"].click()
    assert core.policy.name == "2019"
    assert not any(r.is_on() for r in window.defence_panel.rows.values())
    window.policy_buttons["hardened"].click()
    assert all(r.is_on() for r in window.defence_panel.rows.values())


def test_a_switch_made_elsewhere_reaches_the_switches(window, db_path, qtbot):
    other = Core.open(db_path)
    other.set_defence("code-lifetime", False, actor="cli")   # as `qrpay policy defence code-lifetime off`
    row = window.defence_panel.rows["code-lifetime"]
    qtbot.waitUntil(lambda: not row.is_on(), timeout=3000)
    assert window.badge.text().endswith("Custom: 1 defences off")
    assert all(r.is_on() for n, r in window.defence_panel.rows.items() if n != "code-lifetime")
    other.close()


def test_view_source_shows_the_enforcing_functions(window):
    panel = window.defence_panel
    panel.rows["reset-to-address-of-record"].source_button.click()
    assert panel.shown_source == "reset-to-address-of-record"
    text = panel.source_view.toPlainText()
    assert "def request_reset" in text and "reset_honours_send_to" in text
    assert "shared/password_reset.py" in panel.source_where.text()


def test_every_where_has_readable_source():
    for d in defences.DEFENCES.values():
        for where in d.where:
            s = source_of(where)
            assert s.first_line > 0 and s.text.lstrip().startswith(("def ", "async def ", "@")), where
            assert s.path.startswith("shared/"), s.path
    assert source_of("shared.nowhere:f").text.startswith("# source not available")


def test_japanese_words_in_japanese(qtbot, core, tmp_path):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    app.setProperty("qrpay_language", "ja")
    try:
        w = TrainerWindow(core, documents_dir=tmp_path)
        qtbot.addWidget(w)
        row = w.defence_panel.rows["second-factor-sign-in"]
        assert row.title.text() == defences.DEFENCES["second-factor-sign-in"].title.ja
        assert row.stops.text() == defences.DEFENCES["second-factor-sign-in"].stops.ja
    finally:
        app.setProperty("qrpay_language", "en")
