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
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol, Union

from shared import checks, ledger, passwords
from shared.audit import AuditRow
from shared.audit_events import AuditEvent
from shared.clock import FixedClock, to_iso
from shared.errors import InputError
from shared.mailbox import MessageKind
from shared.texts import Text

if TYPE_CHECKING:
    from shared.core import Core
    from shared.policy import Policy

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
    result: str                       # English (the CLI's default and the trainer's fallback)
    detail: str = ""
    attacker_gain: bool | None = None
    progress: float | None = None
    point: TimelinePoint | None = None
    defence: str | None = None        # the defence (shared.defences name) that stopped this move
    text: Text | None = field(default=None, repr=False, compare=False)          # result, en + ja
    detail_text: Text | None = field(default=None, repr=False, compare=False)
    params: tuple[tuple[str, Any], ...] = field(default=(), repr=False, compare=False)

    def result_in(self, lang: str) -> str:
        return _render(self.text, self.params, lang) if self.text is not None else self.result

    def detail_in(self, lang: str) -> str:
        return _render(self.detail_text, self.params, lang) if self.detail_text is not None else self.detail

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {"index": self.index, "at": self.at, "elapsed": self.elapsed, "actor": self.actor.value,
                "action": self.action, "result": self.result_in(lang), "detail": self.detail_in(lang),
                "attacker_gain": self.attacker_gain, "progress": self.progress,
                "point": None if self.point is None else asdict(self.point), "defence": self.defence}


def _render(text: Text, params: tuple[tuple[str, Any], ...], lang: str) -> str:
    values = {k: (v.get(lang) if isinstance(v, Text) else v) for k, v in params}
    return text.format(lang, **values)


ACTOR_TEXTS: dict[Actor, Text] = {
    Actor.ATTACKER: Text("attacker", "攻撃者"), Actor.VICTIM: Text("victim", "被害者"),
    Actor.TILL: Text("till", "レジ"), Actor.SYSTEM: Text("system", "システム"),
}
OUTCOME_TEXTS: dict[Outcome, Text] = {
    Outcome.BLOCKED: Text("BLOCKED", "阻止"), Outcome.SUCCEEDED: Text("SUCCEEDED", "成功（被害あり）"),
}


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
    subject_ja: str | None = None     # the notice in Japanese (shared/notices.py), when written
    body_ja: str | None = None

    def subject_in(self, lang: str) -> str:
        return self.subject_ja if lang == "ja" and self.subject_ja else self.subject

    def body_in(self, lang: str) -> str:
        return self.body_ja if lang == "ja" and self.body_ja else self.body


