"""Top-ups: money from a simulated card into a customer's wallet.

Hardened (PayPay after its 2018 card fraud): a TOTP code for every top-up, at most ¥20,000 per
top-up and per 24 hours and ¥50,000 per 30 days (rolling windows), and a velocity rule: more
than `topup_velocity_count` top-ups within `topup_velocity_seconds` is refused *and* raises an
alert — one of 7pay's victims saw three large top-ups within a minute and nothing fired.

2019 (7pay's launch): no second factor, a separate top-up password that anyone signed in could
change without one, ¥300,000 a day.

Cards are simulated: digits (spaces and dashes allowed), 12–19 long, Luhn-valid, brand from the
prefix. Only the brand and the last four digits are ever stored. Test numbers that are refused
by the "issuer", so QA can try refusals:

    4000 0000 0000 0002   card_declined (generic decline)
    4000 0000 0000 9995   card_declined (insufficient funds on the card)
    4000 0000 0000 0069   card_declined (expired card)
    4000 0000 0000 0119   card_declined (processing error at the issuer)

Any other Luhn-valid number of a known brand is accepted, e.g. 4242 4242 4242 4242 (Visa),
5555 5555 5555 4444 and 2223 0031 2200 3222 (Mastercard), 3782 822463 10005 (Amex),
3530 1113 3330 0000 (JCB).

Idempotency: the same key again is the same top-up only if the amount and the card number are the
same (a keyed fingerprint of the request is stored, never the card number); anything else is
`IdempotencyConflict` code `idempotency_key_conflict`, audited, and nothing is charged. Keys are
strict (1–64 of letters, digits, '-', '_', '.', ':'; no surrounding whitespace).

Everything the money depends on is checked again inside the write transaction that posts it: the
session is still live, the wallet is not frozen, the policy is the one the customer was
authenticated under, and the per-transaction, 24-hour, 30-day and velocity limits (counted from
the committed top-ups inside that transaction, so parallel top-ups cannot overshoot a cap).

The 2019 top-up password has an attempt limit: `TOPUP_PASSWORD_LOCK_AFTER` wrong passwords lock
it for `TOPUP_PASSWORD_LOCK_SECONDS` (never longer than the policy's `max_lock_seconds`, or
`TOPUP_PASSWORD_MAX_LOCK_SECONDS` when the policy has none). The attempt is reserved in the write
transaction that checks the limit, before the Argon2 comparison, so parallel guesses get no more
comparisons than the limit.
"""
from __future__ import annotations

import enum
import math
import secrets
from contextlib import contextmanager
import sqlite3
from dataclasses import dataclass, field

from shared import attempts, audit, idempotency, ledger, passwords
from shared.audit_events import AuditEvent
from shared.clock import jst_text, wait_words
from shared.errors import (Conflict, IdempotencyConflict, InputError, InvalidCredentials, LimitExceeded, Locked,
                           PermissionDenied, SessionInvalid, StepUpRequired, Throttled, TotpRequired,
                           WeakPassword)
from shared.mailbox import MessageKind
from shared.money import format_yen, yen
from shared.policy import Policy
from shared.storage import codes_store, identity_store, topups_store
from shared.notices import notice

DAY = 24 * 3600
MONTH = 30 * DAY
TOPUP_PASSWORD_LOCK_AFTER = 5
TOPUP_PASSWORD_LOCK_SECONDS = 15 * 60
TOPUP_PASSWORD_MAX_LOCK_SECONDS = 60 * 60


class CardBrand(enum.Enum):
    VISA = "Visa"
    MASTERCARD = "Mastercard"
    AMEX = "American Express"
    JCB = "JCB"


@dataclass(frozen=True, slots=True)
class Card:
    brand: CardBrand
    last4: str
    decline_reason: str | None = None   # set for the documented test numbers the "issuer" refuses
    digits: str = field(default="", repr=False, compare=False)  # for the request fingerprint only; never stored


@dataclass(frozen=True, slots=True)
class TopUp:
    id: int
    amount: int
    balance: int          # the wallet's balance right after this top-up
    card_brand: str
    card_last4: str
    at: float


@dataclass(frozen=True, slots=True)
class TopUpLimits:
    per_transaction: int
    day_limit: int
    day_left: int
    month_limit: int
    month_left: int
    velocity_count: int       # 0: no velocity rule
    velocity_seconds: int
    requires_totp: bool
    requires_topup_password: bool
    max_now: int              # the largest top-up that would be accepted right now


