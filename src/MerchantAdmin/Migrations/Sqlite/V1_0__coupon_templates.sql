-- Merchant-admin tables for the embedded SQLite store; same columns as the MySQL dialect.
CREATE TABLE ma_coupon_templates (
    id                   INTEGER NOT NULL PRIMARY KEY,
    merchant_id          INTEGER NOT NULL,
    name                 TEXT    NOT NULL,
    description          TEXT    NOT NULL,
    currency             TEXT    NOT NULL,
    scope                TEXT    NOT NULL,
    shop_id              INTEGER NULL,
    product_ids          TEXT    NOT NULL,
    category_ids         TEXT    NOT NULL,
    type                 TEXT    NOT NULL,
    discount_amount      INTEGER NULL,
    threshold_amount     INTEGER NULL,
    percent_off          INTEGER NULL,
    max_discount_amount  INTEGER NULL,
    valid_from           INTEGER NOT NULL,
    valid_until          INTEGER NOT NULL,
    validity_after_claim INTEGER NULL,
    stock                INTEGER NOT NULL,
    per_user_limit       INTEGER NOT NULL,
    terminated_at        INTEGER NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    version              INTEGER NOT NULL
);
CREATE INDEX ix_ma_templates_merchant ON ma_coupon_templates (merchant_id, id);

CREATE TABLE ma_template_audit (
    id          INTEGER NOT NULL PRIMARY KEY,
    template_id INTEGER NOT NULL,
    merchant_id INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    operation   TEXT    NOT NULL,
    before_json TEXT    NULL,
    after_json  TEXT    NULL,
    occurred_at INTEGER NOT NULL
);
CREATE INDEX ix_ma_audit_template ON ma_template_audit (template_id, id);

CREATE TABLE ma_create_requests (
    merchant_id     INTEGER NOT NULL,
    idempotency_key TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    template_id     INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, idempotency_key)
);
