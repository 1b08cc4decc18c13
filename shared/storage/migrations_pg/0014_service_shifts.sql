-- Twin of SQLite 0014: a till's shift on a `qrpay serve` server, as the SHA-256 of its token.
CREATE TABLE service_shifts (
    token_sha256  TEXT    PRIMARY KEY,
    terminal_id   TEXT    NOT NULL,
    clerk_id      BIGINT  NOT NULL,
    opened_at     DOUBLE PRECISION NOT NULL,
    expires_at    DOUBLE PRECISION NOT NULL
);
CREATE INDEX service_shifts_expires ON service_shifts (expires_at);
