"""`Core`: the payment core as one object the apps and the CLI hold.

    core = Core.open("demo.sqlite3")            # real time + the database's simulated offset
    core = Core.open(path, clock=FixedClock())  # tests: a clock that only moves when told

It owns the database and the clock and hands out one service per concept (identity, staff,
wallet, top-ups, payment codes, sales, refunds, reports). The policy is read from the database
on every use, so a trainer switching it in one app changes the other at once.
"""
from __future__ import annotations

import math
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from shared import audit, mailbox
from shared.audit_events import AuditEvent
from shared.clock import Clock, FixedClock, SimulatedClock, SystemClock
from shared.errors import InputError
from shared.policy import DEFAULT_POLICY, Policy, policy_named
from shared.storage import settings_store
from shared.storage.db import Database, default_db_path

if TYPE_CHECKING:  # the services; each lives in the module named after its concept
    from shared.identity import IdentityService
    from shared.staff import StaffService
    from shared.wallet import WalletService
    from shared.topups import TopUpService
    from shared.codes import CodeService
    from shared.catalog import Catalog
    from shared.sales import SalesService
    from shared.refunds import RefundService
    from shared.reports import ReportService
    from shared.external_id import ExternalIdService, SnsProvider

_POLICY_KEY = "policy"
_DEFENCES_OFF_KEY = "defences_off"   # JSON list of names, only while the policy is "custom"
_CLOCK_OFFSET_KEY = "clock_offset"


