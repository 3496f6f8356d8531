-- Campaigns group a merchant's templates: a window, a per-user limit across its templates, a money budget (minor units of
-- one currency) with the percentages of it spent at which an event fires (thresholds: comma-separated).
CREATE TABLE ma_campaigns (
    id                   BIGINT       NOT NULL,
    merchant_id          BIGINT       NOT NULL,
    name                 VARCHAR(400) NOT NULL,
    currency             CHAR(3)      NOT NULL,
    valid_from           BIGINT       NOT NULL,
    valid_until          BIGINT       NOT NULL,
    per_user_limit       INT          NULL,
    budget               BIGINT       NULL,
    stop_claims_when_low TINYINT      NOT NULL,
    thresholds           VARCHAR(64)  NOT NULL,
    created_at           BIGINT       NOT NULL,
    updated_at           BIGINT       NOT NULL,
    version              INT          NOT NULL,
    PRIMARY KEY (id),
    KEY ix_ma_campaigns_merchant (merchant_id, id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE TABLE ma_campaign_audit (
    id          BIGINT      NOT NULL,
    campaign_id BIGINT      NOT NULL,
    merchant_id BIGINT      NOT NULL,
    actor       VARCHAR(200) NOT NULL,
    operation   VARCHAR(32) NOT NULL,
    before_json TEXT        NULL,
    after_json  TEXT        NULL,
    occurred_at BIGINT      NOT NULL,
    PRIMARY KEY (id),
    KEY ix_ma_campaign_audit (campaign_id, id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
-- A template's campaign and its own money budget (its own table, so the template's columns stay as they were).
CREATE TABLE ma_template_budgets (
    template_id          BIGINT      NOT NULL,
    merchant_id          BIGINT      NOT NULL,
    campaign_id          BIGINT      NULL,
    budget               BIGINT      NULL,
    stop_claims_when_low TINYINT     NOT NULL,
    thresholds           VARCHAR(64) NOT NULL,
    updated_at           BIGINT      NOT NULL,
    PRIMARY KEY (template_id),
    KEY ix_ma_template_budgets_campaign (campaign_id, template_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
