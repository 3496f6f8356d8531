-- The template dimension: what every fact of a template is kept with (highest version wins).
CREATE TABLE clr_templates (
    template_id        BIGINT       NOT NULL,
    merchant_id        BIGINT       NOT NULL,
    name               VARCHAR(200) NOT NULL,
    currency           CHAR(3)      NOT NULL,
    scope              VARCHAR(16)  NOT NULL,
    funding            VARCHAR(16)  NOT NULL,
    platform_share_bps INT          NOT NULL,
    version            INT          NOT NULL,
    PRIMARY KEY (template_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The clearing journal: every fact in the order it was derived (seq), the event log the analytic store is built from.
-- Days are yyyymmdd numbers, times UTC epoch milliseconds.
CREATE TABLE clr_journal (
    seq                BIGINT       NOT NULL AUTO_INCREMENT,
    event_id           CHAR(36)     NOT NULL,
    line               INT          NOT NULL,
    movement           VARCHAR(24)  NOT NULL,
    occurred_at        BIGINT       NOT NULL,
    posting_day        INT          NOT NULL,
    original_day       INT          NULL,
    merchant_id        BIGINT       NOT NULL,
    template_id        BIGINT       NOT NULL,
    scope              VARCHAR(16)  NOT NULL,
    currency           CHAR(3)      NOT NULL,
    funding            VARCHAR(16)  NOT NULL,
    platform_share_bps INT          NOT NULL,
    channel            VARCHAR(16)  NOT NULL,
    channel_id         VARCHAR(64)  NULL,
    user_coupon_id     BIGINT       NULL,
    user_id            BIGINT       NULL,
    order_id           VARCHAR(64)  NULL,
    status             VARCHAR(16)  NULL,
    coupons            INT          NOT NULL,
    discount           BIGINT       NOT NULL,
    platform_part      BIGINT       NOT NULL,
    merchant_part      BIGINT       NOT NULL,
    order_amount       BIGINT       NOT NULL,
    order_line         INT          NULL,
    sku                VARCHAR(64)  NULL,
    journaled_at       BIGINT       NOT NULL,
    PRIMARY KEY (seq),
    UNIQUE KEY ux_clr_journal_fact (event_id, line)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Closed clearing days: nothing posts into them any more.
CREATE TABLE clr_days (
    day        INT         NOT NULL,
    closed_at  BIGINT      NOT NULL,
    closed_by  VARCHAR(64) NOT NULL,
    PRIMARY KEY (day)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row every posting and every close locks first: postings and closes are serialized, so a fact never lands in a day
-- closed meanwhile, and journal rows commit in seq order (the ingester never skips a seq that commits later).
CREATE TABLE clr_calendar (
    id       INT    NOT NULL,
    postings BIGINT NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO clr_calendar (id, postings) VALUES (1, 0);

-- The ingester's lease (one ingester at a time across instances) and the operators' rebuild requests.
CREATE TABLE clr_ingester (
    id                INT         NOT NULL,
    holder            VARCHAR(80) NULL,
    expires_at        BIGINT      NOT NULL,
    rebuild_requested BIGINT      NOT NULL,
    rebuild_done      BIGINT      NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO clr_ingester (id, holder, expires_at, rebuild_requested, rebuild_done) VALUES (1, NULL, 0, 0, 0);

-- Coupon and settlement events whose template the dimension has not seen yet, parked until its template event arrives
-- (events of different producers come in any order): journaled then, in that event's transaction.
CREATE TABLE clr_parked (
    event_id    CHAR(36)    NOT NULL,
    template_id BIGINT      NOT NULL,
    envelope    MEDIUMTEXT  NOT NULL,
    PRIMARY KEY (event_id),
    KEY ix_clr_parked_template (template_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
