-- Identity: customers, second factors, sessions, sign-in throttling, password reset, staff.
-- Every secret is stored hashed (Argon2id for passwords, PINs and reset codes; SHA-256 for
-- high-entropy session tokens and recovery codes). The TOTP secret is kept as is: the server
-- needs it to compute codes.

CREATE TABLE customers (
    id                   INTEGER PRIMARY KEY,
    email                TEXT    NOT NULL UNIQUE COLLATE NOCASE,  -- the address of record
    name                 TEXT    NOT NULL,
    password_hash        TEXT    NOT NULL,
    totp_secret          TEXT    NOT NULL,                        -- base32
    totp_enrolled        INTEGER NOT NULL DEFAULT 0 CHECK (totp_enrolled IN (0, 1)),
    pending_totp_secret  TEXT,                                    -- re-enrolment awaiting its first code
    topup_password_hash  TEXT,                                    -- the 2019 "authentication password"
    frozen               INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1)),
    created_at           REAL    NOT NULL,
    password_changed_at  REAL    NOT NULL
);

-- Each accepted TOTP time step, once per customer: the UNIQUE constraint is the replay guard.
CREATE TABLE totp_used_steps (
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    step         INTEGER NOT NULL,
    used_at      REAL    NOT NULL,
    purpose      TEXT    NOT NULL,
    UNIQUE (customer_id, step)
);

CREATE TABLE recovery_codes (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    code_hash    TEXT    NOT NULL,
    created_at   REAL    NOT NULL,
    used_at      REAL,
    UNIQUE (customer_id, code_hash)
);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    token_hash      TEXT    NOT NULL UNIQUE,
    device          TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    created_at      REAL    NOT NULL,
    last_seen_at    REAL    NOT NULL,
    step_up_at      REAL,
    revoked_at      REAL,
    revoked_reason  TEXT
);
CREATE INDEX sessions_customer ON sessions (customer_id, revoked_at);

-- One row per failed sign-in (or failed second factor). `account_key` is the e-mail as typed
-- (normalised), so unknown e-mails are throttled exactly like known ones.
CREATE TABLE login_failures (
    id           INTEGER PRIMARY KEY,
    at           REAL    NOT NULL,
    account_key  TEXT    NOT NULL,
    customer_id  INTEGER,
    source       TEXT    NOT NULL,
    kind         TEXT    NOT NULL   -- password | second_factor | reset_code
);
CREATE INDEX login_failures_at ON login_failures (at);
CREATE INDEX login_failures_account ON login_failures (account_key, at);
CREATE INDEX login_failures_source ON login_failures (source, at);

CREATE TABLE login_throttle (
    account_key           TEXT PRIMARY KEY,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    last_failure_at       REAL,
    locked_until          REAL
);

-- Where sign-ins come from: a source that succeeded before a stuffing wave keeps full speed.
CREATE TABLE login_sources (
    source           TEXT PRIMARY KEY,
    first_success_at REAL,
    last_attempt_at  REAL
);

-- The stuffing detector's state (one row): one alert per wave, not one per attempt.
CREATE TABLE stuffing_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    wave_started  REAL,
    active_until  REAL
);

CREATE TABLE reset_codes (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    code_hash    TEXT    NOT NULL,
    sent_to      TEXT    NOT NULL,
    created_at   REAL    NOT NULL,
    expires_at   REAL    NOT NULL,
    used_at      REAL,
    attempts     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reset_codes_customer ON reset_codes (customer_id, created_at);

CREATE TABLE devices_seen (
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    device         TEXT    NOT NULL,
    first_seen_at  REAL    NOT NULL,
    last_seen_at   REAL    NOT NULL,
    PRIMARY KEY (customer_id, device)
);

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('clerk', 'supervisor')),
    pin_hash      TEXT    NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  REAL,
    created_at    REAL    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
