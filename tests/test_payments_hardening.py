"""Issue 11, the payments side, attacked in one process: idempotency keys that are the same request
or nothing (1), strict ids, a switch to hardened withdrawing old codes (2), lock caps when the clock
jumps (5), fragments of a code never burning it (10a), and freezes / sign-outs / policy switches
that land while a payment, top-up or code issue is in flight (10b). Parallel processes: see
tests/test_payments_races.py. After every attack the ledger invariants hold (`qrpay check`)."""
from __future__ import annotations

import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared import codes, ledger
from shared.audit_events import AuditEvent
from shared.checks import run_checks
from shared.code_format import parse_code, sign_code
from shared.errors import (CodeRefused, Conflict, IdempotencyConflict, InputError, Locked, NotFound, QrpayError,
                           SessionInvalid)
from shared.staff import LOCK_SECONDS, MAX_LOCK_SECONDS
from test_sales import (BATTERY, CABLE, ONIGIRI, TEA, clerk, demo, store_balance,  # noqa: F401  (fixtures)
                        wallets)

VISA, MASTERCARD = "4242 4242 4242 4242", "5555 5555 5555 4444"


def sup(demo):
    s = next(s for s in demo["staff"] if s["role"] == "supervisor")
    return dict(supervisor_id=s["id"], pin=s["pin"])


def assert_books_balance(core):
    assert run_checks(core) == []


def dump(core) -> str:
    return "\n".join(core.db.connection.iterdump())


def pay(core, demo, code, sale_id, lines=((TEA, 1),), terminal="T1", clerk_id=None, **kw):
    return core.sales.pay(terminal_id=terminal, clerk_id=clerk_id or clerk(demo), code=code, lines=list(lines),
                          sale_id=sale_id, **kw)


def forged_like(text: str) -> str:
    """A well-formed QP1 code naming the real code's nonce, signed with someone else's key."""
    real = parse_code(text)
    return sign_code(Ed25519PrivateKey.generate(), nonce=real.nonce, wallet_ref=real.wallet_ref,
                     issued_at=real.issued_at, ttl=real.ttl, amount_cap=None, counter=real.counter)


# == item 1: a retried sale id is THE SAME REQUEST ===========================================================
def test_a_sale_id_cannot_be_reused_with_another_code(core, demo, wallets):
    """Before: `pay --sale-id S` with an approved sale's id returned its receipt whatever code was shown."""
    mine = wallets.code(0)
    first = pay(core, demo, mine.text, "S-approved")
    theirs = wallets.code(1)                                   # another customer's live code
    garbage = "QP1:" + "GARBAGE" * 25
    presented = [garbage, "hello", forged_like(mine.text), forged_like(theirs.text), theirs.text, theirs.numeric,
                 mine.nonce]
    balances = (wallets.balance(0), wallets.balance(1), store_balance(core))
    for text in presented:
        with pytest.raises(IdempotencyConflict) as e:
            pay(core, demo, text, "S-approved")
        assert e.value.code == "sale_id_conflict" and isinstance(e.value, Conflict)
        assert first.receipt_no not in e.value.message
    assert (wallets.balance(0), wallets.balance(1), store_balance(core)) == balances
    rows = core.audit_recent(event=AuditEvent.SALE_ID_CONFLICT)
    assert len(rows) == len(presented)
    assert all(r.severity == "alert" and r.details["differs"] == "code" and r.details["sale_id"] == "S-approved"
               for r in rows)
    assert len({r.details["presented_code_ref"] for r in rows}) == len(presented)   # told apart, never stored
    text = dump(core)
    for secret_text in (theirs.text, theirs.numeric, garbage):
        assert secret_text not in text
    # the other customer's code was not touched: still issued, no refusal recorded, and it pays
    assert core.codes.status(wallets.sessions[1], theirs.nonce).state.value == "issued"
    assert not core.audit_recent(event=AuditEvent.CODE_REPLAYED)
    assert pay(core, demo, theirs.text, "S-theirs").customer_id == wallets.customer(1)["customer_id"]
    assert_books_balance(core)


