"""Kiosk mode: idle reset discards the till's cart; leaving needs a supervisor; the demo tiles fit."""
import pytest

from ui_common.kiosk import IdleWatcher
from ui_common.launcher import tiles


def test_idle_watcher_fires_once_and_rearms_on_input(qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget

    w = QWidget()
    qtbot.addWidget(w)
    watcher = IdleWatcher(minutes=0.001)  # 60 ms
    with qtbot.waitSignal(watcher.idle, timeout=2000):
        pass
    # input re-arms the timer: it fires again later
    QApplication.sendEvent(w, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier))
    with qtbot.waitSignal(watcher.idle, timeout=2000):
        pass


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_demo_tiles_fit_the_screen_without_overlap(size):
    w, h = size
    t = tiles(w, h)
    for tile in t.values():
        assert tile.x >= 0 and tile.y >= 0 and tile.x + tile.w <= w and tile.y + tile.h <= h
    assert t["pos"].x + t["pos"].w <= t["wallet"].x
    assert t["wallet"].y + t["wallet"].h <= t["authenticator"].y
    assert t["pos"].w >= 700 and t["wallet"].h >= 500


def test_idle_reset_discards_the_till_cart(qtbot, core):
    from pos_app.main_window import PosWindow
    from shared.demo_data import seed_demo

    demo = seed_demo(core)
    window = PosWindow(core, camera="99")
    qtbot.addWidget(window)
    clerk = demo["staff"][0]
    window.signin.staff_edit.setText(str(clerk["id"]))
    window.signin.pin_edit.setText(clerk["pin"])
    window.signin.submit()
    qtbot.waitUntil(lambda: window.shift is not None, timeout=10_000)
    window.add_item(demo["items"][0]["jan"])
    assert window.cart.lines
    watcher = IdleWatcher(minutes=60, parent=window)
    watcher.idle.connect(window.reset_for_next_customer)
    watcher.trigger_now()
    assert window.cart.lines == []


def test_kiosk_close_needs_the_guard(qtbot, core):
    from pos_app.main_window import PosWindow

    window = PosWindow(core, camera="99")
    qtbot.addWidget(window)
    window.show()
    answers = [False, True]
    window.exit_guard = lambda: answers.pop(0)
    window.close()
    assert window.isVisible()
    window.close()
    assert not window.isVisible()


def test_wallet_idle_reset_returns_to_welcome(qtbot, core):
    from wallet_app.main_window import WalletWindow

    window = WalletWindow(core)
    qtbot.addWidget(window)
    window.show_signup()
    watcher = IdleWatcher(minutes=60, parent=window)
    watcher.idle.connect(window.reset_for_next_customer)
    watcher.trigger_now()
    assert window.stack.currentWidget() is window.welcome
    window.shutdown()


def test_kiosk_till_has_a_visible_way_out_that_needs_a_supervisor_pin(qtbot, core):
    """The "Leave kiosk" button is on screen in kiosk mode; it closes the till only with a
    supervisor's correct PIN (a clerk's PIN or a wrong one keeps the kiosk running)."""
    from pos_app.main_window import PosWindow
    from pos_app.supervisor_pin import Approval
    from shared.demo_data import seed_demo

    demo = seed_demo(core)
    clerk = next(s for s in demo["staff"] if s["role"] == "clerk")
    sup = next(s for s in demo["staff"] if s["role"] == "supervisor")
    answers = [Approval(sup["id"], "000000" if sup["pin"] != "000000" else "111111", ""),
               Approval(clerk["id"], clerk["pin"], ""), None, Approval(sup["id"], sup["pin"], "")]
    window = PosWindow(core, camera="99", ask=lambda *a, **k: answers.pop(0))
    qtbot.addWidget(window)
    window.set_kiosk(True)
    window.show()
    assert window.leave_kiosk_button.isVisible()
    for _ in range(3):
        window.leave_kiosk_button.click()
        assert window.isVisible()
    window.leave_kiosk_button.click()
    assert not window.isVisible() and not answers
    plain = PosWindow(core, camera="99")
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.leave_kiosk_button.isVisible()
    plain.close()
    assert not plain.isVisible()


def test_leave_kiosk_dialog_texts_are_translated_under_its_own_class(qtbot):
    """The guard's texts go through self.tr of LeaveKioskDialog (not a QDialog instance's tr,
    which lupdate files under another context), and the shipped translation has them."""
    import xml.etree.ElementTree as ET
    from pathlib import Path

    from ui_common.kiosk import LeaveKioskDialog

    ts = ET.parse(Path(__file__).parents[1] / "ui_common" / "i18n" / "ui_common_ja.ts")
    ctx = next((c for c in ts.getroot().iter("context") if c.findtext("name") == "LeaveKioskDialog"), None)
    assert ctx is not None
    found = {m.findtext("source"): m.findtext("translation") for m in ctx.iter("message")}
    for text in ("Leave kiosk mode", "Supervisor ID", "PIN"):
        assert found.get(text), text
    dlg = LeaveKioskDialog()
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Leave kiosk mode"
