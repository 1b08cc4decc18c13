"""`core.identity` through the server: sign-up, sign-in, sessions, resets and credentials, with the same
records and errors as shared.identity.IdentityService. A session this client opens or validates is
remembered by the RemoteCore, so calls by customer id (`wallet.balance(cid)`) act with it."""
from __future__ import annotations

import json

from shared.errors import NotFound
from shared.identity_base import Customer, Enrollment
from shared.passwords import PasswordProblem
from shared.remote.base import RemoteService, not_over_server, path_part
from shared.remote.local_files import authenticator_path
from shared.sessions import Session


class RemoteIdentity(RemoteService):
    def password_problems(self, password: object, email: str | None = None) -> list[PasswordProblem]:
        return self._call("POST", "identity/password-problems", json={"password": password, "email": email},
                          returns=list[PasswordProblem])

    def register(self, email: str, name: str, password: str) -> Enrollment:
        return self._call("POST", "identity/register", json={"email": email, "name": name, "password": password},
                          returns=Enrollment)

    def confirm_totp(self, email: str, code: str) -> None:
        self._call("POST", "identity/confirm-totp", json={"email": email, "code": code})

    def sign_in(self, email: str, password: str, *, totp: str | None = None, recovery_code: str | None = None,
                device: str = "default", source: str = "local") -> Session:
        # `source` is what the server sees (the client's address); a client never claims one.
        s = self._call("POST", "identity/sign-in", returns=Session,
                       json={"email": email, "password": password, "totp": totp, "recovery_code": recovery_code,
                             "device": device})
        self._rc.remember_session(s.customer_id, s.token, email)
        return s

    def request_reset(self, email: str, *, send_to: str | None = None, source: str = "local") -> None:
        if send_to is not None:
            raise not_over_server("A reset sent to another address (--send-to)")
        self._call("POST", "identity/request-reset", json={"email": email})

    def complete_reset(self, email: str, reset_code: str, new_password: str, *, totp: str | None = None,
                       recovery_code: str | None = None) -> None:
        self._call("POST", "identity/complete-reset",
                   json={"email": email, "reset_code": reset_code, "new_password": new_password, "totp": totp,
                         "recovery_code": recovery_code})

    def session(self, token: str) -> Session:
        s = self._call("GET", "me/session", token=token, returns=Session)
        self._rc.remember_session(s.customer_id, token)
        return s

    def sessions(self, token: str) -> list[Session]:
        return self._call("GET", "me/sessions", token=token, returns=list[Session])

    def step_up(self, token: str, *, totp: str | None = None, recovery_code: str | None = None) -> Session:
        return self._call("POST", "me/step-up", token=token, returns=Session,
                          json={"totp": totp, "recovery_code": recovery_code})

    def sign_out(self, token: str, *, everywhere: bool = False) -> int:
        out = self._call("POST", "me/sign-out", token=token, json={"everywhere": everywhere})
        self._rc.forget_token(token)
        return int(out["ended"]) if isinstance(out, dict) else 0

    def revoke_session(self, token: str, session_id: int) -> None:
        self._call("POST", f"me/sessions/{path_part(session_id)}/revoke", token=token)

    def customer(self, customer_id: int) -> Customer:
        token = self._rc.token_of(customer_id)
        if token is not None:
            return self._call("GET", "me/customer", token=token, returns=Customer)
        return self._by(lambda c: c.id == customer_id)

    def customer_by_email(self, email: str) -> Customer:
        return self._by(lambda c: c.email == email)

    def customers(self) -> list[Customer]:
        return self._call("GET", "customers", admin=True, returns=list[Customer])

    def _by(self, match) -> Customer:
        for c in self.customers():
            if match(c):
                return c
        raise NotFound("No such customer.")

    def unlock(self, email_or_customer_id: str | int, *, supervisor_id: int, pin: str) -> Customer:
        cid = email_or_customer_id
        if isinstance(cid, str):
            cid = self.customer_by_email(cid).id
        return self._call("POST", f"customers/{path_part(cid)}/unlock", admin=True, returns=Customer,
                          json={"supervisor_id": supervisor_id, "pin": pin})

    def change_password(self, token: str, new_password: str, *, totp: str | None = None) -> None:
        self._call("POST", "me/password", token=token, json={"new_password": new_password, "totp": totp})

    def change_email(self, token: str, new_email: str, *, totp: str | None = None) -> None:
        self._call("POST", "me/email", token=token, json={"new_email": new_email, "totp": totp})

    def new_recovery_codes(self, token: str, *, totp: str | None = None) -> tuple[str, ...]:
        return tuple(self._call("POST", "me/recovery-codes", token=token, json={"totp": totp}, returns=list[str]))

    def begin_totp_reenrol(self, token: str, *, totp: str | None = None) -> Enrollment:
        raise not_over_server("Changing the authenticator")

    def confirm_totp_reenrol(self, token: str, code: str) -> None:
        raise not_over_server("Changing the authenticator")

    def has_recent_step_up(self, token: str) -> bool:
        s = self.session(token)
        return s.step_up_at is not None and self._rc.now() - s.step_up_at < self._rc.policy.step_up_seconds

    def authenticator_accounts(self) -> list[tuple[str, str]]:
        """The kiosk's simulated second device: on a server, the demo customers this machine seeded (their
        secrets came back from the admin's seed-demo and were kept 0600 beside `core.db.path`)."""
        try:
            data = json.loads(authenticator_path(self._rc.db.path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [(str(e), str(s)) for e, s in data if isinstance(e, str) and isinstance(s, str)] \
            if isinstance(data, list) else []