def test_the_same_request_again_is_the_first_sale_in_either_form_of_the_code(core, demo, wallets):
    code = wallets.code(0)
    first = pay(core, demo, code.text, "S-same", lines=[(ONIGIRI, 1), (TEA, 2)])
    before = wallets.balance(0)
    core.clock.advance(600)                                     # long after the code expired
    assert pay(core, demo, code.numeric, "S-same", lines=[(TEA, 2), (ONIGIRI, 1)]) == first
    assert pay(core, demo, code.text, "S-same", lines=[(TEA, 1), (ONIGIRI, 1), (TEA, 1)]) == first
    assert wallets.balance(0) == before
    assert not core.audit_recent(event=AuditEvent.SALE_ID_CONFLICT)


@pytest.mark.parametrize("change, differs", [
    (dict(lines=[(ONIGIRI, 2)]), "cart"),
    (dict(terminal="T2"), "terminal"),
    (dict(clerk_id="other"), "clerk"),
])
def test_another_cart_terminal_or_clerk_under_a_used_sale_id_is_a_conflict(core, demo, wallets, change, differs):
    code = wallets.code(0)
    pay(core, demo, code.text, "S-x", lines=[(ONIGIRI, 1)])
    if change.get("clerk_id") == "other":
        change = dict(clerk_id=core.staff.add("Kato", "clerk", "5150").id)
    before = wallets.balance(0)
    kw = {"lines": [(ONIGIRI, 1)], **change}
    with pytest.raises(IdempotencyConflict) as e:
        pay(core, demo, code.text, "S-x", **kw)
    assert e.value.code == "sale_id_conflict"
    row = core.audit_recent(event=AuditEvent.SALE_ID_CONFLICT)[0]
    assert row.details["differs"] == differs and row.severity == "warning"
    assert wallets.balance(0) == before
    assert_books_balance(core)


BAD_IDS = ["S1\n", " S1", "S1 ", "S1\t", "", "S" * 65, "S\x001", "S1\r\n", "Ｓ1", "S 1", "S1\u200b", None, 7]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_sale_ids_are_strict_and_nothing_is_written(core, demo, wallets, bad):
    """Before: `S1` and `S1\\n` were two sales: the customer was charged twice."""
    pay(core, demo, wallets.code(0).text, "S1")
    code = wallets.code(0)
    before = wallets.balance(0)
    with pytest.raises(InputError) as e:
        pay(core, demo, code.text, bad)
    assert e.value.code == "bad_input"
    assert wallets.balance(0) == before
    assert core.codes.status(wallets.sessions[0], code.nonce).state.value == "issued"
    with core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 1


@pytest.mark.parametrize("bad", [" T1-000001", "T1-000001\n", "T1-000001 ", "S1\n", "", "T１-000001"])
def test_receipt_lookups_are_strict(core, demo, wallets, bad):
    pay(core, demo, wallets.code(0).text, "S1")
    assert core.sales.receipt("T1-000001").sale_id == "S1"
    with pytest.raises(InputError):
        core.sales.receipt(bad)


@pytest.mark.parametrize("bad", ["T1\n", " T1", "T1 ", "T１", "T\u0661"])
def test_terminal_ids_are_strict(core, demo, wallets, bad):
    with pytest.raises(InputError):
        pay(core, demo, wallets.code(0).text, "S-t", terminal=bad)


# -- refunds ------------------------------------------------------------------------------------------------
@pytest.fixture
def paid(core, demo, wallets):
    return pay(core, demo, wallets.code(0).text, "S-paid", lines=[(ONIGIRI, 3), (BATTERY, 2)])


