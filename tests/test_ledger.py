"""The ledger: balanced integer postings, append-only journal, no negative wallet, idempotent keys."""
from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shared import ledger
from shared.errors import Conflict, InputError, InsufficientFunds, NotFound
from shared.money import Yen
from shared.storage import ledger_store
from shared.storage.db import Database, open_database
from tests.parallel import race

W1, W2, STORE = ledger.wallet_account(1), ledger.wallet_account(2), ledger.store_account(1)


def fund(conn, account=W1, amount=10_000, key="fund-1", at=0.0):
    return ledger.transfer(conn, key=key, kind="topup", at=at,
                           postings=[(ledger.CARD_CLEARING, -amount), (account, amount)])


def assert_holds(core, w1: int) -> None:
    """Wallet 1 holds `w1` and the journal checks out (balanced, nothing negative)."""
    with core.db.read() as conn:
        assert ledger.balance(conn, W1) == w1
        assert ledger.check(conn) == []


def test_a_transfer_moves_money_and_records_its_postings(core):
    with core.db.write() as conn:
        t = fund(conn, amount=5000, at=core.now())
        pay = ledger.transfer(conn, key="sale-1", kind="payment", at=core.now(), memo="Store 1",
                              postings=[(W1, -1280), (STORE, Yen(1280))], customer_id=1, sale_id="S-1")
    assert t.postings == (ledger.Posting("card_clearing", -5000), ledger.Posting(W1, 5000))
    assert pay.sale_id == "S-1" and pay.customer_id == 1
    with core.db.read() as conn:
        assert ledger.balance(conn, W1) == 3720
        assert ledger.balance(conn, STORE) == 1280
        assert ledger.balance(conn, ledger.CARD_CLEARING) == -5000
        assert ledger.get(conn, key="sale-1") == pay
        assert ledger.check(conn) == []


@pytest.mark.parametrize("bad", [12.0, 1.5, True, "100", None, Yen(5).amount * 1.0])
def test_amounts_must_be_ints(core, bad):
    with core.db.write() as conn, pytest.raises(TypeError):
        ledger.transfer(conn, key="k", kind="topup", at=0.0, postings=[(W1, bad), (STORE, -100)])


@pytest.mark.parametrize("postings, why", [
    ([(W1, 100), (STORE, -99)], "sum to"),
    ([(W1, 100)], "at least two"),
    ([], "at least two"),
    ([(W1, 0), (STORE, 0)], "¥0"),
    ([("Wallet 1", 100), (STORE, -100)], "account"),
    ([("wallet:1; DROP TABLE postings", 100), (STORE, -100)], "account"),
])
def test_unbalanced_or_malformed_transfers_are_refused_and_move_nothing(core, postings, why):
    with core.db.write() as conn:
        fund(conn)
    with pytest.raises(InputError, match=why):
        with core.db.write() as conn:
            ledger.transfer(conn, key="bad", kind="payment", at=0.0, postings=postings)
    with core.db.read() as conn:
        assert ledger.get(conn, key="bad") is None
    assert_holds(core, 10_000)


def test_transfer_outside_a_write_transaction_is_a_programming_error(core):
    with pytest.raises(RuntimeError):
        ledger.transfer(core.db.connection, key="k", kind="topup", at=0.0, postings=[(W1, 1), (STORE, -1)])


def test_a_wallet_never_goes_below_zero(core):
    with core.db.write() as conn:
        fund(conn, amount=1000)
    with pytest.raises(InsufficientFunds) as e:
        with core.db.write() as conn:
            ledger.transfer(conn, key="too-much", kind="payment", at=0.0, postings=[(W1, -1001), (STORE, 1001)])
    assert e.value.details == {"available": 1000, "needed": 1001}
    with core.db.write() as conn:  # exactly the balance is fine
        ledger.transfer(conn, key="all", kind="payment", at=0.0, postings=[(W1, -1000), (STORE, 1000)])
    assert_holds(core, 0)


