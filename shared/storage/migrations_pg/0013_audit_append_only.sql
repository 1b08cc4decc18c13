-- Twin of SQLite 0013 (the audit log's UPDATE/DELETE triggers). PostgreSQL has refused UPDATE,
-- DELETE and TRUNCATE of audit rows since the baseline (0011); what SQLite cannot express and the
-- baseline left out is TRUNCATE on the other append-only tables that no foreign key protects from it.
CREATE TRIGGER topups_no_truncate BEFORE TRUNCATE ON topups FOR EACH STATEMENT
    EXECUTE FUNCTION qrpay_append_only('top-ups cannot be truncated');
CREATE TRIGGER sale_lines_no_truncate BEFORE TRUNCATE ON sale_lines FOR EACH STATEMENT
    EXECUTE FUNCTION qrpay_append_only('sale lines cannot be truncated');
CREATE TRIGGER sale_taxes_no_truncate BEFORE TRUNCATE ON sale_taxes FOR EACH STATEMENT
    EXECUTE FUNCTION qrpay_append_only('sale taxes cannot be truncated');
CREATE TRIGGER refund_lines_no_truncate BEFORE TRUNCATE ON refund_lines FOR EACH STATEMENT
    EXECUTE FUNCTION qrpay_append_only('refund lines cannot be truncated');
CREATE TRIGGER z_reports_no_truncate BEFORE TRUNCATE ON z_reports FOR EACH STATEMENT
    EXECUTE FUNCTION qrpay_append_only('a closed day cannot be truncated');
