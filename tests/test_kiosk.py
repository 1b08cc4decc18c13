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
