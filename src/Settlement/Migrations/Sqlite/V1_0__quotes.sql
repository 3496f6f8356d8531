-- Settlement quotes: the answer as given (returned again for the same input while it lives) and what it pinned.
CREATE TABLE st_quotes (
    id          TEXT    NOT NULL PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    input_hash  TEXT    NOT NULL,
    coupon_ids  TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    response    TEXT    NOT NULL,
    pinned      TEXT    NOT NULL
);
CREATE INDEX ix_st_quotes_input ON st_quotes (user_id, input_hash, expires_at);
CREATE INDEX ix_st_quotes_expiry ON st_quotes (expires_at);
