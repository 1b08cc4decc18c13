"""The presenter's tour of the 7pay timeline (`qrpay demo --tour`): the steps as data, and the
core's half of running one step's attack against the demo database the windows show.

Facts and dates are the project background brief's, as reported in July–August 2019 (docs/TOUR.md). Each
`TourStep` names the scenario of `shared.attacks` that replays that day's weakness; a step with a
scenario is shown twice, as `TourPage`s: first under the 2019 policy (the attack succeeds), then
under hardened (the defence stops it). The words (titles, narration) are the GUI's, translated
(ui_common/tour_steps.py); this module holds only keys, dates, scenario names and what each window
shows, so the core stays Qt-free.

A page's attack needs a victim the wallet window can show: `new_victim` registers a fresh demo
customer (a new one for every run, so every page can be replayed and no run sees another's state),
the wallet signs in as them through its own sign-in screen, and `run_page` runs the scenario with
that person standing in for the scenario's first victim (`shared.attacks.world.stand_in`).
"""
from __future__ import annotations

import datetime as _dt
import enum
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from shared import ledger, totp

if TYPE_CHECKING:
    from shared.attacks.base import ScenarioResult, Step
    from shared.core import Core

# "808 victims, about 38.6 million yen in one month, all refunded" (docs/TOUR.md)
VICTIMS = 808
YEN_LOST = 38_600_000
SOURCE = "docs/TOUR.md"

POLICY_2019, POLICY_HARDENED = "2019", "hardened"
EXTERNAL_ID_SCENARIO = "external-id-takeover"


class WalletView(enum.Enum):
    """What the victim's wallet shows after a page's run, in the order given."""

    HOME = "home"
    HISTORY = "history"
    MAILBOX = "mailbox"


class TillView(enum.Enum):
    TILL = "till"          # the clerk's till, signed in
    ALERTS = "alerts"      # the supervisor area's Alerts tab: what the defences raised (nothing under 2019)


@dataclass(frozen=True, slots=True)
class TourStep:
    """One day of the timeline. `scenario`: a name of shared.attacks.SCENARIOS run live (None: told
    only); `sizes`: its sizes, for a run an audience can follow. After a run the victim's wallet
    shows `wallet_2019` / `wallet_hardened` in turn and the till its Alerts tab. A step told only
    sets `told_policy` (if any), signs a fresh customer into the wallet when `told_wallet`, and
    shows `told_till` at the till."""

    key: str
    date: _dt.date
    scenario: str | None = None
    sizes: tuple[tuple[str, Any], ...] = ()
    wallet_2019: tuple[WalletView, ...] = (WalletView.HOME, WalletView.HISTORY, WalletView.MAILBOX)
    wallet_hardened: tuple[WalletView, ...] = (WalletView.HOME, WalletView.MAILBOX)
    told_policy: str | None = None
    told_wallet: bool = False
    told_till: TillView = TillView.TILL

    def wallet_views(self, policy: str) -> tuple[WalletView, ...]:
        return self.wallet_2019 if policy == POLICY_2019 else self.wallet_hardened

    def live(self) -> bool:
        """Whether this step runs an attack here (its scenario exists in this build)."""
        from shared.attacks import ORDER

        return self.scenario is not None and self.scenario in ORDER


STEPS: tuple[TourStep, ...] = (
    TourStep("launch", _dt.date(2019, 7, 1), told_policy=POLICY_2019, told_wallet=True),
    TourStep("fraud-found", _dt.date(2019, 7, 3), "credential-stuffing",
             # one attempt every 5.5 s: during the stuffing wave (30 failing accounts) the
             # hardened core spaces sign-ins 5 s apart, so the bot still reaches the victim
             sizes=(("customers", 6), ("reuse", 0.5), ("leaked", 40), ("rate", 0.18), ("sources", 4))),
    TourStep("press-conference", _dt.date(2019, 7, 4), "topup-takeover",
             sizes=(("amount", 50_000), ("topups", 3), ("balance", 5_000))),
    TourStep("external-id", _dt.date(2019, 7, 11), EXTERNAL_ID_SCENARIO),
    TourStep("password-reset", _dt.date(2019, 7, 30), "reset-hijack",
             wallet_2019=(WalletView.HOME, WalletView.MAILBOX)),
    TourStep("shutdown", _dt.date(2019, 8, 1), told_policy=POLICY_HARDENED, told_till=TillView.ALERTS),
)


