"""What every attack scenario shares: the result records, the `Scenario` shape and `Run`, the
context a scenario runs in.

A scenario is `run(core, *, policy, on_step=None, **sizes) -> ScenarioResult`. It works on the
database of the core it is given, but always on a `FixedClock` that it advances itself (a copy of
the core's clock when that is not fixed), so a long attack takes no wall-clock time and a run is
repeatable. It switches the database to `policy` for the run and switches it back afterwards,
seeds what it needs (the demo store when there is none, its own customers under unique e-mail
addresses) and reports:

- the outcome (`Outcome.BLOCKED` / `Outcome.SUCCEEDED`), the defence that blocked it, yen lost
  and accounts taken over;
- every step as it happened (`on_step` is called with each, so a window can show them live; a
  callback that raises cancels the run);
- timeline points for a chart, the audit rows and alerts the run produced, what the victims saw
  (their mailbox and balance before/after), and whether `qrpay check`'s invariants still hold.
"""
from __future__ import annotations

import enum
import secrets
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol

from shared import checks, ledger, passwords
from shared.audit import AuditRow
from shared.audit_events import AuditEvent
from shared.clock import FixedClock, to_iso
from shared.errors import InputError
from shared.mailbox import MessageKind

if TYPE_CHECKING:
    from shared.core import Core

# argon2-cffi's floor is 8 KiB per lane; 1 MiB keeps the work real but ~1 ms per hash, so a
# 2,000-attempt stuffing run finishes in seconds on two cores. Production parameters are one option
# away (`real_argon2=True`).
SIMULATION_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
AUDIT_ROWS_KEPT = 400
MESSAGES_KEPT = 60


class Outcome(enum.Enum):
    BLOCKED = "blocked"
    SUCCEEDED = "succeeded"


class Actor(enum.Enum):
    ATTACKER = "attacker"
    VICTIM = "victim"
    TILL = "till"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """Cumulative counts at `elapsed` simulated seconds (the stuffing chart)."""

    elapsed: float
    attempts: int
    blocked: int
    taken_over: int


@dataclass(frozen=True, slots=True)
class Step:
    """One thing that happened. `elapsed`: simulated seconds since the run started.
    `attacker_gain`: True when this step went the attacker's way, False when a defence stopped
    it, None for set-up and bookkeeping. `progress`: 0..1 for long runs (a progress bar).
    `point`: the counts a progress step reports, typed, for a live chart (never parse `result`)."""

    index: int
    at: float
    elapsed: float
    actor: Actor
    action: str
    result: str
    detail: str = ""
    attacker_gain: bool | None = None
    progress: float | None = None
    point: TimelinePoint | None = None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["actor"] = self.actor.value
        return out


@dataclass(frozen=True, slots=True)
class BalanceChange:
    customer_id: int
    email: str
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class MailItem:
    to: str
    subject: str
    body: str
    sent_at: float
    kind: MessageKind | str


