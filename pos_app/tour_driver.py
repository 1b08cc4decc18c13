"""The presenter's tour, the till's half: the tour panel (ui_common/tour_panel.py) sends orders,
this driver carries them out on the real till window, the way attract mode does (the clerk's
sign-in form, the supervisor area's tabs).

Orders (dicts, from ui_common.tour_link):
- `{"action": "till"}`: the clerk (the demo accounts' first clerk) signed in, the till shown;
- `{"action": "alerts"}`: the supervisor area's Alerts tab, refreshed: the alerts the defences
  raised (none at all under the 2019 settings: 7pay had no such monitoring).
The supervisor's number and PIN come from the demo accounts saved beside the database, as the
presenter would type them from the Presenter menu's "Demo accounts…".
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

STEP_MS = 400


class TillTourDriver(QObject):
    def __init__(self, window, *, clerk: tuple[int, str] | None, supervisor: tuple[int, str] | None,
                 step_ms: int = STEP_MS) -> None:
        super().__init__(window)
        self.window = window
        self.clerk, self.supervisor = clerk, supervisor
        self.step_ms = step_ms
        self._generation = 0

    def handle(self, order: dict[str, Any], reply: Callable[..., None]) -> None:
        self._generation += 1
        gen = self._generation
        action = order.get("action")
        if action not in ("till", "alerts"):
            reply("failed", f"unknown order {action!r}")
            return
        self._signed_in(gen, lambda: (self._show_till(reply) if action == "till" else self._open_alerts(gen, reply)),
                        reply)

    def _later(self, gen: int, ms: int, fn: Callable[[], None]) -> None:
        QTimer.singleShot(ms, lambda: fn() if gen == self._generation else None)

    def _signed_in(self, gen: int, then: Callable[[], None], reply, waited: int = 0) -> None:
        w = self.window
        if w.shift is not None:
            then()
            return
        if self.clerk is None:
            reply("failed", "no demo clerk saved beside the database")
            return
        if waited == 0:
            w.show_till()
            w.signin.sign_in_as(*self.clerk)
        elif waited > 40:
            reply("failed", "the clerk could not sign in")
            return
        self._later(gen, 250, lambda: self._signed_in(gen, then, reply, waited + 1))

    def _show_till(self, reply) -> None:
        self.window.show_till()
        reply("done", "")

    def _open_alerts(self, gen: int, reply) -> None:
        w = self.window
        area = w.supervisor
        if w.pages.currentWidget() is area:
            area.alerts.refresh()
            area.tabs.setCurrentWidget(area.alerts)
            reply("done", "")
            return
        if self.supervisor is None:
            reply("failed", "no demo supervisor saved beside the database")
            return
        from ui_common.supervisor_pin import Approval

        sup_id, pin = self.supervisor
        ask = w._ask
        w._ask = lambda *_a, **_k: Approval(sup_id, pin, "tour")   # the PIN the presenter would type
        try:
            w.open_supervisor_area()
        finally:
            w._ask = ask
        self._later(gen, self.step_ms, lambda: self._wait_area(gen, reply, 0))

    def _wait_area(self, gen: int, reply, waited: int) -> None:
        w = self.window
        if w.pages.currentWidget() is w.supervisor:
            w.supervisor.alerts.refresh()
            w.supervisor.tabs.setCurrentWidget(w.supervisor.alerts)
            reply("done", "")
        elif waited > 40:
            reply("failed", "the supervisor area did not open")
        else:
            self._later(gen, 250, lambda: self._wait_area(gen, reply, waited + 1))


def follow(window, db_path: str):
    """`qrpay demo --tour`: follow the narration panel's orders (None when not in a tour)."""
    from shared.demo_data import load_credentials
    from ui_common.tour_link import TILL, follow_tour

    def make():
        creds = load_credentials(db_path) or {}
        staff = creds.get("staff", [])
        clerk = next((s for s in staff if s.get("role") == "clerk"), None)
        sup = next((s for s in staff if s.get("role") == "supervisor"), None)
        return TillTourDriver(window, clerk=(int(clerk["id"]), str(clerk["pin"])) if clerk else None,
                              supervisor=(int(sup["id"]), str(sup["pin"])) if sup else None)

    return follow_tour(window, TILL, make)
