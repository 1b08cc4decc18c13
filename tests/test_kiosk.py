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
    from ui_common.supervisor_pin import Approval
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


def test_the_kiosk_exit_guard_speaks_japanese_under_its_own_classes(qtbot, core, monkeypatch):
    """The one exit guard's texts go through self.tr of its own classes (KioskExitGuard,
    LeaveKioskButton, SupervisorPinDialog, all in ui_common), the shipped ui_common catalogue has
    them finished, and with it installed the dialog a supervisor sees is Japanese."""
    import xml.etree.ElementTree as ET
    from pathlib import Path

    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

    from ui_common.kiosk import KioskExitGuard, LeaveKioskButton
    from ui_common.supervisor_pin import SupervisorPinDialog

    i18n = Path(__file__).parents[1] / "ui_common" / "i18n"
    ts = ET.parse(i18n / "ui_common_ja.ts")
    found = {(c.findtext("name"), m.findtext("source")): (m.findtext("translation"), m.find("translation").get("type"))
             for c in ts.getroot().iter("context") for m in c.iter("message")}
    for key in [("KioskExitGuard", "Leave kiosk mode"), ("LeaveKioskButton", "Leave kiosk"),
                ("SupervisorPinDialog", "Supervisor approval"), ("SupervisorPinDialog", "Supervisor number"),
                ("SupervisorPinDialog", "Approve")]:
        text, kind = found.get(key, (None, "missing"))
        assert text and kind not in ("unfinished", "vanished", "obsolete") and not text.isascii(), key
    app = QApplication.instance()
    t = QTranslator(app)
    assert t.load(str(i18n / "ui_common_ja.qm"))
    app.installTranslator(t)
    seen: list[tuple[str, list[str]]] = []

    def exec_(dlg):
        seen.append((dlg.windowTitle(), [w.text() for w in dlg.findChildren(QLabel)]))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(SupervisorPinDialog, "exec", exec_)
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        button = LeaveKioskButton(parent.close)
        qtbot.addWidget(button)
        assert button.text() == "◆ " + found[("LeaveKioskButton", "Leave kiosk")][0]
        assert KioskExitGuard(parent, core)() is False          # Cancel: the kiosk stays
    finally:
        app.removeTranslator(t)
    title, labels = seen[0]
    assert title == found[("SupervisorPinDialog", "Supervisor approval")][0]
    assert found[("KioskExitGuard", "Leave kiosk mode")][0] in labels
    assert found[("SupervisorPinDialog", "Supervisor number")][0] in labels


# -- the demo's presenter conveniences ----------------------------------------------------------------
def test_presenter_menu_shows_the_demo_accounts_and_asks_the_launcher(qtbot, tmp_path, monkeypatch):
    """Started by the launcher: the ☰ menu shows the saved accounts (PINs and passwords), asks the
    launcher to bring back a closed wallet, and resets the demo after a confirmation."""
    from pos_app.demo_accounts import DemoAccountsDialog
    from pos_app.main_window import PosWindow
    from shared.core import Core
    from shared.demo_data import seed_demo

    db = tmp_path / "demo.sqlite3"
    core = Core.open(db)
    demo = seed_demo(core)
    requests: list[str] = []

    class Link:
        active = True

        def request(self, word):
            requests.append(word)
            return True

    answers = [False, True]
    w = PosWindow(core, camera="99", confirm=lambda *_: answers.pop(0))
    qtbot.addWidget(w)
    w.set_demo_link(Link(), db_path=str(db))
    w.show()
    assert w.presenter_button.isVisible()
    shown = []
    monkeypatch.setattr(DemoAccountsDialog, "exec", lambda self: shown.append(self))
    w.accounts_action.trigger()
    table = shown[0].staff
    cells = {table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())}
    assert {s["pin"] for s in demo["staff"]} <= cells
    customers = shown[0].customers
    assert {customers.item(r, 1).text() for r in range(customers.rowCount())} == {c["password"] for c in demo["customers"]}
    w.reopen_action.trigger()
    w.reset_action.trigger()          # "no" to the confirmation: nothing asked
    w.reset_action.trigger()
    assert requests == ["show", "reset"]
    w.close()
    core.close()
    alone = PosWindow(Core.open(tmp_path / "other.sqlite3"), camera="99")
    qtbot.addWidget(alone)
    alone.set_demo_link(None, db_path=str(tmp_path / "other.sqlite3"))
    alone.show()
    assert not alone.presenter_button.isVisible()      # not a demo: no presenter menu
    alone.close()
    alone.core.close()