def test_a_refund_id_cannot_be_reused_for_another_refund(core, demo, wallets, paid):
    first = core.refunds.refund(sale_id=paid.id, lines=[(ONIGIRI, 1)], refund_id="R-1", **sup(demo))
    before, store_before = wallets.balance(0), store_balance(core)
    assert core.refunds.refund(sale_id=paid.id, lines=[(ONIGIRI, 1)], refund_id="R-1", **sup(demo)) == first
    assert core.refunds.refund(sale_id=paid.id, lines=[(ONIGIRI, 1)], refund_id="R-1", terminal_id="T1",
                               **sup(demo)) == first      # naming the terminal it was booked on is the same
    other_sup = core.staff.add("Ito", "supervisor", "6061")
    other = pay(core, demo, wallets.code(1).text, "S-other", lines=[(ONIGIRI, 1)])
    before, store_before = wallets.balance(0), store_balance(core)
    for kw in (dict(sale_id=paid.id, lines=[(ONIGIRI, 2)]), dict(sale_id=paid.id, lines=[(BATTERY, 1)]),
               dict(sale_id=paid.id, lines=None), dict(sale_id=paid.id, lines=[(ONIGIRI, 1)], terminal_id="T2"),
               dict(sale_id=other.id, lines=[(ONIGIRI, 1)])):
        with pytest.raises(IdempotencyConflict) as e:
            core.refunds.refund(refund_id="R-1", **sup(demo), **kw)
        assert e.value.code == "refund_id_conflict"
    with pytest.raises(IdempotencyConflict):
        core.refunds.refund(sale_id=paid.id, lines=[(ONIGIRI, 1)], refund_id="R-1", supervisor_id=other_sup.id,
                            pin="6061")
    assert (wallets.balance(0), store_balance(core)) == (before, store_before)
    assert len(core.audit_recent(event=AuditEvent.REFUND_ID_CONFLICT)) == 6
    assert_books_balance(core)


@pytest.mark.parametrize("bad", ["R1\n", " R1", "", "R" * 65, "R\x7f1", "Ｒ1"])
def test_refund_ids_are_strict(core, demo, paid, bad):
    with pytest.raises(InputError):
        core.refunds.refund(sale_id=paid.id, lines=[(ONIGIRI, 1)], refund_id=bad, **sup(demo))
    with core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM refunds").fetchone()[0] == 0


def test_a_refund_to_a_frozen_wallet_lands_and_the_wallet_stays_frozen(core, demo, wallets, paid):
    """Decision (shared/refunds.py): a freeze stops money leaving the wallet, not the customer's own
    money coming back from the store."""
    cid = wallets.customer(0)["customer_id"]
    core.wallet.freeze(cid, reason="suspicious", **sup(demo))
    before = wallets.balance(0)
    r = core.refunds.refund(sale_id=paid.id, lines=[(ONIGIRI, 1)], **sup(demo))
    assert wallets.balance(0) == before + r.total and core.identity.customer(cid).frozen
    assert_books_balance(core)


# -- top-ups ------------------------------------------------------------------------------------------------
@pytest.fixture
def hanako(core, demo, wallets):
    wallets.code(0)                                      # signs her in
    return wallets


def topup(w, amount, card=VISA, key=None):
    core = w.core
    code = w.customer(0)
    core.clock.advance(31)
    from shared import totp
    return core.topups.top_up(w.sessions[0], amount, card, totp=totp.totp_code(code["totp_secret"], core.now()),
                              idempotency_key=key)


def test_a_topup_key_cannot_be_reused_for_another_topup(core, hanako):
    first = topup(hanako, 3_000, key="K-1")
    before = hanako.balance(0)
    assert topup(hanako, 3_000, key="K-1") == first
    for amount, card in ((3_001, VISA), (3_000, MASTERCARD), (3_000, "4000 0566 5566 5556")):
        with pytest.raises(IdempotencyConflict) as e:
            topup(hanako, amount, card, key="K-1")
        assert e.value.code == "idempotency_key_conflict"
    assert hanako.balance(0) == before
    rows = core.audit_recent(event=AuditEvent.IDEMPOTENCY_KEY_CONFLICT)
    assert len(rows) == 3 and "K-1" not in str([r.details for r in rows])
    text = dump(core)
    for card in (VISA, MASTERCARD, "4242424242424242", "5555555555554444", "4000056655665556"):
        assert card not in text                          # only a keyed fingerprint of the card is kept
    assert_books_balance(core)


@pytest.mark.parametrize("bad", ["K1\n", " K1", "K1 ", "", "K" * 65, "K\x001", "Ｋ1"])
def test_topup_keys_are_strict(core, hanako, bad):
    topup(hanako, 1_000, key="K1")
    before = hanako.balance(0)
    with pytest.raises(InputError):
        topup(hanako, 1_000, key=bad)
    assert hanako.balance(0) == before