@dataclass(frozen=True, slots=True)
class VictimView:
    balances: tuple[BalanceChange, ...]
    messages: tuple[MailItem, ...]      # newest first, what arrived during the run
    messages_total: int


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    name: str
    title: str
    policy: str
    outcome: Outcome
    blocked_by: str | None
    yen_lost: int
    takeovers: int
    steps: tuple[Step, ...]
    timeline: tuple[TimelinePoint, ...]
    audit: tuple[AuditRow, ...]                  # newest first, at most AUDIT_ROWS_KEPT
    audit_counts: tuple[tuple[str, int], ...]    # every event the run wrote, with how often
    alerts: tuple[AuditRow, ...]                 # newest first, all of them
    victim: VictimView
    ledger_ok: bool
    check_problems: tuple[str, ...]
    defences: tuple[str, ...]                    # keys of report.GUIDELINES
    sizes: tuple[tuple[str, Any], ...]
    notes: tuple[str, ...]
    started_at: float                            # simulated time
    finished_at: float
    wall_seconds: float

    @property
    def audit_total(self) -> int:
        return sum(n for _, n in self.audit_counts)

    def to_json(self) -> dict[str, Any]:
        def row(r: AuditRow) -> dict[str, Any]:
            return {"id": r.id, "at": to_iso(r.at), "event": str(r.event), "severity": r.severity,
                    "customer_id": r.customer_id, "actor": r.actor, "details": r.details}

        return {
            "name": self.name, "title": self.title, "policy": self.policy, "outcome": self.outcome.value,
            "blocked_by": self.blocked_by, "yen_lost": self.yen_lost, "takeovers": self.takeovers,
            "ledger_ok": self.ledger_ok, "check_problems": list(self.check_problems),
            "sizes": dict(self.sizes), "notes": list(self.notes), "defences": list(self.defences),
            "started_at": to_iso(self.started_at), "finished_at": to_iso(self.finished_at),
            "simulated_seconds": round(self.finished_at - self.started_at, 3),
            "wall_seconds": round(self.wall_seconds, 3),
            "steps": [s.to_json() for s in self.steps],
            "timeline": [asdict(p) for p in self.timeline],
            "alerts": [row(r) for r in self.alerts],
            "audit_counts": dict(self.audit_counts),
            "audit": [row(r) for r in self.audit],
            "victim": {"balances": [asdict(b) for b in self.victim.balances],
                       "messages": [asdict(m) for m in self.victim.messages],
                       "messages_total": self.victim.messages_total},
        }


@dataclass(frozen=True, slots=True)
class SizeOption:
    """A size a trainer may change (`qrpay attack NAME --<name> N`)."""

    name: str
    default: int | float
    help: str
    minimum: int | float
    maximum: int | float

    @property
    def kind(self) -> type:
        return float if isinstance(self.default, float) else int


class Scenario(Protocol):
    name: str
    title: str
    summary: str
    sizes: tuple[SizeOption, ...]

    def run(self, core: "Core", *, policy: str, on_step: Callable[[Step], None] | None = None,
            **sizes: Any) -> ScenarioResult: ...


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """A registered scenario: its description and its `run` function."""

    name: str
    title: str
    summary: str
    sizes: tuple[SizeOption, ...]
    runner: Callable[..., ScenarioResult] = field(repr=False)

    def run(self, core: "Core", *, policy: str, on_step: Callable[[Step], None] | None = None,
            **sizes: Any) -> ScenarioResult:
        return self.runner(core, policy=policy, on_step=on_step, **self.check_sizes(sizes))

    def check_sizes(self, given: dict[str, Any]) -> dict[str, Any]:
        """The sizes with defaults filled in; an unknown name or an out-of-range value is an InputError."""
        known = {o.name: o for o in self.sizes}
        extra = [k for k in given if k not in known and k != "real_argon2"]
        if extra:
            raise InputError(f"{self.name} has no size option {extra[0]!r}; it has: "
                             + ", ".join(sorted(known)) + ".")
        out: dict[str, Any] = {}
        for name, opt in known.items():
            value = given.get(name)
            if value is None:
                out[name] = opt.default
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or (opt.kind is int and not isinstance(value, int)):
                raise InputError(f"{name} must be {'a whole number' if opt.kind is int else 'a number'}.")
            if not opt.minimum <= value <= opt.maximum:
                raise InputError(f"{name} must be from {opt.minimum} to {opt.maximum}.")
            out[name] = opt.kind(value)
        if "real_argon2" in given:
            out["real_argon2"] = bool(given["real_argon2"])
        return out


@contextmanager
def simulation_hashing(real: bool) -> Iterator[str]:
    """Cheap Argon2id parameters for the run (every simulated customer has a real Argon2id hash,
    just a cheap one), restored afterwards. Yields a sentence for the result's notes.

    The hasher is module-global: a sign-up in another thread of the same process during the run
    would get the cheap parameters too (and be upgraded by `needs_rehash` at its next sign-in)."""
    if real:
        yield "Passwords were hashed with the production Argon2id parameters."
        return
    from argon2 import PasswordHasher

    previous = passwords.HASHER
    passwords.HASHER = PasswordHasher(**SIMULATION_ARGON2)
    try:
        yield ("For speed, simulated customers' passwords were hashed with cheap Argon2id parameters "
               f"(t={SIMULATION_ARGON2['time_cost']}, m={SIMULATION_ARGON2['memory_cost']} KiB, "
               f"p={SIMULATION_ARGON2['parallelism']}); the production default is "
               f"t={passwords.DEFAULT_HASHER.time_cost}, m={passwords.DEFAULT_HASHER.memory_cost} KiB, "
               f"p={passwords.DEFAULT_HASHER.parallelism}. Pass real_argon2 (qrpay attack --real-argon2) to use it.")
    finally:
        passwords.HASHER = previous


