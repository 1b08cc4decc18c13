"""Everything fits on the till and the trainer: every visible label, button and placeholder of
every screen, at the demo's till tile and full screen on 1366×768 and 1920×1080, in English and
Japanese, normal and kiosk (larger type), under both policies (ui_common.layout_check).

Offscreen, so fonts are the machine's own; the screenshots under Xvfb (README) are the eyes'
check, this is the one that runs on every change."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

from pos_app.main_window import PosWindow
from ui_common.supervisor_pin import Approval
from shared import totp
from shared.demo_data import seed_demo
from ui_common import theme
from ui_common.kiosk import KIOSK_SCALE
from ui_common.launcher import tiles
from ui_common.layout_check import clipped_texts, windows_overlapping
from ui_common.tasks import wait_for_tasks

I18N = Path(__file__).resolve().parents[1] / "ui_common" / "i18n"
SCREENS = ((1366, 768), (1920, 1080))


def sizes() -> list[tuple[str, int, int]]:
    """The till's tile in the demo and the whole screen, for each screen size."""
    out = []
    for w, h in SCREENS:
        tile = tiles(w, h)["pos"]
        out += [(f"tile {w}x{h}", tile.w, tile.h), (f"full {w}x{h}", w, h)]
    return out


@pytest.fixture
def look(qtbot):
    """Switch language and type size the way make_application does, and back afterwards."""
    app = QApplication.instance()
    font, sheet, installed = app.font(), app.styleSheet(), []

    def apply(lang: str, scale: float) -> None:
        app.setProperty("qrpay_language", lang)
        if lang == "ja":
            for base in ("pos_app", "ui_common", "trainer_app"):
                t = QTranslator(app)
                assert t.load(str(I18N / f"{base}_ja.qm"))
                app.installTranslator(t)
                installed.append(t)
        f = app.font()
        f.setPointSizeF(theme.BODY_PT * scale)
        app.setFont(f)
        app.setStyleSheet(theme.stylesheet(scale))

    yield apply
    for t in installed:
        app.removeTranslator(t)
    app.setProperty("qrpay_language", "en")
    app.setFont(font)
    app.setStyleSheet(sheet)


def _check(window, where: str, problems: list) -> None:
    for _ in range(3):   # a label that re-wraps at its new width asks for a second layout pass
        QApplication.processEvents()
    problems += [f"{where}: {p}" for p in clipped_texts(window)]