def test_a_wallet_net_of_several_postings_in_one_transfer_is_what_counts(core):
    with core.db.write() as conn:
        fund(conn, amount=100)
        # −150 then +100 on the same wallet nets −50: allowed with 100 in it.
        ledger.transfer(conn, key="split", kind="payment", at=0.0,
                        postings=[(W1, -150), (W1, 100), (STORE, 50)])
        with pytest.raises(InsufficientFunds):
            ledger.transfer(conn, key="split2", kind="payment", at=0.0,
                            postings=[(W1, -151), (W1, 100), (STORE, 51)])
    with core.db.read() as conn:
        assert ledger.balance(conn, W1) == 50


def test_the_database_refuses_a_negative_wallet_even_if_the_code_check_is_bypassed(core):
    with core.db.write() as conn:
        fund(conn, amount=10)
    with pytest.raises(sqlite3.IntegrityError):
        with core.db.write() as conn:
            ledger_store.add_to_balance(conn, W1, -11)
    with pytest.raises(sqlite3.IntegrityError):
        with core.db.write() as conn:
            conn.execute("INSERT INTO postings (transfer_id, account, amount) VALUES (1, ?, 1.5)", (W1,))


def test_the_same_key_returns_the_first_transfer_and_moves_nothing(core):
    with core.db.write() as conn:
        first = fund(conn, amount=700, key="topup-abc")
    with core.db.write() as conn:
        again = fund(conn, amount=700, key="topup-abc")
    assert again == first
    with core.db.read() as conn:
        assert ledger.balance(conn, W1) == 700
        assert ledger.totals(conn)["transfers"] == 1


def test_an_opening_balance_is_one_seed_transfer_from_card_clearing_booked_once(core):
    with core.db.write() as conn:
        t = ledger.opening_balance(conn, 1, 4_200, key="seed:1", at=core.now())
        assert ledger.opening_balance(conn, 1, 4_200, key="seed:1", at=core.now()) == t   # a re-run books nothing
        with pytest.raises(Conflict):
            ledger.opening_balance(conn, 1, 4_300, key="seed:1", at=core.now())
    assert t.kind == "seed" and t.customer_id == 1 and t.memo == "Opening balance"
    assert set(t.postings) == {ledger.Posting(ledger.CARD_CLEARING, -4_200), ledger.Posting(W1, 4_200)}
    assert_holds(core, 4_200)


def test_the_same_key_with_other_postings_is_a_conflict(core):
    with core.db.write() as conn:
        fund(conn, amount=700, key="topup-abc")
    for other in (dict(amount=701), dict(account=W2, amount=700)):
        with pytest.raises(Conflict), core.db.write() as conn:
            fund(conn, key="topup-abc", **other)
    with core.db.read() as conn:
        assert ledger.balance(conn, W1) == 700 and ledger.balance(conn, W2) == 0


@pytest.mark.parametrize("sql", [
    "UPDATE postings SET amount = 999999 WHERE id = 1",
    "UPDATE postings SET account = 'wallet:2'",
    "DELETE FROM postings",
    "UPDATE transfers SET kind = 'refund'",
    "DELETE FROM transfers WHERE id = 1",
])
def test_the_database_refuses_update_and_delete_of_the_journal(core, sql):
    with core.db.write() as conn:
        fund(conn)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        with core.db.write() as conn:
            conn.execute(sql)
    assert_holds(core, 10_000)


def test_corrections_are_reversing_transfers(core):
    with core.db.write() as conn:
        t = fund(conn, amount=3000)
        r = ledger.reverse(conn, t.id, key="rev-1", at=1.0)
        assert ledger.reverse(conn, t.id, key="rev-1", at=1.0) == r  # idempotent
        with pytest.raises(Conflict):
            ledger.reverse(conn, t.id, key="rev-2", at=1.0)
        with pytest.raises(NotFound):
            ledger.reverse(conn, 999, key="rev-3", at=1.0)
    assert r.kind == "reversal" and r.reverses == t.id
    assert sorted(r.postings, key=lambda p: p.account) == [ledger.Posting(ledger.CARD_CLEARING, 3000),
                                                           ledger.Posting(W1, -3000)]
    assert_holds(core, 0)


