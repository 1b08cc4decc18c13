"""Password reset of `core.identity`: a code e-mailed to the address of record, then a new
password with that code (and the second factor under hardened).

`PasswordReset` is mixed into IdentityService (shared/identity.py); `self.core`,
`self._require_good_password`, the second-factor helpers, `self._withdraw_codes`,
`self.notify_owner` and `self._notify_once` come from there. Limits of its own: RESET_MAX_ATTEMPTS
guesses per code, each reserved before the comparison, and RESET_REQUESTS_PER_HOUR codes.
"""
from __future__ import annotations

import secrets

from shared import audit, mailbox, passwords
from shared.audit_events import AuditEvent
from shared.clock import to_iso, wait_words
from shared.errors import InvalidCredentials, TotpRequired
from shared.identity_base import _NO_PROOF, HOUR, Factor, _FactorRefused, _label, _valid_email, normalize_email
from shared.mailbox import MessageKind
from shared.notices import _RESET_FACTOR_NEEDED, _WRONG_RESET, notice
from shared.storage import identity_store as store

RESET_CODE_DIGITS = 8
RESET_MAX_ATTEMPTS = 5
RESET_REQUESTS_PER_HOUR = 5


class PasswordReset:
    def request_reset(self, email: str, *, send_to: str | None = None, source: str = "local") -> None:
        """Sends a reset code to the address of record. The same (None) for unknown e-mails.
        `send_to` exists only because the 2019 preset honours it; hardened ignores it and alerts."""
        key = normalize_email(email)
        if send_to is not None:
            send_to = _valid_email(send_to)
        source = _label(source, "source")
        policy, now = self.core.policy, self.core.now()
        code = f"{secrets.randbelow(10 ** RESET_CODE_DIGITS):0{RESET_CODE_DIGITS}d}"
        code_hash = passwords.hash_secret(code)  # done for unknown e-mails too: same timing
        with self.core.db.write() as conn:
            row = store.customer_by_email(conn, key)
            cid = row["id"] if row else None
            redirect = send_to is not None and (row is None or send_to != row["email"])
            if redirect and not policy.reset_honours_send_to:
                audit.record(conn, at=now, event=AuditEvent.RESET_REDIRECT_ATTEMPT, severity="alert", customer_id=cid,
                             requested_send_to=send_to, source=source, known_account=row is not None)
            if row is None:
                audit.record(conn, at=now, event=AuditEvent.RESET_REQUESTED, customer_id=None, known_account=False,
                             source=source)
                return None
            store.clamp_reset_codes(conn, cid, now)  # a clock set back: counts as now
            if policy.throttle_logins and \
                    store.reset_requests_since(conn, cid, now - HOUR) >= RESET_REQUESTS_PER_HOUR:
                audit.record(conn, at=now, event=AuditEvent.RESET_RATE_LIMITED, severity="warning", customer_id=cid,
                             source=source)
                return None
            target = send_to if (redirect and policy.reset_honours_send_to) else row["email"]
            store.retire_reset_codes(conn, cid, now)
            store.insert_reset_code(conn, customer_id=cid, code_hash=code_hash, sent_to=target, at=now,
                                    expires_at=now + policy.reset_code_seconds)
            mailbox.send(conn, to=target, at=now, kind=MessageKind.RESET,
                         **notice("reset_code", code=code, lifetime_en=wait_words(policy.reset_code_seconds),
                                 lifetime_ja=wait_words(policy.reset_code_seconds, "ja")))
            off_record = target != row["email"]
            audit.record(conn, at=now, event=AuditEvent.RESET_REQUESTED, severity="alert" if off_record else "info",
                         customer_id=cid, known_account=True, source=source, sent_to_address_of_record=not off_record,
                         **({"sent_to": target} if off_record else {}))
        return None

    def complete_reset(self, email: str, reset_code: str, new_password: str, *, totp: str | None = None,
                       recovery_code: str | None = None) -> None:
        """A new password with the e-mailed reset code (+ the second factor under hardened).

        Works while the account is locked (the reset is how the owner unlocks it), but it has
        limits of its own: a code allows RESET_MAX_ATTEMPTS guesses, each reserved (counted) in the
        transaction that finds the code, before the code is compared, and a new code needs a new
        request (RESET_REQUESTS_PER_HOUR). Under hardened the reply does not confirm a right reset
        code without the factor: no factor given -> TotpRequired whether the code was right or not
        (unless the account has no authenticator yet); a wrong code or a wrong factor -> the same
        InvalidCredentials (reset_code_invalid)."""
        key = normalize_email(email)
        policy, now = self.core.policy, self.core.now()
        self._require_good_password(new_password, key)
        uniform = policy.reset_requires_second_factor
        with self.core.db.write() as conn:  # reserve the guess before comparing anything
            row = store.customer_by_email(conn, key)
            live = None
            if row is not None:
                store.clamp_reset_codes(conn, row["id"], now)
                live = store.live_reset_code(conn, row["id"], now, RESET_MAX_ATTEMPTS)
                if live is not None and not store.reserve_reset_attempt(conn, live["id"], RESET_MAX_ATTEMPTS):
                    live = None
        if live is None:
            passwords.burn_time(str(reset_code))
            ok = False
        else:
            ok = isinstance(reset_code, str) and passwords.verify_secret(live["code_hash"], reset_code.strip()[:64])
        no_factor = totp is None and recovery_code is None
        proof = self._factor_proof(row["totp_secret"] if row is not None else None, totp, recovery_code, now) \
            if uniform else _NO_PROOF
        needs_factor = uniform and (row is None or bool(row["totp_enrolled"]))
        new_hash = passwords.hash_secret(new_password)  # in every path: its cost must not tell a right code
        wrong = InvalidCredentials(_WRONG_RESET, code="reset_code_invalid")
        error: Exception | None = None
        with self.core.db.write() as conn:
            cid = row["id"] if row is not None else None
            try:
                if not ok:
                    reason = "no_live_code" if live is None else "wrong_reset_code"
                    raise _FactorRefused(TotpRequired(_RESET_FACTOR_NEEDED) if needs_factor and no_factor
                                         else wrong, reason)
                if needs_factor and no_factor:
                    raise _FactorRefused(TotpRequired(_RESET_FACTOR_NEEDED), "second_factor_missing")
                fresh = store.customer_by_id(conn, cid)
                factor = Factor.NONE
                if needs_factor:
                    try:
                        factor = self._consume_factor(conn, fresh, proof, now, purpose="reset")
                    except _FactorRefused as refused:
                        raise _FactorRefused(wrong, refused.reason) from None
                if not store.use_reset_code(conn, live["id"], now):
                    raise _FactorRefused(wrong, "reset_code_used")
                store.retire_reset_codes(conn, cid, now)
                store.set_password_hash(conn, cid, new_hash, at=now)
                sessions_revoked = store.revoke_sessions_of(conn, cid, at=now, reason="password_reset")
                store.clear_throttle(conn, key)  # the owner unlocks the account through a reset
                codes_revoked = self._withdraw_codes(conn, cid, "password_reset", now)
                self.notify_owner(conn, cid, kind=MessageKind.SECURITY, **notice("password_reset", time=to_iso(now), at=now))
                audit.record(conn, at=now, event=AuditEvent.RESET_COMPLETED, severity="warning", customer_id=cid,
                             factor=factor.value, sessions_revoked=sessions_revoked,
                             payment_codes_revoked=codes_revoked)
            except _FactorRefused as refused:
                error = refused.error
                audit.record(conn, at=now, event=AuditEvent.RESET_FAILED, severity="warning", customer_id=cid,
                             reason=refused.reason)
                if cid is not None and ok and refused.reason not in ("second_factor_missing", "reset_code_used"):
                    self._notify_once(conn, cid, kind=MessageKind.SECURITY,
                                      **notice("reset_code_wrong_factor", time=to_iso(now), at=now))
        if error is not None:
            raise error
