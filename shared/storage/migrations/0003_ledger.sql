-- The ledger (double entry, append-only), card top-ups and the 2019 top-up password.
--
-- A transfer is a set of postings that sums to 0. Postings and transfers are never changed or
-- removed: the database itself refuses UPDATE and DELETE, so a correction can only be a new,
-- reversing transfer and the journal stays a complete history. `balances` is a cache kept in
-- the same transaction as the postings; `qrpay check` recomputes every balance from the postings
-- and compares.

CREATE TABLE transfers (
    id           INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,       -- the client's idempotency key
    kind         TEXT    NOT NULL,              -- topup | payment | refund | reversal | ...
    at           REAL    NOT NULL,
    memo         TEXT    NOT NULL DEFAULT '',
    customer_id  INTEGER,
    sale_id      TEXT,
    reverses     INTEGER UNIQUE REFERENCES transfers (id)   -- a transfer is reversed at most once
);
CREATE INDEX transfers_customer ON transfers (customer_id, at);
CREATE INDEX transfers_sale ON transfers (sale_id);

CREATE TABLE postings (
    id           INTEGER PRIMARY KEY,
    transfer_id  INTEGER NOT NULL REFERENCES transfers (id),
    account      TEXT    NOT NULL,
    amount       INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount <> 0)
);
CREATE INDEX postings_transfer ON postings (transfer_id);
CREATE INDEX postings_account ON postings (account, transfer_id);

-- A wallet below 0 is refused by the database too, not only by the code that checks first.
CREATE TABLE balances (
    account  TEXT    PRIMARY KEY,
    balance  INTEGER NOT NULL CHECK (typeof(balance) = 'integer'),
    CHECK (substr(account, 1, 7) <> 'wallet:' OR balance >= 0)
);

CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: transfers cannot be changed');
END;

CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: transfers cannot be deleted');
END;

CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: postings cannot be changed');
END;

CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: postings cannot be deleted');
END;

-- Card top-ups: only the brand and the last four digits of the card are ever stored.
CREATE TABLE topups (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL,
    transfer_id      INTEGER NOT NULL UNIQUE REFERENCES transfers (id),
    idempotency_key  TEXT    NOT NULL,
    amount           INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0),
    card_brand       TEXT    NOT NULL,
    card_last4       TEXT    NOT NULL CHECK (length(card_last4) = 4),
    balance_after    INTEGER NOT NULL,
    at               REAL    NOT NULL,
    UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX topups_customer_at ON topups (customer_id, at);

CREATE TRIGGER topups_no_update BEFORE UPDATE ON topups
BEGIN
    SELECT RAISE(ABORT, 'top-ups cannot be changed');
END;

CREATE TRIGGER topups_no_delete BEFORE DELETE ON topups
BEGIN
    SELECT RAISE(ABORT, 'top-ups cannot be deleted');
END;

-- The 2019 preset's separate top-up ("authentication") password, Argon2id-hashed. Kept here
-- rather than on `customers` so the top-up module owns its own credential.
CREATE TABLE topup_passwords (
    customer_id  INTEGER PRIMARY KEY,
    hash         TEXT    NOT NULL,
    set_at       REAL    NOT NULL
);
