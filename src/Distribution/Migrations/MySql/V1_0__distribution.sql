-- Distribution tables. MySQL protocol, unchanged on MariaDB, MySQL and TiDB: no foreign keys, ids made by the
-- application (time-ordered), times as UTC epoch milliseconds. The module never touches another module's tables.

-- One row per task: what the merchant asked for, where the file's import stands, the status and its times.
-- Progress counts live on the shards (each shard's chunk transaction updates its own row, never this one).
CREATE TABLE di_tasks (
    id                 BIGINT        NOT NULL,
    merchant_id        BIGINT        NOT NULL,
    template_id        BIGINT        NOT NULL,
    name               VARCHAR(100)  NOT NULL,
    status             VARCHAR(16)   NOT NULL,
    notify             VARCHAR(100)  NOT NULL,
    start_at           BIGINT        NOT NULL,
    file_name          VARCHAR(255)  NOT NULL,
    file_format        VARCHAR(8)    NOT NULL,
    file_bytes         BIGINT        NOT NULL,
    user_id_column     INT           NOT NULL,
    import_state       VARCHAR(16)   NOT NULL,
    import_owner       VARCHAR(80)   NULL,
    import_lease_until BIGINT        NOT NULL,
    total_rows         BIGINT        NULL,
    import_failed      BIGINT        NOT NULL,
    chunk_count        INT           NOT NULL,
    failure_code       VARCHAR(32)   NULL,
    failure_detail     VARCHAR(500)  NULL,
    created_at         BIGINT        NOT NULL,
    started_at         BIGINT        NULL,
    run_since          BIGINT        NULL,
    active_ms          BIGINT        NOT NULL,
    finished_at        BIGINT        NULL,
    updated_at         BIGINT        NOT NULL,
    PRIMARY KEY (id),
    KEY ix_di_tasks_merchant (merchant_id, id),
    KEY ix_di_tasks_due (status, start_at),
    KEY ix_di_tasks_import (import_state, import_lease_until)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The uploaded file, in pieces of up to 1 MiB, until its import has turned it into chunks (then deleted).
CREATE TABLE di_task_files (
    task_id BIGINT   NOT NULL,
    piece   INT      NOT NULL,
    content LONGBLOB NOT NULL,
    PRIMARY KEY (task_id, piece)
);

-- The file's valid rows, parsed: each chunk is the unit one transaction issues. recipients is a compact
-- encoding of (row number, user id) pairs (varint deltas), so any instance can work on any chunk.
CREATE TABLE di_chunks (
    task_id    BIGINT     NOT NULL,
    seq        INT        NOT NULL,
    first_row  BIGINT     NOT NULL,
    row_count  INT        NOT NULL,
    recipients MEDIUMBLOB NOT NULL,
    PRIMARY KEY (task_id, seq)
);

-- A contiguous range of chunks worked by one worker at a time: next_chunk is the durable checkpoint, moved in
-- the same transaction as the chunk's coupons. owner/lease_until is the lease; a shard whose lease lapsed is
-- taken over. status mirrors the task (SCHEDULED, RUNNING, PAUSED, CANCELLED) until the shard is DONE.
CREATE TABLE di_shards (
    id           BIGINT      NOT NULL,
    task_id      BIGINT      NOT NULL,
    first_chunk  INT         NOT NULL,
    end_chunk    INT         NOT NULL,
    next_chunk   INT         NOT NULL,
    status       VARCHAR(16) NOT NULL,
    owner        VARCHAR(80) NULL,
    lease_until  BIGINT      NOT NULL,
    leases       INT         NOT NULL,
    processed    BIGINT      NOT NULL,
    issued       BIGINT      NOT NULL,
    failed       BIGINT      NOT NULL,
    completed_by VARCHAR(80) NULL,
    updated_at   BIGINT      NOT NULL,
    PRIMARY KEY (id),
    KEY ix_di_shards_task (task_id, id),
    KEY ix_di_shards_free (status, lease_until)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Every row that did not get a coupon, with the value read and why.
CREATE TABLE di_failures (
    task_id   BIGINT       NOT NULL,
    row_no    BIGINT       NOT NULL,
    raw_value VARCHAR(100) NOT NULL,
    reason    VARCHAR(32)  NOT NULL,
    PRIMARY KEY (task_id, row_no)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The merchant's Idempotency-Key of task creation, with a hash of the request it was used for.
CREATE TABLE di_merchant_requests (
    merchant_id     BIGINT       NOT NULL,
    idempotency_key VARCHAR(100) NOT NULL,
    request_hash    CHAR(64)     NOT NULL,
    task_id         BIGINT       NOT NULL,
    PRIMARY KEY (merchant_id, idempotency_key)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
