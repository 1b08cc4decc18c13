"""The wallet's side of "Sign in with SNS ID" (`core.external_id`): the OpenID Connect relying party.

    req = core.external_id.begin()                        # state, nonce, PKCE challenge
    grant = core.sns.authorize(email=..., password=..., client_id=req.client_id, redirect_uri=req.redirect_uri,
                               code_challenge=req.code_challenge, nonce=req.nonce, state=req.state)
    session = core.external_id.sign_in_with_external_id(state=req.state, code=grant.code)

Under `hardened` (`policy.verify_id_token`, `policy.link_external_by == "sub"`):
- the sign-in must answer a request this core began (`state`, used once, REQUEST_SECONDS);
- an authorization code is exchanged here, with the request's PKCE verifier; an ID token handed
  over by the app is accepted too, but either way it is validated as OpenID Connect Core 1.0
  §3.1.3.7 asks: the signature (ES256, the provider's key, joserfc), `iss`, `aud` (this app's
  client id; with several audiences `azp` too: a token issued to another app is token
  substitution, RFC 9700 §4.x), `sub`, `exp`/`iat`, and the `nonce` of the request;
- a bare external user id is refused: anybody can type one;
- accounts are found by the provider's (iss, sub) only. A verified SNS account that is not linked
  gets `external_id_not_linked` and nothing is created, whatever its e-mail: linking needs the
  account's own sign-in (password + second factor) and a fresh second factor (`link`);
- the session it opens has no second-factor check: showing a payment code, topping up or changing
  a credential still asks for the authenticator (step-up).
Under `2019` the app trusted what its client sent: a user id as-is, or any token's claims unread
for signature, audience, nonce or expiry; and an unlinked SNS account whose e-mail matched an
account was linked to it on the spot.

Every sign-in writes `external_id_signin` (provider, `verified`: whether the token was checked, how the account
was found; never the token); every refusal `external_id_refused` with its stable reason code.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwt import JWTClaimsRegistry

from shared import audit
from shared.audit_events import AuditEvent
from shared.clock import to_iso
from shared.errors import Conflict, InputError, QrpayError, StepUpRequired
from shared.external_id.provider import (ALGORITHM, ISSUER, WALLET_CLIENT_ID, WALLET_REDIRECT_URI, new_pkce_verifier,
                                         pkce_challenge)
from shared.mailbox import MessageKind
from shared.storage import external_id_store as store
from shared.storage import identity_store
from shared.notices import notice

if TYPE_CHECKING:
    from shared.core import Core
    from shared.identity import Session

PROVIDER = "sns"
REQUEST_SECONDS = 600
_MAX_TOKEN = 8192
_MAX_ID = 256


class ExternalIdRefused(QrpayError):
    """Sign-in with an external ID refused. `code`: id_token_invalid, id_token_issuer, id_token_audience,
    id_token_nonce, id_token_expired, external_id_not_linked (the provider's own refusals keep
    theirs: authorization_code_used, pkce_mismatch, redirect_uri_mismatch, ...)."""

    code = "id_token_invalid"


@dataclass(frozen=True, slots=True)
class SignInRequest:
    """What the app sends the SNS's authorization endpoint (the verifier stays in the core)."""
    state: str
    nonce: str
    code_challenge: str
    code_challenge_method: str
    client_id: str
    redirect_uri: str
    scope: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class ExternalLink:
    provider: str
    issuer: str
    subject: str
    customer_id: int
    linked_at: float


@dataclass(frozen=True, slots=True)
class _Identity:
    issuer: str
    subject: str
    email: str | None
    verified: bool
    presented: str          # "code", "id_token" or "external_user_id"


# severity of each refusal in the audit log: forged or substituted tokens are alerts
_ALERTS = {"id_token_invalid", "id_token_issuer", "id_token_audience"}
_NOT_STARTED = "This sign-in was not started here, or it was already used. Start again."
_BAD_TOKEN = "The SNS sign-in could not be checked. Start again."


