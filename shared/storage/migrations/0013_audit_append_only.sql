-- The audit log is append-only, enforced by the database itself as the ledger is (0003): UPDATE and
-- DELETE of an audit row are refused. The hash chain and its signed head (shared/audit.py) still
-- detect someone who drops these triggers with the file in hand; the triggers stop every ordinary
-- path (a store's bug, a careless `sqlite3` session) from rewriting history in the first place.
-- Nothing in the app changes or removes audit rows: a world's reset makes a new database.

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be deleted');
END;
