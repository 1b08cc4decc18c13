"""Payment codes: what the wallet shows and the till reads (the service: issuer key, issue, store,
verify for redeem, refusals, status, inspect).

The wire format (layout, signing, the total parser, the 20-digit numeric form) is the pure
shared/code_format.py; the QR picture is shared/code_image.py. This module holds what needs the
database: a code's row, keyed by its nonce, with only a SHA-256 of its numeric form.

Policy: hardened codes live `code_ttl_seconds` (60 s; a setting may pick 15–300 s), are used at
most once (a UNIQUE constraint on the nonce in `code_redemptions`, inside the sale's
transaction), supersede the wallet's previous unused code and need a second-factor check within
`step_up_seconds`. The 2019 preset issues day-long reusable codes without a step-up.
"""
from __future__ import annotations

import base64
import enum
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared import audit
from shared.audit_events import AuditEvent
from shared.clock import to_iso
from shared.code_format import (MALFORMED_MESSAGE, NOT_OURS_MESSAGE, VERSION, PaymentCode, key_id_of, new_numeric,
                                numeric_form, numeric_hash, parse_code, raw_public_key, sign_code, verify_signature)
from shared.errors import (CodeParseError, CodeRefused, Conflict, InputError, Locked, NotFound, SessionInvalid,
                           StepUpRequired)
from shared.policy import Policy
from shared.storage import catalog_store, codes_store, identity_store, sales_store, settings_store

if TYPE_CHECKING:
    from shared.core import Core

_NONCE_HEX = re.compile(r"[0-9a-f]{32}")

_PRIVATE_KEY_SETTING = "issuer_private_key"
_PUBLIC_KEY_SETTING = "issuer_public_key"
_TTL_SETTING = "code_ttl_seconds"
TTL_RANGE = (15, 300)


class CodeForm(enum.Enum):
    """How a code reached the till: its QR text, or the 20 digits keyed in."""
    QR = "qr"
    NUMERIC = "numeric"


class CodeState(enum.Enum):
    ISSUED = "issued"
    PAID = "paid"
    REFUSED = "refused"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class IssuedCode:
    text: str
    numeric: str
    nonce: str
    issued_at: int
    expires_at: int
    counter: int
    amount_cap: int | None = None


@dataclass(frozen=True, slots=True)
class VerifiedCode:
    nonce: str
    customer_id: int
    amount_cap: int | None
    issued_at: int
    expires_at: int
    counter: int
    single_use: bool
    form: CodeForm
    wallet_ref: str = ""  # the opaque reference (hex); receipts may show it masked


@dataclass(frozen=True, slots=True)
class CodeStatus:
    state: CodeState
    sale_id: str | None
    amount: int | None
    store_name: str | None
    reason: str | None
    at: float | None


# -- messages for the clerk, per refusal code -------------------------------------------------------
MESSAGES = {
    "not_ours": NOT_OURS_MESSAGE,
    "malformed": MALFORMED_MESSAGE,
    "bad_signature": "This payment code is not genuine (its signature does not match); do not accept it.",
    "expired": "This payment code has expired; ask the customer to refresh the code.",
    "not_yet_valid": "This payment code is dated in the future; the phone's or the till's clock is wrong.",
    "superseded": "A newer code was issued for this wallet; ask the customer to show the current code.",
    "revoked": "This payment code was withdrawn (the account's sign-in details changed); ask for a new code.",
    "replayed": "This payment code was already used; ask the customer for a new code.",
    "account_locked": "This wallet is frozen and cannot pay; refer the customer to the service desk.",
    "limit_exceeded": "The amount is above this code's limit.",
}