DECLINED_TEST_CARDS: dict[str, str] = {
    "4000000000000002": "The card was declined by its issuer.",
    "4000000000009995": "The card was declined: not enough funds on the card.",
    "4000000000000069": "The card was declined: it has expired.",
    "4000000000000119": "The card issuer could not process the payment; try again later.",
}


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _brand(digits: str) -> CardBrand | None:
    if digits[0] == "4":
        return CardBrand.VISA
    two, four = int(digits[:2]), int(digits[:4])
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return CardBrand.MASTERCARD
    if two in (34, 37):
        return CardBrand.AMEX
    if two == 35:
        return CardBrand.JCB
    return None


def parse_card(number: object) -> Card:
    """The card's brand and last four digits; InputError (code `card_invalid`) otherwise."""
    if not isinstance(number, str) or len(number) > 40:
        raise InputError("Type the card number (12 to 19 digits).", code="card_invalid")
    digits = number.strip().replace(" ", "").replace("-", "")
    if not digits.isascii() or not digits.isdigit() or not 12 <= len(digits) <= 19:
        raise InputError("A card number is 12 to 19 digits (spaces and dashes are fine).", code="card_invalid")
    if not luhn_valid(digits):
        raise InputError("That card number has a typo (its check digit does not match).", code="card_invalid")
    brand = _brand(digits)
    if brand is None:
        raise InputError("Only Visa, Mastercard, American Express and JCB cards can be used.",
                         code="card_unsupported")
    return Card(brand, digits[-4:], DECLINED_TEST_CARDS.get(digits), digits)


def _topup(row: sqlite3.Row) -> TopUp:
    return TopUp(row["id"], row["amount"], row["balance_after"], row["card_brand"], row["card_last4"], row["at"])


def _idempotency_key(key: object) -> str:
    if key is None:
        return "auto-" + secrets.token_hex(16)
    return idempotency.check_id(key, "request id")


def _lock_cap(policy: Policy) -> int:
    return policy.max_lock_seconds if policy.max_lock_seconds > 0 else TOPUP_PASSWORD_MAX_LOCK_SECONDS


class _KeyConflict(Exception):
    pass


class _Velocity(LimitExceeded):
    """Refused by the velocity rule: the caller writes the alert after the rollback."""


def _check_limits(conn: sqlite3.Connection, customer_id: int, amount: int, now: float, policy: Policy) -> None:
    if policy.topup_velocity_count > 0:
        n, _ = topups_store.since(conn, customer_id, now - policy.topup_velocity_seconds)
        if n >= policy.topup_velocity_count:
            raise _Velocity(f"Too many top-ups in a short time: at most {policy.topup_velocity_count} in "
                            f"{wait_words(policy.topup_velocity_seconds)}. Try again later.",
                            rule="velocity", count=n, window_seconds=policy.topup_velocity_seconds)
    if amount > policy.topup_max_per_transaction:
        raise LimitExceeded(f"One top-up can be at most {format_yen(policy.topup_max_per_transaction)}.",
                            rule="per_transaction", left=policy.topup_max_per_transaction)
    _, day = topups_store.since(conn, customer_id, now - DAY)
    if day + amount > policy.topup_max_per_day:
        left = max(0, policy.topup_max_per_day - day)
        raise LimitExceeded(f"This would pass your limit of {format_yen(policy.topup_max_per_day)} per 24 hours: "
                            f"you can top up {format_yen(left)} more now.", rule="day", left=left)
    _, month = topups_store.since(conn, customer_id, now - MONTH)
    if month + amount > policy.topup_max_per_30_days:
        left = max(0, policy.topup_max_per_30_days - month)
        raise LimitExceeded(f"This would pass your limit of {format_yen(policy.topup_max_per_30_days)} per 30 "
                            f"days: you can top up {format_yen(left)} more now.", rule="30_days", left=left)


