"""Worlds: isolated copies of the payment core, one per trainee or team (issue 15).

`WorldStore` is what the service needs: create, list, open, reset and delete a named world, each a `Core` with
its own policy, clock, customers, ledger, audit log and challenge progress. `SqliteWorldStore` keeps one
database file per world in a folder (`<folder>/<name>.sqlite3`); the default world may be an existing file
(`qrpay serve --db FILE`). A PostgreSQL store (one schema per world, `Core.open(url, world=name)`) plugs in
behind the same interface.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from shared.clock import Clock
from shared.core import Core
from shared.errors import Conflict, InputError, NotFound

DEFAULT_WORLD = "default"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


@dataclass(frozen=True, slots=True)
class WorldInfo:
    name: str
    policy: str
    now: float
    customers: int


@dataclass(frozen=True, slots=True)
class WorldSummary:
    """What the trainer's classroom view shows per world (GET /worlds/{world}/summary)."""
    name: str
    policy: str                     # the policy's name
    preset: str | None              # "hardened", "2019", or None for a custom set of switches
    off: tuple[str, ...]            # the defences switched off
    solved: int                     # challenges solved
    total: int                      # challenges there are
    alerts: int                     # alert rows in the audit log (counted up to ALERTS_COUNTED)
    newest_alert: str | None        # the newest alert's event name
    newest_alert_at: float | None
    last_activity: float | None     # the newest audit row's time (anything a trainee did)
    now: float                      # the world's clock
    join_code: str                  # what trainees type with --join (shared/service/join_codes.py)


ALERTS_COUNTED = 10_000


def check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError("A world's name is 1-32 of a-z, 0-9, '_' and '-', starting with a letter or digit.",
                         code="bad_world_name")
    return name


def no_such_world(name: str) -> NotFound:
    return NotFound(f"There is no world named {name}.", code="no_such_world")


class WorldStore(Protocol):
    def names(self) -> list[str]: ...
    def create(self, name: str) -> Core: ...
    def get(self, name: str) -> Core: ...
    def opened(self, name: str) -> Core | None: ...
    def reset(self, name: str) -> Core: ...
    def delete(self, name: str) -> None: ...
    def close(self) -> None: ...


class _OpenWorlds:
    """What both stores share: the open Cores by name behind one lock, and create/get/reset/delete
    on top of four hooks — `_checked(name)`, `exists(name)`, `_open_core(name)`, `_destroy(name)`
    (and `_kept(name)`: why a world may not be deleted, or None)."""

    def __init__(self, clock_factory: Callable[[], Clock | None]) -> None:
        self._clock_factory = clock_factory
        self._open: dict[str, Core] = {}
        self._lock = threading.RLock()

    def _checked(self, name: object) -> str:
        return check_name(name)

    def create(self, name: str) -> Core:
        with self._lock:
            if self.exists(self._checked(name)):
                raise Conflict(f"A world named {name} exists already.", code="world_exists")
            return self._opened(name)

    def get_or_create(self, name: str) -> Core:
        with self._lock:
            return self._opened(self._checked(name))

    def get(self, name: str) -> Core:
        with self._lock:
            if name in self._open:
                return self._open[name]
            if not isinstance(name, str) or not _NAME.fullmatch(name) or not self.exists(name):
                raise no_such_world(str(name)[:40])
            return self._opened(name)

    def opened(self, name: str) -> Core | None:
        """The world's Core when it is open already, else None: one dict read, no lock (the service's event
        loop asks this for every request; opening a world, which touches the disk or the server, is `get`'s)."""
        return self._open.get(name) if isinstance(name, str) else None

    def _opened(self, name: str) -> Core:
        if name not in self._open:
            core = self._open_core(name)
            core.codes.ensure_issuer_key()
            self._open[name] = core
        return self._open[name]

    def reset(self, name: str) -> Core:
        with self._lock:
            self.get(name)
            self._remove(name)
            return self._opened(name)

    def delete(self, name: str) -> None:
        with self._lock:
            self.get(name)
            why = self._kept(name)
            if why:
                raise InputError(why, code="default_world")
            self._remove(name)

    def _remove(self, name: str) -> None:
        core = self._open.pop(name, None)
        if core is not None:
            core.close()
        self._destroy(name)

    def close(self) -> None:
        with self._lock:
            for core in self._open.values():
                core.close()
            self._open.clear()


