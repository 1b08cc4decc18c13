"""The simulated SNS identity provider (`core.sns`): an OpenID Connect provider in miniature.

It is a third party, not part of the wallet: the same under both policies, and correct. What the
2019 preset gets wrong is the wallet's side (shared/external_id/relying_party.py).

- Users: the SNS accounts (`add_user`), each with a stable public id `sub` (like a social
  network's numeric user id, shown on profile pages: not a secret).
- Clients: the apps registered at the SNS, each with one redirect URI. The wallet is
  `WALLET_CLIENT_ID`; anybody can register another (`register_client`), an attacker too.
- The authorization-code flow with PKCE (RFC 7636, S256 only): `authorize` (the SNS user signs in
  and allows the app) returns a one-time code bound to the client, the redirect URI, the PKCE
  challenge and the nonce, living `CODE_SECONDS`; `token` exchanges it for an ID token, once,
  for the same client and redirect URI and the verifier of the challenge.
- ID tokens: JWTs signed ES256 with joserfc (iss, sub, aud, azp, exp, iat, auth_time, nonce,
  email, name), living `ID_TOKEN_SECONDS`. The signing key lives beside the audit key, in the
  per-user config dir (`sns-idp-<db_id>.jwk`, 0600), never in the database or a log; `jwks()`
  gives its public half, as an IdP's jwks_uri does.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from shared import audit, audit_key, passwords
from shared.errors import InputError, InvalidCredentials, NotFound, QrpayError, StorageError
from shared.storage import external_id_store as store
from shared.storage import settings_store

if TYPE_CHECKING:
    from shared.core import Core

ISSUER = "https://sns.example"
ALGORITHM = "ES256"
WALLET_CLIENT_ID = "qrpay-wallet"
WALLET_REDIRECT_URI = "jp.example.qrpay-wallet:/sns-callback"   # RFC 8252 private-use scheme
# Someone else's app at the same SNS: the fortune-telling quiz an attacker runs. A victim who ever
# signed in to it with their SNS ID handed its owner an ID token for themselves (aud = this app).
QUIZ_CLIENT_ID = "fortune-quiz"
QUIZ_REDIRECT_URI = "https://quiz.attacker.example/callback"
BUILT_IN_CLIENTS = ((WALLET_CLIENT_ID, "qrpay wallet", WALLET_REDIRECT_URI),
                    (QUIZ_CLIENT_ID, "Fortune quiz", QUIZ_REDIRECT_URI))
CODE_SECONDS = 60
ID_TOKEN_SECONDS = 300
_PKCE = re.compile(r"[A-Za-z0-9._~-]{43,128}")          # RFC 7636 §4.1 (verifier), §4.2 (challenge)
_CLIENT_ID = re.compile(r"[a-z0-9][a-z0-9.-]{1,62}")
_MAX_TEXT = 256
_WRONG_LOGIN = "The SNS e-mail address or password is wrong."
_key_lock = threading.Lock()
_key_cache: dict[Path, ECKey] = {}


@dataclass(frozen=True, slots=True)
class SnsUser:
    id: int
    sub: str
    email: str
    name: str


@dataclass(frozen=True, slots=True)
class SnsClient:
    client_id: str
    name: str
    redirect_uri: str


@dataclass(frozen=True, slots=True)
class Authorization:
    """What the provider sends back to the app's redirect URI (RFC 6749 §4.1.2)."""
    code: str
    state: str | None
    redirect_uri: str


@dataclass(frozen=True, slots=True)
class TokenResponse:
    id_token: str
    token_type: str
    expires_in: int


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 §4.2, S256: BASE64URL(SHA256(ASCII(verifier))) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_pkce_verifier() -> str:
    return secrets.token_urlsafe(48)   # 64 characters of the unreserved set, 384 bits


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _text(value: object, what: str, *, max_len: int = _MAX_TEXT) -> str:
    if not isinstance(value, str) or not value or len(value) > max_len or not value.isprintable():
        raise InputError(f"The {what} must be 1 to {max_len} printable characters.", code="bad_input")
    return value


def _user(row) -> SnsUser:
    return SnsUser(row["id"], row["sub"], row["email"], row["name"])


# -- the provider's signing key (kept like the audit key: config dir, 0600) ------------------------
def key_path(db_id: str) -> Path:
    return audit_key.config_dir() / f"sns-idp-{audit_key.check_db_id(db_id)}.jwk"


