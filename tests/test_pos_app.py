"""The till end to end (pytest-qt, offscreen): a real code, rendered and warped into webcam-like
frames in a video file, read through `open_source` / `cv2.VideoCapture` by the scan worker's
thread, verified and redeemed by the core; refusals in plain words; keyed entry; the keyboard
wedge; refunds; the Z report; the worker thread stopping cleanly.

Over 500 lines on purpose: every test drives the same till window through the same fixtures (the
seeded shop, the signed-in clerk, the scripted frame sources of `Sources`), end to end as a clerk
would; the screens' own logic is tested beside them (test_pos_scan_worker.py, test_kiosk.py,
test_pos_layout_fit.py, test_pos_translations.py)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QThread, Qt

from pos_app.main_window import PosWindow
from ui_common.supervisor_pin import Approval
from shared import ledger, totp
from shared.audit_events import AuditEvent
from shared.demo_data import seed_demo
from shared.reports import ReportKind
from shared.scanning import decoder_named, open_source
from shared.scanning.synth import empty_frame, qr_image, webcam_clip, write_video
from ui_common.tasks import wait_for_tasks

WAIT_MS = 20_000


@pytest.fixture
def seeded(core):
    return seed_demo(core)


@pytest.fixture
def staff(seeded):
    clerk = next(s for s in seeded["staff"] if s["role"] == "clerk")
    sup = next(s for s in seeded["staff"] if s["role"] == "supervisor")
    return clerk, sup


def issue_code(core, seeded, n: int = 0):
    c = seeded["customers"][n]
    session = core.identity.sign_in(c["email"], c["password"], totp=totp.totp_code(c["totp_secret"], core.now()))
    return core.codes.issue(session.token), c


def code_video(path, text: str, *, frames: int = 10, seed: int = 1):
    """The code as the wallet shows it, seen by a webcam: tilted, defocused, noisy."""
    clip = webcam_clip(qr_image(text, box=8), frames, seed=seed, scale=0.55, perspective=0.06, blur=1.2,
                       noise=5.0, angle=8.0)
    return write_video([empty_frame(seed=seed)] * 2 + clip, path, fourcc="FFV1", fps=15)


class ListSource:
    """A FrameSource from a list of frames; `is_live` with `lose_after` simulates a camera that is
    unplugged mid-scan (it starts returning None and reports `failed`)."""

    description = "test camera"

    def __init__(self, frames, *, is_live: bool = True, lose_after: int | None = None) -> None:
        self._frames = list(frames)
        self.is_live = is_live
        self._lose_after = lose_after
        self.reads = 0
        self.released = False

    @property
    def ended(self) -> bool:
        return not self.is_live and self.reads >= len(self._frames)

    @property
    def failed(self) -> bool:
        return self.is_live and self._lose_after is not None and self.reads >= self._lose_after

    def read(self):
        if self.failed or self.ended or self.released:
            return None
        frame = self._frames[self.reads % len(self._frames)]
        self.reads += 1
        return frame

    def release(self) -> None:
        self.released = True


class Sources:
    """What the scanner opens next; the test swaps it between payments."""

    def __init__(self) -> None:
        self.factory = None
        self.opened: list[object] = []

    def __call__(self):
        src = self.factory()
        self.opened.append(src)
        return src


@pytest.fixture
def sources():
    return Sources()


@pytest.fixture
def window(qtbot, core, seeded, staff, sources, tmp_path):
    sup = staff[1]
    w = PosWindow(core, terminal_id="T1", source_factory=sources, decoder=decoder_named("cascade"), camera="test",
                  lang="en", documents_dir=tmp_path / "docs", ask=lambda *a, **k: Approval(sup["id"], sup["pin"], "test"),
                  confirm=lambda *_: True, poll_ms=200)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    yield w
    w.close()
    wait_for_tasks(qtbot)


def sign_in(qtbot, w, clerk) -> None:
    w.signin.staff_edit.setText(str(clerk["id"]))
    w.signin.pin_edit.setText(clerk["pin"])
    w.signin.float_edit.setText("¥20,000")
    qtbot.mouseClick(w.signin.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.shift is not None, timeout=WAIT_MS)
    assert w.pages.currentWidget() is w.till


def ring_up(w, seeded) -> int:
    items = seeded["items"]
    reduced = next(i for i in items if i["tax_rate"] == 8)
    standard = next(i for i in items if i["tax_rate"] == 10)
    assert w.add_item(reduced["jan"]) and w.add_item(standard["jan"]) and w.add_item(reduced["jan"])
    return 2 * reduced["price"] + standard["price"]


def pay_and_wait(qtbot, w) -> str:
    qtbot.mouseClick(w.cart.pay_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.scanner
    qtbot.waitUntil(lambda: w.result.kind in ("approved", "refused"), timeout=WAIT_MS)
    return w.result.kind


def no_scan_thread_running(w) -> bool:
    return not any(t.isRunning() for t in w.findChildren(QThread)) and not w.scanner.scanning


def test_scan_from_video_records_the_sale_and_the_same_frames_again_are_refused(qtbot, core, seeded, staff, window,
                                                                                 sources, tmp_path):
    w = window
    sign_in(qtbot, w, staff[0])
    assert w.shift.cash_float == 20_000
    issued, customer = issue_code(core, seeded)
    video = code_video(tmp_path / "code.avi", issued.text)
    sources.factory = lambda: open_source(str(video))
    before = core.wallet.balance(customer["customer_id"])
    total = ring_up(w, seeded)
    assert "※" in w.cart.tax_label.text() and w.cart.pay_button.text().endswith(f"¥{total:,}")

    assert pay_and_wait(qtbot, w) == "approved"
    assert w.result.headline.text() == f"Approved ¥{total:,}"
    receipt = w.last_receipt
    assert receipt.total == total and receipt.registration_no.startswith("T")
    assert core.wallet.balance(customer["customer_id"]) == before - total
    html = w.result.receipt.current_html
    assert receipt.receipt_no in html and "※" in html and "8%" in html and "10%" in html
    assert w.cart.lines == [] and w.sale_id is None
    qtbot.waitUntil(lambda: no_scan_thread_running(w), timeout=WAIT_MS)
    assert sources.opened[-1].ended or getattr(sources.opened[-1], "_cap", None) is None  # released

    pdf = w.save_receipt_pdf()
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")

    # The same frames again, for a new sale: the core says "replayed", the clerk reads "Already used".
    qtbot.mouseClick(w.result.primary, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.till
    ring_up(w, seeded)
    assert pay_and_wait(qtbot, w) == "refused"
    assert w.result.headline.text() == "Already used"
    assert "refresh the code" in w.result.next_step.text()
    assert core.wallet.balance(customer["customer_id"]) == before - total
    assert any(a.event is AuditEvent.CODE_REPLAYED for a in core.alerts())
    # One button back to the scanner; the cart and its sale id are kept for the next code.
    sale_id = w.sale_id
    qtbot.mouseClick(w.result.primary, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.scanner and w.sale_id == sale_id
    w.close()
    assert no_scan_thread_running(w)


def test_expired_code_is_refused_in_plain_words(qtbot, core, seeded, staff, window, sources, clock):
    sign_in(qtbot, window, staff[0])
    issued, customer = issue_code(core, seeded)
    clock.advance(core.policy.code_ttl_seconds + 1)
    sources.factory = lambda: ListSource([qr_image(issued.text)], is_live=True)
    before = core.wallet.balance(customer["customer_id"])
    ring_up(window, seeded)
    assert pay_and_wait(qtbot, window) == "refused"
    assert window.result.headline.text() == "Expired"
    assert core.wallet.balance(customer["customer_id"]) == before


def test_tampered_code_is_called_a_possible_forgery(qtbot, core, seeded, staff, window, sources):
    sign_in(qtbot, window, staff[0])
    issued, customer = issue_code(core, seeded)
    body = issued.text
    i = len("QP1:") + 40                      # inside the signed amount/expiry part
    tampered = body[:i] + ("A" if body[i] != "A" else "B") + body[i + 1:]
    sources.factory = lambda: ListSource([qr_image(tampered)], is_live=True)
    before = core.wallet.balance(customer["customer_id"])
    ring_up(window, seeded)
    assert pay_and_wait(qtbot, window) == "refused"
    assert window.result.headline.text() == "Signature invalid — possible forgery"
    assert "Call a supervisor" in window.result.next_step.text()
    assert any(a.event is AuditEvent.CODE_FORGED for a in core.alerts())
    assert core.wallet.balance(customer["customer_id"]) == before


def test_not_a_qrpay_code(qtbot, core, seeded, staff, window, sources):
    sign_in(qtbot, window, staff[0])
    sources.factory = lambda: ListSource([qr_image("https://example.com/menu")], is_live=True)
    ring_up(window, seeded)
    assert pay_and_wait(qtbot, window) == "refused"
    assert window.result.headline.text() == "Not a qrpay code"


def test_keyed_numeric_entry_when_the_camera_is_missing(qtbot, core, seeded, staff, window, sources, tmp_path):
    from shared.scanning import CameraError

    def no_camera():
        raise CameraError("no camera at index 7 (not connected, or in use by another program)")

    sign_in(qtbot, window, staff[0])
    sources.factory = no_camera
    total = ring_up(window, seeded)
    qtbot.mouseClick(window.cart.pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.scanner.retry_button.isVisible(), timeout=WAIT_MS)
    assert window.scanner.status.text().startswith("Camera not available")
    assert window.scanner.manual_row.isVisible() and window.scanner.retry_button.isEnabled()
    qtbot.waitUntil(lambda: no_scan_thread_running(window), timeout=WAIT_MS)

    # A wrong length is explained, not sent.
    qtbot.keyClicks(window.scanner.manual_edit, "1234")
    qtbot.keyClick(window.scanner.manual_edit, Qt.Key.Key_Return)
    assert "20 digits" in window.scanner.manual_hint.text() and window.result.kind == ""

    issued, customer = issue_code(core, seeded)
    before = core.wallet.balance(customer["customer_id"])
    window.scanner.manual_edit.clear()
    grouped = " ".join(issued.numeric[i:i + 4] for i in range(0, 20, 4))
    qtbot.keyClicks(window.scanner.manual_edit, grouped)
    qtbot.mouseClick(window.scanner.manual_submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result.kind == "approved", timeout=WAIT_MS)
    assert core.wallet.balance(customer["customer_id"]) == before - total
    from shared.sales import EntryMethod
    assert core.sales.journal("T1", _today(core))[-1].entry_method is EntryMethod.KEYED


def test_camera_lost_mid_scan_then_retry_with_another_source(qtbot, core, seeded, staff, window, sources):
    sign_in(qtbot, window, staff[0])
    lost = ListSource([empty_frame(seed=3)], is_live=True, lose_after=4)
    sources.factory = lambda: lost
    ring_up(window, seeded)
    qtbot.mouseClick(window.cart.pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.scanner.retry_button.isVisible(), timeout=WAIT_MS)
    assert "Camera not available" in window.scanner.status.text()
    qtbot.waitUntil(lambda: no_scan_thread_running(window), timeout=WAIT_MS)
    assert lost.released
    # The till keeps working: plug the camera back in and press Retry.
    issued, _ = issue_code(core, seeded)
    sources.factory = lambda: ListSource([qr_image(issued.text)], is_live=True)
    qtbot.mouseClick(window.scanner.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result.kind == "approved", timeout=WAIT_MS)


def test_video_that_ends_counts_as_a_stopped_camera(qtbot, core, seeded, staff, window, sources, tmp_path):
    sign_in(qtbot, window, staff[0])
    video = write_video([empty_frame(seed=i) for i in range(4)], tmp_path / "empty.avi", fourcc="MJPG")
    sources.factory = lambda: open_source(str(video))
    ring_up(window, seeded)
    qtbot.mouseClick(window.cart.pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.scanner.retry_button.isVisible(), timeout=WAIT_MS)
    assert window.result.kind == ""
    qtbot.waitUntil(lambda: no_scan_thread_running(window), timeout=WAIT_MS)


def test_preview_shows_frames_and_the_outline(qtbot, core, seeded, staff, window, sources):
    sign_in(qtbot, window, staff[0])
    frame = np.full((480, 640, 3), 200, np.uint8)
    sources.factory = lambda: ListSource([frame], is_live=True)
    ring_up(window, seeded)
    qtbot.mouseClick(window.cart.pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.scanner.preview.has_frame, timeout=WAIT_MS)
    assert window.scanner.status.text() == "Looking for a code…"
    qtbot.mouseClick(window.scanner.cancel_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.till
    assert no_scan_thread_running(window)


def test_keyboard_wedge_adds_the_scanned_jan(qtbot, core, seeded, staff, window):
    sign_in(qtbot, window, staff[0])
    item = seeded["items"][5]
    qtbot.keyClicks(window, item["jan"])
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.cart.lines == [(item["jan"], 1)]
    assert window.cart.total == item["price"]
    # A wedge scan with a wrong check digit is refused with a message, nothing added.
    bad = item["jan"][:-1] + str((int(item["jan"][-1]) + 1) % 10)
    qtbot.keyClicks(window, bad)
    qtbot.keyClick(window, Qt.Key.Key_Enter)
    assert window.cart.lines == [(item["jan"], 1)] and window.cart.message.isVisible()
    # The search field takes a wedge scan too.
    window.catalog.search.setFocus()
    qtbot.keyClicks(window.catalog.search, item["jan"])
    qtbot.keyClick(window.catalog.search, Qt.Key.Key_Return)
    assert window.cart.lines == [(item["jan"], 2)] and window.catalog.search.text() == ""


def test_cart_quantities_and_discard(qtbot, core, seeded, staff, window):
    sign_in(qtbot, window, staff[0])
    item = seeded["items"][0]
    qtbot.mouseClick(window.catalog.tiles[item["jan"]], Qt.MouseButton.LeftButton)
    row = window.cart._rows.itemAt(0).widget()
    qtbot.mouseClick(row.plus, Qt.MouseButton.LeftButton)
    assert window.cart.lines == [(item["jan"], 2)] and window.cart.total == 2 * item["price"]
    row = window.cart._rows.itemAt(0).widget()
    qtbot.mouseClick(row.minus, Qt.MouseButton.LeftButton)
    assert window.cart.lines == [(item["jan"], 1)]
    window.catalog.search.setText(item["name_en"][:5])
    assert item["jan"] in window.catalog.tiles
    qtbot.mouseClick(window.cart.discard_button, Qt.MouseButton.LeftButton)
    assert window.cart.lines == [] and not window.cart.pay_button.isEnabled()


def test_wrong_pin_keeps_the_till_closed(qtbot, window, staff):
    clerk = staff[0]
    window.signin.staff_edit.setText(str(clerk["id"]))
    window.signin.pin_edit.setText("0000" if clerk["pin"] != "0000" else "1111")
    window.signin.submit()
    qtbot.waitUntil(lambda: window.signin.error.text() != "", timeout=WAIT_MS)
    assert window.shift is None and window.pages.currentWidget() is window.signin
    assert window.signin.pin_edit.text() == ""


def test_retry_with_the_same_sale_id_never_charges_twice(qtbot, core, seeded, staff, window, sources):
    sign_in(qtbot, window, staff[0])
    issued, customer = issue_code(core, seeded)
    before = core.wallet.balance(customer["customer_id"])
    total = ring_up(window, seeded)
    window.start_payment()
    sale_id = window.sale_id
    # The till crashed after the core committed: the sale exists but the window never heard.
    core.sales.pay(terminal_id="T1", clerk_id=staff[0]["id"], code=issued.text, lines=window.cart.lines,
                   sale_id=sale_id)
    window.scanner.manual_row.show()
    window.scanner.manual_edit.setText(issued.numeric)
    window.scanner.manual_submit.click()
    qtbot.waitUntil(lambda: window.result.kind == "approved", timeout=WAIT_MS)
    assert core.wallet.balance(customer["customer_id"]) == before - total
    assert len(core.sales.journal("T1", window.supervisor.journal.day.text())) == 1


def test_refund_by_line_and_z_report_equal_to_the_ledger(qtbot, core, seeded, staff, window, sources):
    sign_in(qtbot, window, staff[0])
    issued, customer = issue_code(core, seeded)
    sources.factory = lambda: ListSource([qr_image(issued.text)], is_live=True)
    total = ring_up(window, seeded)
    assert pay_and_wait(qtbot, window) == "approved"
    receipt = window.last_receipt
    after_sale = core.wallet.balance(customer["customer_id"])

    qtbot.mouseClick(window.supervisor_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.supervisor, timeout=WAIT_MS)
    area = window.supervisor
    assert "Supervisor area" in area.title.text()
    area.refunds.load(receipt.receipt_no)
    reduced = next(l for l in receipt.lines if l.reduced)
    spin = area.refunds.spins[reduced.jan]
    assert spin.maximum() == 2
    spin.setValue(1)
    assert area.refunds.lines_button.text() == f"Refund selected ¥{reduced.unit_price:,}"
    qtbot.mouseClick(area.refunds.lines_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.refunds.banner.isVisible(), timeout=WAIT_MS)
    assert area.refunds.banner.text().startswith("✓")
    assert core.wallet.balance(customer["customer_id"]) == after_sale + reduced.unit_price
    assert area.refunds.spins[reduced.jan].maximum() == 1

    # X report, then Z report: they equal the ledger.
    area.tabs.setCurrentWidget(area.reports)
    area.reports.show_x()
    assert area.reports.report.net == total - reduced.unit_price
    qtbot.mouseClick(area.reports.z_button, Qt.MouseButton.LeftButton)
    z = area.reports.report
    assert z.kind is ReportKind.Z and z.agrees_with_ledger
    with core.db.read() as conn:
        store_balance = ledger.balance(conn, f"store:{core.catalog.store().id}")
    assert z.net == store_balance == total - reduced.unit_price
    assert "Z" in area.reports.view.toPlainText() and "¥20,000" in area.reports.view.toPlainText()
    area.reports.save()
    assert list((window.documents_dir).glob("z-report-T1-*.pdf"))

    # Journal: the sale is listed and its receipt reprints.
    area.tabs.setCurrentWidget(area.journal)
    area.journal.refresh()
    area.journal.select_receipt(receipt.receipt_no)
    assert area.journal.current.receipt_no == receipt.receipt_no
    area.journal.save()
    assert (window.documents_dir / f"receipt-{receipt.receipt_no}.pdf").exists()


def test_alerts_panel_freezes_the_wallet_named_by_an_alert(qtbot, core, seeded, staff, window, sources):
    sign_in(qtbot, window, staff[0])
    issued, customer = issue_code(core, seeded)
    core.sales.pay(terminal_id="T1", clerk_id=staff[0]["id"], code=issued.text,
                   lines=[(seeded["items"][0]["jan"], 1)], sale_id="first-sale")
    sources.factory = lambda: ListSource([qr_image(issued.text)], is_live=True)
    ring_up(window, seeded)
    assert pay_and_wait(qtbot, window) == "refused"          # replayed → an alert naming the customer
    qtbot.mouseClick(window.result.secondary, Qt.MouseButton.LeftButton)   # cancel payment
    window.open_supervisor_area()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.supervisor, timeout=WAIT_MS)
    panel = window.supervisor.alerts
    window.supervisor.tabs.setCurrentWidget(panel)
    row = next(i for i, a in enumerate(panel.rows) if a.event is AuditEvent.CODE_REPLAYED)
    assert panel.rows[row].customer_id == customer["customer_id"]
    panel.table.selectRow(row)
    assert panel.freeze_button.isEnabled()
    panel.freeze_selected()
    qtbot.waitUntil(lambda: panel.banner.isVisible(), timeout=WAIT_MS)
    assert panel.banner.text().startswith("✓")
    assert core.identity.customer(customer["customer_id"]).frozen


def test_policy_badge_follows_the_database_and_2019_is_loud(qtbot, core, window):
    assert window.badge.policy_name == "hardened" and not window.policy_banner.isVisible()
    core.set_policy("2019")
    qtbot.waitUntil(lambda: window.badge.policy_name == "2019", timeout=WAIT_MS)
    assert window.policy_banner.isVisible() and "insecure" in window.policy_banner.text()


def test_japanese_translation_is_shipped(qtbot, core, seeded):
    from pathlib import Path

    from PySide6.QtCore import QCoreApplication, QTranslator

    qm = Path(__file__).resolve().parents[1] / "ui_common" / "i18n" / "pos_app_ja.qm"
    t = QTranslator()
    assert t.load(str(qm))
    QCoreApplication.installTranslator(t)
    try:
        from pos_app.messages import clerk_message
        # The Japanese the .ts gives these two (a missing or stale .qm would leave the English).
        assert clerk_message("replayed").headline == "使用済みのコード"
        w = PosWindow(core, camera="test", lang="ja", poll_ms=10_000)
        qtbot.addWidget(w)
        assert w.signin.button.text() == "サインインして開局"
        w.close()
    finally:
        QCoreApplication.removeTranslator(t)


# -- where the till's codes come from: choice at once, remembered, no webcam → the screen ----------
def _source_window(qtbot, core, staff, tmp_path, *, open_camera, settings=None):
    from PySide6.QtCore import QSettings

    sup = staff[1]
    settings = settings or QSettings(str(tmp_path / "pos.ini"), QSettings.Format.IniFormat)
    w = PosWindow(core, terminal_id="T1", decoder=decoder_named("cascade"), lang="en", settings=settings,
                  open_camera=open_camera, documents_dir=tmp_path / "docs",
                  ask=lambda *a, **k: Approval(sup["id"], sup["pin"], "test"), confirm=lambda *_: True, poll_ms=200)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    return w, settings


def test_a_source_choice_takes_effect_at_once_and_is_remembered(qtbot, core, seeded, staff, tmp_path):
    """Picking a source restarts the scan on it with no Retry press, and the next till on this
    machine starts with it; the sale records that the code came from a camera."""
    from shared.sales import EntryMethod

    issued, _ = issue_code(core, seeded)
    opened: list[str] = []

    def cameras(spec):
        opened.append(spec)
        frames = [qr_image(issued.text)] if spec == "1" else [empty_frame(seed=4)]
        return ListSource(frames, is_live=True)

    w, settings = _source_window(qtbot, core, staff, tmp_path, open_camera=cameras)
    assert w.scanner.source_spec == "auto"
    sign_in(qtbot, w, staff[0])
    ring_up(w, seeded)
    qtbot.mouseClick(w.cart.pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened == ["0"], timeout=WAIT_MS)        # auto: webcam 0 first
    box = w.scanner.source_box
    box.setCurrentIndex(box.findData("1"))
    box.activated.emit(box.currentIndex())                           # what a click in the list does
    qtbot.waitUntil(lambda: w.result.kind == "approved", timeout=WAIT_MS)
    assert opened == ["0", "1"]
    assert settings.value("scanner/source") == "1"
    sale = core.sales.journal("T1", _today(core))[-1]
    assert sale.entry_method is EntryMethod.CAMERA
    w.close()
    wait_for_tasks(qtbot)
    again, _ = _source_window(qtbot, core, staff, tmp_path, open_camera=cameras, settings=settings)
    assert again.scanner.source_spec == "1"
    again.close()
    # --camera on the command line still wins over the remembered choice
    explicit = PosWindow(core, camera="screen", settings=settings, lang="en", poll_ms=200)
    qtbot.addWidget(explicit)
    assert explicit.scanner.source_spec == "screen"
    explicit.close()
    wait_for_tasks(qtbot)


def _today(core) -> str:
    from datetime import datetime, timedelta, timezone
    return datetime.fromtimestamp(core.now(), timezone(timedelta(hours=9))).strftime("%Y-%m-%d")


def test_no_camera_reads_the_code_from_the_screen_and_the_sale_says_so(qtbot, core, seeded, staff, tmp_path):
    """No webcam opens: the automatic source falls back to the screen by itself (no click), reads
    the wallet's code there, and the journal records the sale as read from the screen."""
    from pos_app.screen_source import Grab
    from shared.sales import EntryMethod
    from shared.scanning import CameraError

    def no_camera(spec):
        raise CameraError(f"no camera at index {spec}")

    issued, customer = issue_code(core, seeded)
    w, _ = _source_window(qtbot, core, staff, tmp_path, open_camera=no_camera)

    class StillScreen:                  # the GUI-thread grabber, showing the wallet's code
        searching = False
        locked = None

        def activate(self, on):
            pass

        def take(self):
            frame = qr_image(issued.text)
            return Grab(np.repeat(frame[:, :, None], 3, axis=2) if frame.ndim == 2 else frame, 0, 0, 1.0)

    w._screen_grabbers["screen"] = StillScreen()
    sign_in(qtbot, w, staff[0])
    total = ring_up(w, seeded)
    before = core.wallet.balance(customer["customer_id"])
    qtbot.mouseClick(w.cart.pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.result.kind == "approved", timeout=WAIT_MS)
    assert w.scanner.opened_source == "screen" and w.scanner.entry_method == "screen"
    assert core.wallet.balance(customer["customer_id"]) == before - total
    sale = core.sales.journal("T1", _today(core))[-1]
    assert sale.entry_method is EntryMethod.SCREEN
    journal = w.supervisor.journal        # the till's journal says how the code came in
    journal.day.setText(_today(core))
    journal.refresh()
    assert journal.table.item(journal.table.rowCount() - 1, 4).text() == "screen"
    w.close()
    wait_for_tasks(qtbot)


