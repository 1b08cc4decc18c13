"""Credential changes of `core.identity`: a new password, e-mail address, authenticator app or set
of recovery codes, each from a signed-in session after a recent second factor (step-up) when the
policy asks for one.

`CredentialChanges` is mixed into IdentityService (shared/identity.py); `self.core`,
`self.session`, `self.step_up`, `self._session_factor`, `self._require_good_password`,
`self._withdraw_codes` and `self.notify_owner` come from there. Every change tells the owner,
is audited, and withdraws the customer's outstanding payment codes in its transaction (a change
of who can act for the customer must not leave codes issued before it); a new password or reset
also signs the other devices out.
"""
from __future__ import annotations

from shared import audit, mailbox, passwords
from shared import totp as totp_mod
from shared.audit_events import AuditEvent
from shared.clock import to_iso
from shared.errors import Conflict, InputError, StepUpRequired
from shared.identity_base import Enrollment, _valid_email
from shared.mailbox import MessageKind
from shared.sessions import Session
from shared.storage import identity_store as store
from shared.notices import notice
from shared.texts import Text


class CredentialChanges:
    def _recent_step_up(self, token: str, totp: str | None) -> Session:
        """The session, after checking a second factor within `step_up_seconds` (or `totp` now)."""
        policy = self.core.policy
        if not policy.step_up_for_credential_change:
            return self.session(token)
        if totp is not None:
            return self.step_up(token, totp=totp)
        s = self.session(token)
        if s.step_up_at is None or self.core.now() - s.step_up_at > policy.step_up_seconds:
            raise StepUpRequired("Confirm it is you: enter a code from your authenticator app.")
        return s

    def _changed(self, conn, s: Session, now: float, *, reason: str, event: AuditEvent, subject: Text, body: Text,
                 kind: MessageKind = MessageKind.SECURITY, **details) -> None:
        """What every credential change does in its transaction, in this order: the customer's
        outstanding payment codes are withdrawn, the owner is told, the change is audited (warning)."""
        codes = self._withdraw_codes(conn, s.customer_id, reason, now)
        self.notify_owner(conn, s.customer_id, subject=subject, body=body, kind=kind)
        audit.record(conn, at=now, event=event, severity="warning", customer_id=s.customer_id, session_id=s.id,
                     **details, payment_codes_revoked=codes)

    def change_password(self, token: str, new_password: str, *, totp: str | None = None) -> None:
        s = self._recent_step_up(token, totp)
        cust = self.customer(s.customer_id)
        self._require_good_password(new_password, cust.email)
        new_hash = passwords.hash_secret(new_password)
        now = self.core.now()
        with self.core.db.write() as conn:
            store.set_password_hash(conn, s.customer_id, new_hash, at=now)
            others = store.revoke_sessions_of(conn, s.customer_id, at=now, reason="password_changed", except_id=s.id)
            self._changed(conn, s, now, reason="password_changed", event=AuditEvent.PASSWORD_CHANGED,
                          **notice("password_changed", time=to_iso(now), at=now, device=s.device),
                          other_sessions_revoked=others)

    def change_email(self, token: str, new_email: str, *, totp: str | None = None) -> None:
        new = _valid_email(new_email)
        s = self._recent_step_up(token, totp)
        now = self.core.now()
        with self.core.db.write() as conn:
            old = store.customer_by_id(conn, s.customer_id)["email"]
            if new == old:
                raise InputError("That is already your e-mail address.")
            if store.email_taken(conn, new):
                raise Conflict("Another account uses this e-mail address.")
            # The old address hears of the change: it is the one an attacker would want silenced.
            mailbox.send(conn, to=old, at=now, kind=MessageKind.SECURITY,
                         **notice("email_changed_old", new=new, time=to_iso(now), at=now))
            store.set_email(conn, s.customer_id, new)
            self._changed(conn, s, now, reason="email_changed", event=AuditEvent.EMAIL_CHANGED,
                          kind=MessageKind.NOTICE, **notice("email_changed_new", time=to_iso(now), at=now),
                          old_email=old, new_email=new)

    def begin_totp_reenrol(self, token: str, *, totp: str | None = None) -> Enrollment:
        s = self._recent_step_up(token, totp)
        secret = totp_mod.new_secret()
        now = self.core.now()
        with self.core.db.write() as conn:
            store.set_pending_totp_secret(conn, s.customer_id, secret)
            email = store.customer_by_id(conn, s.customer_id)["email"]
            audit.record(conn, at=now, event=AuditEvent.TOTP_REENROL_STARTED,
                         customer_id=s.customer_id, session_id=s.id)
        return Enrollment(s.customer_id, email, secret, totp_mod.otpauth_uri(secret, email), ())

    def confirm_totp_reenrol(self, token: str, code: str) -> None:
        """The new authenticator replaces the old one after its first correct code. The code is
        checked against the new secret's own used steps (a new generation), so it may share its
        30-second step with the step-up code of the old one. Outstanding payment codes are withdrawn."""
        s = self.session(token)
        now = self.core.now()
        with self.core.db.read() as conn:
            row = store.customer_by_id(conn, s.customer_id)
        if not row["pending_totp_secret"]:
            raise InputError("Start setting up the new authenticator first.")

        def activate(conn, fresh, factor):
            store.activate_pending_totp_secret(conn, s.customer_id)
            self._changed(conn, s, now, reason="authenticator_changed", event=AuditEvent.TOTP_REENROLLED,
                          **notice("authenticator_changed", time=to_iso(now), at=now, device=s.device))
        self._session_factor(s, code if code is not None else "", None, purpose="reenrol",
                             event=AuditEvent.TOTP_ENROL_FAILED,
                             secret_of=lambda r: r["pending_totp_secret"] or "",
                             generation_of=lambda r: r["totp_generation"] + 1, then=activate)

    def new_recovery_codes(self, token: str, *, totp: str | None = None) -> tuple[str, ...]:
        s = self._recent_step_up(token, totp)
        codes = totp_mod.new_recovery_codes()
        now = self.core.now()
        with self.core.db.write() as conn:
            store.replace_recovery_codes(conn, s.customer_id, [totp_mod.hash_recovery_code(c) for c in codes], at=now)
            self._changed(conn, s, now, reason="recovery_codes_regenerated",
                          event=AuditEvent.RECOVERY_CODES_REGENERATED,
                          **notice("recovery_codes_regenerated", time=to_iso(now), at=now))
        return codes
