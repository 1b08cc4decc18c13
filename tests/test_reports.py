"""X and Z reports per terminal and business day, and their agreement with the ledger."""
import pytest

from shared.audit_events import AuditEvent
from shared.errors import Conflict, NotFound
from shared.receipts import business_date_of
from shared.reports import ReportKind
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
    assert z.kind is ReportKind.Z and (z.sales_count, z.gross, z.net, z.tax_by_rate) == (x.sales_count, x.gross, x.net,
                                                                                 x.tax_by_rate)
    with pytest.raises(Conflict) as e:
        core.reports.z_report("T1", DAY, **sup(demo))
    assert e.value.code == "already_closed"
    assert core.reports.z_report_get("T1", DAY) == z
    assert core.audit_recent(event=AuditEvent.Z_REPORT)[0].details["net"] == z.net
    with pytest.raises(Conflict):                        # refunds on a closed terminal day are refused too
        core.refunds.refund(sale_id="d2", **sup(demo))
    r = core.refunds.refund(sale_id="d2", terminal_id="T2", **sup(demo))
    assert r.terminal_id == "T2"
    assert core.reports.z_report_get("T1", DAY) == z     # the stored report never changes
    with pytest.raises(NotFound):
        core.reports.z_report_get("T2", DAY)
    t2 = core.reports.x_report("T2", DAY)
    assert t2.agrees_with_ledger and t2.refunds_total == 150 + r.total


# -- tax of refunds nets exactly (issue 11, 10d) -----------------------------------------------------------
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.catalog import make_ean13
from shared.errors import InputError, InvalidCredentials, PermissionDenied
from shared.tax import refund_tax, tax_included

BENTO, BEER = make_ean13("490120000201"), make_ean13("490333300101")   # ¥598 at 8%, ¥218 at 10%


def net_tax(report):
    return {r.rate: (r.taxable_incl, r.tax) for r in report.net_tax_by_rate}


def test_a_sale_refunded_line_by_line_nets_to_exactly_zero_tax(core, demo, wallets):
    wallets.fund(0, 20_000)
    lines = [(BENTO, 3), (ONIGIRI, 1), (BATTERY, 1), (BEER, 3)]        # 8%: 1944 → ¥144; 10%: 1152 → ¥104
    s = core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(0).text, lines=lines, sale_id="odd")
    assert s.tax_by_rate() == {"8": 144, "10": 104}
    refunds = [core.refunds.refund(sale_id="odd", lines=[(jan, 1)], **sup(demo))
               for jan, qty in lines for _ in range(qty)]
    # each refund receipt: per-line rounding would give 598→44, 150→11, 498→45, 218→19: 3*44+11 = 143 ≠ 144
    assert sum(r.tax_by_rate()["8"] for r in refunds) == 144
    assert sum(r.tax_by_rate()["10"] for r in refunds) == 104
    for report in (core.reports.x_report("T1", DAY), core.reports.z_report("T1", DAY, **sup(demo))):
        assert report.net == 0 and report.agrees_with_ledger
        assert net_tax(report) == {8: (0, 0), 10: (0, 0)}
        assert report.to_json()["net_tax_by_rate"] == {"8": {"taxable_incl": 0, "tax": 0},
                                                       "10": {"taxable_incl": 0, "tax": 0}}
    receipt = core.sales.receipt("odd")
    assert sum(r.by_rate[0].tax for r in receipt.refunds if r.by_rate and r.by_rate[0].rate == 8) == 144


def test_a_partial_refund_leaves_exactly_the_tax_of_what_was_kept(core, demo, wallets):
    wallets.fund(1, 20_000)
    core.sales.pay(terminal_id="T1", clerk_id=clerk(demo), code=wallets.code(1).text,
                   lines=[(BENTO, 5), (BEER, 4), (TEA, 1)], sale_id="p1")
    core.refunds.refund(sale_id="p1", lines=[(BENTO, 2), (BEER, 1)], **sup(demo))
    core.refunds.refund(sale_id="p1", lines=[(BENTO, 1), (TEA, 1)], **sup(demo))
    kept8, kept10 = 598 * 2, 218 * 3
    x = core.reports.x_report("T1", DAY)
    assert net_tax(x) == {8: (kept8, tax_included(kept8, 8)), 10: (kept10, tax_included(kept10, 10))}
    assert x.net == kept8 + kept10 == x.ledger_net


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 99_999), st.integers(1, 8)), min_size=1, max_size=6),
       st.sampled_from([8, 10]), st.randoms(use_true_random=False))