@dataclass(frozen=True, slots=True)
class VictimView:
    balances: tuple[BalanceChange, ...]
    messages: tuple[MailItem, ...]      # newest first, what arrived during the run
    messages_total: int


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    name: str
    title: str
    policy: str                                  # "hardened", "2019" or "custom"
    outcome: Outcome
    blocked_by: str | None                       # English; `blocked_by_in(lang)` for others
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
    defences: tuple[str, ...]                    # the scenario's stopping defences (shared.defences names)
    sizes: tuple[tuple[str, Any], ...]
    notes: tuple[str, ...]                       # English; `notes_in(lang)` for others
    started_at: float                            # simulated time
    finished_at: float
    wall_seconds: float
    stopped_by: tuple[str, ...] = ()             # the defences that refused a move IN THIS RUN (measured)
    defences_off: tuple[str, ...] = ()           # what the run's policy had switched off
    title_text: Text | None = field(default=None, repr=False, compare=False)
    blocked_by_text: Text | None = field(default=None, repr=False, compare=False)
    note_texts: tuple[tuple[Text, tuple[tuple[str, Any], ...]], ...] = field(default=(), repr=False,
                                                                              compare=False)

    @property
    def audit_total(self) -> int:
        return sum(n for _, n in self.audit_counts)

    def title_in(self, lang: str) -> str:
        return self.title_text.get(lang) if self.title_text is not None else self.title

    def blocked_by_in(self, lang: str) -> str | None:
        if self.blocked_by is None:
            return None
        return self.blocked_by_text.get(lang) if self.blocked_by_text is not None else self.blocked_by

    def notes_in(self, lang: str) -> tuple[str, ...]:
        return tuple(_render(t, p, lang) for t, p in self.note_texts) if self.note_texts else self.notes

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        def row(r: AuditRow) -> dict[str, Any]:
            return {"id": r.id, "at": to_iso(r.at), "event": str(r.event), "severity": r.severity,
                    "customer_id": r.customer_id, "actor": r.actor, "details": r.details}

        return {
            "name": self.name, "title": self.title_in(lang), "policy": self.policy, "outcome": self.outcome.value,
            "blocked_by": self.blocked_by_in(lang), "stopped_by": list(self.stopped_by),
            "defences_off": list(self.defences_off), "yen_lost": self.yen_lost, "takeovers": self.takeovers,
            "ledger_ok": self.ledger_ok, "check_problems": list(self.check_problems),
            "sizes": dict(self.sizes), "notes": list(self.notes_in(lang)), "defences": list(self.defences),
            "started_at": to_iso(self.started_at), "finished_at": to_iso(self.finished_at),
            "simulated_seconds": round(self.finished_at - self.started_at, 3),
            "wall_seconds": round(self.wall_seconds, 3),
            "steps": [s.to_json(lang) for s in self.steps],
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


PolicyChoice = Union[str, "Policy", Iterable[str]]   # a preset name, a Policy, or the defences to switch off
StepHook = Callable[[Step], None]


class Scenario(Protocol):
    name: str
    title: str
    summary: str
    sizes: tuple[SizeOption, ...]

    def run(self, core: "Core", *, policy: PolicyChoice, on_step: StepHook | None = None,
            pace: "float | StepHook | None" = None, **sizes: Any) -> ScenarioResult: ...


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """A registered scenario: its description, its `run` function and the defences that stop it
    (`stopping`, names of shared.defences: with exactly these off it succeeds, with any one of them
    on it is stopped or its loss bounded; tests/test_defence_matrix.py measures it)."""

    name: str
    title: str
    summary: str
    sizes: tuple[SizeOption, ...]
    runner: Callable[..., ScenarioResult] = field(repr=False)
    title_ja: str = ""
    summary_ja: str = ""
    stopping: tuple[str, ...] = ()

    @property
    def title_text(self) -> Text:
        return Text(self.title, self.title_ja or self.title)

    @property
    def summary_text(self) -> Text:
        return Text(self.summary, self.summary_ja or self.summary)

    def run(self, core: "Core", *, policy: PolicyChoice, on_step: StepHook | None = None,
            pace: "float | StepHook | None" = None, **sizes: Any) -> ScenarioResult:
        """Run under `policy`. `on_step` sees every step as it happens; `pace` slows the run to a
        presenter's speed: a number of wall-clock seconds to wait after each step, or a function
        called after each step that returns when the next may come (e.g. waits for "Next")."""
        return self.runner(core, policy=policy, on_step=paced(on_step, pace), **self.check_sizes(sizes))

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


MAX_PACE_SECONDS = 60.0

# Texts several scenarios share.
T_EMAIL = Text("{email}", "{email}")
T_DATA = Text("{data}", "{data}")   # names, terminals, receipt numbers: the same in every language
T_REFUSED = Text("refused ({code}): {message}", "拒否（{code}）")


def refusal_defence(error: Exception) -> str | None:
    """The defence (shared.defences name) a refusal of the till or of a top-up comes from, when it
    is one that can be switched; None for checks that are always on (signature, balance, freeze)."""
    code = getattr(error, "code", None)
    details = getattr(error, "details", {}) or {}
    if code == "replayed":
        return "single-use-code"
    if code == "superseded" and details.get("reason") is None:
        return "one-live-code"
    if code in ("expired", "not_yet_valid"):
        return "code-lifetime"
    if code == "limit_exceeded":
        if "rule" in details:  # a top-up's limits
            return "topup-velocity" if details["rule"] == "velocity" else "topup-limits"
        reason = details.get("reason")
        if reason == "velocity":
            return "payment-velocity"
        if reason in ("per_transaction", "per_day"):
            return "payment-limits"
    return None


def paced(on_step: StepHook | None, pace: "float | StepHook | None") -> StepHook | None:
    """`on_step` followed, after each step, by a wait: `pace` wall-clock seconds, or a call to
    `pace(step)` (a presenter's "Next"). A hook that raises cancels the run, like `on_step`."""
    if pace is None:
        return on_step
    if callable(pace):
        hook = pace
    else:
        if isinstance(pace, bool) or not isinstance(pace, (int, float)) or not 0 <= pace <= MAX_PACE_SECONDS:
            raise InputError(f"The pace is a number of seconds from 0 to {MAX_PACE_SECONDS:g}.")
        delay = float(pace)

        def hook(step: Step) -> None:
            time.sleep(delay)

    def both(step: Step) -> None:
        if on_step is not None:
            on_step(step)
        hook(step)
    return both


_REAL_HASHING = Text("Passwords were hashed with the production Argon2id parameters.",
                     "パスワードは本番と同じ Argon2id のパラメータでハッシュしました。")
_CHEAP_HASHING = Text(
    "For speed, simulated customers' passwords were hashed with cheap Argon2id parameters (t={t}, m={m} KiB, "
    "p={p}); the production default is t={pt}, m={pm} KiB, p={pp}. Pass real_argon2 (qrpay attack --real-argon2) "
    "to use it.",
    "速度のため、模擬顧客のパスワードは軽い Argon2id のパラメータ（t={t}, m={m} KiB, p={p}）でハッシュしました。"
    "本番の既定値は t={pt}, m={pm} KiB, p={pp} です。使うには real_argon2（qrpay attack --real-argon2）を指定します。")


@contextmanager
def simulation_hashing(real: bool) -> Iterator[tuple[Text, dict[str, Any]]]:
    """Cheap Argon2id parameters for the run (every simulated customer has a real Argon2id hash,
    just a cheap one), restored afterwards. Yields a note (text and parameters) for the result.

    The hasher is module-global: a sign-up in another thread of the same process during the run
    would get the cheap parameters too (and be upgraded by `needs_rehash` at its next sign-in)."""
    if real:
        yield _REAL_HASHING, {}
        return
    from argon2 import PasswordHasher

    previous = passwords.HASHER
    passwords.HASHER = PasswordHasher(**SIMULATION_ARGON2)
    try:
        yield _CHEAP_HASHING, dict(t=SIMULATION_ARGON2["time_cost"], m=SIMULATION_ARGON2["memory_cost"],
                                   p=SIMULATION_ARGON2["parallelism"], pt=passwords.DEFAULT_HASHER.time_cost,
                                   pm=passwords.DEFAULT_HASHER.memory_cost, pp=passwords.DEFAULT_HASHER.parallelism)
    finally:
        passwords.HASHER = previous


_START = Text("{title} under the {policy} policy", "{title}（{policy} ポリシー）")
_START_DETAIL = Text("{sizes}; defences off: {off}", "{sizes}／オフの防御: {off}")
_FINISH = Text("{outcome}; yen lost {yen:,}; accounts taken over {takeovers}",
               "{outcome}／被害額 {yen:,} 円／乗っ取られたアカウント {takeovers}")
_FINISH_BY = Text("{outcome} by {by}; yen lost {yen:,}; accounts taken over {takeovers}",
                  "{outcome}（{by}）／被害額 {yen:,} 円／乗っ取られたアカウント {takeovers}")
_NONE = Text("none", "なし")


class Run:
    """The context of one scenario run (see the module docstring).

        with Run(core, spec, policy=policy, on_step=on_step, sizes=sizes) as run:
            ...                       # run.core, run.advance(s), run.step(...), run.watch(person)
            return run.finish(outcome=..., blocked_by=..., yen_lost=..., takeovers=...)

    Steps and notes are `Text`s (English and Japanese) with their parameters, so a result reads in
    either language; a step that a defence refused names it (`defence=`, a shared.defences name).
    """

    def __init__(self, core: "Core", spec: ScenarioSpec, *, policy: PolicyChoice, on_step: StepHook | None,
                 sizes: dict[str, Any]) -> None:
        from shared import defences
        from shared.core import Core

        self.spec = spec
        self.policy = defences.resolve(policy)
        self.defences_off = tuple(d.name for d in defences.describe(self.policy).off)
        self._on_step = on_step
        self.sizes = sizes
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
        self.notes: list[tuple[Text, tuple[tuple[str, Any], ...]]] = []
        self._watched: dict[int, tuple[str, int]] = {}
        self._extra_inboxes: list[str] = []
        self._hashing = simulation_hashing(bool(sizes.get("real_argon2", False)))
        self._old_policy: "Policy | None" = None
        self._sale_seq = 0
        self._totp_steps: dict[int, int] = {}

    # -- lifetime ----------------------------------------------------------------------------
    def __enter__(self) -> "Run":
        text, params = self._hashing.__enter__()
        self.note(text, **params)
        newest = self.core.audit_recent(limit=1)
        self._audit_start = newest[0].id if newest else 0
        self._old_policy = self.core.policy
        self.core.set_policy(self.policy, actor=f"attack:{self.spec.name}")
        self.started_at = self.core.now()
        self._wall = time.perf_counter()
        self.step(Actor.SYSTEM, "start", _START, detail=_START_DETAIL, title=self.spec.title_text,
                  policy=self.policy.name, sizes=", ".join(f"{k}={v}" for k, v in self.sizes.items()),
                  off=", ".join(self.defences_off) or _NONE, progress=0.0)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._old_policy is not None and self._old_policy != self.policy:
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

    def step(self, actor: Actor, action: str, text: Text, *, detail: Text | None = None,
             attacker_gain: bool | None = None, progress: float | None = None,
             point: TimelinePoint | None = None, defence: str | None = None, **params: Any) -> Step:
        """Record (and show) a step: `text` and `detail` are filled with `params` in each language."""
        if not isinstance(actor, Actor):
            raise TypeError(f"a step's actor is an Actor, not {type(actor).__name__}")
        if not isinstance(text, Text) or (detail is not None and not isinstance(detail, Text)):
            raise TypeError("a step's text and detail are Texts (English and Japanese)")
        if defence is not None:
            from shared.defences import defence_named
            defence = defence_named(defence).name
        now = self.core.now()
        pairs = tuple(params.items())
        s = Step(len(self.steps), now, round(now - getattr(self, "started_at", now), 3),
                 actor, action, _render(text, pairs, "en"),
                 _render(detail, pairs, "en") if detail is not None else "", attacker_gain,
                 None if progress is None else max(0.0, min(1.0, float(progress))), point, defence,
                 text, detail, pairs)
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

    def note(self, text: Text, **params: Any) -> None:
        self.notes.append((text, tuple(params.items())))

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
    def finish(self, *, outcome: Outcome, blocked_by: Text | None, yen_lost: int, takeovers: int) -> ScenarioResult:
        core = self.core
        by = blocked_by if outcome is Outcome.BLOCKED else None
        if by is not None:
            self.step(Actor.SYSTEM, "finish", _FINISH_BY, attacker_gain=False, progress=1.0,
                      outcome=OUTCOME_TEXTS[outcome], by=by, yen=int(yen_lost), takeovers=int(takeovers))
        else:
            self.step(Actor.SYSTEM, "finish", _FINISH, attacker_gain=outcome is Outcome.SUCCEEDED, progress=1.0,
                      outcome=OUTCOME_TEXTS[outcome], yen=int(yen_lost), takeovers=int(takeovers))
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
                    messages.append(MailItem(m.to, m.subject, m.body, m.sent_at, m.kind, m.subject_ja, m.body_ja))
        messages.sort(key=lambda m: m.sent_at, reverse=True)
        problems = tuple(checks.run_checks(core))
        with core.db.read() as conn:
            ledger_problems = ledger.check(conn)
        from shared.defences import NAMES
        acted = {s.defence for s in self.steps if s.defence is not None and s.attacker_gain is False}
        return ScenarioResult(
            name=self.spec.name, title=self.spec.title, policy=self.policy.name, outcome=outcome,
            blocked_by=by.en if by is not None else None, yen_lost=int(yen_lost),
            takeovers=int(takeovers), steps=tuple(self.steps), timeline=tuple(self.timeline),
            audit=tuple(rows[:AUDIT_ROWS_KEPT]), audit_counts=tuple(sorted(counts.items(), key=lambda kv: -kv[1])),
            alerts=alerts, victim=VictimView(balances, tuple(messages[:MESSAGES_KEPT]), len(messages)),
            ledger_ok=not ledger_problems and not problems, check_problems=problems,
            defences=self.spec.stopping, sizes=tuple(self.sizes.items()),
            notes=tuple(_render(t, p, "en") for t, p in self.notes),
            started_at=self.started_at, finished_at=core.now(), wall_seconds=time.perf_counter() - self._wall,
            stopped_by=tuple(n for n in NAMES if n in acted), defences_off=self.defences_off,
            title_text=self.spec.title_text, blocked_by_text=by, note_texts=tuple(self.notes))
