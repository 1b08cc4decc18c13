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
