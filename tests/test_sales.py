"""Sales: quote, pay with a code (one transaction), receipts, the journal, limits and refusals."""
import re

import pytest

from shared import ledger, totp
from shared.audit_events import AuditEvent
from shared.core import Core
from shared.demo_data import seed_demo
from shared.errors import CodeRefused, Conflict, InputError, NotFound
from shared.receipts import render_text
from shared.storage import sales_store
from tests.parallel import race

from shared.catalog import make_ean13

ONIGIRI, BENTO, TEA = make_ean13("490120000101"), make_ean13("490120000201"), make_ean13("490255500101")
BATTERY, CABLE = make_ean13("490333300201"), make_ean13("490333300209")


@pytest.fixture
def demo(core):
    return seed_demo(core)


class Wallets:
    """Customers of the demo with a signed-in session each; `code()` issues a fresh payment code."""

    def __init__(self, core, demo):
        self.core, self.demo, self.sessions = core, demo, {}

    def customer(self, i=0):
        return self.demo["customers"][i]

    def code(self, i=0, **kw):
        c, core = self.customer(i), self.core
        core.clock.advance(31)  # a fresh TOTP time step for every second-factor use
        now_code = totp.totp_code(c["totp_secret"], core.now())
        if i not in self.sessions:
            self.sessions[i] = core.identity.sign_in(c["email"], c["password"], totp=now_code).token
            core.clock.advance(31)
            now_code = totp.totp_code(c["totp_secret"], core.now())
        return core.codes.issue(self.sessions[i], totp=now_code, **kw)

    def fund(self, i, amount):
        cid = self.customer(i)["customer_id"]
        with self.core.db.write() as conn:
            ledger.transfer(conn, key=f"test-fund:{cid}:{self.core.now()}:{amount}", kind="seed", at=self.core.now(),
                            postings=[(ledger.CARD_CLEARING, -amount), (ledger.wallet_account(cid), amount)])

    def balance(self, i=0):
        return self.core.wallet.balance(self.customer(i)["customer_id"])


@pytest.fixture
def wallets(core, demo):
    return Wallets(core, demo)


def clerk(demo):
    return demo["staff"][0]["id"]


def store_balance(core):
    with core.db.read() as conn:
        return ledger.balance(conn, "store:1")