# -- the ledger -----------------------------------------------------------------------------------------------
def test_a_ledger_key_with_other_postings_raises_and_keys_are_strict(core, demo, wallets):
    cid = wallets.customer(0)["customer_id"]
    with core.db.write() as conn:
        first = ledger.transfer(conn, key="k-1", kind="seed", at=core.now(),
                                postings=[(ledger.CARD_CLEARING, -100), (ledger.wallet_account(cid), 100)])
    for postings, kind in (([(ledger.CARD_CLEARING, -101), (ledger.wallet_account(cid), 101)], "seed"),
                           ([(ledger.CARD_CLEARING, -100), (ledger.store_account(1), 100)], "seed"),
                           ([(ledger.CARD_CLEARING, -100), (ledger.wallet_account(cid), 100)], "topup")):
        with pytest.raises(Conflict), core.db.write() as conn:
            ledger.transfer(conn, key="k-1", kind=kind, at=core.now(), postings=postings)
    with core.db.write() as conn:
        assert ledger.transfer(conn, key="k-1", kind="seed", at=core.now(),
                               postings=[(ledger.wallet_account(cid), 100), (ledger.CARD_CLEARING, -100)]) == first
    for bad in ("k-1\n", " k-1", "k-1 ", "k\x00", "ｋ-1"):
        with pytest.raises(InputError), core.db.write() as conn:
            ledger.transfer(conn, key=bad, kind="seed", at=core.now(),
                            postings=[(ledger.CARD_CLEARING, -100), (ledger.wallet_account(cid), 100)])
    assert_books_balance(core)


# == item 2: revoke_all_for_customer runs in the caller's transaction =========================================
def test_revoke_all_for_customer_commits_or_rolls_back_with_its_caller(core, demo, wallets):
    code = wallets.code(0)
    cid = wallets.customer(0)["customer_id"]
    with pytest.raises(RuntimeError):
        codes.revoke_all_for_customer(core.db.connection, cid, reason="x", at=core.now())   # no transaction
    with pytest.raises(ZeroDivisionError), core.db.write() as conn:
        assert core.codes.revoke_all_for_customer(conn, cid, reason="password_reset", at=core.now()) == 1
        1 / 0                                            # the caller's change fails: the revocation goes too
    assert core.codes.status(wallets.sessions[0], code.nonce).state.value == "issued"
    with core.db.write() as conn:
        assert core.codes.revoke_all_for_customer(conn, cid, reason="password_reset", at=core.now()) == 1
        assert core.codes.revoke_all_for_customer(conn, cid, reason="password_reset", at=core.now()) == 0
    with pytest.raises(CodeRefused) as e:
        pay(core, demo, code.text, "S-revoked")
    assert e.value.code == "superseded"


# == item 10a: only a WHOLE, VALID code is redeemed or marked =================================================
def test_fragments_of_a_live_code_never_burn_it(core, demo, wallets):
    """Before: typing the code's nonce at a till marked the live code refused, and its owner's
    payment then raised a false replay alert."""
    code = wallets.code(0)
    digits = code.numeric
    one_off = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    fragments = [code.nonce, code.nonce.upper(), code.text[:40], code.text[:-1], code.text[4:], digits[:10],
                 one_off, digits[:-1], digits + "0", forged_like(code.text)]
    for i, fragment in enumerate(fragments):
        with pytest.raises(CodeRefused) as e:
            pay(core, demo, fragment, f"S-frag-{i}")
        assert e.value.code in ("not_ours", "malformed", "bad_signature"), (fragment, e.value.code)
        core.codes.record_refusal(fragment, "replayed", terminal_id="T1")   # even told it was a replay
    cid = wallets.customer(0)["customer_id"]
    assert core.codes.status(wallets.sessions[0], code.nonce).state.value == "issued"
    assert not [a for a in core.audit_recent(limit=500) if a.event != "code_issued"
                and (a.details.get("nonce") == code.nonce or (a.customer_id == cid and a.event.startswith("code_")))]
    replays_before = len(core.audit_recent(event=AuditEvent.CODE_REPLAYED))
    sale = pay(core, demo, code.text, "S-owner")        # the owner still pays, once
    assert sale.customer_id == cid
    assert len(core.audit_recent(event=AuditEvent.CODE_REPLAYED)) == replays_before     # no false replay alert
    assert_books_balance(core)


