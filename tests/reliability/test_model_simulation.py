"""Model-based simulation: a Hypothesis state machine drives the real core (a real SQLite file, a
FixedClock that jumps) through code issues, payments (QR and numeric, genuine and forged),
retries, refunds, top-ups and freezes, under both policies, and predicts every outcome from a
small reference model of wallets, codes, sales and refunds. After every step: balances equal the
model, every redemption count equals the model's, `qrpay check` finds nothing.

Fast: a modest, derandomised run in the normal suite. Long: QRPAY_LONG=1 (1,000 runs of up to 50 steps;
QRPAY_MODEL_RUNS / QRPAY_MODEL_STEPS override). A failure prints its steps and a
@reproduce_failure blob; a random run is replayed with `pytest --hypothesis-seed=N`.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (Bundle, RuleBasedStateMachine, initialize, invariant, multiple, precondition,
                                 rule, run_state_machine_as_test)

from shared import ledger
from shared.checks import run_checks
from shared.clock import FixedClock
from shared.core import Core
from shared.errors import CodeRefused, QrpayError
from shared.policy import policy_named
from shared.storage import codes_store

from .helpers import (ITEMS, JANS, TOPUP_CARD, TOPUP_PASSWORD, Driver, clerk_of, copy_database, env_int,
                      seed_database, supervisor_of)

DAY = 86_400
FUND = 30_000
_TEMPLATES: dict[str, tuple[Path, dict]] = {}
_WORKDIR = Path(tempfile.mkdtemp(prefix="qrpay-model-"))
atexit.register(shutil.rmtree, _WORKDIR, True)
FIGURES: Counter[str] = Counter()
BACKEND = {"name": "sqlite"}  # set by the test: "postgres" runs every example in a fresh PostgreSQL world


def template(policy: str) -> tuple[Path, dict]:
    """A seeded database per policy, made once and copied for every run (seeding is the slow part)."""
    if policy not in _TEMPLATES:
        path = _WORKDIR / f"template-{policy}.sqlite3"
        _TEMPLATES[policy] = (path, seed_database(path, policy=policy, fund=FUND))
    return _TEMPLATES[policy]


@dataclass
class MCode:
    nonce: str
    text: str
    numeric: str
    cust: int
    issued_at: int
    expires_at: int
    cap: int | None
    single_use: bool
    state: str = "issued"
    redemptions: int = 0


@dataclass
class MSale:
    sale_id: str
    cust: int
    code: MCode
    lines: dict[str, int]
    total: int
    terminal: str
    refunded: Counter = field(default_factory=Counter)


def cart_total(lines) -> int:
    return sum(ITEMS[jan][0] * qty for jan, qty in lines)


# Mostly small carts and short waits (a code lives 60 s), with the edges of every limit in reach.
carts = st.dictionaries(st.sampled_from(JANS), st.integers(1, 3) | st.integers(1, 30), min_size=1,
                        max_size=3).map(lambda d: sorted(d.items()))
caps = st.none() | st.sampled_from([150, 1_000, 5_000])
terminals = st.sampled_from(["T1", "T2"])
jumps = (st.integers(0, 45)
         | st.sampled_from([59, 60, 61, 299, 300, 301, 599, 600, 601, 1_800, 1_801, 3_600, DAY - 1, DAY, DAY + 1,
                            30 * DAY, 30 * DAY + 1])
         | st.integers(0, 200_000))


class PaymentModel(RuleBasedStateMachine):
    codes = Bundle("codes")
    sales = Bundle("sales")

    @initialize(policy=st.sampled_from(["hardened", "2019"]))
    def open(self, policy):
        self.dir = Path(tempfile.mkdtemp(dir=_WORKDIR))
        if BACKEND["name"] == "postgres":  # no file to copy: each example seeds a world of its own
            from conftest import fresh_world, pg_url
            db, self.drop = fresh_world(pg_url())
            self.demo = seed_database(db, policy=policy, fund=FUND)
        else:
            src, self.demo = template(policy)
            db = self.dir / "model.sqlite3"
            copy_database(src, db)
        self.core = Core.open(db, clock=FixedClock(self.demo["seeded_until"] + 60))
        self.driver = Driver(self.core, self.demo)
        self.policy = policy_named(policy)
        self.cids = [c["customer_id"] for c in self.demo["customers"]]
        self.balance = {i: c["balance"] for i, c in enumerate(self.demo["customers"])}
        self.store = 0
        self.payments: dict[int, list[tuple[float, int]]] = {i: [] for i in self.balance}
        self.topups: dict[int, list[tuple[float, int]]] = {i: [] for i in self.balance}
        self.frozen = {i: False for i in self.balance}
        self.all_codes: list[MCode] = []
        self.n = 0
        self.supervisor = supervisor_of(self.demo)
        self.clerk = clerk_of(self.demo)["id"]
        FIGURES["runs"] += 1
        FIGURES[f"runs_{policy}"] += 1

    def teardown(self):
        if hasattr(self, "core"):
            self.core.close()
            shutil.rmtree(self.dir, ignore_errors=True)
            if getattr(self, "drop", None):
                self.drop()

    def _next(self, prefix: str) -> str:
        self.n += 1
        FIGURES["core_calls"] += 1
        FIGURES[f"step_{prefix}"] += 1
        return f"{prefix}{self.n}"

    # -- time -----------------------------------------------------------------------------------------
    @rule(seconds=jumps)
    def time_jumps(self, seconds):
        self._next("t")
        self.core.clock.advance(seconds)

    # -- the phone --------------------------------------------------------------------------------------
    @rule(target=codes, cust=st.integers(0, 2), cap=caps)
    def issue(self, cust, cap):
        code = self._issue(cust, cap)
        return multiple() if code is None else code

    def _issue(self, cust: int, cap: int | None) -> MCode | None:
        self._next("i")
        try:
            issued = self.driver.issue(cust, amount_cap=cap)
        except QrpayError as e:
            assert self.frozen[cust] and e.code == "locked", (e.code, e.message)
            return None
        assert not self.frozen[cust], "a frozen wallet was given a payment code"
        now = self.core.now()
        ttl = self.policy.code_ttl_seconds
        assert (issued.issued_at, issued.expires_at) == (int(now), int(now) + ttl)
        if self.policy.code_supersedes_previous:
            for c in self.all_codes:
                if c.cust == cust and c.state == "issued" and c.expires_at > now:
                    c.state = "superseded"
        code = MCode(issued.nonce, issued.text, issued.numeric, cust, issued.issued_at, issued.expires_at, cap,
                     self.policy.code_single_use)
        self.all_codes.append(code)
        return code

    @rule(cust=st.integers(0, 2), amount=st.sampled_from([1, 500, 1_000, 5_000, 19_999, 20_000, 20_001, 50_000,
                                                          300_000, 300_001]))
    def top_up(self, cust, amount):
        self._next("u")
        token = self.driver.session(cust)
        p = self.policy
        if p.topup_requires_totp:
            kw = {"totp": self.driver.fresh_totp(cust)}
        else:
            kw = {"topup_password": TOPUP_PASSWORD}
        now = self.core.now()

        def since(window):
            recent = [a for at, a in self.topups[cust] if at > now - window]
            return len(recent), sum(recent)
        if self.frozen[cust]:
            expected = "locked"
        elif p.topup_velocity_count > 0 and since(p.topup_velocity_seconds)[0] >= p.topup_velocity_count:
            expected = "limit_exceeded"
        elif amount > p.topup_max_per_transaction or since(DAY)[1] + amount > p.topup_max_per_day \
                or since(30 * DAY)[1] + amount > p.topup_max_per_30_days:
            expected = "limit_exceeded"
        else:
            expected = "ok"
        try:
            t = self.core.topups.top_up(token, amount, TOPUP_CARD, **kw)
            got = "ok"
        except QrpayError as e:
            got = e.code
        assert got == expected, (got, expected, amount)
        if got == "ok":
            assert t.amount == amount and t.balance == self.balance[cust] + amount
            self.balance[cust] += amount
            self.topups[cust].append((now, amount))

    # -- the till -----------------------------------------------------------------------------------------
    def _expected_payment(self, code: MCode, total: int, now: float) -> str:
        p, cust = self.policy, code.cust
        if now >= code.expires_at or code.state == "expired":
            return "expired"
        if code.state in ("superseded", "revoked"):
            return "superseded"
        if code.single_use and code.state in ("paid", "refused"):
            return "replayed"
        if self.frozen[cust]:
            return "account_locked"
        if code.cap is not None and total > code.cap:
            return "limit_exceeded"
        if self.balance[cust] < total:
            return "insufficient_funds"
        if total > p.payment_max_per_transaction:
            return "limit_exceeded"
        if sum(a for at, a in self.payments[cust] if at >= now - DAY) + total > p.payment_max_per_day:
            return "limit_exceeded"
        if p.payment_velocity_seconds:
            recent = [a for at, a in self.payments[cust] if at >= now - p.payment_velocity_seconds]
            if (p.payment_velocity_count and len(recent) + 1 > p.payment_velocity_count) or \
                    (p.payment_velocity_amount and sum(recent) + total > p.payment_velocity_amount):
                return "limit_exceeded"
        return "ok"

    @rule(target=sales, code=codes, lines=carts, numeric=st.booleans(), terminal=terminals)
    def pay(self, code, lines, numeric, terminal):
        sale = self._pay(code, lines, numeric, terminal)
        return multiple() if sale is None else sale

    # The phone shows a code and the clerk scans it a moment later: the common case, as one rule
    # so that most runs pay often (Hypothesis picks rules evenly).
    @rule(target=sales, cust=st.integers(0, 2), cap=caps, wait=st.integers(0, 70), lines=carts,
          numeric=st.booleans(), terminal=terminals)
    def show_code_and_pay(self, cust, cap, wait, lines, numeric, terminal):
        code = self._issue(cust, cap)
        if code is None:
            return multiple()
        self.core.clock.advance(wait)
        sale = self._pay(code, lines, numeric, terminal)
        return multiple() if sale is None else sale

    @rule(target=sales, sale=sales, lines=carts, numeric=st.booleans(), terminal=terminals)
    def pay_again_with_a_used_code(self, sale, lines, numeric, terminal):
        again = self._pay(sale.code, lines, numeric, terminal)
        return multiple() if again is None else again

    def _pay(self, code: MCode, lines, numeric: bool, terminal: str) -> MSale | None:
        sale_id = self._next("s")
        now, total = self.core.now(), cart_total(lines)
        expected = self._expected_payment(code, total, now)
        try:
            sale = self.core.sales.pay(terminal_id=terminal, clerk_id=self.clerk, code=code.numeric if numeric else code.text,
                                       lines=lines, sale_id=sale_id)
            got = "ok"
        except CodeRefused as e:
            got = e.code
        assert got == expected, (got, expected, code.state, total)
        FIGURES[f"pay_{got}"] += 1
        if got != "ok":
            if code.state == "issued":
                code.state = "expired" if got == "expired" else "refused"
            return None
        assert sale.total == total and sale.customer_id == self.cids[code.cust]
        code.state, code.redemptions = "paid", code.redemptions + 1
        self.balance[code.cust] -= total
        self.store += total
        self.payments[code.cust].append((now, total))
        return MSale(sale_id, code.cust, code, dict(lines), total, terminal)

    @rule(code=codes, where=st.integers(0, 178), bit=st.integers(0, 4))
    def pay_with_a_tampered_code(self, code, where, bit):
        self._next("x")
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        chars = list(code.text)
        pos = 4 + where % (len(chars) - 4)
        chars[pos] = alphabet[alphabet.index(chars[pos]) ^ (1 << bit)]
        try:
            self.core.sales.pay(terminal_id="T1", clerk_id=self.clerk, code="".join(chars), lines=[(JANS[0], 1)],
                                sale_id=self._next("f"))
            raise AssertionError("a tampered code paid")
        except CodeRefused as e:
            assert e.code in ("malformed", "bad_signature"), e.code

    @rule(sale=sales)
    def retry_same_sale(self, sale):
        self._next("r")
        again = self.core.sales.pay(terminal_id=sale.terminal, clerk_id=self.clerk, code=sale.code.text,
                                    lines=list(sale.lines.items()), sale_id=sale.sale_id)
        assert again.id == sale.sale_id and again.total == sale.total

    @rule(sale=sales, extra=st.sampled_from(JANS))
    def retry_with_another_cart(self, sale, extra):
        self._next("r")
        lines = dict(sale.lines)
        lines[extra] = lines.get(extra, 0) + 1
        try:
            self.core.sales.pay(terminal_id=sale.terminal, clerk_id=self.clerk, code=sale.code.text, lines=list(lines.items()),
                                sale_id=sale.sale_id)
            raise AssertionError("a sale id was reused for another cart")
        except QrpayError as e:
            assert e.code == "sale_id_conflict", e.code

    @rule(sale=sales, code=codes, numeric=st.booleans())
    def retry_with_another_code(self, sale, code, numeric):
        """Issue 11 item 1: a paid sale's id with any other code is refused and leaves that code alone."""
        self._next("r")
        presented = code.numeric if numeric else code.text
        try:
            again = self.core.sales.pay(terminal_id=sale.terminal, clerk_id=self.clerk, code=presented,
                                        lines=list(sale.lines.items()), sale_id=sale.sale_id)
            got = "ok"
        except QrpayError as e:
            got = e.code
        if code.nonce == sale.code.nonce:  # the same code in either form: the same request
            assert got == "ok" and again.id == sale.sale_id and again.total == sale.total, got
        else:                              # nothing moved, and the code's state (in the model) is unchanged
            assert got == "sale_id_conflict", got

    @rule(sale=sales, full=st.booleans(), pick=st.integers(0, 2), qty=st.integers(1, 31))
    def refund(self, sale, full, pick, qty):
        refund_id = self._next("R")
        left = {jan: q - sale.refunded[jan] for jan, q in sale.lines.items()}
        if full:
            wanted = {jan: q for jan, q in left.items() if q > 0}
            expected = "already_refunded" if not wanted else "ok"
            lines = None
        else:
            jan = list(sale.lines)[pick % len(sale.lines)]
            wanted = {jan: qty}
            expected = "exceeds_paid" if qty > left[jan] else "ok"
            lines = [(jan, qty)]
        try:
            r = self.core.refunds.refund(sale_id=sale.sale_id, lines=lines, supervisor_id=self.supervisor["id"],
                                         pin=self.supervisor["pin"], refund_id=refund_id)
            got = "ok"
        except QrpayError as e:
            got = e.code
        assert got == expected, (got, expected)
        FIGURES[f"refund_{got}"] += 1
        if got == "ok":
            amount = cart_total(wanted.items())
            assert r.total == amount
            sale.refunded.update(wanted)
            self.balance[sale.cust] += amount
            self.store -= amount

    @rule(cust=st.integers(0, 2), freeze=st.booleans())
    def freeze_or_unfreeze(self, cust, freeze):
        self._next("z")
        sup = self.supervisor
        if freeze:
            self.core.wallet.freeze(self.cids[cust], supervisor_id=sup["id"], pin=sup["pin"], reason="model")
            now = self.core.now()
            for c in self.all_codes:
                if c.cust == cust and c.expires_at > now and (
                        c.state in ("issued", "refused") or (c.state == "paid" and not c.single_use)):
                    c.state = "revoked"
        else:
            self.core.wallet.unfreeze(self.cids[cust], supervisor_id=sup["id"], pin=sup["pin"], reason="model")
        self.frozen[cust] = freeze

    # -- after every step -------------------------------------------------------------------------------
    @precondition(lambda self: hasattr(self, "core"))
    @invariant()
    def money_matches_the_model(self):
        FIGURES["checked_states"] += 1  # after initialisation and after every step
        with self.core.db.read() as conn:
            for i, cid in enumerate(self.cids):
                assert ledger.wallet_balance(conn, cid) == self.balance[i], f"customer {i}"
            assert ledger.balance(conn, "store:1") == self.store
            for c in self.all_codes:
                n = codes_store.redemption_count(conn, c.nonce)
                assert n == c.redemptions, (c.nonce, n, c.redemptions)
                if self.policy.code_single_use:
                    assert n <= 1, "a code was paid twice under the hardened policy"

    @precondition(lambda self: hasattr(self, "core"))
    @invariant()
    def the_core_checks_pass(self):
        problems = run_checks(self.core)
        assert problems == [], problems


