-- Three-way reconciliations (src/Clearing/Reconciliation): one row per run, its counts per kind, and its discrepancies in the
-- order they were found (seq, the paging key). A run is written whole in one transaction, after its matching finished.
CREATE TABLE clr_recon_runs (
    id                    BIGINT       NOT NULL,
    day                   CHAR(10)     NOT NULL,
    merchant_id           BIGINT       NULL,
    file_name             VARCHAR(200) NOT NULL,
    file_format           VARCHAR(8)   NOT NULL,
    engine_orders         BIGINT       NOT NULL,
    engine_coupons        BIGINT       NOT NULL,
    cleared_coupons       BIGINT       NOT NULL,
    order_lines           BIGINT       NOT NULL,
    order_lines_other_day BIGINT       NOT NULL,
    discrepancies         BIGINT       NOT NULL,
    started_at            BIGINT       NOT NULL,
    finished_at           BIGINT       NOT NULL,
    idempotency_key       VARCHAR(100) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ux_clr_recon_runs_key (idempotency_key)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE clr_recon_counts (
    run_id        BIGINT      NOT NULL,
    kind          VARCHAR(32) NOT NULL,
    discrepancies BIGINT      NOT NULL,
    PRIMARY KEY (run_id, kind)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE clr_recon_discrepancies (
    run_id    BIGINT       NOT NULL,
    seq       BIGINT       NOT NULL,
    kind      VARCHAR(32)  NOT NULL,
    order_id  VARCHAR(64)  NOT NULL,
    coupon_id BIGINT       NULL,
    sources   VARCHAR(64)  NOT NULL,
    detail    VARCHAR(500) NOT NULL,
    PRIMARY KEY (run_id, seq),
    KEY ix_clr_recon_discrepancies_kind (run_id, kind, seq)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
