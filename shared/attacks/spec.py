"""The shape of an attack scenario: its size options, the `ScenarioSpec` the registry holds, and
the presenter's pace.

A scenario is `spec.run(core, *, policy, on_step=None, pace=None, **sizes) -> ScenarioResult`: the
spec checks the sizes, starts a `Run` (shared.attacks.run: the policy switched, a fixed clock,
cheap hashing) and calls the scenario's `attack(run, **sizes)`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol, Union

from shared.attacks.base import ScenarioResult, Step
from shared.attacks.run import Run
from shared.errors import InputError
from shared.texts import Text

if TYPE_CHECKING:
    from shared.core import Core
    from shared.policy import Policy


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


# The size every scenario has (`ScenarioSpec` adds it last unless the scenario gives its own "seed"):
# the same seed, the same simulated people, the same run.
SEED = SizeOption("seed", 7, "seed of the simulated passwords", 0, 2**31 - 1)


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
    """A registered scenario: its description, its `attack` and the defences that stop it
    (`stopping`, names of shared.defences: with exactly these off it succeeds, with any one of them
    on it is stopped or its loss bounded; tests/test_defence_matrix.py measures it).

    `attack(run, **sizes) -> ScenarioResult` is the scenario itself: it gets a `Run` already
    started under the policy, and its sizes checked and filled in from `sizes`' defaults (`seed`
    among them: `SEED` is added when `sizes` has no size of that name)."""

    name: str
    title: str
    summary: str
    sizes: tuple[SizeOption, ...]
    attack: Callable[..., ScenarioResult] = field(repr=False)
    title_ja: str = ""
    summary_ja: str = ""
    stopping: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if all(o.name != SEED.name for o in self.sizes):
            object.__setattr__(self, "sizes", (*self.sizes, SEED))

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
        checked = self.check_sizes(sizes)
        with Run(core, self, policy=policy, on_step=paced(on_step, pace), sizes=checked) as run:
            return self.attack(run, **{k: v for k, v in checked.items() if k != "real_argon2"})

    def check_sizes(self, given: dict[str, Any]) -> dict[str, Any]:
        """The sizes with defaults filled in (and `real_argon2`, default False); an unknown name or an
        out-of-range value is an InputError."""
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
        out["real_argon2"] = bool(given.get("real_argon2", False))
        return out


MAX_PACE_SECONDS = 60.0


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