def test_refund_taxes_of_any_split_add_up_to_the_fall_in_the_sale_tax(lines, rate, rnd):
    """Units refunded in any order and grouping: the refunds' tax is always tax(sold) − tax(kept)."""
    units = [price for price, qty in lines for _ in range(qty)]
    sold = sum(units)
    rnd.shuffle(units)
    refunded, taxes, cut = 0, [], rnd.randint(0, len(units))
    refund_units = units[:cut]
    while refund_units:
        k = rnd.randint(1, len(refund_units))
        amount = sum(refund_units[:k])
        refund_units = refund_units[k:]
        taxes.append(refund_tax(sold, refunded, amount, rate))
        refunded += amount
    assert all(t >= 0 for t in taxes)
    assert sum(taxes) == tax_included(sold, rate) - tax_included(sold - refunded, rate)
    if refunded == sold:
        assert sum(taxes) == tax_included(sold, rate)
    with pytest.raises(InputError):
        refund_tax(sold, refunded, sold - refunded + 1, rate)


# -- closing a day (issue 11, 10c) ------------------------------------------------------------------------
def test_z_needs_a_supervisor_pin(core, demo, day_of_trade):
    clerk_staff = demo["staff"][0]
    with pytest.raises(InvalidCredentials):
        core.reports.z_report("T1", DAY, supervisor_id=sup(demo)["supervisor_id"], pin="000000")
    with pytest.raises(PermissionDenied):
        core.reports.z_report("T1", DAY, supervisor_id=clerk_staff["id"], pin=clerk_staff["pin"])
    assert not core.reports.is_closed("T1", DAY)
    z = core.reports.z_report("T1", DAY, **sup(demo))
    assert core.audit_recent(event=AuditEvent.Z_REPORT)[0].actor == f"staff:{sup(demo)['supervisor_id']}"
    assert z.audit_rows and len(z.audit_head) == 64


def test_z_cannot_close_a_day_that_has_not_begun_in_japan(core, demo):
    core.clock.set("2026-11-25T14:59:59Z")               # 23:59:59 JST on the 25th
    for day in ("2026-11-26", "2027-01-01", "9999-12-31"):
        with pytest.raises(InputError) as e:
            core.reports.z_report("T1", day, **sup(demo))
        assert e.value.code == "future_day"
    assert not core.reports.is_closed("T1", "2026-11-26")
    core.clock.set("2026-11-25T15:00:00Z")               # midnight in Japan: the 26th has begun
    assert core.reports.z_report("T1", "2026-11-26", **sup(demo)).business_date == "2026-11-26"
    assert core.reports.z_report("T1", "2026-11-20", **sup(demo)).sales_count == 0   # a past day: allowed


def test_the_z_head_is_checked_by_verify_and_catches_a_rewritten_log(core, demo, day_of_trade, db_path):
    import sqlite3
    from shared import audit
    z = core.reports.z_report("T1", DAY, **sup(demo))
    printed = f"{z.audit_rows}:{z.audit_head}"
    assert core.reports.z_report_get("T1", DAY).audit_head == z.audit_head
    with core.db.read() as conn:
        from shared.reports import stored_z_heads
        assert audit.verify(conn, expected=stored_z_heads(conn)).ok
        assert audit.verify(conn, expected=[("paper", z.audit_rows, z.audit_head)]).ok
    c = sqlite3.connect(db_path, isolation_level=None)
    c.execute("DROP TRIGGER audit_log_no_update")        # the attacker with the file drops the guard first
    c.execute("UPDATE audit_log SET details = '{}' WHERE id = 1")
    prev = audit.GENESIS                                 # the attacker recomputes every hash
    for r in c.execute("SELECT id, at, event, severity, customer_id, actor, details FROM audit_log ORDER BY id"
                       ).fetchall():
        h = audit._digest(prev, *r[1:])
        c.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, r[0]))
        prev = h
    c.close()
    with core.db.read() as conn:
        v = audit.verify(conn, expected=[("paper", z.audit_rows, z.audit_head)])
    assert not v.ok and "chain_broken" not in {p.check for p in v.problems}
    assert {"expected_head_mismatch", "head_hash_differs", "rollback"} <= {p.check for p in v.problems}
    assert printed.split(":")[0] == str(z.audit_rows)
