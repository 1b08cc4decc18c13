"""Every wallet screen, placed as the demo places it, shows every text whole.

For 1366×768 and 1920×1080, English and Japanese, normal and kiosk type, hardened and 2019: the
wallet is put in the launcher's tile (`ui_common.launcher.tiles`) as a phone, each screen is
shown, and `ui_common.layout_check` reports any text that does not fit, any widget pushed outside
the window, any Japanese line that starts with 。、」ょっ…; the window must stay inside its tile
(never wider: the 2019 badge once grew it to 711 px) and portrait. The Authenticator window is
checked in its own tile. The checker itself is attacked first, so these tests can fail.

One QApplication and one database for the module; the language, type scale and policy change
between cases (`make_application` reinstalls the translator and style sheet).
"""
from __future__ import annotations

import secrets

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from shared.clock import FixedClock
from shared.core import Core
from shared.totp import totp_code
from ui_common import layout_check
from ui_common.app import make_application, place_frame_in
from ui_common.launcher import tiles
from ui_common.widgets import QrWidget

SIZES = {"1366x768": (1366, 768), "1920x1080": (1920, 1080)}
T0 = 1_795_600_000.0


# -- the checker catches what it claims to --------------------------------------------------------
def _probe(qtbot, *widgets, size=(300, 400)):
    holder = QWidget()
    lay = QVBoxLayout(holder)
    for w in widgets:
        lay.addWidget(w)
    qtbot.addWidget(holder)
    holder.resize(*size)
    holder.show()
    QApplication.processEvents()
    return holder


def test_checker_reports_a_clipped_label_and_button(qtbot):
    narrow = QLabel("A label far too long for the width it was given")
    narrow.setFixedWidth(60)
    squeezed = QPushButton("A button with a long caption")
    squeezed.setFixedWidth(60)
    fine = QLabel("ok")
    holder = _probe(qtbot, narrow, squeezed, fine)
    found = {p.text for p in layout_check.check_window(holder, on_screen=False) if p.kind == "clipped"}
    assert any(t.startswith("A label far") for t in found)
    assert any(t.startswith("A button") for t in found)
    assert "ok" not in found


def test_checker_reports_wrapped_text_taller_than_its_box(qtbot):
    lab = QLabel("word " * 60)
    lab.setWordWrap(True)
    lab.setFixedSize(120, 30)
    holder = _probe(qtbot, lab)
    problems = layout_check.check_window(holder, on_screen=False)
    assert any(p.kind == "clipped" and "high" in p.detail for p in problems)


def test_checker_reports_lines_starting_with_small_kana_or_closing_punctuation():
    text = "入力してください。きょうは「晴れ」です"
    assert layout_check.kinsoku_breaks(text, ["入力してください", "。きょうは「晴れ」です"])
    assert layout_check.kinsoku_breaks(text, ["入力してください。き", "ょうは「晴れ」です"])
    assert layout_check.kinsoku_breaks(text, ["入力してください。きょうは「", "晴れ」です"])
    assert not layout_check.kinsoku_breaks(text, ["入力してください。", "きょうは「晴れ」です"])


def test_wrapped_japanese_breaks_only_between_phrases(qapp):
    """With phrase_breaks, a narrow label never splits ください or a word; lines start with words."""
    from PySide6.QtGui import QFont

    from ui_common.app import phrase_breaks, plain_text

    font = QFont()
    font.setPixelSize(20)
    text = "アカウントのメールアドレスを入力してください。再設定コードをお送りします。"
    # メールアドレスを is wider than 140 px: it is not split but overflows, which the clipped check reports
    assert max(w for _t, w in layout_check.wrapped_lines(phrase_breaks(text), font, 140)) > 140
    for width in range(180, 420, 7):
        raw = [t for t, _w in layout_check.wrapped_lines(phrase_breaks(text), font, width)]
        lines = [plain_text(t) for t in raw]
        assert "".join(lines) == text
        assert not layout_check.kinsoku_breaks(text, raw)
        for line in lines[1:]:
            assert line[0] in "アメ入再お", (width, lines)   # each line starts a phrase


def test_phrase_breaks_keep_japanese_words_whole():
    from ui_common.app import WORD_JOINER, phrase_breaks, plain_text

    text = "コードを入力してください。"
    glued = phrase_breaks(text)
    assert plain_text(glued) == text
    assert "く" + WORD_JOINER + "だ" in glued and "さ" + WORD_JOINER + "い" in glued
    assert "い" + WORD_JOINER + "。" in glued            # never a line starting with 。
    assert "を" + WORD_JOINER + "入" not in glued         # a phrase boundary may break
    assert phrase_breaks("Pay {amount}") == "Pay {amount}"  # Latin text and format fields untouched
    assert phrase_breaks("{n}文字以上") == "{n}文" + WORD_JOINER + "字" + WORD_JOINER + "以" + WORD_JOINER + "上"


