-- The catalog (items, the store, its terminals), sales with their lines and per-rate tax,
-- refunds linked to them, and Z (close) reports.
--
-- Sales, refunds and their lines are records of money that moved: the database refuses UPDATE
-- and DELETE on them, like the ledger's postings. A sale's lines are a snapshot (name, price,
-- rate as sold), so a later catalog change never rewrites an old receipt.

CREATE TABLE stores (
    id               INTEGER PRIMARY KEY,
    name_ja          TEXT    NOT NULL,
    name_en          TEXT    NOT NULL,
    registration_no  TEXT    NOT NULL CHECK (length(registration_no) = 14 AND substr(registration_no, 1, 1) = 'T'),
    address          TEXT    NOT NULL,
    created_at       REAL    NOT NULL
);

CREATE TABLE terminals (
    id           TEXT    PRIMARY KEY,               -- "T1", "T2", …
    store_id     INTEGER NOT NULL REFERENCES stores (id),
    name         TEXT    NOT NULL,
    receipt_seq  INTEGER NOT NULL DEFAULT 0,        -- last receipt number issued on this terminal
    created_at   REAL    NOT NULL
);

CREATE TABLE items (
    jan         TEXT    PRIMARY KEY CHECK (length(jan) = 13),
    name_ja     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    price       INTEGER NOT NULL CHECK (typeof(price) = 'integer' AND price > 0),   -- tax included
    tax_rate    INTEGER NOT NULL CHECK (tax_rate IN (8, 10)),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  REAL    NOT NULL
);

CREATE TABLE sales (
    id              TEXT    PRIMARY KEY,            -- chosen by the till: a retry returns the first result
    receipt_no      TEXT    NOT NULL UNIQUE,        -- "T1-000042"
    terminal_id     TEXT    NOT NULL REFERENCES terminals (id),
    store_id        INTEGER NOT NULL REFERENCES stores (id),
    clerk_id        INTEGER NOT NULL,
    clerk_name      TEXT    NOT NULL,
    customer_id     INTEGER NOT NULL,
    code_nonce      TEXT    NOT NULL,
    wallet_ref      TEXT    NOT NULL,               -- masked as shown on the receipt
    total           INTEGER NOT NULL CHECK (typeof(total) = 'integer' AND total > 0),
    at              REAL    NOT NULL,
    business_date   TEXT    NOT NULL,               -- YYYY-MM-DD in Japan time
    transfer_id     INTEGER NOT NULL
);
CREATE INDEX sales_terminal_day ON sales (terminal_id, business_date);
CREATE INDEX sales_customer_at ON sales (customer_id, at);

CREATE TABLE sale_lines (
    sale_id     TEXT    NOT NULL REFERENCES sales (id),
    line_no     INTEGER NOT NULL,
    jan         TEXT    NOT NULL,
    name_ja     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    unit_price  INTEGER NOT NULL CHECK (unit_price > 0),
    qty         INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 99),
    amount      INTEGER NOT NULL CHECK (amount = unit_price * qty),
    tax_rate    INTEGER NOT NULL CHECK (tax_rate IN (8, 10)),
    PRIMARY KEY (sale_id, line_no),
    UNIQUE (sale_id, jan)
);

CREATE TABLE sale_taxes (
    sale_id       TEXT    NOT NULL REFERENCES sales (id),
    rate          INTEGER NOT NULL CHECK (rate IN (8, 10)),
    taxable_incl  INTEGER NOT NULL,
    tax           INTEGER NOT NULL,
    PRIMARY KEY (sale_id, rate)
);

CREATE TABLE refunds (
    id             TEXT    PRIMARY KEY,
    sale_id        TEXT    NOT NULL REFERENCES sales (id),
    terminal_id    TEXT    NOT NULL REFERENCES terminals (id),
    supervisor_id  INTEGER NOT NULL,
    customer_id    INTEGER NOT NULL,
    total          INTEGER NOT NULL CHECK (typeof(total) = 'integer' AND total > 0),
    at             REAL    NOT NULL,
    business_date  TEXT    NOT NULL,
    transfer_id    INTEGER NOT NULL,
    request        TEXT    NOT NULL                 -- the lines asked for, to tell a retry from a different refund
);
CREATE INDEX refunds_sale ON refunds (sale_id);
CREATE INDEX refunds_terminal_day ON refunds (terminal_id, business_date);

CREATE TABLE refund_lines (
    refund_id   TEXT    NOT NULL REFERENCES refunds (id),
    jan         TEXT    NOT NULL,
    qty         INTEGER NOT NULL CHECK (qty >= 1),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    tax_rate    INTEGER NOT NULL CHECK (tax_rate IN (8, 10)),
    PRIMARY KEY (refund_id, jan)
);

CREATE TABLE refund_taxes (
    refund_id     TEXT    NOT NULL REFERENCES refunds (id),
    rate          INTEGER NOT NULL CHECK (rate IN (8, 10)),
    taxable_incl  INTEGER NOT NULL,
    tax           INTEGER NOT NULL,
    PRIMARY KEY (refund_id, rate)
);

CREATE TABLE z_reports (
    terminal_id    TEXT    NOT NULL REFERENCES terminals (id),
    business_date  TEXT    NOT NULL,
    report         TEXT    NOT NULL,                -- the report as closed, JSON
    closed_at      REAL    NOT NULL,
    PRIMARY KEY (terminal_id, business_date)
);

CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales
BEGIN SELECT RAISE(ABORT, 'sales cannot be changed: refund instead'); END;
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'sales cannot be deleted: refund instead'); END;
CREATE TRIGGER sale_lines_no_update BEFORE UPDATE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sale lines cannot be changed'); END;
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sale lines cannot be deleted'); END;
CREATE TRIGGER sale_taxes_no_update BEFORE UPDATE ON sale_taxes
BEGIN SELECT RAISE(ABORT, 'sale taxes cannot be changed'); END;
CREATE TRIGGER sale_taxes_no_delete BEFORE DELETE ON sale_taxes
BEGIN SELECT RAISE(ABORT, 'sale taxes cannot be deleted'); END;
CREATE TRIGGER refunds_no_update BEFORE UPDATE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds cannot be changed'); END;
CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds cannot be deleted'); END;
CREATE TRIGGER refund_lines_no_update BEFORE UPDATE ON refund_lines
BEGIN SELECT RAISE(ABORT, 'refund lines cannot be changed'); END;
CREATE TRIGGER refund_lines_no_delete BEFORE DELETE ON refund_lines
BEGIN SELECT RAISE(ABORT, 'refund lines cannot be deleted'); END;
CREATE TRIGGER z_reports_no_update BEFORE UPDATE ON z_reports
BEGIN SELECT RAISE(ABORT, 'a closed day cannot be changed'); END;
CREATE TRIGGER z_reports_no_delete BEFORE DELETE ON z_reports
BEGIN SELECT RAISE(ABORT, 'a closed day cannot be deleted'); END;