def test_a_whole_genuine_code_refused_is_still_burned(core, demo, wallets):
    code = wallets.code(2)                                # ¥5,000
    with pytest.raises(CodeRefused) as e:
        pay(core, demo, code.text, "S-big", lines=[(CABLE, 5)])
    assert e.value.code == "insufficient_funds"
    assert core.codes.status(wallets.sessions[2], code.nonce).state.value == "refused"


# == item 10b: a freeze, a sign-out or a policy switch that lands mid-flight ===================================
def test_a_topup_in_flight_when_the_wallet_is_frozen_does_not_land(core, demo, hanako, monkeypatch):
    cid = hanako.customer(0)["customer_id"]
    real = core.topups._authenticate

    def authenticate_then_freeze(*a, **kw):
        real(*a, **kw)
        core.wallet.freeze(cid, reason="stolen phone", **sup(demo))   # support, on another screen
    monkeypatch.setattr(core.topups, "_authenticate", authenticate_then_freeze)
    before = hanako.balance(0)
    with pytest.raises(Locked):
        topup(hanako, 5_000)
    assert hanako.balance(0) == before
    with core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM topups").fetchone()[0] == 0
    assert_books_balance(core)


def test_a_topup_in_flight_when_the_session_ends_does_not_land(core, demo, hanako, monkeypatch):
    real = core.topups._authenticate

    def authenticate_then_sign_out(token, *a, **kw):
        real(token, *a, **kw)
        core.identity.sign_out(token, everywhere=True)
    monkeypatch.setattr(core.topups, "_authenticate", authenticate_then_sign_out)
    before = hanako.balance(0)
    with pytest.raises(SessionInvalid):
        topup(hanako, 5_000)
    assert hanako.balance(0) == before


def test_a_2019_topup_in_flight_when_the_policy_is_hardened_does_not_land(core, demo, hanako, monkeypatch):
    core.set_policy("2019")
    token = hanako.sessions[0]
    core.topups.set_topup_password(token, "harbor-lantern-quartz-77")
    real = core.topups._authenticate

    def authenticate_then_harden(*a, **kw):
        real(*a, **kw)                                    # a password only: 2019's rule
        core.set_policy("hardened")
    monkeypatch.setattr(core.topups, "_authenticate", authenticate_then_harden)
    before = hanako.balance(0)
    with pytest.raises(QrpayError) as e:
        core.topups.top_up(token, 50_000, VISA, topup_password="harbor-lantern-quartz-77")
    assert e.value.code == "policy_changed"
    assert hanako.balance(0) == before


def test_a_payment_with_a_frozen_customer_is_refused_inside_its_transaction(core, demo, wallets):
    code = wallets.code(0)
    cid = wallets.customer(0)["customer_id"]
    with core.db.write() as conn:                         # frozen without its codes being revoked
        core.identity.set_frozen(conn, cid, True)
    before = wallets.balance(0)
    with pytest.raises(CodeRefused) as e:
        pay(core, demo, code.text, "S-frozen")
    assert e.value.code == "account_locked" and wallets.balance(0) == before


def test_a_code_issued_while_the_wallet_is_frozen_meanwhile_is_refused(core, demo, wallets, monkeypatch):
    wallets.code(0)
    cid = wallets.customer(0)["customer_id"]
    real_ttl = core.codes.ttl_seconds

    def freeze_meanwhile(policy=None):
        core.wallet.freeze(cid, reason="fraud", **sup(demo))
        return real_ttl(policy)
    monkeypatch.setattr(core.codes, "ttl_seconds", freeze_meanwhile)
    with pytest.raises(Locked):
        wallets.code(0)
    with core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM payment_codes WHERE state = 'issued'").fetchone()[0] == 0


