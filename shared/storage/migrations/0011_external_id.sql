-- Sign-in with an external ID (issue 14, item 1): the simulated SNS identity provider and the
-- wallet's side of it (the relying party). Code: shared/external_id/.

-- The provider's users: `sub` is the provider's stable, public user id (OpenID Connect `sub`).
CREATE TABLE sns_users (
    id            INTEGER PRIMARY KEY,
    sub           TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    REAL NOT NULL
);

-- The apps registered at the provider (the wallet, and anybody else's).
CREATE TABLE sns_clients (
    client_id    TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at   REAL NOT NULL
);

-- Authorization codes: only their SHA-256 is stored; one-time, short-lived, bound to the client,
-- the redirect URI and the PKCE challenge (RFC 7636, S256).
CREATE TABLE sns_auth_codes (
    code_hash      TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES sns_clients(client_id),
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    nonce          TEXT,
    user_id        INTEGER NOT NULL REFERENCES sns_users(id),
    issued_at      REAL NOT NULL,
    expires_at     REAL NOT NULL,
    used_at        REAL
);

-- The wallet's sign-in requests: `state` (only its SHA-256), the nonce the ID token must carry and
-- the PKCE verifier, kept by the wallet's core for the few minutes the request lives; used once.
CREATE TABLE external_id_requests (
    state_hash    TEXT PRIMARY KEY,
    nonce         TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    created_at    REAL NOT NULL,
    expires_at    REAL NOT NULL,
    used_at       REAL
);

-- Accounts are linked by the provider's (issuer, subject), never by an e-mail address alone.
CREATE TABLE external_id_links (
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    linked_at   REAL NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE UNIQUE INDEX external_id_links_one_per_issuer ON external_id_links (customer_id, issuer);
