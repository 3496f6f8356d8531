-- Merchant-admin tables. MySQL protocol, written to run unchanged on MariaDB, MySQL and TiDB:
-- no foreign keys, ids made by the application (time-ordered), times as UTC epoch milliseconds.
CREATE TABLE ma_coupon_templates (
    id                   BIGINT        NOT NULL,
    merchant_id          BIGINT        NOT NULL,
    name                 VARCHAR(100)  NOT NULL,
    description          VARCHAR(1000) NOT NULL,
    currency             CHAR(3)       NOT NULL,
    scope                VARCHAR(16)   NOT NULL,
    shop_id              BIGINT        NULL,
    product_ids          TEXT          NOT NULL,
    category_ids         TEXT          NOT NULL,
    type                 VARCHAR(16)   NOT NULL,
    discount_amount      BIGINT        NULL,
    threshold_amount     BIGINT        NULL,
    percent_off          INT           NULL,
    max_discount_amount  BIGINT        NULL,
    valid_from           BIGINT        NOT NULL,
    valid_until          BIGINT        NOT NULL,
    validity_after_claim BIGINT        NULL,
    stock                BIGINT        NOT NULL,
    per_user_limit       INT           NOT NULL,
    terminated_at        BIGINT        NULL,
    created_at           BIGINT        NOT NULL,
    updated_at           BIGINT        NOT NULL,
    version              INT           NOT NULL,
    PRIMARY KEY (id),
    KEY ix_ma_templates_merchant (merchant_id, id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE ma_template_audit (
    id          BIGINT      NOT NULL,
    template_id BIGINT      NOT NULL,
    merchant_id BIGINT      NOT NULL,
    actor       VARCHAR(80) NOT NULL,
    operation   VARCHAR(32) NOT NULL,
    before_json TEXT        NULL,
    after_json  TEXT        NULL,
    occurred_at BIGINT      NOT NULL,
    PRIMARY KEY (id),
    KEY ix_ma_audit_template (template_id, id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE ma_create_requests (
    merchant_id     BIGINT       NOT NULL,
    idempotency_key VARCHAR(100) NOT NULL,
    request_hash    CHAR(64)     NOT NULL,
    template_id     BIGINT       NOT NULL,
    PRIMARY KEY (merchant_id, idempotency_key)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
