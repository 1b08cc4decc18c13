-- Idempotency keys are "the same request" only when the request is the same: each sale, refund
-- and top-up stores a fingerprint of its canonical parameters (a keyed SHA-256, so a card
-- number or a payment code is never stored in clear), compared in constant time on a retry.
-- Rows written before this column existed have NULL and are compared field by field.
ALTER TABLE sales ADD COLUMN request_fp TEXT;
ALTER TABLE refunds ADD COLUMN request_fp TEXT;
ALTER TABLE topups ADD COLUMN request_fp TEXT;

-- The 2019 top-up password gets an attempt limit like a PIN: the attempt is reserved (counted)
-- in the write transaction that checks the limit, before the Argon2 comparison.
ALTER TABLE topup_passwords ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE topup_passwords ADD COLUMN locked_until REAL;
ALTER TABLE topup_passwords ADD COLUMN attempt_at REAL;       -- when the last attempt was reserved

-- Staff PINs: the same reservation rule (shared/attempts.py); `failures` now counts reserved
-- attempts, `attempt_at` tells an attempt still being checked from one that never finished.
ALTER TABLE staff ADD COLUMN attempt_at REAL;
