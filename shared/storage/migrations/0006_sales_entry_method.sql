-- How each sale's payment code came in: read by the till's camera, read off the customer's screen
-- by a handheld scanner, or keyed in by the clerk (the 20-digit number, or text typed or pasted).
-- Sales written before this column existed are recorded as keyed (the CLI, the only way then).
ALTER TABLE sales ADD COLUMN entry_method TEXT NOT NULL DEFAULT 'keyed'
    CHECK (entry_method IN ('camera', 'screen', 'keyed'));
