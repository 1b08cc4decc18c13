"""The context one scenario runs in: `Run`.

A scenario works on the database of the core it is given, but always on a `FixedClock` that it
advances itself (a copy of the core's clock when that is not fixed), so a long attack takes no
wall-clock time and a run is repeatable. `Run` switches the database to the run's policy and
back afterwards, hashes the simulated customers' passwords cheaply (`simulation_hashing`), records
each step (calling `on_step` with it: a callback that raises cancels the run) and, at `finish`,
gathers the audit rows, alerts, the victims' mail and balances and `qrpay check`'s invariants
into the `ScenarioResult` (shared.attacks.base).
"""
from __future__ import annotations

import secrets
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

from shared import checks, ledger, passwords
from shared.attacks.base import (NONE_TEXT, OUTCOME_BY, OUTCOME_TEXTS, Actor, BalanceChange, MailItem, Outcome,
                                 ScenarioResult, Step, TimelinePoint, VictimView, filled, render)
from shared.audit_events import AuditEvent
from shared.clock import FixedClock
from shared.texts import Text

if TYPE_CHECKING:
    from shared.attacks.spec import PolicyChoice, ScenarioSpec, StepHook
    from shared.core import Core
    from shared.errors import QrpayError
    from shared.policy import Policy

# argon2-cffi's floor is 8 KiB per lane; 1 MiB keeps the work real but ~1 ms per hash, so a
# 2,000-attempt stuffing run finishes in seconds on two cores. Production parameters are one option
# away (`real_argon2=True`).
SIMULATION_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
AUDIT_ROWS_KEPT = 400
MESSAGES_KEPT = 60

# Texts several scenarios share (`what`: a name, or a Text `filled` with its own values).
T_DATA = Text("{data}", "{data}")   # names, e-mail addresses, terminals: the same in every language
T_REFUSED = Text("refused ({code}): {message}", "拒否（{code}）")
T_REFUSED_CODE = Text("refused ({code})", "拒否（{code}）")
T_REFUSED_WHAT = Text("{what}: refused ({code}): {message}", "{what}：拒否（{code}）")
T_TAKEN = Text("account taken over with the leaked password", "漏えいしたパスワードでアカウントを乗っ取った")


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


class Run:
    """The context of one scenario run (see the module docstring).

        with Run(core, spec, policy=policy, on_step=on_step, sizes=sizes) as run:   # ScenarioSpec.run
            ...                       # spec.attack(run, ...): run.core, run.advance(s), run.step(...),
            ...                       # run.refused(...), run.watch(person)
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
                  off=", ".join(self.defences_off) or NONE_TEXT, progress=0.0)
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
                 actor, action, render(text, pairs, "en"),
                 render(detail, pairs, "en") if detail is not None else "", attacker_gain,
                 None if progress is None else max(0.0, min(1.0, float(progress))), point, defence,
                 text, detail, pairs)
        self.steps.append(s)
        if self._on_step is not None:
            self._on_step(s)  # may raise to cancel the run
        return s

    def refused(self, actor: Actor, action: str, error: "QrpayError", text: Text = T_REFUSED, *,
                detail: Text | None = None, defence: str | None = None, **params: Any) -> Step:
        """Record a move the system refused with `error`: `text` gets the error's `code` and
        `message` (and `params`); `defence` names the switchable defence that refused it, if any
        (`refusal_defence(error)` tells it for a till's or a top-up's refusal)."""
        return self.step(actor, action, text, detail=detail, attacker_gain=False, defence=defence,
                         code=error.code, message=error.message, **params)

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

    def alert_step(self, event: AuditEvent, text: Text, *, defence: str) -> bool:
        """When this run has written an alert `event` so far, show it: a system step `text`, the
        `defence` that raised it. Returns whether it had."""
        if not self.alerted(event):
            return False
        self.step(Actor.SYSTEM, "alert", text, attacker_gain=False, defence=defence)
        return True

    # -- the end -----------------------------------------------------------------------------
    def finish(self, *, outcome: Outcome, blocked_by: Text | None, yen_lost: int, takeovers: int) -> ScenarioResult:
        core = self.core
        by = blocked_by if outcome is Outcome.BLOCKED else None
        said = OUTCOME_TEXTS[outcome] if by is None else filled(OUTCOME_BY, outcome=OUTCOME_TEXTS[outcome], by=by)
        self.step(Actor.SYSTEM, "finish", _FINISH, attacker_gain=outcome is Outcome.SUCCEEDED, progress=1.0,
                  outcome=said, yen=int(yen_lost), takeovers=int(takeovers))
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
            notes=tuple(render(t, p, "en") for t, p in self.notes),
            started_at=self.started_at, finished_at=core.now(), wall_seconds=time.perf_counter() - self._wall,
            stopped_by=tuple(n for n in NAMES if n in acted), defences_off=self.defences_off,
            title_text=self.spec.title_text, blocked_by_text=by, note_texts=tuple(self.notes))

