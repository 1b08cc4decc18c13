-- Base tables every concept uses: settings (policy, shared clock offset, issuer key),
-- the hash-chained audit log and the simulated mailbox.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          REAL    NOT NULL,
    event       TEXT    NOT NULL,
    severity    TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'alert')),
    customer_id INTEGER,
    actor       TEXT,
    details     TEXT    NOT NULL,   -- JSON, never a secret
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL UNIQUE
);
CREATE INDEX audit_log_event ON audit_log (event, at);
CREATE INDEX audit_log_customer ON audit_log (customer_id, at);

CREATE TABLE mailbox (
    id          INTEGER PRIMARY KEY,
    to_addr     TEXT    NOT NULL COLLATE NOCASE,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    sent_at     REAL    NOT NULL,
    kind        TEXT    NOT NULL DEFAULT 'notice'
);
CREATE INDEX mailbox_to ON mailbox (to_addr, id);