@pytest.mark.parametrize("policy", ["hardened", "2019"])
@pytest.mark.parametrize("kiosk", [False, True], ids=["normal", "kiosk"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_till_screen_fits(qtbot, core, look, tmp_path, lang, kiosk, policy):
    look(lang, KIOSK_SCALE if kiosk else 1.0)
    demo = seed_demo(core)
    core.set_policy(policy, actor="test")
    clerk = next(s for s in demo["staff"] if s["role"] == "clerk")
    sup = next(s for s in demo["staff"] if s["role"] == "supervisor")
    w = PosWindow(core, camera="99", lang=lang, documents_dir=tmp_path, poll_ms=60_000,
                  ask=lambda *a, **k: Approval(sup["id"], sup["pin"], ""), confirm=lambda *_: True)
    qtbot.addWidget(w)
    w.set_kiosk(kiosk)
    w.show()
    problems: list[str] = []
    # a sale on the books so the journal, receipt and refund screens have content
    c = demo["customers"][0]
    session = core.identity.sign_in(c["email"], c["password"], totp=totp.totp_code(c["totp_secret"], core.now()))
    items = core.catalog.items()
    longest = max(items, key=lambda i: len(i.name_en))
    sale = core.sales.pay(terminal_id="T1", clerk_id=clerk["id"], code=core.codes.issue(session.token).text,
                          lines=[(longest.jan, 1), (items[3].jan, 2)], sale_id="a" * 32)
    for name, width, height in sizes():
        w.resize(width, height)
        w.sign_out()
        _check(w, f"{name} sign-in", problems)
        w.signin.staff_edit.setText(str(clerk["id"]))
        w.signin.pin_edit.setText(clerk["pin"])
        w.signin.submit()
        qtbot.waitUntil(lambda: w.shift is not None, timeout=20_000)
        for item in items[:6] + [longest]:
            w.add_item(item.jan)
        _check(w, f"{name} till", problems)
        w.start_payment()
        qtbot.waitUntil(lambda: w.scanner.retry_button.isVisible(), timeout=20_000)   # no camera 99
        w.scanner.show_manual_entry()
        _check(w, f"{name} scanner", problems)
        w.scanner.stop_scanning()
        w.result.show_approved(core.sales.receipt(sale.id))
        w.pages.setCurrentWidget(w.result)
        _check(w, f"{name} approved", problems)
        from pos_app.messages import clerk_message
        from shared.errors import CodeRefused
        w.result.show_refused(clerk_message(CodeRefused("x", code="replayed")))
        _check(w, f"{name} refused", problems)
        w.cart.clear()
        w._supervisor_in(core.staff.require_supervisor(sup["id"], sup["pin"]))
        area = w.supervisor
        area.refunds.load(sale.receipt_no)
        for tab in (area.refunds, area.journal, area.reports, area.alerts):
            area.tabs.setCurrentWidget(tab)
            if tab is area.reports:
                area.reports.show_x()
            if tab is area.journal:
                area.journal.day.setText(sale.business_date)
                area.journal.refresh()
                area.journal.table.selectRow(0)
            _check(w, f"{name} supervisor/{type(tab).__name__}", problems)
        w.show_till()
    w.close()
    wait_for_tasks(qtbot)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("policy", ["hardened", "2019"])
@pytest.mark.parametrize("kiosk", [False, True], ids=["normal", "kiosk"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_trainer_tab_fits(qtbot, core, look, tmp_path, lang, kiosk, policy):
    from trainer_app.main_window import TrainerWindow

    look(lang, KIOSK_SCALE if kiosk else 1.0)
    core.set_policy(policy, actor="test")
    t = TrainerWindow(core, documents_dir=tmp_path)
    qtbot.addWidget(t)
    t.show()
    problems: list[str] = []
    for width, height in SCREENS:
        t.resize(width, height)
        for name in t.scenario_names():
            t.select_scenario(name)
            for i in range(t.tabs.count()):
                t.tabs.setCurrentIndex(i)
                _check(t, f"{width}x{height} {name} tab {i}", problems)
    t.close()
    assert not problems, "\n".join(problems[:40])


def test_the_demo_tiles_do_not_overlap(qtbot):
    from PySide6.QtWidgets import QWidget

    for w, h in SCREENS:
        windows = []
        for name, tile in tiles(w, h).items():
            win = QWidget()
            win.setWindowTitle(name)
            qtbot.addWidget(win)
            win.setGeometry(tile.x, tile.y, tile.w, tile.h)
            windows.append(win)
        assert not windows_overlapping(windows)


@pytest.mark.parametrize("kiosk", [False, True], ids=["normal", "kiosk"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_defence_switches_and_score_board_fit(qtbot, core, look, tmp_path, lang, kiosk):
    """The trainer's Defences page (a custom set, a source open) and the score board (a solve, both
    hints open) at both screen sizes: nothing clipped, nothing untranslated left in Japanese."""
    from shared import defences
    from trainer_app.main_window import TrainerWindow
    from trainer_app.score_board_window import ScoreBoardWindow

    look(lang, KIOSK_SCALE if kiosk else 1.0)
    demo = seed_demo(core)
    core.set_policy("2019", actor="test")
    c = demo["customers"][0]
    core.identity.sign_in(c["email"], c["password"], device="trainee-laptop")   # stuffing-takeover solved
    core.set_policy(defences.policy_with_off({"reset-to-address-of-record", "code-lifetime"}), actor="test")
    t = TrainerWindow(core, documents_dir=tmp_path)
    qtbot.addWidget(t)
    t.show()
    t.show_defences()
    t.defence_panel.show_source("reset-to-address-of-record")
    board = ScoreBoardWindow(core, poll_ms=0)
    qtbot.addWidget(board)
    board.show()
    wait_for_tasks(qtbot)                       # the first poll (off the GUI thread): the solve shows
    for cid in ("stuffing-takeover", "reset-hijack", "external-id-takeover"):
        board.card(cid).open_hint(1)
        board.card(cid).open_hint(2)
    problems: list[str] = []
    for width, height in SCREENS:
        t.resize(width, height)
        board.resize(min(width, 1100), height - 40)
        for name, row in t.defence_panel.rows.items():
            t.defence_panel.scroll_to(name)
            _check(t, f"{width}x{height} defences/{name}", problems)
        for cid, card in board.cards.items():
            board.scroll.ensureWidgetVisible(card)
            _check(board, f"{width}x{height} score board/{cid}", problems)
    if lang == "ja":
        assert "オフ" in t.page_buttons["defences"].text() and "スコアボード" in board.windowTitle()
        assert board.card("reset-hijack").hint_buttons[1].text().endswith("ヒント")
    t.close()
    board.close()
    assert not problems, "\n".join(problems[:40])
