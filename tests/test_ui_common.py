"""The shared Qt pieces: badge wording per policy, QR widget hides, theme renders."""
from ui_common.widgets import Banner, PolicyBadge, QrWidget


def test_policy_badge_words(qtbot):
    b = PolicyBadge()
    qtbot.addWidget(b)
    assert "Hardened" in b.text()
    b.set_policy("2019")
    assert "2019 settings" in b.text() and "insecure" in b.text()


def test_qr_widget_can_be_hidden(qtbot):
    w = QrWidget()
    qtbot.addWidget(w)
    w.set_matrix([[True, False], [False, True]])
    w.resize(200, 200)
    w.set_hidden(True, "hidden")
    assert w.is_hidden()
    img = w.grab().toImage()
    # covered: no pure black module anywhere
    assert all(img.pixelColor(x, y).name() != "#000000" for x in range(0, 200, 10) for y in range(0, 200, 10))


def test_banner_pairs_colour_with_a_word(qtbot):
    b = Banner()
    qtbot.addWidget(b)
    b.show_state("danger", "Refused")
    assert b.text().startswith("✕")


def test_background_call_delivers_on_gui_thread(qtbot):
    import threading

    from shared.errors import InputError
    from ui_common.tasks import run_in_background, wait_for_tasks

    got, errors, threads = [], [], []
    run_in_background(lambda: threads.append(threading.current_thread()) or 42, on_success=got.append)
    run_in_background(lambda: (_ for _ in ()).throw(InputError("bad")), on_failure=errors.append)
    wait_for_tasks(qtbot)
    assert got == [42] and errors[0].code == "bad_input"
    assert threads[0] is not threading.main_thread()


def test_the_one_policy_poller_follows_another_process_and_survives_a_failed_read(qtbot, core, db_path, clock,
                                                                                 monkeypatch):
    """Every app's poller: a switch written by another connection (the trainer, `qrpay policy set`)
    arrives as `changed`; a read that fails emits `failed` and the timer keeps polling."""
    from shared.core import Core
    from shared.errors import StorageError
    from ui_common.policy_poller import PolicyPoller

    poller = PolicyPoller(core, interval_ms=20)
    seen: list[str] = []
    poller.changed.connect(lambda policy: seen.append(policy.name))
    qtbot.waitUntil(lambda: seen == ["hardened"], timeout=5000)
    other = Core.open(db_path, clock=clock)
    try:
        other.set_policy("2019")
        qtbot.waitUntil(lambda: seen == ["hardened", "2019"], timeout=5000)

        def broken(_self):
            raise StorageError("database is locked", code="db_locked")

        monkeypatch.setattr(Core, "policy", property(broken))
        with qtbot.waitSignal(poller.failed, timeout=5000) as failure:
            pass
        assert failure.args[0].code == "db_locked" and poller.is_active() and poller.policy_name == "2019"
        monkeypatch.undo()
        other.set_policy("hardened")
        qtbot.waitUntil(lambda: seen == ["hardened", "2019", "hardened"], timeout=5000)
    finally:
        poller.stop()
        other.close()


def test_every_app_window_polls_the_policy_through_the_one_poller(qtbot, core):
    """The till, the wallet and the trainer each hold a PolicyPoller and show what it reports."""
    from pos_app.main_window import PosWindow
    from trainer_app.main_window import TrainerWindow
    from ui_common.policy_poller import PolicyPoller
    from wallet_app.main_window import WalletWindow

    till, wallet, trainer = PosWindow(core, camera="99"), WalletWindow(core), TrainerWindow(core)
    for w in (till, wallet, trainer):
        qtbot.addWidget(w)
    pollers = (till.policy_poller, wallet.policy_poller, trainer.bar.policy_poller)
    assert all(isinstance(p, PolicyPoller) for p in pollers)
    core.set_policy("2019")
    for p in pollers:
        p.poll()
    assert till.badge.policy_name == wallet.badge.policy_name == trainer.bar.badge.policy_name == "2019"
    assert till.policy_banner.isVisibleTo(till) and trainer.insecure_banner.isVisibleTo(trainer)
    for w in (till, wallet, trainer):
        w.shutdown()