def test_reversing_a_top_up_already_spent_is_refused(core):
    with core.db.write() as conn:
        t = fund(conn, amount=3000)
        ledger.transfer(conn, key="pay", kind="payment", at=0.0, postings=[(W1, -2000), (STORE, 2000)])
        with pytest.raises(InsufficientFunds):
            ledger.reverse(conn, t.id, key="rev", at=1.0)


# -- two processes spending the same yen at the same moment ------------------------------------------
def _spend_all(path: str, key: str, barrier, results) -> None:
    db = open_database(path)
    barrier.wait()
    try:
        with db.write() as conn:
            ledger.transfer(conn, key=key, kind="payment", at=0.0, postings=[(W1, -1000), (STORE, 1000)])
        results.put("paid")
    except InsufficientFunds:
        results.put("insufficient_funds")
    finally:
        db.close()


def test_two_processes_cannot_both_spend_the_same_balance(db_target):
    db = open_database(db_target)
    with db.write() as conn:
        fund(conn, amount=1000)
    db.close()
    outcomes = sorted(race(_spend_all, [(str(db_target), f"sale-{i}") for i in range(2)]))
    assert outcomes == ["insufficient_funds", "paid"]
    db = open_database(db_target)
    with db.read() as conn:
        assert ledger.balance(conn, W1) == 0
        assert ledger.balance(conn, STORE) == 1000
        assert ledger.check(conn) == []
    db.close()


# -- property: any sequence of transfers keeps every invariant -----------------------------------
ACCOUNTS = [W1, W2, ledger.wallet_account(3), STORE, ledger.store_account(2), ledger.CARD_CLEARING, ledger.REFUNDS]


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.db = Database(Path(self.tmp.name) / "l.sqlite3")
        self.model: dict[str, int] = {a: 0 for a in ACCOUNTS}
        self.done: dict[str, tuple] = {}   # key -> postings that were accepted
        self.n = 0

    def teardown(self) -> None:
        self.db.close()
        self.tmp.cleanup()

    def _apply(self, key: str, postings: list[tuple[str, int]]) -> None:
        net: dict[str, int] = {}
        for a, x in postings:
            net[a] = net.get(a, 0) + x
        expect_ok = all(not ledger.is_wallet(a) or d >= 0 or self.model[a] + d >= 0 for a, d in net.items())
        try:
            with self.db.write() as conn:
                ledger.transfer(conn, key=key, kind="payment", at=float(self.n), postings=postings)
        except InsufficientFunds:
            assert not expect_ok
            return
        assert expect_ok
        for a, d in net.items():
            self.model[a] += d
        self.done[key] = tuple(postings)

    @rule(src=st.sampled_from(ACCOUNTS), dst=st.sampled_from(ACCOUNTS), amount=st.integers(1, 50_000))
    def move(self, src, dst, amount):
        self.n += 1
        self._apply(f"k{self.n}", [(src, -amount), (dst, amount)])

    @rule(parts=st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.integers(-20_000, 20_000).filter(bool)),
                         min_size=1, max_size=5))
    def split(self, parts):
        self.n += 1
        balance = -sum(x for _, x in parts)
        postings = parts + ([(ledger.CARD_CLEARING, balance)] if balance else [(ledger.CARD_CLEARING, 1),
                                                                                (ledger.REFUNDS, -1)])
        self._apply(f"k{self.n}", postings)

    @precondition(lambda self: self.done)
    @rule(data=st.data())
    def replay(self, data):
        key = data.draw(st.sampled_from(sorted(self.done)))
        with self.db.write() as conn:
            again = ledger.transfer(conn, key=key, kind="payment", at=0.0, postings=self.done[key])
        assert again.key == key

    @invariant()
    def invariants_hold(self):
        with self.db.read() as conn:
            assert ledger.check(conn) == []
            for a, expected in self.model.items():
                assert ledger.balance(conn, a) == expected
                assert ledger_store.journal_balance(conn, a) == expected
                if ledger.is_wallet(a):
                    assert expected >= 0
        assert sum(self.model.values()) == 0


TestLedgerProperties = LedgerMachine.TestCase
TestLedgerProperties.settings = settings(max_examples=25, stateful_step_count=25, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
