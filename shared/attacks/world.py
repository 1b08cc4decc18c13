"""The world an attack needs: a store with tills and a clerk, customers with money, and the
resale-friendly goods attackers bought in 2019 (cigarettes, prepaid cards).

Everything goes through the same services the apps use; the only shortcut is the opening
balance, booked like `seed-demo` does (one `seed` transfer from card clearing), because a
customer's balance before the attack is not what a scenario is about.
"""
from __future__ import annotations

import random
import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from shared import ledger, totp
from shared.attacks.base import Actor, Outcome
from shared.attacks.run import T_REFUSED, refusal_defence
from shared.catalog import make_ean13
from shared.errors import CodeRefused, NotFound, QrpayError, StepUpRequired
from shared.staff import StaffRole
from shared.texts import Text

if TYPE_CHECKING:
    from shared.attacks.run import Run
    from shared.core import Core
    from shared.sales import Sale

# (JAN body, name_ja, name_en, price incl. tax, rate): what is easy to resell for cash.
RESALE_ITEMS = (
    ("491999900010", "たばこ 1カートン", "Cigarettes (1 carton)", 6_000, 10),
    ("491999900020", "プリペイドカード 5,000円", "Prepaid card ¥5,000", 5_000, 10),
    ("491999900030", "ゲーム用プリペイドカード 10,000円", "Game prepaid card ¥10,000", 10_000, 10),
    ("491999900040", "電子マネーギフト 3,000円", "E-money gift ¥3,000", 3_000, 10),
)
MAX_QTY = 99
MAX_LINES = 60

# Words for passwords that pass NIST/zxcvbn checks: strength is not what protects a reused password.
_WORDS = ("amber", "bamboo", "canal", "cedar", "cobalt", "comet", "coral", "daisy", "delta", "ember", "fable",
          "falcon", "fern", "fjord", "garnet", "ginger", "harbor", "hazel", "indigo", "island", "jasmine",
          "juniper", "kettle", "lagoon", "lantern", "lemon", "lotus", "maple", "meadow", "mango", "nectar",
          "nimbus", "oasis", "olive", "orchid", "pebble", "pepper", "quartz", "quill", "raven", "ribbon",
          "river", "saffron", "sakura", "sierra", "spruce", "summit", "tango", "tulip", "umber", "velvet",
          "violet", "walnut", "willow", "yarrow", "zephyr", "zinnia")


@dataclass(frozen=True, slots=True)
class Shop:
    store_id: int
    store_name: str
    terminals: tuple[str, ...]
    clerk_id: int


@dataclass(frozen=True, slots=True)
class Person:
    customer_id: int
    email: str
    name: str
    password: str
    totp_secret: str


def ensure_shop(core: "Core") -> Shop:
    """The store (seeded with the demo data when the database has none) and the resale goods."""
    if not core.catalog.has_store():
        from shared.demo_data import seed_demo
        seed_demo(core)
    for body, ja, en, price, rate in RESALE_ITEMS:
        jan = make_ean13(body)
        try:
            core.catalog.item(jan)
        except NotFound:
            core.catalog.add_item(jan=jan, name_ja=ja, name_en=en, price=price, tax_rate=rate)
    store = core.catalog.store()
    terminals = tuple(t.id for t in core.catalog.terminals())
    if len(terminals) < 2:
        for tid in ("T1", "T2"):
            if tid not in terminals:
                core.catalog.add_terminal(tid, store_id=store.id)
        terminals = tuple(t.id for t in core.catalog.terminals())
    clerks = [s for s in core.staff.list() if s.role == StaffRole.CLERK] or core.staff.list()
    if not clerks:
        clerks = [core.staff.add("Attack-lab clerk", "clerk", f"{secrets.randbelow(10**6):06d}")]
    return Shop(store.id, store.name_en, terminals[:2], clerks[0].id)


def passphrase(rng: random.Random) -> str:
    """A long, strong-looking password (a simulated person's; not a secret of this system)."""
    return "-".join(rng.choice(_WORDS) for _ in range(4)) + f"-{rng.randrange(10, 100)}"


# The presenter's tour (shared/tour.py) shows the victim in the real wallet window, so that victim
# must be a person the tour signed in there: `stand_in(person)` makes them the run's first new
# customer (every scenario creates its victim first) instead of a freshly registered one.
_STAND_IN: ContextVar["Person | None"] = ContextVar("attack_stand_in", default=None)


@contextmanager
def stand_in(person: "Person") -> Iterator["Person"]:
    """Scenarios run inside this block take `person` (already registered, with their own balance)
    as the victim they would have registered first."""
    token = _STAND_IN.set(person)
    try:
        yield person
    finally:
        _STAND_IN.reset(token)


