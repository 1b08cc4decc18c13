-- The audit log's anchor moves out of the database: each database gets a random id, and the
-- signing key for its audit head is kept in the per-user config directory under that id
-- (shared/audit_key.py). After these statements the migration runner calls
-- shared.audit.adopt_on_migration (in the same transaction), which creates the key and signs the
-- current head; an existing log is adopted with a warning recorded in it.
INSERT OR IGNORE INTO settings (key, value) VALUES ('db_id', lower(hex(randomblob(16))));
