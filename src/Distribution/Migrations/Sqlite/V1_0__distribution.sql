-- Distribution tables (SQLite): the same as the MySQL ones, composite keys WITHOUT ROWID.

-- One row per task: what the merchant asked for, where the file's import stands, the status and its times.
-- Progress counts live on the shards (each shard's chunk transaction updates its own row, never this one).
CREATE TABLE di_tasks (
    id                 INTEGER NOT NULL,
    merchant_id        INTEGER NOT NULL,
    template_id        INTEGER NOT NULL,
    name               TEXT NOT NULL,
    status             TEXT NOT NULL,
    notify             TEXT NOT NULL,
    start_at           INTEGER NOT NULL,
    file_name          TEXT NOT NULL,
    file_format        TEXT NOT NULL,
    file_bytes         INTEGER NOT NULL,
    user_id_column     INTEGER NOT NULL,
    import_state       TEXT NOT NULL,
    import_owner       TEXT NULL,
    import_lease_until INTEGER NOT NULL,
    total_rows         INTEGER NULL,
    import_failed      INTEGER NOT NULL,
    chunk_count        INTEGER NOT NULL,
    failure_code       TEXT NULL,
    failure_detail     TEXT NULL,
    created_at         INTEGER NOT NULL,
    started_at         INTEGER NULL,
    run_since          INTEGER NULL,
    active_ms          INTEGER NOT NULL,
    finished_at        INTEGER NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (id)
);

-- The uploaded file, in pieces of up to 1 MiB, until its import has turned it into chunks (then deleted).
CREATE TABLE di_task_files (
    task_id INTEGER NOT NULL,
    piece   INTEGER NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (task_id, piece)
) WITHOUT ROWID;

-- The file's valid rows, parsed: each chunk is the unit one transaction issues. recipients is a compact
-- encoding of (row number, user id) pairs (varint deltas), so any instance can work on any chunk.
CREATE TABLE di_chunks (
    task_id    INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    first_row  INTEGER NOT NULL,
    row_count  INTEGER NOT NULL,
    recipients BLOB NOT NULL,
    PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;

-- A contiguous range of chunks worked by one worker at a time: next_chunk is the durable checkpoint, moved in
-- the same transaction as the chunk's coupons. owner/lease_until is the lease; a shard whose lease lapsed is
-- taken over. status mirrors the task (SCHEDULED, RUNNING, PAUSED, CANCELLED) until the shard is DONE.
CREATE TABLE di_shards (
    id           INTEGER NOT NULL,
    task_id      INTEGER NOT NULL,
    first_chunk  INTEGER NOT NULL,
    end_chunk    INTEGER NOT NULL,
    next_chunk   INTEGER NOT NULL,
    status       TEXT NOT NULL,
    owner        TEXT NULL,
    lease_until  INTEGER NOT NULL,
    leases       INTEGER NOT NULL,
    processed    INTEGER NOT NULL,
    issued       INTEGER NOT NULL,
    failed       INTEGER NOT NULL,
    completed_by TEXT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (id)
);

-- Every row that did not get a coupon, with the value read and why.
CREATE TABLE di_failures (
    task_id   INTEGER NOT NULL,
    row_no    INTEGER NOT NULL,
    raw_value TEXT NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (task_id, row_no)
) WITHOUT ROWID;

-- The merchant's Idempotency-Key of task creation, with a hash of the request it was used for.
CREATE TABLE di_merchant_requests (
    merchant_id     INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    task_id         INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, idempotency_key)
) WITHOUT ROWID;

CREATE INDEX ix_di_tasks_merchant ON di_tasks (merchant_id, id);
CREATE INDEX ix_di_tasks_due ON di_tasks (status, start_at);
CREATE INDEX ix_di_tasks_import ON di_tasks (import_state, import_lease_until);
CREATE INDEX ix_di_shards_task ON di_shards (task_id, id);
CREATE INDEX ix_di_shards_free ON di_shards (status, lease_until);