def test_a_code_issued_while_the_session_is_signed_out_meanwhile_is_refused(core, demo, wallets, monkeypatch):
    wallets.code(0)
    real_ttl = core.codes.ttl_seconds

    def sign_out_meanwhile(policy=None):
        core.identity.sign_out(wallets.sessions[0], everywhere=True)   # e.g. a password reset elsewhere
        return real_ttl(policy)
    monkeypatch.setattr(core.codes, "ttl_seconds", sign_out_meanwhile)
    with core.db.read() as conn:
        codes_before = conn.execute("SELECT count(*) FROM payment_codes").fetchone()[0]
    with pytest.raises(SessionInvalid):
        wallets.code(0)
    with core.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM payment_codes").fetchone()[0] == codes_before


# == item 5 (one process): locks are capped whatever the clock does =========================================
def lock_out(core, staff_id, wrong="0000"):
    for _ in range(5):
        with pytest.raises((Locked, QrpayError)):
            core.staff.verify(staff_id, wrong)


@pytest.mark.parametrize("policy, cap", [("hardened", 3600), ("2019", MAX_LOCK_SECONDS)])
def test_a_staff_lock_never_outlasts_the_cap_when_the_clock_jumps_back(core, policy, cap):
    core.set_policy(policy)
    s = core.staff.add("Sato", "supervisor", "4821")
    lock_out(core, s.id)
    core.clock.set(core.now() - 365 * 86400)              # the clock jumps back a year
    with pytest.raises(Locked) as e:
        core.staff.verify(s.id, "4821")
    until = e.value.details["until"]
    assert core.now() < until <= core.now() + cap
    assert "minute" in e.value.message and "-" not in e.value.message.split("locked for")[1][:4]
    core.clock.advance(cap + 1)
    assert core.staff.verify(s.id, "4821") == s
    assert LOCK_SECONDS <= cap


def test_a_staff_lock_ends_when_the_clock_jumps_forward(core):
    s = core.staff.add("Sato", "clerk", "4821")
    lock_out(core, s.id)
    core.clock.advance(10 * 365 * 86400)
    assert core.staff.verify(s.id, "4821") == s


def test_the_2019_topup_password_locks_after_five_wrong_and_is_capped(core, demo, hanako):
    core.set_policy("2019")
    token = hanako.sessions[0]
    core.topups.set_topup_password(token, "harbor-lantern-quartz-77")
    for i in range(4):
        with pytest.raises(QrpayError) as e:
            core.topups.top_up(token, 1_000, VISA, topup_password=f"wrong-guess-{i}")
        assert e.value.code == "invalid_credentials"
    with pytest.raises(Locked):
        core.topups.top_up(token, 1_000, VISA, topup_password="wrong-guess-5")
    with pytest.raises(Locked):                           # the right password is not even checked
        core.topups.top_up(token, 1_000, VISA, topup_password="harbor-lantern-quartz-77")
    assert core.audit_recent(event=AuditEvent.TOPUP_PASSWORD_LOCKED)[0].severity == "alert"
    core.clock.set(core.now() - 30 * 86400)               # clock jumps back a month: capped at one hour
    with pytest.raises(Locked) as e:
        core.topups.top_up(token, 1_000, VISA, topup_password="harbor-lantern-quartz-77")
    assert e.value.details["until"] <= core.now() + 3600
    core.clock.advance(3601)
    before = hanako.balance(0)
    core.topups.top_up(token, 1_000, VISA, topup_password="harbor-lantern-quartz-77")
    assert hanako.balance(0) == before + 1_000
    assert_books_balance(core)


def test_ids_from_callers_are_never_stripped(core):
    from shared.idempotency import check_id
    assert check_id("S-1.a:b_c") == "S-1.a:b_c"
    for bad in ("S-1\n", "\nS-1", "S-1\x00", "S 1", "", "-S", "S" * 65, b"S1"):
        with pytest.raises(InputError):
            check_id(bad)
    with pytest.raises(NotFound):
        core.sales.receipt("S-unknown")


@pytest.mark.parametrize("bad", ["1", True, 1.0, 0, -1, 2**63, None])
def test_wallet_customer_ids_from_callers_are_checked(core, demo, bad):
    with pytest.raises(InputError):
        core.wallet.balance(bad)
    with pytest.raises(InputError):
        core.wallet.history(bad)
