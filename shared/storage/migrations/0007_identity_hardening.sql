-- Identity hardening (issue 11).
--
-- TOTP replay guard per authenticator: a used step is keyed by (customer, generation, step), where
-- `customers.totp_generation` grows by one each time a new authenticator replaces the old one. A
-- new authenticator's first code may then share its 30-second step with the last code of the old
-- one, while the same secret's step still works only once. Existing rows belong to generation 0,
-- the generation every existing customer starts in.

ALTER TABLE customers ADD COLUMN totp_generation INTEGER NOT NULL DEFAULT 0;

CREATE TABLE totp_used_steps_v2 (
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    generation   INTEGER NOT NULL DEFAULT 0,
    step         INTEGER NOT NULL,
    used_at      REAL    NOT NULL,
    purpose      TEXT    NOT NULL,
    UNIQUE (customer_id, generation, step)
);
INSERT INTO totp_used_steps_v2 (customer_id, generation, step, used_at, purpose)
    SELECT customer_id, 0, step, used_at, purpose FROM totp_used_steps;
DROP TABLE totp_used_steps;
ALTER TABLE totp_used_steps_v2 RENAME TO totp_used_steps;

-- An attempt is reserved (a row here, counted) before its secret is compared, and its row is
-- deleted again when the attempt succeeds. `pending` = 1 while the comparison runs.
ALTER TABLE login_failures ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
