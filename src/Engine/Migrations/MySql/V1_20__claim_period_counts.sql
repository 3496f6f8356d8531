-- Per-period claim counts (a template's per-user limits per day, ISO week and month of its time zone): one row per user, template,
-- period kind (D, W, M) and period start (UTC epoch ms of the period's first instant). A new period starts a new row; claims only
-- (coupons a merchant distributes count toward the lifetime limit, not toward these).
CREATE TABLE en_user_period_claims (
    user_id      BIGINT  NOT NULL,
    template_id  BIGINT  NOT NULL,
    period       CHAR(1) NOT NULL,
    period_start BIGINT  NOT NULL,
    claimed      INT     NOT NULL,
    PRIMARY KEY (user_id, template_id, period, period_start),
    KEY ix_en_period_claims_template (template_id, period, period_start, user_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