# event name, severity
_REFUSAL_EVENTS = {
    "not_ours": (AuditEvent.CODE_NOT_OURS, "info"),
    "malformed": (AuditEvent.CODE_MALFORMED, "info"),
    "bad_signature": (AuditEvent.CODE_FORGED, "alert"),
    "expired": (AuditEvent.CODE_EXPIRED, "warning"),
    "not_yet_valid": (AuditEvent.CODE_NOT_YET_VALID, "warning"),
    "superseded": (AuditEvent.CODE_SUPERSEDED, "warning"),
    "replayed": (AuditEvent.CODE_REPLAYED, "alert"),
    "account_locked": (AuditEvent.CODE_ACCOUNT_LOCKED, "alert"),
    "insufficient_funds": (AuditEvent.CODE_INSUFFICIENT_FUNDS, "info"),
    "limit_exceeded": (AuditEvent.CODE_LIMIT_EXCEEDED, "warning"),
}


def refused(code: str, message: str | None = None, **details: Any) -> CodeRefused:
    return CodeRefused(message or MESSAGES.get(code, "This payment code cannot be accepted."), code=code, **details)


# -- keys -----------------------------------------------------------------------------------------
def _raw_private_key(private_key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


# -- module-level operations other services call inside their own transactions ----------------------
def _in_write(conn: sqlite3.Connection, what: str) -> None:
    if not conn.in_transaction:
        raise RuntimeError(f"{what} must run inside the caller's write transaction")


def revoke_all_for_customer(conn: sqlite3.Connection, customer_id: int, *, reason: str, at: float) -> int:
    """Revoke every code of the customer that could still pay (password reset, freeze, a changed
    second factor); returns how many. Runs inside the caller's write transaction, so the revocation
    commits with the event that caused it, or not at all."""
    _in_write(conn, "revoke_all_for_customer")
    if isinstance(customer_id, bool) or not isinstance(customer_id, int):
        raise InputError("A customer id is a number.")
    n = codes_store.revoke_outstanding(conn, customer_id, reason=reason, at=at)
    if n:
        audit.record(conn, at=at, event=AuditEvent.CODES_REVOKED, severity="info", customer_id=customer_id,
                     count=n, reason=reason)
    return n


def revoke_all_outstanding(conn: sqlite3.Connection, *, reason: str, at: float, actor: str = "system") -> int:
    """Revoke every code of every customer that could still pay (a switch to the hardened policy:
    codes issued under a weaker one must not outlive it); one audit row with the count."""
    _in_write(conn, "revoke_all_outstanding")
    n = codes_store.revoke_all_outstanding(conn, reason=reason, at=at)
    audit.record(conn, at=at, event=AuditEvent.CODES_REVOKED, severity="warning", actor=actor, count=n, reason=reason,
                 scope="all_customers")
    return n


class CodeService:
    def __init__(self, core: "Core") -> None:
        self.core = core
        self._private_key: Ed25519PrivateKey | None = None
        self._public_key: Ed25519PublicKey | None = None
        self._key_id: bytes | None = None

    # -- the issuer key -------------------------------------------------------------------------
    def ensure_issuer_key(self) -> str:
        """Create the issuer key once per database; returns its key id (hex)."""
        if self._key_id is None:
            created = None
            with self.core.db.write() as conn:
                if not self._load_key(conn):
                    created = self._create_key(conn)
            if created is not None:
                self._cache_key(created)
        assert self._key_id is not None
        return self._key_id.hex()

    def _cache_key(self, private: Ed25519PrivateKey) -> None:
        # Only after the transaction that stored it committed: a rollback must not leave a stale cache.
        self._private_key, self._public_key = private, private.public_key()
        self._key_id = key_id_of(self._public_key)

    def _load_key(self, conn: sqlite3.Connection) -> bool:
        if self._public_key is not None:
            return True
        public_hex = settings_store.get(conn, _PUBLIC_KEY_SETTING)
        private_b64 = settings_store.get(conn, _PRIVATE_KEY_SETTING)
        if not public_hex or not private_b64:
            return False
        private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
        if raw_public_key(private.public_key()).hex() != public_hex:
            raise RuntimeError("the stored issuer key pair does not match")
        self._cache_key(private)
        return True

    def _create_key(self, conn: sqlite3.Connection) -> Ed25519PrivateKey:
        private = Ed25519PrivateKey.generate()
        settings_store.put(conn, _PRIVATE_KEY_SETTING, base64.b64encode(_raw_private_key(private)).decode("ascii"))
        settings_store.put(conn, _PUBLIC_KEY_SETTING, raw_public_key(private.public_key()).hex())
        audit.record(conn, at=self.core.now(), event=AuditEvent.ISSUER_KEY_CREATED, severity="info", actor="system",
                     key_id=key_id_of(private.public_key()).hex())
        return private

    @property
    def public_key(self) -> Ed25519PublicKey | None:
        if self._public_key is None:
            with self.core.db.read() as conn:
                self._load_key(conn)
        return self._public_key

    # -- issuing --------------------------------------------------------------------------------
    def ttl_seconds(self, policy: Policy | None = None) -> int:
        policy = policy or self.core.policy
        if policy.code_ttl_seconds > TTL_RANGE[1]:  # the code-lifetime defence is off (2019 or custom)
            return policy.code_ttl_seconds
        with self.core.db.read() as conn:
            configured = settings_store.get(conn, _TTL_SETTING)
        try:
            value = int(configured) if configured is not None else None
        except ValueError:
            value = None
        if value is not None and TTL_RANGE[0] <= value <= TTL_RANGE[1]:
            return value
        return policy.code_ttl_seconds

    def set_ttl_seconds(self, seconds: int, *, actor: str = "trainer") -> int:
        if not isinstance(seconds, int) or isinstance(seconds, bool) or not TTL_RANGE[0] <= seconds <= TTL_RANGE[1]:
            raise InputError(f"A code's lifetime must be {TTL_RANGE[0]}–{TTL_RANGE[1]} seconds.")
        with self.core.db.write() as conn:
            settings_store.put(conn, _TTL_SETTING, str(seconds))
            audit.record(conn, at=self.core.now(), event=AuditEvent.CODE_TTL_CHANGED, severity="warning", actor=actor,
                         seconds=seconds)
        return seconds

    def issue(self, token: str, *, totp: str | None = None, amount_cap: int | None = None) -> IssuedCode:
        if amount_cap is not None and (not isinstance(amount_cap, int) or isinstance(amount_cap, bool)
                                       or not 1 <= amount_cap <= 10_000_000):
            raise InputError("An amount cap must be a whole number of yen from 1 to 10,000,000.")
        identity = self.core.identity
        session = identity.session(token)
        policy = self.core.policy
        if policy.code_requires_step_up:
            if totp is not None:
                session = identity.step_up(token, totp=totp)
            elif not identity.has_recent_step_up(token):
                raise StepUpRequired("Confirm with your authenticator code to show a payment code.")
        ttl = self.ttl_seconds(policy)
        customer_id = session.customer_id
        nonce, numeric = secrets.token_bytes(16), new_numeric()
        with self.core.db.write() as conn:
            now = self.core.now()
            # Everything the checks above relied on is checked again inside this transaction: a
            # password reset, a freeze or a switch to a stricter policy that committed meanwhile
            # (and withdrew the customer's codes) must not be followed by a code issued under the
            # old rules.
            if self.core.policy != policy:
                raise Conflict("The security policy changed while the code was being made; show the code again.",
                               code="policy_changed")
            live = identity_store.session_by_id(conn, session.id)
            if live is None or live["revoked_at"] is not None:
                raise SessionInvalid("Your session has ended. Sign in again.")
            frozen = codes_store.customer_frozen(conn, customer_id)
            if frozen is None:
                raise NotFound("No such customer.")
            if frozen:
                raise Locked("This wallet is frozen; payment codes cannot be shown. Contact the service desk.",
                             frozen=True)
            created = None if self._load_key(conn) else self._create_key(conn)
            private = created or self._private_key
            assert private is not None
            row = codes_store.wallet(conn, customer_id)
            if row is None:
                codes_store.insert_wallet(conn, customer_id, secrets.token_bytes(8).hex(), at=now)
                row = codes_store.wallet(conn, customer_id)
            wallet_ref = bytes.fromhex(row["wallet_ref"])
            counter = codes_store.next_counter(conn, customer_id)
            issued_at = int(now)
            if policy.code_supersedes_previous:
                codes_store.supersede_live_codes(conn, customer_id, at=now)
            text = sign_code(private, nonce=nonce, wallet_ref=wallet_ref, issued_at=issued_at, ttl=ttl,
                             amount_cap=amount_cap, counter=counter)
            for _ in range(5):  # an 18-digit collision among live codes is astronomically rare
                try:
                    codes_store.insert_code(
                        conn, nonce=nonce.hex(), customer_id=customer_id, wallet_ref=row["wallet_ref"],
                        key_id=key_id_of(private.public_key()).hex(), numeric_hash=numeric_hash(numeric),
                        issued_at=issued_at, expires_at=issued_at + ttl, amount_cap=amount_cap, counter=counter,
                        single_use=policy.code_single_use, at=now)
                    break
                except sqlite3.IntegrityError:
                    numeric = new_numeric()
            else:
                raise RuntimeError("could not allocate a numeric code")
            audit.record(conn, at=now, event=AuditEvent.CODE_ISSUED, severity="info", customer_id=customer_id,
                         nonce=nonce.hex(), counter=counter, expires_at=issued_at + ttl, amount_cap=amount_cap)
        if created is not None:
            self._cache_key(created)
        return IssuedCode(text, numeric, nonce.hex(), issued_at, issued_at + ttl, counter, amount_cap)

    # -- the till's side ------------------------------------------------------------------------
    def _row_for(self, conn: sqlite3.Connection, presented: object) -> tuple[sqlite3.Row, CodeForm, PaymentCode | None]:
        """The stored code a presented text or number denotes; refuses not_ours, malformed, bad_signature."""
        digits = numeric_form(presented)
        if digits is not None:
            row = codes_store.code_by_numeric_hash(conn, numeric_hash(digits))
            if row is None:
                # Usually a typo: a wrong digit is "not a code", not a forgery (a forgery of a keyed
                # number is a guess at 10^18 values; the QR form's signature is what catches fakes).
                raise refused("malformed", "This code number is not a live payment code; check the digits.",
                              form="numeric", why="unknown number")
            return row, CodeForm.NUMERIC, None
        code = parse_code(presented)  # type: ignore[arg-type]
        self._load_key(conn)
        if self._public_key is None or not hmac.compare_digest(code.key_id, self._key_id or b""):
            raise refused("bad_signature", "This payment code was signed by another issuer key; do not accept it.",
                          key_id=code.key_id_hex)
        if not verify_signature(code, self._public_key):
            raise refused("bad_signature", key_id=code.key_id_hex)
        row = codes_store.code_by_nonce(conn, code.nonce_hex)
        if row is None or row["issued_at"] != code.issued_at or row["expires_at"] != code.expires_at \
                or row["wallet_ref"] != code.wallet_ref.hex() or row["counter"] != code.counter:
            raise refused("bad_signature", "This payment code was not issued by this system; do not accept it.")
        return row, CodeForm.QR, code

    def identify(self, conn: sqlite3.Connection, presented: object) -> str | None:
        """The nonce of the stored code a presentation denotes when it is a WHOLE, genuine code of
        ours (QR text with a valid signature matching the stored row, or the exact 20-digit number);
        None for anything else (a fragment, a nonce typed in, a forgery). Writes nothing; ignores
        state and expiry (a retried sale may present its already-paid code)."""
        try:
            row, _, _ = self._row_for(conn, presented)
        except CodeRefused:
            return None
        return row["nonce"]

    def verify_for_redeem(self, conn: sqlite3.Connection, presented: str | bytes, *, now: float,
                          amount: int | None = None, policy: Policy | None = None) -> VerifiedCode:
        """Check a presented code (QR text or 20-digit number) in the documented order; writes nothing.
        With `amount`, a code's amount cap is checked too (`limit_exceeded`). `policy`: the policy the caller
        read in this same transaction (the payment does), so it is not read twice."""
        row, form, _ = self._row_for(conn, presented)
        policy = policy if policy is not None else self.core.policy
        state = row["state"]
        if now >= row["expires_at"] or state == CodeState.EXPIRED.value:
            raise refused("expired", nonce=row["nonce"])
        if row["issued_at"] > now + policy.code_skew_seconds:
            raise refused("not_yet_valid", nonce=row["nonce"])
        if state == CodeState.SUPERSEDED.value:
            raise refused("superseded", nonce=row["nonce"])
        if state == CodeState.REVOKED.value:
            raise refused("superseded", MESSAGES["revoked"], nonce=row["nonce"], reason=row["reason"])
        single_use = bool(row["single_use"]) or policy.code_single_use
        if single_use and state in (CodeState.PAID.value, CodeState.REFUSED.value):
            # A code seen refused is burned too (WeChat Pay / Alipay): a second try needs a new code.
            raise refused("replayed", nonce=row["nonce"])
        if codes_store.customer_frozen(conn, row["customer_id"]) is not False:
            raise refused("account_locked", nonce=row["nonce"])
        if amount is not None and row["amount_cap"] is not None and amount > row["amount_cap"]:
            raise refused("limit_exceeded", f"The amount is above this code's limit of {row['amount_cap']:,} yen.",
                          nonce=row["nonce"], amount_cap=row["amount_cap"])
        return VerifiedCode(row["nonce"], row["customer_id"], row["amount_cap"], row["issued_at"], row["expires_at"],
                            row["counter"], single_use, form, row["wallet_ref"])

    def mark_redeemed(self, conn: sqlite3.Connection, nonce: str, *, sale_id: str | int, at: float,
                      amount: int | None = None) -> None:
        """Record a sale paid with the code, inside the sale's transaction. Under single use a second
        redemption violates a UNIQUE constraint and is refused as `replayed`; the same sale id again is
        a no-op (a retried sale)."""
        row = codes_store.code_by_nonce(conn, nonce)
        if row is None:
            raise refused("bad_signature", "This payment code was not issued by this system; do not accept it.")
        sale = str(sale_id)
        if codes_store.redemption(conn, nonce, sale) is not None:
            return
        single_use = bool(row["single_use"]) or self.core.policy.code_single_use
        try:
            codes_store.insert_redemption(conn, code_id=row["id"], nonce=nonce, sale_id=sale, at=at, amount=amount,
                                          single_use=single_use)
        except sqlite3.IntegrityError:
            raise refused("replayed", nonce=nonce) from None
        codes_store.set_paid(conn, row["id"], sale_id=sale, amount=amount, at=at)

    def record_refusal(self, presented: str | bytes, reason: str, *, terminal_id: str | int | None = None) -> None:
        """Audit a refused code in its own write transaction (after the sale's rolled back) and, when the
        presentation is a WHOLE, genuine code of ours, mark it refused: under single use a code seen
        refused is burned. A fragment (the nonce typed in, a prefix, a number with a wrong digit, a
        truncated text) or a forgery naming a real nonce never touches the real code: otherwise
        anyone who glimpsed a code could burn it and make its owner's payment look like a replay."""
        event, severity = _REFUSAL_EVENTS.get(reason, (AuditEvent.CODE_REFUSED, "warning"))
        with self.core.db.write() as conn:
            now = self.core.now()
            row, key_id = None, None
            try:
                row, form, _ = self._row_for(conn, presented)
            except CodeRefused as e:
                form = CodeForm.NUMERIC if numeric_form(presented) else CodeForm.QR
                key_id = e.details.get("key_id")
            details: dict[str, Any] = {"reason": reason, "form": form.value}
            if terminal_id is not None:
                details["terminal_id"] = terminal_id
            if key_id is not None:
                details["key_id"] = key_id
            customer_id = None
            if row is not None:
                customer_id = row["customer_id"]
                details["nonce"] = row["nonce"]
                if reason == "expired" and row["state"] == CodeState.ISSUED.value:
                    codes_store.set_state(conn, row["id"], CodeState.EXPIRED.value, at=now, reason=reason)
                elif row["state"] == CodeState.ISSUED.value:
                    codes_store.set_state(conn, row["id"], CodeState.REFUSED.value, at=now, reason=reason)
            audit.record(conn, at=now, event=event, severity=severity, customer_id=customer_id, actor="till",
                         **details)

    def revoke_all_for_customer(self, conn: sqlite3.Connection, customer_id: int, *, reason: str, at: float) -> int:
        return revoke_all_for_customer(conn, customer_id, reason=reason, at=at)

    # -- the wallet's side ----------------------------------------------------------------------
    def status(self, token: str, nonce: str) -> CodeStatus:
        session = self.core.identity.session(token)
        if not isinstance(nonce, str) or not _NONCE_HEX.fullmatch(nonce):
            raise NotFound("No such payment code.")
        with self.core.db.read() as conn:
            row = codes_store.code_by_nonce(conn, nonce)
        if row is None or row["customer_id"] != session.customer_id:
            raise NotFound("No such payment code.")
        state = CodeState(row["state"])
        now = self.core.now()
        if state is CodeState.ISSUED:
            if now >= row["expires_at"]:
                return CodeStatus(CodeState.EXPIRED, None, None, None, "expired", float(row["expires_at"]))
            return CodeStatus(state, None, None, None, None, float(row["issued_at"]))
        amount, store_name = row["amount"], None
        if state is CodeState.PAID and row["sale_id"] is not None:
            amount, store_name = self._sale_summary(row["sale_id"], amount)
        return CodeStatus(state, row["sale_id"] if state is CodeState.PAID else None, amount, store_name,
                          row["reason"], row["state_at"])

    def _sale_summary(self, sale_id: str, amount: int | None) -> tuple[int | None, str | None]:
        """The paid sale's total and store name, read from the sales tables. Codes sit below sales
        (sales calls codes to redeem), so this reads the store functions, never `core.sales`."""
        with self.core.db.read() as conn:
            sale = sales_store.sale(conn, sale_id)
            store = catalog_store.store(conn, sale["store_id"]) if sale is not None else None
        if sale is None:
            return amount, None
        return int(sale["total"]), (store["name_ja"] if store is not None else None)

    # -- QA -------------------------------------------------------------------------------------
    def inspect(self, text: str | bytes) -> dict[str, Any]:
        """Every field, whether the signature holds, and the verdict a till would give now. Writes nothing."""
        now = self.core.now()
        out: dict[str, Any] = {}
        digits = numeric_form(text)
        with self.core.db.read() as conn:
            if digits is not None:
                row = codes_store.code_by_numeric_hash(conn, numeric_hash(digits))
                out["form"] = "numeric"
                out["signature_valid"] = None  # a keyed-in number carries no signature; it is looked up
                if row is not None:
                    out.update(version=VERSION, key_id=row["key_id"], nonce=row["nonce"],
                               wallet_ref=row["wallet_ref"], issued_at=to_iso(row["issued_at"]),
                               expires_at=to_iso(row["expires_at"]), ttl=row["expires_at"] - row["issued_at"],
                               amount_cap=row["amount_cap"], counter=row["counter"])
            else:
                out["form"] = "qr"
                try:
                    code = parse_code(text)
                except CodeParseError as e:
                    out.update(signature_valid=False, verdict=e.code, message=e.message)
                    return out
                self._load_key(conn)
                out.update(version=code.version, key_id=code.key_id_hex, nonce=code.nonce_hex,
                           wallet_ref=code.wallet_ref.hex(), issued_at=to_iso(code.issued_at),
                           expires_at=to_iso(code.expires_at), ttl=code.ttl, amount_cap=code.amount_cap,
                           counter=code.counter, issued_at_unix=code.issued_at, expires_at_unix=code.expires_at,
                           signature_valid=self._public_key is not None and verify_signature(code, self._public_key),
                           our_key_id=self._key_id.hex() if self._key_id else None)
            try:
                self.verify_for_redeem(conn, text, now=now)
            except CodeRefused as e:
                out.update(verdict=e.code, message=e.message)
            else:
                out["verdict"] = "ok"
            if out.get("nonce"):
                row = codes_store.code_by_nonce(conn, out["nonce"])
                if row is not None:
                    out["state"] = row["state"]
                    out["redemptions"] = codes_store.redemption_count(conn, row["nonce"])
        return out