# -- quote ------------------------------------------------------------------------------------------
def test_quote_prices_from_the_catalog(core, demo):
    q = core.sales.quote([(ONIGIRI, 2), (CABLE, 1), (ONIGIRI, 1)])
    assert [(l.jan, l.qty, l.amount) for l in q.lines] == [(ONIGIRI, 3, 450), (CABLE, 1, 1100)]
    assert q.total == 1550
    assert q.tax_by_rate() == {"8": 450 * 8 // 108, "10": 100}


def test_quote_refusals(core, demo):
    with pytest.raises(NotFound):
        core.sales.quote([("4006381333931", 1)])           # valid JAN, not sold here
    with pytest.raises(InputError):
        core.sales.quote([("4901200001019", 1)])           # check digit wrong
    with pytest.raises(InputError):
        core.sales.quote([])
    with pytest.raises(InputError):
        core.sales.quote([(ONIGIRI, 0)])
    with pytest.raises(InputError):
        core.sales.quote([(ONIGIRI, 60), (ONIGIRI, 40)])   # merged to 100 > 99


# -- a sale end to end --------------------------------------------------------------------------------
def test_sale_end_to_end(core, demo, wallets):
    code = wallets.code(0)
    before, store_before = wallets.balance(0), store_balance(core)
    sale = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text,
                          lines=[(ONIGIRI, 2), (BATTERY, 1), (TEA, 1)], sale_id="sale-0001")
    assert sale.total == 300 + 498 + 150
    assert sale.tax_by_rate() == {"8": 450 * 8 // 108, "10": 498 * 10 // 110}
    assert re.fullmatch(r"T1-\d{6}", sale.receipt_no)
    assert wallets.balance(0) == before - sale.total
    assert store_balance(core) == store_before + sale.total

    r = core.sales.receipt(sale.id)
    assert r == core.sales.receipt(sale.receipt_no)
    assert r.store_name_ja == "qrpay デモストア 渋谷店" and r.registration_no == demo["store"]["registration_no"]
    assert r.terminal_id == "T1" and r.clerk_name == demo["staff"][0]["name"]
    assert r.payment_method == "qrpay" and r.total == sale.total
    assert [(x.rate, x.taxable_incl, x.tax) for x in r.by_rate] == [(8, 450, 33), (10, 498, 45)]
    assert r.wallet_ref.startswith("****") and len(r.wallet_ref) == 8
    text = render_text(r)
    for needed in ["qrpay デモストア 渋谷店", demo["store"]["registration_no"], "東京都渋谷区", "レジ T1",
                   sale.receipt_no, "おにぎり 鮭 ※", "緑茶 500ml ※", "(内消費税 ¥33)", "(内消費税 ¥45)",
                   "8%対象 ¥450", "10%対象 ¥498", "¥948", "qrpay", "JST", "※は軽減税率対象商品"]:
        assert needed in text, needed
    assert "電池 単3 4本 ※" not in text          # the standard-rate line is not marked
    assert "2026-11-25 18:" in text               # 09:4x UTC is 18:4x in Japan

    cid = wallets.customer(0)["customer_id"]
    payments = core.audit_recent(event=AuditEvent.PAYMENT)
    assert payments[0].customer_id == cid and payments[0].details["amount"] == sale.total
    notice = core.inbox(wallets.customer(0)["email"])[0]
    assert "¥948" in notice.subject and sale.receipt_no in notice.body and "JST" in notice.body
    assert "qrpay デモストア 渋谷店" in notice.body

    status = core.codes.status(wallets.sessions[0], code.nonce)
    assert status.state.value == "paid" and status.sale_id == sale.id and status.amount == sale.total
    assert core.sales.summary(sale.id).store_name == "qrpay デモストア 渋谷店"
    assert core.sales.journal("T1", "2026-11-25") == [sale]
    with core.db.read() as conn:
        assert ledger.check(conn) == []


def test_numeric_form_pays_too(core, demo, wallets):
    code = wallets.code(1)
    sale = core.sales.pay(terminal_id="T2", clerk_id=clerk(demo), code=code.numeric, lines=[(BENTO, 1)],
                          sale_id="num-1")
    assert sale.total == 598 and sale.receipt_no == "T2-000001"


def test_receipt_numbers_run_per_terminal(core, demo, wallets):
    nos = []
    for i, t in enumerate(["T1", "T1", "T2"]):
        nos.append(core.sales.pay(terminal_id=t, clerk_id=clerk(demo), code=wallets.code(i).text,
                                  lines=[(TEA, 1)], sale_id=f"s{i}").receipt_no)
    assert nos == ["T1-000001", "T1-000002", "T2-000001"]


# -- idempotency and replay -------------------------------------------------------------------------------
def test_a_retried_sale_id_moves_money_once(core, demo, wallets):
    code = wallets.code(0)
    before = wallets.balance(0)
    first = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(ONIGIRI, 1), (TEA, 2)],
                           sale_id="retry-1")
    core.clock.advance(5)
    again = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 2), (ONIGIRI, 1)],
                           sale_id="retry-1")
    assert again == first
    assert wallets.balance(0) == before - first.total
    assert len(core.sales.journal("T1", "2026-11-25")) == 1
    with pytest.raises(Conflict):
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(ONIGIRI, 2)],
                       sale_id="retry-1")
    with pytest.raises(Conflict):
        core.sales.pay(terminal_id="T2", clerk_id=clerk(demo), code=code.text, lines=[(ONIGIRI, 1), (TEA, 2)],
                       sale_id="retry-1")
    assert wallets.balance(0) == before - first.total


def test_the_same_code_for_a_new_sale_is_replayed(core, demo, wallets):
    code = wallets.code(0)
    core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(ONIGIRI, 1)], sale_id="a")
    before = wallets.balance(0)
    with pytest.raises(CodeRefused) as e:
        core.sales.pay(terminal_id="T2", clerk_id=clerk(demo), code=code.text, lines=[(CABLE, 1)], sale_id="b")
    assert e.value.code == "replayed"
    with pytest.raises(CodeRefused) as e:
        core.sales.pay(terminal_id="T2", clerk_id=clerk(demo), code=code.numeric, lines=[(CABLE, 1)], sale_id="c")
    assert e.value.code == "replayed"
    assert wallets.balance(0) == before
    assert core.audit_recent(event=AuditEvent.CODE_REPLAYED)
    with pytest.raises(NotFound):
        core.sales.receipt("b")


def test_garbage_codes_are_refused_with_one_error_type(core, demo):
    for bad in ["hello", "x" * 900, "12345678901234567890", "QRP1.AAAA"]:
        with pytest.raises(CodeRefused):
            core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=bad, lines=[(TEA, 1)], sale_id="g")
    with pytest.raises(NotFound):
        core.sales.receipt("g")


# -- money rules ------------------------------------------------------------------------------------------
def test_insufficient_funds(core, demo, wallets):
    code = wallets.code(2)                              # ¥5,000
    with pytest.raises(CodeRefused) as e:
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(CABLE, 5)], sale_id="big")
    assert e.value.code == "insufficient_funds"
    assert "5,000" not in e.value.message              # the till is not told the balance
    assert wallets.balance(2) == 5_000
    assert core.audit_recent(event=AuditEvent.CODE_INSUFFICIENT_FUNDS)