@dataclass(frozen=True, slots=True)
class TourPage:
    """What the presenter sees between two presses of Next: a step, and the policy its attack runs
    under (None: a step that is only told, or whose live part is not in this build)."""

    step: TourStep
    policy: str | None

    @property
    def key(self) -> str:
        return f"{self.step.key}:{self.policy or 'story'}"


def pages(steps: tuple[TourStep, ...] = STEPS) -> tuple[TourPage, ...]:
    """The tour in order: a live step gives a 2019 page then a hardened page."""
    out: list[TourPage] = []
    for step in steps:
        if step.live():
            out += [TourPage(step, POLICY_2019), TourPage(step, POLICY_HARDENED)]
        else:
            out.append(TourPage(step, None))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Victim:
    """A demo customer made for one run: the wallet signs in with `password` and the kiosk
    authenticator's code (a simulated person's credentials, like the demo accounts)."""

    customer_id: int
    email: str
    name: str
    password: str
    totp_secret: str


VICTIM_NAME = "山田 花子"
VICTIM_BALANCE = 30_000
_WORDS = ("amber", "cedar", "comet", "coral", "delta", "fern", "harbor", "indigo", "lagoon", "maple", "nectar",
          "orchid", "quartz", "river", "sakura", "summit", "tulip", "willow")


def new_victim(core: "Core", *, balance: int = VICTIM_BALANCE, name: str = VICTIM_NAME) -> Victim:
    """Register a fresh victim with a confirmed authenticator and an opening balance (booked like
    seed-demo's: one `seed` transfer from card clearing), under whatever policy is set."""
    from shared.errors import Conflict

    email = f"hanako.{secrets.token_hex(2)}@example.jp"   # short: the phone's screens show it whole
    password = "-".join(secrets.choice(_WORDS) for _ in range(4)) + f"-{secrets.randbelow(90) + 10}"
    try:
        enrolment = _patiently(lambda: core.identity.register(email, name, password))
    except Conflict:       # one in 65,536: that address was drawn before
        return new_victim(core, balance=balance, name=name)
    # the previous 30-second step's code (still accepted): the current step stays free for the wallet
    core.identity.confirm_totp(email, totp.totp_code(enrolment.totp_secret, core.now() - totp.STEP_SECONDS))
    if balance > 0:
        with core.db.write() as conn:
            ledger.opening_balance(conn, enrolment.customer_id, balance, key=f"seed:tour-{enrolment.customer_id}",
                                   at=core.now(), memo="Demo opening balance")
    return Victim(enrolment.customer_id, enrolment.email, name, password, enrolment.totp_secret)


def _patiently(call: Callable[[], Any], *, tries: int = 4) -> Any:
    """`call`, waiting out a throttle (after a stuffing wave every sign-up is spaced a few seconds)."""
    import time

    from shared.errors import Throttled

    for attempt in range(tries):
        try:
            return call()
        except Throttled as e:
            if attempt == tries - 1:
                raise
            time.sleep(min(10.0, float(e.details.get("retry_after") or 5)))
    raise AssertionError("unreachable")


def page_policy(page: TourPage) -> str | None:
    return page.policy if page.policy is not None else page.step.told_policy


def set_page_policy(core: "Core", page: TourPage) -> None:
    """The page's policy for the whole database (both windows' badges show it); a page told only
    without a `told_policy` keeps the one set."""
    policy = page_policy(page)
    if policy is not None and core.policy.name != policy:
        core.set_policy(policy, actor="tour")


def run_page(core: "Core", page: TourPage, victim: Victim, *,
             on_step: Callable[["Step"], None] | None = None) -> "ScenarioResult":
    """Run the page's scenario on `core`'s database (a pinned copy of its clock, as the trainer's
    live runs do) with `victim` standing in for the scenario's victim."""
    from shared.attacks import SCENARIOS
    from shared.attacks.world import Person, stand_in
    from shared.errors import InputError

    if page.policy is None or page.step.scenario not in SCENARIOS:
        raise InputError(f"tour page {page.key} runs no attack", code="no_attack")
    set_page_policy(core, page)
    person = Person(victim.customer_id, victim.email, victim.name, victim.password, victim.totp_secret)
    with stand_in(person):
        return SCENARIOS[page.step.scenario].run(core, policy=page.policy, on_step=on_step, **dict(page.step.sizes))


def victim_balance(result: "ScenarioResult", victim: Victim) -> tuple[int, int] | None:
    """(before, after) of `victim` in the run's victim view, or None if the run did not watch them."""
    for b in result.victim.balances:
        if b.customer_id == victim.customer_id:
            return b.before, b.after
    return None