class Core:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        # The simulated offset is shared through the database unless a clock is pinned.
        self.clock: Clock = clock if clock is not None else SimulatedClock(self.clock_offset)

    @classmethod
    def open(cls, target: str | os.PathLike[str] | None = None, *, clock: Clock | None = None,
             world: str | None = None) -> "Core":
        """`target`: an SQLite file (a path; default `QRPAY_DB` or the user data directory) or a
        PostgreSQL URL (`postgresql://user@host/db`, optionally `#WORLD`); `world` picks the world
        (a schema, created on first open) on PostgreSQL. On SQLite a world is a file of its own:
        give its path."""
        from shared.storage import pg
        if pg.is_url(target):
            return cls(pg.PgDatabase(str(target), world=world), clock)
        if world is not None:
            raise InputError("On SQLite a world is a database file of its own: open its path.", code="bad_world_name")
        return cls(Database(Path(target) if target else default_db_path()), clock)

    def close(self) -> None:
        self.db.close()

    def now(self) -> float:
        return self.clock.now()

    # -- policy ---------------------------------------------------------------------------
    @property
    def policy(self) -> Policy:
        from shared import defences
        with self.db.read() as conn:
            return defences.decode(settings_store.get(conn, _POLICY_KEY, DEFAULT_POLICY),
                                   settings_store.get(conn, _DEFENCES_OFF_KEY))

    def set_policy(self, policy: "str | Policy", *, actor: str = "trainer") -> Policy:
        """Switch the policy for both apps at once: a preset name, or a Policy (a custom set of
        defences, `shared.defences.policy_with_off`).

        Rule: a switch that turns ANY defence on (to `hardened` from anything else, or one
        defence back on) withdraws ALL outstanding payment codes of every customer, in the same
        transaction as the switch, audited with their count (`codes_revoked`, reason
        `policy_hardened`). Codes issued under the weaker policy may lack a step-up, live a day,
        be reusable, not supersede each other or carry a larger cap; rather than judging each one,
        none of them survives. Customers show a new code, issued under the stricter rules.
        (Issuing re-checks the policy inside its own write transaction, so a code being made
        during the switch is refused, not issued under the old rules.) A switch that only turns
        defences off, or to the same policy, withdraws nothing.
        """
        new = policy_named(policy) if isinstance(policy, str) else policy
        if not isinstance(new, Policy):
            raise InputError("A policy is a preset name or a Policy.")
        return self._switch_policy(lambda old: new, actor=actor)

    def set_defence(self, name: str, on: bool, *, actor: str = "trainer") -> Policy:
        """Switch one defence (`shared.defences`) on or off, keeping the others as they are (read
        and written in one transaction: two trainers switching two defences lose neither)."""
        from shared import defences
        if not isinstance(on, bool):
            raise InputError("A defence is switched on or off (True or False).")
        d = defences.defence_named(name)

        def switched(old: Policy) -> Policy:
            off = set(defences.off_set(old))
            (off.discard if on else off.add)(d.name)
            return defences.policy_with_off(off)
        return self._switch_policy(switched, actor=actor)

    def _switch_policy(self, make, *, actor: str) -> Policy:
        from shared import defences
        with self.db.write() as conn:
            old = defences.decode(settings_store.get(conn, _POLICY_KEY, DEFAULT_POLICY),
                                  settings_store.get(conn, _DEFENCES_OFF_KEY))
            new = make(old)
            name, off_json = defences.encode(new)
            settings_store.put(conn, _POLICY_KEY, name)
            if off_json is None:
                settings_store.delete(conn, _DEFENCES_OFF_KEY)
            else:
                settings_store.put(conn, _DEFENCES_OFF_KEY, off_json)
            if old != new:
                now = self.now()
                was_off, now_off = defences.off_set(old), defences.off_set(new)
                audit.record(conn, at=now, event=AuditEvent.POLICY_CHANGED,
                             severity="alert" if new.is_insecure else "warning", actor=actor,
                             old=old.name, new=new.name,
                             **({"defences_off": sorted(now_off)} if new.name == defences.CUSTOM else {}),
                             **({"switched_on": sorted(was_off - now_off)} if was_off - now_off else {}),
                             **({"switched_off": sorted(now_off - was_off)} if now_off - was_off else {}))
                if was_off - now_off:
                    from shared.codes import revoke_all_outstanding
                    revoke_all_outstanding(conn, reason="policy_hardened", at=now, actor=actor)
        return new

    # -- shared simulated clock -----------------------------------------------------------
    def clock_offset(self) -> float:
        with self.db.read() as conn:
            return float(settings_store.get(conn, _CLOCK_OFFSET_KEY, "0") or 0)

    def set_clock_offset(self, seconds: float, *, actor: str = "trainer") -> None:
        if not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or abs(seconds) > 10 * 365 * 86400:
            raise InputError("The clock offset must be within ten years.")
        with self.db.write() as conn:
            settings_store.put(conn, _CLOCK_OFFSET_KEY, repr(float(seconds)))
            audit.record(conn, at=SystemClock().now() + seconds, event=AuditEvent.CLOCK_CHANGED, severity="warning",
                         actor=actor, offset_seconds=float(seconds))

    def set_simulated_time(self, t: float, *, actor: str = "trainer") -> None:
        self.set_clock_offset(t - SystemClock().now(), actor=actor)

    def advance_clock(self, seconds: float, *, actor: str = "trainer") -> None:
        if isinstance(self.clock, FixedClock):
            self.clock.advance(seconds)
            return
        self.set_clock_offset(self.clock_offset() + seconds, actor=actor)

    # -- audit and mailbox ----------------------------------------------------------------
    def audit_verify(self) -> audit.AuditVerdict:
        with self.db.read() as conn:
            return audit.verify(conn)

    def audit_recent(self, **filters) -> list[audit.AuditRow]:
        with self.db.read() as conn:
            return audit.recent(conn, **filters)

    def alerts(self, limit: int = 200) -> list[audit.AuditRow]:
        return self.audit_recent(severity="alert", limit=limit)

    def inbox(self, address: str) -> list[mailbox.Message]:
        with self.db.read() as conn:
            return mailbox.inbox(conn, address)

    # -- services (imported lazily: each module is its concept) ------------------------------
    @cached_property
    def identity(self) -> "IdentityService":
        from shared.identity import IdentityService
        return IdentityService(self)

    @cached_property
    def staff(self) -> "StaffService":
        from shared.staff import StaffService
        return StaffService(self)

    @cached_property
    def wallet(self) -> "WalletService":
        from shared.wallet import WalletService
        return WalletService(self)

    @cached_property
    def topups(self) -> "TopUpService":
        from shared.topups import TopUpService
        return TopUpService(self)

    @cached_property
    def codes(self) -> "CodeService":
        from shared.codes import CodeService
        return CodeService(self)

    @cached_property
    def catalog(self) -> "Catalog":
        from shared.catalog import Catalog
        return Catalog(self)

    @cached_property
    def sales(self) -> "SalesService":
        from shared.sales import SalesService
        return SalesService(self)

    @cached_property
    def refunds(self) -> "RefundService":
        from shared.refunds import RefundService
        return RefundService(self)

    @cached_property
    def reports(self) -> "ReportService":
        from shared.reports import ReportService
        return ReportService(self)

    @cached_property
    def external_id(self) -> "ExternalIdService":
        from shared.external_id import ExternalIdService
        return ExternalIdService(self)

    @cached_property
    def sns(self) -> "SnsProvider":
        """The simulated SNS identity provider (a third party the wallet signs in with)."""
        from shared.external_id import SnsProvider
        return SnsProvider(self)