# -- attract mode (the till's half; the whole demo runs under Xvfb in test_demo_launcher.py) -------
def test_autoplay_once_rings_up_pays_and_finishes_with_0(qtbot, core, seeded, staff, window, sources):
    from pos_app.autoplay import TillAutoplay

    issued, customer = issue_code(core, seeded)
    sources.factory = lambda: ListSource([qr_image(issued.text)], is_live=True)
    clerk = staff[0]
    player = TillAutoplay(window, clerk_id=clerk["id"], pin=clerk["pin"], once=True, step_ms=20)
    with qtbot.waitSignal(player.finished, timeout=WAIT_MS) as done:
        player.start()
    assert done.args == [0]
    sale = core.sales.journal("T1", _today(core))[-1]
    assert sale.id == player.last_sale_id and sale.customer_id == customer["customer_id"]
    assert len(sale.lines) >= 1 and window.result.kind == "approved"


def test_autoplay_once_fails_on_a_refusal_and_on_time_out(qtbot, core, seeded, staff, window, sources):
    from pos_app.autoplay import TillAutoplay

    sources.factory = lambda: ListSource([qr_image("https://example.com/not-a-code")], is_live=True)
    clerk = staff[0]
    player = TillAutoplay(window, clerk_id=clerk["id"], pin=clerk["pin"], once=True, step_ms=20)
    with qtbot.waitSignal(player.finished, timeout=WAIT_MS) as done:
        player.start()
    assert done.args == [1] and not core.sales.journal("T1", _today(core))
    window.cancel_payment()
    sources.factory = lambda: ListSource([empty_frame(seed=5)], is_live=True)     # no code ever shows
    slow = TillAutoplay(window, clerk_id=clerk["id"], pin=clerk["pin"], once=True, step_ms=20, timeout_s=1.5)
    with qtbot.waitSignal(slow.finished, timeout=WAIT_MS) as done:
        slow.start()
    assert done.args == [1]
    window.scanner.stop_scanning()


def test_a_key_press_hands_the_till_back_to_the_presenter(qtbot, core, seeded, staff, window, sources):
    from pos_app.autoplay import TillAutoplay

    sources.factory = lambda: ListSource([empty_frame(seed=6)], is_live=True)
    clerk = staff[0]
    player = TillAutoplay(window, clerk_id=clerk["id"], pin=clerk["pin"], step_ms=200)
    player.start()
    qtbot.waitUntil(lambda: window.shift is not None, timeout=WAIT_MS)
    with qtbot.waitSignal(player.handed_over, timeout=WAIT_MS):
        qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not player.running and not player._timer.isActive()    # no next step is scheduled
    assert "Autoplay stopped" in window.cart.message.text()
    window.scanner.stop_scanning()


def test_policy_badge_of_a_custom_set_is_loud_and_counts(qtbot, core, window):
    core.set_defence("single-use-code", False)
    qtbot.waitUntil(lambda: window.badge.policy_name == "custom", timeout=WAIT_MS)
    assert "Custom: 1 defences off" in window.badge.text()
    core.set_defence("code-lifetime", False)
    qtbot.waitUntil(lambda: "Custom: 2 defences off" in window.badge.text(), timeout=WAIT_MS)