class TopUpService:
    def __init__(self, core) -> None:
        self.core = core

    # -- limits ---------------------------------------------------------------------------------
    def limits(self, token: str) -> TopUpLimits:
        s = self.core.identity.session(token)
        return self.limits_for(s.customer_id)

    def limits_for(self, customer_id: int) -> TopUpLimits:
        policy, now = self.core.policy, self.core.now()
        with self.core.db.read() as conn:
            _, day = topups_store.since(conn, customer_id, now - DAY)
            _, month = topups_store.since(conn, customer_id, now - MONTH)
            recent, _ = topups_store.since(conn, customer_id, now - policy.topup_velocity_seconds)
        day_left = max(0, policy.topup_max_per_day - day)
        month_left = max(0, policy.topup_max_per_30_days - month)
        max_now = min(policy.topup_max_per_transaction, day_left, month_left)
        if policy.topup_velocity_count > 0 and recent >= policy.topup_velocity_count:
            max_now = 0
        return TopUpLimits(policy.topup_max_per_transaction, policy.topup_max_per_day, day_left,
                           policy.topup_max_per_30_days, month_left, policy.topup_velocity_count,
                           policy.topup_velocity_seconds, policy.topup_requires_totp,
                           not policy.topup_requires_totp, max_now)

    # -- top-up ---------------------------------------------------------------------------------
    def top_up(self, token: str, amount: int, card_number: str, *, totp: str | None = None,
               topup_password: str | None = None, idempotency_key: str | None = None) -> TopUp:
        amount = yen(amount)  # a float raises TypeError
        if amount <= 0:
            raise InputError("A top-up must be more than ¥0.")
        card = parse_card(card_number)
        key = _idempotency_key(idempotency_key)
        s = self.core.identity.session(token)
        cid = s.customer_id

        # A retry after a time-out returns the first result before asking for a (now used) code again.
        if idempotency_key is not None:
            with self._conflicts_audited(cid, key), self.core.db.write() as conn:
                first = topups_store.by_key(conn, cid, key)
                if first is not None:
                    return self._same_or_conflict(conn, first, cid, amount, card)

        # Early refusals (no one-time code or password attempt is spent on them); every one of
        # them is checked again inside the transaction that moves the money.
        if self.core.identity.customer(cid).frozen:
            raise Locked("This wallet is frozen by support; top-ups are not possible. Contact support.")
        policy = self.core.policy
        self._guarded(lambda conn: _check_limits(conn, cid, amount, self.core.now(), policy), cid, amount,
                      read_only=True)
        self._authenticate(token, cid, policy, totp=totp, topup_password=topup_password)
        if card.decline_reason is not None:
            with self.core.db.write() as conn:
                audit.record(conn, at=self.core.now(), event=AuditEvent.TOPUP_DECLINED, customer_id=cid, amount=amount,
                             card_brand=card.brand.value, card_last4=card.last4)
            raise PermissionDenied(card.decline_reason, code="card_declined")

        def commit(conn: sqlite3.Connection) -> TopUp:
            now = self.core.now()
            again = topups_store.by_key(conn, cid, key)  # a concurrent retry committed first
            if again is not None:
                return self._same_or_conflict(conn, again, cid, amount, card)
            # What the customer was let in under must still hold now, in this transaction.
            live = identity_store.session_by_id(conn, s.id)
            if live is None or live["revoked_at"] is not None:
                raise SessionInvalid("Your session has ended. Sign in again.")
            if codes_store.customer_frozen(conn, cid) is not False:
                raise Locked("This wallet is frozen by support; top-ups are not possible. Contact support.")
            current = self.core.policy
            if current != policy:
                raise Conflict("The security policy changed during the top-up; nothing was charged. Try again.",
                               code="policy_changed")
            _check_limits(conn, cid, amount, now, current)
            t = ledger.transfer(conn, key=f"topup:{cid}:{key}", kind="topup", at=now, customer_id=cid,
                                memo=f"Top-up from {card.brand.value} •••• {card.last4}",
                                postings=[(ledger.CARD_CLEARING, -amount), (ledger.wallet_account(cid), amount)])
            balance = ledger.wallet_balance(conn, cid)
            tid = topups_store.insert(conn, customer_id=cid, transfer_id=t.id, idempotency_key=key, amount=amount,
                                      card_brand=card.brand.value, card_last4=card.last4, balance_after=balance,
                                      at=now, request_fp=self._fingerprint(conn, cid, amount, card))
            audit.record(conn, at=now, event=AuditEvent.TOPUP,
                         customer_id=cid, amount=amount, card_brand=card.brand.value,
                         card_last4=card.last4, topup_id=tid, transfer_id=t.id, session_id=s.id,
                         authorised_by="totp" if policy.topup_requires_totp else "topup_password")
            self.core.identity.notify_owner(
                conn, cid, **notice("topup", amount=format_yen(amount), brand=card.brand.value, last4=card.last4,
                                    time=jst_text(now), at=now, balance=format_yen(balance)))
            return TopUp(tid, amount, balance, card.brand.value, card.last4, now)

        with self._conflicts_audited(cid, key):
            return self._guarded(commit, cid, amount)

    @staticmethod
    def _fingerprint(conn: sqlite3.Connection, cid: int, amount: int, card: Card) -> str:
        return idempotency.fingerprint(conn, "topup", customer=cid, amount=amount, card=card.digits)

    @contextmanager
    def _conflicts_audited(self, cid: int, key: str):
        """A reused key is refused after its transaction rolled back, and audited in one of its own."""
        try:
            yield
        except _KeyConflict:
            with self.core.db.write() as conn:
                audit.record(conn, at=self.core.now(), event=AuditEvent.IDEMPOTENCY_KEY_CONFLICT, severity="warning",
                             customer_id=cid, scope="topup", key_ref=idempotency.secret_ref(conn, key))
            raise IdempotencyConflict("This request id was already used for a different top-up; nothing was "
                                      "charged.", code="idempotency_key_conflict") from None

    def _guarded(self, fn, cid: int, amount: int, *, read_only: bool = False):
        """Runs `fn` in a transaction; a velocity refusal is rolled back, then its alert is
        written in a transaction of its own so it survives the refusal."""
        try:
            if read_only:
                with self.core.db.read() as conn:
                    return fn(conn)
            with self.core.db.write() as conn:
                return fn(conn)
        except _Velocity as refused:
            now = self.core.now()
            with self.core.db.write() as conn:
                audit.record(conn, at=now, event=AuditEvent.TOPUP_VELOCITY_ALERT, severity="alert", customer_id=cid,
                             amount=amount, recent_topups=refused.details.get("count"),
                             window_seconds=refused.details.get("window_seconds"))
                self.core.identity.notify_owner(
                    conn, cid, kind=MessageKind.SECURITY,
                    **notice("topup_velocity", amount=format_yen(amount), time=jst_text(now), at=now))
            raise LimitExceeded(refused.message, **refused.details) from None

    def _same_or_conflict(self, conn: sqlite3.Connection, row: sqlite3.Row, cid: int, amount: int,
                          card: Card) -> TopUp:
        computed = self._fingerprint(conn, cid, amount, card)
        if row["request_fp"] is None:  # written before fingerprints: what was stored must match
            same = (row["amount"] == amount and row["card_brand"] == card.brand.value
                    and row["card_last4"] == card.last4)
        else:
            same = idempotency.same(row["request_fp"], computed)
        if not same:
            raise _KeyConflict()
        return _topup(row)

    def _authenticate(self, token: str, cid: int, policy: Policy, *, totp: str | None,
                      topup_password: str | None) -> None:
        if policy.topup_requires_totp:
            if totp is None:
                raise TotpRequired("Enter the 6-digit code from your authenticator app to top up.")
            self.core.identity.step_up(token, totp=totp)  # consumes the code: it cannot be replayed
            return
        if not isinstance(topup_password, str) or not topup_password:
            with self.core.db.read() as conn:
                has = topups_store.password_hash(conn, cid) is not None
            raise PermissionDenied("Enter your top-up password." if has else "Set a top-up password first.",
                                   code="topup_password_required")
        # Reserve the attempt (count it as failed) in the transaction that checks the limit, BEFORE
        # the Argon2 comparison: parallel guesses can never get more comparisons than the limit.
        cap = _lock_cap(policy)
        with self.core.db.write() as conn:
            now = self.core.now()
            row = topups_store.password_row(conn, cid)
            decision = None
            if row is not None:
                decision = attempts.decide(failures=int(row["failures"]), locked_until=row["locked_until"],
                                           attempt_at=row["attempt_at"], now=now, limit=TOPUP_PASSWORD_LOCK_AFTER,
                                           lock_seconds=TOPUP_PASSWORD_LOCK_SECONDS, cap=cap)
                if decision.action is attempts.Action.GO:
                    topups_store.reserve_password_attempt(conn, cid, now)
                elif decision.write_lock:
                    topups_store.set_password_lock(conn, cid, decision.until)
        if row is None:
            raise PermissionDenied("Set a top-up password first.", code="topup_password_required")
        if decision.action is attempts.Action.LOCKED:
            raise Locked(f"Too many wrong top-up passwords: try again in {wait_words(decision.until - now)}.",
                         until=decision.until)
        if decision.action is attempts.Action.BUSY:
            raise Throttled("Several top-up password checks are in progress; try again in a moment.",
                            retry_after=math.ceil(decision.retry_after))
        if passwords.verify_secret(row["hash"], topup_password[:1024]):
            with self.core.db.write() as conn:
                topups_store.clear_password_failures(conn, cid)
            return
        locked_until = None
        with self.core.db.write() as conn:
            now = self.core.now()
            current = topups_store.password_row(conn, cid)
            failures = int(current["failures"]) if current is not None else 0
            audit.record(conn, at=now, event=AuditEvent.TOPUP_PASSWORD_FAILED, severity="warning", customer_id=cid,
                         consecutive_failures=failures)
            if current is not None and not (current["locked_until"] is not None and current["locked_until"] > now):
                locked_until = attempts.lock_after_failure(failures_now=failures, limit=TOPUP_PASSWORD_LOCK_AFTER,
                                                           now=now, lock_seconds=TOPUP_PASSWORD_LOCK_SECONDS, cap=cap)
                if locked_until is not None:
                    topups_store.set_password_lock(conn, cid, locked_until)
                    audit.record(conn, at=now, event=AuditEvent.TOPUP_PASSWORD_LOCKED,
                                 severity="alert", customer_id=cid,
                                 until=locked_until)
        if locked_until is not None:
            raise Locked("Too many wrong top-up passwords: the top-up password is locked for "
                         f"{wait_words(locked_until - now)}.", until=locked_until)
        raise InvalidCredentials("The top-up password is wrong.")

    # -- the 2019 top-up password -----------------------------------------------------------------
    def has_topup_password(self, token: str) -> bool:
        s = self.core.identity.session(token)
        with self.core.db.read() as conn:
            return topups_store.password_hash(conn, s.customer_id) is not None

    def set_topup_password(self, token: str, new: str, *, totp: str | None = None) -> None:
        """Sets or changes the top-up password. 2019: the session alone is enough (7pay's flaw:
        whoever had taken over the account could set it and top up). Hardened: a fresh second
        factor (`totp` now, or a step-up within `step_up_seconds`), and the owner is told."""
        policy = self.core.policy
        without_2fa = policy.topup_password_changeable_without_2fa
        if without_2fa:
            s = self.core.identity.session(token)
        elif totp is not None:
            s = self.core.identity.step_up(token, totp=totp)
        else:
            s = self.core.identity.session(token)
            if s.step_up_at is None or self.core.now() - s.step_up_at > policy.step_up_seconds:
                raise StepUpRequired("Confirm it is you: enter a code from your authenticator app.")
        found = passwords.check(new, min_length=policy.min_password_length, reject_weak=policy.reject_weak_passwords)
        if found:
            raise WeakPassword.of("Choose another top-up password:", found)
        new_hash = passwords.hash_secret(new)
        now = self.core.now()
        with self.core.db.write() as conn:
            replaced = topups_store.password_hash(conn, s.customer_id) is not None
            topups_store.set_password_hash(conn, s.customer_id, new_hash, now)
            event = AuditEvent.TOPUP_PASSWORD_CHANGED if replaced else AuditEvent.TOPUP_PASSWORD_SET
            audit.record(conn, at=now, event=event,
                         severity="warning", customer_id=s.customer_id, session_id=s.id,
                         second_factor=not without_2fa)
            if not without_2fa:
                self.core.identity.notify_owner(
                    conn, s.customer_id, kind=MessageKind.SECURITY,
                    **notice("topup_password_changed" if replaced else "topup_password_set", time=jst_text(now), at=now,
                             device=s.device))


def integrity_checks(conn: sqlite3.Connection) -> list[str]:
    """For `qrpay check`: every top-up credited its own amount to its customer's wallet."""
    return [f"topups: top-up #{r['id']} of {r['amount']} credited {r['credited']} to the wallet"
            for r in topups_store.mismatched_with_ledger(conn)]