def _load_or_create_key(db_id: str) -> ECKey:
    path = key_path(db_id)
    with _key_lock:
        if path in _key_cache and path.exists():
            return _key_cache[path]
    audit_key._ensure_dir(path.parent)
    if not path.exists():
        fresh = ECKey.generate_key("P-256", private=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass   # another process made it first: use theirs
        except OSError as e:
            raise StorageError(f"Cannot write the SNS provider's key {path} ({e.strerror}).",
                               code="sns_key_unwritable") from None
        else:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                json.dump(fresh.as_dict(private=True), f)
                f.flush()
                os.fsync(f.fileno())
    try:
        key = ECKey.import_key(json.loads(path.read_text(encoding="ascii")))
        if not key.is_private:
            raise ValueError("public key only")
    except (OSError, ValueError, TypeError, KeyError, JoseError) as e:
        raise StorageError(f"The SNS provider's key {path} cannot be read ({type(e).__name__}).",
                           code="sns_key_unreadable") from None
    with _key_lock:
        _key_cache[path] = key
    return key


class SnsProvider:
    def __init__(self, core: "Core") -> None:
        self.core = core

    # -- keys -------------------------------------------------------------------------------------
    def _key(self) -> ECKey:
        with self.core.db.read() as conn:
            db_id = settings_store.get(conn, audit.DB_ID_KEY)
        return _load_or_create_key(db_id)

    def jwks(self) -> KeySet:
        """The public key set the relying party verifies ID tokens with."""
        public = self._key().as_dict(private=False)
        return KeySet([ECKey.import_key(public)])

    def key_id(self) -> str:
        return self._key().thumbprint()

    def _sign(self, claims: dict[str, Any]) -> str:
        """An ID token with these claims, signed with the provider's key (tests use it to make
        tokens with one claim wrong: they are still genuinely signed)."""
        key = self._key()
        return jwt.encode({"alg": ALGORITHM, "typ": "JWT", "kid": key.thumbprint()}, claims, key,
                          algorithms=[ALGORITHM])

    # -- users and clients ------------------------------------------------------------------------
    def add_user(self, email: str, name: str, password: str) -> SnsUser:
        """A new SNS account. The SNS checks the address's shape, not that it is the user's own."""
        from shared.identity import _valid_email

        email = _valid_email(email)
        name = _text(name.strip() if isinstance(name, str) else name, "name", max_len=100)
        if not isinstance(password, str) or len(password) < 8:
            raise InputError("An SNS password needs at least 8 characters.", code="bad_input")
        pw_hash = passwords.hash_secret(password)
        now = self.core.now()
        with self.core.db.write() as conn:
            if store.sns_user_by_email(conn, email) is not None:
                from shared.errors import Conflict
                raise Conflict("This e-mail address already has an SNS account.", code="sns_email_taken")
            while True:
                sub = f"{secrets.randbelow(9 * 10**15) + 10**15}"   # 16 digits, like a social network's ids
                if store.sns_user_by_sub(conn, sub) is None:
                    break
            uid = store.insert_sns_user(conn, sub=sub, email=email, name=name, password_hash=pw_hash, at=now)
            return _user(store.sns_user_by_id(conn, uid))

    def users(self) -> list[SnsUser]:
        with self.core.db.read() as conn:
            return [_user(r) for r in store.sns_users(conn)]

    def user_by_email(self, email: str) -> SnsUser:
        from shared.identity import normalize_email

        with self.core.db.read() as conn:
            row = store.sns_user_by_email(conn, normalize_email(email))
        if row is None:
            raise NotFound("No SNS account has this e-mail address.")
        return _user(row)

    def _ensure_clients(self, conn) -> None:
        for client_id, name, redirect in BUILT_IN_CLIENTS:
            store.ensure_sns_client(conn, client_id=client_id, name=name, redirect_uri=redirect, at=self.core.now())

    def register_client(self, client_id: str, name: str, redirect_uri: str) -> SnsClient:
        """Anybody can register an app at an SNS (an attacker too)."""
        if not isinstance(client_id, str) or not _CLIENT_ID.fullmatch(client_id):
            raise InputError("A client id is 2 to 63 of a-z, 0-9, '.' and '-'.", code="bad_input")
        name, redirect_uri = _text(name, "app name", max_len=100), _text(redirect_uri, "redirect URI")
        with self.core.db.write() as conn:
            self._ensure_clients(conn)
            if store.sns_client(conn, client_id) is not None:
                from shared.errors import Conflict
                raise Conflict("That client id is taken.", code="sns_client_taken")
            store.ensure_sns_client(conn, client_id=client_id, name=name, redirect_uri=redirect_uri,
                                    at=self.core.now())
        return SnsClient(client_id, name, redirect_uri)

    def client(self, client_id: str) -> SnsClient:
        with self.core.db.write() as conn:
            self._ensure_clients(conn)
            row = store.sns_client(conn, client_id) if isinstance(client_id, str) else None
        if row is None:
            raise NotFound("The SNS knows no app with this client id.", code="sns_client_unknown")
        return SnsClient(row["client_id"], row["name"], row["redirect_uri"])

    def clients(self) -> list[SnsClient]:
        with self.core.db.write() as conn:
            self._ensure_clients(conn)
            return [SnsClient(r["client_id"], r["name"], r["redirect_uri"]) for r in store.sns_clients(conn)]

    # -- the authorization endpoint ----------------------------------------------------------------
    def authorize(self, *, email: str, password: str, client_id: str, redirect_uri: str, code_challenge: str,
                  code_challenge_method: str = "S256", nonce: str | None = None, state: str | None = None,
                  scope: str = "openid email") -> Authorization:
        """The SNS user signs in at the SNS and allows the app: a one-time authorization code for
        the app's registered redirect URI. PKCE is required (S256)."""
        client = self.client(client_id)
        if redirect_uri != client.redirect_uri:   # exact match (RFC 9700 §4.1.3)
            raise QrpayError("This redirect URI is not registered for the app.", code="redirect_uri_mismatch")
        if code_challenge_method != "S256" or not isinstance(code_challenge, str) or not _PKCE.fullmatch(code_challenge):
            raise InputError("The SNS requires a PKCE challenge (S256).", code="pkce_required")
        if not isinstance(scope, str) or "openid" not in scope.split():
            raise InputError("The scope must include openid.", code="bad_input")
        if nonce is not None:
            nonce = _text(nonce, "nonce")
        if state is not None:
            state = _text(state, "state")
        from shared.identity import normalize_email

        key = normalize_email(email)
        with self.core.db.read() as conn:
            row = store.sns_user_by_email(conn, key)
        secret = password if isinstance(password, str) else ""
        if row is None:
            passwords.burn_time(secret[:4096])
            raise InvalidCredentials(_WRONG_LOGIN, code="sns_login_failed")
        if not passwords.verify_secret(row["password_hash"], secret[:4096]):
            raise InvalidCredentials(_WRONG_LOGIN, code="sns_login_failed")
        code = secrets.token_urlsafe(32)
        now = self.core.now()
        with self.core.db.write() as conn:
            store.insert_auth_code(conn, code_hash=_code_hash(code), client_id=client.client_id,
                                   redirect_uri=redirect_uri, code_challenge=code_challenge, nonce=nonce,
                                   user_id=row["id"], at=now, expires_at=now + CODE_SECONDS)
        return Authorization(code, state, redirect_uri)

    # -- the token endpoint -------------------------------------------------------------------------
    def token(self, *, code: str, client_id: str, redirect_uri: str, code_verifier: str) -> TokenResponse:
        """Exchanges an authorization code for an ID token (RFC 6749 §4.1.3, RFC 7636 §4.6). The code
        is burnt by the first exchange, whatever its outcome; every refusal is a stable code."""
        if not isinstance(code, str) or not code or len(code) > _MAX_TEXT:
            raise QrpayError("The authorization code is not valid.", code="authorization_code_invalid")
        now = self.core.now()
        with self.core.db.write() as conn:
            row = store.auth_code(conn, _code_hash(code))
            if row is None:
                raise QrpayError("The authorization code is not valid.", code="authorization_code_invalid")
            if not store.use_auth_code(conn, row["code_hash"], now):
                raise QrpayError("The authorization code was already used.", code="authorization_code_used")
        # The code is burnt (committed) before anything else is looked at: a second try never gets further.
        if not row["issued_at"] - 60 <= now < row["expires_at"]:
            raise QrpayError("The authorization code has expired.", code="authorization_code_expired")
        if not isinstance(client_id, str) or not hmac.compare_digest(client_id.encode(), row["client_id"].encode()):
            raise QrpayError("The authorization code was issued to another app.", code="client_mismatch")
        if not isinstance(redirect_uri, str) or redirect_uri != row["redirect_uri"]:
            raise QrpayError("The redirect URI differs from the one the code was issued for.",
                             code="redirect_uri_mismatch")
        if not isinstance(code_verifier, str) or not _PKCE.fullmatch(code_verifier) \
                or not hmac.compare_digest(pkce_challenge(code_verifier), row["code_challenge"]):
            raise QrpayError("The PKCE verifier does not match the challenge.", code="pkce_mismatch")
        with self.core.db.read() as conn:
            user = store.sns_user_by_id(conn, row["user_id"])
        claims: dict[str, Any] = {"iss": ISSUER, "sub": user["sub"], "aud": row["client_id"],
                                  "azp": row["client_id"], "iat": int(now), "auth_time": int(row["issued_at"]),
                                  "exp": int(now) + ID_TOKEN_SECONDS, "email": user["email"], "name": user["name"]}
        if row["nonce"] is not None:
            claims["nonce"] = row["nonce"]
        return TokenResponse(self._sign(claims), "Bearer", ID_TOKEN_SECONDS)

    # -- one step for apps other than the wallet (the CLI, the attack lab) ---------------------------
    def sign_in_to_app(self, *, email: str, password: str, client_id: str, nonce: str | None = None) -> str:
        """An SNS user signs in to another app with their SNS ID (the whole code flow, done by that
        app): returns the ID token that app now holds."""
        client = self.client(client_id)
        verifier = new_pkce_verifier()
        grant = self.authorize(email=email, password=password, client_id=client.client_id,
                               redirect_uri=client.redirect_uri, code_challenge=pkce_challenge(verifier),
                               nonce=nonce if nonce is not None else secrets.token_urlsafe(16))
        return self.token(code=grant.code, client_id=client.client_id, redirect_uri=client.redirect_uri,
                          code_verifier=verifier).id_token
