"""The wallet: balance and history from the ledger; a supervisor's freeze and unfreeze."""
from __future__ import annotations

import pytest

from shared import codes, ledger
from shared.audit_events import AuditEvent
from shared.errors import InputError, InvalidCredentials, NotFound, PermissionDenied
from shared.wallet import EntryKind

PASSWORD = "violet kettle orbit 1987 lantern"


@pytest.fixture
def cid(core):
    return core.identity.register("ann@example.com", "Ann", PASSWORD).customer_id


@pytest.fixture
def supervisor(core):
    return core.staff.add("Sato", "supervisor", "4321")


def move(core, key, kind, postings, **kw):
    with core.db.write() as conn:
        return ledger.transfer(conn, key=key, kind=kind, at=core.now(), postings=postings, **kw)


def test_balance_and_history_read_the_ledger(core, cid, clock):
    w = ledger.wallet_account(cid)
    assert core.wallet.balance(cid) == 0 and core.wallet.history(cid) == []
    move(core, "t1", "topup", [(ledger.CARD_CLEARING, -5000), (w, 5000)], memo="Top-up from Visa •••• 4242",
         customer_id=cid)
    clock.advance(60)
    move(core, "s1", "payment", [(w, -1280), ("store:1", 1280)], memo="Store 1 Shibuya", customer_id=cid,
         sale_id="S-0001")
    clock.advance(60)
    move(core, "r1", "refund", [("store:1", -280), (w, 280)], memo="Store 1 Shibuya", customer_id=cid,
         sale_id="S-0001")
    assert core.wallet.balance(cid) == 4000
    h = core.wallet.history(cid)
    assert [(e.kind, e.amount, e.ref) for e in h] == [(EntryKind.REFUND, 280, "S-0001"),
                                                      (EntryKind.PAYMENT, -1280, "S-0001"),
                                                      (EntryKind.TOPUP, 5000, h[2].ref)]
    assert h[2].ref.startswith("T")
    assert "Store 1 Shibuya" in h[1].description and "S-0001" in h[1].description
    assert h[2].description == "Top-up from Visa •••• 4242"
    assert h[0].at > h[1].at > h[2].at
    assert len(core.wallet.history(cid, limit=2)) == 2
    with pytest.raises(InputError):
        core.wallet.history(cid, limit=0)


def test_another_wallet_is_not_in_the_history(core, cid):
    move(core, "t1", "topup", [(ledger.CARD_CLEARING, -100), (ledger.wallet_account(cid + 1), 100)])
    assert core.wallet.history(cid) == [] and core.wallet.balance(cid) == 0


def test_a_supervisor_freezes_and_unfreezes_a_wallet(core, cid, supervisor):
    move(core, "t1", "topup", [(ledger.CARD_CLEARING, -900), (ledger.wallet_account(cid), 900)])
    core.wallet.freeze(cid, supervisor_id=supervisor.id, pin="4321", reason="reported stolen phone")
    assert core.identity.customer(cid).frozen
    row = core.audit_recent(event=AuditEvent.WALLET_FROZEN)[0]
    assert (row.severity, row.customer_id, row.actor) == ("warning", cid, f"staff:{supervisor.id}")
    assert row.details["reason"] == "reported stolen phone" and "4321" not in str(row.details)
    notice = core.inbox("ann@example.com")[0]
    assert notice.subject == "Your wallet was frozen" and "¥900" in notice.body
    assert core.wallet.balance(cid) == 900  # freezing moves no money

    core.wallet.unfreeze(cid, supervisor_id=supervisor.id, pin="4321")
    assert not core.identity.customer(cid).frozen
    assert core.audit_recent(event=AuditEvent.WALLET_UNFROZEN)[0].customer_id == cid
    assert core.inbox("ann@example.com")[0].subject == "Your wallet was unfrozen"


def test_a_clerk_or_a_wrong_pin_cannot_freeze(core, cid, supervisor):
    clerk = core.staff.add("Tanaka", "clerk", "1111")
    with pytest.raises(PermissionDenied):
        core.wallet.freeze(cid, supervisor_id=clerk.id, pin="1111", reason="x")
    with pytest.raises(InvalidCredentials):
        core.wallet.freeze(cid, supervisor_id=supervisor.id, pin="0000", reason="x")
    assert not core.identity.customer(cid).frozen
    assert core.audit_recent(event=AuditEvent.WALLET_FROZEN) == []
    assert core.inbox("ann@example.com") == []


def test_freezing_an_unknown_customer_is_refused(core, supervisor):
    with pytest.raises(NotFound):
        core.wallet.freeze(999, supervisor_id=supervisor.id, pin="4321", reason="x")


def test_freeze_revokes_outstanding_payment_codes_in_the_same_transaction(core, cid, supervisor, monkeypatch):
    calls = []

    def revoke_all_for_customer(conn, customer_id, *, reason, at):
        calls.append((customer_id, reason, at, conn.in_transaction))
        return 2

    monkeypatch.setattr(codes, "revoke_all_for_customer", revoke_all_for_customer)
    core.wallet.freeze(cid, supervisor_id=supervisor.id, pin="4321", reason="fraud")
    assert calls == [(cid, "frozen", core.now(), True)]
    assert core.audit_recent(event=AuditEvent.WALLET_FROZEN)[0].details["payment_codes_revoked"] == 2
    core.wallet.unfreeze(cid, supervisor_id=supervisor.id, pin="4321")
    assert len(calls) == 1  # unfreezing brings no code back and revokes nothing


def test_a_frozen_wallet_refuses_top_ups(core, cid, supervisor, clock):
    from shared.totp import totp_code
    enrol_secret = core.identity.authenticator_accounts()[0][1]
    core.identity.confirm_totp("ann@example.com", totp_code(enrol_secret, core.now()))
    clock.advance(30)
    token = core.identity.sign_in("ann@example.com", PASSWORD, totp=totp_code(enrol_secret, core.now())).token
    core.wallet.freeze(cid, supervisor_id=supervisor.id, pin="4321", reason="fraud")
    clock.advance(30)
    with pytest.raises(Exception) as e:
        core.topups.top_up(token, 1000, "4242424242424242", totp=totp_code(enrol_secret, core.now()))
    assert e.value.code == "locked"
    assert core.wallet.balance(cid) == 0