def test_checker_reports_widgets_painted_over_each_other(qtbot):
    holder = QWidget()
    qtbot.addWidget(holder)
    a, b, c = QLabel("8810 5149 9637", holder), QLabel("on top", holder), QLabel("apart", holder)
    a.setGeometry(0, 0, 150, 40)
    b.setGeometry(0, 30, 150, 40)
    c.setGeometry(0, 100, 150, 40)
    holder.resize(200, 200)
    holder.show()
    QApplication.processEvents()
    found = layout_check.overlapping_widgets(holder)
    assert len(found) == 1 and found[0].kind == "overlap" and "8810" in found[0].text


def test_checker_reports_a_window_outside_the_screen(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    w.show()
    avail = w.screen().availableGeometry()
    w.setGeometry(avail.right() - 50, avail.y() + 10, 200, 100)
    QApplication.processEvents()
    assert layout_check.windows_off_screen([w])
    w.setGeometry(avail.x() + 10, avail.y() + 10, 200, 100)
    QApplication.processEvents()
    assert not layout_check.windows_off_screen([w])


# -- the wallet -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A demo database with a customer who paid twice and got a refund (history with items)."""
    from argon2 import PasswordHasher

    from shared import passwords
    from shared.demo_data import seed_demo

    mp = pytest.MonkeyPatch()
    mp.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    clock = FixedClock(T0)
    core = Core.open(tmp_path_factory.mktemp("fit") / "w.sqlite3", clock=clock)
    seed = seed_demo(core)
    hanako = seed["customers"][0]
    clock.advance(60)
    session = core.identity.sign_in(hanako["email"], hanako["password"],
                                    totp=totp_code(hanako["totp_secret"], core.now()))
    terminal = seed["terminals"][0]["id"]
    clerk = next(s for s in seed["staff"] if s["role"] == "clerk")
    boss = next(s for s in seed["staff"] if s["role"] == "supervisor")
    items = seed["items"]
    sale_ids = []
    for lines in ([(items[0]["jan"], 2), (items[1]["jan"], 1), (items[5]["jan"], 3)], [(items[2]["jan"], 1)]):
        clock.advance(120)
        code = core.codes.issue(session.token)
        sale_id = f"FIT-{secrets.token_hex(4)}"
        core.sales.pay(terminal_id=terminal, clerk_id=clerk["id"], code=code.text, lines=lines, sale_id=sale_id)
        sale_ids.append(sale_id)
    clock.advance(120)
    core.refunds.refund(sale_id=sale_ids[0], lines=[(items[1]["jan"], 1)], supervisor_id=boss["id"], pin=boss["pin"])
    clock.advance(60)
    yield {"core": core, "clock": clock, "hanako": hanako, "sale_id": sale_ids[0]}
    core.close()
    mp.undo()


def _sign_in(window, world):
    core, clock, h = world["core"], world["clock"], world["hanako"]
    clock.advance(30)
    policy = core.policy
    factor = {"totp": totp_code(h["totp_secret"], core.now())} if policy.require_totp_login else {}
    window.signed_in_as(core.identity.sign_in(h["email"], h["password"], device=window.device, **factor))


def _screens(window, world):
    """(name, how to get there) for every screen a customer or presenter sees."""
    from shared.codes import CodeState, CodeStatus
    from wallet_app.screenshot_hooks import show_sign_up_page

    core = world["core"]

    def signup(page):
        return lambda: show_sign_up_page(window, page)

    def signin_refused():
        w = window.show_signin("hanako@example.com")
        w.banner.show_state("danger", w.tr("The e-mail, password or code is wrong."))

    def signin_factor():
        w = window.show_signin("hanako@example.com")
        w._set_page(w.FACTOR)

    def signin_recovery():
        w = window.show_signin("hanako@example.com")
        if w.one_step:
            w.toggle_recovery()

    def locked():
        w = window.show_signin("hanako@example.com")
        w.wait_until, w.wait_kind = core.now() + 14 * 60 + 51, "locked"
        w._update_wait()

    def forgot_complete():
        w = window.show_forgot("hanako@example.com")
        w._set_page(w.COMPLETE)

    def pay_prompt():
        w = window.show_pay()
        w._show_prompt()

    def pay_code():
        world["clock"].advance(30)
        w = window.show_pay()
        if w.issued is None:
            w.issue({"totp": totp_code(world["hanako"]["totp_secret"], core.now())})
        assert w.issued is not None

    def paid():
        w = window.show_pay()
        w.show_paid(CodeStatus(CodeState.PAID, world["sale_id"], 12_800, "qrpay デモストア 渋谷店", None, core.now()))

    def receipt():
        window.show_history().show_receipt(world["sale_id"])

    def covered():
        pay_code()
        window.pay.set_code_visible(False)

    return [
        ("welcome", window.show_welcome, False),
        ("signup", signup(0), False),
        ("signup-authenticator", signup(1), False),
        ("signup-recovery", signup(2), False),
        ("signin", lambda: window.show_signin("hanako@example.com"), False),
        ("signin-refused", signin_refused, False),
        ("signin-factor", signin_factor, False),
        ("signin-recovery", signin_recovery, False),
        ("signin-locked", locked, False),
        ("forgot", lambda: window.show_forgot("hanako@example.com"), False),
        ("forgot-complete", forgot_complete, False),
        ("home", window.show_home, True),
        ("topup", window.show_topup, True),
        ("pay-prompt", pay_prompt, True),
        ("pay-code", pay_code, True),
        ("pay-covered", covered, True),
        ("paid", paid, True),
        ("history", window.show_history, True),
        ("receipt", receipt, True),
        ("security", window.show_security, True),
        ("mailbox", lambda: window.show_mailbox(), True),
    ]


CASES = [(size, lang, kiosk, policy) for size in SIZES for lang in ("en", "ja") for kiosk in (False, True)
         for policy in ("hardened", "2019")]


@pytest.mark.parametrize("size,lang,kiosk,policy", CASES,
                         ids=[f"{s}-{lang}-{'kiosk' if k else 'normal'}-{p}" for s, lang, k, p in CASES])
def test_every_wallet_screen_fits_its_tile(qtbot, world, monkeypatch, size, lang, kiosk, policy):
    from PySide6.QtGui import QScreen

    from wallet_app.authenticator_window import AuthenticatorWindow
    from wallet_app.main_window import WalletWindow, type_scale

    make_application([], app_name="wallet_app", lang=lang, scale=type_scale(kiosk=kiosk, placed=True),
                     phrase_wrap=True)
    core = world["core"]
    core.set_policy(policy, actor="test")
    width, height = SIZES[size]
    tile = tiles(width, height)
    slot = QRect(tile["wallet"].x, tile["wallet"].y, tile["wallet"].w, tile["wallet"].h)
    screen = QRect(0, 0, width, height)
    # the offscreen platform has one small screen; the code under test asks Qt for the laptop's
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: QRect(screen))
    window = WalletWindow(core, profile="fit")
    qtbot.addWidget(window)
    if kiosk:
        window.set_kiosk(True)
        window.exit_guard = lambda: True      # the guard itself: tests/test_kiosk.py
    try:
        window.place_in(slot)
        window.show()
        problems: list[str] = []
        signed_in = False
        for name, go, needs_session in _screens(window, world):
            if needs_session and not signed_in:
                _sign_in(window, world)
                signed_in = True
            go()
            QApplication.processEvents()
            window.setGeometry(window.geometry())  # let the layout settle at the tile's size
            QApplication.processEvents()
            geo = window.frameGeometry()
            if not slot.contains(geo) or not screen.contains(geo):
                problems.append(f"{name}: the wallet at {geo.getRect()} is not inside its tile {slot.getRect()}")
            if geo.width() >= geo.height():
                problems.append(f"{name}: the wallet is not portrait ({geo.width()}×{geo.height()})")
            problems += [f"{name}: {p}" for p in layout_check.check_window(window, on_screen=False,
                                                                           overlap_types=(QrWidget,))]
            if name == "home":  # several activity rows fit, whole, without scrolling
                recent = window.home.recent
                whole = [i for i in range(recent.count())
                         if recent.viewport().rect().contains(recent.visualItemRect(recent.item(i)))]
                if len(whole) < min(3, recent.count()):
                    problems.append(f"home: only {len(whole)} activity row(s) fit")
        auth = AuthenticatorWindow(core)
        qtbot.addWidget(auth)
        a = tile["authenticator"]
        auth_slot = QRect(a.x, a.y, a.w, a.h)
        auth.setGeometry(auth_slot)
        auth.show()
        place_frame_in(auth, auth_slot)
        QApplication.processEvents()
        if not auth_slot.contains(auth.frameGeometry()):
            problems.append(f"authenticator: {auth.frameGeometry().getRect()} is not inside its tile "
                            f"{auth_slot.getRect()}")
        if window.frameGeometry().intersects(auth.frameGeometry()):
            problems.append("the wallet covers the authenticator")
        problems += [f"authenticator: {p}" for p in layout_check.check_window(auth, on_screen=False)]
        auth.close()
        assert not problems, "\n".join(problems)
    finally:
        window.shutdown()
        window.close()
        core.set_policy("hardened", actor="test")
        make_application([], app_name="wallet_app", lang="en")


def test_checker_reports_a_row_cut_off_by_a_scroll_area_that_cannot_scroll_sideways(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHBoxLayout, QScrollArea

    inner = QWidget()
    row = QHBoxLayout(inner)
    buttons = [QPushButton(f"Action {i}") for i in range(6)]
    for b in buttons:
        row.addWidget(b)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(inner)
    holder = _probe(qtbot, area, size=(200, 200))
    found = [p for p in layout_check.check_window(holder, on_screen=False) if p.kind == "outside"]
    assert any("Action 5" in p.text for p in found)
    assert not any("Action 0" in p.text for p in found)
