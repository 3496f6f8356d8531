-- The messaging tables (see the MySQL dialect for what each is for).
CREATE TABLE msg_outbox (
    id              INTEGER NOT NULL PRIMARY KEY,
    event_id        TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    partition_key   TEXT    NOT NULL,
    retained        INTEGER NOT NULL,
    due_at          INTEGER NOT NULL,
    schedule_key    TEXT    NULL,
    envelope        TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NULL,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_msg_outbox_schedule ON msg_outbox (schedule_key);
CREATE INDEX ix_msg_outbox_due ON msg_outbox (next_attempt_at, id);
CREATE INDEX ix_msg_outbox_partition ON msg_outbox (partition_key, id);

CREATE TABLE msg_event_log (
    id           INTEGER NOT NULL PRIMARY KEY,
    event_id     TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    envelope     TEXT    NOT NULL,
    published_at INTEGER NOT NULL
);
CREATE INDEX ix_msg_event_log_subject ON msg_event_log (subject, id);

CREATE TABLE msg_deliveries (
    id              INTEGER NOT NULL PRIMARY KEY,
    consumer        TEXT    NOT NULL,
    partition_key   TEXT    NOT NULL,
    envelope        TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NULL
);
CREATE INDEX ix_msg_deliveries_due ON msg_deliveries (consumer, next_attempt_at, id);
CREATE INDEX ix_msg_deliveries_partition ON msg_deliveries (consumer, partition_key, id);

CREATE TABLE msg_inbox (
    consumer     TEXT    NOT NULL,
    event_id     TEXT    NOT NULL,
    processed_at INTEGER NOT NULL,
    PRIMARY KEY (consumer, event_id)
) WITHOUT ROWID;
CREATE INDEX ix_msg_inbox_age ON msg_inbox (processed_at);

CREATE TABLE msg_dead_letters (
    id          INTEGER NOT NULL PRIMARY KEY,
    stage       TEXT    NOT NULL,
    consumer    TEXT    NULL,
    event_id    TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    envelope    TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    last_error  TEXT    NOT NULL,
    dead_at     INTEGER NOT NULL,
    replayed_at INTEGER NULL
);
CREATE INDEX ix_msg_dead_letters_open ON msg_dead_letters (replayed_at, id);

CREATE TABLE msg_leases (
    name       TEXT    NOT NULL PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
