-- The messaging tables: the transactional outbox, the log of retained events, the in-process transport's
-- deliveries, each consumer's inbox, dead letters and the relay's lease. Infrastructure, not module data:
-- modules write events through IOutbox only.

-- Events recorded by commands, published by the relay once due. A row leaves when it is published.
CREATE TABLE msg_outbox (
    id              BIGINT       NOT NULL,
    event_id        CHAR(36)     NOT NULL,
    subject         VARCHAR(200) NOT NULL,
    partition_key   VARCHAR(200) NOT NULL,
    retained        TINYINT      NOT NULL,
    due_at          BIGINT       NOT NULL,
    schedule_key    VARCHAR(190) NULL,
    envelope        MEDIUMTEXT   NOT NULL,
    attempts        INT          NOT NULL,
    next_attempt_at BIGINT       NOT NULL,
    last_error      TEXT         NULL,
    created_at      BIGINT       NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ux_msg_outbox_schedule (schedule_key),
    KEY ix_msg_outbox_due (next_attempt_at, id),
    KEY ix_msg_outbox_partition (partition_key, id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Published events whose type is retained (templates): the history read models are rebuilt from.
CREATE TABLE msg_event_log (
    id           BIGINT       NOT NULL,
    event_id     CHAR(36)     NOT NULL,
    subject      VARCHAR(200) NOT NULL,
    envelope     MEDIUMTEXT   NOT NULL,
    published_at BIGINT       NOT NULL,
    PRIMARY KEY (id),
    KEY ix_msg_event_log_subject (subject, id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The in-process transport: one row per (consumer, event) until the consumer has handled it.
CREATE TABLE msg_deliveries (
    id              BIGINT       NOT NULL,
    consumer        VARCHAR(64)  NOT NULL,
    partition_key   VARCHAR(200) NOT NULL,
    envelope        MEDIUMTEXT   NOT NULL,
    attempts        INT          NOT NULL,
    next_attempt_at BIGINT       NOT NULL,
    last_error      TEXT         NULL,
    PRIMARY KEY (id),
    KEY ix_msg_deliveries_due (consumer, next_attempt_at, id),
    KEY ix_msg_deliveries_partition (consumer, partition_key, id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Which consumer has handled which event: a redelivered event is skipped.
CREATE TABLE msg_inbox (
    consumer     VARCHAR(64) NOT NULL,
    event_id     CHAR(36)    NOT NULL,
    processed_at BIGINT      NOT NULL,
    PRIMARY KEY (consumer, event_id),
    KEY ix_msg_inbox_age (processed_at)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Events that could not be published (stage PUBLISH) or handled by a consumer (stage CONSUME) after the last attempt.
CREATE TABLE msg_dead_letters (
    id          BIGINT       NOT NULL,
    stage       VARCHAR(16)  NOT NULL,
    consumer    VARCHAR(64)  NULL,
    event_id    CHAR(36)     NOT NULL,
    subject     VARCHAR(200) NOT NULL,
    envelope    MEDIUMTEXT   NOT NULL,
    attempts    INT          NOT NULL,
    last_error  TEXT         NOT NULL,
    dead_at     BIGINT       NOT NULL,
    replayed_at BIGINT       NULL,
    PRIMARY KEY (id),
    KEY ix_msg_dead_letters_open (replayed_at, id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One relay publishes at a time (per-partition order); the lease passes on when its holder dies.
CREATE TABLE msg_leases (
    name       VARCHAR(64) NOT NULL,
    holder     VARCHAR(80) NOT NULL,
    expires_at BIGINT      NOT NULL,
    PRIMARY KEY (name)
);