def test_the_launcher_reopens_a_closed_wallet_and_resets_the_demo(tmp_path, monkeypatch):
    """What the till's menu asks for: "show" restarts a wallet or authenticator that ended (and
    nothing else); "reset" stops everything, seeds a fresh database and starts all three again."""
    import argparse

    from shared.cli.demo_cmds import prepare
    from shared.demo_data import load_credentials
    from ui_common import launcher

    db = tmp_path / "demo.sqlite3"
    prepare(db, reset=False, policy=None)
    old = load_credentials(db)
    monkeypatch.setattr(launcher, "screen_size", lambda full=False: (0, 0, 1366, 768))
    args = argparse.Namespace(db=str(db), lang=None, kiosk=False, camera=None, autoplay=False, once=False,
                              timeout=180.0)
    app = launcher.Launcher(args)

    class Proc:
        def __init__(self, name, alive=True):
            self.name, self.alive, self.signals = name, alive, []

        def poll(self):
            return None if self.alive else 0

        def send_signal(self, sig):
            self.signals.append(sig)
            self.alive = False

        def wait(self, timeout=None):
            return 0

    started: list[str] = []

    def start(name):
        started.append(name)
        app.procs[name] = Proc(name)

    monkeypatch.setattr(app, "start", start)
    app.procs = {"pos": Proc("pos"), "wallet": Proc("wallet", alive=False), "authenticator": Proc("authenticator")}
    app.handle_request()                      # no request file: "show"
    assert started == ["wallet"]
    assert (tmp_path / "demo.sqlite3.demo.children").read_text() == "show"
    started.clear()
    app.request_file.write_text("reset", encoding="utf-8")
    app.handle_request()
    assert started == ["pos", "wallet", "authenticator"]
    new = load_credentials(db)
    assert new is not None and new["customers"][0]["password"] != old["customers"][0]["password"]


def _typed_dialog(monkeypatch, dialog_class, fields, answers):
    """Replace `dialog_class.exec` with a person typing each answer in turn: (staff, pin) and OK,
    or None for Cancel. Nothing else of the dialog (its validation, the core's check) is faked."""
    from PySide6.QtWidgets import QDialog

    def exec_(dlg):
        answer = answers.pop(0)
        if answer is None:
            return QDialog.DialogCode.Rejected
        staff, pin = answer
        getattr(dlg, fields[0]).setText(staff)
        getattr(dlg, fields[1]).setText(pin)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialog_class, "exec", exec_)


def _wrong(pin: str) -> str:
    return "000000" if pin != "000000" else "111111"


def test_wallet_kiosk_guard_leaves_only_with_a_supervisors_right_pin(qtbot, core, monkeypatch):
    """The wallet's guard (the one ui_common.kiosk.KioskExitGuard through the real
    SupervisorPinDialog): a wrong PIN, a clerk's right PIN, a non-number, Cancel keep the kiosk and
    a refusal is said on the screen; the supervisor's right PIN leaves."""
    from shared.demo_data import seed_demo
    from ui_common.kiosk import KioskExitGuard
    from ui_common.supervisor_pin import SupervisorPinDialog
    from wallet_app.main_window import WalletWindow

    demo = seed_demo(core)
    clerk = next(s for s in demo["staff"] if s["role"] == "clerk")
    sup = next(s for s in demo["staff"] if s["role"] == "supervisor")
    answers = [(str(sup["id"]), _wrong(sup["pin"])), (str(clerk["id"]), clerk["pin"]), ("boss", sup["pin"]),
               None, (str(sup["id"]), sup["pin"])]
    _typed_dialog(monkeypatch, SupervisorPinDialog, ("staff_edit", "pin_edit"), answers)
    window = WalletWindow(core)
    qtbot.addWidget(window)
    window.set_kiosk(True)
    assert isinstance(window.exit_guard, KioskExitGuard)
    window.show()
    assert window.leave_button.isVisible()
    for left in (4, 3, 2, 1):
        window.leave_button.click()
        assert window.isVisible() and len(answers) == left
        if left == 4:       # the wrong PIN: the screen says so (the core's refusal, in the app's words)
            assert window.current_screen().banner.isVisible()
    window.leave_button.click()
    assert not window.isVisible() and not answers
    window.shutdown()


def test_till_kiosk_guard_with_the_real_pin_dialog(qtbot, core, monkeypatch):
    """The till's guard (the same KioskExitGuard) through the real SupervisorPinDialog (no `ask`
    injected): a wrong PIN shows a message and keeps the kiosk; the supervisor's right PIN closes it."""
    from pos_app.main_window import PosWindow
    from ui_common.kiosk import KioskExitGuard
    from ui_common.supervisor_pin import SupervisorPinDialog
    from shared.demo_data import seed_demo

    demo = seed_demo(core)
    sup = next(s for s in demo["staff"] if s["role"] == "supervisor")
    answers = [(str(sup["id"]), _wrong(sup["pin"])), None, (str(sup["id"]), sup["pin"])]
    _typed_dialog(monkeypatch, SupervisorPinDialog, ("staff_edit", "pin_edit"), answers)
    window = PosWindow(core, camera="99")
    qtbot.addWidget(window)
    window.set_kiosk(True)
    assert isinstance(window.exit_guard, KioskExitGuard)
    window.show()
    window.leave_kiosk_button.click()
    assert window.isVisible() and len(answers) == 2 and window.cart.message.text()
    window.leave_kiosk_button.click()
    assert window.isVisible() and len(answers) == 1
    window.leave_kiosk_button.click()
    assert not window.isVisible() and not answers