def test_amount_cap_of_the_code(core, demo, wallets):
    code = wallets.code(0, amount_cap=200)
    with pytest.raises(CodeRefused) as e:
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 2)], sale_id="cap")
    assert e.value.code == "limit_exceeded"
    code = wallets.code(0, amount_cap=200)
    assert core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)],
                          sale_id="cap2").total == 150


def test_per_transaction_and_daily_caps(core, demo, wallets):
    wallets.fund(0, 200_000)
    with pytest.raises(CodeRefused) as e:       # 46 × ¥1,100 = ¥50,600 > ¥50,000
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(CABLE, 46)],
                       sale_id="tx")
    assert e.value.code == "limit_exceeded"
    for i in range(4):                           # 4 × ¥24,200 = ¥96,800, spread beyond the velocity window
        core.clock.advance(700)
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(CABLE, 22)],
                       sale_id=f"day{i}")
    core.clock.advance(700)
    with pytest.raises(CodeRefused) as e:        # + ¥4,400 > ¥100,000 in 24 h
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(CABLE, 4)],
                       sale_id="day4")
    assert e.value.code == "limit_exceeded"
    core.clock.advance(24 * 3600)
    wallets.sessions.clear()                     # the session's absolute lifetime has passed
    core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(CABLE, 4)],
                   sale_id="day5")


def test_velocity_count_raises_an_alert(core, demo, wallets):
    for i in range(5):
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(TEA, 1)],
                       sale_id=f"v{i}")
    before = wallets.balance(0)
    with pytest.raises(CodeRefused) as e:
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(TEA, 1)],
                       sale_id="v5")
    assert e.value.code == "limit_exceeded"
    assert wallets.balance(0) == before
    alert = core.audit_recent(event=AuditEvent.PAYMENT_VELOCITY_ALERT)[0]
    assert alert.severity == "alert" and alert.customer_id == wallets.customer(0)["customer_id"]
    assert alert.details["payments_in_window"] == 6
    owner = wallets.customer(0)["email"]
    assert any("Unusual payments" in m.subject for m in core.inbox(owner))
    core.clock.advance(600)                       # the window has passed
    core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(TEA, 1)],
                   sale_id="v6")


def test_velocity_amount(core, demo, wallets):
    wallets.fund(0, 50_000)
    core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(CABLE, 27)],
                   sale_id="a1")                 # ¥29,700
    with pytest.raises(CodeRefused) as e:
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(CABLE, 1)],
                       sale_id="a2")             # ¥30,800 within ten minutes
    assert e.value.code == "limit_exceeded"
    assert core.audit_recent(event=AuditEvent.PAYMENT_VELOCITY_ALERT)[0].details["rule"] == "amount"


def test_2019_policy_has_no_velocity_rule(core, demo, wallets):
    core.set_policy("2019")
    for i in range(7):
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(TEA, 1)],
                       sale_id=f"old{i}")
    assert core.audit_recent(event=AuditEvent.PAYMENT_VELOCITY_ALERT) == []


def test_a_frozen_wallet_is_account_locked(core, demo, wallets):
    code = wallets.code(0)
    sup = demo["staff"][2]
    core.wallet.freeze(wallets.customer(0)["customer_id"], supervisor_id=sup["id"], pin=sup["pin"], reason="test")
    with pytest.raises(CodeRefused) as e:
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)], sale_id="f")
    assert e.value.code in ("account_locked", "superseded")   # freezing may also revoke live codes


# -- atomicity ------------------------------------------------------------------------------------------
def test_a_failure_mid_payment_leaves_nothing_behind(core, demo, wallets, monkeypatch):
    code = wallets.code(0)
    before, store_before = wallets.balance(0), store_balance(core)

    def broken(*a, **kw):
        raise OSError("disk vanished")
    monkeypatch.setattr(core.identity, "notify_owner", broken)   # the very last step of the transaction
    with pytest.raises(OSError):
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)], sale_id="crash")
    monkeypatch.undo()
    assert wallets.balance(0) == before and store_balance(core) == store_before
    with core.db.read() as conn:
        assert sales_store.sale(conn, "crash") is None
        assert ledger.get(conn, key="sale:crash") is None
    # nothing was redeemed: the same code and sale id go through on the retry
    sale = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)], sale_id="crash")
    assert sale.receipt_no == "T1-000001"        # the failed attempt did not use up a receipt number
    assert wallets.balance(0) == before - 150


def _redeem_in_process(db_target, now, text, sale_id, clerk_id, barrier, results):
    from shared.clock import FixedClock
    c = Core.open(db_target, clock=FixedClock(now))
    barrier.wait(timeout=60)
    try:
        sale = c.sales.pay(terminal_id="T1", clerk_id=clerk_id, code=text, lines=[(TEA, 1)], sale_id=sale_id)
        results.put(("ok", sale.id))
    except CodeRefused as e:
        results.put(("refused", e.code))
    finally:
        c.close()


