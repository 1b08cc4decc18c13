"""Refunds: supervisor approval, never more than was paid (per line, across refunds), idempotent."""
import pytest

from shared import ledger
from shared.audit_events import AuditEvent
from shared.errors import Conflict, InputError, InvalidCredentials, NotFound, PermissionDenied
from shared.receipts import render_text
from test_sales import BATTERY, ONIGIRI, TEA, clerk, demo, store_balance, wallets  # noqa: F401  (fixtures)


@pytest.fixture
def sale(core, demo, wallets):
    return core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text,
                          lines=[(ONIGIRI, 3), (BATTERY, 2), (TEA, 1)], sale_id="paid-1")


def sup(demo):
    s = demo["staff"][2]
    return dict(supervisor_id=s["id"], pin=s["pin"])


def test_full_refund_goes_back_to_the_wallet(core, demo, wallets, sale):
    before, store_before = wallets.balance(0), store_balance(core)
    r = core.refunds.refund(sale_id=sale.id, **sup(demo))
    assert r.total == sale.total == 450 + 996 + 150
    assert r.by_rate == sale.by_rate                      # the whole sale: the same per-rate tax
    assert wallets.balance(0) == before + sale.total
    assert store_balance(core) == store_before - sale.total
    row = core.audit_recent(event=AuditEvent.REFUND)[0]
    assert row.severity == "warning" and row.details["sale_id"] == sale.id and row.details["amount"] == r.total
    notice = core.inbox(wallets.customer(0)["email"])[0]
    assert "refund" in notice.subject.lower() and "¥1,596" in notice.subject and sale.receipt_no in notice.body
    receipt = core.sales.receipt(sale.id)
    assert [x.refund_id for x in receipt.refunds] == [r.id] and receipt.refunded_total == r.total
    assert f"返品 Refund {r.id}" in render_text(receipt)
    with pytest.raises(Conflict) as e:
        core.refunds.refund(sale_id=sale.id, **sup(demo))
    assert e.value.code == "already_refunded"
    with core.db.read() as conn:
        assert ledger.check(conn) == []


def test_refund_by_line_never_exceeds_what_was_paid(core, demo, wallets, sale):
    before = wallets.balance(0)
    first = core.refunds.refund(sale_id=sale.id, lines=[(ONIGIRI, 2)], **sup(demo))
    assert first.total == 300 and [(l.jan, l.qty) for l in first.lines] == [(ONIGIRI, 2)]
    assert first.tax_by_rate() == {"8": 300 * 8 // 108, "10": 0}
    with pytest.raises(Conflict) as e:                     # 3 sold, 2 refunded: 1 left
        core.refunds.refund(sale_id=sale.id, lines=[(ONIGIRI, 2)], **sup(demo))
    assert e.value.code == "exceeds_paid"
    with pytest.raises(Conflict):
        core.refunds.refund(sale_id=sale.id, lines=[(BATTERY, 3)], **sup(demo))
    with pytest.raises(NotFound):                          # a valid JAN that is not on this receipt
        core.refunds.refund(sale_id=sale.id, lines=[("4006381333931", 1)], **sup(demo))
    second = core.refunds.refund(sale_id=sale.id, lines=[(ONIGIRI, 1), (BATTERY, 1)], **sup(demo))
    assert second.total == 150 + 498
    assert second.tax_by_rate() == {"8": 150 * 8 // 108, "10": 498 * 10 // 110}
    rest = core.refunds.refund(sale_id=sale.id, **sup(demo))      # "full" = what is left
    assert sorted((l.jan, l.qty) for l in rest.lines) == sorted([(BATTERY, 1), (TEA, 1)])
    assert first.total + second.total + rest.total == sale.total
    assert wallets.balance(0) == before + sale.total
    with pytest.raises(Conflict):
        core.refunds.refund(sale_id=sale.id, lines=[(TEA, 1)], **sup(demo))


def test_refund_needs_a_supervisor(core, demo, wallets, sale):
    before = wallets.balance(0)
    s = demo["staff"][2]
    wrong = "0000000" if s["pin"] != "0000000" else "1111111"
    with pytest.raises(InvalidCredentials):
        core.refunds.refund(sale_id=sale.id, supervisor_id=s["id"], pin=wrong)
    c = demo["staff"][0]
    with pytest.raises(PermissionDenied):
        core.refunds.refund(sale_id=sale.id, supervisor_id=c["id"], pin=c["pin"])
    assert wallets.balance(0) == before
    assert core.sales.receipt(sale.id).refunds == ()


def test_the_same_refund_id_returns_the_first_refund(core, demo, wallets, sale):
    before = wallets.balance(0)
    a = core.refunds.refund(sale_id=sale.id, lines=[(TEA, 1)], refund_id="rf-1", **sup(demo))
    core.clock.advance(10)
    b = core.refunds.refund(sale_id=sale.id, lines=[(TEA, 1)], refund_id="rf-1", **sup(demo))
    assert a == b and wallets.balance(0) == before + 150
    with pytest.raises(Conflict):
        core.refunds.refund(sale_id=sale.id, lines=[(ONIGIRI, 1)], refund_id="rf-1", **sup(demo))
    assert wallets.balance(0) == before + 150


def test_refund_refusals(core, demo, sale):
    with pytest.raises(NotFound):
        core.refunds.refund(sale_id="no-such-sale", **sup(demo))
    with pytest.raises(InputError):
        core.refunds.refund(sale_id=sale.id, lines=[(ONIGIRI, 0)], **sup(demo))
    with pytest.raises(InputError):
        core.refunds.refund(sale_id=sale.id, lines=[], **sup(demo))