def _run(max_examples: int, steps: int, derandomize: bool) -> None:
    run_state_machine_as_test(PaymentModel, settings=settings(
        max_examples=max_examples, stateful_step_count=steps, deadline=None, derandomize=derandomize,
        database=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]))


def test_model_simulation_fast(backend):
    """On PostgreSQL fewer examples (each seeds a world: no file copy), the same steps and checks."""
    FIGURES.clear()
    BACKEND["name"] = backend
    try:
        _run(max_examples=60 if backend == "sqlite" else 12, steps=30, derandomize=True)
    finally:
        BACKEND["name"] = "sqlite"
    print(f"\nRELIABILITY model-fast {dict(FIGURES)}")
    assert FIGURES["runs_hardened"] and FIGURES["runs_2019"]
    assert FIGURES["pay_ok"] and FIGURES["pay_replayed"] + FIGURES["pay_expired"] + FIGURES["pay_superseded"]


@pytest.mark.slow
@pytest.mark.timeout(7200)  # long runs outlive the suite's 300 s limit
def test_model_simulation_long():
    FIGURES.clear()
    runs, steps = env_int("QRPAY_MODEL_RUNS", 1000, 1000), env_int("QRPAY_MODEL_STEPS", 50, 50)
    _run(max_examples=runs, steps=steps, derandomize=False)
    print(f"\nRELIABILITY model-long {dict(FIGURES)}")
    assert FIGURES["runs"] >= runs
