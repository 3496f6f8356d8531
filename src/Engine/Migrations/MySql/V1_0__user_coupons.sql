-- Engine tables. MySQL protocol, unchanged on MariaDB, MySQL and TiDB: no foreign keys, ids made by
-- the application (time-ordered), times as UTC epoch milliseconds.

-- The big table: clustered by user, so a wallet is one range read and writes spread over users.
CREATE TABLE en_user_coupons (
    user_id      BIGINT      NOT NULL,
    id           BIGINT      NOT NULL,
    template_id  BIGINT      NOT NULL,
    merchant_id  BIGINT      NOT NULL,
    status       VARCHAR(16) NOT NULL,
    claimed_at   BIGINT      NOT NULL,
    valid_from   BIGINT      NOT NULL,
    valid_until  BIGINT      NOT NULL,
    order_id     VARCHAR(64) NULL,
    locked_until BIGINT      NULL,
    consumed_at  BIGINT      NULL,
    updated_at   BIGINT      NOT NULL,
    version      INT         NOT NULL,
    PRIMARY KEY (user_id, id),
    UNIQUE KEY ux_en_coupons_id (id),
    KEY ix_en_coupons_expiry (status, valid_until),
    KEY ix_en_coupons_holds (status, locked_until)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Issued count per template: the stock counter. Never decremented: a spent or expired coupon was still issued.
CREATE TABLE en_template_issuance (
    template_id BIGINT NOT NULL,
    issued      BIGINT NOT NULL,
    PRIMARY KEY (template_id)
);

-- Coupons claimed per (user, template), for the per-user limit.
CREATE TABLE en_user_template_claims (
    user_id     BIGINT NOT NULL,
    template_id BIGINT NOT NULL,
    claimed     INT    NOT NULL,
    PRIMARY KEY (user_id, template_id)
);

-- One row per claim request: the Idempotency-Key and the coupon it produced.
CREATE TABLE en_claim_requests (
    user_id         BIGINT       NOT NULL,
    idempotency_key VARCHAR(100) NOT NULL,
    template_id     BIGINT       NOT NULL,
    user_coupon_id  BIGINT       NOT NULL,
    created_at      BIGINT       NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Each (order, operation) once, with the answer it got.
CREATE TABLE en_order_operations (
    order_id      VARCHAR(64) NOT NULL,
    operation     VARCHAR(16) NOT NULL,
    user_id       BIGINT      NOT NULL,
    coupon_ids    TEXT        NOT NULL,
    request_hash  VARCHAR(200) NOT NULL,
    response_json MEDIUMTEXT  NOT NULL,
    created_at    BIGINT      NOT NULL,
    PRIMARY KEY (order_id, operation)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
