-- Training challenges (shared/challenges.py): when each was solved, per database. A solve is
-- detected from the audit log and the ledger, never ticked; `evidence` names the audit rows or
-- redemptions that showed it (ids only, never a secret). Resetting the progress deletes the rows
-- and records, in settings `challenges_baseline`, how far the log and redemptions went: only what
-- happens afterwards counts.
CREATE TABLE challenge_progress (
    challenge_id  TEXT PRIMARY KEY,
    solved_at     REAL NOT NULL,
    evidence      TEXT NOT NULL DEFAULT '{}'     -- JSON
);