def stood_in(run: "Run") -> "Person | None":
    """The person standing in as this run's victim, once the scenario has created it."""
    return getattr(run, "_stand_in_taken", None)


def new_customer(run: "Run", *, email: str, name: str, password: str, balance: int) -> Person:
    """A registered customer with a confirmed authenticator app and an opening balance (or, for
    the run's first customer inside `stand_in`, the person standing in)."""
    given = _STAND_IN.get()
    if given is not None and not hasattr(run, "_stand_in_taken"):
        run._stand_in_taken = given
        run.mark_totp_used(given.customer_id, run.now())   # their phone may have just used this step
        return given
    core = run.core
    enrolment = core.identity.register(email, name, password)
    # The previous 30-second step's code (still accepted), so the current step stays free for sign-in.
    confirm_at = core.now() - totp.STEP_SECONDS
    core.identity.confirm_totp(email, totp.totp_code(enrolment.totp_secret, confirm_at))
    run.mark_totp_used(enrolment.customer_id, confirm_at)
    if balance > 0:
        with core.db.write() as conn:
            ledger.opening_balance(conn, enrolment.customer_id, balance, key=f"attack-seed:{enrolment.customer_id}",
                                   at=core.now())
    return Person(enrolment.customer_id, enrolment.email, name, password, enrolment.totp_secret)


def watched_customer(run: "Run", rng: random.Random, *, first: str, name: str, balance: int) -> Person:
    """A customer the scenario is about (`first`.TAG@example.jp, a passphrase from `rng`), shown in
    the victim view: their balance before and after, and the mail they got during the run."""
    person = new_customer(run, email=f"{first}.{run.tag}@example.jp", name=name, password=passphrase(rng),
                          balance=balance)
    run.watch(person.customer_id, person.email)
    return person


def shop_and_victim(run: "Run", seed: int, *, first: str, name: str,
                    balance: int) -> tuple[random.Random, Shop, Person]:
    """How a scenario about one victim opens: its random source (from `seed`), the shop, and the
    victim (a `watched_customer` with `balance`)."""
    rng = random.Random(seed)
    shop = ensure_shop(run.core)
    return rng, shop, watched_customer(run, rng, first=first, name=name, balance=balance)


def sign_in_with_phone(run: "Run", person: Person, *, device: str = "own-phone") -> str:
    """The owner signs in on their own phone (password + authenticator code); returns the token."""
    return run.core.identity.sign_in(person.email, person.password,
                                     totp=run.totp_for(person.customer_id, person.totp_secret),
                                     device=device, source=f"home-{person.customer_id}").token


def owner_issues_code(run: "Run", person: Person, token: str, *, amount_cap: int | None = None):
    """The owner shows a payment code (confirming with the authenticator when the policy asks)."""
    from shared.errors import StepUpRequired

    try:
        return run.core.codes.issue(token, amount_cap=amount_cap)
    except StepUpRequired:
        return run.core.codes.issue(token, amount_cap=amount_cap,
                                    totp=run.totp_for(person.customer_id, person.totp_secret))


def own_basket_lines(core: "Core") -> list[tuple[str, int]]:
    """What an ordinary customer buys: one cheap everyday item (a drink, not a carrier bag)."""
    items = core.catalog.items()
    everyday = [i for i in items if i.price >= 100] or items
    return [(min(everyday, key=lambda i: i.price).jan, 1)]