class Run:
    """The context of one scenario run (see the module docstring).

        with Run(core, spec, policy=policy, on_step=on_step, sizes=sizes) as run:
            ...                       # run.core, run.advance(s), run.step(...), run.watch(person)
            return run.finish(outcome=..., blocked_by=..., yen_lost=..., takeovers=...)
    """

    def __init__(self, core: "Core", spec: ScenarioSpec, *, policy: str, on_step: Callable[[Step], None] | None,
                 sizes: dict[str, Any], defences: tuple[str, ...]) -> None:
        from shared.core import Core
        from shared.policy import policy_named

        self.spec = spec
        self.policy = policy_named(policy)
        self._on_step = on_step
        self.sizes = sizes
        self.defences = defences
        self._given = core
        if isinstance(core.clock, FixedClock):
            self.clock, self.core = core.clock, core
        else:  # a live database: simulate on a pinned copy of its time, never on the shared clock
            self.clock = FixedClock(float(int(core.now())))
            self.core = Core(core.db, self.clock)
        self.tag = secrets.token_hex(3)   # keeps e-mail addresses and sale ids unique per run
        self.started_at = self.core.now()   # set again when the run starts (__enter__)
        self.steps: list[Step] = []
        self.timeline: list[TimelinePoint] = []
        self.notes: list[str] = []
        self._watched: dict[int, tuple[str, int]] = {}
        self._extra_inboxes: list[str] = []
        self._hashing = simulation_hashing(bool(sizes.get("real_argon2", False)))
        self._old_policy: str | None = None
        self._sale_seq = 0
        self._totp_steps: dict[int, int] = {}

    # -- lifetime ----------------------------------------------------------------------------
    def __enter__(self) -> "Run":
        self.notes.append(self._hashing.__enter__())
        newest = self.core.audit_recent(limit=1)
        self._audit_start = newest[0].id if newest else 0
        self._old_policy = self.core.policy.name
        self.core.set_policy(self.policy.name, actor=f"attack:{self.spec.name}")
        self.started_at = self.core.now()
        self._wall = time.perf_counter()
        self.step(Actor.SYSTEM, "start", f"{self.spec.title} under the {self.policy.name} policy",
                  detail=", ".join(f"{k}={v}" for k, v in self.sizes.items()), progress=0.0)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._old_policy is not None and self._old_policy != self.policy.name:
                self.core.set_policy(self._old_policy, actor=f"attack:{self.spec.name}")
        finally:
            self._hashing.__exit__(*exc)

    # -- time and steps ----------------------------------------------------------------------
    def now(self) -> float:
        return self.core.now()

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @property
    def elapsed(self) -> float:
        return self.core.now() - self.started_at

    def step(self, actor: Actor, action: str, result: str, *, detail: str = "",
             attacker_gain: bool | None = None, progress: float | None = None,
             point: TimelinePoint | None = None) -> Step:
        if not isinstance(actor, Actor):
            raise TypeError(f"a step's actor is an Actor, not {type(actor).__name__}")
        now = self.core.now()
        s = Step(len(self.steps), now, round(now - self.started_at, 3),
                 actor, action, result, detail, attacker_gain,
                 None if progress is None else max(0.0, min(1.0, float(progress))), point)
        self.steps.append(s)
        if self._on_step is not None:
            self._on_step(s)  # may raise to cancel the run
        return s

    def point(self, *, attempts: int, blocked: int, taken_over: int, keep: bool = True) -> TimelinePoint:
        """The counts now; kept in the run's timeline unless `keep` is False (a step's own point)."""
        p = TimelinePoint(round(self.elapsed, 3), attempts, blocked, taken_over)
        if keep:
            self.timeline.append(p)
        return p

    def note(self, text: str) -> None:
        self.notes.append(text)

    def sale_id(self, who: str) -> str:
        self._sale_seq += 1
        return f"{who}-{self.tag}-{self._sale_seq}"

    # -- second factor -----------------------------------------------------------------------
    def totp_for(self, customer_id: int, secret: str) -> str:
        """A code from the person's authenticator app; waits (moves the clock) for the next 30-second
        step when this run already used the current one for them, as a person would."""
        from shared import totp

        step = totp.step_of(self.now())
        last = self._totp_steps.get(customer_id)
        if last is not None and step <= last:
            self.advance((last + 1) * totp.STEP_SECONDS - self.now() + 1)
            step = totp.step_of(self.now())
        self._totp_steps[customer_id] = step
        return totp.totp_code(secret, self.now())

    def mark_totp_used(self, customer_id: int, at: float) -> None:
        from shared import totp

        self._totp_steps[customer_id] = max(self._totp_steps.get(customer_id, -1), totp.step_of(at))

    # -- victims -----------------------------------------------------------------------------
    def watch(self, customer_id: int, email: str) -> None:
        """Show this customer in the victim view (balance before now, after at the end)."""
        if customer_id not in self._watched:
            self._watched[customer_id] = (email, self.core.wallet.balance(customer_id))

    def watch_inbox(self, address: str) -> None:
        """Also show what arrived at `address` (e.g. the attacker's drop box)."""
        self._extra_inboxes.append(address)

    def alerted(self, event: AuditEvent) -> bool:
        """Whether this run has written an alert `event` so far."""
        rows = self.core.audit_recent(event=event, severity="alert", limit=1)
        return bool(rows) and rows[0].id > self._audit_start

    # -- the end -----------------------------------------------------------------------------
    def finish(self, *, outcome: Outcome, blocked_by: str | None, yen_lost: int, takeovers: int) -> ScenarioResult:
        core = self.core
        self.step(Actor.SYSTEM, "finish",
                  f"{outcome.value.upper()}" + (f" by {blocked_by}" if blocked_by else "")
                  + f"; yen lost {yen_lost:,}; accounts taken over {takeovers}",
                  attacker_gain=outcome is Outcome.SUCCEEDED, progress=1.0)
        rows = [r for r in core.audit_recent(limit=1_000_000, since=None) if r.id > self._audit_start]
        counts: dict[str, int] = {}
        for r in rows:
            counts[str(r.event)] = counts.get(str(r.event), 0) + 1
        alerts = tuple(r for r in rows if r.severity == "alert")
        balances = tuple(BalanceChange(cid, email, before, core.wallet.balance(cid))
                         for cid, (email, before) in self._watched.items())
        messages: list[MailItem] = []
        for address in [email for email, _ in self._watched.values()] + self._extra_inboxes:
            for m in core.inbox(address):
                if m.sent_at >= self.started_at:
                    messages.append(MailItem(m.to, m.subject, m.body, m.sent_at, m.kind))
        messages.sort(key=lambda m: m.sent_at, reverse=True)
        problems = tuple(checks.run_checks(core))
        with core.db.read() as conn:
            ledger_problems = ledger.check(conn)
        return ScenarioResult(
            name=self.spec.name, title=self.spec.title, policy=self.policy.name, outcome=outcome,
            blocked_by=blocked_by if outcome is Outcome.BLOCKED else None, yen_lost=int(yen_lost),
            takeovers=int(takeovers), steps=tuple(self.steps), timeline=tuple(self.timeline),
            audit=tuple(rows[:AUDIT_ROWS_KEPT]), audit_counts=tuple(sorted(counts.items(), key=lambda kv: -kv[1])),
            alerts=alerts, victim=VictimView(balances, tuple(messages[:MESSAGES_KEPT]), len(messages)),
            ledger_ok=not ledger_problems and not problems, check_problems=problems,
            defences=self.defences, sizes=tuple(self.sizes.items()), notes=tuple(self.notes),
            started_at=self.started_at, finished_at=core.now(), wall_seconds=time.perf_counter() - self._wall)
