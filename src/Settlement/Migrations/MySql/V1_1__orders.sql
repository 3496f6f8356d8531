-- The settlement record per order: state and amounts (body, JSON) read and written by order id; its steps, oldest first.
CREATE TABLE st_orders (
    order_id    VARCHAR(64)  NOT NULL,
    user_id     BIGINT       NOT NULL,
    state       VARCHAR(20)  NOT NULL,
    version     INT          NOT NULL,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL,
    body        MEDIUMTEXT   NOT NULL,
    PRIMARY KEY (order_id),
    KEY ix_st_orders_user (user_id, order_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE st_order_steps (
    order_id       VARCHAR(64)  NOT NULL,
    seq            INT          NOT NULL,
    at             BIGINT       NOT NULL,
    step           VARCHAR(16)  NOT NULL,
    source         VARCHAR(8)   NOT NULL,
    outcome        VARCHAR(16)  NOT NULL,
    code           VARCHAR(64)  NULL,
    detail         TEXT         NOT NULL,
    cause_type     VARCHAR(64)  NULL,
    cause_event_id CHAR(36)     NULL,
    PRIMARY KEY (order_id, seq)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