def resale_cart(core: "Core", budget: int) -> list[tuple[str, int]]:
    """The most resale value that fits in `budget`: dearest goods first (what a fraudster buys)."""
    items = sorted(core.catalog.items(), key=lambda i: i.price, reverse=True)
    cart: list[tuple[str, int]] = []
    left = budget
    for item in items:
        if len(cart) >= MAX_LINES or left < 1:
            break
        qty = min(MAX_QTY, left // item.price)
        if qty > 0:
            cart.append((item.jan, qty))
            left -= qty * item.price
    return cart


def cart_of_value(core: "Core", value: int) -> list[tuple[str, int]]:
    """A cart of resale goods worth at most `value` (at least the cheapest resale item)."""
    return resale_cart(core, value) or [(make_ean13(RESALE_ITEMS[-1][0]), 1)]


def pay(run: "Run", shop: Shop, code: str, lines: list[tuple[str, int]], *, terminal: str, who: str) -> "Sale":
    """A clerk scans `code` at `terminal` for `lines`; raises CodeRefused like the till shows."""
    return run.core.sales.pay(terminal_id=terminal, clerk_id=shop.clerk_id, code=code, lines=lines,
                              sale_id=run.sale_id(who))


def try_pay(run: "Run", shop: Shop, code: str, lines: list[tuple[str, int]], *, terminal: str,
            who: str) -> tuple["Sale | None", CodeRefused | None]:
    try:
        return pay(run, shop, code, lines, terminal=terminal, who=who), None
    except CodeRefused as e:
        return None, e


T_BOUGHT = Text("attacker bought resale goods for ¥{total:,}", "攻撃者が転売用の商品を {total:,} 円分購入")
T_RECEIPT = Text("receipt {receipt}", "レシート {receipt}")
T_ACCEPTED_WHAT = Text("{what}: accepted (¥{total:,})", "{what}：受け付けられた（{total:,} 円）")
T_OWNER_PAID = Text("{what}: accepted, the owner paid ¥{total:,} for the attacker's goods",
                    "{what}：受け付けられ、本人が攻撃者の商品の代金 {total:,} 円を支払った")


def till_answered(run: "Run", answer: "Sale | CodeRefused", *, terminal: str, accepted: Text,
                  refused: Text = T_REFUSED, accepted_detail: Text = T_RECEIPT, refused_detail: Text | None = None,
                  gain: bool | None = True, **params) -> "Sale | None":
    """Record what the till at `terminal` answered to a code (the sale, or its refusal): `accepted`
    with the receipt (`gain`: whether that went the attacker's way), or `refused` and the defence
    the refusal came from (`params` go on either). Returns the sale, None when refused."""
    if isinstance(answer, CodeRefused):
        run.refused(Actor.TILL, "pay", answer, refused, detail=refused_detail, defence=refusal_defence(answer),
                    **params)
        return None
    run.step(Actor.TILL, "pay", accepted, detail=accepted_detail, attacker_gain=gain, total=answer.total,
             receipt=answer.receipt_no, terminal=terminal, **params)
    return answer


def attacker_presents(run: "Run", shop: Shop, code: str, lines: list[tuple[str, int]], *, terminal: str,
                      accepted: Text, who: str = "attacker", **answer) -> "Sale | None":
    """A till scans a code the attacker presents (lifted, old, forged, or the victim's own) for
    `lines`; records what the till answered (`till_answered`, with `answer`). Returns the sale, None
    when refused."""
    sale, refusal = try_pay(run, shop, code, lines, terminal=terminal, who=who)
    return till_answered(run, sale or refusal, terminal=terminal, accepted=accepted, **answer)


@dataclass(slots=True)
class Haul:
    """What the codes the attacker presented got: how many a till accepted and the yen they took
    from the victim; the attack succeeded when any was accepted."""

    accepted: int = 0
    lost: int = 0

    def add(self, sale: "Sale | None", *, victim_id: int | None = None) -> None:
        """Count `sale` (None: refused); its yen are lost unless it charged another wallet than
        `victim_id`'s (when given)."""
        if sale is not None:
            self.accepted += 1
            self.lost += sale.total if victim_id is None or sale.customer_id == victim_id else 0

    @property
    def outcome(self) -> Outcome:
        return Outcome.SUCCEEDED if self.accepted else Outcome.BLOCKED


def spend_as_victim(run: "Run", shop: Shop, token: str, customer_id: int, *, terminal: str, who: str = "attacker",
                    issue_refused: Text = T_REFUSED, bought: Text = T_BOUGHT, bought_detail: Text = T_RECEIPT,
                    detail: Text | None = None, **params) -> int:
    """The end of a takeover: signed in as the victim (`token`), the attacker shows a payment code
    and buys the dearest resale goods the balance and the per-payment limit allow at `terminal`.
    Records each step (`detail` and `params` go on all of them) and returns the yen spent: 0 when
    the code or the payment is refused, or when nothing is left to buy."""
    core = run.core
    try:
        code = core.codes.issue(token)
    except QrpayError as e:
        run.refused(Actor.ATTACKER, "issue_code", e, issue_refused, detail=detail, **params,
                    defence="step-up-before-code" if isinstance(e, StepUpRequired) else refusal_defence(e))
        return 0
    lines = resale_cart(core, min(core.wallet.balance(customer_id), core.policy.payment_max_per_transaction))
    if not lines:
        return 0
    sale = attacker_presents(run, shop, code.text, lines, terminal=terminal, who=who, accepted=bought,
                             accepted_detail=bought_detail, refused_detail=detail, **params)
    return 0 if sale is None else sale.total
