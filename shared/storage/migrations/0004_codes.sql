-- Payment codes: the per-wallet opaque reference and counter, every code issued, every redemption.
-- The issuer key lives in `settings` (issuer_private_key / issuer_public_key).

-- One row per wallet that ever had a code. `wallet_ref` is random and is what a code carries, so
-- a code never holds the e-mail, name, phone or customer id.
CREATE TABLE code_wallets (
    customer_id  INTEGER PRIMARY KEY REFERENCES customers (id),
    wallet_ref   TEXT    NOT NULL UNIQUE,          -- 16 hex digits
    counter      INTEGER NOT NULL DEFAULT 0,       -- codes issued so far (the EMVCo ATC idea)
    created_at   REAL    NOT NULL
);

CREATE TABLE payment_codes (
    id            INTEGER PRIMARY KEY,
    nonce         TEXT    NOT NULL UNIQUE,         -- 32 hex digits (128 bits), the code's jti
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    wallet_ref    TEXT    NOT NULL,
    key_id        TEXT    NOT NULL,                -- 8 hex digits
    numeric_hash  TEXT    NOT NULL UNIQUE,         -- SHA-256 of the 20-digit form: a bearer credential
    issued_at     INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    amount_cap    INTEGER,
    counter       INTEGER NOT NULL,
    single_use    INTEGER NOT NULL CHECK (single_use IN (0, 1)),  -- the policy it was issued under
    state         TEXT    NOT NULL DEFAULT 'issued'
                  CHECK (state IN ('issued', 'paid', 'refused', 'expired', 'superseded', 'revoked')),
    state_at      REAL,
    reason        TEXT,
    sale_id       TEXT,                            -- the last sale paid with it
    amount        INTEGER
);
CREATE INDEX payment_codes_customer ON payment_codes (customer_id, state);

-- One row per sale paid with a code. `single_use_slot` holds the nonce when the code was
-- single-use and NULL otherwise: SQLite lets NULLs share a UNIQUE column, so the same table
-- refuses a second redemption under the hardened policy and allows many under 2019.
CREATE TABLE code_redemptions (
    id               INTEGER PRIMARY KEY,
    code_id          INTEGER NOT NULL REFERENCES payment_codes (id),
    nonce            TEXT    NOT NULL,
    sale_id          TEXT    NOT NULL,
    redeemed_at      REAL    NOT NULL,
    amount           INTEGER,
    single_use_slot  TEXT    UNIQUE,
    UNIQUE (nonce, sale_id)
);