def test_two_processes_redeeming_one_code_make_exactly_one_sale(core, demo, wallets, db_target):
    code = wallets.code(0)
    before = wallets.balance(0)
    outcomes = sorted(race(_redeem_in_process, [(str(db_target), core.now(), code.text, f"race-{i}", clerk(demo))
                                                for i in range(2)]))
    assert [o[0] for o in outcomes] == ["ok", "refused"]
    assert outcomes[1][1] == "replayed"
    assert wallets.balance(0) == before - 150


# -- journal and closed days ------------------------------------------------------------------------------
def test_journal_uses_the_japanese_business_day(core, demo, wallets):
    core.clock.set("2026-11-25T14:58:00Z")       # 23:58 JST on the 25th (+31 s for the code's TOTP step)
    late = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(TEA, 1)],
                          sale_id="late")
    core.clock.set("2026-11-25T15:00:00Z")       # 00:00 JST on the 26th
    early = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(TEA, 1)],
                           sale_id="early")
    assert (late.business_date, early.business_date) == ("2026-11-25", "2026-11-26")
    assert [s.id for s in core.sales.journal("T1", "2026-11-25")] == ["late"]
    assert [s.id for s in core.sales.journal("T1", "2026-11-26")] == ["early"]
    assert core.sales.journal("T2", "2026-11-26") == []
    with pytest.raises(InputError):
        core.sales.journal("T1", "2026-13-01")


def test_a_closed_terminal_day_takes_no_more_sales(core, demo, wallets):
    core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(TEA, 1)], sale_id="z1")
    sup = next(s for s in demo["staff"] if s["role"] == "supervisor")
    core.reports.z_report("T1", "2026-11-25", supervisor_id=sup["id"], pin=sup["pin"])
    code = wallets.code(0)
    with pytest.raises(Conflict) as e:
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)], sale_id="z2")
    assert e.value.code == "day_closed"
    assert core.sales.pay(terminal_id="T2", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)],
                          sale_id="z2").receipt_no == "T2-000001"


def test_unknown_clerk_or_terminal(core, demo, wallets):
    code = wallets.code(0)
    with pytest.raises(NotFound):
        core.sales.pay(terminal_id="T9", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)], sale_id="x")
    with pytest.raises(NotFound):
        core.sales.pay(terminal_id="T1", clerk_id=999, code=code.text, lines=[(TEA, 1)], sale_id="x")
    with pytest.raises(InputError):
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)], sale_id="bad id!")


# -- entry method ------------------------------------------------------------------------------------------
def test_each_sale_records_how_its_code_came_in(core, demo, wallets):
    from shared.sales import EntryMethod

    cam = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(TEA, 1)],
                         sale_id="e-cam", entry_method=EntryMethod.CAMERA)
    scr = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(1).text, lines=[(TEA, 1)],
                         sale_id="e-scr", entry_method="screen")
    key = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).numeric, lines=[(TEA, 1)],
                         sale_id="e-key")                                    # the default: keyed
    assert (cam.entry_method, scr.entry_method, key.entry_method) == (EntryMethod.CAMERA, EntryMethod.SCREEN,
                                                                      EntryMethod.KEYED)
    assert [(s.id, s.entry_method.value) for s in core.sales.journal("T1", "2026-11-25")] == [
        ("e-cam", "camera"), ("e-scr", "screen"), ("e-key", "keyed")]
    assert core.sales.sale("e-scr").entry_method is EntryMethod.SCREEN
    assert core.audit_recent(event=AuditEvent.PAYMENT)[0].details["entry_method"] == "keyed"


@pytest.mark.parametrize("bad", ["CAMERA", "camera ", "nfc", "", None, 1, "keyed\n", "api"])
def test_an_unknown_entry_method_is_refused_before_anything_is_written(core, demo, wallets, bad):
    code = wallets.code(0)
    before = wallets.balance(0)
    with pytest.raises(InputError) as e:
        core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)], sale_id="e-bad",
                       entry_method=bad)
    assert e.value.code == "bad_input"
    assert wallets.balance(0) == before
    with pytest.raises(NotFound):
        core.sales.receipt("e-bad")
    assert core.codes.status(wallets.sessions[0], code.nonce).state.value == "issued"


def test_a_retry_from_another_entry_method_is_the_same_sale(core, demo, wallets):
    code = wallets.code(0)
    first = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)],
                           sale_id="e-retry", entry_method="keyed")
    before = wallets.balance(0)
    again = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=code.text, lines=[(TEA, 1)],
                           sale_id="e-retry", entry_method="camera")
    assert again == first and again.entry_method.value == "keyed"    # the attempt that succeeded
    assert wallets.balance(0) == before
