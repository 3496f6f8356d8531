-- Settlement quotes: the answer as given (returned again for the same input while it lives) and what it pinned.
CREATE TABLE st_quotes (
    id          VARCHAR(40)  NOT NULL,
    user_id     BIGINT       NOT NULL,
    input_hash  CHAR(64)     NOT NULL,
    coupon_ids  TEXT         NOT NULL,
    expires_at  BIGINT       NOT NULL,
    created_at  BIGINT       NOT NULL,
    response    MEDIUMTEXT   NOT NULL,
    pinned      MEDIUMTEXT   NOT NULL,
    PRIMARY KEY (id),
    KEY ix_st_quotes_input (user_id, input_hash, expires_at),
    KEY ix_st_quotes_expiry (expires_at)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
