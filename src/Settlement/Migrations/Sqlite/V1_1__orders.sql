-- The settlement record per order: state and amounts (body, JSON) read and written by order id; its steps, oldest first.
CREATE TABLE st_orders (
    order_id    TEXT    NOT NULL PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    body        TEXT    NOT NULL
);
CREATE INDEX ix_st_orders_user ON st_orders (user_id, order_id);

CREATE TABLE st_order_steps (
    order_id       TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    step           TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    outcome        TEXT    NOT NULL,
    code           TEXT    NULL,
    detail         TEXT    NOT NULL,
    cause_type     TEXT    NULL,
    cause_event_id TEXT    NULL,
    PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;
