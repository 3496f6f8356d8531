-- The template dimension: what every fact of a template is kept with (highest version wins).
CREATE TABLE clr_templates (
    template_id        INTEGER NOT NULL PRIMARY KEY,
    merchant_id        INTEGER NOT NULL,
    name               TEXT    NOT NULL,
    currency           TEXT    NOT NULL,
    scope              TEXT    NOT NULL,
    funding            TEXT    NOT NULL,
    platform_share_bps INTEGER NOT NULL,
    version            INTEGER NOT NULL
);

-- The clearing journal: every fact in the order it was derived (seq), the event log the analytic store is built from.
-- Days are yyyymmdd numbers, times UTC epoch milliseconds.
CREATE TABLE clr_journal (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id           TEXT    NOT NULL,
    line               INTEGER NOT NULL,
    movement           TEXT    NOT NULL,
    occurred_at        INTEGER NOT NULL,
    posting_day        INTEGER NOT NULL,
    original_day       INTEGER NULL,
    merchant_id        INTEGER NOT NULL,
    template_id        INTEGER NOT NULL,
    scope              TEXT    NOT NULL,
    currency           TEXT    NOT NULL,
    funding            TEXT    NOT NULL,
    platform_share_bps INTEGER NOT NULL,
    channel            TEXT    NOT NULL,
    channel_id         TEXT    NULL,
    user_coupon_id     INTEGER NULL,
    user_id            INTEGER NULL,
    order_id           TEXT    NULL,
    status             TEXT    NULL,
    coupons            INTEGER NOT NULL,
    discount           INTEGER NOT NULL,
    platform_part      INTEGER NOT NULL,
    merchant_part      INTEGER NOT NULL,
    order_amount       INTEGER NOT NULL,
    order_line         INTEGER NULL,
    sku                TEXT    NULL,
    journaled_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_clr_journal_fact ON clr_journal (event_id, line);

-- Closed clearing days: nothing posts into them any more.
CREATE TABLE clr_days (
    day        INTEGER NOT NULL PRIMARY KEY,
    closed_at  INTEGER NOT NULL,
    closed_by  TEXT    NOT NULL
);

-- One row every posting and every close writes first: postings and closes are serialized (SQLite has one writer anyway).
CREATE TABLE clr_calendar (
    id       INTEGER NOT NULL PRIMARY KEY,
    postings INTEGER NOT NULL
);
INSERT INTO clr_calendar (id, postings) VALUES (1, 0);

-- The ingester's lease (one ingester at a time across instances) and the operators' rebuild requests.
CREATE TABLE clr_ingester (
    id                INTEGER NOT NULL PRIMARY KEY,
    holder            TEXT    NULL,
    expires_at        INTEGER NOT NULL,
    rebuild_requested INTEGER NOT NULL,
    rebuild_done      INTEGER NOT NULL
);
INSERT INTO clr_ingester (id, holder, expires_at, rebuild_requested, rebuild_done) VALUES (1, NULL, 0, 0, 0);

-- Coupon and settlement events whose template the dimension has not seen yet, parked until its template event arrives
-- (events of different producers come in any order): journaled then, in that event's transaction.
CREATE TABLE clr_parked (
    event_id    TEXT    NOT NULL PRIMARY KEY,
    template_id INTEGER NOT NULL,
    envelope    TEXT    NOT NULL
);
CREATE INDEX ix_clr_parked_template ON clr_parked (template_id);
