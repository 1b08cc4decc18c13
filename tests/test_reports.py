"""X and Z reports per terminal and business day, and their agreement with the ledger."""
import pytest

from shared.errors import Conflict, NotFound
from shared.receipts import business_date_of
from shared.storage import ledger_store
from test_sales import BATTERY, CABLE, ONIGIRI, TEA, clerk, demo, wallets  # noqa: F401  (fixtures)

DAY = "2026-11-25"


def sup(demo):
    s = demo["staff"][2]
    return dict(supervisor_id=s["id"], pin=s["pin"])


def store_postings_on(core, day):
    """The store account's postings that day, straight from the ledger's journal."""
    with core.db.read() as conn:
        rows = ledger_store.account_entries(conn, "store:1", 10_000)
    return sum(int(r["amount"]) for r in rows if business_date_of(r["at"]) == day)


@pytest.fixture
def day_of_trade(core, demo, wallets):
    s1 = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text,
                        lines=[(ONIGIRI, 3), (BATTERY, 1)], sale_id="d1")
    s2 = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(1).text,
                        lines=[(TEA, 2), (CABLE, 1)], sale_id="d2")
    s3 = core.sales.pay(terminal_id="T2", clerk_id=clerk(demo), code=wallets.code(2).text,
                        lines=[(TEA, 1)], sale_id="d3")
    r1 = core.refunds.refund(sale_id="d1", lines=[(ONIGIRI, 1)], **sup(demo))
    r2 = core.refunds.refund(sale_id="d3", **sup(demo))
    return s1, s2, s3, r1, r2


def test_x_report_figures(core, day_of_trade):
    s1, s2, s3, r1, r2 = day_of_trade
    x = core.reports.x_report("T1", DAY)
    assert (x.sales_count, x.gross) == (2, s1.total + s2.total)
    assert (x.refunds_count, x.refunds_total) == (1, r1.total)
    assert x.net == s1.total + s2.total - r1.total
    tax = {r.rate: (r.taxable_incl, r.tax) for r in x.tax_by_rate}
    # per rate: the sum of each receipt's once-rounded tax (not a re-rounding of the day's total)
    assert tax[8] == (450 + 300, 450 * 8 // 108 + 300 * 8 // 108)
    assert tax[10] == (498 + 1100, 498 * 10 // 110 + 1100 * 10 // 110)
    assert {r.rate: r.tax for r in x.refund_tax_by_rate} == {8: 150 * 8 // 108, 10: 0}
    t2 = core.reports.x_report("T2", DAY)
    assert (t2.sales_count, t2.gross, t2.refunds_count, t2.net) == (1, 150, 1, 0)
    empty = core.reports.x_report("T1", "2026-11-24")
    assert (empty.sales_count, empty.gross, empty.net) == (0, 0, 0)


def test_reports_agree_with_the_ledger(core, day_of_trade):
    reports = [core.reports.x_report(t, DAY) for t in ("T1", "T2")]
    assert all(r.agrees_with_ledger for r in reports)
    assert sum(r.net for r in reports) == store_postings_on(core, DAY)
    assert store_postings_on(core, DAY) == sum(r.ledger_net for r in reports)


def test_reports_agree_with_the_ledger_across_midnight(core, demo, wallets):
    core.clock.set("2026-11-25T14:58:00Z")              # 23:58 JST
    core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(CABLE, 1)],
                   sale_id="n1")
    core.clock.set("2026-11-25T15:01:00Z")              # 00:01 JST, the next business day
    core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=[(TEA, 1)],
                   sale_id="n2")
    core.refunds.refund(sale_id="n1", **sup(demo))      # refunded the next day: counts on the next day
    for day, net in (("2026-11-25", 1100), ("2026-11-26", 150 - 1100)):
        x = core.reports.x_report("T1", day)
        assert x.net == net == store_postings_on(core, day) == x.ledger_net


def test_z_report_closes_the_day_once(core, demo, wallets, day_of_trade):
    x = core.reports.x_report("T1", DAY)
    z = core.reports.z_report("T1", DAY, **sup(demo))
    assert z.kind == "Z" and (z.sales_count, z.gross, z.net, z.tax_by_rate) == (x.sales_count, x.gross, x.net,
                                                                                 x.tax_by_rate)
    with pytest.raises(Conflict) as e:
        core.reports.z_report("T1", DAY, **sup(demo))
    assert e.value.code == "already_closed"
    assert core.reports.z_report_get("T1", DAY) == z
    assert core.audit_recent(event="z_report")[0].details["net"] == z.net
    with pytest.raises(Conflict):                        # refunds on a closed terminal day are refused too
        core.refunds.refund(sale_id="d2", **sup(demo))
    r = core.refunds.refund(sale_id="d2", terminal_id="T2", **sup(demo))
    assert r.terminal_id == "T2"
    assert core.reports.z_report_get("T1", DAY) == z     # the stored report never changes
    with pytest.raises(NotFound):
        core.reports.z_report_get("T2", DAY)
    t2 = core.reports.x_report("T2", DAY)
    assert t2.agrees_with_ledger and t2.refunds_total == 150 + r.total
