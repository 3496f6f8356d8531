-- Campaigns group a merchant's templates: a window, a per-user limit across its templates, a money budget (minor units of
-- one currency) with the percentages of it spent at which an event fires (thresholds: comma-separated).
CREATE TABLE ma_campaigns (
    id                   INTEGER NOT NULL PRIMARY KEY,
    merchant_id          INTEGER NOT NULL,
    name                 TEXT    NOT NULL,
    currency             TEXT    NOT NULL,
    valid_from           INTEGER NOT NULL,
    valid_until          INTEGER NOT NULL,
    per_user_limit       INTEGER NULL,
    budget               INTEGER NULL,
    stop_claims_when_low INTEGER NOT NULL,
    thresholds           TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    version              INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_ma_campaigns_merchant ON ma_campaigns (merchant_id, id);
CREATE TABLE ma_campaign_audit (
    id          INTEGER NOT NULL PRIMARY KEY,
    campaign_id INTEGER NOT NULL,
    merchant_id INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    operation   TEXT    NOT NULL,
    before_json TEXT    NULL,
    after_json  TEXT    NULL,
    occurred_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_ma_campaign_audit ON ma_campaign_audit (campaign_id, id);
-- A template's campaign and its own money budget (its own table, so the template's columns stay as they were).
CREATE TABLE ma_template_budgets (
    template_id          INTEGER NOT NULL PRIMARY KEY,
    merchant_id          INTEGER NOT NULL,
    campaign_id          INTEGER NULL,
    budget               INTEGER NULL,
    stop_claims_when_low INTEGER NOT NULL,
    thresholds           TEXT    NOT NULL,
    updated_at           INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_ma_template_budgets_campaign ON ma_template_budgets (campaign_id, template_id);