def _state_hash(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def _refused(code: str, message: str = _BAD_TOKEN) -> ExternalIdRefused:
    return ExternalIdRefused(message, code=code)


def _one_option(claim: str, option: dict[str, Any], now: int) -> JWTClaimsRegistry:
    return JWTClaimsRegistry(now=now, leeway=0, **{claim: option})


class ExternalIdService:
    def __init__(self, core: "Core") -> None:
        self.core = core

    # -- the request ------------------------------------------------------------------------------
    def begin(self) -> SignInRequest:
        """A new sign-in request: its state and nonce are random, its PKCE verifier stays here."""
        state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), new_pkce_verifier()
        now = self.core.now()
        with self.core.db.write() as conn:
            store.forget_old_requests(conn, now - REQUEST_SECONDS)
            store.insert_request(conn, state_hash=_state_hash(state), nonce=nonce, code_verifier=verifier, at=now,
                                 expires_at=now + REQUEST_SECONDS)
        return SignInRequest(state, nonce, pkce_challenge(verifier), "S256", WALLET_CLIENT_ID, WALLET_REDIRECT_URI,
                             "openid email", now + REQUEST_SECONDS)

    # -- sign-in ------------------------------------------------------------------------------------
    def sign_in_with_external_id(self, *, state: str | None = None, code: str | None = None,
                                 id_token: str | None = None, external_user_id: str | None = None,
                                 device: str = "default", source: str = "local") -> "Session":
        """Sign in with the SNS: an authorization code (with the request's `state`), an ID token the
        app holds (with `state`), or, trusted only by the 2019 preset, a bare external user id."""
        from shared.identity import _label, _session, _token_hash, normalize_email
        from shared.sessions import new_session_token

        device, source = _label(device, "device"), _label(source, "source")
        presented = "code" if code is not None else "id_token" if id_token is not None else "external_user_id"
        try:
            ident = self._identity(state=state, code=code, id_token=id_token, external_user_id=external_user_id)
            policy, now = self.core.policy, self.core.now()
            token = new_session_token()
            with self.core.db.write() as conn:
                link = store.link_of(conn, ident.issuer, ident.subject)
                found_by = "sub"
                if link is None and policy.link_external_by == "email" and ident.email:
                    # 2019: the e-mail in the token (which the SNS never checked) decides the account.
                    row = identity_store.customer_by_email(conn, normalize_email(ident.email))
                    if row is not None and not store.links_of_customer(conn, row["id"]):
                        store.insert_link(conn, issuer=ident.issuer, subject=ident.subject, customer_id=row["id"],
                                          at=now)
                        audit.record(conn, at=now, event=AuditEvent.EXTERNAL_ID_LINKED, severity="warning",
                                     customer_id=row["id"], provider=PROVIDER, how="email_only")
                        link = store.link_of(conn, ident.issuer, ident.subject)
                        found_by = "email"
                if link is None:
                    raise _refused("external_id_not_linked",
                                   "This SNS account is not linked to a wallet. Sign in with your e-mail, password "
                                   "and code, then link it.")
                cid = link["customer_id"]
                sid = identity_store.insert_session(conn, customer_id=cid, token_hash=_token_hash(token),
                                                    device=device, source=source, at=now, step_up_at=None)
                new_device = not identity_store.device_seen(conn, cid, device)
                identity_store.remember_device(conn, cid, device, now)
                audit.record(conn, at=now, event=AuditEvent.EXTERNAL_ID_SIGNIN,
                             severity="info" if ident.verified else "warning", customer_id=cid, provider=PROVIDER,
                             verified=ident.verified, presented=ident.presented, found_by=found_by,
                             session_id=sid, device=device, source=source)
                if new_device:
                    audit.record(conn, at=now, event=AuditEvent.NEW_DEVICE, severity="warning", customer_id=cid,
                                 device=device, source=source, session_id=sid)
                    if policy.notify_new_device:
                        self.core.identity.notify_owner(
                            conn, cid, **notice("sns_signin", device=device, time=to_iso(now), at=now),
                            kind=MessageKind.SECURITY)
                srow = identity_store.session_by_id(conn, sid)
        except QrpayError as refused:
            self._record_refusal(refused, presented=presented, device=device, source=source)
            raise
        return _session(srow, token)

    def _record_refusal(self, refused: QrpayError, *, presented: str, device: str, source: str) -> None:
        """The refusal, in its own transaction after the refused one rolled back (no token, no e-mail)."""
        now = self.core.now()
        with self.core.db.write() as conn:
            audit.record(conn, at=now, event=AuditEvent.EXTERNAL_ID_REFUSED,
                         severity="alert" if refused.code in _ALERTS else "warning", provider=PROVIDER,
                         reason=refused.code, presented=presented, device=device, source=source)

    # -- linking (a signed-in owner, with a fresh second factor) ------------------------------------
    def link(self, token: str, *, state: str, code: str | None = None, id_token: str | None = None,
             totp: str | None = None) -> ExternalLink:
        """Links the SNS account of a verified sign-in to the signed-in customer. Under hardened the
        session must have passed a second-factor check within `step_up_seconds` (or `totp` now): the
        password and the second factor, never an e-mail address, prove the account is theirs."""
        policy = self.core.policy
        if policy.step_up_for_credential_change:
            if totp is not None:
                s = self.core.identity.step_up(token, totp=totp)
            elif self.core.identity.has_recent_step_up(token):
                s = self.core.identity.session(token)
            else:
                raise StepUpRequired("Confirm it is you: enter a code from your authenticator app.")
        else:
            s = self.core.identity.session(token)
        if code is None and id_token is None:
            raise InputError("Sign in to the SNS first.", code="bad_input")
        try:
            ident = self._identity(state=state, code=code, id_token=id_token, external_user_id=None)
        except QrpayError as refused:
            self._record_refusal(refused, presented="code" if code is not None else "id_token", device=s.device,
                                 source="link")
            raise
        now = self.core.now()
        with self.core.db.write() as conn:
            existing = store.link_of(conn, ident.issuer, ident.subject)
            if existing is not None and existing["customer_id"] == s.customer_id:
                return _link(existing)
            if existing is not None:
                raise Conflict("This SNS account is linked to another wallet.", code="external_id_taken")
            if any(r["issuer"] == ident.issuer for r in store.links_of_customer(conn, s.customer_id)):
                raise Conflict("Another SNS account is already linked to this wallet.", code="external_id_linked")
            store.insert_link(conn, issuer=ident.issuer, subject=ident.subject, customer_id=s.customer_id, at=now)
            self.core.identity.notify_owner(
                conn, s.customer_id, **notice("sns_linked", time=to_iso(now), at=now, device=s.device),
                kind=MessageKind.SECURITY)
            audit.record(conn, at=now, event=AuditEvent.EXTERNAL_ID_LINKED, severity="warning",
                         customer_id=s.customer_id, provider=PROVIDER, how="owner_signed_in", session_id=s.id,
                         verified=ident.verified)
            return _link(store.link_of(conn, ident.issuer, ident.subject))

    def links(self, token: str) -> list[ExternalLink]:
        s = self.core.identity.session(token)
        with self.core.db.read() as conn:
            return [_link(r) for r in store.links_of_customer(conn, s.customer_id)]

    # -- who the SNS says it is ---------------------------------------------------------------------
    def _identity(self, *, state: str | None, code: str | None, id_token: str | None,
                  external_user_id: str | None) -> _Identity:
        given = [x for x in (code, id_token, external_user_id) if x is not None]
        if len(given) != 1:
            raise InputError("Give one of: an authorization code, an ID token or an external user id.",
                             code="bad_input")
        verify = self.core.policy.verify_id_token
        if external_user_id is not None:
            if verify:
                raise _refused("id_token_invalid", "Sign in through the SNS: a user id alone proves nothing.")
            if not isinstance(external_user_id, str) or not 0 < len(external_user_id) <= _MAX_ID \
                    or not external_user_id.isprintable():
                raise _refused("id_token_invalid")
            return _Identity(ISSUER, external_user_id, None, False, "external_user_id")
        request = self._take_request(state)
        presented = "code" if code is not None else "id_token"
        if code is not None:
            if request is None:
                raise _refused("id_token_nonce", _NOT_STARTED)
            if not isinstance(code, str) or not 0 < len(code) <= _MAX_ID:
                raise _refused("id_token_invalid")
            id_token = self.core.sns.token(code=code, client_id=WALLET_CLIENT_ID, redirect_uri=WALLET_REDIRECT_URI,
                                           code_verifier=request["code_verifier"]).id_token
        if not isinstance(id_token, str) or not 0 < len(id_token) <= _MAX_TOKEN:
            raise _refused("id_token_invalid")
        if not verify:
            claims = _claims_unverified(id_token)
            iss = claims.get("iss") if isinstance(claims.get("iss"), str) else ISSUER
            email = claims.get("email") if isinstance(claims.get("email"), str) else None
            return _Identity(iss, claims["sub"], email, False, presented)
        if request is None:
            raise _refused("id_token_nonce", _NOT_STARTED)
        claims = self._verified_claims(id_token, nonce=request["nonce"])
        email = claims.get("email") if isinstance(claims.get("email"), str) else None
        return _Identity(claims["iss"], claims["sub"], email, True, presented)

    def _take_request(self, state: str | None):
        if state is None:
            return None
        if not isinstance(state, str) or not 0 < len(state) <= _MAX_ID:
            raise _refused("id_token_nonce", _NOT_STARTED)
        now = self.core.now()
        with self.core.db.write() as conn:
            return store.take_request(conn, _state_hash(state), now)

    def _verified_claims(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """OpenID Connect Core 1.0 §3.1.3.7, with joserfc: signature and alg first (nothing in an
        unsigned token is believed), then iss, aud/azp, sub, exp/iat, nonce, each its own code."""
        try:
            claims = jwt.decode(id_token, self.core.sns.jwks(), algorithms=[ALGORITHM]).claims
        except (JoseError, ValueError, TypeError, KeyError):
            raise _refused("id_token_invalid") from None
        now = int(self.core.now())
        steps = (("iss", {"essential": True, "value": ISSUER}, "id_token_issuer"),
                 ("aud", {"essential": True, "value": WALLET_CLIENT_ID}, "id_token_audience"),
                 ("sub", {"essential": True}, "id_token_invalid"),
                 ("exp", {"essential": True}, "id_token_invalid"),     # expired: ExpiredTokenError below
                 ("iat", {"essential": True}, "id_token_invalid"),
                 ("nonce", {"essential": True, "value": nonce}, "id_token_nonce"))
        for claim, option, code in steps:
            try:
                _one_option(claim, option, now).validate({claim: claims[claim]} if claim in claims else {})
            except ExpiredTokenError:
                raise _refused("id_token_expired", "The SNS sign-in has expired. Start again.") from None
            except (JoseError, ValueError, TypeError):
                raise _refused(code, _NOT_STARTED if code == "id_token_nonce" else _BAD_TOKEN) from None
        aud = claims["aud"]
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != WALLET_CLIENT_ID:
            raise _refused("id_token_audience")   # §3.1.3.7 items 4-5: several audiences need azp = this app
        if "azp" in claims and claims["azp"] != WALLET_CLIENT_ID:
            raise _refused("id_token_audience")
        if not isinstance(claims["sub"], str) or not 0 < len(claims["sub"]) <= 255:
            raise _refused("id_token_invalid")
        return dict(claims)


def _claims_unverified(id_token: str) -> dict[str, Any]:
    """The 2019 app's reading of a token: the payload, with no check of anything."""
    try:
        payload = jws.extract_compact(id_token.encode("ascii")).payload
        claims = json.loads(payload)
    except (JoseError, ValueError, TypeError, UnicodeError):
        raise _refused("id_token_invalid") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str) \
            or not 0 < len(claims["sub"]) <= _MAX_ID:
        raise _refused("id_token_invalid")
    return claims


def _link(row) -> ExternalLink:
    return ExternalLink(PROVIDER, row["issuer"], row["subject"], row["customer_id"], row["linked_at"])
