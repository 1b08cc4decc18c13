"""The one policy poller: each app re-reads the database's policy on a timer, so a switch made in
another process (the trainer, `qrpay policy set`) shows in every window within a few seconds.

    poller = PolicyPoller(core, parent=window)          # polls every POLICY_POLL_MS
    poller.changed.connect(lambda policy: badge.set_policy(policy))

`changed` fires at the first poll and whenever the policy differs from the last one seen (a custom set keeps its name);
a poll that cannot read the database (it went away, it is locked) logs, emits `failed` and keeps
the timer running: a window must never lose its badge updates to one bad read.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from shared.errors import QrpayError
from shared.policy import Policy

log = logging.getLogger(__name__)

POLICY_POLL_MS = 3000


class PolicyPoller(QObject):
    changed = Signal(object)     # the Policy now in force
    failed = Signal(object)      # the QrpayError of a poll that could not read it

    def __init__(self, core, *, interval_ms: int = POLICY_POLL_MS, parent: QObject | None = None) -> None:
        """`interval_ms` 0: no timer of its own; the owner calls `poll()` on its own tick."""
        super().__init__(parent)
        self._core = core
        self._name: str | None = None
        self._policy: Policy | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.poll)
        if interval_ms > 0:
            self._timer.start(interval_ms)

    @property
    def policy_name(self) -> str | None:
        """The name seen by the last successful poll (None before it)."""
        return self._name

    def poll(self, *, force: bool = False) -> Policy | None:
        """Read the policy now; `changed` fires if it moved (any field) (always with `force`)."""
        try:
            policy = self._core.policy
        except QrpayError as e:
            log.warning("policy poll failed: %s", e.message)
            self.failed.emit(e)
            return None
        if force or policy != self._policy:  # whole: one defence switched inside a custom set keeps the name
            self._name, self._policy = policy.name, policy
            self.changed.emit(policy)
        return policy

    def stop(self) -> None:
        self._timer.stop()

    def is_active(self) -> bool:
        return self._timer.isActive()
