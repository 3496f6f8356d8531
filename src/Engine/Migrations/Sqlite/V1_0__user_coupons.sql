-- Engine tables for the embedded SQLite store; same columns as the MySQL dialect.
CREATE TABLE en_user_coupons (
    user_id      INTEGER NOT NULL,
    id           INTEGER NOT NULL,
    template_id  INTEGER NOT NULL,
    merchant_id  INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    claimed_at   INTEGER NOT NULL,
    valid_from   INTEGER NOT NULL,
    valid_until  INTEGER NOT NULL,
    order_id     TEXT    NULL,
    locked_until INTEGER NULL,
    consumed_at  INTEGER NULL,
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    PRIMARY KEY (user_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX ux_en_coupons_id ON en_user_coupons (id);
CREATE INDEX ix_en_coupons_expiry ON en_user_coupons (status, valid_until);
CREATE INDEX ix_en_coupons_holds ON en_user_coupons (status, locked_until);

CREATE TABLE en_template_issuance (
    template_id INTEGER NOT NULL PRIMARY KEY,
    issued      INTEGER NOT NULL
);

CREATE TABLE en_user_template_claims (
    user_id     INTEGER NOT NULL,
    template_id INTEGER NOT NULL,
    claimed     INTEGER NOT NULL,
    PRIMARY KEY (user_id, template_id)
) WITHOUT ROWID;

CREATE TABLE en_claim_requests (
    user_id         INTEGER NOT NULL,
    idempotency_key TEXT    NOT NULL,
    template_id     INTEGER NOT NULL,
    user_coupon_id  INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
) WITHOUT ROWID;

CREATE TABLE en_order_operations (
    order_id      TEXT    NOT NULL,
    operation     TEXT    NOT NULL,
    user_id       INTEGER NOT NULL,
    coupon_ids    TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    response_json TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (order_id, operation)
) WITHOUT ROWID;