class SqliteWorldStore(_OpenWorlds):
    """One SQLite file per world in `folder`; `default_file` (if given) is the world named "default"."""

    def __init__(self, folder: str | Path, *, default_file: str | Path | None = None,
                 clock_factory: Callable[[], Clock | None] = lambda: None) -> None:
        super().__init__(clock_factory)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.default_file = Path(default_file) if default_file is not None else None
        if self.default_file is not None:
            self.get_or_create(DEFAULT_WORLD)

    def _path(self, name: str) -> Path:
        if name == DEFAULT_WORLD and self.default_file is not None:
            return self.default_file
        return self.folder / f"{check_name(name)}.sqlite3"

    def names(self) -> list[str]:
        found = {p.name[: -len(".sqlite3")] for p in self.folder.glob("*.sqlite3") if _NAME.fullmatch(p.stem)}
        if self.default_file is not None:
            found.add(DEFAULT_WORLD)
        return sorted(found)

    def exists(self, name: str) -> bool:
        return self._path(check_name(name)).exists()

    def _open_core(self, name: str) -> Core:
        return Core.open(self._path(name), clock=self._clock_factory())

    def _kept(self, name: str) -> str | None:
        if name == DEFAULT_WORLD and self.default_file is not None:
            return "The default world is the server's --db file; reset it instead."
        return None

    def _destroy(self, name: str) -> None:
        path = self._path(name)
        for extra in ("", "-wal", "-shm", "-journal", ".credentials.json"):
            Path(str(path) + extra).unlink(missing_ok=True)


class PgWorldStore(_OpenWorlds):
    """One PostgreSQL schema per world on one server (`qrpay serve --database URL`): each world is
    `Core.open(url, world=name)` (its schema `world_<name>`, created and migrated on first open);
    listing and deleting ask the server (shared.storage.pg). The "default" world always exists."""

    def __init__(self, url: str, *, clock_factory: Callable[[], Clock | None] = lambda: None) -> None:
        from shared.storage import pg
        super().__init__(clock_factory)
        self._pg = pg
        self.url, _ = pg.split_target(url)
        self.get_or_create(DEFAULT_WORLD)

    def _checked(self, name: object) -> str:
        name = check_name(name)
        self._pg.world_schema(name)  # PostgreSQL's own rule for a schema name
        return name

    def names(self) -> list[str]:
        return sorted(set(self._pg.list_worlds(self.url)) | set(self._open))

    def exists(self, name: str) -> bool:
        return name in self._open or name in self._pg.list_worlds(self.url)

    def _open_core(self, name: str) -> Core:
        return Core.open(self.url, world=name, clock=self._clock_factory())

    def _kept(self, name: str) -> str | None:
        return "The default world stays; reset it instead." if name == DEFAULT_WORLD else None

    def _destroy(self, name: str) -> None:
        self._pg.drop_world(self.url, name)


def info(name: str, core: Core) -> WorldInfo:
    return WorldInfo(name, core.policy.name, core.now(), len(core.identity.customers()))


def summary(name: str, core: Core, join_code: str) -> WorldSummary:
    from shared import challenges, defences
    states = challenges.status(core)            # detects new solves, as the score board does
    described = defences.describe(core.policy)
    alerts = core.alerts(ALERTS_COUNTED)
    last = core.audit_recent(limit=1)
    newest = alerts[0] if alerts else None
    return WorldSummary(name, core.policy.name, described.preset, tuple(described.off_names),
                        sum(s.solved for s in states), len(states), len(alerts),
                        str(getattr(newest.event, "value", newest.event)) if newest else None,
                        newest.at if newest else None, last[0].at if last else None, core.now(), join_code)
