"""The records every attack scenario produces and every reader shows: a run's `Step`s, its
`TimelinePoint`s, what the victims saw, and the `ScenarioResult` they add up to.

A scenario (see shared.attacks.spec for its shape, shared.attacks.run for the context it runs in)
reports:

- the outcome (`Outcome.BLOCKED` / `Outcome.SUCCEEDED`), the defence that blocked it, yen lost
  and accounts taken over;
- every step as it happened (a window can show them live);
- timeline points for a chart, the audit rows and alerts the run produced, what the victims saw
  (their mailbox and balance before/after), and whether `qrpay check`'s invariants still hold.

Texts are `Text`s (English and Japanese) with their parameters, so a result reads in either
language; `render` fills one in.
"""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from shared.audit import AuditRow
from shared.clock import to_iso
from shared.mailbox import MessageKind
from shared.texts import Text

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
        return render(self.text, self.params, lang) if self.text is not None else self.result

    def detail_in(self, lang: str) -> str:
        return render(self.detail_text, self.params, lang) if self.detail_text is not None else self.detail

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {"index": self.index, "at": self.at, "elapsed": self.elapsed, "actor": self.actor.value,
                "action": self.action, "result": self.result_in(lang), "detail": self.detail_in(lang),
                "attacker_gain": self.attacker_gain, "progress": self.progress,
                "point": None if self.point is None else asdict(self.point), "defence": self.defence}


def render(text: Text, params: tuple[tuple[str, Any], ...], lang: str) -> str:
    values = {k: (v.get(lang) if isinstance(v, Text) else v) for k, v in params}
    return text.format(lang, **values)


def filled(text: Text, **params: Any) -> Text:
    """`text` with `params` filled in, in both languages: a text that carries its own values into a
    step's `what` or a result's `blocked_by`."""
    pairs = tuple(params.items())
    return Text(render(text, pairs, "en"), render(text, pairs, "ja"))


ACTOR_TEXTS: dict[Actor, Text] = {
    Actor.ATTACKER: Text("attacker", "攻撃者"), Actor.VICTIM: Text("victim", "被害者"),
    Actor.TILL: Text("till", "レジ"), Actor.SYSTEM: Text("system", "システム"),
}
OUTCOME_TEXTS: dict[Outcome, Text] = {
    Outcome.BLOCKED: Text("BLOCKED", "阻止"), Outcome.SUCCEEDED: Text("SUCCEEDED", "成功（被害あり）"),
}
# The outcome with the defence that blocked it: the run's last step and `qrpay attack`'s summary.
OUTCOME_BY = Text("{outcome} by {by}", "{outcome}（{by}）")
NONE_TEXT = Text("none", "なし")   # an empty list of defences, alerts or names


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
    audit: tuple[AuditRow, ...]                  # newest first, at most run.AUDIT_ROWS_KEPT
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
        return tuple(render(t, p, lang) for t, p in self.note_texts) if self.note_texts else self.notes

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
