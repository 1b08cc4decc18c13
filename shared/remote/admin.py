"""What only the admin token may do through the server, as methods of RemoteCore (the names the CLI and the
trainer call on Core): the audit log, worlds, challenges, terminal keys and seeding. A mixin of one
level, kept apart from the core's plumbing (calls, shifts, clock, policy) it stands on."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from shared.audit import AuditRow, AuditVerdict
from shared.remote.base import path_part
from shared.remote.local_files import authenticator_path, save_terminal_keys, write_private

if TYPE_CHECKING:
    from shared.remote.till import RemoteCatalog


class AdminCalls:
    """RemoteCore's admin calls (mixed into RemoteCore, which provides `call`, `url`, `world`, `db`, `catalog`)."""

    url: str
    world: str
    db: Any
    catalog: "RemoteCatalog"

    call: Callable[..., Any]      # RemoteCore.call

    # -- the audit log -------------------------------------------------------------------------------
    def audit_recent(self, **filters) -> list[AuditRow]:
        params = {k: (v.value if hasattr(v, "value") else v) for k, v in filters.items() if v is not None}
        return self.call("GET", "audit", admin=True, params=params, returns=list[AuditRow])

    def alerts(self, limit: int = 200) -> list[AuditRow]:
        return self.call("GET", "alerts", admin=True, params={"limit": limit}, returns=list[AuditRow])

    def audit_verify(self) -> AuditVerdict:
        return self.call("GET", "audit/verify", admin=True, returns=AuditVerdict)

    # -- worlds and seeding (admin) -------------------------------------------------------------------
    def worlds(self) -> list[dict]:
        return self.call("GET", "/worlds", world=False, admin=True)

    def create_world(self, name: str) -> dict:
        return self.call("POST", "/worlds", world=False, admin=True, json={"name": name})

    # -- challenges (admin): the score board's reads, over the API (`challenges.status` reads the database) --
    def challenge_states(self) -> list:
        """Every challenge with its state in this world (the server detects new solves), as
        `shared.challenges.status` gives them in-process."""
        from shared import challenges
        from shared.clock import parse_iso
        out = []
        for row in self.call("GET", "challenges", admin=True):
            c = challenges.CHALLENGES.get(row.get("id"))
            if c is not None:
                at = row.get("solved_at")
                out.append(challenges.ChallengeState(c, parse_iso(at) if at else None, row.get("evidence")))
        return out

    def run_attack(self, scenario: str, *, preset: str | None = None, defences_off: list[str] | None = None,
                   sizes: dict | None = None, lang: str = "en") -> dict:
        """An attack scenario run by the server on its own temporary database (admin; the world is untouched):
        the result as `qrpay attack --json` prints it, its texts in `lang`."""
        body: dict = {"preset": preset} if defences_off is None else {"defences_off": list(defences_off)}
        if sizes:
            body["sizes"] = dict(sizes)
        return self.call("POST", f"attacks/{path_part(scenario)}/runs", admin=True, json=body, params={"lang": lang})

    def reset_challenges(self) -> int:
        """Forget every solve in this world (admin), as `shared.challenges.reset`; how many were forgotten."""
        return int(self.call("POST", "challenges/reset", admin=True)["reset"])

    def world_summary(self, name: str) -> dict:
        """The classroom view's row for one world (admin): solved, alerts, newest alert, last activity, policy."""
        return self.call("GET", f"/worlds/{path_part(name)}/summary", world=False, admin=True)

    def reset_world(self, name: str) -> dict:
        return self.call("POST", f"/worlds/{path_part(name)}/reset", world=False, admin=True)

    def delete_world(self, name: str) -> None:
        self.call("DELETE", f"/worlds/{path_part(name)}", world=False, admin=True)

    def issue_terminal_key(self, terminal_id: str) -> str:
        """A new key for a registered terminal (admin; the old key stops working), saved on this machine."""
        out = self.call("POST", f"terminals/{path_part(terminal_id)}/key", admin=True)
        key = str(out["key"])
        save_terminal_keys(self.url, self.world, {terminal_id: key})
        return key

    def seed_demo(self) -> dict:
        """The demo data in this world (admin), and the key the server issued for each of its terminals with
        the seeding (saved 0600 on this machine and shown with the demo accounts, for the tills on other
        machines: QRPAY_TERMINAL_KEY)."""
        from shared.demo_data import save_credentials
        out = self.call("POST", "seed-demo", admin=True)
        if isinstance(out, dict):
            keys = out.get("terminal_keys")
            if isinstance(keys, dict) and keys:       # issued by the server with the seeding: saved, never re-issued
                save_terminal_keys(self.url, self.world, {str(k): str(v) for k, v in keys.items()})
            else:                                     # an older server: issue them now
                out["terminal_keys"] = {t.id: self.issue_terminal_key(t.id) for t in self.catalog.terminals()}
            # what `qrpay demo` keeps beside a local database: the demo accounts (the apps' autoplay and
            # screenshot hooks read them) and, for the kiosk authenticator, the customers' TOTP secrets
            save_credentials(self.db.path, out)
            write_private(authenticator_path(self.db.path),
                           [[c["email"], c["totp_secret"]] for c in out.get("customers", []) if c.get("totp_secret")])
        return out
