-- A till's shift on a `qrpay serve` server (shared/service/auth.py Shifts), kept in the world's own database
-- so a restarted server keeps every open shift: the till's payment in flight is retried with its sale id on
-- the same shift and charged once. Only the SHA-256 of the shift token is stored (the token itself is shown
-- once, to the till); a world's reset or deletion forgets its shifts with everything else.
CREATE TABLE service_shifts (
    token_sha256  TEXT    PRIMARY KEY,      -- hex SHA-256 of the shift token
    terminal_id   TEXT    NOT NULL,
    clerk_id      INTEGER NOT NULL,
    opened_at     REAL    NOT NULL,         -- unix seconds, real time (not the world's simulated clock)
    expires_at    REAL    NOT NULL
);
CREATE INDEX service_shifts_expires ON service_shifts (expires_at);
