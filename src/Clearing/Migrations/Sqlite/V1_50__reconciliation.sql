-- Three-way reconciliations (src/Clearing/Reconciliation): one row per run, its counts per kind, and its discrepancies in the
-- order they were found (seq, the paging key). A run is written whole in one transaction, after its matching finished.
CREATE TABLE clr_recon_runs (
    id                    INTEGER NOT NULL PRIMARY KEY,
    day                   TEXT    NOT NULL,
    merchant_id           INTEGER NULL,
    file_name             TEXT    NOT NULL,
    file_format           TEXT    NOT NULL,
    engine_orders         INTEGER NOT NULL,
    engine_coupons        INTEGER NOT NULL,
    cleared_coupons       INTEGER NOT NULL,
    order_lines           INTEGER NOT NULL,
    order_lines_other_day INTEGER NOT NULL,
    discrepancies         INTEGER NOT NULL,
    started_at            INTEGER NOT NULL,
    finished_at           INTEGER NOT NULL,
    idempotency_key       TEXT    NULL
);

CREATE UNIQUE INDEX ux_clr_recon_runs_key ON clr_recon_runs (idempotency_key);

CREATE TABLE clr_recon_counts (
    run_id        INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    discrepancies INTEGER NOT NULL,
    PRIMARY KEY (run_id, kind)
);

CREATE TABLE clr_recon_discrepancies (
    run_id    INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    order_id  TEXT    NOT NULL,
    coupon_id INTEGER NULL,
    sources   TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    PRIMARY KEY (run_id, seq)
);

CREATE INDEX ix_clr_recon_discrepancies_kind ON clr_recon_discrepancies (run_id, kind, seq);
